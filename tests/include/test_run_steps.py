"""The dead-run rule in the run steps: whatever ends a step for good ends the run's open tasks, with a
reason that tells the truth about what happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import psycopg
import pytest

from include.airflow_adapter import run_steps
from include.connectors.errors import (
    ConnectorUnavailableError,
    CredentialsRefusedError,
    LayoutMismatchError,
    PartnerUnavailableError,
)
from include.integracoes import failures, run_scope, tasks
from include.integracoes.tasks import FailureClass, Origin, Status
from tests.include.factories import integration_over_demo_erp, make_integration

DAG = "integracao_1_smarket"


@dataclass
class FakeRun:
    dag_id: str
    run_id: str
    conf: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeTaskInstance:
    task_id: str


@pytest.fixture
def integration(migrated_db: psycopg.Connection, app_database_env: str) -> int:
    return make_integration(migrated_db)[1]


def scheduled_task(conn: psycopg.Connection, integration: int, run_id: str, day: int = 1) -> tasks.Task:
    task = tasks.insert_pending(conn, integration, date(2026, 11, day), date(2026, 11, day), "Sistema",
                                Origin.SCHEDULED)  # fmt: skip
    tasks.claim_task(conn, task.id, integration, DAG, run_id)
    return task


def test_a_step_that_raises_ends_the_runs_tasks_naming_the_step(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    task = scheduled_task(migrated_db, integration, "scheduled__1")
    context = {"dag_run": FakeRun(DAG, "scheduled__1"), "ti": FakeTaskInstance("extrair_e_gerar_arquivo"),
               "exception": RuntimeError("boom")}  # fmt: skip
    run_steps.run_failed(context)
    ended = tasks.get_task(migrated_db, task.id)
    assert ended.status is Status.FAILED
    assert ended.failure_class == FailureClass.RUN_FAILED
    assert "geração do arquivo" in (ended.failure_reason or "")
    assert "boom" not in (ended.failure_reason or ""), "the exception text stays in the Airflow log"


def test_a_manual_run_that_dies_before_claiming_its_task_still_ends_it(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    task = tasks.insert_pending(migrated_db, integration, date(2026, 11, 2), date(2026, 11, 3), "cliente1",
                                Origin.MANUAL)  # fmt: skip
    run = FakeRun(DAG, f"manual__tarefa_{task.id}", {"task_id": task.id})
    run_steps.run_failed({"dag_run": run, "ti": FakeTaskInstance("preparar"), "exception": None})
    ended = tasks.get_task(migrated_db, task.id)
    assert ended.status is Status.FAILED
    assert ended.failure_class == FailureClass.RUN_LOST


def test_a_late_callback_leaves_alone_a_task_reprocessed_since(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    # The run took the task and its last try ended it; Reprocessar made it pending again for a new run while the
    # old step's failure callback was still running in the worker.
    task = tasks.insert_pending(migrated_db, integration, date(2026, 11, 4), date(2026, 11, 4), "cliente1",
                                Origin.MANUAL)  # fmt: skip
    run = FakeRun(DAG, f"manual__tarefa_{task.id}", {"task_id": task.id})
    tasks.claim_task(migrated_db, task.id, integration, DAG, run.run_id)
    run_steps.end_run(DAG, run.run_id, run.conf, FailureClass.PARTNER_UNAVAILABLE, {"status": 502, "attempts": 4})
    assert tasks.get_task(migrated_db, task.id).status is Status.FAILED
    tasks.reopen(migrated_db, task.id, "cliente1")

    run_steps.run_failed({"dag_run": run, "ti": FakeTaskInstance("entregar"), "exception": None})

    assert tasks.get_task(migrated_db, task.id).status is Status.PENDING, "the new run's to send"


def test_tasks_already_ended_by_a_step_keep_their_reason(migrated_db: psycopg.Connection, integration: int) -> None:
    task = scheduled_task(migrated_db, integration, "scheduled__2")
    tasks.mark_failed(migrated_db, task.id, FailureClass.CREDENTIALS_REFUSED)
    run_steps.run_failed({"dag_run": FakeRun(DAG, "scheduled__2"), "ti": FakeTaskInstance("entregar"),
                          "exception": CredentialsRefusedError("HTTP 401")})  # fmt: skip
    assert tasks.get_task(migrated_db, task.id).failure_class == FailureClass.CREDENTIALS_REFUSED


@pytest.mark.parametrize(
    ("error", "failure", "permanent"),
    [
        (LayoutMismatchError("campo ean cabe em 14 posições"), FailureClass.LAYOUT_MISMATCH, True),
        (ConnectorUnavailableError("boavista"), FailureClass.CONNECTOR_UNAVAILABLE, True),
        (CredentialsRefusedError("HTTP 401"), FailureClass.CREDENTIALS_REFUSED, True),
        (PartnerUnavailableError(503), FailureClass.PARTNER_UNAVAILABLE, False),
        (RuntimeError("bug"), FailureClass.RUN_FAILED, None),
        (None, FailureClass.RUN_LOST, None),
    ],
)
def test_every_error_has_a_class_and_a_reason_a_client_understands(
    error: BaseException | None, failure: FailureClass, permanent: bool | None
) -> None:
    found, params = failures.classify(error, attempts=4, step="entregar", type_name="BoaVista")
    assert found is failure
    reason = found.reason(**params)
    assert "{" not in reason
    if permanent is not None:
        assert getattr(error, "permanent", None) is permanent
    if failure is FailureClass.LAYOUT_MISMATCH:
        assert "reprocessar sem correção não resolve" in reason, "never 'reprocesse' when it cannot help"


@dataclass(frozen=True)
class Incremental:
    """A Dito integration (incremental) over a small demo ERP whose sales end yesterday."""

    conn: psycopg.Connection
    url: str
    integration_id: int
    info: Any
    tenant: int
    branch: int
    customer: int
    product: int

    def sell(self, number: int, at: datetime, conn: psycopg.Connection | None = None) -> None:
        writer = conn or self.conn
        (sale,) = writer.execute(
            "INSERT INTO erp.venda (tenant_id, filial_id, cliente_id, numero, emitida_em, valor_total)"
            " VALUES (%s, %s, %s, %s, %s, 10.50) RETURNING id",
            (self.tenant, self.branch, self.customer, number, at),
        ).fetchone()  # type: ignore[misc]
        writer.execute("INSERT INTO erp.venda_item (venda_id, sequencia, produto_id, quantidade, preco_unitario,"
                       " valor_total) VALUES (%s, 1, %s, 1, 10.50, 10.50)", (sale, self.product))  # fmt: skip

    def export(self, task: tasks.Task, sink: Any) -> Any:
        from include.connectors import export
        from include.connectors.dito import Dito

        scope = run_scope.scope(self.integration_id, self.info, task.start, task.end, task.code, task)
        return export.export_dataset(self.url, Dito.datasets[0], scope, sink)


@pytest.fixture
def incremental(migrated_db: psycopg.Connection, app_database_env: str) -> Incremental:
    conn = migrated_db
    tenant, branch, integration_id = integration_over_demo_erp(conn, "dito", interval_minutes=30,
                                                               sales_per_branch_day=2)  # fmt: skip
    customer = conn.execute("SELECT min(id) FROM erp.cliente WHERE tenant_id = %s", (tenant,)).fetchone()[0]  # type: ignore[index]
    product = conn.execute("SELECT min(id) FROM erp.produto WHERE tenant_id = %s", (tenant,)).fetchone()[0]  # type: ignore[index]
    info = run_scope.load(conn, integration_id)
    return Incremental(conn, app_database_env, integration_id, info, tenant, branch, customer, product)


def test_incremental_sends_exactly_what_is_new_and_opens_no_task_for_nothing(incremental: Incremental) -> None:
    """Dito (incremental): the partner's own SQL decides whether anything is new in the span since the last
    cutoff; nothing new opens no task (one log line); a new sale opens a task whose file holds just it."""
    import io

    from include.connectors.dito import Dito

    conn, integration_id, info = incremental.conn, incremental.integration_id, incremental.info
    # The demo's sales end yesterday, before the integration existed: nothing new, said once however often.
    assert run_steps._open_scheduled(conn, Dito(), integration_id, info, FakeRun(DAG, "scheduled__1")) == []
    assert run_steps._open_scheduled(conn, Dito(), integration_id, info, FakeRun(DAG, "scheduled__1b")) == []
    logged = [r[0] for r in conn.execute("SELECT mensagem FROM integracao.log_integracao WHERE integracao_id = %s",
                                         (integration_id,))]  # fmt: skip
    assert logged == ["Nada novo a enviar desde o último envio."]

    sold_at = datetime.now(run_steps.TIMEZONE) - timedelta(minutes=10)
    incremental.sell(990001, sold_at)
    (task,) = run_steps._open_scheduled(conn, Dito(), integration_id, info, FakeRun(DAG, "scheduled__2"))
    assert task.cutoff_start is not None
    assert task.cutoff_end is not None
    assert task.cutoff_start <= sold_at < task.cutoff_end
    out = io.BytesIO()
    assert incremental.export(task, out).rows == 1
    assert b'"cupom":990001' in out.getvalue()

    # Delivered: the next wake-up starts at that cutoff, and finds nothing new again.
    tasks.mark_completed(conn, task.id)
    assert run_steps._open_scheduled(conn, Dito(), integration_id, info, FakeRun(DAG, "scheduled__3")) == []


def test_sales_written_while_an_export_runs_are_sent_once_by_the_next_task(incremental: Incremental) -> None:
    """Nothing twice, nothing missed: sales committed while a task's file is being written are not in it
    (its snapshot was taken before) and are in the next task's, once."""
    import io
    import json

    from include.connectors.types import IncrementalWindow

    conn, policy = incremental.conn, IncrementalWindow()
    now = datetime.now(run_steps.TIMEZONE)
    for number in (1, 2, 3):
        incremental.sell(880000 + number, now - timedelta(minutes=30 - number))

    def open_at(moment: datetime, run: str) -> list[tasks.Task]:
        return tasks.open_scheduled_tasks(
            conn, incremental.integration_id, dag_id=DAG, run_id=run, policy=policy, now=moment,
            first_day=moment.date() - timedelta(days=1),
        )  # fmt: skip

    class WritesWhileExporting(io.BytesIO):
        """The ERP keeps selling while the file is written: two sales commit after the export began."""

        def __init__(self) -> None:
            super().__init__()
            self.sold = False

        def write(self, data: Any) -> int:
            if not self.sold:
                self.sold = True
                with psycopg.connect(incremental.url, autocommit=True) as other:
                    incremental.sell(880010, now - timedelta(minutes=1), other)  # after this task's cutoff
                    incremental.sell(880011, now, other)
            return super().write(data)

    (first,) = open_at(now, "scheduled__a")
    sink = WritesWhileExporting()
    assert incremental.export(first, sink).rows == 3
    tasks.mark_completed(conn, first.id)
    (second,) = open_at(now + timedelta(minutes=10), "scheduled__b")
    assert second.cutoff_start == first.cutoff_end, "the next span starts exactly where the last one ended"
    assert second.snapshot_start == first.snapshot_end
    out = io.BytesIO()
    incremental.export(second, out)

    def sent(body: bytes) -> list[int]:
        return [json.loads(line)["cupom"] for line in body.decode().splitlines() if line]

    assert sent(sink.getvalue()) == [880001, 880002, 880003]
    assert sent(out.getvalue()) == [880010, 880011]


def test_a_sale_committed_late_is_sent_by_the_next_window_whatever_its_own_time(incremental: Incremental) -> None:
    """Commit order, not timestamps: an offline point of sale's sale, stamped hours ago and still uncommitted
    while a window is cut, is in no file of that window and in the next one, once; a cancellation of a
    delivered sale opens nothing for a partner whose contract does not carry it."""
    import io
    import json

    from include.connectors.dito import Dito

    conn, integration_id, info = incremental.conn, incremental.integration_id, incremental.info

    def next_window(run: str) -> list[int]:
        opened = run_steps._open_scheduled(conn, Dito(), integration_id, info, FakeRun(DAG, run))
        if not opened:
            return []
        (task,) = opened
        out = io.BytesIO()
        incremental.export(task, out)
        tasks.mark_completed(conn, task.id)
        return [json.loads(line)["cupom"] for line in out.getvalue().decode().splitlines() if line]

    now = datetime.now(run_steps.TIMEZONE)
    incremental.sell(770001, now - timedelta(minutes=1))
    assert next_window("scheduled__1") == [770001]

    offline = psycopg.connect(incremental.url)  # a transaction left open: the store's link is down
    # Stamped three hours ago, or at midnight when that is earlier: the integration sends from its first day.
    midnight = datetime.combine(now.date(), datetime.min.time(), tzinfo=run_steps.TIMEZONE)
    incremental.sell(770002, max(now - timedelta(hours=3), midnight), offline)
    incremental.sell(770003, now, conn)
    assert next_window("scheduled__2") == [770003], "an uncommitted sale is not in the window cut meanwhile"
    offline.commit()
    offline.close()
    assert next_window("scheduled__3") == [770002], "committed later, three hours after its own time: sent once"
    assert next_window("scheduled__4") == []

    conn.execute("UPDATE erp.venda SET cancelada = true WHERE numero = 770001 AND filial_id = %s",
                 (incremental.branch,))  # fmt: skip
    assert next_window("scheduled__5") == [], "Dito's purchase events carry no cancellation"


def test_a_window_after_a_task_without_snapshot_starts_at_its_time_cutoff(incremental: Incremental) -> None:
    """Tasks delivered before windows had snapshots end at a time: the next window starts there, by the
    sales' time, and holds what was committed by its own snapshot (then the chain is by commit order)."""
    from include.connectors.dito import Dito

    conn, integration_id, info = incremental.conn, incremental.integration_id, incremental.info
    now = datetime.now(run_steps.TIMEZONE)
    incremental.sell(660001, now - timedelta(hours=2))  # sent by the old task
    midnight = datetime.combine(now.date(), datetime.min.time(), tzinfo=run_steps.TIMEZONE)
    # After its cutoff: not sent yet (and not before midnight: the integration sends from its first day).
    incremental.sell(660002, max(now - timedelta(minutes=20), midnight))
    conn.execute(
        """INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem,
                                          situacao, corte_inicial, corte_final)
           VALUES (%s, %s, %s, 'Sistema', 'agendada', 'completed', %s, %s)""",
        (integration_id, now.date(), now.date(), now - timedelta(hours=3), now - timedelta(minutes=30)),
    )
    (task,) = run_steps._open_scheduled(conn, Dito(), integration_id, info, FakeRun(DAG, "scheduled__1"))
    assert (task.snapshot_start, task.cutoff_start) == (None, now - timedelta(minutes=30))
    import io

    out = io.BytesIO()
    incremental.export(task, out)
    assert b'"cupom":660002' in out.getvalue()
    assert b"660001" not in out.getvalue()


def test_a_run_past_its_time_limit_ends_its_open_tasks_naming_the_step(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    """Airflow ends a timed-out run by skipping its steps (no step's failure callback runs) and runs the DAG's
    failure callback in the dag-processor with reason "timed_out": that callback ends the run's tasks."""
    pending = scheduled_task(migrated_db, integration, "scheduled__9")
    sent = tasks.insert_pending(migrated_db, integration, date(2026, 11, 2), date(2026, 11, 2), "Sistema",
                                Origin.SCHEDULED)  # fmt: skip
    tasks.claim_task(migrated_db, sent.id, integration, DAG, "scheduled__9")
    tasks.mark_sent(migrated_db, sent.id)  # delivered, the partner's answer still awaited when time ran out
    other_run = tasks.insert_pending(migrated_db, integration, date(2026, 11, 3), date(2026, 11, 3), "Sistema",
                                     Origin.SCHEDULED)  # fmt: skip
    tasks.claim_task(migrated_db, other_run.id, integration, DAG, "scheduled__10")
    run_steps.run_timed_out({"dag_run": FakeRun(DAG, "scheduled__9"), "ti": FakeTaskInstance("entregar"),
                             "reason": "timed_out"})  # fmt: skip
    for task_id in (pending.id, sent.id):
        ended = tasks.get_task(migrated_db, task_id)
        assert ended.status is Status.FAILED
        assert ended.failure_class == FailureClass.RUN_TIMEOUT
        assert ended.failure_reason == "O processamento excedeu o tempo máximo (entrega ao parceiro). Você pode" \
                                       " reprocessar a tarefa."  # fmt: skip
    assert tasks.get_task(migrated_db, other_run.id).status is Status.PENDING


def test_a_timed_out_run_without_a_started_step_still_ends_its_tasks(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    """Without a step (the callback's minimal context: the DAG, the run id and the reason)."""

    @dataclass
    class FakeDag:
        dag_id: str

    task = scheduled_task(migrated_db, integration, "scheduled__11")
    run_steps.run_timed_out({"dag": FakeDag(DAG), "run_id": "scheduled__11", "reason": "timed_out"})
    ended = tasks.get_task(migrated_db, task.id)
    assert ended.failure_class == FailureClass.RUN_TIMEOUT
    assert "(execução)" in (ended.failure_reason or "")


def test_the_dags_failure_callback_leaves_a_failed_steps_tasks_to_that_steps_callback(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    task = scheduled_task(migrated_db, integration, "scheduled__12")
    run_steps.run_timed_out({"dag_run": FakeRun(DAG, "scheduled__12"), "ti": FakeTaskInstance("entregar"),
                             "reason": "task_failure"})  # fmt: skip
    assert tasks.get_task(migrated_db, task.id).status is Status.PENDING


@dataclass
class XcomOf:
    """A task instance whose `preparar` step returned these task ids."""

    ids: list[int]
    task_id: str = "extrair_e_gerar_arquivo"

    def xcom_pull(self, task_ids: str) -> list[int]:
        return self.ids if task_ids == "preparar" else []


def test_an_incremental_window_sends_a_file_only_for_branches_with_something_new(
    migrated_db: psycopg.Connection, app_database_env: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A per-branch partner (a warehouse: one order file per branch) gets no empty file for a branch that had
    no new order in the window; it refuses one."""
    monkeypatch.setenv("INTEGRACOES_DATA", str(tmp_path))
    conn = migrated_db
    tenant, branch, integration_id = integration_over_demo_erp(conn, "delage_wms", interval_minutes=5,
                                                               sales_per_branch_day=1, branches=2)  # fmt: skip
    product = conn.execute("SELECT min(id) FROM erp.produto WHERE tenant_id = %s", (tenant,)).fetchone()[0]  # type: ignore[index]
    (order,) = conn.execute(
        "INSERT INTO erp.pedido_reposicao (tenant_id, filial_id, numero, emitido_em) VALUES (%s, %s, 990001, now())"
        " RETURNING id",
        (tenant, branch),
    ).fetchone()  # type: ignore[misc]
    conn.execute("INSERT INTO erp.pedido_reposicao_item VALUES (%s, 1, %s, 12)", (order, product))
    run = FakeRun("integracao_1_delage_wms", "scheduled__1")
    opened = run_steps.prepare(integration_id, dag_run=run)
    assert len(opened) == 1
    produced = run_steps.produce_files(integration_id, dag_run=run, ti=XcomOf(opened))
    names = [r[0] for r in conn.execute("SELECT nome FROM integracao.arquivo WHERE id = ANY(%s)", (produced,))]
    assert len(names) == 1, names
    assert names[0].startswith(f"delage_pedidos_filial{branch}_"), names


def test_the_first_window_starts_at_the_day_the_agent_chose(incremental: Incremental) -> None:
    """ "Enviar a partir de": a sale of three days ago, before the integration existed, goes out in the first
    window when the agent chose a start before it; by default the first window starts on the day of
    registration."""
    import io

    from include.connectors import export
    from include.connectors.dito import Dito

    conn, integration_id = incremental.conn, incremental.integration_id
    incremental.sell(550001, datetime.now(run_steps.TIMEZONE) - timedelta(days=3))
    info = run_scope.load(conn, integration_id)
    assert info.send_from is None
    assert run_steps._open_scheduled(conn, Dito(), integration_id, info, FakeRun(DAG, "scheduled__1")) == []

    conn.execute("UPDATE integracao.integracao SET enviar_a_partir_de = current_date - 5 WHERE id = %s",
                 (integration_id,))  # fmt: skip
    info = run_scope.load(conn, integration_id)
    (task,) = run_steps._open_scheduled(conn, Dito(), integration_id, info, FakeRun(DAG, "scheduled__2"))
    out = io.BytesIO()
    scope = run_scope.scope(integration_id, info, task.start, task.end, task.code, task)
    export.export_dataset(incremental.url, Dito.datasets[0], scope, out)
    assert b'"cupom":550001' in out.getvalue()


def test_a_window_emptied_by_a_cancellation_sends_no_empty_file_and_ends(
    incremental: Incremental, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sale cancelled between the window's cut and its export: nothing is left to send, so no empty body
    goes to the partner (Dito's JSON Lines would be zero bytes) and the task ends, moving the chain on."""
    monkeypatch.setenv("INTEGRACOES_DATA", str(tmp_path))
    conn, integration_id = incremental.conn, incremental.integration_id
    incremental.sell(440001, datetime.now(run_steps.TIMEZONE))
    run = FakeRun("integracao_1_dito", "scheduled__1")
    opened = run_steps.prepare(integration_id, dag_run=run)
    conn.execute("UPDATE erp.venda SET cancelada = true WHERE numero = 440001")
    assert run_steps.produce_files(integration_id, dag_run=run, ti=XcomOf(opened)) == []
    run_steps.deliver(integration_id, dag_run=run, ti=XcomOf(opened, "entregar"))
    assert tasks.get_task(conn, opened[0]).status is Status.COMPLETED


@dataclass
class EndedRun:
    """What the scheduler hands its listeners: the run, and its steps (task instances)."""

    dag_id: str
    run_id: str
    steps: list[Any] = field(default_factory=list)

    def get_task_instances(self) -> list[Any]:
        return self.steps


@dataclass
class StartedStep:
    task_id: str
    start_date: datetime | None


def test_the_scheduler_ends_a_timed_out_runs_tasks_at_once_through_the_products_listener(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    """Airflow's listener manager, loaded from the plugins folder, calls the product's on_dag_run_failed when
    the scheduler ends a run past its time limit: the tasks end then, naming the step that was running,
    without waiting for the DAG's callback in the dag-processor or for the sweep."""
    from airflow.listeners.listener import get_listener_manager

    from include.airflow_adapter import listeners

    manager = get_listener_manager()
    assert listeners in manager.pm.get_plugins(), "plugins/integracoes_listeners.py registers the listener"
    timed_out = scheduled_task(migrated_db, integration, "scheduled__20")
    failed_step = scheduled_task(migrated_db, integration, "scheduled__21", day=2)
    started = datetime(2026, 11, 1, 3, 0, tzinfo=run_steps.TIMEZONE)
    steps = [StartedStep("preparar", started), StartedStep("entregar", started + timedelta(minutes=2)),
             StartedStep("receber_e_aplicar", None)]  # fmt: skip

    # Called as the manager's hook relay calls it (the manager's other listeners, e.g. dag-factory's, aside).
    listeners.on_dag_run_failed(dag_run=EndedRun(DAG, "scheduled__20", steps), msg="timed_out")
    ended = tasks.get_task(migrated_db, timed_out.id)
    assert (ended.status, ended.failure_class) == (Status.FAILED, FailureClass.RUN_TIMEOUT)
    assert "(entrega ao parceiro)" in (ended.failure_reason or "")
    # A step's failure: its own callback knows the precise reason (and may still be running).
    listeners.on_dag_run_failed(dag_run=EndedRun(DAG, "scheduled__21"), msg="task_failure")
    assert tasks.get_task(migrated_db, failed_step.id).status is Status.PENDING


def test_a_run_that_succeeds_leaving_its_task_pending_ends_it_as_lost_at_once(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    from include.airflow_adapter.listeners import close_run, on_dag_run_success

    left = scheduled_task(migrated_db, integration, "scheduled__30")
    awaiting = scheduled_task(migrated_db, integration, "scheduled__30", day=2)
    tasks.mark_sent(migrated_db, awaiting.id)  # delivered; the partner's answer comes later
    elsewhere = scheduled_task(migrated_db, integration, "scheduled__31", day=3)

    on_dag_run_success(dag_run=EndedRun(DAG, "scheduled__30"), msg="success")
    ended = tasks.get_task(migrated_db, left.id)
    assert (ended.status, ended.failure_class) == (Status.FAILED, FailureClass.RUN_LOST)
    assert tasks.get_task(migrated_db, awaiting.id).status is Status.SENT
    assert tasks.get_task(migrated_db, elsewhere.id).status is Status.PENDING
    assert close_run("example_bash_operator", "manual__1") == [], "not an integration's DAG: nothing to do"
