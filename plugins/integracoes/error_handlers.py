"""How an error is answered: JSON in the caller's language, or, to a person opening a page, Airflow's login or a
page of the product saying what happened; and the app's exception handlers, which answer so.

Apart from integracoes/errors.py (the errors and their vocabulary, which the routes and `auth` import) because an
answer may be a rendered page: this module sits above `pages`, which itself imports `errors` and `auth`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from include.airflow_adapter.control import DagUnavailable
from include.integracoes import errors as service
from include.integracoes.messages import CATALOG, text
from include.problems import Problem
from integracoes.errors import DATABASE_DOWN, ApiError, language_of, route_path
from integracoes.pages import render

# The name it had before the handlers left integracoes/errors.py: what the logs are searched by.
log = logging.getLogger("integracoes.errors")

_STATUS_KEYS = {
    401: "auth.missing",
    403: "auth.forbidden",
    404: "http.not_found",
    405: "http.method_not_allowed",
}


def _page_error(request: Request, error: ApiError) -> Response | None:
    """What a person opening a page gets instead of JSON: no session → Airflow's login, and back here after
    it; a page they may not open or that does not exist → a page saying so, in the product's frame."""
    if request.method not in ("GET", "HEAD") or route_path(request.scope).startswith("/api/"):
        return None
    if error.status == 401:
        from airflow.api_fastapi.app import get_auth_manager

        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = get_auth_manager().get_url_login(next_url=here)
        # The login page is FAB's, in pt-BR unless English is asked for (its `_l_` argument).
        if language_of(request) == "en":
            login += "&_l_=en"
        return RedirectResponse(login, status_code=303, headers={"Cache-Control": "no-store"})
    caller = getattr(request.state, "integracoes_caller", None)
    if caller is not None and error.status in (403, 404):
        if error.status == 403:
            return render(request, "forbidden.html", caller, status=403)
        return render(request, "not_found.html", caller, status=404, not_found_key="ui.page_not_found")
    return None


def error_response(request: Request, error: ApiError, headers: Mapping[str, str] | None = None) -> Response:
    page = _page_error(request, error)
    if page is not None:
        return page
    language = language_of(request)
    body: dict[str, Any] = {"message": text(error.key, language, **error.params), **error.extra}
    if error.errors:
        body["errors"] = {field: text(p.key, language, **p.params) for field, p in error.errors.items()}
    if error.status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(body, status_code=error.status, headers=headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return await run_in_threadpool(error_response, request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = exc.headers
    if exc.status_code == 405:  # every method of the address (Starlette names only the first route's)
        headers = {"Allow": ", ".join(_allowed_methods(request))}
    key = _STATUS_KEYS.get(exc.status_code, "http.internal")
    return await run_in_threadpool(error_response, request, ApiError(exc.status_code, key), headers)


def _allowed_methods(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, APIRoute) and route.matches(request.scope)[0] is not Match.NONE:
            methods |= route.methods
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = {}
    for item in exc.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path")]
        field = ".".join(location) or "body"
        if item.get("type") == "missing":
            errors[field] = Problem("http.field_missing")
        else:  # a field-specific explanation when the catalog has one ("field.<name>")
            errors[field] = Problem(
                f"field.{location[0]}" if location and f"field.{location[0]}" in CATALOG else "http.field_invalid"
            )
    return error_response(request, ApiError(422, "http.validation", errors=errors))


_SERVICE_STATUS: dict[type[service.ServiceError], int] = {
    DagUnavailable: 503,
    service.NotFound: 404,
    service.Forbidden: 403,
    service.Invalid: 422,
    service.Conflict: 409,
    service.Gone: 410,
    service.Unavailable: 503,
}


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, service.ServiceError)
    status = next((code for kind, code in _SERVICE_STATUS.items() if isinstance(exc, kind)), 500)
    error = ApiError(
        status,
        exc.key,
        errors=exc.errors if isinstance(exc, service.Invalid) else None,
        params=exc.params,
        extra=exc.extra if isinstance(exc, service.Conflict) else None,
    )
    return await run_in_threadpool(error_response, request, error)


async def _database_down(request: Request, exc: Exception) -> Response:
    log.warning("Application database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return error_response(request, ApiError(503, "http.database_unavailable"))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("Unexpected error on %s %s", request.method, request.url.path)
    return error_response(request, ApiError(500, "http.internal"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(service.ServiceError, _service_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for kind in DATABASE_DOWN:
        app.add_exception_handler(kind, _database_down)
    app.add_exception_handler(Exception, _unexpected_error)
