"""Scheduling for thousands: every integration on a stable phase of its own grid (the same after every re-parse,
restart and outage), daily partners at the configured time of day plus a stable spread, and time limits
sized from each partner's contract."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from include.airflow_adapter import dag_factory, schedules
from include.connectors.catalog import CATALOG, TYPES
from include.connectors.types import DailyWindow, Direction, IncrementalWindow
from include.integracoes.registry import RegisteredIntegration

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
INTERVALS = (1, 7, 15, 60, 1440, 10080, 43200)


def registered(integration_id: int, type_code: str = "dito", interval: int = 60) -> RegisteredIntegration:
    return RegisteredIntegration(integration_id, type_code, 1, "T", f"integração {integration_id}", True, interval,
                                 "2026-11-01")  # fmt: skip


def core_timetable(integration: RegisteredIntegration) -> Any:
    """What the scheduler reads: the DAG's timetable through Airflow's own serialization (plugin lookup
    included), not the object the DAG file built."""
    from airflow.serialization.serialized_objects import DagSerialization

    return DagSerialization.from_dict(DagSerialization.to_dict(dag_factory.build_dag(integration))).timetable


def at(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    monkeypatch.setattr(schedules, "_now", lambda: now)


def next_run(
    timetable: Any, last: datetime | None = None, earliest: datetime | None = dag_factory.START_DATE
) -> datetime:
    """The scheduler's question (catch-up off, the DAGs' start date), as a plain UTC datetime."""
    from airflow.timetables.base import DataInterval, TimeRestriction

    restriction = TimeRestriction(earliest=earliest, latest=None, catchup=False)
    info = timetable.next_dagrun_info(
        last_automated_data_interval=DataInterval.exact(last) if last else None, restriction=restriction
    )
    assert info.data_interval.start == info.data_interval.end == info.run_after
    return datetime.fromtimestamp(info.run_after.timestamp(), UTC)


# --- interval partners: a phase on a fixed grid ------------------------------------------------------------


def test_the_phase_is_a_pure_function_of_the_integration_and_its_interval() -> None:
    # Known values: no per-process hash seed, no clock, no registry order can change them.
    assert schedules.phase_seconds(1, 3600) == 2224
    assert schedules.phase_seconds(2, 3600) == 849
    assert schedules.phase_seconds(12345, 60) == schedules.phase_seconds(12345, 60)
    assert all(0 <= schedules.phase_seconds(i, p) < p for i in range(1, 500) for p in (60, 420, 3600, 2_592_000))


def test_phases_are_the_same_whenever_the_dag_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow.serialization.serialized_objects import DagSerialization

    def serialized(now: datetime) -> list[dict[str, Any]]:
        at(monkeypatch, now)
        dags = [dag_factory.build_dag(registered(i, t, n)) for i in (3, 4) for t, n in (("dito", 7), ("smarket", 60))]
        return [DagSerialization.to_dict(d)["dag"]["timetable"] for d in dags]

    assert serialized(datetime(2026, 3, 1, 4, 0, tzinfo=UTC)) == serialized(datetime(2027, 8, 9, 17, 33, tzinfo=UTC))


def test_five_thousand_integrations_of_one_interval_spread_evenly_over_it() -> None:
    """5,000 hourly integrations: ~83 start in each minute of the hour (none idle, none crowded), and no
    more than a handful in any one second — with consecutive ids (the registry's) and with scattered ones."""
    consecutive = range(1, 5001)
    scattered = range(7, 7 + 5000 * 37, 37)  # ids of one interval among many others
    for ids in (consecutive, scattered):
        phases = [schedules.phase_seconds(i, 3600) for i in ids]
        per_minute = Counter(p // 60 for p in phases)
        assert len(per_minute) == 60
        assert max(per_minute.values()) <= 90, per_minute  # mean 83.3
        assert min(per_minute.values()) >= 76, per_minute
        assert max(Counter(phases).values()) <= 4
    # Every minute, 5,000 one-minute integrations start over the whole minute, not at second 0.
    per_second = Counter(schedules.phase_seconds(i, 60) for i in consecutive)
    assert len(per_second) == 60
    assert max(per_second.values()) <= 90


@pytest.mark.parametrize("interval", INTERVALS)
def test_runs_are_on_the_integrations_grid_after_registration_restarts_and_outages(
    interval: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    integration = registered(41, "dito", interval)
    timetable = core_timetable(integration)
    period = timedelta(minutes=interval)
    phase = timedelta(seconds=schedules.phase_seconds(41, interval * 60))

    def on_grid(moment: datetime) -> bool:
        return (moment - schedules.EPOCH - phase) % period == timedelta(0)

    now = datetime(2026, 11, 27, 14, 3, 17, tzinfo=UTC)
    at(monkeypatch, now)
    first = next_run(timetable)  # a new integration: the latest grid point, so it runs at once
    assert on_grid(first)
    assert now - period < first <= now
    following = next_run(timetable, first)
    assert following == first + period  # then exactly one interval later, whatever the clock says
    at(monkeypatch, now + 10 * period + timedelta(seconds=1))  # an outage: one run for the latest point missed
    after_outage = next_run(timetable, following)
    assert on_grid(after_outage)
    assert after_outage == following + 9 * period
    assert core_timetable(integration).serialize() == timetable.serialize(), "a re-parse keeps the phase"


# --- daily partners: a time of day --------------------------------------------------------------------------


def local_runs(timetable: Any, day: date, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Local times of the runs that follow one another on `day`."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=SAO_PAULO)
    at(monkeypatch, start)
    runs, last = [], next_run(timetable, earliest=None)
    while (last := next_run(timetable, last, earliest=None)) < start + timedelta(days=1):
        runs.append(last.astimezone(SAO_PAULO).strftime("%H:%M:%S"))
    return runs


def test_daily_partners_send_at_the_configured_time_plus_a_stable_spread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_DAILY_SEND_AT", "05:30")
    monkeypatch.setenv("INTEGRACOES_DAILY_SPREAD_MIN", "40")
    firsts = []
    for integration_id in range(1, 201):
        (first,) = local_runs(core_timetable(registered(integration_id, "smarket", 1440)), date(2026, 12, 2),
                              monkeypatch)  # fmt: skip
        assert "05:30:00" <= first < "06:10:00"
        firsts.append(first)
    assert len({f[:5] for f in firsts}) == 40, "the 200 integrations use every minute of the spread"
    assert max(Counter(f[:5] for f in firsts).values()) <= 7


def test_a_daily_partners_interval_under_a_day_retries_after_the_send_time_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Interval 60 (the form's default): the day's first run at the send time, then hourly until midnight —
    a failed day is retried within the hour, and nothing is sent between midnight and the send time."""
    timetable = core_timetable(registered(8, "smarket", 60))
    first = timedelta(seconds=timetable.first_s)
    assert timedelta(hours=6) <= first < timedelta(hours=7)
    clock = datetime(2026, 1, 1) + first
    expected = [(clock + timedelta(hours=h)).strftime("%H:%M:%S") for h in range(24 - clock.hour)]
    for day in (date(2026, 12, 31), date(2027, 1, 1), date(2028, 2, 29)):
        assert local_runs(timetable, day, monkeypatch) == expected


def test_a_daily_partners_interval_of_days_sends_every_so_many_days_on_a_stable_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    days_of_week = set()
    for integration_id in range(1, 15):
        timetable = core_timetable(registered(integration_id, "propz", 10080))
        at(monkeypatch, datetime(2026, 12, 1, tzinfo=UTC))
        runs = [next_run(timetable)]
        for _ in range(4):
            runs.append(next_run(timetable, runs[-1]))
        assert {b - a for a, b in itertools.pairwise(runs)} == {timedelta(days=7)}
        local = runs[0].astimezone(SAO_PAULO)
        assert "06:00" <= local.strftime("%H:%M") < "07:00"
        days_of_week.add(local.weekday())
    assert len(days_of_week) == 7, "weekly integrations do not all send on one weekday"


def test_a_send_time_is_local_wall_clock_time_across_a_dst_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """São Paulo last had daylight saving time in 2018 (from 4 November): the send time stays put."""
    timetable = schedules.DailySendTimetable(6 * 3600 + 15 * 60)
    for day in (date(2018, 11, 3), date(2018, 11, 4), date(2018, 11, 5)):
        assert local_runs(timetable, day, monkeypatch) == ["06:15:00"]


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("INTEGRACOES_DAILY_SEND_AT", "6h"),
        ("INTEGRACOES_DAILY_SEND_AT", "24:00"),
        ("INTEGRACOES_DAILY_SPREAD_MIN", "-5"),
    ],
)
def test_a_bad_send_setting_names_itself(env: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ValueError, match=env):
        schedules.daily_send_at() if env == "INTEGRACOES_DAILY_SEND_AT" else schedules.daily_spread_s()


def test_every_catalogued_window_gets_its_timetable() -> None:
    for spec in TYPES:
        timetable = dag_factory.build_dag(registered(5, spec.code, 30)).timetable
        if isinstance(spec.window, DailyWindow):
            assert isinstance(timetable, schedules.DailySendTimetable), spec.code
        elif isinstance(spec.window, IncrementalWindow):
            assert isinstance(timetable, schedules.StaggeredIntervalTimetable), spec.code
        else:
            assert "Cron" in type(timetable).__name__, spec.code


# --- time limits ----------------------------------------------------------------------------------------------


def worst_retry_delays() -> timedelta:
    """The longest a step can wait between its tries: Airflow's exponential backoff draws each delay below
    twice `retry_delay · 2^(try-1)`, capped at `max_retry_delay`."""
    args = dag_factory.default_args()
    return sum(
        (min(args["max_retry_delay"], 2 * args["retry_delay"] * 2**n) for n in range(args["retries"])), timedelta()
    )


@pytest.mark.parametrize("spec", TYPES, ids=lambda t: t.code)
def test_a_run_fits_every_step_once_plus_one_hung_try(spec: Any) -> None:
    """So a hanging step is ended by its own limit (and retried) before the run's limit ends the run."""
    steps = 4 if spec.direction is not Direction.OUT else 3
    step, run = dag_factory.time_limits(spec)
    assert run >= (steps + 1) * step + worst_retry_delays(), spec.code


def test_time_limits_follow_the_partners_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTEGRACOES_STEP_TIMEOUT_MIN", raising=False)
    monkeypatch.delenv("INTEGRACOES_RUN_TIMEOUT_MIN", raising=False)
    limits = {
        code: (dag.dagrun_timeout, {t.execution_timeout for t in dag.tasks})
        for code in ("propz", "iqvia", "dito", "naapyes", "smarket")
        for dag in [dag_factory.build_dag(registered(9, code, 1440))]
    }
    minutes = timedelta(minutes=1)
    assert limits["propz"] == limits["iqvia"] == (240 * minutes, {45 * minutes})  # whole days of sell-out files
    assert limits["dito"] == limits["naapyes"] == (60 * minutes, {10 * minutes})  # event APIs
    assert limits["smarket"] == (180 * minutes, {30 * minutes})  # the defaults


def test_the_deployments_settings_cap_every_partners_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_STEP_TIMEOUT_MIN", "20")
    monkeypatch.setenv("INTEGRACOES_RUN_TIMEOUT_MIN", "15")
    minutes = timedelta(minutes=1)
    assert dag_factory.time_limits(CATALOG["propz"]) == (15 * minutes, 15 * minutes)  # a step never outlasts its run
    monkeypatch.setenv("INTEGRACOES_RUN_TIMEOUT_MIN", "120")
    assert dag_factory.time_limits(CATALOG["propz"]) == (20 * minutes, 120 * minutes)
    assert dag_factory.time_limits(CATALOG["dito"]) == (10 * minutes, 60 * minutes)  # below the caps: unchanged
    monkeypatch.setenv("INTEGRACOES_RUN_TIMEOUT_MIN", "soon")
    with pytest.raises(ValueError, match="INTEGRACOES_RUN_TIMEOUT_MIN"):
        dag_factory.time_limits(CATALOG["dito"])


def test_the_test_stacks_send_time_is_read_as_meant_and_already_past() -> None:
    """The test stack's daily send time (tests/stack_fixtures.py) is a valid setting in this module's timezone,
    three hours before the session or midnight, never in the future."""
    from tests.stack_fixtures import SEND_AT_TIMEZONE, send_time_behind_the_session

    assert SEND_AT_TIMEZONE.key == schedules.TIMEZONE_NAME
    for now, expected in [((18, 25), "15:25"), ((2, 10), "00:00"), ((3, 0), "00:00"), ((23, 59), "20:59")]:
        at = datetime(2026, 11, 29, *now, tzinfo=schedules.TIMEZONE)
        assert send_time_behind_the_session(at) == expected
        assert schedules.daily_send_at(expected) <= at.hour * 3600 + at.minute * 60
