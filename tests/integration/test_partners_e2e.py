"""End to end on the real stack: every demo partner runs on schedule and by manual run (where allowed),
reaches the partner sandbox over its own transport, and the client downloads the very bytes it received."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import httpx
import pytest

from include.connectors.catalog import CATALOG
from include.connectors.registry import CONNECTORS
from include.connectors.types import IncrementalWindow
from scripts.demo_integrations import VIDA, demo_registrations
from tests.integration.test_runs_e2e import wait_for
from tests.stack_fixtures import RunningStack, days_ago

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"
# Partners that send to us have their own end-to-end tests (test_inbound_e2e).
PARTNERS = sorted(code for code, connector in CONNECTORS.items() if connector.inbox is None)


def demo_integration(stack: RunningStack, type_code: str) -> dict[str, Any]:
    """The demo's integration of the type for Farmácia Vida (the tenant of cliente1)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTEGRACOES_SANDBOX_URL", stack.sandbox_url)
        registrations = demo_registrations()
    description = next(d for cnpj, d, code, _, _ in registrations if code == type_code and cnpj == VIDA)
    with stack.client("cliente1") as client:
        items = client.get(f"{API}/integrations", params={"search": description, "page_size": 100}).json()["items"]
    return next(i for i in items if i["description"] == description)


def tasks_of(stack: RunningStack, integration_id: int) -> list[dict[str, Any]]:
    with stack.client("cliente1") as client:
        return list(client.get(f"{API}/integrations/{integration_id}/tasks", params={"page_size": 100}).json()["items"])


def check_delivered(stack: RunningStack, type_code: str, task: dict[str, Any]) -> None:
    """Every file of the task was delivered, and the partner holds exactly the bytes the client downloads."""
    assert task["status"] == "completed", task
    with stack.client("cliente1") as client:
        files = client.get(f"{API}/tasks/{task['id']}/files").json()
        assert files, task
        downloaded = {}
        for stored in files:
            assert stored["status"] == "sent", stored
            with zipfile.ZipFile(io.BytesIO(client.get(f"{API}/files/{stored['id']}/download").content)) as archive:
                downloaded[stored["name"]] = hashlib.sha256(archive.read(stored["name"])).hexdigest()
            assert downloaded[stored["name"]] == stored["sha256"]
    with stack.sandbox() as sandbox:
        received = {r["sha256"] for r in sandbox.get(f"/_sandbox/{type_code}/received").json()}
    assert set(downloaded.values()) <= received, f"{type_code}: the partner did not receive these bytes"


def something_new(stack: RunningStack) -> None:
    """The ERP moves on after the demo was seeded: an identified sale and a changed product of Farmácia Vida,
    ten minutes ago (past the incremental windows' safety lag)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute(
            """WITH tenant AS (SELECT id FROM integracao.tenant WHERE cnpj = %(cnpj)s),
                    branch AS (SELECT min(f.id) AS id FROM erp.filial f JOIN tenant t ON t.id = f.tenant_id),
                    sale AS (
                        INSERT INTO erp.venda (tenant_id, filial_id, cliente_id, numero, emitida_em, valor_total)
                        SELECT t.id, b.id, (SELECT min(c.id) FROM erp.cliente c WHERE c.tenant_id = t.id),
                               (SELECT coalesce(max(numero), 0) + 1 FROM erp.venda), now() - interval '10 minutes', 9.90
                        FROM tenant t, branch b RETURNING id, tenant_id)
               INSERT INTO erp.venda_item (venda_id, sequencia, produto_id, quantidade, preco_unitario, valor_total)
               SELECT s.id, 1, (SELECT min(p.id) FROM erp.produto p WHERE p.tenant_id = s.tenant_id), 1, 9.90, 9.90
               FROM sale s""",
            {"cnpj": VIDA},
        )
        # A product whose data, price and stock all last changed then (the demo wrote them moments ago).
        product = (
            "(SELECT min(p.id) FROM erp.produto p JOIN integracao.tenant t ON t.id = p.tenant_id WHERE t.cnpj = %s)"
        )
        for table, column in (("erp.produto", "id"), ("erp.preco", "produto_id"), ("erp.estoque", "produto_id")):
            conn.execute(
                sql.SQL("UPDATE {} SET atualizado_em = now() - interval '10 minutes' WHERE {} = {}").format(
                    sql.SQL(table), sql.Identifier(column), sql.SQL(product)
                ),
                (VIDA,),
            )


INCREMENTAL = [code for code in PARTNERS if isinstance(CATALOG[code].window, IncrementalWindow)]
MANUAL = [code for code in PARTNERS if CATALOG[code].manual_run_allowed]


@pytest.fixture(scope="module")
def started(stack: RunningStack) -> dict[str, Any]:
    """Every run this module checks, started at once (each test then waits for its own): the incremental
    partners' wake-ups — the demo's data is older than their integrations, so the ERP gets something new
    first — and every manual partner's request for a past period. (The daily partners' scheduled runs started
    when the stack did.)"""
    something_new(stack)
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    for code in INCREMENTAL:
        triggered = httpx.post(f"{stack.url}/api/v2/dags/{demo_integration(stack, code)['dag_id']}/dagRuns",
                               headers=admin, json={"logical_date": None}, timeout=30)  # fmt: skip
        assert triggered.status_code == 200, triggered.text
    period = {"data_inicial": days_ago(5), "data_final": days_ago(4)}
    requested = {}
    with stack.client("cliente1") as client:
        for code in MANUAL:
            accepted = client.post(f"{API}/integrations/{demo_integration(stack, code)['id']}/runs", json=period)
            assert accepted.status_code == 202, accepted.text
            requested[code] = accepted.json()["task"]["id"]
    return requested


@pytest.mark.parametrize("type_code", PARTNERS)
def test_each_partner_delivers_on_schedule(stack: RunningStack, started: dict[str, Any], type_code: str) -> None:
    integration = demo_integration(stack, type_code)
    task = wait_for(
        f"a scheduled {type_code} task to finish",
        lambda: next((t for t in tasks_of(stack, integration["id"]) if t["status"] in ("completed", "failed")), None),
        timeout=300,
    )
    check_delivered(stack, type_code, task)


@pytest.mark.parametrize("type_code", MANUAL)
def test_each_manual_partner_delivers_a_past_period_on_request(
    stack: RunningStack, started: dict[str, Any], type_code: str
) -> None:
    integration, task_id = demo_integration(stack, type_code), started[type_code]
    task = wait_for(
        f"the manual {type_code} task to finish",
        lambda: next(
            (t for t in tasks_of(stack, integration["id"]) if t["id"] == task_id and t["status"] != "pending"), None
        ),
        timeout=300,
    )
    check_delivered(stack, type_code, task)
