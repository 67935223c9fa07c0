"""Deliveries to one partner never exceed its pool's slots. The module has the stack alone: the pool is the
partner's for every integration, and its two slots held by hanging deliveries would keep the Smarket deliveries
of the tests running meanwhile waiting."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.integration.test_concurrency import airflow
from tests.integration.test_manual_runs_api import ready_integration
from tests.stack_fixtures import RunningStack

pytestmark = [pytest.mark.stack, pytest.mark.stack_alone]


def test_deliveries_to_one_partner_never_exceed_the_pool(stack: RunningStack) -> None:
    pool = "parceiro_smarket"
    original = airflow(stack, "GET", f"/pools/{pool}")

    def set_slots(slots: int) -> None:
        body = {"name": pool, "slots": slots, "description": original["description"], "include_deferred": False}
        airflow(stack, "PATCH", f"/pools/{pool}", json=body)

    set_slots(2)
    token = f"vagas-{uuid.uuid4().hex[:8]}"
    with stack.partner_mode("smarket", token, "stall"):  # these deliveries hang: slots stay taken
        try:
            dags = {
                ready_integration(stack, f"Smarket vaga {uuid.uuid4().hex[:4]}", token=token)["dag_id"]
                for _ in range(4)
            }
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
            set_slots(original["slots"])
