"""One error shape for every failure, in the user's language: {"message", "errors"?: {field: text}, ...}.

The errors and their vocabulary (what the routes raise and document, the caller's language); how an error is
answered, a rendered page included, is integracoes/error_handlers.py's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from psycopg_pool import PoolTimeout
from pydantic import BaseModel, Field

from include.integracoes.messages import negotiate
from include.problems import Problem


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


# The application database is down or unreachable (restart, failover, network): a 503 the client may retry,
# never a 500 — nothing was written, since every change is one transaction.
DATABASE_DOWN: tuple[type[Exception], ...] = (psycopg.OperationalError, PoolTimeout)


class ErrorOut(BaseModel):
    """The body of every error answer."""

    message: str = Field(description="O que aconteceu, no idioma do usuário")
    errors: dict[str, str] | None = Field(default=None, description="Campo → o que há de errado com ele")


# What each error status means on this API; `document_errors` puts them on the routes they apply to.
_ERROR_MEANINGS = {
    401: "Sem sessão válida (token ausente, inválido ou expirado)",
    403: "O perfil do usuário não permite esta ação, ou a origem da requisição não é a do produto (CSRF)",
    404: "Não existe, ou pertence a outro cliente",
    409: "Conflita com uma tarefa pendente do mesmo período",
    410: "O arquivo expirou: passou do prazo de guarda e foi removido",
    413: "Corpo maior que o limite",
    422: "Dados inválidos: `errors` diz o que há de errado em cada campo",
    429: "Conexões ao vivo demais abertas pelo mesmo usuário",
    503: "Banco de dados das integrações ou o Airflow indisponível no momento; tente novamente",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorOut, "description": _ERROR_MEANINGS[status]} for status in statuses}


def document_errors(app: FastAPI) -> None:
    """Declare on every route the errors it can answer, so the OpenAPI document tells the truth: 401 and 503
    everywhere (authentication and the database come first), 403 where a permission is required, 404 where
    an id is in the path, 413 where there is a body, 422 where there are parameters. A route adds its own
    (409, 429) in its decorator."""
    for route in app.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        statuses = {401, 503}
        if any(hasattr(dep.call, "required_permission") for dep in route.dependant.dependencies):
            statuses.add(403)
        if route.dependant.path_params:
            statuses.add(404)
        if route.body_field is not None:
            statuses |= {413, 422}
        if route.dependant.query_params or route.dependant.path_params:
            statuses.add(422)
        for status, response in error_responses(*sorted(statuses)).items():
            route.responses.setdefault(status, response)


def language_of(request: Request) -> str:
    """The caller's chosen language once authenticated, else Airflow's UI language (copied by the pages' script
    into a cookie when it is one of ours), else the browser's (Accept-Language)."""
    caller = getattr(request.state, "integracoes_caller", None)
    chosen = getattr(getattr(caller, "principal", None), "language", None)
    if isinstance(chosen, str):
        return chosen
    return negotiate(request.cookies.get("integracoes_airflow_lang") or request.headers.get("accept-language"))


def route_path(scope: Mapping[str, Any]) -> str:
    """The path inside this app (Starlette may keep the mount's prefix in `path`, with it in `root_path`)."""
    path, root = str(scope["path"]), str(scope.get("root_path", ""))
    return path[len(root) :] if root and path.startswith(root) else path
