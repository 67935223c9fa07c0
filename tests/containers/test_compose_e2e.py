"""docker-compose.yaml in real containers (podman), driven over its published port as a user would:
`make test-containers` (CI runs it). The images are built first (tests/containers/images.py); the deployment is
the real compose file with tests/containers/compose.test.yaml over it (stand-ins for the images no registry
gives here, the partner sandbox beside it).

podman 4.3 (Debian 12) does not act on `depends_on` conditions, and runs no healthcheck by itself without
systemd: `Deployment.up` starts the services in the order the compose file's conditions declare, and waits on
each condition itself (`podman healthcheck run`, the exit code of a one-shot service).

Scenario: sign in; the ERP has movements; register an SFTP partner; its run goes through both Celery workers;
the client downloads the file the partner received; a worker container killed while its delivery hangs at the
partner — the task is retried and the partner has the file once; `down` and `up` again — the data is there and
the next run delivers.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import ssl
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml

from sandbox import certs as sandbox_certs
from tests.containers.images import REPO, build_all
from tests.integration.test_runs_e2e import wait_for
from tests.stack_fixtures import free_port

pytestmark = [pytest.mark.containers, pytest.mark.timeout(3600)]

PROJECT = "integracoes-ci"
COMPOSE_FILES = (REPO / "docker-compose.yaml", REPO / "tests" / "containers" / "compose.test.yaml")
API = "/integracoes/api/v1"
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
# podman-compose from the virtualenv (Debian's 1.0.3 lacks `!override` and `--no-deps` as used here).
PODMAN_COMPOSE = str(Path(sys.executable).parent / "podman-compose")
SFTP_USER = "conteineres"
DELIVERY_STEP = "entregar"


@dataclass
class Deployment:
    folder: Path
    port: int = field(default_factory=free_port)
    sandbox_port: int = field(default_factory=free_port)
    admin_password: str = field(default_factory=lambda: secrets.token_urlsafe(12))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sandbox_data(self) -> Path:
        return self.folder / "sandbox"

    def write_env(self) -> None:
        from cryptography.fernet import Fernet

        settings = {
            "AIRFLOW_FERNET_KEY": Fernet.generate_key().decode(),
            "AIRFLOW_JWT_SECRET": secrets.token_urlsafe(48),
            "AIRFLOW_API_SECRET_KEY": secrets.token_urlsafe(48),
            "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
            "S3_ACCESS_KEY": "integracoes",
            "S3_SECRET_KEY": secrets.token_urlsafe(24),
            "AIRFLOW_ADMIN_PASSWORD": self.admin_password,
            "AIRFLOW_PORT": str(self.port),
            "AIRFLOW_BASE_URL": self.url,
            "SANDBOX_DATA": str(self.sandbox_data),
            "SANDBOX_PORT": str(self.sandbox_port),
        }
        (self.folder / ".env").write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
        # The sandbox's certificate and SFTP host key exist before it starts: the test trusts and confirms them.
        sandbox_certs.ensure(self.sandbox_data)
        sandbox_certs.ssh_host_key(self.sandbox_data)

    def compose(self, *args: str, capture: bool = False) -> str:
        """podman-compose on the deployment; what it and podman say goes to compose.log (podman 4.3 says, for
        every container, that it has no systemd to run healthchecks with)."""
        files = [arg for path in COMPOSE_FILES for arg in ("-f", str(path))]
        with (self.folder / "compose.log").open("a") as log:
            done = subprocess.run(
                [PODMAN_COMPOSE, "-p", PROJECT, *files, "--env-file", str(self.folder / ".env"), *args],
                cwd=REPO, check=True, text=True, stdout=subprocess.PIPE if capture else log, stderr=log,
            )  # fmt: skip
        return done.stdout or ""

    def services(self) -> dict[str, dict[str, Any]]:
        return dict(yaml.safe_load(self.compose("config", capture=True))["services"])

    @staticmethod
    def container(service: str) -> str:
        return f"{PROJECT}_{service}_1"

    def condition_met(self, service: str, condition: str) -> bool:
        inspected = subprocess.run(["podman", "inspect", self.container(service)], capture_output=True, text=True)
        if inspected.returncode:
            return False
        state = json.loads(inspected.stdout)[0]["State"]
        if condition == "service_completed_successfully":
            if state["Status"] == "exited" and state["ExitCode"]:
                raise AssertionError(f"{service} ended with {state['ExitCode']}:\n{self.logs(service)}")
            return bool(state["Status"] == "exited")
        if condition == "service_healthy":
            check = subprocess.run(["podman", "healthcheck", "run", self.container(service)], capture_output=True)
            return check.returncode == 0
        return bool(state["Status"] == "running")

    def up(self, timeout: float = 600) -> float:
        """Start every service once what it depends on is met, as the compose file's conditions say."""
        started_at = time.monotonic()
        services = self.services()
        needs = {name: dict(spec.get("depends_on") or {}) for name, spec in services.items()}
        started: set[str] = set()
        while len(started) < len(services):
            ready = sorted(
                name
                for name in services
                if name not in started
                and all(
                    dep in started and self.condition_met(dep, (how or {}).get("condition", "service_started"))
                    for dep, how in needs[name].items()
                )
            )
            if ready:
                self.compose("up", "-d", "--no-deps", *ready)
                started.update(ready)
            elif time.monotonic() - started_at > timeout:
                raise AssertionError(f"services never started: {sorted(set(services) - started)}")
            else:
                time.sleep(3)
        healthchecked = [name for name, spec in services.items() if spec.get("healthcheck")]
        healthy = lambda: all(self.condition_met(s, "service_healthy") for s in healthchecked)  # noqa: E731
        wait_for("every healthcheck to pass", healthy, timeout=timeout, every=5)
        return time.monotonic() - started_at

    def logs(self, service: str) -> str:
        found = subprocess.run(["podman", "logs", "--tail", "60", self.container(service)], capture_output=True,
                               text=True)  # fmt: skip
        return found.stdout + found.stderr

    def exec(self, service: str, *command: str) -> str:
        return subprocess.run(["podman", "exec", self.container(service), *command], check=True, capture_output=True,
                              text=True).stdout  # fmt: skip

    def token(self) -> str:
        answer = httpx.post(f"{self.url}/auth/token", json={"username": "admin", "password": self.admin_password},
                            timeout=30)  # fmt: skip
        assert answer.status_code == 201, answer.text
        return str(answer.json()["access_token"])

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token()}"}, timeout=60)

    def sandbox(self) -> httpx.Client:
        trust = ssl.create_default_context(cafile=str(self.sandbox_data / "ca-bundle.pem"))
        return httpx.Client(base_url=f"https://127.0.0.1:{self.sandbox_port}", verify=trust, timeout=30)

    def received(self) -> list[dict[str, Any]]:
        with self.sandbox() as sandbox:
            return [r for r in sandbox.get("/_sandbox/trivio/received").json() if r["user"] == SFTP_USER]

    def save_logs(self) -> None:
        target = self.folder / "logs"
        target.mkdir(exist_ok=True)
        for service in self.services():
            (target / f"{service}.log").write_text(self.logs(service))


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    started = time.monotonic()
    built = build_all()
    print(f"\nImages ({time.monotonic() - started:.0f} s):\n" + "\n".join(b.line() for b in built))
    running = Deployment(tmp_path_factory.mktemp("compose"))
    running.write_env()
    running.compose("down", "-v")  # what an interrupted earlier run left
    try:
        print(f"Deployment up in {running.up():.0f} s")
        yield running
    finally:
        artifacts = Path(os.environ.get("INTEGRACOES_TEST_ARTIFACTS", REPO / "test-artifacts")) / "containers"
        try:  # the logs of the last state, for a person to read after a failure
            running.save_logs()
            artifacts.mkdir(parents=True, exist_ok=True)
            for log in [*(running.folder / "logs").glob("*.log"), running.folder / "compose.log"]:
                (artifacts / log.name).write_text(log.read_text())
        finally:
            running.compose("down", "-v")


def tasks_of(client: httpx.Client, integration_id: int) -> list[dict[str, Any]]:
    return list(client.get(f"{API}/integrations/{integration_id}/tasks", params={"page_size": 100}).json()["items"])


def ended(client: httpx.Client, integration_id: int, count: int) -> list[dict[str, Any]] | None:
    found = tasks_of(client, integration_id)
    done = [t for t in found if t["status"] in ("completed", "failed")]
    return found if len(done) >= count and len(done) == len(found) else None


def task_instances(client: httpx.Client, dag_id: str) -> list[dict[str, Any]]:
    runs = client.get(f"/api/v2/dags/{dag_id}/dagRuns").json()["dag_runs"]
    return [ti for run in runs for ti in client.get(f"/api/v2/dags/{dag_id}/dagRuns/{run['dag_run_id']}"
                                                      "/taskInstances").json()["task_instances"]]  # fmt: skip


def download(client: httpx.Client, task_id: int) -> tuple[str, bytes]:
    (stored,) = client.get(f"{API}/tasks/{task_id}/files").json()
    answer = client.get(f"{API}/files/{stored['id']}/download")
    assert answer.status_code == 200, answer.text
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        (name,) = archive.namelist()
        return name, archive.read(name)


def today_in_sao_paulo() -> date:
    return datetime.now(SAO_PAULO).date()


def test_the_compose_file_runs_delivers_survives_a_killed_worker_and_a_restart(deployment: Deployment) -> None:
    # An anonymous caller gets nothing over the published port; the administrator signs in.
    assert httpx.get(f"{deployment.url}{API}/integrations", timeout=30).status_code == 401
    # The ERP has three days of movements (its own writes, as the chain's ERP makes them).
    deployment.exec("airflow-api-server", "python", "-m", "include.integracoes.demo_data", "--tenants", "1",
                    "--branches", "2", "--days", "4", "--sales-per-day", "20", "--products", "40",
                    "--customers", "40")  # fmt: skip
    fingerprint = sandbox_certs.ssh_host_key(deployment.sandbox_data)[1]
    with deployment.client() as client:
        (tenant,) = client.get(f"{API}/tenants").json()["items"]
        assert client.put(f"{API}/tenants/{tenant['id']}/services", json=["trivio"]).status_code == 200
        branches = [b["id"] for b in client.get(f"{API}/branches", params={"tenant_id": tenant["id"]}).json()]
        config = {"sftp_host": "sandbox", "sftp_porta": "2222", "sftp_usuario": SFTP_USER, "sftp_senha": "e2e",
                  "sftp_diretorio": "/vendas", "sftp_chave_host": fingerprint}  # fmt: skip
        created = client.post(f"{API}/integrations", json={
            "tenant_id": tenant["id"], "description": "Trivio em contêineres", "type_code": "trivio", "active": True,
            "interval_minutes": 720, "branches": branches,
            "config": [{"key": k, "value": v} for k, v in config.items()],
        })  # fmt: skip
        assert created.status_code == 201, created.text
        integration = created.json()

        # Its first scheduled run, on the Celery workers.
        started = time.monotonic()
        (first,) = wait_for("the first run's task to end", lambda: ended(client, integration["id"], 1), timeout=300)
        print(f"first delivery {time.monotonic() - started:.0f} s after saving")
        assert first["status"] == "completed", first
        workers = {ti["hostname"] for ti in task_instances(client, integration["dag_id"])}
        assert workers <= {"airflow-worker-1", "airflow-worker-2"}, workers

        # The client downloads what the partner received: the same bytes, once.
        name, content = download(client, first["id"])
        (copy,) = deployment.received()
        assert (copy["name"], copy["sha256"]) == (name, hashlib.sha256(content).hexdigest())

        # A worker container killed while its delivery hangs at the partner (the file is stored, the answer never
        # comes): the scheduler hears nothing from it, the step is retried, and the partner has the file once.
        with deployment.sandbox() as sandbox:
            mode = {"mode": "stall_after_store", "times": 1, "credencial": SFTP_USER}
            assert sandbox.post("/_sandbox/trivio/mode", json=mode).status_code < 300
        day = today_in_sao_paulo() - timedelta(days=2)
        asked = client.post(f"{API}/integrations/{integration['id']}/runs",
                            json={"data_inicial": day.isoformat(), "data_final": day.isoformat()})  # fmt: skip
        assert asked.status_code == 202, asked.text

        def hanging_worker() -> str | None:
            with deployment.sandbox() as sandbox:
                used = sandbox.get("/_sandbox/trivio/mode", params={"credencial": SFTP_USER}).json()["mode"] == "ok"
            running = [ti for ti in task_instances(client, integration["dag_id"])
                       if ti["task_id"] == DELIVERY_STEP and ti["state"] == "running"]  # fmt: skip
            return str(running[0]["hostname"]) if used and running else None

        worker = wait_for("the delivery to hang at the partner", hanging_worker, timeout=300, every=1)
        subprocess.run(["podman", "kill", deployment.container(worker)], check=True, capture_output=True)
        killed_at = time.monotonic()
        tasks = wait_for("the killed delivery's task to end", lambda: ended(client, integration["id"], 2), timeout=420,
                         every=3)  # fmt: skip
        print(f"{worker} killed; its task ended {time.monotonic() - killed_at:.0f} s later")
        again = next(t for t in tasks if t["data_inicial"] == day.isoformat())
        assert again["status"] == "completed", again
        instances = task_instances(client, integration["dag_id"])
        tries = [ti["try_number"] for ti in instances if ti["task_id"] == DELIVERY_STEP]
        assert max(tries) >= 2, tries
        name, content = download(client, again["id"])
        copies = [r for r in deployment.received() if r["name"] == name]
        assert [c["sha256"] for c in copies] == [hashlib.sha256(content).hexdigest()], copies
        task_count = len(tasks)

    # down, then up again: the data is still there, and the next run delivers.
    deployment.compose("down")
    print(f"Deployment up again in {deployment.up():.0f} s")
    with deployment.client() as client:
        listed = tasks_of(client, integration["id"])
        assert len(listed) == task_count
        assert client.get(f"{API}/integrations/{integration['id']}").json()["description"] == "Trivio em contêineres"
        day = today_in_sao_paulo() - timedelta(days=3)
        asked = client.post(f"{API}/integrations/{integration['id']}/runs",
                            json={"data_inicial": day.isoformat(), "data_final": day.isoformat()})  # fmt: skip
        assert asked.status_code == 202, asked.text
        tasks = wait_for("the run after the restart", lambda: ended(client, integration["id"], task_count + 1),
                         timeout=300)  # fmt: skip
        last = next(t for t in tasks if t["data_inicial"] == day.isoformat())
        assert last["status"] == "completed", last
        name, content = download(client, last["id"])
        sums = [r["sha256"] for r in deployment.received() if r["name"] == name]
        assert sums == [hashlib.sha256(content).hexdigest()]
