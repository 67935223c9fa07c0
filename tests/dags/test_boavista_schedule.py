"""BoaVista's own schedule, in the deployment's time zone: sales of D-2 at 04, 08, 12, 16 and 20 h; each run
asks for the reconciliation of D-3 and the payments of D-1 — right across month and year boundaries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from include.airflow_adapter import dag_factory
from include.connectors.boavista import BoaVista
from include.connectors.catalog import CATALOG
from include.integracoes.registry import RegisteredIntegration
from include.integracoes.tasks import daily_days_to_send

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def boavista_dag() -> object:
    integration = RegisteredIntegration(
        id=7, tenant_id=1, tenant_name="Farmácia Vida", type_code="boavista", description="BoaVista",
        active=True, interval_minutes=60, created_on="2026-01-01",
    )  # fmt: skip
    return dag_factory.build_dag(integration)


def runs_of_day(day: date) -> list[str]:
    """Local times of the runs the DAG's timetable schedules on `day`."""
    from airflow.serialization.encoders import coerce_to_core_timetable
    from airflow.timetables.base import DataInterval, TimeRestriction

    # The scheduler's own view of the DAG's timetable (the task SDK's object only declares it).
    timetable = coerce_to_core_timetable(boavista_dag().timetable)  # type: ignore[attr-defined]
    start = datetime.combine(day, datetime.min.time(), tzinfo=SAO_PAULO)
    restriction = TimeRestriction(earliest=start, latest=start + timedelta(days=1) - timedelta(seconds=1), catchup=True)
    times: list[str] = []
    last: DataInterval | None = None
    while (info := timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)) is not None:
        times.append(info.run_after.astimezone(SAO_PAULO).strftime("%H:%M"))
        last = info.data_interval
    return times


@pytest.mark.parametrize("day", [date(2026, 11, 27), date(2026, 2, 28), date(2026, 12, 31)])
def test_sales_runs_every_four_hours_between_4_and_20_local_time(day: date) -> None:
    assert runs_of_day(day) == ["04:00", "08:00", "12:00", "16:00", "20:00"]


@pytest.mark.parametrize(
    ("today", "sales", "reconciliation", "payments"),
    [
        (date(2026, 3, 1), date(2026, 2, 27), date(2026, 2, 26), date(2026, 2, 28)),
        (date(2027, 1, 2), date(2026, 12, 31), date(2026, 12, 30), date(2027, 1, 1)),
        (date(2028, 3, 1), date(2028, 2, 28), date(2028, 2, 27), date(2028, 2, 29)),  # a leap year
    ],
)
def test_windows_across_month_and_year_boundaries(
    today: date, sales: date, reconciliation: date, payments: date
) -> None:
    window = CATALOG["boavista"].window
    assert today - timedelta(days=window.days_back) == sales  # type: ignore[union-attr]
    inbox = BoaVista.inbox
    days = {query.kind: query.day(today) for query in inbox.queries}  # type: ignore[union-attr]
    assert days == {"conciliacao": reconciliation, "pagamentos": payments}


def test_a_day_is_sent_once_and_a_receiving_task_never_counts_as_its_delivery(migrated_db: object) -> None:
    import psycopg

    conn: psycopg.Connection = migrated_db  # type: ignore[assignment]
    from tests.include.factories import make_integration

    _, integration = make_integration(conn)
    today = date(2026, 3, 1)
    first_day = today - timedelta(days=5)
    pending = daily_days_to_send(conn, integration, today=today, days_back=2, first_day=first_day)
    assert pending[-1] == date(2026, 2, 27)
    # Files the partner sent on 27/02 were listed under a receiving task of that day: 27/02 is still unsent.
    conn.execute(
        "INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem, situacao)"
        " VALUES (%s, '2026-02-27', '2026-02-27', 'Sistema', 'recebimento', 'completed')",
        (integration,),
    )
    assert daily_days_to_send(conn, integration, today=today, days_back=2, first_day=first_day) == pending
    conn.execute(
        "INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem, situacao)"
        " VALUES (%s, '2026-02-27', '2026-02-27', 'Sistema', 'agendada', 'completed')",
        (integration,),
    )
    assert date(2026, 2, 27) not in daily_days_to_send(conn, integration, today=today, days_back=2, first_day=first_day)
