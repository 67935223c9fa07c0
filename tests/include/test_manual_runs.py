"""Manual runs and reprocessing: the date rules (property-based), the overlap rule, triggering, billing."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from include.integracoes import manual_runs, tasks
from include.integracoes.errors import Conflict, Forbidden, Invalid
from include.integracoes.messages import text
from include.integracoes.principal import Principal, Tenant
from include.integracoes.tasks import FailureClass, Status
from tests.include.factories import make_integration

TODAY = date(2026, 11, 28)
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(start=dates, end=dates)
def test_nothing_invalid_is_ever_accepted_and_every_valid_period_is(start: date, end: date) -> None:
    valid = start <= end <= TODAY and (end - start).days + 1 <= 31
    if valid:
        period = manual_runs.validate_period(start.isoformat(), end.isoformat(), today=TODAY)
        assert (period.start, period.end) == (start, end)
    else:
        with pytest.raises(Invalid) as refused:
            manual_runs.validate_period(start.isoformat(), end.isoformat(), today=TODAY)
        assert refused.value.errors


@given(text=st.text(max_size=12))
def test_garbage_dates_are_refused_with_a_message(text: str) -> None:
    try:
        date.fromisoformat(text)
        looks_valid = len(text) == 10 and text[4] == "-"
    except ValueError:
        looks_valid = False
    if not looks_valid:
        with pytest.raises(Invalid) as refused:
            manual_runs.validate_period(text, "2026-11-01", today=TODAY)
        assert refused.value.errors["data_inicial"].key in ("manual.date_invalid", "manual.date_required")


@settings(max_examples=50)
@given(days=st.integers(min_value=1, max_value=800))
def test_split_covers_the_period_in_consecutive_chunks(days: int) -> None:
    period = manual_runs.Period(date(2024, 1, 1), date(2024, 1, 1) + timedelta(days=days - 1))
    chunks = manual_runs.split(period)
    assert chunks[0].start == period.start
    assert chunks[-1].end == period.end
    assert all(c.days <= 31 for c in chunks)
    assert all(b.start == a.end + timedelta(days=1) for a, b in itertools.pairwise(chunks))


@pytest.mark.parametrize(
    ("start", "end", "field", "key"),
    [
        ("", "2026-11-01", "data_inicial", "manual.date_required"),
        ("01/11/2026", "2026-11-01", "data_inicial", "manual.date_invalid"),
        ("2026-02-30", "2026-03-01", "data_inicial", "manual.date_invalid"),
        ("2026-11-10", "2026-11-01", "data_final", "manual.period_reversed"),
        ("2026-10-01", "2026-11-01", "data_final", "manual.period_too_long"),
        ("2026-11-27", "2026-11-29", "data_final", "manual.date_future"),
        ("0001-01-01", "0001-01-31", "data_inicial", "manual.date_too_old"),
        ("1999-12-31", "2000-01-01", "data_inicial", "manual.date_too_old"),
    ],
)
def test_each_bad_period_gets_its_message(start: str, end: str, field: str, key: str) -> None:
    with pytest.raises(Invalid) as refused:
        manual_runs.validate_period(start, end, today=TODAY)
    assert refused.value.errors[field].key == key


class FakeRuns:
    def __init__(self, *, available: bool = True, fail: bool = False) -> None:
        self.available, self.fail = available, fail
        self.triggered: list[tuple[str, str, dict[str, Any]]] = []

    def ensure_runnable(self, dag_id: str) -> None:
        if not self.available:
            from include.airflow_adapter.control import DagUnavailable

            raise DagUnavailable("manual.dag_unavailable")

    def trigger(self, dag_id: str, run_id: str, conf: dict[str, Any], username: str) -> None:
        if self.fail:
            raise RuntimeError("scheduler database down")
        self.triggered.append((dag_id, run_id, conf))


@pytest.fixture
def setup(migrated_db: psycopg.Connection) -> tuple[psycopg.Connection, int, Principal, Principal]:
    conn = migrated_db
    tenant_id, integration_id = make_integration(conn, types=(("cosmos", "Cosmos", False),))
    conn.execute("INSERT INTO integracao.usuario_tenant VALUES ('cliente1', %s)", (tenant_id,))
    client = Principal("cliente1", ("Client",), False, (Tenant(tenant_id, "T"),))
    agent = Principal("suporte", ("Support Agent",), True, (Tenant(tenant_id, "T"),))
    return conn, integration_id, client, agent


def test_a_client_request_queues_a_pending_task_and_one_run(setup: Any) -> None:
    conn, integration, client, _ = setup
    runs = FakeRuns()
    (task,) = manual_runs.request_runs(conn, client, integration, "2026-11-20", "2026-11-24", runs, today=TODAY)
    assert (task.status, task.requested_by, task.origin) == (Status.PENDING, "cliente1", tasks.Origin.MANUAL)
    assert runs.triggered == [(f"integracao_{integration}_smarket", f"manual__tarefa_{task.id}", {"task_id": task.id})]
    assert conn.execute("SELECT count(*) FROM integracao.servico_faturavel").fetchone() == (0,)


def test_an_overlapping_request_gets_the_seed_message_naming_the_task(setup: Any) -> None:
    conn, integration, client, _ = setup
    (first,) = manual_runs.request_runs(conn, client, integration, "2026-11-20", "2026-11-24", FakeRuns(), today=TODAY)
    with pytest.raises(Conflict) as refused:
        manual_runs.request_runs(conn, client, integration, "2026-11-24", "2026-11-26", FakeRuns(), today=TODAY)
    assert refused.value.key == "manual.conflict"
    assert refused.value.params == {"code": first.code}
    assert refused.value.extra["conflicting_task"]["code"] == first.code


def test_types_without_manual_runs_and_inactive_integrations_are_refused(setup: Any) -> None:
    conn, integration, client, _ = setup
    conn.execute("UPDATE integracao.integracao SET tipo_codigo = 'cosmos' WHERE id = %s", (integration,))
    with pytest.raises(Forbidden):
        manual_runs.request_runs(conn, client, integration, "2026-11-20", "2026-11-24", FakeRuns(), today=TODAY)
    conn.execute(
        "UPDATE integracao.integracao SET tipo_codigo = 'smarket', ativa = false WHERE id = %s", (integration,)
    )
    with pytest.raises(Invalid) as refused:
        manual_runs.request_runs(conn, client, integration, "2026-11-20", "2026-11-24", FakeRuns(), today=TODAY)
    assert refused.value.key == "manual.inactive"


def test_a_failed_trigger_never_leaves_the_task_pending(setup: Any) -> None:
    conn, integration, client, _ = setup
    with pytest.raises(RuntimeError):
        manual_runs.request_runs(
            conn, client, integration, "2026-11-20", "2026-11-24", FakeRuns(fail=True), today=TODAY
        )
    (status, reason) = conn.execute("SELECT situacao, motivo_falha FROM integracao.tarefa").fetchone()
    assert status == "failed"
    assert reason == "Não foi possível iniciar o processamento. Tente novamente em instantes."


def test_split_is_all_or_nothing_and_billable_for_agents(setup: Any) -> None:
    conn, integration, _, agent = setup
    runs = FakeRuns()
    agent = Principal("suporte", agent.roles, True, ())  # not a member of the tenant
    created = manual_runs.request_runs(
        conn, agent, integration, "2026-08-01", "2026-10-15", runs, split_period=True, today=TODAY
    )
    assert [(t.start, t.end) for t in created] == [
        (date(2026, 8, 1), date(2026, 8, 31)),
        (date(2026, 9, 1), date(2026, 10, 1)),
        (date(2026, 10, 2), date(2026, 10, 15)),
    ]
    assert [r[1] for r in runs.triggered] == [f"manual__tarefa_{t.id}" for t in created]
    assert conn.execute("SELECT count(*) FROM integracao.servico_faturavel").fetchone() == (3,)
    # A second split overlapping only its last chunk: nothing of it is written.
    before = conn.execute("SELECT count(*) FROM integracao.tarefa").fetchone()
    with pytest.raises(Conflict):
        manual_runs.request_runs(
            conn, agent, integration, "2026-06-01", "2026-08-01", FakeRuns(), split_period=True, today=TODAY
        )
    assert conn.execute("SELECT count(*) FROM integracao.tarefa").fetchone() == before


def test_reprocess_only_failed_tasks_once(setup: Any) -> None:
    conn, integration, client, _ = setup
    (task,) = manual_runs.request_runs(conn, client, integration, "2026-11-20", "2026-11-24", FakeRuns(), today=TODAY)
    with pytest.raises(Conflict) as pending:
        manual_runs.reprocess(conn, client, task.id, FakeRuns())
    assert pending.value.key == "manual.already_pending"
    tasks.mark_failed(conn, task.id, FailureClass.PARTNER_UNAVAILABLE, status=503, attempts=4)
    runs = FakeRuns()
    again = manual_runs.reprocess(conn, client, task.id, runs)
    assert (again.id, again.status, again.failure_reason) == (task.id, Status.PENDING, None)
    assert runs.triggered[0][1].startswith(f"reprocessamento__tarefa_{task.id}__")
    with pytest.raises(Conflict):
        manual_runs.reprocess(conn, client, task.id, FakeRuns())
    tasks.mark_completed(conn, task.id)
    with pytest.raises(Invalid) as completed:
        manual_runs.reprocess(conn, client, task.id, FakeRuns())
    # The answer's message names the task, as its field's error does.
    assert text(completed.value.key, "pt-BR", **completed.value.params).endswith(f"(tarefa {task.code}).")


def test_a_new_request_for_a_failed_tasks_exact_period_reopens_that_task(setup: Any) -> None:
    """Its file may have reached the partner before it failed (a worker killed after the upload): sent again by
    the same task, under the same name and with the same bytes, the partner recognises it; a new task would
    name it after itself and a drop folder would keep two copies."""
    conn, integration, client, agent = setup
    (task,) = manual_runs.request_runs(conn, client, integration, "2026-11-20", "2026-11-24", FakeRuns(), today=TODAY)
    tasks.mark_failed(conn, task.id, FailureClass.RUN_LOST)
    runs = FakeRuns()
    (again,) = manual_runs.request_runs(conn, client, integration, "2026-11-20", "2026-11-24", runs, today=TODAY)
    assert (again.id, again.code, again.status) == (task.id, task.code, Status.PENDING)
    assert runs.triggered[0][1].startswith(f"reprocessamento__tarefa_{task.id}__")
    # Another period (here: overlapping, not equal) is a new task, as the client asked.
    tasks.mark_completed(conn, task.id)
    (other,) = manual_runs.request_runs(conn, client, integration, "2026-11-20", "2026-11-25", FakeRuns(),
                                        today=TODAY)  # fmt: skip
    assert other.id != task.id
    # An agent reopening a client's failed task bills it once.
    tasks.mark_failed(conn, other.id, FailureClass.RUN_LOST)
    outsider = Principal("suporte", agent.roles, True, ())
    for _ in range(2):
        (reopened,) = manual_runs.request_runs(conn, outsider, integration, "2026-11-20", "2026-11-25", FakeRuns(),
                                               today=TODAY)  # fmt: skip
        assert reopened.id == other.id
        tasks.mark_failed(conn, other.id, FailureClass.RUN_LOST)
    assert conn.execute("SELECT count(*) FROM integracao.servico_faturavel").fetchone() == (1,)


def test_dry_run_is_for_agents_and_writes_nothing(setup: Any) -> None:
    conn, integration, client, agent = setup
    with pytest.raises(Forbidden):
        manual_runs.dry_run(conn, client, integration, "2026-08-01", "2026-10-15", split_period=True, today=TODAY)
    planned = manual_runs.dry_run(conn, agent, integration, "2026-08-01", "2026-10-15", split_period=True, today=TODAY)
    assert [c.days for c in planned.chunks] == [31, 31, 14]
    assert conn.execute("SELECT count(*) FROM integracao.tarefa").fetchone() == (0,)
