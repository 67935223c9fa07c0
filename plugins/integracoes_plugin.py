"""Airflow plugin wiring for Integrações: the FastAPI app, its navigation entries, and the clients' way around
Airflow's own pages.

Airflow imports this module in every process (scheduler, task runners, dag-processor), so it stays
light: the real application is built on the first request the api-server routes to it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from airflow.configuration import conf
from airflow.plugins_manager import AirflowPlugin

from integracoes.headers import FRAMING_AND_SNIFFING
from integracoes.landing import is_airflow_page, landing_redirect
from integracoes.urls import NAV_ROUTE, URL_PREFIX

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


def _base_path() -> str:
    """Path part of `[api] base_url` (empty when Airflow is served at the root)."""
    return urlsplit(conf.get("api", "base_url", fallback="") or "").path.rstrip("/")


class LazyApp:
    """An ASGI app that builds the FastAPI application on its first request."""

    def __init__(self) -> None:
        self._app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if self._app is None:
            from integracoes.app import create_app

            self._app = create_app()
        await self._app(scope, receive, send)


class ClientLandingMiddleware:
    """Users without access to Airflow's DAG pages never load Airflow's UI: each of its page loads (Home after
    login, a typed or bookmarked address) goes to the product's list of integrations (integracoes/landing.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if is_airflow_page(scope, _base_path()):
            location = await landing_redirect(scope, f"{_base_path()}{URL_PREFIX}/")
            if location:
                headers = [(b"location", location.encode()), (b"cache-control", b"no-store")]
                await send({"type": "http.response.start", "status": 302, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


# What every answer of the API server carries unless it set its own (the plugin's pages set a stricter policy
# with a nonce): Airflow's own pages and API, FAB's login page among them, cannot be framed by another site or
# have their content type guessed. A policy on scripts for Airflow's UI is the reverse proxy's (README).
_BASELINE_HEADERS = (
    (b"content-security-policy", b"frame-ancestors 'self'; object-src 'none'; base-uri 'self'"),
    *FRAMING_AND_SNIFFING,
)


class SecurityHeadersMiddleware:
    """The baseline security headers on every response of the API server (`_BASELINE_HEADERS`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                message["headers"] = headers + [(n, v) for n, v in _BASELINE_HEADERS if n not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class IntegracoesPlugin(AirflowPlugin):  # type: ignore[misc]  # Airflow is not type-checked here
    name = "integracoes"
    fastapi_apps = [{"app": LazyApp(), "url_prefix": URL_PREFIX, "name": "Integrações"}]  # noqa: RUF012
    fastapi_root_middlewares = [  # noqa: RUF012
        {"middleware": ClientLandingMiddleware, "args": [], "kwargs": {}, "name": "Integrações landing"},
        {"middleware": SecurityHeadersMiddleware, "args": [], "kwargs": {}, "name": "Integrações security headers"},
    ]
    external_views = [  # noqa: RUF012
        {
            "name": "Painel",
            "href": f"{_base_path()}{URL_PREFIX}/painel",
            "url_route": "painel",
            "nav_top_level": True,
            "destination": "nav",
        },
        {
            "name": "Integrações",
            "href": f"{_base_path()}{URL_PREFIX}/",
            "url_route": NAV_ROUTE,
            "nav_top_level": True,
            "destination": "nav",
        },
    ]
