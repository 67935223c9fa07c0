"""The FAB user store of the Airflow API server, as the service layer's `users.Directory`.

FAB's security manager needs its Flask application context; the FAB auth manager built that application
when the API server mounted `/auth`, so every call runs inside it, and the scoped SQLAlchemy session is
released afterwards (the API server's threads are reused).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from include.integracoes.errors import Unavailable
from include.integracoes.users import Account

T = TypeVar("T")


def _account(user: Any) -> Account:
    return Account(
        id=int(user.id), username=str(user.username), first_name=str(user.first_name or ""),
        last_name=str(user.last_name or ""), email=str(user.email or ""),
        roles=tuple(sorted(role.name for role in user.roles)), active=bool(user.active),
        last_login=_aware(user.last_login),
    )  # fmt: skip


def _aware(moment: datetime | None) -> datetime | None:
    """FAB stores naive times; Airflow runs its processes in UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class FabDirectory:
    @contextmanager
    def _security_manager(self) -> Iterator[Any]:
        from airflow import settings
        from airflow.api_fastapi.app import get_auth_manager

        auth_manager = get_auth_manager()
        flask_app = getattr(auth_manager, "flask_app", None)
        if flask_app is None:
            raise Unavailable("user.directory_failed")
        try:
            with flask_app.app_context():
                yield auth_manager.security_manager
        finally:
            if settings.Session:
                settings.Session.remove()

    def _call(self, operation: Callable[[Any], T]) -> T:
        with self._security_manager() as sm:
            return operation(sm)

    def accounts(self) -> list[Account]:
        return self._call(lambda sm: [_account(u) for u in sm.get_all_users()])

    def create(self, username: str, first_name: str, last_name: str, email: str, role: str, password: str) -> Account:
        def add(sm: Any) -> Account:
            try:
                created = sm.add_user(username, first_name, last_name, email, sm.find_role(role), password=password)
            except Exception as error:
                raise Unavailable("user.directory_failed") from error
            return _account(created)

        return self._call(add)

    def update(self, user_id: int, *, first_name: str, last_name: str, email: str, active: bool) -> Account:
        def change(sm: Any) -> Account:
            user = sm.get_user_by_id(user_id)
            if user is None:
                raise Unavailable("user.directory_failed")
            user.first_name, user.last_name, user.email, user.active = first_name, last_name, email, active
            if not sm.update_user(user):
                raise Unavailable("user.directory_failed")
            return _account(sm.get_user_by_id(user_id))

        account = self._call(change)
        _forget(user_id)
        return account

    def set_password(self, user_id: int, password: str) -> None:
        def reset(sm: Any) -> None:
            if not sm.reset_password(user_id, password):
                raise Unavailable("user.directory_failed")

        self._call(reset)


def _forget(user_id: int) -> None:
    """Drop the user from the auth manager's token cache in this process: a deactivation takes effect on
    this API server at once (other processes within `[fab] cache_ttl`)."""
    from airflow.api_fastapi.app import get_auth_manager

    cache = getattr(get_auth_manager(), "cache", None)
    if cache is not None:
        cache.pop(user_id, None)
