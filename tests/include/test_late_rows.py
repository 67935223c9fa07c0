"""Late rows of days already delivered (include/integracoes/late_rows.py): a sale committed after its day's file
was read, or cancelled since, gets the day sent again by a corrective task; nothing else does."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import psycopg
import pytest

from include.airflow_adapter import run_steps
from include.connectors import export
from include.connectors.registry import connector_for
from include.connectors.trivio import Trivio
from include.integracoes import completeness, files, run_scope, tasks
from include.integracoes.errors import NotFound
from include.integracoes.principal import Principal, Tenant
from include.integracoes.tasks import Origin
from tests.include.factories import integration_over_demo_erp

DAG = "integracao_1_trivio"


@dataclass(frozen=True)
class Run:
    dag_id: str
    run_id: str
    conf: dict[str, Any] | None = None


@dataclass
class Daily:
    conn: psycopg.Connection
    url: str
    integration_id: int
    tenant: int
    branch: int
    customer: int
    runs: int = 0

    @property
    def info(self) -> Any:
        return run_scope.load(self.conn, self.integration_id)

    def wake_up(self) -> list[tasks.Task]:
        """A scheduled run's first step, as Airflow calls it."""
        self.runs += 1
        opened = run_steps.prepare(self.integration_id, dag_run=Run(DAG, f"scheduled__{self.runs}"))
        return [tasks.get_task(self.conn, task_id) for task_id in opened]

    def deliver(self, task: tasks.Task) -> bytes:
        """Render the task's file as the run does (its snapshot recorded), and mark it delivered."""
        (dataset,) = Trivio.datasets
        scope = run_scope.scope(self.integration_id, self.info, task.start, task.end, task.code, task)
        out = io.BytesIO()
        result = export.export_dataset(self.url, dataset, scope, out)
        file_id = files.record(self.conn, task.id, name=dataset.name_for(scope), uri="memoria://",
                               size=len(out.getvalue()), sha256="0" * 64, rows=result.rows, totals=result.totals,
                               dataset=dataset.name, content_type=dataset.content_type,
                               snapshot=result.snapshot)  # fmt: skip
        files.set_status(self.conn, file_id, "sent")
        run_steps._close(self.conn, connector_for("trivio"), self.integration_id, task.id)  # as a delivery ends
        return out.getvalue()

    def sell(self, number: int, at: datetime) -> None:
        self.conn.execute(
            "INSERT INTO erp.venda (tenant_id, filial_id, cliente_id, numero, emitida_em, valor_total)"
            " VALUES (%s, %s, %s, %s, %s, 10.50)",
            (self.tenant, self.branch, self.customer, number, at),
        )


@pytest.fixture
def daily(migrated_db: psycopg.Connection, app_database_env: str) -> Daily:
    tenant, branch, integration_id = integration_over_demo_erp(migrated_db, "trivio", interval_minutes=60,
                                                               sales_per_branch_day=3)  # fmt: skip
    customer = migrated_db.execute("SELECT min(id) FROM erp.cliente WHERE tenant_id = %s", (tenant,)).fetchone()[0]  # type: ignore[index]
    return Daily(migrated_db, app_database_env, integration_id, tenant, branch, customer)


def test_a_sale_of_a_delivered_day_committed_later_sends_the_day_again_once(daily: Daily) -> None:
    yesterday = datetime.now(run_steps.TIMEZONE).date() - timedelta(days=1)
    (task,) = daily.wake_up()
    assert (task.start, task.origin) == (yesterday, Origin.SCHEDULED)
    first = daily.deliver(task)
    assert daily.wake_up() == [], "nothing came late: nothing to correct"

    # An offline point of sale syncs a sale of yesterday afternoon: committed after yesterday's file was read.
    daily.sell(990001, datetime.combine(yesterday, time(15), tzinfo=run_steps.TIMEZONE))
    daily.sell(990002, datetime.now(run_steps.TIMEZONE))  # today's: no delivered day of its own yet
    (correction,) = daily.wake_up()
    assert (correction.start, correction.end, correction.origin) == (yesterday, yesterday, Origin.CORRECTION)
    assert correction.code != task.code, "its own file name: the partner replaces the earlier file"
    logged = daily.conn.execute(
        "SELECT mensagem FROM integracao.log_integracao WHERE tarefa_id = %s ORDER BY id", (correction.id,)
    ).fetchall()
    assert any("tarefa de correção" in line for (line,) in logged)
    again = daily.deliver(correction)
    assert b"990001" not in first
    assert b"990001" in again, "the whole day, with the late sale"
    assert b"990002" not in again
    assert len(again.splitlines()) == len(first.splitlines()) + 1
    assert daily.wake_up() == [], "corrected once: the correction's file is the reference now"


def test_a_sale_cancelled_after_its_day_went_out_corrects_the_day(daily: Daily) -> None:
    (task,) = daily.wake_up()
    first = daily.deliver(task)
    (number,) = daily.conn.execute(
        "SELECT numero FROM erp.venda WHERE filial_id = %s AND cliente_id IS NOT NULL AND emitida_em >= %s"
        " ORDER BY numero LIMIT 1",
        (daily.branch, datetime.combine(task.start, time.min, tzinfo=run_steps.TIMEZONE)),
    ).fetchone()  # type: ignore[misc]
    assert str(number).encode() in first
    daily.conn.execute("UPDATE erp.venda SET cancelada = true WHERE filial_id = %s AND numero = %s",
                       (daily.branch, number))  # fmt: skip
    (correction,) = daily.wake_up()
    assert correction.origin is Origin.CORRECTION
    assert str(number).encode() not in daily.deliver(correction)


def test_a_failed_correction_is_retried_by_its_own_task(daily: Daily) -> None:
    yesterday = datetime.now(run_steps.TIMEZONE).date() - timedelta(days=1)
    daily.deliver(daily.wake_up()[0])
    daily.sell(990003, datetime.combine(yesterday, time(10), tzinfo=run_steps.TIMEZONE))
    (correction,) = daily.wake_up()
    tasks.mark_failed(daily.conn, correction.id, tasks.FailureClass.PARTNER_UNAVAILABLE, status=503, attempts=3)
    (retried,) = daily.wake_up()
    assert (retried.id, retried.origin) == (correction.id, Origin.CORRECTION)


def test_every_daily_data_set_of_movements_says_where_its_late_rows_come_from() -> None:
    from include.connectors.registry import CONNECTORS
    from include.connectors.types import DailyWindow
    from include.integracoes import late_rows

    unplaced = [
        f"{code}/{dataset.name}"
        for code, connector in CONNECTORS.items()
        if isinstance(connector.spec.window, DailyWindow)
        for dataset in connector.datasets
        if not dataset.snapshot and late_rows.source_of(dataset) is None
    ]
    assert unplaced == []


AGENT = Principal("suporte", ("Support Agent",), True, ())


def _states(daily: Daily) -> list[tuple[date, str, int, bool]]:
    return [(d.day, d.state.value, d.missing, d.correcting)
            for d in completeness.days(daily.conn, AGENT, daily.integration_id)]  # fmt: skip


def test_completeness_of_a_day_goes_complete_missing_corrected(daily: Daily) -> None:
    yesterday = datetime.now(run_steps.TIMEZONE).date() - timedelta(days=1)
    (task,) = daily.wake_up()
    sent = daily.deliver(task)
    assert _states(daily) == [(yesterday, "completo", 0, False)]
    (day,) = completeness.days(daily.conn, AGENT, daily.integration_id)
    assert day.rows_sent == len(sent.splitlines()) - 1, "the file's rows, its header aside"

    daily.sell(990011, datetime.combine(yesterday, time(9), tzinfo=run_steps.TIMEZONE))
    daily.sell(990012, datetime.combine(yesterday, time(11), tzinfo=run_steps.TIMEZONE))
    (correction,) = daily.wake_up()
    assert _states(daily) == [(yesterday, "faltando", 2, True)], "short of 2 sales; the correction is on its way"
    summary = completeness.summary(daily.conn, AGENT)
    assert (summary.complete, summary.corrected, summary.missing) == (0, 0, 1)
    assert [(d.day, d.missing) for d, _, _ in summary.short_days] == [(yesterday, 2)]

    daily.deliver(correction)
    assert _states(daily) == [(yesterday, "corrigido", 0, False)]
    (day,) = completeness.days(daily.conn, AGENT, daily.integration_id)
    assert (day.task_code, day.rows_sent) == (correction.code, len(sent.splitlines()) - 1 + 2)
    assert completeness.summary(daily.conn, AGENT).missing == 0


def test_a_short_day_nothing_will_correct_alerts_once(daily: Daily) -> None:
    yesterday = datetime.now(run_steps.TIMEZONE).date() - timedelta(days=1)
    daily.deliver(daily.wake_up()[0])
    daily.conn.execute("UPDATE integracao.integracao SET ativa = false WHERE id = %s", (daily.integration_id,))
    assert completeness.sweep(daily.conn) == 0, "complete: nothing to say"
    daily.sell(990021, datetime.combine(yesterday, time(16), tzinfo=run_steps.TIMEZONE))
    assert completeness.sweep(daily.conn) == 1
    assert completeness.sweep(daily.conn) == 0, "one alert per short day"
    assert _states(daily) == [(yesterday, "faltando", 1, False)], "switched off: nobody corrects it"
    (detail,) = daily.conn.execute(
        "SELECT detalhe FROM integracao.alerta WHERE integracao_id = %s AND tipo = 'incompleto'",
        (daily.integration_id,),
    ).fetchone()  # type: ignore[misc]
    assert f"{yesterday:%d/%m/%Y}" in detail
    assert "incompleto" in detail


def test_another_tenants_completeness_is_not_found(daily: Daily) -> None:
    daily.deliver(daily.wake_up()[0])
    stranger = Principal("outro", ("Client",), False, (Tenant(daily.tenant + 1000, "Outra"),))
    with pytest.raises(NotFound):
        completeness.days(daily.conn, stranger, daily.integration_id)
    assert completeness.summary(daily.conn, stranger).short_days == []
    assert (completeness.summary(daily.conn, stranger).complete, completeness.summary(daily.conn, AGENT).complete) == (
        0,
        1,
    )
