"""Manual (retroactive) runs and reprocessing: "Executar integração" and "Reprocessar tarefa" (SPEC §4).

The overlap rule is the database's (exclusion constraint over pending tasks), so it holds however many
requests race: the loser's insert fails with SQLSTATE 23P01 and gets the seed's message naming the
pending task. The task row is committed before its DAG run is triggered with a deterministic run id;
if triggering fails, the task is ended as "Falha no envio" at once (never left Pendente without a run).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import psycopg

from include.connectors.catalog import CATALOG
from include.connectors.registry import is_available
from include.integracoes import audit, integrations, logs, tasks
from include.integracoes.errors import Conflict, Forbidden, Invalid, NotFound
from include.integracoes.periods import FIRST_DAY
from include.integracoes.principal import Principal
from include.integracoes.tasks import FailureClass, Origin, Status, Task
from include.problems import Problem

MAX_DAYS = 31
MAX_SPLIT_DAYS = 366 * 2


class RunTrigger(Protocol):
    def ensure_runnable(self, dag_id: str) -> None: ...

    def trigger(self, dag_id: str, run_id: str, conf: dict[str, Any], username: str) -> None: ...


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def today_in_sao_paulo() -> date:
    return datetime.now(tasks.SAO_PAULO).date()


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse(value: object, field: str, errors: dict[str, Problem]) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors[field] = Problem("manual.date_required")
        return None
    text = str(value).strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = Problem("manual.date_invalid")
        return None


def validate_period(start: object, end: object, *, today: date, max_days: int | None = MAX_DAYS) -> Period:
    """The requested movement period, or Invalid with one pt-BR message per offending field."""
    errors: dict[str, Problem] = {}
    first, last = _parse(start, "data_inicial", errors), _parse(end, "data_final", errors)
    if first and first < FIRST_DAY:
        errors["data_inicial"] = Problem("manual.date_too_old", {"first": f"{FIRST_DAY:%d/%m/%Y}"})
    if first and first > today:
        errors["data_inicial"] = Problem("manual.date_future")
    if last and last > today:
        errors["data_final"] = Problem("manual.date_future")
    if first and last and not errors:
        if first > last:
            errors["data_final"] = Problem("manual.period_reversed")
        elif max_days is not None and (last - first).days + 1 > max_days:
            errors["data_final"] = Problem("manual.period_too_long", {"max": max_days})
    if errors:
        raise Invalid(errors, key="manual.invalid")
    assert first is not None
    assert last is not None
    return Period(first, last)


def split(period: Period, chunk_days: int = MAX_DAYS) -> list[Period]:
    """Consecutive chunks of at most `chunk_days`, in chronological order."""
    chunks, start = [], period.start
    while start <= period.end:
        end = min(start + timedelta(days=chunk_days - 1), period.end)
        chunks.append(Period(start, end))
        start = end + timedelta(days=1)
    return chunks


@dataclass(frozen=True)
class RunPlan:
    integration: integrations.Integration
    chunks: list[Period]
    conflicts: list[Task]


def _pending_overlapping(conn: psycopg.Connection, integration_id: int, period: Period) -> list[Task]:
    rows = conn.execute(
        "SELECT id FROM integracao.tarefa WHERE integracao_id = %s AND situacao = 'pending'"
        " AND daterange(data_inicial, data_final, '[]') && daterange(%s, %s, '[]') ORDER BY data_inicial",
        (integration_id, period.start, period.end),
    ).fetchall()
    return [tasks.get_task(conn, r[0]) for r in rows]


def task_summary(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "code": task.code,
        "data_inicial": task.start.isoformat(),
        "data_final": task.end.isoformat(),
        "requested_by": task.requested_by,
        "status": str(task.status),
    }


def _conflict(task: Task) -> Conflict:
    return Conflict("manual.conflict", code=task.code, extra={"conflicting_task": task_summary(task)})


def offered_for(integration: integrations.Integration) -> bool:
    """Whether "Executar integração" exists for this integration at all: its type allows manual runs and a
    connector implements it (who may use it, and for which period, is decided by `plan`)."""
    return CATALOG[integration.type_code].manual_run_allowed and is_available(integration.type_code)


def plan(
    conn: psycopg.Connection,
    principal: Principal,
    integration_id: int,
    start: object,
    end: object,
    *,
    split_period: bool = False,
    today: date | None = None,
) -> RunPlan:
    """Validate a request (nothing written): who may, which type, which period, and what it collides with."""
    integration = integrations.get(conn, principal, integration_id)
    if not CATALOG[integration.type_code].manual_run_allowed:
        raise Forbidden("manual.not_allowed", type=integration.type_name)
    if not is_available(integration.type_code):
        raise Invalid({"integration": Problem("integration.type_unavailable", {"type": integration.type_name})},
                      key="manual.invalid")  # fmt: skip
    if split_period and not principal.is_support_agent:
        raise Forbidden("manual.split_agents_only")
    period = validate_period(
        start, end, today=today or today_in_sao_paulo(), max_days=None if split_period else MAX_DAYS
    )
    if split_period and period.days > MAX_SPLIT_DAYS:
        raise Invalid({"data_final": Problem("manual.period_too_long", {"max": MAX_SPLIT_DAYS})}, key="manual.invalid")
    if not integration.active:
        raise Invalid({"integration": Problem("manual.inactive")}, key="manual.inactive")
    if not integration.tenant_active:
        raise Invalid({"integration": Problem("manual.tenant_inactive")}, key="manual.tenant_inactive")
    return RunPlan(integration, split(period), _pending_overlapping(conn, integration_id, period))


def dry_run(
    conn: psycopg.Connection,
    principal: Principal,
    integration_id: int,
    start: object,
    end: object,
    *,
    split_period: bool = False,
    today: date | None = None,
) -> RunPlan:
    """What a request would queue and what it would collide with, writing nothing (support agents only)."""
    if not principal.is_support_agent:
        raise Forbidden("manual.split_agents_only")
    return plan(conn, principal, integration_id, start, end, split_period=split_period, today=today)


def request_runs(
    conn: psycopg.Connection,
    principal: Principal,
    integration_id: int,
    start: object,
    end: object,
    runs: RunTrigger,
    *,
    split_period: bool = False,
    today: date | None = None,
) -> list[Task]:
    """Queue the period (or its chunks, all or none) as pending tasks and trigger one DAG run each."""
    planned = plan(conn, principal, integration_id, start, end, split_period=split_period, today=today)
    if planned.conflicts:
        raise _conflict(planned.conflicts[0])
    runs.ensure_runnable(planned.integration.dag_id)
    created = _insert_all(conn, principal, planned)
    for task, run_id in created:
        _trigger(conn, runs, planned.integration, task, run_id, principal.username)
    return [tasks.get_task(conn, task.id) for task, _ in created]


def _insert_all(conn: psycopg.Connection, principal: Principal, planned: RunPlan) -> list[tuple[Task, str]]:
    """The chunks' tasks and the run each asks for. A chunk that is exactly the period of a failed task reopens
    that task (tasks.failed_task_of_period): what it may already have delivered is not sent twice."""
    integration = planned.integration
    created = []
    try:
        with conn.transaction():
            for chunk in planned.chunks:
                failed = tasks.failed_task_of_period(conn, integration.id, chunk.start, chunk.end)
                if failed is not None:
                    run_id = tasks.requested_run_id(failed.id, Origin.REPROCESS, tasks.attempts_of(conn, failed.id))
                    task = tasks.reopen(conn, failed.id, principal.username)
                else:
                    task = tasks.insert_pending(
                        conn, integration.id, chunk.start, chunk.end, principal.username, Origin.MANUAL
                    )
                    run_id = tasks.requested_run_id(task.id, Origin.MANUAL, 0)
                created.append((task, run_id))
                billable = principal.is_support_agent and principal.username not in _members(
                    conn, integration.tenant_id
                )
                if billable:
                    _record_billable(conn, integration, task, principal.username)
                _audit(conn, principal, "tarefa.solicitada", integration, task, billable=billable,
                       reaberta=failed is not None)  # fmt: skip
                logs.write(
                    conn, integration.id, "log.manual_requested", task_id=task.id, code=task.code,
                    user=principal.username, start=f"{task.start:%d/%m/%Y}", end=f"{task.end:%d/%m/%Y}",
                )  # fmt: skip
    except psycopg.errors.ExclusionViolation:
        # Another request won the race for an overlapping period: name its task.
        period = Period(planned.chunks[0].start, planned.chunks[-1].end)
        winners = _pending_overlapping(conn, integration.id, period)
        if winners:
            raise _conflict(winners[0]) from None
        raise
    return created


def _record_billable(conn: psycopg.Connection, integration: integrations.Integration, task: Task, user: str) -> None:
    """A run an agent requested on a customer's behalf is a billable service (monthly report per tenant)."""
    conn.execute(
        "INSERT INTO integracao.servico_faturavel (tenant_id, integracao_id, tarefa_id, solicitado_por, data_inicial,"
        " data_final) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (tarefa_id) DO NOTHING",  # a reopened task once
        (integration.tenant_id, integration.id, task.id, user, task.start, task.end),
    )


def _audit(
    conn: psycopg.Connection,
    principal: Principal,
    action: str,
    integration: integrations.Integration,
    task: Task,
    **extra: object,
) -> None:
    audit.record(
        conn, principal.username, action, "tarefa", task.code, tenant_id=integration.tenant_id,
        after={"integracao_id": integration.id, "data_inicial": task.start.isoformat(),
               "data_final": task.end.isoformat(), **extra},
    )  # fmt: skip


def _members(conn: psycopg.Connection, tenant_id: int) -> set[str]:
    return {
        r[0] for r in conn.execute("SELECT username FROM integracao.usuario_tenant WHERE tenant_id = %s", (tenant_id,))
    }


def _trigger(
    conn: psycopg.Connection,
    runs: RunTrigger,
    integration: integrations.Integration,
    task: Task,
    run_id: str,
    username: str,
) -> None:
    try:
        runs.trigger(integration.dag_id, run_id, {"task_id": task.id}, username)
    except Exception:
        # Never leave a Pendente task without a run: end it now, with a reason the user can act on.
        tasks.mark_failed(conn, task.id, FailureClass.TRIGGER_FAILED)
        logs.write(conn, integration.id, "log.trigger_failed", task_id=task.id, level="ERROR", code=task.code)
        raise


def reprocess(conn: psycopg.Connection, principal: Principal, task_id: int, runs: RunTrigger) -> Task:
    """Put a failed task back to Pendente and trigger a new run for the same period."""
    try:
        task = tasks.get_task(conn, task_id)
        integration = integrations.get(conn, principal, task.integration_id)
    except (LookupError, NotFound):
        raise NotFound("task.not_found") from None
    if task.status is Status.PENDING:
        raise Conflict("manual.already_pending", code=task.code, extra={"conflicting_task": task_summary(task)})
    if task.status is not Status.FAILED:
        raise Invalid({"task": Problem("manual.not_failed", {"code": task.code})}, key="manual.not_failed")
    runs.ensure_runnable(integration.dag_id)
    earlier_attempts = tasks.attempts_of(conn, task.id)
    try:
        with conn.transaction():
            reopened = tasks.reopen(conn, task.id, principal.username)
            logs.write(conn, integration.id, "log.reprocess_requested", task_id=task.id, code=task.code,
                       user=principal.username)  # fmt: skip
            _audit(conn, principal, "tarefa.reprocessada", integration, task)
    except psycopg.errors.ExclusionViolation:
        winners = _pending_overlapping(conn, integration.id, Period(task.start, task.end))
        if winners:
            raise _conflict(winners[0]) from None
        raise
    run_id = tasks.requested_run_id(task.id, Origin.REPROCESS, earlier_attempts)
    _trigger(conn, runs, integration, reopened, run_id, principal.username)
    return tasks.get_task(conn, task.id)


def summaries(found: Sequence[Task]) -> list[dict[str, Any]]:
    return [task_summary(t) for t in found]
