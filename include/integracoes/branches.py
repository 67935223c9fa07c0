"""Branches (filiais) of the tenants a caller may see."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from include.integracoes.errors import NotFound
from include.integracoes.principal import Principal


@dataclass(frozen=True)
class Branch:
    id: int
    tenant_id: int
    name: str
    code: int


def list_branches(conn: psycopg.Connection, principal: Principal, tenant_id: int | None = None) -> list[Branch]:
    """Branches of one tenant (NotFound when it is not visible) or of every visible tenant, by name."""
    if tenant_id is not None:
        if not principal.can_see_tenant(tenant_id):
            raise NotFound("branches.tenant_not_found")
        tenant_ids: list[int] | None = [tenant_id]
    else:
        tenant_ids = None if principal.is_support_agent else sorted(principal.tenant_ids)
    rows = conn.execute(
        "SELECT id, tenant_id, nome, codigo FROM erp.filial"
        " WHERE %(all)s OR tenant_id = ANY(%(ids)s) ORDER BY tenant_id, nome, id",
        {"all": tenant_ids is None, "ids": tenant_ids or []},
    ).fetchall()
    return [Branch(int(r[0]), int(r[1]), str(r[2]), int(r[3])) for r in rows]
