"""Authentication and authorization of every route: Airflow's JWT (header or UI cookie) + FAB permissions.

Airflow mounts plugin apps without authentication, so the app factory makes `authenticated` a global
dependency and each route adds `require(action, resource)`; a structural test checks both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from include.integracoes import db
from include.integracoes.permissions import Action, Resource
from include.integracoes.principal import Principal, load_principal
from integracoes.errors import ApiError

_bearer = HTTPBearer(auto_error=False, description="Airflow JWT from POST /auth/token")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Who counts as a support agent: whoever may edit integrations (roles stay adjustable per user).
_AGENT_PERMISSION = (Action.EDIT, Resource.INTEGRACOES)


@dataclass(frozen=True)
class Caller:
    """The authenticated Airflow user and the service layer's view of it."""

    user: Any
    principal: Principal

    def may(self, action: Action, resource: Resource) -> bool:
        return is_authorized(self.user, action, resource)


def is_authorized(user: Any, action: Action, resource: Resource) -> bool:
    from airflow.api_fastapi.app import get_auth_manager

    return bool(
        get_auth_manager().is_authorized_custom_view(method=str(action), resource_name=str(resource), user=user)
    )


async def _airflow_user(request: Request, bearer: HTTPAuthorizationCredentials | None) -> Any:
    """Resolve the user like Airflow's own API does, translating its errors into ours."""
    from airflow.api_fastapi.core_api.security import get_user
    from fastapi import HTTPException
    from jwt import ExpiredSignatureError

    try:
        return await get_user(request, None, bearer)
    except ExpiredSignatureError:
        raise ApiError(401, "auth.expired") from None
    except HTTPException as error:
        key = {"Token Expired": "auth.expired", "Not authenticated": "auth.missing"}.get(
            str(error.detail), "auth.invalid"
        )
        # Airflow answers 403 for a malformed token; for us any bad credential is a 401.
        raise ApiError(401, key) from None


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, the port made explicit: what "the same origin" compares."""
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return ("", "", None)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def public_origin(request: Request) -> tuple[str, str, int | None]:
    """The origin our pages are served from: Airflow's public base URL when configured (a proxy in front
    rewrites Host, not this), else the request's own scheme and host."""
    from airflow.configuration import conf

    base_url = conf.get("api", "base_url", fallback="") or ""
    if base_url.startswith(("http://", "https://")):
        return _origin(base_url)
    return _origin(f"{request.url.scheme}://{request.headers.get('host', '')}")


def _check_same_origin(request: Request) -> None:
    """A state change authenticated by the UI cookie must come from our own pages (CSRF): the full origin —
    scheme, host and port — of `Origin` (or `Referer`) must be ours."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null" or _origin(origin) != public_origin(request):
        raise ApiError(403, "auth.csrf")


async def authenticated(request: Request, bearer: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Caller:
    """The caller of every route; 401 without a valid Airflow token."""
    cached = getattr(request.state, "integracoes_caller", None)
    if isinstance(cached, Caller):
        return cached
    user = await _airflow_user(request, bearer)
    if request.method not in _SAFE_METHODS and bearer is None:
        _check_same_origin(request)
    roles = tuple(sorted(role.name for role in getattr(user, "roles", ()) or ()))
    is_agent = is_authorized(user, *_AGENT_PERMISSION)

    def load() -> Principal:
        with db.pooled() as conn:
            return load_principal(conn, username=user.get_name(), roles=roles, is_support_agent=is_agent)

    caller = Caller(user, await run_in_threadpool(load))
    request.state.integracoes_caller = caller
    return caller


def token_expiry(request: Request) -> float | None:
    """When the caller's token (Authorization header or the UI's cookie) expires, as a POSIX time — for
    long-lived responses (the live log) that must end with the session. Already verified by
    `authenticated`; read here only for its `exp`."""
    import jwt
    from airflow.api_fastapi.auth.managers.base_auth_manager import COOKIE_NAME_JWT_TOKEN

    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    token = bearer.strip() if scheme.lower() == "bearer" else request.cookies.get(COOKIE_NAME_JWT_TOKEN, "")
    try:
        expiry = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        return None
    return float(expiry) if isinstance(expiry, int | float) else None


def reload_principal(caller: Caller) -> Principal:
    """The caller's tenants as they are now (memberships may change while a stream is open)."""
    with db.pooled() as conn:
        return load_principal(
            conn, username=caller.principal.username, roles=caller.principal.roles,
            is_support_agent=caller.principal.is_support_agent,
        )  # fmt: skip


def require(action: Action, resource: Resource) -> Callable[..., Awaitable[Caller]]:
    """Dependency factory: the caller must hold `action` on `resource` (403 otherwise)."""

    async def dependency(caller: Caller = Depends(authenticated)) -> Caller:
        if not caller.may(action, resource):
            raise ApiError(403, "auth.forbidden")
        return caller

    dependency.__name__ = f"require_{action}_{resource}".replace(" ", "_")
    dependency.required_permission = (action, resource)  # type: ignore[attr-defined]
    return dependency
