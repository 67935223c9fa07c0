"""Late rows of days already delivered: a daily partner never loses a sale committed after its day went out.

A daily file's rows belong to days by an ERP row's own time: a sale's (`emitida_em`), a purchase's, a controlled
movement's. Each file keeps the snapshot it was read in (`integracao.arquivo.snapshot`), and those rows carry
the transaction that last wrote them (`transacao`, include/sql/migrations/0016_commit_order.sql): a row of the
file's days not committed in its snapshot came late — a sale an offline point of sale synced after the day
went out, or a sale cancelled since.

Every daily partner's contract here takes a **corrected day**: a file of the same day, under the corrective
task's own name, replaces the one sent before. So each scheduled wake-up of a daily integration looks at the
days it delivered within the catch-up window, and a day with late rows gets a corrective task
(`Origin.CORRECTION`, "Correção" in the task list) that renders the day again, whole. It is a task like the
others: a failed one is retried on the next wake-up, and can be reprocessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import psycopg
from psycopg import sql

from include.connectors.base import TIMEZONE, DataSet

# Where the rows of each daily extraction come from: the ERP table and the time that places a row in a day.
# Extractions of a state (prices, stock, the catalogue) have no late rows: each file sends it as it is.
_SALES, _PURCHASES, _CONTROLLED = (
    ("erp.venda", "emitida_em"),
    ("erp.compra", "emitida_em"),
    (
        "erp.movimento_controlado",
        "ocorrido_em",
    ),
)
SOURCES: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("panel_sellout.sql", "benefit_items.sql", "sellout_daily.sql", "linked_farma_sellout.sql", "sellout_items.sql",
         "proffer_sellout.sql", "propz_sales.sql", "propz_items.sql", "propz_customers.sql", "propz_products.sql",
         "customer_sales.sql", "card_sales.sql"),
        _SALES,
    ),
    **dict.fromkeys(("proffer_sellin.sql", "purchases.sql"), _PURCHASES),
    "controlled_movements.sql": _CONTROLLED,
}  # fmt: skip


def source_of(dataset: DataSet) -> tuple[str, str] | None:
    return None if dataset.snapshot else SOURCES.get(dataset.sql_file)


def count_late(
    conn: psycopg.Connection,
    dataset: DataSet,
    *,
    tenant_id: int,
    branches: Sequence[int],
    start: date,
    end: date,
    snapshot: str,
) -> int:
    """How many rows of the data set's source, of its days [start, end], were committed after `snapshot` (its
    file's): rows the file lacks, or holds as they were before a change."""
    source = source_of(dataset)
    if source is None:
        return 0
    table, moment = source
    schema, name = table.split(".")
    # The bound on `transacao` lets the (tenant_id, transacao) index read only what began after the snapshot's
    # oldest running transaction: a handful of rows, however big the table.
    query = sql.SQL(
        """SELECT count(*) FROM {table} r
           WHERE r.tenant_id = %(tenant)s AND r.filial_id = ANY(%(branches)s)
             AND r.{moment} >= %(start)s AND r.{moment} < %(end)s
             AND r.transacao >= pg_snapshot_xmin(%(snapshot)s::pg_snapshot)
             AND NOT pg_visible_in_snapshot(r.transacao, %(snapshot)s::pg_snapshot)"""
    ).format(table=sql.Identifier(schema, name), moment=sql.Identifier(moment))
    row = conn.execute(
        query,
        {
            "tenant": tenant_id,
            "branches": list(branches),
            "start": datetime.combine(start, time.min, tzinfo=TIMEZONE),
            "end": datetime.combine(end + timedelta(days=1), time.min, tzinfo=TIMEZONE),
            "snapshot": snapshot,
        },
    ).fetchone()
    return int(row[0]) if row else 0


class FileRead(NamedTuple):
    dataset: str
    snapshot: str  # the PostgreSQL snapshot it was read in (text form)
    rows: int


def files_read(conn: psycopg.Connection, task_id: int) -> list[FileRead]:
    """The files a delivered task sent that know the snapshot they were read in."""
    return [
        FileRead(r[0], r[1], int(r[2] or 0))
        for r in conn.execute(
            """SELECT conjunto, snapshot::text, linhas FROM integracao.arquivo
               WHERE tarefa_id = %s AND direcao = 'enviado' AND snapshot IS NOT NULL
                 AND situacao IN ('sent', 'completed')""",
            (task_id,),
        )
    ]
