"""End to end on the real stack, for the partners that send to us (the four warehouses and Cosmos): a run
sends what is new, fetches what the partner offers, keeps it exactly as received (the client downloads it)
and applies it to the ERP data — once, whole or not at all.

Integrations are registered for Drogaria Saúde (cliente2), which has none of these types in the demo, so
no other integration changes its stock while a test watches; each test deactivates what it registered.
"""

from __future__ import annotations

import io
import json
import os
import signal
import uuid
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from include.integracoes import demo_data
from tests.integration.test_runs_e2e import dag_registered, wait_for
from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"
WAREHOUSES = ("linx_wms", "exact_wms", "fisoft_wms", "delage_wms")


# --- helpers -----------------------------------------------------------------------------------------


def saude(stack: RunningStack) -> int:
    with stack.client("cliente2") as client:
        return int(client.get(f"{API}/me").json()["tenants"][0]["id"])


def partner_config(stack: RunningStack, type_code: str, credential: str) -> dict[str, str]:
    """The type's configuration pointing at the sandbox, with a credential of this test only (the sandbox
    keeps an inbox per credential)."""
    url = stack.sandbox_url
    sftp_port = json.loads((stack.data / "state.json").read_text())["sandbox_sftp_port"]
    sftp = {
        "sftp_host": "127.0.0.1",
        "sftp_porta": str(sftp_port),
        "sftp_usuario": credential,
        "sftp_senha": "e2e",
        "sftp_chave_host": stack.sftp_host_key,
    }
    return {
        "linx_wms": {"url_api": f"{url}/linx/wms", "usuario": credential, "senha": "e2e", "codigo_deposito": "7"},
        "exact_wms": {**sftp, "sftp_diretorio": "/exact"},
        "fisoft_wms": {**sftp, "sftp_diretorio": "/fisoft"},
        "delage_wms": {"url_api": f"{url}/delage/wms", "token": credential},
        "cosmos": {"url_api": f"{url}/cosmos", "token": credential},
        "proffer": {
            "url_api": f"{url}/proffer/v1",
            "token": credential,
            "dias_historico": "90",
            "margem_minima_percentual": "10",
            "arredondamento": "0,99",
        },
    }[type_code]


@contextmanager
def registered(stack: RunningStack, type_code: str, credential: str, branches: list[int]) -> Iterator[dict[str, Any]]:
    """An active integration of Drogaria Saúde (its first run starts once the DAG is registered);
    deactivated afterwards so it never wakes up during later tests."""
    config = partner_config(stack, type_code, credential)
    with stack.client("suporte") as agent:
        created = agent.post(f"{API}/integrations", json={
            "tenant_id": saude(stack), "description": f"{type_code} e2e {uuid.uuid4().hex[:6]}", "type_code": type_code,
            "active": True, "interval_minutes": 720, "branches": branches,
            "config": [{"key": k, "value": v} for k, v in config.items()],
        })  # fmt: skip
        assert created.status_code == 201, created.text
        integration = dict(created.json())
        try:
            yield integration
        finally:
            agent.put(f"{API}/integrations/{integration['id']}", json={"active": False})


def runs_by_state(stack: RunningStack, dag_id: str) -> dict[str, int]:
    if not dag_registered(stack, dag_id):
        return {}
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    runs = httpx.get(f"{stack.url}/api/v2/dags/{dag_id}/dagRuns", headers=admin, timeout=10).json()["dag_runs"]
    states: dict[str, int] = {}
    for run in runs:
        states[run["state"]] = states.get(run["state"], 0) + 1
    return states


def finished_runs(stack: RunningStack, dag_id: str) -> int:
    states = runs_by_state(stack, dag_id)
    return states.get("success", 0) + states.get("failed", 0)


def run_now(stack: RunningStack, dag_id: str) -> None:
    """Trigger a run once the DAG is registered and no run of it is under way (the scheduler may have started
    one of its own), and wait for every run to finish."""
    wait_for("the DAG to be registered", lambda: dag_registered(stack, dag_id), timeout=120)

    def idle() -> bool:
        states = runs_by_state(stack, dag_id)
        return not (states.get("queued", 0) or states.get("running", 0))

    wait_for("the runs under way to finish", idle, timeout=180)
    done = finished_runs(stack, dag_id)
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    triggered = httpx.post(f"{stack.url}/api/v2/dags/{dag_id}/dagRuns", headers=admin, json={"logical_date": None},
                           timeout=30)  # fmt: skip
    assert triggered.status_code == 200, triggered.text
    wait_for("the run to finish", lambda: finished_runs(stack, dag_id) > done and idle(), timeout=180)


def ended_tasks(stack: RunningStack, integration_id: int) -> list[dict[str, Any]]:
    with stack.client("cliente2") as client:
        items = client.get(f"{API}/integrations/{integration_id}/tasks", params={"page_size": 100}).json()["items"]
    return [t for t in items if t["status"] in ("completed", "failed")]


def next_ended_task(stack: RunningStack, integration_id: int, seen: int = 0) -> dict[str, Any]:
    """The newest task once more than `seen` tasks have ended."""
    return dict(wait_for(
        "a task to end",
        lambda: (ended := ended_tasks(stack, integration_id)) and len(ended) > seen and ended[0],
        timeout=240,
    ))  # fmt: skip


def files_of(stack: RunningStack, task_id: int) -> list[dict[str, Any]]:
    with stack.client("cliente2") as client:
        return list(client.get(f"{API}/tasks/{task_id}/files").json())


def download(stack: RunningStack, file: dict[str, Any]) -> bytes:
    with stack.client("cliente2") as client:
        response = client.get(f"{API}/files/{file['id']}/download")
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return archive.read(file["name"])


def offered(stack: RunningStack, partner: str, credential: str) -> list[dict[str, Any]]:
    with stack.sandbox() as sandbox:
        return list(sandbox.get(f"/_sandbox/{partner}/inbox", params={"credencial": credential}).json())


def offered_bytes(stack: RunningStack, partner: str, credential: str, file_id: str) -> bytes:
    with stack.sandbox() as sandbox:
        return sandbox.get(f"/_sandbox/{partner}/inbox/{file_id}", params={"credencial": credential}).content


def database(stack: RunningStack) -> psycopg.Connection:
    return psycopg.connect(stack.database_url, autocommit=True)


def branch_and_products(stack: RunningStack, count: int) -> tuple[int, list[tuple[int, str]]]:
    """A branch of Drogaria Saúde and `count` of its products (id, EAN) nobody else moves in these tests."""
    with database(stack) as conn:
        tenant = saude(stack)
        branch = conn.execute("SELECT min(id) FROM erp.filial WHERE tenant_id = %s", (tenant,)).fetchone()[0]  # type: ignore[index]
        rows = conn.execute(
            """SELECT id, ean FROM erp.produto WHERE tenant_id = %s AND id NOT IN (
                   SELECT produto_id FROM erp.movimento_estoque) ORDER BY id DESC LIMIT %s""",
            (tenant, count),
        ).fetchall()
    return int(branch), [(int(r[0]), str(r[1])) for r in rows]


@contextmanager
def new_order(stack: RunningStack, branch: int, items: list[tuple[int, int]]) -> Iterator[int]:
    """A replenishment order raised ten minutes ago (past the incremental safety lag); its number. Moved two
    days back afterwards, so integrations registered by later tests do not send it again."""
    with database(stack) as conn:
        row = conn.execute(
            """INSERT INTO erp.pedido_reposicao (tenant_id, filial_id, numero, emitido_em)
               SELECT tenant_id, id, (SELECT coalesce(max(numero), 0) + 1 FROM erp.pedido_reposicao),
                      now() - interval '10 minutes' FROM erp.filial WHERE id = %s RETURNING id, numero""",
            (branch,),
        ).fetchone()
        assert row is not None
        for item, (product, quantity) in enumerate(items, 1):
            conn.execute("INSERT INTO erp.pedido_reposicao_item VALUES (%s, %s, %s, %s)",
                         (row[0], item, product, quantity))  # fmt: skip
    try:
        yield int(row[1])
    finally:
        with database(stack) as conn:
            conn.execute("UPDATE erp.pedido_reposicao SET emitido_em = emitido_em - interval '2 days' WHERE id = %s",
                         (row[0],))  # fmt: skip


def stock(stack: RunningStack, branch: int, product: int) -> Decimal:
    with database(stack) as conn:
        row = conn.execute("SELECT quantidade FROM erp.estoque WHERE filial_id = %s AND produto_id = %s",
                           (branch, product)).fetchone()  # fmt: skip
    return Decimal(row[0]) if row else Decimal(0)


def applied_movements(stack: RunningStack, integration_id: int) -> int:
    with database(stack) as conn:
        row = conn.execute("SELECT count(*) FROM erp.movimento_estoque WHERE integracao_id = %s", (integration_id,))
        return int(row.fetchone()[0])  # type: ignore[index]


# --- warehouses: orders out, movements back ---------------------------------------------------------


@pytest.mark.parametrize("type_code", WAREHOUSES)
def test_a_warehouse_run_sends_orders_and_applies_the_movements_it_offers(stack: RunningStack, type_code: str) -> None:
    credential = f"e2e-{type_code.replace('_', '-')}-{uuid.uuid4().hex[:6]}"
    branch, products = branch_and_products(stack, 2)
    (first, _), (second, _) = products
    before = {p: stock(stack, branch, p) for p, _ in products}
    with (
        new_order(stack, branch, [(first, 7), (second, 5)]) as order,
        registered(stack, type_code, credential, [branch]) as integration,
    ):
        task = next_ended_task(stack, integration["id"])
        assert task["status"] == "completed", task
        files = files_of(stack, task["id"])
        sent = [f for f in files if f["direction"] == "sent"]
        received = [f for f in files if f["direction"] == "received"]
        assert [f["status"] for f in sent] == ["sent"], files
        assert [f["status"] for f in received] == ["completed"], files
        assert received[0]["direction_label"] == "Recebido"
        assert str(order) in download(stack, sent[0]).decode("latin-1"), "the order went out"
        (offer,) = offered(stack, type_code, credential)
        assert offer["confirmado"], "applied, then acknowledged to the partner"
        assert download(stack, received[0]) == offered_bytes(stack, type_code, credential, offer["id"]), (
            "the client downloads exactly what the partner sent"
        )
    # The warehouse shipped what was ordered and took one damaged unit of the first item back.
    assert stock(stack, branch, first) == before[first] + 7 - 1
    assert stock(stack, branch, second) == before[second] + 5
    assert applied_movements(stack, integration["id"]) == 3


# --- Cosmos: the catalogue by EAN ----------------------------------------------------------------------


def test_cosmos_updates_and_creates_products_by_ean_and_audits_each_change(stack: RunningStack) -> None:
    credential = f"e2e-cosmos-{uuid.uuid4().hex[:6]}"
    branch, products = branch_and_products(stack, 2)
    new_ean = demo_data.ean13(saude(stack) * 1_000_000 + 900_000 + int(uuid.uuid4().int % 90_000))
    with stack.sandbox() as sandbox:
        eans = [ean for _, ean in products] + [new_ean]
        answer = sandbox.post("/_sandbox/cosmos/catalogo", json={"credencial": credential, "eans": eans})
        assert answer.status_code < 300, answer.text
    with registered(stack, "cosmos", credential, [branch]) as integration:
        task = next_ended_task(stack, integration["id"])
        assert task["status"] == "completed", task
        (received,) = files_of(stack, task["id"])
        assert received["direction"] == "received"
        catalogue = json.loads(download(stack, received))["produtos"]
    by_ean = {p["ean"]: p for p in catalogue}
    with database(stack) as conn:
        rows = {r[0]: r[1:] for r in conn.execute(
            "SELECT ean, descricao, marca, ncm FROM erp.produto WHERE tenant_id = %s AND ean = ANY(%s)",
            (saude(stack), list(by_ean)),
        )}  # fmt: skip
        audited = conn.execute(
            "SELECT acao, count(*) FROM integracao.auditoria WHERE arquivo_id = %s GROUP BY 1 ORDER BY 1",
            (received["id"],),
        ).fetchall()
    assert rows == {ean: (p["descricao"], p["marca"], p["ncm"]) for ean, p in by_ean.items()}
    assert dict(audited) == {"produto.atualizado": 2, "produto.criado": 1}


# --- bad files: refused whole, with a reason, nothing applied, offered again ---------------------------

BAD_KINDS = {
    "unknown_ean": "não cadastrado",
    "unknown_branch": "não faz parte desta integração",
    "schema": "registro",
    "duplicate": "repetido no arquivo",
    "encoding": "UTF-8",
    "truncated": "incompleto",
    "oversize": "limite",
}


def test_each_kind_of_bad_file_is_refused_with_its_reason_and_nothing_applied(stack: RunningStack) -> None:
    """Every kind at once, each with a credential (and so an inbox and an integration) of its own."""
    branch, products = branch_and_products(stack, 2)
    with new_order(stack, branch, [(p, 3) for p, _ in products]), ExitStack() as registrations:
        cases = {}
        for kind in BAD_KINDS:
            credential = f"e2e-ruim-{kind.replace('_', '-')}-{uuid.uuid4().hex[:6]}"
            cases[kind] = (
                credential,
                registrations.enter_context(registered(stack, "delage_wms", credential, [branch])),
            )
        with ThreadPoolExecutor(max_workers=len(cases)) as pool:
            problems = [p for found in pool.map(lambda kind: bad_file_problems(stack, kind, *cases[kind]), cases)
                        for p in found]  # fmt: skip
    assert not problems, "\n".join(problems)


def bad_file_problems(stack: RunningStack, kind: str, credential: str, integration: dict[str, Any]) -> list[str]:
    """A first, good exchange (the bad files the sandbox makes are variations of the last good one), then the bad
    file: refused with its reason, nothing applied, not acknowledged, kept for support."""
    try:
        first = next_ended_task(stack, integration["id"])
        assert first["status"] == "completed", first
        with stack.sandbox() as sandbox:
            bad = sandbox.post("/_sandbox/delage_wms/inbox/ruim",
                               json={"credencial": credential, "tipo": kind, "tamanho": 400_000})  # fmt: skip
            assert bad.status_code < 300, bad.text
        movements = applied_movements(stack, integration["id"])
        run_now(stack, integration["dag_id"])
        task = next_ended_task(stack, integration["id"], 1)
        assert task["status"] == "failed", task
        assert "recusado" in task["failure_reason"], task
        assert BAD_KINDS[kind] in task["failure_reason"], task
        assert applied_movements(stack, integration["id"]) == movements, "nothing is applied"
        entry = next(o for o in offered(stack, "delage_wms", credential) if o["id"] == bad.json()["id"])
        assert not entry["confirmado"], "a refused file is not acknowledged"
        if kind != "oversize":
            (kept,) = [f for f in files_of(stack, task["id"]) if f["direction"] == "received"]
            assert kept["status"] == "failed", kept
            assert kept["failure_reason"], kept
    except AssertionError as error:
        return [f"{kind}: {error}"]
    return []


# --- a crash between apply and acknowledgement ---------------------------------------------------------


def task_process(stack: RunningStack, dag_id: str, task_id: str) -> int | None:
    """The pid of the running Airflow task process (its title names the task instance)."""
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    runs = httpx.get(f"{stack.url}/api/v2/dags/{dag_id}/dagRuns", headers=admin, timeout=10).json()["dag_runs"]
    for run in runs:
        instances = httpx.get(f"{stack.url}/api/v2/dags/{dag_id}/dagRuns/{run['dag_run_id']}/taskInstances",
                              headers=admin, timeout=10).json()["task_instances"]  # fmt: skip
        for instance in instances:
            if instance["task_id"] == task_id and instance["state"] == "running":
                title = f"airflow worker -- {instance['id']}".encode()
                for proc in Path("/proc").glob("[0-9]*"):
                    try:
                        if (proc / "cmdline").read_bytes().startswith(title):
                            return int(proc.name)
                    except OSError:
                        continue
    return None


def test_a_crash_between_apply_and_acknowledge_applies_nothing_twice(stack: RunningStack) -> None:
    credential = f"e2e-queda-{uuid.uuid4().hex[:6]}"
    branch, products = branch_and_products(stack, 1)
    ((product, _),) = products
    before = stock(stack, branch, product)
    # The partner never answers this credential's acknowledgement: the file is applied, then the worker dies
    # waiting.
    with (
        stack.partner_mode("delage_wms", credential, "stall", rota="confirmacao"),
        new_order(stack, branch, [(product, 9)]),
        registered(stack, "delage_wms", credential, [branch]) as integration,
    ):
        wait_for("the movements to be applied", lambda: applied_movements(stack, integration["id"]) == 2)
        pid = wait_for("the receiving task process",
                       lambda: task_process(stack, integration["dag_id"], "receber_e_aplicar"))  # fmt: skip
        os.kill(pid, signal.SIGKILL)
        with stack.sandbox() as sandbox:
            sandbox.post("/_sandbox/delage_wms/mode", json={"mode": "ok", "credencial": credential})
        # Airflow retries the step: the file is offered again, recognised as applied, acknowledged.
        task = next_ended_task(stack, integration["id"])
        (offer,) = offered(stack, "delage_wms", credential)
        assert offer["confirmado"], "the partner is told after all"
        assert task["status"] == "completed", task
    assert applied_movements(stack, integration["id"]) == 2, "no movement applied twice"
    assert stock(stack, branch, product) == before + 9 - 1
