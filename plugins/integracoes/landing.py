"""Where a user lands after login: Airflow's Home for those who may read DAGs, Integrações for the rest."""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from typing import Any

log = logging.getLogger(__name__)

INTEGRACOES_NAV_PATH = "/plugin/integracoes"


def _cookie_token(scope: Any) -> str | None:
    from airflow.api_fastapi.auth.managers.base_auth_manager import COOKIE_NAME_JWT_TOKEN

    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(value.decode("latin-1"))
            if COOKIE_NAME_JWT_TOKEN in cookie:
                return cookie[COOKIE_NAME_JWT_TOKEN].value
    return None


async def landing_redirect(scope: Any, base_path: str) -> str | None:
    """The URL to send this request to instead of Airflow's Home, or None to let it through."""
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
    return f"{base_path}{INTEGRACOES_NAV_PATH}"
