"""What a run of an integration sends for (its partner type, tenant, branches, first day) and the RunScope of one
of its tasks or windows: one definition, for the run's steps and for the preview, so that a preview renders
exactly what a run would send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time

import psycopg

from include.connectors.base import RunScope
from include.connectors.catalog import CATALOG
from include.integracoes.tasks import SAO_PAULO, IncrementalSpan, Task


@dataclass(frozen=True)
class Subject:
    type_code: str
    tenant_id: int
    created_on: date
    branches: tuple[int, ...]
    send_from: date | None = None  # "Enviar a partir de" (incremental)

    @property
    def type_name(self) -> str:
        return CATALOG[self.type_code].name if self.type_code in CATALOG else self.type_code


def load(conn: psycopg.Connection, integration_id: int) -> Subject:
    row = conn.execute(
        """SELECT i.tipo_codigo, i.tenant_id, (i.criada_em AT TIME ZONE 'America/Sao_Paulo')::date,
                  array(SELECT filial_id FROM integracao.integracao_filial f WHERE f.integracao_id = i.id ORDER BY 1),
                  i.enviar_a_partir_de
           FROM integracao.integracao i WHERE i.id = %s""",
        (integration_id,),
    ).fetchone()
    if row is None:
        raise LookupError(f"integration {integration_id} no longer exists")
    return Subject(row[0], row[1], row[2], tuple(row[3]), row[4])


def first_day(subject: Subject) -> date:
    """The first movement day the integration sends: the day the agent set ("Enviar a partir de", incremental)
    or its activation day (D-N for a daily window)."""
    if subject.send_from is not None:
        return subject.send_from
    spec = CATALOG.get(subject.type_code)
    return subject.created_on - timedelta(days=getattr(spec.window if spec else None, "days_back", 0))


def scope(
    integration_id: int,
    subject: Subject,
    start: date,
    end: date,
    code: int,
    window: Task | IncrementalSpan | None = None,
) -> RunScope:
    """What one task (or, for the look-ahead of an incremental run, one window) sends; without a window, the
    movement days from `start` to `end` (a manual request, a preview)."""
    if isinstance(window, Task):
        cutoffs = (window.cutoff_start, window.cutoff_end, window.snapshot_start, window.snapshot_end)
    elif window is not None:
        cutoffs = (window.start, window.end, window.snapshot_start, window.snapshot_end)
    else:
        cutoffs = (None, None, None, None)
    return RunScope(
        integration_id, subject.tenant_id, subject.branches, start, end, code, *cutoffs,
        since=datetime.combine(first_day(subject), clock_time.min, tzinfo=SAO_PAULO),
    )  # fmt: skip
