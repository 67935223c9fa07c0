"""When an integration wakes up: a stable phase per integration on a fixed grid, so that thousands of
integrations of one interval never fire together, and daily partners send at a time of day.

- Interval partners (incremental windows): runs at EPOCH + phase + k·interval, the phase a fixed fraction
  of the interval taken from the integration id (`phase_seconds`). The grid depends on nothing else — not
  on when the DAG was first parsed, nor on the last run — so it is the same after every restart or outage.
- Daily partners (one file per calendar day): the first run of a sending day at the configured time of day
  (`INTEGRACOES_DAILY_SEND_AT`, the deployment's timezone) plus a stable spread within
  `INTEGRACOES_DAILY_SPREAD_MIN`; then, for an interval under a day, every interval until midnight (a
  failed day is retried on the next wake-up); for an interval of a day or more, every ⌊interval / 1 day⌋
  days, the day also a stable phase (weekly integrations do not all send on one weekday).

Both are Airflow timetables of their own (registered by plugins/integracoes_timetables.py, which the
scheduler needs to read them back): cron cannot express "every 7 minutes" or "every 30 days" on a fixed grid,
and Airflow's delta timetables anchor their grid on the epoch (all integrations together) or on the last run
(a grid that moves with every outage). Like Airflow's trigger timetables with catch-up off, the first run
of a new integration and the one after an outage happen at once, for the latest grid point missed; the
following runs are on the grid. This module stays light: the scheduler imports it with the plugin.
"""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pendulum
from airflow.timetables.base import DagRunInfo, DataInterval, Timetable

if TYPE_CHECKING:
    from airflow.timetables.base import TimeRestriction
    from pendulum import DateTime

TIMEZONE_NAME = "America/Sao_Paulo"
TIMEZONE = ZoneInfo(TIMEZONE_NAME)
# The grids' origin: fixed, so a phase means the same thing in every process and after every restart.
EPOCH = datetime(2026, 1, 1, tzinfo=TIMEZONE)
DAY_S = 86_400

# Fibonacci hashing: id · 2^64/φ (mod 2^64) spreads consecutive ids evenly over [0, 1) (a Weyl sequence),
# far more evenly than a random hash would; the registry hands out ids in sequence.
_GOLDEN = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1


def phase_seconds(integration_id: int, period_s: int, *, salt: int = 0) -> int:
    """The integration's stable offset in [0, period_s): the same in every process, every parse, every day."""
    if period_s <= 0:
        return 0
    fraction = ((integration_id + salt * 0x632BE59BD9B4E019) * _GOLDEN) & _MASK
    return (fraction * period_s) >> 64


def daily_send_at(value: str | None = None) -> int:
    """The daily partners' send time (seconds after local midnight): `value` (HH:MM) read as the setting
    `INTEGRACOES_DAILY_SEND_AT` would be, else that setting."""
    # Imported here: the scheduler imports this module with the plugin and never needs the settings.
    from include import settings

    given = settings.current() if value is None else settings.of({"INTEGRACOES_DAILY_SEND_AT": value})
    return given.daily_send_at.hour * 3600 + given.daily_send_at.minute * 60


def daily_spread_s(value: str | None = None) -> int:
    """How far after the send time a daily integration's first run may fall: `value` (minutes) read as the
    setting `INTEGRACOES_DAILY_SPREAD_MIN` would be, else that setting."""
    from include import settings

    given = settings.current() if value is None else settings.of({"INTEGRACOES_DAILY_SPREAD_MIN": value})
    return given.daily_spread_min * 60


def _utc(moment: datetime) -> DateTime:
    """Airflow's own datetime type (what its timetables hand the scheduler)."""
    return pendulum.instance(moment.astimezone(UTC))


def _now() -> datetime:
    return datetime.now(UTC)


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class _GridTimetable(Timetable):  # type: ignore[misc]  # Airflow is not type-checked here
    """Runs on a fixed grid of instants; subclasses say which instants (`_at_or_before`, `_after`)."""

    def _at_or_before(self, moment: datetime) -> datetime:
        raise NotImplementedError

    def _after(self, moment: datetime) -> datetime:
        raise NotImplementedError

    def _at_or_after(self, moment: datetime) -> datetime:
        latest = self._at_or_before(moment)
        return latest if latest == moment else self._after(moment)

    def next_dagrun_info(
        self, *, last_automated_data_interval: DataInterval | None, restriction: TimeRestriction
    ) -> DagRunInfo | None:
        # The rules of Airflow's trigger timetables: with catch-up off, at most the latest missed grid point
        # runs (at once); otherwise the next one after the last run.
        candidates: list[datetime] = []
        if last_automated_data_interval is not None:
            candidates.append(self._after(last_automated_data_interval.end))
        if restriction.earliest is not None:
            candidates.append(self._at_or_after(restriction.earliest))
        if not restriction.catchup or not candidates:
            candidates.append(self._at_or_before(_now()))
        run_after = _utc(max(candidates))
        if restriction.latest is not None and restriction.latest < run_after:
            return None
        return DagRunInfo.interval(run_after, run_after)

    def infer_manual_data_interval(self, *, run_after: DateTime) -> DataInterval:
        return DataInterval.exact(run_after)


class StaggeredIntervalTimetable(_GridTimetable):
    """Every `interval_s` seconds at EPOCH + `phase_s` + k·interval_s (fixed seconds: no DST drift)."""

    def __init__(self, interval_s: int, phase_s: int) -> None:
        self.interval_s = int(interval_s)
        self.phase_s = int(phase_s)
        minutes, seconds = divmod(self.phase_s, 60)
        self.description = f"a cada {self.interval_s // 60} min (fase +{minutes} min {seconds:02d} s)"

    @property
    def summary(self) -> str:
        return self.description

    def validate(self) -> None:
        from airflow.exceptions import AirflowTimetableInvalid

        if self.interval_s <= 0 or not 0 <= self.phase_s < self.interval_s:
            raise AirflowTimetableInvalid(f"interval {self.interval_s} s with phase {self.phase_s} s")

    def serialize(self) -> dict[str, Any]:
        return {"interval_s": self.interval_s, "phase_s": self.phase_s}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> Timetable:
        return cls(int(data["interval_s"]), int(data["phase_s"]))

    def _index(self, moment: datetime) -> int:
        """The grid point at or before `moment`, as k (floor)."""
        elapsed = (moment - EPOCH).total_seconds() - self.phase_s
        return int(elapsed // self.interval_s)

    def _point(self, k: int) -> datetime:
        return EPOCH + timedelta(seconds=self.phase_s + k * self.interval_s)

    def _at_or_before(self, moment: datetime) -> datetime:
        return self._point(self._index(moment))

    def _after(self, moment: datetime) -> datetime:
        return self._point(self._index(moment) + 1)


class DailySendTimetable(_GridTimetable):
    """On sending days (every `every_days` days, day phase `day_phase`), at `first_s` seconds after local
    midnight, then every `repeat_s` seconds (0: once) until the day ends — local wall-clock times."""

    def __init__(self, first_s: int, repeat_s: int = 0, every_days: int = 1, day_phase: int = 0) -> None:
        self.first_s = int(first_s)
        self.repeat_s = int(repeat_s)
        self.every_days = int(every_days)
        self.day_phase = int(day_phase)
        when = f"às {_clock(self.first_s)}"
        if self.repeat_s:
            when += f" e a cada {self.repeat_s // 60} min até 23:59"
        days = "todo dia" if self.every_days == 1 else f"a cada {self.every_days} dias"
        self.description = f"{days} {when} ({TIMEZONE_NAME})"

    @property
    def summary(self) -> str:
        return self.description

    def validate(self) -> None:
        from airflow.exceptions import AirflowTimetableInvalid

        if not (0 <= self.first_s < DAY_S and self.repeat_s >= 0 and 0 <= self.day_phase < self.every_days):
            raise AirflowTimetableInvalid(f"daily timetable {self.serialize()}")

    def serialize(self) -> dict[str, Any]:
        return {
            "first_s": self.first_s,
            "repeat_s": self.repeat_s,
            "every_days": self.every_days,
            "day_phase": self.day_phase,
        }

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> Timetable:
        return cls(int(data["first_s"]), int(data["repeat_s"]), int(data["every_days"]), int(data["day_phase"]))

    def _is_sending_day(self, day: date) -> bool:
        return (day - EPOCH.date()).days % self.every_days == self.day_phase

    def _offsets(self, day: date) -> range:
        """Seconds after local midnight of the day's runs (empty on a day that does not send)."""
        if not self._is_sending_day(day):
            return range(0)
        return range(self.first_s, DAY_S, self.repeat_s) if self.repeat_s else range(self.first_s, self.first_s + 1)

    @staticmethod
    def _instant(day: date, offset_s: int) -> datetime:
        # Wall-clock arithmetic (aware + timedelta keeps the zone): a send time stays put across any DST change.
        return (datetime.combine(day, time(), tzinfo=TIMEZONE) + timedelta(seconds=offset_s)).astimezone(UTC)

    def _at_or_before(self, moment: datetime) -> datetime:
        local = moment.astimezone(TIMEZONE)
        day, wall = local.date(), local.hour * 3600 + local.minute * 60 + local.second
        for _ in range(self.every_days + 2):
            offsets = self._offsets(day)
            # A few candidates around the wall-clock position: exact on any day without a DST change.
            index = bisect.bisect_right(offsets, wall)
            for i in range(min(index + 1, len(offsets) - 1), max(index - 3, -1), -1):
                if (candidate := self._instant(day, offsets[i])) <= moment:
                    return candidate
            day, wall = day - timedelta(days=1), DAY_S
        raise AssertionError("a sending day is at most every_days away")

    def _after(self, moment: datetime) -> datetime:
        local = moment.astimezone(TIMEZONE)
        day, wall = local.date(), local.hour * 3600 + local.minute * 60 + local.second
        for _ in range(self.every_days + 2):
            offsets = self._offsets(day)
            index = bisect.bisect_left(offsets, wall)
            for i in range(max(index - 1, 0), min(index + 3, len(offsets))):
                if (candidate := self._instant(day, offsets[i])) > moment:
                    return candidate
            day, wall = day + timedelta(days=1), 0
        raise AssertionError("a sending day is at most every_days away")


def interval_timetable(integration_id: int, interval_minutes: int) -> StaggeredIntervalTimetable:
    interval_s = interval_minutes * 60
    return StaggeredIntervalTimetable(interval_s, phase_seconds(integration_id, interval_s))


def daily_timetable(integration_id: int, interval_minutes: int, *, send_at_s: int, spread_s: int) -> DailySendTimetable:
    """A daily partner's wake-ups: the registration's interval is the retry cadence after the day's send time
    (under a day), or the number of whole days between sends (a day or more)."""
    first = (send_at_s + phase_seconds(integration_id, spread_s)) % DAY_S
    if interval_minutes < 1440:
        return DailySendTimetable(first, repeat_s=interval_minutes * 60)
    every_days = interval_minutes // 1440
    return DailySendTimetable(first, 0, every_days, phase_seconds(integration_id, every_days, salt=1))
