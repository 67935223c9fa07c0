"""Who is calling, as the service layer sees it: a username, roles and the tenants in scope."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from include.integracoes.errors import Forbidden


@dataclass(frozen=True)
class Tenant:
    id: int
    name: str


@dataclass(frozen=True)
class Principal:
    username: str
    roles: tuple[str, ...]
    # Support agents act on every tenant; everybody else only on the tenants they belong to.
    is_support_agent: bool
    tenants: tuple[Tenant, ...]
    # The user's own choice of language (None: the browser's).
    language: str | None = None

    @property
    def tenant_ids(self) -> frozenset[int]:
        return frozenset(t.id for t in self.tenants)

    def can_see_tenant(self, tenant_id: int) -> bool:
        return self.is_support_agent or tenant_id in self.tenant_ids

    def require_agent(self) -> None:
        """What only support agents may do (users, tenants, reports, the audit trail)."""
        if not self.is_support_agent:
            raise Forbidden("auth.forbidden")


def load_principal(
    conn: psycopg.Connection, *, username: str, roles: tuple[str, ...], is_support_agent: bool
) -> Principal:
    """Resolve the tenants in scope: all of them for an agent, the memberships for anybody else."""
    if is_support_agent:
        rows = conn.execute("SELECT id, nome FROM integracao.tenant ORDER BY nome, id").fetchall()
    else:
        rows = conn.execute(
            "SELECT t.id, t.nome FROM integracao.tenant t"
            " JOIN integracao.usuario_tenant ut ON ut.tenant_id = t.id"
            " WHERE ut.username = %s ORDER BY t.nome, t.id",
            (username,),
        ).fetchall()
    language = conn.execute("SELECT idioma FROM integracao.usuario WHERE username = %s", (username,)).fetchone()
    return Principal(
        username, roles, is_support_agent, tuple(Tenant(int(r[0]), str(r[1])) for r in rows),
        language=language[0] if language else None,
    )  # fmt: skip
