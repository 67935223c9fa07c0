"""Completeness of what a daily partner holds: per delivered day, the rows its files carried and the ERP rows of
that day committed after the files were read (late_rows.py: a sale an offline point of sale synced late, a sale
cancelled since). A day is *completo* when there are none, *corrigido* when a corrective task made it so, and
*faltando N* otherwise.

Kept in `integracao.completude` (migration 0017), so the Painel and the integration page never read the ERP:
- when a day is delivered: complete, as its files were just read (`delivered`);
- at each scheduled wake-up of an active daily integration, over its catch-up window (`verify`, which is how the
  wake-up decides which days get a corrective task);
- by the reconciler (`sweep`), for integrations no wake-up will correct because they are switched off: a day of
  theirs found short alerts once ("incompleto"), and again only after it matched in between.

The count is of ERP records (sales, purchases, controlled movements), the unit late rows arrive in; a partner's
file may carry several rows per record (items), so "linhas enviadas" and "faltando" are in their own units.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from include.connectors.base import Connector, DataSet
from include.connectors.registry import connector_for
from include.connectors.types import IncrementalWindow
from include.integracoes import alerts, health, integrations, late_rows, tasks
from include.integracoes.messages import DEFAULT_LANGUAGE, text
from include.integracoes.principal import Principal
from include.integracoes.tasks import Origin, Task

log = logging.getLogger(__name__)

# The days shown and swept: the catch-up window, inside which an active integration corrects a day by itself.
DAYS = tasks.CATCH_UP_DAYS
ATTENTION_LIMIT = 50


class State(StrEnum):
    COMPLETE = "completo"
    CORRECTED = "corrigido"
    MISSING = "faltando"

    def label(self, language: str = DEFAULT_LANGUAGE, missing: int = 0) -> str:
        return text(f"completeness.{self.value}", language, count=missing)


@dataclass(frozen=True)
class Day:
    integration_id: int
    day: date
    task_code: int
    rows_sent: int
    missing: int
    corrected: bool
    checked_at: datetime
    # Whether the integration will correct the day by itself (switched on: its next wake-up opens the task).
    correcting: bool

    @property
    def state(self) -> State:
        if self.missing:
            return State.MISSING
        return State.CORRECTED if self.corrected else State.COMPLETE


def movement_datasets(connector: Connector) -> list[DataSet]:
    """The data sets of a daily type whose days late rows can reach (none for incremental types: commit order
    already sends every committed row, once)."""
    if isinstance(connector.spec.window, IncrementalWindow):
        return []
    return [dataset for dataset in connector.datasets if late_rows.source_of(dataset) is not None]


def delivered(conn: psycopg.Connection, connector: Connector, task: Task) -> None:
    """A task of one day was delivered: the partner holds the day as its files were just read."""
    if task.origin is not Origin.RECEIVING and (files := _day_files(conn, connector, task)):
        _record(conn, task, rows=sum(f.rows for f in files), missing=0)


def verify(
    conn: psycopg.Connection, connector: Connector, task: Task, *, tenant_id: int, branches: Sequence[int]
) -> int:
    """Count the ERP records of a delivered day committed after its files were read, and record the day."""
    files = _day_files(conn, connector, task)
    if not files:
        return 0
    datasets = {d.name: d for d in movement_datasets(connector)}
    # Files of one source (a sales file and its items file) count the same records: the day lacks the most
    # any of its files lacks.
    missing = max(
        late_rows.count_late(conn, datasets[f.dataset], tenant_id=tenant_id, branches=branches, start=task.start,
                             end=task.end, snapshot=f.snapshot)
        for f in files
    )  # fmt: skip
    _record(conn, task, rows=sum(f.rows for f in files), missing=missing)
    return missing


def _day_files(conn: psycopg.Connection, connector: Connector, task: Task) -> list[late_rows.FileRead]:
    """The files of movements a one-day task sent (none for a period or a type without such files)."""
    if task.start != task.end:
        return []
    names = {d.name for d in movement_datasets(connector)}
    return [f for f in late_rows.files_read(conn, task.id) if f.dataset in names]


def _record(conn: psycopg.Connection, task: Task, *, rows: int, missing: int) -> None:
    conn.execute(
        """INSERT INTO integracao.completude AS c
               (integracao_id, dia, tarefa_id, linhas_enviadas, faltando, corrigido)
           VALUES (%(integration)s, %(day)s, %(task)s, %(rows)s, %(missing)s, %(corrected)s)
           ON CONFLICT (integracao_id, dia) DO UPDATE SET
               tarefa_id = excluded.tarefa_id, linhas_enviadas = excluded.linhas_enviadas,
               faltando = excluded.faltando, corrigido = excluded.corrigido, verificado_em = now(),
               alertado_em = CASE WHEN excluded.faltando = 0 THEN NULL ELSE c.alertado_em END""",
        {
            "integration": task.integration_id,
            "day": task.start,
            "task": task.id,
            "rows": rows,
            "missing": missing,
            "corrected": task.origin is Origin.CORRECTION,
        },
    )


def sweep(conn: psycopg.Connection, today: date | None = None) -> int:
    """Re-check the delivered days of switched-off daily integrations (no wake-up will), and alert once for
    each day found short: nothing will correct it. Returns how many alerts went out."""
    today = today or datetime.now(tasks.SAO_PAULO).date()
    first = today - timedelta(days=DAYS)
    candidates = conn.execute(
        """SELECT DISTINCT i.id, i.tipo_codigo, i.tenant_id,
                  array(SELECT filial_id FROM integracao.integracao_filial f WHERE f.integracao_id = i.id ORDER BY 1)
           FROM integracao.integracao i JOIN integracao.completude c ON c.integracao_id = i.id
           WHERE NOT i.ativa AND c.dia >= %s""",
        (first,),
    ).fetchall()
    sent = 0
    for integration_id, type_code, tenant_id, branches in candidates:
        try:
            for task in tasks.delivered_days(conn, integration_id, first, today):
                verify(conn, connector_for(type_code), task, tenant_id=tenant_id, branches=branches)
        except Exception:  # one integration's trouble (a type no longer installed) never stops the sweep
            log.exception("Completeness of integration %s not checked", integration_id)
            continue
        for day, rows, missing in conn.execute(
            """UPDATE integracao.completude SET alertado_em = now()
               WHERE integracao_id = %s AND dia >= %s AND faltando > 0 AND alertado_em IS NULL
               RETURNING dia, linhas_enviadas, faltando""",
            (integration_id, first),
        ).fetchall():
            alerts.send(conn, integration_id, "incompleto", day=f"{day:%d/%m/%Y}", sent=rows, missing=missing)
            sent += 1
    return sent


# --- reading: the integration page, the Painel -----------------------------------------------------------


_DAY = sql.SQL(
    """SELECT c.integracao_id, c.dia, t.codigo, c.linhas_enviadas, c.faltando, c.corrigido, c.verificado_em,
              i.ativa AS corrigindo
       FROM integracao.completude c
       JOIN integracao.integracao i ON i.id = c.integracao_id
       JOIN integracao.tarefa t ON t.id = c.tarefa_id"""
)


def _day(row: dict[str, Any]) -> Day:
    return Day(
        row["integracao_id"], row["dia"], row["codigo"], int(row["linhas_enviadas"]), int(row["faltando"]),
        row["corrigido"], row["verificado_em"], bool(row["corrigindo"]) and int(row["faltando"]) > 0,
    )  # fmt: skip


def days(conn: psycopg.Connection, principal: Principal, integration_id: int, today: date | None = None) -> list[Day]:
    """The delivered days of one integration the caller sees, newest first (NotFound for another tenant's)."""
    integrations.get(conn, principal, integration_id)
    today = today or datetime.now(tasks.SAO_PAULO).date()
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            _DAY + sql.SQL(" WHERE c.integracao_id = %s AND c.dia >= %s ORDER BY c.dia DESC"),
            (integration_id, today - timedelta(days=DAYS)),
        ).fetchall()
    return [_day(row) for row in rows]


@dataclass(frozen=True)
class Summary:
    complete: int
    corrected: int
    missing: int
    short_days: list[tuple[Day, str, str]]  # (day, integration's description, tenant), most missing first


def summary(conn: psycopg.Connection, principal: Principal, today: date | None = None) -> Summary:
    """The Painel's line: delivered days of the last `DAYS` complete, corrected and short, over what the caller
    sees; and the short days themselves."""
    today = today or datetime.now(tasks.SAO_PAULO).date()
    scope, params = health.tenant_scope(principal)
    params = params | {"first": today - timedelta(days=DAYS), "limit": ATTENTION_LIMIT}
    with conn.cursor(row_factory=dict_row) as cur:
        counts = cur.execute(
            sql.SQL(
                """SELECT count(*) FILTER (WHERE c.faltando = 0 AND NOT c.corrigido) AS completo,
                          count(*) FILTER (WHERE c.faltando = 0 AND c.corrigido) AS corrigido,
                          count(*) FILTER (WHERE c.faltando > 0) AS faltando
                   FROM integracao.completude c JOIN integracao.integracao i ON i.id = c.integracao_id
                   WHERE c.dia >= %(first)s AND {}"""
            ).format(scope),
            params,
        ).fetchone()
        short = cur.execute(
            sql.SQL(
                """SELECT q.*, i2.descricao, tn.nome AS tenant FROM ({day} WHERE c.faltando > 0 AND c.dia >= %(first)s
                       AND {scope}) q
                   JOIN integracao.integracao i2 ON i2.id = q.integracao_id
                   JOIN integracao.tenant tn ON tn.id = i2.tenant_id
                   ORDER BY q.faltando DESC, q.dia DESC, q.integracao_id LIMIT %(limit)s"""
            ).format(day=_DAY, scope=scope),
            params,
        ).fetchall()
    assert counts is not None
    return Summary(
        int(counts["completo"]),
        int(counts["corrigido"]),
        int(counts["faltando"]),
        [(_day(row), row["descricao"], row["tenant"]) for row in short],
    )
