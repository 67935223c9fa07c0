"""The vocabulary a partner is declared in: its identity, keys, direction, window policy, domains and time
limits (`IntegrationType`, each connector's `spec`). Below the connectors and the catalog, so that both can
use it: the catalog is the set of the connectors' declarations (include/connectors/catalog.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from include.connectors.config import ConfigKey


class Direction(StrEnum):
    OUT = "out"
    IN = "in"
    BOTH = "both"


@dataclass(frozen=True)
class DailyWindow:
    """One task per calendar day D-N; missed days are caught up, delivered days never resent."""

    days_back: int = 1
    max_days_per_file: int = 1


@dataclass(frozen=True)
class IncrementalWindow:
    """What was committed since the last delivered task's snapshot, in commit order (no lag, no row lost to a
    late commit: include/sql/migrations/0016_commit_order.sql); nothing new = no task."""


@dataclass(frozen=True)
class OwnTimetable:
    """The connector fixes its own cadence (cron expressions in the deployment's timezone)."""

    crons: tuple[str, ...]
    description: str
    days_back: int = 0
    description_en: str = ""

    def describe(self, language: str) -> str:
        return self.description_en if language == "en" and self.description_en else self.description


WindowPolicy = DailyWindow | IncrementalWindow | OwnTimetable

D1 = DailyWindow(days_back=1)  # yesterday's movement, the usual daily file
INCREMENTAL = IncrementalWindow()


@dataclass(frozen=True)
class IntegrationType:
    code: str
    name: str
    business: str
    data: str
    file_format: str
    transport: str
    direction: Direction
    window: WindowPolicy
    keys: tuple[ConfigKey, ...]
    # The partner's own domains: the only hosts its URLs and SFTP servers may name (include/connectors/hosts.py).
    # The operator may replace them per type with INTEGRACOES_PARTNER_DOMAINS (include/connectors/catalog.py).
    domains: tuple[str, ...] = ()
    manual_run_allowed: bool = False
    # Deliveries of all tenants to this partner at once (its Airflow pool's slots).
    partner_slots: int = 4
    # Time limits from the partner's contract (minutes): one try of one step, and a whole run. A run must fit
    # every step once plus one more timed-out try and its retry delays (tests/dags/test_schedules.py), so a
    # step that hangs is ended and retried by its own limit first; the run's limit only stops a run that keeps
    # its integration blocked (tries that hang again and again, a long wait for a pool slot). Event APIs answer
    # in seconds and are woken every few minutes (10 and 60); sell-out panels, gzip exports, long histories and
    # the regulator's slow web service move whole days of a chain's sales (45 and 240).
    step_timeout_min: int = 30
    run_timeout_min: int = 180

    def key(self, name: str) -> ConfigKey | None:
        return next((k for k in self.keys if k.key == name), None)
