"""The integration log: GET /integrations/{id}/logs (cursor paging) and /logs/stream (Server-Sent Events)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from include.integracoes import db, integrations, logs
from include.integracoes.logs import LogLine
from include.integracoes.permissions import Action, Resource
from integracoes.auth import Caller, require

router = APIRouter(tags=["Logs da integração"])
POLL_S = 1.0
HEARTBEAT_S = 15.0


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


@router.get("/integrations/{integration_id}/logs", response_model=LogPageOut, summary="Logs da integração")
def read_logs(
    integration_id: int,
    after: int = Query(default=0, ge=0),
    limit: int = Query(default=100, ge=1, le=logs.MAX_PAGE),
    caller: Caller = Depends(require(Action.READ, Resource.LOGS)),
) -> LogPageOut:
    with db.pooled() as conn:
        lines, cursor = logs.read(conn, caller.principal, integration_id, after=after, limit=limit)
    return LogPageOut(items=[_out(line) for line in lines], next_cursor=cursor)


@router.get(
    "/integrations/{integration_id}/logs/stream",
    summary="Logs da integração ao vivo (SSE)",
    response_class=StreamingResponse,
)
async def stream_logs(
    request: Request,
    integration_id: int,
    after: int = Query(default=0, ge=0),
    caller: Caller = Depends(require(Action.READ, Resource.LOGS)),
) -> StreamingResponse:
    def check() -> None:
        with db.pooled() as conn:
            integrations.get(conn, caller.principal, integration_id)  # 404 before the stream starts

    await run_in_threadpool(check)
    resume = request.headers.get("last-event-id", "")
    start = int(resume) if resume.isdigit() else after

    def fetch(cursor: int) -> tuple[list[LogLine], int]:
        with db.pooled() as conn:
            return logs.read(conn, caller.principal, integration_id, after=cursor, limit=logs.MAX_PAGE)

    async def events() -> AsyncIterator[str]:
        cursor, idle = start, 0.0
        yield "retry: 2000\n\n"
        while not await request.is_disconnected():
            lines, cursor = await run_in_threadpool(fetch, cursor)
            for line in lines:
                yield f"id: {line.cursor}\nevent: log\ndata: {json.dumps(_out(line).model_dump(mode='json'))}\n\n"
            idle = 0.0 if lines else idle + POLL_S
            if idle >= HEARTBEAT_S:
                idle = 0.0
                yield ": keep-alive\n\n"
            await asyncio.sleep(POLL_S)

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )
