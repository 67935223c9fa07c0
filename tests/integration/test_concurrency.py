"""Runs of one integration never interleave (deliveries to one partner never exceeding its pool's slots:
test_partner_pool_e2e.py)."""

from __future__ import annotations

import itertools
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
