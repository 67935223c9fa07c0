"""Runs of one integration never interleave; deliveries to one partner never exceed its pool's slots."""

from __future__ import annotations

import itertools
import time
import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.integration.test_manual_runs_api import ready_integration, task_status
from tests.integration.test_runs_e2e import API, wait_for
from tests.stack_fixtures import RunningStack, days_ago

pytestmark = pytest.mark.stack


def airflow(stack: RunningStack, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {stack.token('admin')}"}
    response = httpx.request(method, f"{stack.url}/api/v2{path}", headers=headers, timeout=30, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def test_runs_of_one_integration_never_overlap_step_by_step(stack: RunningStack) -> None:
    integration = ready_integration(stack, "Smarket sequência")
    with stack.client("cliente1") as client:
        queued = [
            client.post(f"{API}/integrations/{integration['id']}/runs", json=body).json()["task"]
            for body in (
                {"data_inicial": days_ago(12), "data_final": days_ago(10)},
                {"data_inicial": days_ago(9), "data_final": days_ago(8)},
            )
        ]
    for task in queued:
        wait_for("the queued tasks to finish", lambda t=task: task_status(stack, integration["id"], t["id"])["status"]
                 in ("completed", "failed"))  # fmt: skip
    dag_id = integration["dag_id"]
    runs = airflow(stack, "GET", f"/dags/{dag_id}/dagRuns", params={"order_by": "start_date"})["dag_runs"]
    spans = []
    for run in runs:
        instances = airflow(stack, "GET", f"/dags/{dag_id}/dagRuns/{run['dag_run_id']}/taskInstances")["task_instances"]
        starts = [datetime.fromisoformat(ti["start_date"]) for ti in instances if ti["start_date"]]
        ends = [datetime.fromisoformat(ti["end_date"]) for ti in instances if ti["end_date"]]
        spans.append((min(starts), max(ends), run["dag_run_id"]))
    spans.sort()
    assert len(spans) >= 3  # the scheduled run and both manual ones
    for (_, end, first), (start, _, second) in itertools.pairwise(spans):
        assert end <= start, f"{first} and {second} overlapped"
    manual_order = [s[2] for s in spans if s[2].startswith("manual__")]
    assert manual_order == [f"manual__tarefa_{t['id']}" for t in queued], "requests ran out of order"


def test_deliveries_to_one_partner_never_exceed_the_pool(stack: RunningStack) -> None:
    pool = "parceiro_smarket"
    original = airflow(stack, "GET", f"/pools/{pool}")

    def set_slots(slots: int) -> None:
        body = {"name": pool, "slots": slots, "description": original["description"], "include_deferred": False}
        airflow(stack, "PATCH", f"/pools/{pool}", json=body)

    set_slots(2)
    with stack.sandbox() as sandbox:
        sandbox.post("/_sandbox/smarket/mode", json={"mode": "stall"})  # deliveries hang: slots stay taken
        try:
            dags = {ready_integration(stack, f"Smarket vaga {uuid.uuid4().hex[:4]}")["dag_id"] for _ in range(4)}
            # Other integrations of the partner (the demo's, earlier tests') may hold slots too: the pool's
            # own count is what must never exceed its size.
            peak, waited, deadline = 0, False, time.monotonic() + 150
            while time.monotonic() < deadline and not (peak == 2 and waited):
                states = [
                    ti["state"]
                    for dag_id in dags
                    for ti in airflow(
                        stack, "GET", f"/dags/{dag_id}/dagRuns/~/taskInstances", params={"task_id": "entregar"}
                    )["task_instances"]
                ]
                running = airflow(stack, "GET", f"/pools/{pool}")["running_slots"]
                peak = max(peak, running)
                waited = waited or any(s in ("scheduled", "queued") for s in states)
                assert running <= 2, running
                assert states.count("running") <= 2, states
                time.sleep(1)
            assert peak == 2, "the pool's two slots were never both used"
            assert waited, "no delivery ever had to wait for a slot"
        finally:
            sandbox.post("/_sandbox/smarket/mode", json={"mode": "ok"})
            set_slots(original["slots"])
