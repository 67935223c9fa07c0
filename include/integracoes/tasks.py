"""Tasks: the business record of every run (SPEC §7) — states, windows, failure reasons, listing.

One state machine for every connector:

    pending --> sent --> completed
       |          |
       +----------+--> failed   (terminal until reprocessed)

Scheduled runs open their tasks here, idempotently per Airflow run; the window policy of the connector
says which period each task covers. The database refuses overlapping pending tasks of one integration
(exclusion constraint); a scheduled window that hits one simply waits for the next wake-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from include.connectors.types import IncrementalWindow, WindowPolicy
from include.integracoes import integrations, metrics
from include.integracoes.errors import Conflict, Invalid
from include.integracoes.messages import DEFAULT_LANGUAGE, text
from include.integracoes.paging import Page, paging_problems
from include.integracoes.principal import Principal
from include.problems import Problem

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
# Who requested a scheduled task ("Usuário" column).
SYSTEM_USER = "Sistema"
# How far back a daily window catches up missed days after downtime.
CATCH_UP_DAYS = 31


class Status(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    COMPLETED = "completed"
    FAILED = "failed"

    def label(self, language: str = DEFAULT_LANGUAGE) -> str:
        return text(f"task.status.{self.value}", language)


class Origin(StrEnum):
    SCHEDULED = "agendada"
    MANUAL = "manual"
    REPROCESS = "reprocessamento"
    RECEIVING = "recebimento"  # only lists files a partner sent us: never the delivery of a period
    CORRECTION = "correcao"  # a delivered day sent again, whole: rows came late (include/integracoes/late_rows.py)


class FailureClass(StrEnum):
    """Why a task failed, in classes a client understands; the technical detail stays in the task log."""

    PARTNER_UNAVAILABLE = "partner_unavailable"
    CREDENTIALS_REFUSED = "credentials_refused"
    PARTNER_REJECTED = "partner_rejected"
    DATA_CHECK_FAILED = "data_check_failed"
    TIMEOUT = "timeout"
    INTERNAL_ERROR = "internal_error"
    RUN_LOST = "run_lost"
    TRIGGER_FAILED = "trigger_failed"
    LAYOUT_MISMATCH = "layout_mismatch"
    CONNECTOR_UNAVAILABLE = "connector_unavailable"
    RUN_FAILED = "run_failed"
    RUN_TIMEOUT = "run_timeout"
    RECEIVED_REFUSED = "received_refused"
    INTEGRATION_INACTIVE = "integration_inactive"
    HOST_KEY_UNCONFIRMED = "host_key_unconfirmed"
    HOST_KEY_CHANGED = "host_key_changed"

    def reason(self, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
        return text(f"task.failure.{self.value}", language, **params)


_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PENDING: frozenset({Status.SENT, Status.COMPLETED, Status.FAILED}),
    Status.SENT: frozenset({Status.COMPLETED, Status.FAILED}),
    Status.COMPLETED: frozenset(),
    Status.FAILED: frozenset({Status.PENDING}),  # reprocessing
}


@dataclass(frozen=True)
class Task:
    id: int
    code: int
    integration_id: int
    created_at: datetime
    start: date
    end: date
    requested_by: str
    origin: Origin
    status: Status
    failure_class: str | None
    failure_reason: str | None
    cutoff_start: datetime | None = None
    cutoff_end: datetime | None = None
    # An incremental task's window in commit order (PostgreSQL snapshots, text form): its predecessor's
    # snapshot (None: the first window, or one after a task that had none) and its own.
    snapshot_start: str | None = None
    snapshot_end: str | None = None


_COLUMNS = sql.SQL(
    "t.id, t.codigo, t.integracao_id, t.criada_em, t.data_inicial, t.data_final, t.solicitada_por, t.origem,"
    " t.situacao, t.motivo_classe, t.motivo_falha, t.corte_inicial, t.corte_final,"
    " t.snapshot_inicial::text AS snapshot_inicial, t.snapshot_final::text AS snapshot_final"
)


def _task(row: dict[str, Any]) -> Task:
    return Task(
        row["id"], row["codigo"], row["integracao_id"], row["criada_em"], row["data_inicial"], row["data_final"],
        row["solicitada_por"], Origin(row["origem"]), Status(row["situacao"]), row["motivo_classe"],
        row["motivo_falha"], row["corte_inicial"], row["corte_final"], row["snapshot_inicial"],
        row["snapshot_final"],
    )  # fmt: skip


def get_task(conn: psycopg.Connection, task_id: int) -> Task:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(sql.SQL("SELECT {} FROM integracao.tarefa t WHERE t.id = %s").format(_COLUMNS), (task_id,))
        found = row.fetchone()
    if found is None:
        raise LookupError(f"task {task_id} does not exist")
    return _task(found)


# --- windows -------------------------------------------------------------------------------------


def daily_days_to_send(
    conn: psycopg.Connection,
    integration_id: int,
    *,
    today: date,
    days_back: int,
    first_day: date,
    catch_up_days: int = CATCH_UP_DAYS,
) -> list[date]:
    """Days D-N not delivered yet, oldest first: missed days are caught up, failed days retried,
    delivered (sent/completed) and pending days skipped. Never before `first_day`."""
    last = today - timedelta(days=days_back)
    first = max(first_day, last - timedelta(days=catch_up_days - 1))
    if last < first:
        return []
    rows = conn.execute(
        """SELECT d::date FROM generate_series(%s::date, %s::date, interval '1 day') AS d
           WHERE NOT EXISTS (
               SELECT 1 FROM integracao.tarefa t
               WHERE t.integracao_id = %s AND t.situacao IN ('pending', 'sent', 'completed')
                 AND t.origem <> 'recebimento' AND d::date BETWEEN t.data_inicial AND t.data_final)
           ORDER BY 1""",
        (first, last, integration_id),
    ).fetchall()
    return [r[0] for r in rows]


@dataclass(frozen=True)
class IncrementalSpan:
    """An incremental task's window: what was committed after its predecessor's snapshot (`snapshot_start`)
    and by its own (`snapshot_end`), in commit order (include/sql/migrations/0016_commit_order.sql). The
    times say when the snapshots were taken; without a predecessor snapshot, rows from `start` on."""

    start: datetime
    end: datetime
    snapshot_start: str | None
    snapshot_end: str


def incremental_span(conn: psycopg.Connection, integration_id: int, *, since: datetime) -> IncrementalSpan | None:
    """From the last delivered task's snapshot (or `since`) to now: whatever was committed in between, with no
    lag to guess. Taken inside the transaction that records the task, so the chain has no gap. None before
    `since`."""
    row = conn.execute(
        """SELECT corte_final, snapshot_final::text FROM integracao.tarefa
           WHERE integracao_id = %s AND situacao IN ('sent', 'completed') AND corte_final IS NOT NULL
           ORDER BY corte_final DESC LIMIT 1""",
        (integration_id,),
    ).fetchone()
    taken = conn.execute("SELECT clock_timestamp(), pg_current_snapshot()::text").fetchone()
    assert taken is not None
    now, snapshot = taken
    start, snapshot_start = (row[0], row[1]) if row else (since, None)
    return IncrementalSpan(start, now, snapshot_start, snapshot) if now > start else None


def open_scheduled_tasks(
    conn: psycopg.Connection,
    integration_id: int,
    *,
    dag_id: str,
    run_id: str,
    policy: WindowPolicy,
    now: datetime,
    first_day: date,
    has_new_data: Callable[[IncrementalSpan], bool] | None = None,
    came_late: Callable[[Task], bool] | None = None,
) -> list[Task]:
    """Open the tasks of a scheduled run (idempotent per run: a retried run gets the same tasks back). A daily
    run also opens a corrective task for each delivered day of its catch-up window whose rows `came_late`."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('tarefa'), %s)", (integration_id,))
        existing = _tasks_of_run(conn, dag_id, run_id)
        if existing:
            return existing
        if isinstance(policy, IncrementalWindow):
            span = incremental_span(
                conn, integration_id, since=datetime.combine(first_day, datetime.min.time(), tzinfo=now.tzinfo)
            )
            if span is None or (has_new_data is not None and not has_new_data(span)):
                return []
            # Movement days in the deployment's timezone (the database hands timestamps back in UTC: after 21:00
            # in São Paulo the UTC date is already tomorrow).
            first, last = span.start.astimezone(SAO_PAULO).date(), span.end.astimezone(SAO_PAULO).date()
            periods: list[tuple[date, date, IncrementalSpan | None, Origin]] = [(first, last, span, Origin.SCHEDULED)]
        else:
            days = daily_days_to_send(
                conn, integration_id, today=now.date(), days_back=policy.days_back, first_day=first_day
            )
            periods = [(day, day, None, Origin.SCHEDULED) for day in days]
            if came_late is not None:
                last = now.date() - timedelta(days=policy.days_back)
                delivered = delivered_days(
                    conn, integration_id, max(first_day, last - timedelta(CATCH_UP_DAYS - 1)), last
                )
                periods += [(t.start, t.end, None, Origin.CORRECTION) for t in delivered if came_late(t)]
        opened = []
        for start, end, span, origin in periods:
            failed = failed_task_of_period(conn, integration_id, start, end) if span is None else None
            try:
                with conn.transaction():  # a savepoint: an overlap skips this period, not the whole run
                    if failed is not None:  # a failed day is retried by its own task (see failed_task_of_period)
                        task = reopen(conn, failed.id, SYSTEM_USER, as_reprocessing=False)
                    else:
                        task = insert_pending(conn, integration_id, start, end, SYSTEM_USER, origin, span)
            except psycopg.errors.ExclusionViolation:
                continue  # a pending task covers it: the period waits for the next wake-up
            _attach_attempt(conn, task.id, dag_id, run_id)
            opened.append(task)
        return opened


def delivered_days(conn: psycopg.Connection, integration_id: int, first: date, last: date) -> list[Task]:
    """The latest delivered task of each day in [first, last] delivered on its own (what the partner holds for
    that day), when no task of the integration is pending for it."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            sql.SQL(
                """SELECT DISTINCT ON (t.data_inicial) {} FROM integracao.tarefa t
                   WHERE t.integracao_id = %(integration)s AND t.situacao IN ('sent', 'completed')
                     AND t.origem <> 'recebimento' AND t.data_inicial = t.data_final
                     AND t.data_inicial BETWEEN %(first)s AND %(last)s
                     AND NOT EXISTS (SELECT 1 FROM integracao.tarefa p
                                     WHERE p.integracao_id = t.integracao_id AND p.situacao = 'pending'
                                       AND t.data_inicial BETWEEN p.data_inicial AND p.data_final)
                   ORDER BY t.data_inicial, t.id DESC"""
            ).format(_COLUMNS),
            {"integration": integration_id, "first": first, "last": last},
        ).fetchall()
    return [_task(row) for row in rows]


def open_receiving_task(conn: psycopg.Connection, integration_id: int, *, dag_id: str, run_id: str, day: date) -> Task:
    """The task a run lists received files under when it opened none (idempotent per run). The day is its
    period; it is of its own origin and carries no cutoff, so neither a daily window nor the incremental
    chain takes it for a delivery."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('tarefa'), %s)", (integration_id,))
        existing = _tasks_of_run(conn, dag_id, run_id)
        if existing:
            return existing[0]
        task = insert_pending(conn, integration_id, day, day, SYSTEM_USER, Origin.RECEIVING)
        _attach_attempt(conn, task.id, dag_id, run_id)
        return task


def find_task(conn: psycopg.Connection, task_id: int) -> Task | None:
    try:
        return get_task(conn, task_id)
    except LookupError:
        return None


def open_tasks_of_run(conn: psycopg.Connection, dag_id: str, run_id: str) -> list[Task]:
    """Tasks an Airflow run holds that have not ended yet (Pendente or Enviada). A task the run ended and that
    was asked for again since (Reprocessar) is pending under another run: its attempt in this run is over."""
    return [
        t for t in _tasks_of_run(conn, dag_id, run_id, unfinished=True) if t.status in (Status.PENDING, Status.SENT)
    ]


def claim_task(conn: psycopg.Connection, task_id: int, integration_id: int, dag_id: str, run_id: str) -> Task:
    """A manual or reprocessing run takes over the pending task it was triggered for (idempotent)."""
    task = get_task(conn, task_id)
    if task.integration_id != integration_id or task.status is not Status.PENDING:
        raise InvalidTransitionError("task.not_claimable", code=task.code)
    _attach_attempt(conn, task_id, dag_id, run_id)
    return task


def claimed_by_run(conn: psycopg.Connection, task_id: int, dag_id: str, run_id: str) -> bool:
    """Whether an Airflow run ever took the task (an attempt of it, open or ended)."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM integracao.tarefa_tentativa WHERE tarefa_id = %s AND dag_id = %s"
        " AND run_id = %s)",
        (task_id, dag_id, run_id),
    ).fetchone()
    return bool(row and row[0])


def latest_attempts(conn: psycopg.Connection, task_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """The Airflow run (dag_id, run_id) of each task's latest attempt; tasks never run are left out."""
    rows = conn.execute(
        "SELECT DISTINCT ON (tarefa_id) tarefa_id, dag_id, run_id FROM integracao.tarefa_tentativa"
        " WHERE tarefa_id = ANY(%s) ORDER BY tarefa_id, iniciada_em DESC, id DESC",
        (list(task_ids),),
    ).fetchall()
    return {int(task_id): (str(dag_id), str(run_id)) for task_id, dag_id, run_id in rows}


def _tasks_of_run(conn: psycopg.Connection, dag_id: str, run_id: str, *, unfinished: bool = False) -> list[Task]:
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            sql.SQL(
                "SELECT {} FROM integracao.tarefa t JOIN integracao.tarefa_tentativa a ON a.tarefa_id = t.id"
                " WHERE a.dag_id = %s AND a.run_id = %s{} ORDER BY t.data_inicial, t.id"
            ).format(_COLUMNS, sql.SQL(" AND a.finalizada_em IS NULL" if unfinished else "")),
            (dag_id, run_id),
        ).fetchall()
    return [_task(r) for r in rows]


def insert_pending(
    conn: psycopg.Connection,
    integration_id: int,
    start: date,
    end: date,
    requested_by: str,
    origin: Origin,
    span: IncrementalSpan | None = None,
) -> Task:
    """Insert a pending task; psycopg.errors.ExclusionViolation when it overlaps another pending one."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
                sql.SQL(
                    """INSERT INTO integracao.tarefa AS t (integracao_id, data_inicial, data_final, solicitada_por,
                           origem, corte_inicial, corte_final, snapshot_inicial, snapshot_final)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING {}"""
                ).format(_COLUMNS),
            (
                integration_id, start, end, requested_by, str(origin),
                span.start if span else None, span.end if span else None,
                span.snapshot_start if span else None, span.snapshot_end if span else None,
            ),
        ).fetchone()  # fmt: skip
    assert row is not None
    return _task(row)


def _attach_attempt(conn: psycopg.Connection, task_id: int, dag_id: str, run_id: str) -> None:
    conn.execute(
        "INSERT INTO integracao.tarefa_tentativa (tarefa_id, dag_id, run_id) VALUES (%s, %s, %s)"
        " ON CONFLICT (tarefa_id, dag_id, run_id) DO NOTHING",
        (task_id, dag_id, run_id),
    )


# --- transitions ---------------------------------------------------------------------------------


class InvalidTransitionError(Conflict):
    pass


def _move(
    conn: psycopg.Connection,
    task_id: int,
    to: Status,
    *,
    failure: FailureClass | None = None,
    reason: str | None = None,
) -> Task:
    with conn.transaction():
        row = conn.execute(
            "SELECT t.situacao, i.tipo_codigo FROM integracao.tarefa t"
            " JOIN integracao.integracao i ON i.id = t.integracao_id WHERE t.id = %s FOR UPDATE OF t",
            (task_id,),
        ).fetchone()
        if row is None:
            raise LookupError(f"task {task_id} does not exist")
        current, type_code = Status(row[0]), str(row[1])
        if to not in _TRANSITIONS[current]:
            raise InvalidTransitionError("task.invalid_transition", current=current.label(), target=to.label())
        conn.execute(
            "UPDATE integracao.tarefa SET situacao = %s, motivo_classe = %s, motivo_falha = %s, atualizada_em = now()"
            " WHERE id = %s",
            (str(to), str(failure) if failure else None, reason, task_id),
        )
        conn.execute(
            "UPDATE integracao.tarefa_tentativa SET situacao = %s,"
            " finalizada_em = CASE WHEN %s IN ('completed', 'failed') THEN now() END"
            " WHERE tarefa_id = %s AND finalizada_em IS NULL",
            (str(to), str(to), task_id),
        )
    metrics.task_moved(type_code, str(to), str(failure) if failure else None)
    return get_task(conn, task_id)


def reopen(conn: psycopg.Connection, task_id: int, requested_by: str, *, as_reprocessing: bool = True) -> Task:
    """Reprocessing: a failed task back to Pendente (ExclusionViolation if another pending one overlaps). A
    scheduled run that retries the task's day keeps its origin (`as_reprocessing=False`)."""
    if as_reprocessing:
        conn.execute("UPDATE integracao.tarefa SET origem = 'reprocessamento' WHERE id = %s", (task_id,))
    return _move(conn, task_id, Status.PENDING)


def failed_task_of_period(conn: psycopg.Connection, integration_id: int, start: date, end: date) -> Task | None:
    """The failed task of exactly this period, if any (the latest): a new request or a scheduled retry for the
    period reopens it instead of opening another task. Its file may have reached the partner before the
    failure (a worker killed after the upload): sent again under the same name with the same bytes, a
    partner's drop folder or bucket recognises it, where a new task's file, named after the new task, would be
    a second copy."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            sql.SQL(
                "SELECT {} FROM integracao.tarefa t WHERE t.integracao_id = %s AND t.data_inicial = %s"
                " AND t.data_final = %s AND t.situacao = 'failed' AND t.origem <> 'recebimento'"
                " ORDER BY t.id DESC LIMIT 1"
            ).format(_COLUMNS),
            (integration_id, start, end),
        ).fetchone()
    return _task(row) if row else None


def attempts_of(conn: psycopg.Connection, task_id: int) -> int:
    row = conn.execute("SELECT count(*) FROM integracao.tarefa_tentativa WHERE tarefa_id = %s", (task_id,)).fetchone()
    return int(row[0]) if row else 0


def mark_sent(conn: psycopg.Connection, task_id: int) -> Task:
    return _move(conn, task_id, Status.SENT)


def mark_completed(conn: psycopg.Connection, task_id: int) -> Task:
    """A successful task always ends here; a partner without confirmation passes through Enviada."""
    task = get_task(conn, task_id)
    if task.status is Status.PENDING:
        mark_sent(conn, task_id)
    return _move(conn, task_id, Status.COMPLETED)


def mark_failed(conn: psycopg.Connection, task_id: int, failure: FailureClass, **params: object) -> Task:
    """Falha no envio with the catalogued pt-BR reason (the exception text stays in the Airflow log)."""
    return _move(conn, task_id, Status.FAILED, failure=failure, reason=failure.reason(DEFAULT_LANGUAGE, **params))


def end_orphans(
    conn: psycopg.Connection,
    run_is_alive: Callable[[str, str], bool],
    *,
    integration_id: int | None = None,
    timed_out: Callable[[str, str], bool] = lambda _dag, _run: False,
) -> list[int]:
    """End pending tasks whose unfinished Airflow runs are all gone: no task stays Pendente forever.

    Only unfinished attempts count: a task waiting for its first run (a queued manual request, or a
    reprocessing whose earlier attempts all ended) is not an orphan. A run that `timed_out` gives the
    time-limit reason (its DAG's own callback may not have run yet), any other the generic one.
    """
    candidates = conn.execute(
        """SELECT t.id, json_agg(json_build_array(a.dag_id, a.run_id))
           FROM integracao.tarefa t JOIN integracao.tarefa_tentativa a ON a.tarefa_id = t.id
           WHERE t.situacao = 'pending' AND a.finalizada_em IS NULL
             AND (%(integration)s::int IS NULL OR t.integracao_id = %(integration)s)
           GROUP BY t.id""",
        {"integration": integration_id},
    ).fetchall()
    ended = []
    for task_id, runs in candidates:
        if not any(run_is_alive(dag_id, run_id) for dag_id, run_id in runs):
            if any(timed_out(dag_id, run_id) for dag_id, run_id in runs):
                mark_failed(conn, task_id, FailureClass.RUN_TIMEOUT, step=_WHOLE_RUN)
            else:
                mark_failed(conn, task_id, FailureClass.RUN_LOST)
            ended.append(int(task_id))
    return ended


_WHOLE_RUN = "execução"  # the step is not known from outside the run


def requested_run_id(task_id: int, origin: Origin, earlier_attempts: int) -> str:
    """The Airflow run a manual request or a reprocessing of the task asks for (one name, so that a request
    retried by the client never starts a second run)."""
    if origin is Origin.REPROCESS:
        return f"reprocessamento__tarefa_{task_id}__{earlier_attempts + 1}"
    return f"manual__tarefa_{task_id}"


def end_unclaimed(conn: psycopg.Connection, run_ended: Callable[[str, str], bool]) -> list[int]:
    """End pending manual requests and reprocessings whose run ended without ever taking the task — its first
    step failed before it could (the application database was down through all its retries): with no
    attempt, `end_orphans` cannot see them. The ended run is recorded as their attempt, so that the next
    reprocessing asks for a new run instead of the ended one."""
    rows = conn.execute(
        """SELECT t.id, t.origem, i.id, i.tipo_codigo,
                  (SELECT count(*) FROM integracao.tarefa_tentativa a WHERE a.tarefa_id = t.id)
             FROM integracao.tarefa t JOIN integracao.integracao i ON i.id = t.integracao_id
            WHERE t.situacao = 'pending' AND t.origem IN ('manual', 'reprocessamento')
              AND NOT EXISTS (SELECT 1 FROM integracao.tarefa_tentativa a
                               WHERE a.tarefa_id = t.id AND a.finalizada_em IS NULL)
            ORDER BY t.id"""
    ).fetchall()
    ended = []
    for task_id, origin, integration_id, type_code, attempts in rows:
        dag_id = integrations.dag_id_for(integration_id, type_code)
        run_id = requested_run_id(task_id, Origin(origin), int(attempts))
        if run_ended(dag_id, run_id):
            _attach_attempt(conn, task_id, dag_id, run_id)
            mark_failed(conn, task_id, FailureClass.RUN_LOST)  # also closes the attempt just recorded
            ended.append(int(task_id))
    return ended


def end_inactive(conn: psycopg.Connection, *, deactivated_before: datetime) -> list[int]:
    """End the pending tasks of integrations deactivated before `deactivated_before` that no run is working
    on: a paused DAG never starts its queued runs, so without this they would stay Pendente forever. A run
    already under way when the integration was deactivated finishes its tasks itself (its attempt is open)."""
    rows = conn.execute(
        """SELECT t.id FROM integracao.tarefa t JOIN integracao.integracao i ON i.id = t.integracao_id
                                          JOIN integracao.tenant r ON r.id = i.tenant_id
            WHERE t.situacao = 'pending' AND NOT (i.ativa AND r.ativo)
              AND greatest(i.atualizada_em, r.atualizado_em) < %s
              AND NOT EXISTS (SELECT 1 FROM integracao.tarefa_tentativa a
                               WHERE a.tarefa_id = t.id AND a.finalizada_em IS NULL)
            ORDER BY t.id""",
        (deactivated_before,),
    ).fetchall()
    for (task_id,) in rows:
        mark_failed(conn, task_id, FailureClass.INTEGRATION_INACTIVE)
    return [int(task_id) for (task_id,) in rows]


# --- listing (Tarefas tab) -----------------------------------------------------------------------


def _statuses_matching(search: str, language: str) -> list[str]:
    needle = search.casefold()
    return [str(s) for s in Status if needle in s.label(language).casefold()]


def list_tasks(
    conn: psycopg.Connection,
    principal: Principal,
    integration_id: int,
    *,
    search: str = "",
    statuses: Iterable[str] = (),
    page: int = 1,
    page_size: int = 10,
    language: str = DEFAULT_LANGUAGE,
) -> Page[Task]:
    """Tasks of an integration the caller may see, newest first; `search` matches any column."""
    integrations.get(conn, principal, integration_id)  # NotFound for other tenants
    wanted = list(statuses)
    errors = paging_problems(page, page_size)
    if any(s not in Status.__members__.values() for s in wanted):
        errors["status"] = Problem("task.invalid_status")
    if errors:
        raise Invalid(errors, key="http.validation")
    where = [sql.SQL("t.integracao_id = %s")]
    params: list[Any] = [integration_id]
    if wanted:
        where.append(sql.SQL("t.situacao = ANY(%s)"))
        params.append(wanted)
    if search.strip():
        pattern = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            sql.SQL(
                "(t.codigo::text LIKE %s OR t.solicitada_por ILIKE %s OR coalesce(t.motivo_falha, '') ILIKE %s"
                " OR to_char(t.data_inicial, 'DD/MM/YYYY') LIKE %s OR to_char(t.data_final, 'DD/MM/YYYY') LIKE %s"
                " OR to_char(t.criada_em AT TIME ZONE 'America/Sao_Paulo', 'DD/MM/YYYY HH24:MI') LIKE %s"
                " OR t.situacao = ANY(%s))"
            )
        )
        params += [pattern] * 6 + [_statuses_matching(search.strip(), language)]
    condition = sql.SQL(" AND ").join(where)
    total_row = conn.execute(
        sql.SQL("SELECT count(*) FROM integracao.tarefa t WHERE {}").format(condition), params
    ).fetchone()
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            sql.SQL(
                "SELECT {} FROM integracao.tarefa t WHERE {} ORDER BY t.criada_em DESC, t.id DESC LIMIT %s OFFSET %s"
            ).format(_COLUMNS, condition),
            [*params, page_size, (page - 1) * page_size],
        ).fetchall()  # fmt: skip
    return Page([_task(r) for r in rows], int(total_row[0]) if total_row else 0, page, page_size)
