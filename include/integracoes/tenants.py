"""Tenants (pharmacy chains) and their contracted services, managed by support agents.

A tenant has branches (the ERP's filiais, with their codes and CNPJs) and contracted services: the
integration types it may register. Deactivating a tenant pauses its integrations (their own Situação is
kept) and stops its users from signing in unless they belong to another active tenant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import psycopg
from psycopg.rows import dict_row

from include.connectors.catalog import CATALOG
from include.integracoes import audit
from include.integracoes.errors import Invalid, NotFound
from include.integracoes.paging import Page, check_paging
from include.integracoes.principal import Principal
from include.integracoes.text import search_key, visible_text
from include.problems import Problem

MAX_NAME = 120
MAX_BRANCHES = 2_000
DEFAULT_ZONE = "Padrão"
# The 27 federative units (UF) a branch may be in.
STATES = (
    "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA",
    "PB", "PR", "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
)  # fmt: skip


def _check_digit(digits: Sequence[int], weights: Sequence[int]) -> int:
    rest = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    return 0 if rest < 2 else 11 - rest


def cnpj_digits(value: object) -> str | None:
    """The 14 digits of a valid CNPJ written with or without its mask (12.345.678/0001-95); None when it
    is not one (wrong length, other characters, all digits equal, or wrong check digits)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if any(c not in "0123456789./- " for c in text):
        return None
    digits = [int(c) for c in text if c.isdigit()]
    if len(digits) != 14 or len(set(digits)) == 1:
        return None
    first = _check_digit(digits[:12], (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2))
    second = _check_digit(digits[:13], (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2))
    return "".join(map(str, digits)) if digits[12:] == [first, second] else None


@dataclass(frozen=True)
class Branch:
    id: int
    code: int
    name: str
    cnpj: str
    city: str
    state: str


@dataclass(frozen=True)
class TenantSummary:
    id: int
    name: str
    cnpj: str
    active: bool
    created_at: datetime
    branches: int
    users: int
    services: tuple[str, ...]


@dataclass(frozen=True)
class Tenant:
    id: int
    name: str
    cnpj: str
    active: bool
    created_at: datetime
    branches: tuple[Branch, ...]
    services: tuple[str, ...]


@dataclass(frozen=True)
class BranchInput:
    id: int | None = None
    code: int | None = None
    name: str | None = None
    cnpj: str | None = None
    city: str | None = None
    state: str | None = None


@dataclass(frozen=True)
class TenantInput:
    name: str | None = None
    cnpj: str | None = None
    active: bool | None = None
    branches: Sequence[BranchInput] | None = None
    services: Sequence[str] | None = None


class Hooks(Protocol):
    """What else follows a tenant's change of state: its DAGs' pause state and its users' sign-in."""

    def tenant_state_changed(self, conn: psycopg.Connection, tenant_id: int) -> None: ...


# --- reads ---------------------------------------------------------------------------------------


def list_page(
    conn: psycopg.Connection, principal: Principal, search: str = "", *, page: int = 1, page_size: int = 25
) -> Page[TenantSummary]:
    """Every tenant, by name; `search` matches the name (case- and accent-insensitive) or the CNPJ digits."""
    principal.require_agent()
    check_paging(page, page_size)
    term = search.strip()
    digits = "".join(c for c in term if c.isdigit())
    rows = conn.execute(
        """SELECT t.id, t.nome, t.cnpj, t.ativo, t.criado_em,
                  (SELECT count(*) FROM erp.filial f WHERE f.tenant_id = t.id),
                  (SELECT count(*) FROM integracao.usuario_tenant u WHERE u.tenant_id = t.id),
                  coalesce((SELECT array_agg(s.tipo_codigo ORDER BY s.tipo_codigo)
                              FROM integracao.servico_contratado s WHERE s.tenant_id = t.id), '{}')
           FROM integracao.tenant t ORDER BY t.nome, t.id"""
    ).fetchall()
    folded = search_key(term)
    matching = [
        TenantSummary(int(r[0]), r[1], r[2], r[3], r[4], int(r[5]), int(r[6]), tuple(r[7]))
        for r in rows
        if not term or folded in search_key(r[1]) or (len(digits) >= 3 and digits in r[2])
    ]
    start = (page - 1) * page_size
    return Page(matching[start : start + page_size], len(matching), page, page_size)


def get(conn: psycopg.Connection, principal: Principal, tenant_id: int) -> Tenant:
    principal.require_agent()
    row = conn.execute(
        "SELECT id, nome, cnpj, ativo, criado_em FROM integracao.tenant WHERE id = %s", (tenant_id,)
    ).fetchone()
    if row is None:
        raise NotFound("tenant.not_found")
    with conn.cursor(row_factory=dict_row) as cur:
        branches = tuple(
            Branch(r["id"], r["codigo"], r["nome"], r["cnpj"], r["cidade"], r["uf"])
            for r in cur.execute(
                "SELECT id, codigo, nome, cnpj, cidade, uf FROM erp.filial WHERE tenant_id = %s ORDER BY codigo",
                (tenant_id,),
            )
        )
    return Tenant(int(row[0]), row[1], row[2], row[3], row[4], branches, tuple(_services(conn, tenant_id)))


def _services(conn: psycopg.Connection, tenant_id: int) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT tipo_codigo FROM integracao.servico_contratado WHERE tenant_id = %s ORDER BY tipo_codigo",
            (tenant_id,),
        )
    ]


def services(conn: psycopg.Connection, principal: Principal, tenant_id: int) -> list[str]:
    """The contracted types: agents read any tenant's, a client its own tenants' (another's is a 404)."""
    if not principal.can_see_tenant(tenant_id):
        raise NotFound("tenant.not_found")
    if not conn.execute("SELECT 1 FROM integracao.tenant WHERE id = %s", (tenant_id,)).fetchone():
        raise NotFound("tenant.not_found")
    return _services(conn, tenant_id)


# --- validation ----------------------------------------------------------------------------------


def _validate_services(codes: Sequence[str], errors: dict[str, Problem]) -> list[str]:
    unknown = [c for c in codes if c not in CATALOG]
    if unknown:
        errors["services"] = Problem("tenant.service_unknown", {"codes": ", ".join(sorted(map(str, unknown)))})
    return sorted(set(codes) - set(unknown))


def _validate_branch(
    conn: psycopg.Connection,
    branch: BranchInput,
    seen: tuple[set[int], set[str]],
    where: str,
    errors: dict[str, Problem],
) -> BranchInput:
    """One branch's fields; `seen` holds the codes and CNPJs of the list so far (no repeats within it)."""
    codes, cnpjs = seen
    name, city = visible_text(branch.name, MAX_NAME), visible_text(branch.city, MAX_NAME)
    cnpj = cnpj_digits(branch.cnpj)
    state = (branch.state or "").strip().upper()
    problems = {
        "code": None
        if branch.code is not None and 1 <= branch.code <= 99_999
        else Problem("tenant.branch_code_invalid"),
        "name": None if name else Problem("tenant.name_required"),
        "city": None if city else Problem("tenant.city_required"),
        "state": None if state in STATES else Problem("tenant.state_invalid"),
        "cnpj": _branch_cnpj_problem(conn, cnpj, branch.id, cnpjs),
    }
    if problems["code"] is None and branch.code in codes:
        problems["code"] = Problem("tenant.branch_code_repeated", {"code": branch.code})
    errors.update({f"{where}.{field}": problem for field, problem in problems.items() if problem})
    codes.add(branch.code or 0)
    cnpjs.add(cnpj or "")
    return BranchInput(branch.id, branch.code, name, cnpj, city, state)


def _branch_cnpj_problem(
    conn: psycopg.Connection, cnpj: str | None, branch_id: int | None, seen: set[str]
) -> Problem | None:
    if cnpj is None:
        return Problem("tenant.cnpj_invalid")
    if cnpj in seen:
        return Problem("tenant.cnpj_repeated")
    taken = conn.execute("SELECT 1 FROM erp.filial WHERE cnpj = %s AND id IS DISTINCT FROM %s", (cnpj, branch_id))
    return Problem("tenant.cnpj_taken") if taken.fetchone() else None


def _validate_branches(
    conn: psycopg.Connection, tenant_id: int | None, given: Sequence[BranchInput], errors: dict[str, Problem]
) -> list[BranchInput]:
    """The full list of a tenant's branches: existing ones by id (none may be left out), new ones without."""
    if len(given) > MAX_BRANCHES:
        errors["branches"] = Problem("tenant.too_many_branches", {"max": MAX_BRANCHES})
        return []
    existing: set[int] = set()
    if tenant_id is not None:
        existing = {r[0] for r in conn.execute("SELECT id FROM erp.filial WHERE tenant_id = %s", (tenant_id,))}
    seen: tuple[set[int], set[str]] = (set(), set())
    cleaned = []
    for n, branch in enumerate(given):
        if branch.id is not None and branch.id not in existing:
            errors[f"branches[{n}].id"] = Problem("tenant.branch_unknown")
        else:
            cleaned.append(_validate_branch(conn, branch, seen, f"branches[{n}]", errors))
    if existing - {b.id for b in given if b.id is not None}:
        errors["branches"] = Problem("tenant.branch_removed")
    return cleaned


def _validate(
    conn: psycopg.Connection, tenant_id: int | None, data: TenantInput, errors: dict[str, Problem]
) -> tuple[str | None, str | None]:
    creating = tenant_id is None
    name = cnpj = None
    if creating or data.name is not None:
        name = visible_text(data.name, MAX_NAME)
        if name is None:
            errors["name"] = Problem("tenant.name_required")
    if creating or data.cnpj is not None:
        cnpj = cnpj_digits(data.cnpj)
        if cnpj is None:
            errors["cnpj"] = Problem("tenant.cnpj_invalid")
        elif conn.execute(
            "SELECT 1 FROM integracao.tenant WHERE cnpj = %s AND id IS DISTINCT FROM %s", (cnpj, tenant_id)
        ).fetchone():
            errors["cnpj"] = Problem("tenant.cnpj_taken")
    return name, cnpj


# --- writes --------------------------------------------------------------------------------------


def _zone_of(conn: psycopg.Connection, tenant_id: int) -> int:
    """New branches go to the tenant's first price zone (a "Padrão" one is created for a new tenant)."""
    row = conn.execute("SELECT min(id) FROM erp.zona_preco WHERE tenant_id = %s", (tenant_id,)).fetchone()
    if row and row[0] is not None:
        return int(row[0])
    created = conn.execute(
        "INSERT INTO erp.zona_preco (tenant_id, nome) VALUES (%s, %s) RETURNING id", (tenant_id, DEFAULT_ZONE)
    ).fetchone()
    assert created is not None
    return int(created[0])


# Above every valid code (1..99,999): a parking place while codes are rewritten.
_CODE_SHIFT = 1_000_000


def _write_branches(conn: psycopg.Connection, tenant_id: int, branches: Sequence[BranchInput]) -> None:
    # Codes may swap between branches in one save: move the edited ones out of the way first.
    edited = [b.id for b in branches if b.id is not None]
    if edited:
        conn.execute("UPDATE erp.filial SET codigo = codigo + %s WHERE id = ANY(%s)", (_CODE_SHIFT, edited))
    for branch in branches:
        if branch.id is None:
            conn.execute(
                """INSERT INTO erp.filial (tenant_id, codigo, nome, cnpj, cidade, uf, zona_preco_id)
                   VALUES (%s, %s, %s, %s, %s, %s, %s)""",
                (
                    tenant_id,
                    branch.code,
                    branch.name,
                    branch.cnpj,
                    branch.city,
                    branch.state,
                    _zone_of(conn, tenant_id),
                ),
            )
        else:
            conn.execute(
                "UPDATE erp.filial SET codigo = %s, nome = %s, cnpj = %s, cidade = %s, uf = %s WHERE id = %s",
                (branch.code, branch.name, branch.cnpj, branch.city, branch.state, branch.id),
            )


def _snapshot(tenant: Tenant) -> dict[str, object]:
    return {
        "nome": tenant.name, "cnpj": tenant.cnpj, "ativa": tenant.active, "servicos": list(tenant.services),
        "filiais": [{"id": b.id, "codigo": b.code, "nome": b.name, "cnpj": b.cnpj, "cidade": b.city, "uf": b.state}
                    for b in tenant.branches],
    }  # fmt: skip


def create(conn: psycopg.Connection, principal: Principal, data: TenantInput) -> Tenant:
    principal.require_agent()
    errors: dict[str, Problem] = {}
    name, cnpj = _validate(conn, None, data, errors)
    branches = _validate_branches(conn, None, data.branches or (), errors)
    codes = _validate_services(data.services or (), errors)
    if errors:
        raise Invalid(errors, key="tenant.invalid")
    with conn.transaction():
        row = conn.execute(
            "INSERT INTO integracao.tenant (nome, cnpj) VALUES (%s, %s) RETURNING id", (name, cnpj)
        ).fetchone()
        assert row is not None
        tenant_id = int(row[0])
        _zone_of(conn, tenant_id)
        _write_branches(conn, tenant_id, branches)
        _write_services(conn, tenant_id, codes)
        saved = get(conn, principal, tenant_id)
        audit.record(conn, principal.username, "rede.cadastrada", "tenant", tenant_id, tenant_id=tenant_id,
                     after=_snapshot(saved))  # fmt: skip
    return saved


def update(
    conn: psycopg.Connection, principal: Principal, tenant_id: int, data: TenantInput, hooks: Hooks | None = None
) -> Tenant:
    current = get(conn, principal, tenant_id)
    errors: dict[str, Problem] = {}
    name, cnpj = _validate(conn, tenant_id, data, errors)
    branches = _validate_branches(conn, tenant_id, data.branches, errors) if data.branches is not None else None
    codes = None
    if data.services is not None:
        codes = _validate_services(data.services, errors)
        _check_removed_services(conn, tenant_id, current.services, codes, errors)
    if errors:
        raise Invalid(errors, key="tenant.invalid")
    active = current.active if data.active is None else data.active
    with conn.transaction():
        conn.execute(
            """UPDATE integracao.tenant SET nome = coalesce(%s, nome), cnpj = coalesce(%s, cnpj), ativo = %s,
                   atualizado_em = now() WHERE id = %s""",
            (name, cnpj, active, tenant_id),
        )
        if branches is not None:
            _write_branches(conn, tenant_id, branches)
        if codes is not None:
            _write_services(conn, tenant_id, codes)
        saved = get(conn, principal, tenant_id)
        action = (
            "rede.desativada" if current.active and not active
            else "rede.reativada" if active and not current.active
            else "rede.servicos_alterados" if data == TenantInput(services=data.services)
            else "rede.alterada"
        )  # fmt: skip
        audit.record(conn, principal.username, action, "tenant", tenant_id, tenant_id=tenant_id,
                     before=_snapshot(current), after=_snapshot(saved))  # fmt: skip
        if hooks and active != current.active:
            hooks.tenant_state_changed(conn, tenant_id)
    return saved


def _check_removed_services(
    conn: psycopg.Connection, tenant_id: int, current: Sequence[str], wanted: Sequence[str], errors: dict[str, Problem]
) -> None:
    removed = sorted(set(current) - set(wanted))
    if not removed:
        return
    in_use = conn.execute(
        """SELECT ti.nome, count(*) FROM integracao.integracao i JOIN integracao.tipo_integracao ti
                                                              ON ti.codigo = i.tipo_codigo
           WHERE i.tenant_id = %s AND i.tipo_codigo = ANY(%s) AND i.ativa GROUP BY ti.nome ORDER BY ti.nome""",
        (tenant_id, removed),
    ).fetchall()
    if in_use:
        errors["services"] = Problem("tenant.service_in_use", {"types": ", ".join(r[0] for r in in_use)})


def _write_services(conn: psycopg.Connection, tenant_id: int, codes: Sequence[str]) -> None:
    conn.execute(
        "DELETE FROM integracao.servico_contratado WHERE tenant_id = %s AND NOT tipo_codigo = ANY(%s)",
        (tenant_id, list(codes)),
    )
    conn.execute(
        """INSERT INTO integracao.servico_contratado (tenant_id, tipo_codigo) SELECT %s, unnest(%s::text[])
           ON CONFLICT DO NOTHING""",
        (tenant_id, list(codes)),
    )


def set_services(conn: psycopg.Connection, principal: Principal, tenant_id: int, codes: Sequence[str]) -> list[str]:
    """Replace the contracted types; refusing to remove a type that still has active integrations."""
    update(conn, principal, tenant_id, TenantInput(services=codes))
    return _services(conn, tenant_id)
