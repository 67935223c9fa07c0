"""The distributed topology of docker-compose.yaml, on this machine: CeleryExecutor with the machine's Redis as
broker and the machine's PostgreSQL for both databases, two Celery workers, the execution API served apart
from the UI/plugin API (`api-server --apps core` and `--apps execution`), and generated files in S3 (the
sandbox's S3 endpoint) through `ObjectStoragePath` and an AWS connection.

Started with the README's start command (`INTEGRACOES_EXECUTOR=celery make demo`) on a stack of its own, so it
runs apart from the shared stack: `make test-distributed` (CI runs it after `make test`). Scenarios: the demo's
scheduled runs (every partner) on both workers; a client's manual run; a worker SIGKILLed while its delivery
waits on the partner — the step is retried on the other worker and the partner gets the file once.

    INTEGRACOES_TEST_POSTGRES  libpq URL of a PostgreSQL server (default postgresql://postgres@127.0.0.1:5432)
    INTEGRACOES_TEST_REDIS     Redis URL of the broker (default redis://127.0.0.1:6379/13; flushed before and after)
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import signal
import time
import uuid
import xmlrpc.client
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import psycopg
import pytest
import redis
from psycopg import sql

from scripts import supervision
from tests.integration.test_faults_e2e import (
    AFTER_UPLOAD,
    DELIVERY_STEP,
    TRANSPORTS,
    Case,
    check_partner,
    deactivate,
    delivery_tries,
    mode_used_up,
    register,
    sandbox_state,
    set_mode,
    tasks_of,
    vida,
)
from tests.integration.test_inbound_e2e import task_process
from tests.integration.test_runs_e2e import wait_for
from tests.scorecard import Scorecard
from tests.stack_fixtures import RunningStack, days_ago, started_stack

pytestmark = [pytest.mark.stack, pytest.mark.distributed]

API = "/integracoes/api/v1"
POSTGRES = os.environ.get("INTEGRACOES_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
BROKER = os.environ.get("INTEGRACOES_TEST_REDIS", "redis://127.0.0.1:6379/13")
BUCKET = "integracoes-arquivos"
# A dead worker's task is noticed when its heartbeat is this old (5 minutes in production).
HEARTBEAT_TIMEOUT_S = 30
WORKERS = ("worker-1", "worker-2")


# --- the stack ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def distributed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    suffix = uuid.uuid4().hex[:8]
    names = {"airflow": f"distribuido_airflow_{suffix}", "app": f"distribuido_app_{suffix}"}
    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5) as conn:
            for name in names.values():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        broker = redis.Redis.from_url(BROKER, socket_connect_timeout=5)
        broker.flushdb()
    except (psycopg.OperationalError, redis.RedisError) as error:
        pytest.fail(f"the distributed test needs PostgreSQL at {POSTGRES} and Redis at {BROKER}: {error}")
    host = POSTGRES.split("://", 1)[1]
    settings = {
        "INTEGRACOES_EXECUTOR": "celery",
        "INTEGRACOES_CELERY_BROKER_URL": BROKER,
        "INTEGRACOES_WORKER_CONCURRENCY": "2",
        "AIRFLOW_DATABASE_URL": f"postgresql+psycopg2://{host}/{names['airflow']}",
        "INTEGRACOES_DATABASE_URL": f"{POSTGRES}/{names['app']}",
        "INTEGRACOES_FILES_URL": f"s3://{BUCKET}/",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT_S),
    }
    try:
        with started_stack(tmp_path_factory.mktemp("distribuido") / "data", **settings) as running:
            yield running
    finally:
        broker.flushdb()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            for name in names.values():
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def admin(stack: RunningStack) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.token('admin')}"}


def worker_log(stack: RunningStack, worker: str) -> str:
    return (stack.data / "logs" / f"{worker}.log").read_text(errors="replace")


def executed_by(stack: RunningStack, worker: str, dag_id: str, task_id: str, try_number: int) -> bool:
    """Whether this Celery worker's log shows it started that try of that step."""
    wanted = re.compile(
        rf"Executing workload in Celery:.*task_id='{task_id}', dag_id='{dag_id}',.*try_number={try_number},"
    )
    return bool(wanted.search(worker_log(stack, worker)))


def worker_of(stack: RunningStack, pid: int) -> str:
    """The Celery worker whose process tree holds this task process (each worker leads a process group)."""
    workers = {stack.pids()[name]: name for name in WORKERS}
    while pid > 1:
        if pid in workers:
            return workers[pid]
        pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    raise AssertionError("the task process is not in a Celery worker's tree")


def kill_for_good(stack: RunningStack, worker: str) -> None:
    """SIGKILL the worker's whole process tree, then keep supervisord from starting it again (it would, within
    seconds): the retry, queued once the scheduler gives up on the silent task, can only go to the other."""
    os.killpg(stack.pids()[worker], signal.SIGKILL)
    server = supervision.rpc(stack.data / "run")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = server.supervisor.getProcessInfo(worker)["statename"]
        if state == "STOPPED":
            return
        if state in ("STARTING", "RUNNING", "BACKOFF"):
            with contextlib.suppress(xmlrpc.client.Fault):  # it may change state between the two calls
                server.supervisor.stopProcess(worker, True)
        time.sleep(0.1)
    raise AssertionError(f"{worker} could not be kept stopped")


def s3(stack: RunningStack) -> Any:
    """A client of the sandbox's S3 endpoint, the store this stack keeps its files in."""
    port = sandbox_state(stack)["sandbox_s3_port"]
    return boto3.client(
        "s3", endpoint_url=f"https://127.0.0.1:{port}", region_name="sa-east-1", aws_access_key_id="teste",
        aws_secret_access_key="teste", verify=str(stack.data / "sandbox" / "ca-bundle.pem"),
    )  # fmt: skip


def sent_files(stack: RunningStack) -> list[tuple[int, str, str, int]]:
    with psycopg.connect(stack.database_url) as conn:
        rows = conn.execute(
            "SELECT id, uri, sha256, tamanho FROM integracao.arquivo WHERE direcao = 'enviado' ORDER BY id"
        ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


def object_sha256(client: Any, uri: str) -> str:
    """The sha256 of the object behind a stored file's URI (s3://<connection>@<bucket>/<key>)."""
    bucket_and_key = uri.removeprefix("s3://").split("@", 1)[-1]
    bucket, key = bucket_and_key.split("/", 1)
    return hashlib.sha256(client.get_object(Bucket=bucket, Key=key)["Body"].read()).hexdigest()


# --- scenarios ------------------------------------------------------------------------------------------


def test_the_components_are_apart(distributed: RunningStack) -> None:
    """The UI/plugin server does not serve the execution API; the execution server serves nothing else."""
    execution = f"http://127.0.0.1:{sandbox_state(distributed)['execution_port']}"
    assert httpx.get(f"{execution}/execution/health", timeout=10).json() == {"status": "healthy"}
    # The UI server answers unknown paths with its single-page app (HTML), not with the execution API.
    from_ui = httpx.get(f"{distributed.url}/execution/health", timeout=10)
    assert "json" not in from_ui.headers.get("content-type", ""), from_ui.text[:200]
    assert httpx.get(f"{execution}/integracoes/api/v1/health", timeout=10).status_code == 404
    assert httpx.get(f"{distributed.url}/integracoes/api/v1/health", timeout=10).status_code == 200
    status = distributed.make("status", timeout=60)
    for component in ("execution-api", *WORKERS):
        assert re.search(rf"^{component}\s+running", status.stdout, re.MULTILINE), status.stdout


def test_every_demo_partner_runs_on_both_workers_with_files_in_s3(
    distributed: RunningStack, scorecard: Scorecard
) -> None:
    started = time.monotonic()
    with httpx.Client(base_url=distributed.url, headers=admin(distributed), timeout=30) as airflow:
        dags = [d["dag_id"] for d in airflow.get("/api/v2/dags", params={"limit": 100}).json()["dags"]]
        assert len(dags) >= 20, dags

        def every_first_run_ended() -> dict[str, str] | None:
            runs = airflow.get("/api/v2/dags/~/dagRuns", params={"limit": 500}).json()["dag_runs"]
            state = {run["dag_id"]: run["state"] for run in runs if run["run_type"] == "scheduled"}
            ended = all(state.get(dag) in ("success", "failed") for dag in dags)
            return state if ended else None

        state = wait_for("every demo integration's first run to end", every_first_run_ended, timeout=600, every=5)
    failed = sorted(dag for dag, result in state.items() if result != "success")
    assert not failed, f"runs failed on the Celery workers: {failed}"
    busy = {worker: worker_log(distributed, worker).count("Executing workload in Celery") for worker in WORKERS}
    assert all(busy.values()), f"both workers take work: {busy}"
    print(f"{len(dags)} integrations' first runs ended in {time.monotonic() - started:.0f}s; steps per worker {busy}")

    files = sent_files(distributed)
    assert files
    assert all(uri.startswith(f"s3://integracoes_arquivos@{BUCKET}/") for _, uri, _, _ in files), files
    client = s3(distributed)
    mismatched = [uri for _, uri, sha256, _ in files if object_sha256(client, uri) != sha256]
    assert not mismatched, f"objects in S3 differ from what was recorded: {mismatched}"
    assert not (distributed.data / "arquivos").exists(), "nothing is written to the local folder"
    scorecard.record(
        "Distribuído: Celery (2 workers) + S3",
        f"{len(dags)} integrações, {len(failed)} falhas, {len(files)} arquivos no S3, {len(mismatched)} divergentes",
        "0 falhas, 0 divergentes",
    )


def test_a_clients_manual_run_on_celery_is_downloaded_from_s3(distributed: RunningStack) -> None:
    with distributed.client("cliente1") as client:
        integrations = client.get(f"{API}/integrations", params={"search": "Smarket"}).json()["items"]
        smarket = next(i for i in integrations if i["type_code"] == "smarket")
        asked = client.post(
            f"{API}/integrations/{smarket['id']}/runs", json={"data_inicial": days_ago(12), "data_final": days_ago(10)}
        )
        assert asked.status_code == 202, asked.text
        task_id = asked.json()["task"]["id"]

        def ended() -> dict[str, Any] | None:
            items = client.get(f"{API}/integrations/{smarket['id']}/tasks", params={"page_size": 100}).json()["items"]
            task = next(t for t in items if t["id"] == task_id)
            return task if task["status"] in ("completed", "failed") else None

        task = wait_for("the manual run to end", ended, timeout=300)
        assert task["status_label"] == "Concluída", task
        (stored,) = client.get(f"{API}/tasks/{task_id}/files").json()
        download = client.get(f"{API}/files/{stored['id']}/download")
    assert download.status_code == 200, download.text
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        (name,) = archive.namelist()
        content = archive.read(name)
    assert hashlib.sha256(content).hexdigest() == stored["sha256"]
    uri = next(uri for file_id, uri, _, _ in sent_files(distributed) if file_id == stored["id"])
    assert uri.startswith("s3://")
    assert object_sha256(s3(distributed), uri) == stored["sha256"]


def test_a_worker_killed_mid_delivery_is_retried_on_the_other_and_nothing_is_sent_twice(
    distributed: RunningStack, scorecard: Scorecard
) -> None:
    """The partner stores the upload and never answers; the worker running the delivery is SIGKILLed with its
    whole process tree. The scheduler notices the silent task, the retry runs on the surviving worker, and the
    partner has the file exactly once."""
    https = next(t for t in TRANSPORTS if t.type_code == "smarket")
    case = Case(https, AFTER_UPLOAD)
    tenant, branches = vida(distributed)
    try:
        mode = {"mode": "stall_after_store", "times": 1}
        register(
            distributed, case, tenant, branches,
            lambda: set_mode(distributed, "smarket", {**mode, "credencial": case.credential}),
        )  # fmt: skip
        dag_id = case.integration["dag_id"]
        wait_for("the upload to reach the partner's hang", lambda: mode_used_up(distributed, "smarket",
                 case.credential), timeout=300, every=0.5)  # fmt: skip
        pid = wait_for("the delivery's process", lambda: task_process(distributed, dag_id, DELIVERY_STEP), timeout=60)
        killed = worker_of(distributed, pid)
        survivor = next(w for w in WORKERS if w != killed)
        kill_for_good(distributed, killed)
        at = time.monotonic()

        def ended() -> list[tuple[int, str]] | None:
            tasks = tasks_of(distributed, case)
            return tasks if tasks and all(status in ("completed", "failed") for _, status in tasks) else None

        tasks = wait_for("the task to end after the worker died", ended, timeout=300, every=1)
        to_end = time.monotonic() - at
        print(f"{killed} killed; the task ended {to_end:.0f}s later on {survivor}")
        assert [status for _, status in tasks] == ["completed"], tasks
        assert max(delivery_tries(distributed, dag_id)) >= 2
        assert executed_by(distributed, survivor, dag_id, DELIVERY_STEP, 2), "the retry ran on the other worker"
        check_partner(distributed, case)
        assert not case.problems, case.problems
    finally:
        if case.credential:
            set_mode(distributed, "smarket", {"mode": "ok", "credencial": case.credential})
        deactivate(distributed, case)
    scorecard.record(
        "Distribuído: worker morto durante o envio",
        f"retentado no outro worker em {to_end:.0f} s; {case.duplicates} duplicados, {case.partial} parciais",
        f"0 / 0 (detecção em {HEARTBEAT_TIMEOUT_S} s de silêncio)",
    )
