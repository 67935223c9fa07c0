"""The integration log: GET /integrations/{id}/logs (cursor paging) and /logs/stream (Server-Sent Events)."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from include import settings
from include.integracoes import db, integrations, logs
from include.integracoes.errors import NotFound
from include.integracoes.logs import LogLine
from include.integracoes.messages import text
from include.integracoes.permissions import Action, Resource
from integracoes.api.params import MAX_ID, IntegrationId
from integracoes.auth import Caller, reload_principal, require, token_expiry
from integracoes.errors import ApiError, error_responses, language_of

router = APIRouter(tags=["Logs da integração"])
POLL_S = 1.0
HEARTBEAT_S = 15.0
# How often an open stream checks that its caller may still see the integration (memberships change):
# INTEGRACOES_STREAM_RECHECK_S. Live streams one user may hold open at once (per api-server process):
# INTEGRACOES_MAX_LOG_STREAMS — tabs left open are fine, a loop opening streams is not.
_open_streams: Counter[str] = Counter()


class LogLineOut(BaseModel):
    cursor: int
    ts: datetime
    level: str
    task_code: int | None
    message: str


class LogPageOut(BaseModel):
    items: list[LogLineOut]
    next_cursor: int


def _out(line: LogLine) -> LogLineOut:
    return LogLineOut(cursor=line.cursor, ts=line.ts, level=line.level, task_code=line.task_code, message=line.message)


@router.get("/integrations/{integration_id:int}/logs", response_model=LogPageOut, summary="Logs da integração")
def read_logs(
    integration_id: IntegrationId,
    after: int = Query(default=0, ge=0, le=MAX_ID),
    limit: int = Query(default=100, ge=1, le=logs.MAX_PAGE),
    caller: Caller = Depends(require(Action.READ, Resource.LOGS)),
) -> LogPageOut:
    with db.pooled() as conn:
        lines, cursor = logs.read(conn, caller.principal, integration_id, after=after, limit=limit)
    return LogPageOut(items=[_out(line) for line in lines], next_cursor=cursor)


@dataclass
class _LiveLog:
    """One open stream: new lines as they come, ended when the session or the membership no longer allows it."""

    caller: Caller
    integration_id: int
    cursor: int
    expires: float | None  # the token's expiry (POSIX time)
    language: str

    def fetch(self) -> list[LogLine]:
        with db.pooled() as conn:
            lines, self.cursor = logs.read(
                conn, self.caller.principal, self.integration_id, after=self.cursor, limit=logs.MAX_PAGE
            )
        return lines

    def still_allowed(self) -> bool:
        principal = reload_principal(self.caller)
        with db.pooled() as conn:
            try:
                integrations.get(conn, principal, self.integration_id)
            except NotFound:
                return False
        return True

    def ended(self, key: str) -> str:
        """The last event of a stream the session no longer allows (the page shows it and stops)."""
        return f"event: encerrado\ndata: {json.dumps({'reason': key, 'message': text(key, self.language)})}\n\n"

    async def events(self, request: Request) -> AsyncIterator[str]:
        username = self.caller.principal.username
        idle, checked = 0.0, time.monotonic()
        recheck_s = settings.current().stream_recheck_s
        _open_streams[username] += 1
        try:
            yield "retry: 2000\n\n"
            while not await request.is_disconnected():
                if self.expires is not None and time.time() >= self.expires:
                    yield self.ended("auth.expired")
                    return
                if time.monotonic() - checked >= recheck_s:
                    checked = time.monotonic()
                    if not await run_in_threadpool(self.still_allowed):
                        yield self.ended("http.not_found")
                        return
                lines = await run_in_threadpool(self.fetch)
                for line in lines:
                    yield f"id: {line.cursor}\nevent: log\ndata: {json.dumps(_out(line).model_dump(mode='json'))}\n\n"
                idle = 0.0 if lines else idle + POLL_S
                if idle >= HEARTBEAT_S:
                    idle = 0.0
                    yield ": keep-alive\n\n"
                await asyncio.sleep(POLL_S)
        finally:
            _open_streams[username] -= 1


@router.get(
    "/integrations/{integration_id:int}/logs/stream",
    summary="Logs da integração ao vivo (SSE)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}, **error_responses(429)},
)
async def stream_logs(
    request: Request,
    integration_id: IntegrationId,
    after: int = Query(default=0, ge=0, le=MAX_ID),
    caller: Caller = Depends(require(Action.READ, Resource.LOGS)),
) -> StreamingResponse:
    """New lines as they are written; the stream ends (event `encerrado`) when the token expires or the
    caller loses access to the integration, and one user holds at most INTEGRACOES_MAX_LOG_STREAMS at once."""

    def check() -> None:
        with db.pooled() as conn:
            integrations.get(conn, caller.principal, integration_id)  # 404 before the stream starts

    await run_in_threadpool(check)
    most = settings.current().max_log_streams
    if _open_streams[caller.principal.username] >= most:
        raise ApiError(429, "logs.too_many_streams", params={"limit": most})
    resume = request.headers.get("last-event-id", "")
    live = _LiveLog(
        caller, integration_id, int(resume) if resume.isdigit() else after, token_expiry(request),
        language_of(request),
    )  # fmt: skip
    return StreamingResponse(
        live.events(request), media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )  # fmt: skip
