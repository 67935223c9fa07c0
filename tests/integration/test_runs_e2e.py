"""End to end on the real stack: a registered Smarket integration becomes a DAG, the scheduler runs it,
the file reaches the partner sandbox, and the client follows it through tasks, files and logs."""

from __future__ import annotations

import hashlib
import io
import json
import time
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from include.integracoes import files as files_service
from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"


def wait_for(what: str, probe: Callable[[], Any], timeout: float = 240, every: float = 2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def register_smarket(
    stack: RunningStack, description: str, *, active: bool = True, token: str = "token-e2e"
) -> dict[str, Any]:
    """A Smarket integration of cliente1's tenant delivering to the sandbox; a test that sets a failure mode for
    its partner passes a `token` of its own and limits the mode to it (RunningStack.partner_mode)."""
    with stack.client("cliente1") as client:
        tenant_id = client.get(f"{API}/me").json()["tenants"][0]["id"]
    with stack.client("suporte") as agent:
        branches = [b["id"] for b in agent.get(f"{API}/branches", params={"tenant_id": tenant_id}).json()]
        response = agent.post(
            f"{API}/integrations",
            json={
                "tenant_id": tenant_id, "description": description, "type_code": "smarket", "active": active,
                "interval_minutes": 60, "branches": branches,
                "config": [{"key": "url_api", "value": f"{stack.sandbox_url}/smarket/v1"},
                           {"key": "token", "value": token}, {"key": "codigo_cliente", "value": "FV-E2E"}],
            },
        )  # fmt: skip
    assert response.status_code == 201, response.text
    return dict(response.json())


def finished_task(stack: RunningStack, integration_id: int) -> dict[str, Any] | None:
    with stack.client("cliente1") as client:
        items = client.get(f"{API}/integrations/{integration_id}/tasks").json()["items"]
    done = [t for t in items if t["status"] in ("completed", "failed")]
    return done[0] if done else None


def dag_registered(stack: RunningStack, dag_id: str) -> bool:
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    return httpx.get(f"{stack.url}/api/v2/dags/{dag_id}", headers=admin, timeout=10).status_code == 200


def test_scheduled_run_delivers_the_file_and_the_client_follows_it(stack: RunningStack) -> None:
    integration = register_smarket(stack, f"Smarket e2e {uuid.uuid4().hex[:6]}")
    started = time.monotonic()
    wait_for("the DAG to be parsed", lambda: dag_registered(stack, integration["dag_id"]), timeout=120)
    print(f"DAG registered {time.monotonic() - started:.1f}s after saving")

    task = wait_for("the task to finish", lambda: finished_task(stack, integration["id"]))
    assert task["status"] == "completed", task
    assert task["status_label"] == "Concluída"
    assert task["requested_by"] == "Sistema"

    with stack.client("cliente1") as client:
        files = client.get(f"{API}/tasks/{task['id']}/files").json()
        assert len(files) == 1
        stored = files[0]
        assert stored["status_label"] == "Enviada"
        download = client.get(f"{API}/files/{stored['id']}/download")
        assert download.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
            (name,) = archive.namelist()
            content = archive.read(name)
        assert name == stored["name"]
        assert hashlib.sha256(content).hexdigest() == stored["sha256"]
        lines = client.get(f"{API}/integrations/{integration['id']}/logs").json()["items"]
    with stack.sandbox() as sandbox:
        received = {r["name"]: r for r in sandbox.get("/_sandbox/smarket/received").json()}
    assert received[stored["name"]]["sha256"] == stored["sha256"]
    assert content.startswith(b"filial;cnpj_filial;data;cupom;")

    messages = [line["message"] for line in lines]
    assert any(m.startswith(f"Tarefa {task['code']} aberta") for m in messages)
    assert any(m.startswith(f"Arquivo {stored['name']} gerado") for m in messages)
    assert any("enviado ao parceiro: protocolo" in m for m in messages)
    assert all("token-e2e" not in m for m in messages)

    # The same lines arrive through the live stream (Server-Sent Events).
    headers = {"Authorization": f"Bearer {stack.token('cliente1')}"}
    events = []
    with httpx.stream("GET", f"{stack.url}{API}/integrations/{integration['id']}/logs/stream", headers=headers,
                      timeout=30) as stream:  # fmt: skip
        assert stream.headers["content-type"].startswith("text/event-stream")
        for raw in stream.iter_lines():
            if raw.startswith("data: "):
                events.append(json.loads(raw.removeprefix("data: "))["message"])
            if len(events) >= len(messages):
                break
    assert events == messages

    with stack.client("cliente2") as other:
        assert other.get(f"{API}/files/{stored['id']}/download").status_code == 404
        assert other.get(f"{API}/tasks/{task['id']}/files").status_code == 404
        assert other.get(f"{API}/integrations/{integration['id']}/logs").status_code == 404

    # The product's metrics reach the StatsD collector through Airflow's own client (names in the README).
    assert stack.metrics is not None
    sent = wait_for(
        "the run's metrics",
        lambda: (
            (lines := list(stack.metrics.lines))
            and any(line.startswith("airflow.integracoes.entrega.smarket:") and line.endswith("|ms") for line in lines)
            and lines
        ),
        timeout=60,
    )
    for name in ("tarefa.completed.smarket", "bytes.smarket", "linhas.smarket"):
        assert any(line.startswith(f"airflow.integracoes.{name}:") for line in sent), (name, sent[-20:])

    # Past the retention period the bytes leave storage; the row stays, marked expired, and a download says so.
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute("UPDATE integracao.arquivo SET criado_em = now() - interval '91 days' WHERE id = %s",
                     (stored["id"],))  # fmt: skip
        assert files_service.expire_old(conn, 90) >= 1
    with stack.client("cliente1") as client:
        (expired,) = client.get(f"{API}/tasks/{task['id']}/files").json()
        gone = client.get(f"{API}/files/{stored['id']}/download")
    assert expired["expired"] is True
    assert expired["sha256"] == stored["sha256"]
    assert gone.status_code == 410
    assert gone.json()["message"] == "Arquivo expirado: os arquivos são guardados por 90 dias."


def test_partner_down_ends_in_falha_no_envio_with_a_reason(stack: RunningStack) -> None:
    token = f"fora-do-ar-{uuid.uuid4().hex[:8]}"
    with stack.partner_mode("smarket", token, "fail", status=503):
        integration = register_smarket(stack, f"Smarket fora do ar {uuid.uuid4().hex[:6]}", token=token)
        task = wait_for("the task to fail", lambda: finished_task(stack, integration["id"]), timeout=300)
    assert task["status"] == "failed", task
    assert task["status_label"] == "Falha no envio"
    assert task["failure_reason"] == "Parceiro indisponível (HTTP 503) após 4 tentativas"
    with stack.client("cliente1") as client:
        (stored,) = client.get(f"{API}/tasks/{task['id']}/files").json()
        lines = client.get(f"{API}/integrations/{integration['id']}/logs").json()["items"]
    assert stored["status"] == "failed"
    assert any(line["level"] == "ERROR" and "Parceiro indisponível" in line["message"] for line in lines)

    # The partner is back: the next run sends the failed day again and it completes.
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    triggered = httpx.post(
        f"{stack.url}/api/v2/dags/{integration['dag_id']}/dagRuns",
        headers=admin,
        json={"logical_date": None},
        timeout=30,
    )
    assert triggered.status_code == 200, triggered.text

    def retried() -> dict[str, Any] | None:
        with stack.client("cliente1") as client:
            items = client.get(f"{API}/integrations/{integration['id']}/tasks").json()["items"]
        return next((t for t in items if t["status"] == "completed"), None)

    # The failed day is retried by its own task (its file, had it reached the partner, is not sent twice).
    again = wait_for("the failed day to be delivered", retried, timeout=180)
    assert (again["id"], again["code"]) == (task["id"], task["code"])
    assert (again["data_inicial"], again["data_final"]) == (task["data_inicial"], task["data_final"])


def test_a_run_ended_from_outside_never_leaves_its_task_pending(stack: RunningStack) -> None:
    """The dead-run rule: a run that dies (here: failed by an operator while its delivery hangs) ends its
    task within a minute with a truthful reason, and the client may request the period again at once."""
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    token = f"run-morto-{uuid.uuid4().hex[:8]}"
    with stack.partner_mode("smarket", token, "stall"):
        integration = register_smarket(stack, f"Smarket run morto {uuid.uuid4().hex[:6]}", token=token)
        runs_url = f"{stack.url}/api/v2/dags/{integration['dag_id']}/dagRuns"

        def hanging_run() -> str | None:
            if not dag_registered(stack, integration["dag_id"]):
                return None
            for run in httpx.get(runs_url, headers=admin, timeout=10).json().get("dag_runs", []):
                instances = httpx.get(f"{runs_url}/{run['dag_run_id']}/taskInstances", headers=admin,
                                      timeout=10).json().get("task_instances", [])  # fmt: skip
                if any(t["task_id"] == "entregar" and t["state"] == "running" for t in instances):
                    return str(run["dag_run_id"])
            return None

        run_id = wait_for("the delivery to hang", hanging_run, timeout=240)
        failed = httpx.patch(f"{runs_url}/{run_id}", headers=admin, json={"state": "failed"}, timeout=30)
        assert failed.status_code == 200, failed.text
        ended_at = time.monotonic()
        task = wait_for("the task to end", lambda: finished_task(stack, integration["id"]), timeout=90)
        print(f"task ended {time.monotonic() - ended_at:.1f}s after its run failed")
    assert task["status"] == "failed", task
    assert "interrompido" in task["failure_reason"], task
    period = {"data_inicial": task["data_inicial"], "data_final": task["data_final"]}
    with stack.client("cliente1") as client:
        again = client.post(f"{API}/integrations/{integration['id']}/runs", json=period)
    assert again.status_code == 202, again.text
