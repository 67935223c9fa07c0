"""The task lifecycle of SPEC §7 against a real database: windows, idempotency, transitions, orphans."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest

from include.connectors.types import DailyWindow, IncrementalWindow
from include.integracoes import tasks
from include.integracoes.errors import Invalid, NotFound
from include.integracoes.principal import Principal, Tenant
from include.integracoes.tasks import FailureClass, Status
from tests.include.factories import make_integration

SP = ZoneInfo("America/Sao_Paulo")
D1 = DailyWindow(days_back=1)
TODAY = date(2026, 11, 20)
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=SP)


@pytest.fixture
def integration(migrated_db: psycopg.Connection) -> int:
    return make_integration(migrated_db)[1]


def open_run(
    conn: psycopg.Connection, integration: int, run: str, now: datetime = NOON, **kw: object
) -> list[tasks.Task]:
    return tasks.open_scheduled_tasks(
        conn, integration, dag_id="integracao_1_smarket", run_id=run, policy=kw.pop("policy", D1), now=now,  # type: ignore[arg-type]
        first_day=kw.pop("first_day", date(2026, 11, 1)), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_daily_opens_yesterday_once_and_a_retried_run_gets_the_same_task(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    first = open_run(migrated_db, integration, "run-1", first_day=date(2026, 11, 19))
    assert [(t.start, t.end, t.requested_by, t.status) for t in first] == [
        (date(2026, 11, 19), date(2026, 11, 19), "Sistema", Status.PENDING)
    ]
    assert open_run(migrated_db, integration, "run-1", first_day=date(2026, 11, 19)) == first
    # Another run while that day is pending: it waits (nothing new, no failure).
    assert open_run(migrated_db, integration, "run-2", first_day=date(2026, 11, 19)) == []


def test_three_days_of_downtime_are_caught_up_exactly_once(migrated_db: psycopg.Connection, integration: int) -> None:
    delivered = open_run(migrated_db, integration, "before-downtime", now=NOON - timedelta(days=3))
    for task in delivered:
        tasks.mark_completed(migrated_db, task.id)
    caught_up = open_run(migrated_db, integration, "after-downtime")
    assert [t.start for t in caught_up] == [date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)]
    for task in caught_up:
        tasks.mark_completed(migrated_db, task.id)
    assert open_run(migrated_db, integration, "next-wake-up") == []


def test_a_failed_day_is_retried_on_the_next_wake_up(migrated_db: psycopg.Connection, integration: int) -> None:
    (task,) = open_run(migrated_db, integration, "run-1", first_day=date(2026, 11, 19))
    failed = tasks.mark_failed(migrated_db, task.id, FailureClass.PARTNER_UNAVAILABLE, status=503, attempts=3)
    assert failed.failure_reason == "Parceiro indisponível (HTTP 503) após 3 tentativas"
    retried = open_run(migrated_db, integration, "run-2", first_day=date(2026, 11, 19))
    assert [t.start for t in retried] == [date(2026, 11, 19)]
    # By the same task (tasks.failed_task_of_period): its file, if it reached the partner, is not sent twice.
    assert (retried[0].id, retried[0].code, retried[0].status) == (task.id, task.code, Status.PENDING)
    assert retried[0].origin is tasks.Origin.SCHEDULED


def test_a_manual_pending_task_makes_the_scheduled_day_wait(migrated_db: psycopg.Connection, integration: int) -> None:
    migrated_db.execute(
        "INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem)"
        " VALUES (%s, '2026-11-15', '2026-11-19', 'cliente1', 'manual')",
        (integration,),
    )
    assert open_run(migrated_db, integration, "run-1", first_day=date(2026, 11, 19)) == []


def test_incremental_creates_no_task_when_nothing_is_new(migrated_db: psycopg.Connection, integration: int) -> None:
    policy = IncrementalWindow()
    assert open_run(migrated_db, integration, "run-1", policy=policy, has_new_data=lambda span: False) == []
    (task,) = open_run(migrated_db, integration, "run-2", policy=policy, has_new_data=lambda span: True)
    # The first window: from the first day, up to the snapshot taken as the task was recorded (no lag).
    assert task.cutoff_start == datetime.combine(date(2026, 11, 1), datetime.min.time(), tzinfo=NOON.tzinfo)
    assert task.cutoff_end is not None
    assert datetime.now(UTC) - task.cutoff_end < timedelta(seconds=30)
    assert (task.snapshot_start, task.snapshot_end is not None) == (None, True)
    tasks.mark_completed(migrated_db, task.id)
    (following,) = open_run(migrated_db, integration, "run-3", policy=policy, has_new_data=lambda span: True)
    # From the last delivered snapshot: no gap, no overlap.
    assert (following.cutoff_start, following.snapshot_start) == (task.cutoff_end, task.snapshot_end)


def test_transitions_follow_the_state_machine(migrated_db: psycopg.Connection, integration: int) -> None:
    (task,) = open_run(migrated_db, integration, "run-1", first_day=date(2026, 11, 19))
    assert tasks.mark_sent(migrated_db, task.id).status is Status.SENT
    assert tasks.mark_completed(migrated_db, task.id).status is Status.COMPLETED
    with pytest.raises(tasks.InvalidTransitionError):
        tasks.mark_failed(migrated_db, task.id, FailureClass.INTERNAL_ERROR)
    attempts = migrated_db.execute(
        "SELECT situacao, finalizada_em IS NOT NULL FROM integracao.tarefa_tentativa WHERE tarefa_id = %s", (task.id,)
    ).fetchall()
    assert attempts == [("completed", True)]


def test_orphans_are_ended_with_a_reason(migrated_db: psycopg.Connection, integration: int) -> None:
    (alive,) = open_run(migrated_db, integration, "alive", now=NOON - timedelta(days=1), first_day=date(2026, 11, 18))
    (dead,) = open_run(migrated_db, integration, "dead", first_day=date(2026, 11, 19))
    ended = tasks.end_orphans(migrated_db, lambda dag_id, run_id: run_id == "alive")
    assert ended == [dead.id]
    orphan = tasks.get_task(migrated_db, dead.id)
    assert orphan.status is Status.FAILED
    assert orphan.failure_reason == "O processamento foi interrompido antes de terminar. Reprocesse a tarefa."
    assert tasks.get_task(migrated_db, alive.id).status is Status.PENDING


def test_an_orphan_of_a_timed_out_run_gets_the_time_limit_reason(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    (task,) = open_run(migrated_db, integration, "too-long", first_day=date(2026, 11, 19))
    ended = tasks.end_orphans(migrated_db, lambda _dag, _run: False, timed_out=lambda _dag, run: run == "too-long")
    assert ended == [task.id]
    reason = tasks.get_task(migrated_db, task.id).failure_reason
    assert reason == "O processamento excedeu o tempo máximo (execução). Você pode reprocessar a tarefa."


def test_a_runs_time_limit_is_its_partners() -> None:
    from include.airflow_adapter.reconciler import run_limit

    assert run_limit("integracao_5_propz") == timedelta(minutes=240)
    assert run_limit("integracao_12_linx_wms") == timedelta(minutes=60)
    assert run_limit("integracao_1_smarket") == timedelta(minutes=180)
    assert run_limit("integracao_3_unknown_type") is None


def test_listing_is_scoped_newest_first_and_searchable(migrated_db: psycopg.Connection, integration: int) -> None:
    for n in range(3):
        opened = open_run(
            migrated_db, integration, f"run-{n}", now=NOON - timedelta(days=2 - n), first_day=date(2026, 11, 17)
        )
        for task in opened:  # the 17th fails every time: each run retries it, with its own task
            if task.start == date(2026, 11, 17):
                tasks.mark_failed(migrated_db, task.id, FailureClass.CREDENTIALS_REFUSED)
            else:
                tasks.mark_completed(migrated_db, task.id)
    tenant_id = migrated_db.execute("SELECT id FROM integracao.tenant").fetchone()
    assert tenant_id
    client = Principal("cliente1", ("Client",), False, (Tenant(tenant_id[0], "T"),))
    stranger = Principal("cliente2", ("Client",), False, (Tenant(tenant_id[0] + 1, "U"),))
    page = tasks.list_tasks(migrated_db, client, integration)
    assert page.total == len(page.items) == 3  # 17 (failed, retried and failed again), 18, 19
    assert [t.created_at for t in page.items] == sorted((t.created_at for t in page.items), reverse=True)
    failed = tasks.list_tasks(migrated_db, client, integration, search="falha")
    assert {t.status for t in failed.items} == {Status.FAILED}
    by_reason = tasks.list_tasks(migrated_db, client, integration, search="credenciais")
    assert by_reason.total == failed.total
    by_code = tasks.list_tasks(migrated_db, client, integration, search=str(page.items[0].code))
    assert page.items[0].id in {t.id for t in by_code.items}
    assert tasks.list_tasks(migrated_db, client, integration, statuses=["completed"]).total == page.total - failed.total
    with pytest.raises(NotFound):
        tasks.list_tasks(migrated_db, stranger, integration)
    with pytest.raises(Invalid):
        tasks.list_tasks(migrated_db, client, integration, statuses=["done"])


def test_a_task_waiting_for_its_next_run_is_not_an_orphan(migrated_db: psycopg.Connection, integration: int) -> None:
    (task,) = open_run(migrated_db, integration, "first", first_day=date(2026, 11, 19))
    tasks.mark_failed(migrated_db, task.id, FailureClass.PARTNER_UNAVAILABLE, status=503, attempts=4)
    tasks.reopen(migrated_db, task.id, "cliente1")  # reprocessing requested; its run has not started yet
    assert tasks.end_orphans(migrated_db, lambda dag_id, run_id: False) == []
    assert tasks.get_task(migrated_db, task.id).status is Status.PENDING


def test_tasks_of_a_deactivated_integration_do_not_stay_pending(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    conn = migrated_db
    queued = tasks.insert_pending(conn, integration, date(2026, 11, 10), date(2026, 11, 12), "cliente1",
                                  tasks.Origin.MANUAL)  # fmt: skip
    (running,) = open_run(conn, integration, "under-way", first_day=date(2026, 11, 19))  # its attempt is open
    now = datetime.now(UTC)
    assert tasks.end_inactive(conn, deactivated_before=now) == [], "an active integration's tasks wait"

    conn.execute("UPDATE integracao.integracao SET ativa = false, atualizada_em = %s WHERE id = %s",
                 (now - timedelta(minutes=5), integration))  # fmt: skip
    assert tasks.end_inactive(conn, deactivated_before=now - timedelta(minutes=10)) == [], "within the grace"
    assert tasks.end_inactive(conn, deactivated_before=now) == [queued.id]
    ended = tasks.get_task(conn, queued.id)
    assert ended.status is Status.FAILED
    assert ended.failure_reason == (
        "A integração foi desativada antes de esta tarefa ser processada. Reative-a e reprocesse a tarefa."
    )
    assert tasks.get_task(conn, running.id).status is Status.PENDING, "the run under way finishes it itself"


def test_a_request_whose_run_ended_before_taking_it_is_ended(migrated_db: psycopg.Connection, integration: int) -> None:
    """The run's first step failed before it could claim the task (the database was down through its retries)."""
    conn = migrated_db
    lost = tasks.insert_pending(conn, integration, date(2026, 11, 10), date(2026, 11, 12), "cliente1",
                                tasks.Origin.MANUAL)  # fmt: skip
    waiting = tasks.insert_pending(conn, integration, date(2026, 11, 14), date(2026, 11, 15), "cliente1",
                                   tasks.Origin.MANUAL)  # fmt: skip
    asked: list[str] = []

    def run_ended(dag_id: str, run_id: str) -> bool:
        asked.append(run_id)
        return run_id == f"manual__tarefa_{lost.id}"

    assert tasks.end_unclaimed(conn, run_ended) == [lost.id]
    assert set(asked) == {f"manual__tarefa_{lost.id}", f"manual__tarefa_{waiting.id}"}
    ended = tasks.get_task(conn, lost.id)
    assert ended.status is Status.FAILED
    assert ended.failure_reason == "O processamento foi interrompido antes de terminar. Reprocesse a tarefa."
    assert tasks.get_task(conn, waiting.id).status is Status.PENDING
    # The ended run is its attempt now: reprocessing asks for a new run, not the one that ended.
    (attempts,) = conn.execute("SELECT count(*) FROM integracao.tarefa_tentativa WHERE tarefa_id = %s"
                               " AND finalizada_em IS NOT NULL", (lost.id,)).fetchone()  # type: ignore[misc]  # fmt: skip
    assert attempts == 1
    tasks.reopen(conn, lost.id, "cliente1")
    assert tasks.requested_run_id(lost.id, tasks.Origin.REPROCESS, attempts) == f"reprocessamento__tarefa_{lost.id}__2"
    assert tasks.end_unclaimed(conn, lambda dag_id, run_id: run_id.endswith("__1")) == []
