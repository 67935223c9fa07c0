"""Structural guarantee: every route of the plugin app depends on `authenticated`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from integracoes.app import create_routes
from integracoes.auth import authenticated, require


def _calls(dependant: Dependant) -> set[object]:
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def unauthenticated_routes(app: FastAPI) -> list[str]:
    """Routes a request could reach without passing through `authenticated`."""
    missing = []
    for route in app.routes:
        if not isinstance(route, APIRoute):
            missing.append(f"{type(route).__name__} {getattr(route, 'path', route)}")
        elif authenticated not in _calls(route.dependant):
            missing.append(f"{sorted(route.methods)} {route.path}")
    return missing


def test_every_route_of_the_app_is_authenticated() -> None:
    app = create_routes()
    assert [r for r in app.routes if isinstance(r, APIRoute)], "the app has no routes?"
    assert unauthenticated_routes(app) == []


def test_every_route_declares_its_own_permission_or_identity_dependency() -> None:
    """Beyond the app-wide dependency, each handler names what it needs (defence in depth)."""
    app = create_routes()
    for route in app.routes:
        assert isinstance(route, APIRoute)
        direct = {d.call for d in route.dependant.dependencies}
        names = {getattr(call, "__name__", "") for call in direct}
        assert authenticated in direct or any(n.startswith("require_") for n in names), route.path


def test_the_check_catches_a_route_without_auth() -> None:
    app = FastAPI()
    router = APIRouter()

    @router.get("/open")
    def open_route() -> dict[str, str]:
        return {}

    @router.get("/closed")
    def closed_route(caller: object = Depends(require("can_read", "Integracoes"))) -> dict[str, str]:  # type: ignore[arg-type]
        return {}

    app.include_router(router)
    missing = unauthenticated_routes(app)
    assert "['GET'] /open" in missing
    assert not any("/closed" in item for item in missing)
    # FastAPI's default docs routes are plain Starlette routes: they are reported too.
    assert any("/docs" in item for item in missing)


def test_default_docs_routes_are_disabled() -> None:
    paths = {getattr(route, "path", None) for route in create_routes().routes}
    assert not {"/docs", "/redoc", "/openapi.json"} & paths
    routes: list[BaseRoute] = create_routes().routes
    assert all(isinstance(route, APIRoute) for route in routes)
