"""What touches the running stack itself: starting it a second time, and a component dying. The module has the
stack alone (a restart or a crash would disturb the tests of other modules running meanwhile)."""

from __future__ import annotations

import os
import re
import signal
from datetime import UTC, datetime

import httpx
import pytest

from tests.integration.test_runs_e2e import wait_for
from tests.stack_fixtures import RunningStack

pytestmark = [pytest.mark.stack, pytest.mark.stack_alone]


def test_starting_again_is_harmless(stack: RunningStack) -> None:
    pids_before = stack.pids()
    again = stack.make("demo")
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert stack.pids() == pids_before, "a second start must not start a second copy of anything"
    with stack.client("suporte") as client:
        names = [t["name"] for t in client.get("/integracoes/api/v1/me").json()["tenants"]]
    assert (names.count("Drogaria Saúde"), names.count("Farmácia Vida")) == (1, 1), "demo data seeded twice"


def test_a_crashed_component_is_restarted(stack: RunningStack) -> None:
    """The triggerer dies with its whole process group (SIGKILL, no chance to clean up): supervisord starts it
    again and Airflow's health shows it back with a heartbeat newer than the crash."""
    before = stack.pids()["triggerer"]
    killed_at = datetime.now(UTC)
    os.killpg(before, signal.SIGKILL)

    def back() -> bool:
        pid = stack.pids().get("triggerer")
        health = httpx.get(f"{stack.url}/api/v2/monitor/health", timeout=10).json()["triggerer"]
        beat = health.get("latest_triggerer_heartbeat")
        return bool(pid and pid != before and health["status"] == "healthy" and beat
                    and datetime.fromisoformat(beat) > killed_at)  # fmt: skip

    wait_for("the triggerer restarted and healthy", back, timeout=120)

    def running() -> str | None:  # supervisord says RUNNING once it has stayed up for its start seconds
        shown = stack.make("status", timeout=60).stdout
        return shown if re.search(r"^triggerer\s+running \(pid \d+, uptime", shown, re.MULTILINE) else None

    wait_for("`make status` to show it running", running, timeout=60)
