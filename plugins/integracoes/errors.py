"""One error shape for every failure, in the user's language: {"message", "errors"?: {field: text}, ...}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from include.connectors.config import Problem
from include.integracoes import errors as service
from include.integracoes.airflow_runs import DagUnavailable
from include.integracoes.messages import CATALOG, negotiate, text

log = logging.getLogger(__name__)

_STATUS_KEYS = {
    401: "auth.missing",
    403: "auth.forbidden",
    404: "http.not_found",
    405: "http.method_not_allowed",
}


class ApiError(Exception):
    """An error for the caller: an HTTP status, a catalog key and optional per-field catalog keys."""

    def __init__(
        self,
        status: int,
        key: str,
        *,
        errors: dict[str, Problem] | None = None,
        params: dict[str, object] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.errors = errors or {}
        self.params = params or {}
        self.extra = extra or {}


def language_of(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"))


def error_response(request: Request, error: ApiError) -> JSONResponse:
    language = language_of(request)
    body: dict[str, Any] = {"message": text(error.key, language, **error.params), **error.extra}
    if error.errors:
        body["errors"] = {field: text(p.key, language, **p.params) for field, p in error.errors.items()}
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse(body, status_code=error.status, headers=headers)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(request, exc)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(request, ApiError(exc.status_code, _STATUS_KEYS.get(exc.status_code, "http.internal")))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
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
}


async def _service_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, service.ServiceError)
    status = next((code for kind, code in _SERVICE_STATUS.items() if isinstance(exc, kind)), 500)
    return error_response(
        request,
        ApiError(
            status,
            exc.key,
            errors=exc.errors if isinstance(exc, service.Invalid) else None,
            params=exc.params,
            extra=exc.extra if isinstance(exc, service.Conflict) else None,
        ),
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("Unexpected error on %s %s", request.method, request.url.path)
    return error_response(request, ApiError(500, "http.internal"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(service.ServiceError, _service_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
