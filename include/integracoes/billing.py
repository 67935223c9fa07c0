"""Billable agent runs: the runs a support agent requested on a client's integration (a paid service,
recorded by manual_runs when the task is created), reported per tenant and month.

One row per request: a request split into parts of up to 31 days is one row with its parts counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import psycopg

from include.integracoes.errors import Invalid, NotFound
from include.integracoes.principal import Principal
from include.integracoes.spreadsheet import CsvLines
from include.integracoes.tasks import SAO_PAULO
from include.problems import Problem

_MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class BillableRequest:
    requested_at: datetime
    requested_by: str
    integration_id: int
    integration: str
    type_code: str
    type_name: str
    start: date
    end: date
    chunks: int
    task_codes: tuple[int, ...]
    days: int


@dataclass(frozen=True)
class Report:
    tenant_id: int
    tenant_name: str
    month: str
    items: list[BillableRequest]

    @property
    def requests(self) -> int:
        return len(self.items)

    @property
    def chunks(self) -> int:
        return sum(i.chunks for i in self.items)

    @property
    def days(self) -> int:
        return sum(i.days for i in self.items)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The São Paulo month `YYYY-MM` as [start, end) instants."""
    match = _MONTH.match(month or "")
    if not match:
        raise Invalid({"month": Problem("billing.invalid_month")}, key="http.validation")
    year, number = int(match[1]), int(match[2])
    start = datetime(year, number, 1, tzinfo=SAO_PAULO)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=SAO_PAULO)
    return start, end


def report(conn: psycopg.Connection, principal: Principal, tenant_id: int, month: str) -> Report:
    """Agents only: clients never see what is billed to them here."""
    principal.require_agent()
    start, end = month_bounds(month)
    tenant = conn.execute("SELECT nome FROM integracao.tenant WHERE id = %s", (tenant_id,)).fetchone()
    if tenant is None:
        raise NotFound("tenant.not_found")
    # Parts of one request share the transaction's timestamp (now()), the agent and the integration.
    rows = conn.execute(
        """SELECT s.solicitado_em, s.solicitado_por, i.id, i.descricao, i.tipo_codigo, ti.nome,
                  min(s.data_inicial), max(s.data_final), count(*), array_agg(t.codigo ORDER BY s.data_inicial),
                  sum(s.data_final - s.data_inicial + 1)
           FROM integracao.servico_faturavel s
           JOIN integracao.integracao i ON i.id = s.integracao_id
           JOIN integracao.tipo_integracao ti ON ti.codigo = i.tipo_codigo
           JOIN integracao.tarefa t ON t.id = s.tarefa_id
           WHERE s.tenant_id = %s AND s.solicitado_em >= %s AND s.solicitado_em < %s
           GROUP BY s.solicitado_em, s.solicitado_por, i.id, i.descricao, i.tipo_codigo, ti.nome
           ORDER BY s.solicitado_em, i.id""",
        (tenant_id, start, end),
    ).fetchall()
    items = [
        BillableRequest(r[0], r[1], int(r[2]), r[3], r[4], r[5], r[6], r[7], int(r[8]), tuple(r[9]), int(r[10]))
        for r in rows
    ]
    return Report(tenant_id, str(tenant[0]), month, items)


CSV_COLUMNS = (
    "solicitado_em", "solicitado_por", "integracao_id", "integracao", "tipo", "data_inicial", "data_final",
    "partes", "tarefas", "dias",
)  # fmt: skip


def csv_lines(found: Report) -> Iterator[str]:
    """The report's rows as CSV (`;`, dates in ISO): the same rows as the page, one per request."""
    csv = CsvLines()
    yield csv.line(CSV_COLUMNS)
    for item in found.items:
        yield csv.line(
            [
                item.requested_at.astimezone(SAO_PAULO).isoformat(timespec="seconds"), item.requested_by,
                item.integration_id, item.integration, item.type_name, item.start.isoformat(), item.end.isoformat(),
                item.chunks, " ".join(map(str, item.task_codes)), item.days,
            ]
        )  # fmt: skip
