"""The sales-reconciliation page ("Conciliação de vendas"): every card payment of the days an integration
sent to a reconciliation partner (BoaVista), with what the partner answered — reconciled, divergent (both
amounts), not found — or still awaiting its answer; totals per status; a CSV export of the same rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from include.integracoes import integrations
from include.integracoes.errors import Invalid
from include.integracoes.messages import DEFAULT_LANGUAGE, text
from include.integracoes.paging import Page, check_paging
from include.integracoes.periods import period_problems
from include.integracoes.principal import Principal
from include.integracoes.spreadsheet import CsvLines
from include.problems import Problem

RECONCILING_TYPES = ("boavista",)


class Status(StrEnum):
    RECONCILED = "conciliada"
    DIVERGENT = "divergente"
    NOT_FOUND = "nao_encontrada"
    AWAITING = "aguardando"

    def label(self, language: str = DEFAULT_LANGUAGE) -> str:
        return text(f"reconciliation.status.{self.value}", language)


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    branch_id: int | None = None
    status: Status | None = None


@dataclass(frozen=True)
class Row:
    sale_date: date
    branch: str
    branch_cnpj: str
    receipt: int  # the sale's number (cupom)
    nsu: str
    sent_amount: Decimal
    partner_amount: Decimal | None
    status: Status
    answered_at: datetime | None


@dataclass(frozen=True)
class Total:
    count: int
    amount: Decimal


@dataclass(frozen=True)
class Reconciliation:
    page: Page[Row]
    totals: dict[Status | None, Total]  # None: every payment sent


def reconciling_integration(
    conn: psycopg.Connection, principal: Principal, integration_id: int
) -> integrations.Integration:
    """An integration the caller can see whose partner reconciles sales (else NotFound)."""
    return integrations.get_of_types(conn, principal, integration_id, RECONCILING_TYPES, "reconciliation.not_available")


def check_filters(filters: Filters, integration: integrations.Integration) -> None:
    problems = period_problems(filters.start, filters.end)
    if filters.branch_id is not None and filters.branch_id not in integration.branches:
        problems["branch_id"] = Problem("reconciliation.branch_unknown")
    if problems:
        raise Invalid(problems, key="http.validation")


# Every card payment of the integration's branches on the days it delivered (or the partner answered about),
# with the partner's answer.
_ROWS = """
    WITH sent_days AS (
        SELECT generate_series(t.data_inicial, t.data_final, interval '1 day')::date AS dia
        FROM integracao.tarefa t
        WHERE t.integracao_id = %(integration)s AND t.situacao IN ('sent', 'completed') AND t.origem <> 'recebimento'
          AND t.data_final >= %(start)s AND t.data_inicial <= %(end)s
        UNION
        SELECT DISTINCT c.data_venda FROM integracao.conciliacao_venda c
        WHERE c.integracao_id = %(integration)s AND c.data_venda BETWEEN %(start)s AND %(end)s)
    SELECT (v.emitida_em AT TIME ZONE 'America/Sao_Paulo')::date AS data_venda, f.nome AS filial, f.cnpj,
           v.numero AS cupom, pc.nsu, pc.valor AS valor_enviado, c.valor_parceiro,
           coalesce(c.situacao, 'aguardando') AS situacao, c.consultada_em
    FROM erp.venda v
    JOIN erp.filial f ON f.id = v.filial_id
    JOIN erp.pagamento_cartao pc ON pc.venda_id = v.id
    LEFT JOIN integracao.conciliacao_venda c
           ON c.integracao_id = %(integration)s AND c.venda_id = v.id AND c.nsu = pc.nsu
    WHERE v.tenant_id = %(tenant)s AND v.filial_id = ANY(%(branches)s::int[]) AND NOT v.cancelada
      AND v.emitida_em >= (%(start)s::date)::timestamp AT TIME ZONE 'America/Sao_Paulo'
      AND v.emitida_em < (%(end)s::date + 1)::timestamp AT TIME ZONE 'America/Sao_Paulo'
      AND (v.emitida_em AT TIME ZONE 'America/Sao_Paulo')::date IN (SELECT dia FROM sent_days)
"""


def _query(integration: integrations.Integration, filters: Filters) -> tuple[sql.Composable, dict[str, Any]]:
    branches = [filters.branch_id] if filters.branch_id is not None else list(integration.branches)
    params: dict[str, Any] = {
        "integration": integration.id, "tenant": integration.tenant_id, "branches": branches,
        "start": filters.start, "end": filters.end,
    }  # fmt: skip
    return sql.SQL(_ROWS), params


def _filtered(rows: sql.Composable, filters: Filters) -> sql.Composed:
    """The rows of the filters, in the page's order (the page adds LIMIT/OFFSET, the CSV streams them all)."""
    status = sql.SQL("WHERE q.situacao = %(status)s") if filters.status else sql.SQL("")
    return sql.SQL("SELECT * FROM ({}) q {} ORDER BY q.data_venda, q.filial, q.cupom, q.nsu").format(rows, status)


def _row(r: dict[str, Any]) -> Row:
    return Row(r["data_venda"], r["filial"], r["cnpj"], r["cupom"], r["nsu"], r["valor_enviado"], r["valor_parceiro"],
               Status(r["situacao"]), r["consultada_em"])  # fmt: skip


def reconciliation(
    conn: psycopg.Connection,
    principal: Principal,
    integration_id: int,
    filters: Filters,
    *,
    page: int = 1,
    page_size: int = 25,
) -> Reconciliation:
    check_paging(page, page_size)
    integration = reconciling_integration(conn, principal, integration_id)
    check_filters(filters, integration)
    rows, params = _query(integration, filters)
    with conn.cursor(row_factory=dict_row) as cur:
        totals = cur.execute(
            sql.SQL("SELECT q.situacao, count(*) AS n, coalesce(sum(q.valor_enviado), 0) AS amount FROM ({}) q"
                    " GROUP BY ROLLUP (q.situacao)").format(rows),
            params,
        ).fetchall()  # fmt: skip
        found = cur.execute(
            sql.SQL("{} LIMIT %(limit)s OFFSET %(offset)s").format(_filtered(rows, filters)),
            params | {"status": str(filters.status or ""), "limit": page_size, "offset": (page - 1) * page_size},
        ).fetchall()
    by_status: dict[Status | None, Total] = {s: Total(0, Decimal(0)) for s in Status} | {None: Total(0, Decimal(0))}
    for t in totals:
        by_status[Status(t["situacao"]) if t["situacao"] else None] = Total(int(t["n"]), Decimal(t["amount"]))
    shown = by_status[filters.status].count if filters.status else by_status[None].count
    return Reconciliation(Page([_row(r) for r in found], shown, page, page_size), by_status)


CSV_COLUMNS = ("data_venda", "filial", "cnpj_filial", "cupom", "nsu", "valor_enviado", "valor_parceiro", "situacao")


def csv_lines(
    conn: psycopg.Connection, principal: Principal, integration_id: int, filters: Filters, language: str
) -> Iterator[str]:
    """The same rows as CSV (`;`, a header line), streamed with a server-side cursor."""
    integration = reconciling_integration(conn, principal, integration_id)
    check_filters(filters, integration)
    rows, params = _query(integration, filters)
    csv = CsvLines()
    yield csv.line(
        ["data_venda", "filial", "cnpj_filial", "cupom", "nsu", "valor_enviado", "valor_parceiro", "situacao"]
    )
    with conn.cursor(name="conciliacao_csv", row_factory=dict_row) as cur:
        cur.execute(_filtered(rows, filters), params | {"status": str(filters.status or "")})
        for r in cur:
            row = _row(r)
            cells = [row.sale_date.isoformat(), row.branch, row.branch_cnpj, str(row.receipt), row.nsu,
                     str(row.sent_amount), "" if row.partner_amount is None else str(row.partner_amount),
                     row.status.label(language)]  # fmt: skip
            yield csv.line(cells)
