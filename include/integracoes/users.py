"""Users of the product (Usuários): client users and support agents, managed by support agents.

Credentials, roles and the sign-in switch live in Airflow's FAB user store (the `Directory`); tenant
memberships, the agent's own "active" decision and the language preference live in the application
database. FAB's `active` flag is derived: a user may sign in when an agent has not deactivated them and,
for a client, when at least one of their tenants is active. A deactivated user's next sign-in fails, and
tokens already issued stop working within FAB's user cache time (`[fab] cache_ttl`, 30 s by default;
at once on the API server that made the change).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

import psycopg

from include.integracoes import audit
from include.integracoes.errors import Invalid, NotFound
from include.integracoes.messages import LANGUAGES
from include.integracoes.paging import Page, check_paging
from include.integracoes.permissions import CLIENT, SUPPORT_AGENT
from include.integracoes.principal import Principal
from include.integracoes.text import search_key, visible_text
from include.problems import Problem


class Role(StrEnum):
    CLIENT = "client"
    AGENT = "agent"

    @property
    def fab_role(self) -> str:
        return CLIENT if self is Role.CLIENT else SUPPORT_AGENT


ROLE_OF_FAB = {CLIENT: Role.CLIENT, SUPPORT_AGENT: Role.AGENT}


@dataclass(frozen=True)
class Account:
    """A user as the FAB user store knows it."""

    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    roles: tuple[str, ...]
    active: bool
    last_login: datetime | None

    @property
    def role(self) -> Role | None:
        """The product role; None for users the product does not manage (Airflow admins, ...)."""
        found = [ROLE_OF_FAB[r] for r in self.roles if r in ROLE_OF_FAB]
        return Role.AGENT if Role.AGENT in found else (found[0] if found else None)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Directory(Protocol):
    """The FAB user store (implemented in the plugin, where Airflow's auth manager lives)."""

    def accounts(self) -> list[Account]: ...
    def create(
        self, username: str, first_name: str, last_name: str, email: str, role: str, password: str
    ) -> Account: ...
    def update(self, user_id: int, *, first_name: str, last_name: str, email: str, active: bool) -> Account: ...
    def set_password(self, user_id: int, password: str) -> None: ...


@dataclass(frozen=True)
class User:
    id: int
    username: str
    name: str
    email: str
    role: Role
    active: bool
    can_sign_in: bool
    tenant_ids: tuple[int, ...]
    last_login: datetime | None
    language: str | None


@dataclass(frozen=True)
class UserInput:
    username: str | None = None
    name: str | None = None
    email: str | None = None
    role: Role | None = None
    tenant_ids: Sequence[int] | None = None
    active: bool | None = None
    password: str | None = None


# FAB's own complexity rule (flask_appbuilder.validators.password_complexity_regex), stated here so the
# message can say it in the user's language: 2 capitals, 3 lower-case, 2 digits, 1 symbol, 10+ long.
_PASSWORD_RULE = re.compile(
    r"^(?=.*[A-Z].*[A-Z])(?=.*[^A-Za-z0-9])(?=.*[0-9].*[0-9])(?=.*[a-z].*[a-z].*[a-z]).{10,128}$", re.DOTALL
)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
MAX_NAME = 120


# --- reads ---------------------------------------------------------------------------------------


def _memberships(conn: psycopg.Connection, usernames: Iterable[str]) -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = {}
    for username, tenant_id in conn.execute(
        "SELECT username, tenant_id FROM integracao.usuario_tenant WHERE username = ANY(%s) ORDER BY tenant_id",
        (list(usernames),),
    ):
        found.setdefault(username, []).append(int(tenant_id))
    return {username: tuple(ids) for username, ids in found.items()}


def _settings(conn: psycopg.Connection, usernames: Iterable[str]) -> dict[str, tuple[bool, str | None]]:
    return {
        r[0]: (bool(r[1]), r[2])
        for r in conn.execute(
            "SELECT username, ativo, idioma FROM integracao.usuario WHERE username = ANY(%s)", (list(usernames),)
        )
    }


def _users(conn: psycopg.Connection, accounts: Sequence[Account]) -> list[User]:
    names = [a.username for a in accounts]
    memberships, settings = _memberships(conn, names), _settings(conn, names)
    found = []
    for account in accounts:
        role = account.role
        if role is None:
            continue
        active, language = settings.get(account.username, (account.active, None))
        found.append(
            User(
                account.id, account.username, account.name, account.email, role, active, account.active,
                memberships.get(account.username, ()), account.last_login, language,
            )
        )  # fmt: skip
    return found


@dataclass(frozen=True)
class Filters:
    search: str = ""
    tenant_id: int | None = None
    role: Role | None = None
    active: bool | None = None


def list_page(
    conn: psycopg.Connection,
    principal: Principal,
    directory: Directory,
    filters: Filters = Filters(),
    *,
    page: int = 1,
    page_size: int = 25,
) -> Page[User]:
    """Managed users, by name; `search` matches username, name or e-mail (case- and accent-insensitive)."""
    principal.require_agent()
    check_paging(page, page_size)
    term = search_key(filters.search.strip())
    matching = [
        u
        for u in _users(conn, directory.accounts())
        if (not term or any(term in search_key(v) for v in (u.username, u.name, u.email)))
        and (filters.tenant_id is None or filters.tenant_id in u.tenant_ids)
        and (filters.role is None or u.role is filters.role)
        and (filters.active is None or u.active is filters.active)
    ]
    matching.sort(key=lambda u: (search_key(u.name or u.username), u.id))
    start = (page - 1) * page_size
    return Page(matching[start : start + page_size], len(matching), page, page_size)


def get(conn: psycopg.Connection, principal: Principal, directory: Directory, user_id: int) -> User:
    principal.require_agent()
    return _managed(conn, directory.accounts(), user_id)


def _managed(conn: psycopg.Connection, accounts: Sequence[Account], user_id: int) -> User:
    """The user of that id among `accounts`, if the product manages it (not an Airflow admin)."""
    found = _users(conn, [a for a in accounts if a.id == user_id])
    if not found:
        raise NotFound("user.not_found")
    return found[0]


def language_of(conn: psycopg.Connection, username: str) -> str | None:
    row = conn.execute("SELECT idioma FROM integracao.usuario WHERE username = %s", (username,)).fetchone()
    return str(row[0]) if row and row[0] else None


# --- writes --------------------------------------------------------------------------------------


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = " ".join(name.split()).partition(" ")
    return first, last


def _username_problem(username: str, others: Sequence[Account]) -> Problem | None:
    if not username:
        return Problem("user.username_required")
    if not _USERNAME.match(username):
        return Problem("user.username_invalid")
    if any(a.username.casefold() == username.casefold() for a in others):
        return Problem("user.username_taken")
    return None


def _name_problem(name: str) -> Problem | None:
    if not name.strip():
        return Problem("user.name_required")
    return None if visible_text(name, MAX_NAME) else Problem("user.name_invalid")


def _email_problem(email: str, others: Sequence[Account]) -> Problem | None:
    if not _EMAIL.match(email) or len(email) > 254:
        return Problem("user.email_invalid")
    if any(a.email.casefold() == email.casefold() for a in others):
        return Problem("user.email_taken")
    return None


def _tenants_problem(conn: psycopg.Connection, tenant_ids: Sequence[int], role: Role) -> Problem | None:
    if len(set(tenant_ids)) != len(tenant_ids):
        return Problem("user.tenants_repeated")
    if not tenant_ids:
        return Problem("user.tenants_required") if role is Role.CLIENT else None
    known = {r[0] for r in conn.execute("SELECT id FROM integracao.tenant WHERE id = ANY(%s)", (list(tenant_ids),))}
    return Problem("user.tenant_unknown") if set(tenant_ids) - known else None


def _validate(
    conn: psycopg.Connection, accounts: Sequence[Account], data: UserInput, *, current: User | None
) -> dict[str, Problem]:
    """Every field given (all of them on a create); username and role are fixed once created."""
    others = [a for a in accounts if current is None or a.id != current.id]
    role = data.role or (current.role if current else Role.CLIENT)
    problems: dict[str, Problem | None] = {}
    if current is None:
        problems["username"] = _username_problem((data.username or "").strip(), others)
    elif data.username is not None and data.username != current.username:
        problems["username"] = Problem("user.username_immutable")
    if current is not None and data.role is not None and data.role is not current.role:
        problems["role"] = Problem("user.role_immutable")
    if data.name is not None or current is None:
        problems["name"] = _name_problem(" ".join((data.name or "").split()))
    if data.email is not None or current is None:
        problems["email"] = _email_problem((data.email or "").strip(), others)
    if (data.password is not None or current is None) and not _PASSWORD_RULE.match((data.password or "")[:129]):
        problems["password"] = Problem("user.password_rule")
    if data.tenant_ids is not None or current is None:
        problems["tenant_ids"] = _tenants_problem(conn, list(data.tenant_ids or ()), role)
    return {field: problem for field, problem in problems.items() if problem}


def _snapshot(user: User) -> dict[str, object]:
    # Never the password: only that it was set.
    return {
        "usuario": user.username, "nome": user.name, "email": user.email, "perfil": str(user.role),
        "ativo": user.active, "redes": list(user.tenant_ids),
    }  # fmt: skip


def _audit_tenants(tenant_ids: Sequence[int]) -> list[int | None]:
    """A user's change is recorded once per tenant it concerns, so each tenant's trail shows it (an agent's,
    of no tenant, once)."""
    return list(tenant_ids) or [None]


def _may_sign_in(conn: psycopg.Connection, username: str, role: Role, active: bool) -> bool:
    if not active:
        return False
    if role is Role.AGENT:
        return True
    row = conn.execute(
        """SELECT EXISTS (SELECT 1 FROM integracao.usuario_tenant ut JOIN integracao.tenant t ON t.id = ut.tenant_id
                          WHERE ut.username = %s AND t.ativo)""",
        (username,),
    ).fetchone()
    return bool(row and row[0])


def _write_memberships(conn: psycopg.Connection, username: str, tenant_ids: Sequence[int]) -> None:
    conn.execute("DELETE FROM integracao.usuario_tenant WHERE username = %s", (username,))
    if tenant_ids:
        conn.execute(
            "INSERT INTO integracao.usuario_tenant (username, tenant_id) SELECT %s, unnest(%s::int[])",
            (username, list(tenant_ids)),
        )


def create(conn: psycopg.Connection, principal: Principal, directory: Directory, data: UserInput) -> User:
    principal.require_agent()
    username = (data.username or "").strip()
    with conn.transaction():
        # Agents creating the same user name (or e-mail) at once: one at a time from here, so the second one
        # reads the first one's account and gets the field's message, not a failure of the user store.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('usuario'), 0)")
        accounts = directory.accounts()
        errors = _validate(conn, accounts, data, current=None)
        if errors:
            raise Invalid(errors, key="user.invalid")
        role = data.role or Role.CLIENT
        tenant_ids = list(data.tenant_ids or ())
        first, last = _split_name(data.name or "")
        conn.execute(
            """INSERT INTO integracao.usuario (username, ativo) VALUES (%s, true)
               ON CONFLICT (username) DO UPDATE SET ativo = true, atualizado_em = now()""",
            (username,),
        )
        _write_memberships(conn, username, tenant_ids)
        # The FAB account last: if it fails, the transaction rolls the memberships back.
        account = directory.create(
            username, first, last, (data.email or "").strip(), role.fab_role, data.password or ""
        )
        if not _may_sign_in(conn, username, role, True):
            account = directory.update(account.id, first_name=first, last_name=last, email=account.email, active=False)
        created = _users(conn, [account])[0]
        for tenant_id in _audit_tenants(tenant_ids):
            audit.record(conn, principal.username, "usuario.criado", "usuario", username, tenant_id=tenant_id,
                         after={**_snapshot(created), "senha_definida": True})  # fmt: skip
    return created


def update(conn: psycopg.Connection, principal: Principal, directory: Directory, user_id: int, data: UserInput) -> User:
    principal.require_agent()
    accounts = directory.accounts()  # one read of the user store: the user, and the others' names and e-mails
    current = _managed(conn, accounts, user_id)
    if data.active is False and current.username == principal.username:
        raise Invalid({"active": Problem("user.cannot_deactivate_self")}, key="user.invalid")
    errors = _validate(conn, accounts, data, current=current)
    if errors:
        raise Invalid(errors, key="user.invalid")
    name = " ".join(data.name.split()) if data.name is not None else current.name
    first, last = _split_name(name)
    email = data.email.strip() if data.email is not None else current.email
    active = data.active if data.active is not None else current.active
    tenant_ids = list(data.tenant_ids) if data.tenant_ids is not None else list(current.tenant_ids)
    with conn.transaction():
        conn.execute(
            """INSERT INTO integracao.usuario (username, ativo) VALUES (%s, %s)
               ON CONFLICT (username) DO UPDATE SET ativo = excluded.ativo, atualizado_em = now()""",
            (current.username, active),
        )
        _write_memberships(conn, current.username, tenant_ids)
        account = directory.update(
            user_id, first_name=first, last_name=last, email=email,
            active=_may_sign_in(conn, current.username, current.role, active),
        )  # fmt: skip
        if data.password is not None:
            directory.set_password(user_id, data.password)
        saved = _users(conn, [account])[0]
        action = (
            "usuario.desativado" if current.active and not active
            else "usuario.reativado" if active and not current.active
            else "usuario.alterado"
        )  # fmt: skip
        after = {**_snapshot(saved), **({"senha_redefinida": True} if data.password is not None else {})}
        for tenant_id in _audit_tenants(sorted(set(current.tenant_ids) | set(tenant_ids))):
            audit.record(conn, principal.username, action, "usuario", current.username, tenant_id=tenant_id,
                         before=_snapshot(current), after=after)  # fmt: skip
    return saved


def sync_sign_in(conn: psycopg.Connection, directory: Directory, tenant_id: int) -> None:
    """After a tenant changed state: its users' FAB `active` flag follows their tenants (a user of another,
    active tenant of the group keeps signing in)."""
    members = {
        r[0] for r in conn.execute("SELECT username FROM integracao.usuario_tenant WHERE tenant_id = %s", (tenant_id,))
    }
    if not members:
        return
    for user in _users(conn, [a for a in directory.accounts() if a.username in members]):
        allowed = _may_sign_in(conn, user.username, user.role, user.active)
        if allowed != user.can_sign_in:
            first, last = _split_name(user.name)
            directory.update(user.id, first_name=first, last_name=last, email=user.email, active=allowed)


def set_language(conn: psycopg.Connection, principal: Principal, language: str | None) -> None:
    """Any user's own preference; None goes back to the browser's language."""
    if language is not None and language not in LANGUAGES:
        raise Invalid({"language": Problem("user.language_invalid")}, key="user.invalid")
    conn.execute(
        """INSERT INTO integracao.usuario (username, idioma) VALUES (%s, %s)
           ON CONFLICT (username) DO UPDATE SET idioma = excluded.idioma, atualizado_em = now()""",
        (principal.username, language),
    )
