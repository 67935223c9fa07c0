"""Who may use Airflow's own pages: those who may read DAGs. The rest (the chains' users) get the product's
pages instead, on their own.

Airflow's UI is one single-page app, served for every path outside its APIs: once loaded, its navigation never
asks the server again, and every page of it a client could reach (Home, Dags, the user menu's token) would be
403 panels, English text, or a feature the client cannot use. So a client's browser never loads it: every page
load of it is sent to the product's list of integrations, which has its own navigation and "Sair".
"""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from typing import Any

log = logging.getLogger(__name__)

# Paths that are not the single-page app's pages: Airflow's APIs, its login (FAB), its assets, the product's own.
NOT_AIRFLOW_PAGES = ("/api/", "/ui/", "/auth/", "/static/", "/execution/", "/integracoes", "/docs", "/redoc",
                     "/openapi", "/health", "/favicon")  # fmt: skip


def is_airflow_page(scope: Any, base_path: str = "") -> bool:
    """A browser's page load of Airflow's single-page app (not an API call, an asset, or the product's page);
    `base_path`: the path Airflow is served under (`[api] base_url`), if any."""
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return False
    path = str(scope.get("path", ""))
    if base_path and (path == base_path or path.startswith(f"{base_path}/")):
        path = path[len(base_path) :] or "/"
    if path.startswith(NOT_AIRFLOW_PAGES):
        return False
    accept = b"".join(value for name, value in scope.get("headers", ()) if name == b"accept")
    return b"text/html" in accept


def _cookie_token(scope: Any) -> str | None:
    from airflow.api_fastapi.auth.managers.base_auth_manager import COOKIE_NAME_JWT_TOKEN

    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(value.decode("latin-1"))
            if COOKIE_NAME_JWT_TOKEN in cookie:
                return cookie[COOKIE_NAME_JWT_TOKEN].value
    return None


async def landing_redirect(scope: Any, target: str) -> str | None:
    """`target` (the product's page) when this page load of Airflow's UI comes from a user who may not read DAGs;
    None to let it through."""
    token = _cookie_token(scope)
    if not token:
        return None  # not logged in: Airflow shows its login page
    from airflow.api_fastapi.app import get_auth_manager

    try:
        user = await get_auth_manager().get_user_from_token(token)
    except Exception:  # an invalid or expired token is Airflow's to handle
        return None
    if get_auth_manager().is_authorized_dag(method="GET", user=user):
        return None
    return target
