"""The price-change screen ("Alteração de Preço/Oferta"): suggestions a price-recommendation partner
(Proffer) returned, reviewed per price zone and applied to the zone's prices.

Listing shows, per product, the latest suggestion received in the chosen period for the chosen zone, next
to the zone's price *now*. Applying changes the zone's prices in one transaction, each change audited
(who, when, old, new, the suggestion). A suggestion already applied changes nothing again; one older than
the zone's last price change ("desatualizada": somebody changed the price after it arrived) is never applied
silently — it is reported back unless the caller explicitly includes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from include.integracoes import audit, integrations
from include.integracoes.errors import Invalid
from include.integracoes.paging import Page, check_paging
from include.integracoes.periods import period_problems
from include.integracoes.principal import Principal
from include.integracoes.tasks import SAO_PAULO
from include.problems import Problem

PRICING_TYPES = ("proffer",)  # types whose integrations return price suggestions


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True)
class Zone:
    id: int
    name: str


@dataclass(frozen=True)
class Suggestion:
    id: int
    product_id: int
    ean: str
    description: str
    current_price: Decimal | None
    suggested_price: Decimal
    base_price: Decimal
    received_at: datetime
    applied_at: datetime | None
    applied_by: str | None
    stale: bool  # the zone's price changed after the suggestion arrived (and not by applying it)

    @property
    def difference(self) -> Decimal | None:
        return None if self.current_price is None else self.suggested_price - self.current_price

    @property
    def difference_percent(self) -> Decimal | None:
        if self.current_price is None or self.difference is None:
            return None
        return (self.difference * 100 / self.current_price).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    zone_id: int
    direction: Direction | None = None
    min_difference: Decimal | None = None  # in R$, either way
    search: str = ""


@dataclass(frozen=True)
class ApplyResult:
    applied: int
    unchanged: int  # already applied, or the price is already the suggested one
    stale: tuple[str, ...]  # EANs not applied because the price changed after the suggestion


# --- what the screen offers -------------------------------------------------------------------------


def pricing_integration(
    conn: psycopg.Connection, principal: Principal, integration_id: int
) -> integrations.Integration:
    """An integration the caller can see whose partner returns price suggestions (else NotFound)."""
    return integrations.get_of_types(conn, principal, integration_id, PRICING_TYPES, "pricing.not_available")


def zones(conn: psycopg.Connection, principal: Principal, integration_id: int) -> list[Zone]:
    """The price zones of the integration's branches."""
    integration = pricing_integration(conn, principal, integration_id)
    rows = conn.execute(
        """SELECT DISTINCT z.id, z.nome FROM erp.zona_preco z JOIN erp.filial f ON f.zona_preco_id = z.id
           WHERE f.id = ANY(%s) AND z.tenant_id = %s ORDER BY z.nome, z.id""",
        (list(integration.branches), integration.tenant_id),
    ).fetchall()
    return [Zone(int(r[0]), str(r[1])) for r in rows]


def check_filters(conn: psycopg.Connection, principal: Principal, integration_id: int, filters: Filters) -> None:
    problems = period_problems(filters.start, filters.end)
    if filters.zone_id not in {z.id for z in zones(conn, principal, integration_id)}:
        problems["zone_id"] = Problem("pricing.zone_unknown")
    if filters.min_difference is not None and filters.min_difference < 0:
        problems["min_difference"] = Problem("pricing.min_difference")
    if problems:
        raise Invalid(problems, key="http.validation")


# --- listing ----------------------------------------------------------------------------------------

# The latest suggestion per product of one zone received in the period, with the zone's price now.
_LATEST = """
    WITH latest AS (
        SELECT DISTINCT ON (s.produto_id) s.*
        FROM integracao.sugestao_preco s
        WHERE s.integracao_id = %(integration)s AND s.zona_preco_id = %(zone)s
          AND s.recebida_em >= %(from)s AND s.recebida_em < %(to)s
        ORDER BY s.produto_id, s.recebida_em DESC, s.id DESC)
    SELECT l.id, l.produto_id, p.ean, p.descricao, pr.preco AS preco_atual, l.preco_sugerido, l.preco_base,
           l.recebida_em, l.aplicada_em, l.aplicada_por,
           (l.aplicada_em IS NULL AND pr.atualizado_em > l.recebida_em) AS desatualizada
    FROM latest l
    JOIN erp.produto p ON p.id = l.produto_id
    LEFT JOIN erp.preco pr ON pr.zona_preco_id = l.zona_preco_id AND pr.produto_id = l.produto_id
"""


def _where(filters: Filters) -> tuple[sql.Composable, dict[str, Any]]:
    conditions: list[sql.Composable] = [sql.SQL("true")]
    params: dict[str, Any] = {}
    # What the partner recommends (its suggestion against the price it was given), so a row stays in its
    # filter once applied — the current price then equals the suggestion.
    if filters.direction is Direction.UP:
        conditions.append(sql.SQL("q.preco_sugerido > q.preco_base"))
    elif filters.direction is Direction.DOWN:
        conditions.append(sql.SQL("q.preco_sugerido < q.preco_base"))
    if filters.min_difference is not None:
        conditions.append(sql.SQL("abs(q.preco_sugerido - q.preco_base) >= %(min_difference)s"))
        params["min_difference"] = filters.min_difference
    if search := filters.search.strip():
        conditions.append(
            sql.SQL(
                "(q.ean LIKE %(prefix)s"
                " OR integracao.normalizar_busca(q.descricao) LIKE integracao.normalizar_busca(%(contains)s))"
            )
        )
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params |= {"prefix": f"{escaped}%", "contains": f"%{escaped}%"}
    return sql.SQL(" AND ").join(conditions), params


def _params(integration_id: int, filters: Filters) -> dict[str, Any]:
    return {
        "integration": integration_id,
        "zone": filters.zone_id,
        "from": datetime.combine(filters.start, time.min, tzinfo=SAO_PAULO),
        "to": datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=SAO_PAULO),
    }


def _suggestion(row: dict[str, Any]) -> Suggestion:
    return Suggestion(
        row["id"], row["produto_id"], row["ean"], row["descricao"], row["preco_atual"], row["preco_sugerido"],
        row["preco_base"], row["recebida_em"], row["aplicada_em"], row["aplicada_por"], bool(row["desatualizada"]),
    )  # fmt: skip


def list_suggestions(
    conn: psycopg.Connection,
    principal: Principal,
    integration_id: int,
    filters: Filters,
    *,
    page: int = 1,
    page_size: int = 25,
) -> Page[Suggestion]:
    check_paging(page, page_size)
    check_filters(conn, principal, integration_id, filters)
    where, extra = _where(filters)
    params = _params(integration_id, filters) | extra | {"limit": page_size, "offset": (page - 1) * page_size}
    query = sql.SQL(
        "SELECT *, count(*) OVER () AS total FROM ({}) q WHERE {} ORDER BY q.descricao, q.ean"
        " LIMIT %(limit)s OFFSET %(offset)s"
    ).format(sql.SQL(_LATEST), where)
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(query, params).fetchall()
    total = int(rows[0]["total"]) if rows else _count(conn, query, params)
    return Page([_suggestion(r) for r in rows], total, page, page_size)


def _count(conn: psycopg.Connection, query: sql.Composable, params: dict[str, Any]) -> int:
    """The total when the page asked for is past the end (no row carried it)."""
    if params["offset"] == 0:
        return 0
    counted = conn.execute(sql.SQL("SELECT count(*) FROM ({}) c").format(query), params | {"limit": None, "offset": 0})
    row = counted.fetchone()
    return int(row[0]) if row else 0


# --- applying ---------------------------------------------------------------------------------------


def apply(
    conn: psycopg.Connection,
    principal: Principal,
    integration_id: int,
    filters: Filters,
    *,
    suggestion_ids: Sequence[int] | None = None,
    include_stale: bool = False,
) -> ApplyResult:
    """Apply the chosen suggestions (or every one the filters show) to the zone's prices, in one
    transaction. Suggestion ids not shown by the filters are refused (nothing is applied)."""
    check_filters(conn, principal, integration_id, filters)
    tenant_id = integrations.get(conn, principal, integration_id).tenant_id
    where, extra = _where(filters)
    query = sql.SQL("SELECT * FROM ({}) q WHERE {}").format(sql.SQL(_LATEST), where)
    with conn.transaction():
        # One apply per zone at a time: two users applying the same zone serialize here.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('preco_zona'), %s)", (filters.zone_id,))
        with conn.cursor(row_factory=dict_row) as cur:
            shown = {r["id"]: _suggestion(r) for r in cur.execute(query, _params(integration_id, filters) | extra)}
        chosen = list(shown.values()) if suggestion_ids is None else _chosen(shown, suggestion_ids)
        applied, unchanged, stale = 0, 0, []
        for suggestion in chosen:
            if suggestion.applied_at is not None or suggestion.current_price == suggestion.suggested_price:
                unchanged += _mark_applied(conn, principal, suggestion, changed=False)
            elif suggestion.stale and not include_stale:
                stale.append(suggestion.ean)
            else:
                _change_price(conn, principal, (tenant_id, integration_id), filters.zone_id, suggestion)
                applied += 1
        return ApplyResult(applied, unchanged, tuple(stale))


def _chosen(shown: dict[int, Suggestion], ids: Sequence[int]) -> list[Suggestion]:
    unknown = [i for i in ids if i not in shown]
    if unknown or not ids:
        raise Invalid(
            {"suggestion_ids": Problem("pricing.unknown_suggestions", {"count": len(unknown)})}, key="http.validation"
        )
    return [shown[i] for i in dict.fromkeys(ids)]


def _mark_applied(conn: psycopg.Connection, principal: Principal, suggestion: Suggestion, *, changed: bool) -> int:
    if suggestion.applied_at is None:
        conn.execute(
            "UPDATE integracao.sugestao_preco SET aplicada_em = now(), aplicada_por = %s WHERE id = %s",
            (principal.username, suggestion.id),
        )
    return 0 if changed else 1


def _change_price(
    conn: psycopg.Connection,
    principal: Principal,
    owner: tuple[int, int],
    zone_id: int,
    suggestion: Suggestion,
) -> None:
    tenant_id, integration_id = owner
    old = conn.execute(
        "SELECT preco FROM erp.preco WHERE zona_preco_id = %s AND produto_id = %s FOR UPDATE",
        (zone_id, suggestion.product_id),
    ).fetchone()
    conn.execute(
        """INSERT INTO erp.preco (zona_preco_id, produto_id, preco) VALUES (%s, %s, %s)
           ON CONFLICT (zona_preco_id, produto_id) DO UPDATE SET preco = excluded.preco, atualizado_em = now()""",
        (zone_id, suggestion.product_id, suggestion.suggested_price),
    )
    audit.record(
        conn, principal.username, "preco.sugestao_aplicada", "erp.preco", f"{zone_id}:{suggestion.product_id}",
        tenant_id=tenant_id, before={"preco": str(old[0])} if old else None,
        after={"preco": str(suggestion.suggested_price), "sugestao_id": suggestion.id, "integracao_id": integration_id},
    )  # fmt: skip
    _mark_applied(conn, principal, suggestion, changed=True)
