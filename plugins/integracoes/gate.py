"""The gate every request of the app passes before any of it is read or parsed, and every response leaves by.

`GET /api/v1/health` is answered here, without authentication (counts only, see include/integracoes/status.py).
Then, in order: who is calling (401 before a byte of the body is read — an anonymous 30 MB body is never
parsed), where the state change comes from (CSRF, in `authenticated`), ids no row can have (404), query
values and bodies the database cannot hold (NUL, lone surrogates, integers out of range, JSON nested too
deep → 422 naming the field), and the body's size (413). Responses get the security headers and
`Cache-Control: no-store`, and pages a per-response nonce: the Content-Security-Policy allows no inline script
without it.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any
from urllib.parse import parse_qsl

from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from include.integracoes import status
from include.problems import Problem
from integracoes.api.params import MAX_ID
from integracoes.auth import authenticated
from integracoes.error_handlers import error_response
from integracoes.errors import DATABASE_DOWN, ApiError, route_path
from integracoes.headers import FRAMING_AND_SNIFFING

HEALTH_PATH = "/api/v1/health"
MAX_BODY_BYTES = 256 * 1024  # JSON requests are small: a registration with its keys is a few KB
MAX_JSON_DEPTH = 16

# Query parameters that are integers (the others are text: an EAN searched is digits, but not a number).
INT_PARAMS = frozenset({"page", "page_size", "tenant_id", "zone_id", "branch_id", "days", "after", "limit"})
_DIGITS = re.compile(r"\d+")
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def security_headers(nonce: str) -> list[tuple[bytes, bytes]]:
    policy = (
        f"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    )
    return [(b"content-security-policy", policy.encode()), *FRAMING_AND_SNIFFING]


class Gate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["csp_nonce"] = nonce

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *security_headers(nonce)]
                # Every answer holds a tenant's data or a person's session: no cache keeps it.
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        request = Request(scope)
        if route_path(scope) == HEALTH_PATH and scope["method"] in ("GET", "HEAD"):
            await (await _health())(scope, receive, send_with_headers)
            return
        try:
            await authenticated(request, _bearer(request))
            _check_path(scope["path"])
            _check_query(scope.get("query_string", b""))
            body = await _read_body(scope, receive)
        except ApiError as error:
            await (await run_in_threadpool(error_response, request, error))(scope, receive, send_with_headers)
            return
        except DATABASE_DOWN:  # the caller's tenants could not be loaded
            await error_response(request, ApiError(503, "http.database_unavailable"))(scope, receive, send_with_headers)
            return
        await self.app(scope, _replay(body, receive) if body is not None else receive, send_with_headers)


async def _health() -> JSONResponse:
    """The one public route: the product's health for load balancers and `make status` (counts only, no tenant
    data). Answered here, before authentication, so the app itself keeps every route authenticated."""
    healthy, body = await run_in_threadpool(status.report)
    return JSONResponse(body, status_code=200 if healthy else 503, headers={"Cache-Control": "no-store"})


def _bearer(request: Request) -> HTTPAuthorizationCredentials | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return HTTPAuthorizationCredentials(scheme="Bearer", credentials=token.strip())


def _check_path(path: str) -> None:
    """An id beyond PostgreSQL's integers cannot exist: 404, as for any missing object."""
    if any(_DIGITS.fullmatch(part) and int(part) > MAX_ID for part in path.split("/")):
        raise ApiError(404, "http.not_found")


def _check_query(raw: bytes) -> None:
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ApiError(422, "http.validation", errors={"query": Problem("http.text_unsupported")}) from None
    problems: dict[str, Problem] = {}
    for name, value in pairs:
        if _FORBIDDEN.search(name) or _FORBIDDEN.search(value):
            problems[_printable(name)] = Problem("http.text_unsupported")
        elif name in INT_PARAMS and _DIGITS.fullmatch(value) and int(value) > MAX_ID:
            problems[name] = Problem("http.number_out_of_range")
    if problems:
        raise ApiError(422, "http.validation", errors=problems)


async def _read_body(scope: Scope, receive: Receive) -> bytes | None:
    """The whole body (at most MAX_BODY_BYTES), checked when JSON; None for a request without one."""
    if scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return None
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(413, "http.too_large", params={"limit": MAX_BODY_BYTES // 1024})
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ApiError(413, "http.too_large", params={"limit": MAX_BODY_BYTES // 1024})
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    if body and headers.get("content-type", "").split(";")[0].strip() == "application/json":
        _check_json(body)
    return body


def _check_json(body: bytes) -> None:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(422, "http.validation", errors={"body": Problem("http.json_invalid")}) from None
    problems: dict[str, Problem] = {}
    stack: list[tuple[Any, str, int]] = [(document, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ApiError(422, "http.validation", errors={"body": Problem("http.json_too_deep")})
        stack.extend(_children(value, where, depth))
        problem = _value_problem(value, where)
        if problem:
            problems[_printable(where or "body")] = problem
    if problems:
        raise ApiError(422, "http.validation", errors=problems)


def _children(value: Any, where: str, depth: int) -> list[tuple[Any, str, int]]:
    if isinstance(value, dict):
        return [(item, f"{where}.{key}" if where else str(key), depth + 1) for key, item in value.items()]
    if isinstance(value, list):
        return [(item, f"{where}.{n}" if where else str(n), depth + 1) for n, item in enumerate(value)]
    return []


def _value_problem(value: Any, where: str) -> Problem | None:
    """What the database cannot hold: NUL or a lone surrogate (in a value or its key), an integer too big."""
    if _FORBIDDEN.search(where) or (isinstance(value, str) and _FORBIDDEN.search(value)):
        return Problem("http.text_unsupported")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ID:
        return Problem("http.number_out_of_range")
    return None


def _printable(field: str) -> str:
    return _FORBIDDEN.sub("?", field)[:120]


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, handed to the app as if it came from the client."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
