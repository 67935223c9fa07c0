"""App factory of the Integrações web application (JSON API + pages)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.utils import get_openapi

from integracoes import admin_pages, pages
from integracoes.api import (
    catalog,
    files,
    integrations,
    logs,
    me,
    overview,
    pricing,
    reconciliation,
    reports,
    runs,
    tasks,
    tenants,
    users,
)
from integracoes.auth import Caller, authenticated
from integracoes.error_handlers import install_error_handlers
from integracoes.errors import document_errors
from integracoes.gate import Gate

API_PREFIX = "/api/v1"


def create_app() -> Any:
    """The app behind its gate (integracoes/gate.py): authentication, input and size checks run before
    FastAPI reads the body; security headers go on every response."""
    return Gate(create_routes())


def create_routes() -> FastAPI:
    # Airflow mounts this app without authentication: `authenticated` guards every route, and the
    # default (unauthenticated) docs routes are replaced by one that requires it too.
    app = FastAPI(
        title="Integrações",
        version="1",
        dependencies=[Depends(authenticated)],
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)

    api = APIRouter(prefix=API_PREFIX)
    routers = (
        me.router, catalog.router, integrations.router, tasks.router, runs.router, files.router, logs.router,
        pricing.router, reconciliation.router, overview.router, tenants.router, users.router, reports.router,
    )  # fmt: skip
    for router in routers:
        api.include_router(router)

    @api.get("/openapi.json", include_in_schema=False)
    async def openapi(caller: Caller = Depends(authenticated)) -> dict[str, Any]:
        return _openapi(app)

    app.include_router(api)
    app.include_router(pages.router)
    app.include_router(admin_pages.router)
    document_errors(app)

    return app


# The gate refuses a NUL character in any query value (integracoes/gate.py): the document says so of every
# free-text parameter, so that a client — or a property-based tester — knows it before trying.
NO_NUL = "^[^\u0000]*$"


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        document = get_openapi(title=app.title, version=app.version, routes=app.routes)
        for operation in (op for path in document["paths"].values() for op in path.values()):
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("type") == "string" and not {"pattern", "enum", "format"} & set(schema):
                    schema["pattern"] = NO_NUL
        app.openapi_schema = document
    return app.openapi_schema
