"""The order the suite runs in, and how its tests are shared among processes (a pytest plugin of the suite).

`make test` runs the suite in three processes (pytest-xdist), while the stack boots in the background
(tests/stack_fixtures.py); the main process hands out work in this order:
1. the stack modules that must have the stack alone (they restart or stop a part of it, or check that nothing
   at all was written meanwhile), as one unit: one process takes them, one after the other, while the others
   run
2. the tests that need no stack, one at a time (they never touch the stack, so they run beside the alone ones);
3. the other stack modules, each whole on one process (its module fixtures start work its tests then check),
   the longest first so that the processes finish together.

pytest-xdist's own `loadgroup` cannot express this with the pytest of the lock files (it renames test ids
through an attribute pytest 9 no longer reads), so the units are given by a scheduler of ours: each process
writes the unit of every test it collected to the session folder, and the main process's scheduler reads it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

from tests.stack_fixtures import SESSION_FOLDER_ENV

# Seconds each of the longest stack modules took in a serial run (the others count as 0): the order in which the
# processes take them, longest first. A wrong figure costs minutes of wall time, never a result.
STACK_MODULE_SECONDS = {
    "tests.integration.test_inbound_e2e": 96,
    "tests.integration.test_secrets_canary_e2e": 81,
    "tests.integration.test_faults_e2e": 69,
    "tests.browser.test_native_look": 69,
    "tests.integration.test_partners_e2e": 61,
    "tests.integration.test_runs_e2e": 58,
    "tests.integration.test_manual_runs_api": 55,
    "tests.integration.test_api_contract_e2e": 46,
    "tests.browser.test_admin_pages": 38,
    "tests.integration.test_reconciliation_e2e": 37,
}
ALONE_UNIT = "stack-alone"
# The alone modules in the order they run, as the stack boots and the demo integrations' first runs go on: the
# stack's own pieces restarted first, the application database last (its run should not queue behind theirs).
ALONE_ORDER = (
    "tests.integration.test_stack_restarts",
    "tests.integration.test_partner_pool_e2e",
    "tests.integration.test_isolation_matrix_e2e",
    "tests.integration.test_app_database_restart_e2e",
)


def _units_file() -> Path:
    return Path(os.environ[SESSION_FOLDER_ENV]) / "units.json"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def module(item: pytest.Item) -> str:
        return item.module.__name__ if item.module else ""

    alone = [item for item in items if item.get_closest_marker("stack_alone")]
    alone.sort(key=lambda item: ALONE_ORDER.index(module(item)) if module(item) in ALONE_ORDER else len(ALONE_ORDER))
    free = [item for item in items if not item.get_closest_marker("stack")]
    shared = [item for item in items if item.get_closest_marker("stack") and item not in alone]
    position = {name: i for i, name in enumerate(dict.fromkeys(module(item) for item in shared))}
    shared.sort(key=lambda item: (-STACK_MODULE_SECONDS.get(module(item), 0), position[module(item)]))
    items[:] = alone + free + shared
    units = {item.nodeid: ALONE_UNIT for item in alone} | {item.nodeid: module(item) for item in shared}
    written = _units_file().with_suffix(f".{os.getpid()}")
    written.write_text(json.dumps(units))
    written.replace(_units_file())  # every process collects the same tests: the last one written is as good


class UnitScheduling(LoadScopeScheduling):  # type: ignore[misc]
    """pytest-xdist's scope scheduling, with the units written at collection (a test alone otherwise)."""

    def __init__(self, config: pytest.Config, log: Any = None) -> None:
        super().__init__(config, log)
        self._units: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._units is None:
            self._units = json.loads(_units_file().read_text()) if _units_file().exists() else {}
        return self._units.get(nodeid, nodeid)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> UnitScheduling | None:
    """Ours when `--dist loadscope` is asked for (scripts/test.sh)."""
    return UnitScheduling(config, log) if config.getvalue("dist") == "loadscope" else None
