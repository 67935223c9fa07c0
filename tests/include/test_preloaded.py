"""The entry point of Airflow's forking components (dag-processor, scheduler, Celery workers): the DAG factory is
imported before Airflow's CLI starts forking, importing it leaves nothing a fork could share by accident, and the
CLI runs the command given."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.stack_fixtures import REPO

PROBE = """
import json, sys, threading
import psutil
import include.airflow_adapter.preloaded
print(json.dumps({
    "modules": sorted(m for m in sys.modules if m.startswith("include.")),
    "threads": threading.active_count(),
    "sockets": len(psutil.Process().net_connections(kind="all")),
}))
"""


def test_importing_the_entry_point_loads_the_factory_and_opens_nothing() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    # What every parsing process of a shard would otherwise import again.
    inherited = {"include.airflow_adapter.dag_factory", "include.airflow_adapter.run_steps",
                 "include.connectors.registry", "include.connectors.catalog"}  # fmt: skip
    assert inherited <= set(found["modules"])
    assert found["threads"] == 1
    assert found["sockets"] == 0


@pytest.mark.parametrize(
    "command", [["dag-processor", "--num-runs", "1"], ["scheduler", "--skip-serve-logs"], ["celery", "worker"]]
)
def test_the_cli_runs_the_airflow_command_given(monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    import airflow.__main__

    from include.airflow_adapter import preloaded

    seen: list[list[str]] = []
    monkeypatch.setattr(airflow.__main__, "main", lambda: seen.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", ["include/airflow_adapter/preloaded.py", *command])
    preloaded.main()
    assert seen == [["airflow", *command]]
