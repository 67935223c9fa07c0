"""End to end on the real stack: BoaVista sends the card sales of D-2, stores the partner's reconciliation of
D-3 and its payments of D-1; the client reads the reconciliation page (API, CSV, browser) and the
notification addresses get one summary e-mail with the right counts; wrong keys end the task with a clear
reason and a failure e-mail."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from playwright.sync_api import Browser, expect

from include.integracoes.manual_runs import today_in_sao_paulo
from tests.browser_fixtures import browser_page, login
from tests.integration.test_inbound_e2e import database, ended_tasks, run_now, saude
from tests.integration.test_runs_e2e import wait_for
from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"
TODAY = today_in_sao_paulo()
D3 = TODAY - timedelta(days=3)


def keys(access: str, *, valid: bool = True) -> dict[str, str]:
    return {"access_key": access, "secret_key": f"{access}-segredo" if valid else "errada"}


def register_boavista(stack: RunningStack, access: str, *, valid: bool = True, emails: str) -> dict[str, Any]:
    config = {"url_api": f"{stack.sandbox_url}/boavista/conciliacao", **keys(access, valid=valid),
              "email_notificacao": emails}  # fmt: skip
    with database(stack) as conn:
        branches = [r[0] for r in conn.execute("SELECT id FROM erp.filial WHERE tenant_id = %s", (saude(stack),))]
    with stack.client("suporte") as agent:
        created = agent.post(f"{API}/integrations", json={
            "tenant_id": saude(stack), "description": f"BoaVista e2e {uuid.uuid4().hex[:6]}", "type_code": "boavista",
            "active": True, "interval_minutes": 60, "branches": branches,
            "config": [{"key": k, "value": v} for k, v in config.items()],
        })  # fmt: skip
    assert created.status_code == 201, created.text
    return dict(created.json())


def deactivate(stack: RunningStack, integration: dict[str, Any]) -> None:
    with stack.client("suporte") as agent:
        agent.put(f"{API}/integrations/{integration['id']}", json={"active": False})


def yesterdays_delivery(stack: RunningStack, access: str) -> list[dict[str, Any]]:
    """What the previous day's run sent: the card payments of D-3 (the partner now reconciles them)."""
    with database(stack) as conn:
        rows = conn.execute(
            """SELECT f.cnpj, v.numero, pc.valor, pc.bandeira, pc.modalidade, pc.parcelas, pc.nsu, pc.autorizacao
               FROM erp.venda v JOIN erp.filial f ON f.id = v.filial_id
               JOIN erp.pagamento_cartao pc ON pc.venda_id = v.id
               WHERE v.tenant_id = %s AND NOT v.cancelada
                 AND (v.emitida_em AT TIME ZONE 'America/Sao_Paulo')::date = %s""",
            (saude(stack), D3),
        ).fetchall()
    sales = [{"cnpj_filial": r[0], "data": D3.isoformat(), "cupom": r[1], "valor_total": float(r[2]), "bandeira": r[3],
              "modalidade": r[4], "parcelas": r[5], "nsu": r[6], "autorizacao": r[7]} for r in rows]  # fmt: skip
    assert sales, "the demo has card sales on D-3"
    headers = {"X-Chave-Acesso": access, "X-Chave-Secreta": f"{access}-segredo", "Idempotency-Key": uuid.uuid4().hex,
               "X-Arquivo": f"boavista_vendas_{D3:%Y%m%d}.json"}  # fmt: skip
    with stack.sandbox() as sandbox:
        sent = sandbox.post("/boavista/conciliacao/vendas", json={"vendas": sales}, headers=headers)
    assert sent.status_code == 201, sent.text
    return sales


def expected_status(nsu: str) -> str:
    return {0: "nao_encontrada", 1: "divergente"}.get(int(nsu) % 10, "conciliada")


def emails_to(stack: RunningStack, address: str) -> list[dict[str, Any]]:
    with stack.sandbox() as sandbox:
        return [m for m in sandbox.get("/_sandbox/email/received").json() if address in " ".join(m.get("to", []))]


@pytest.fixture(scope="module")
def reconciled(stack: RunningStack) -> Iterator[dict[str, Any]]:
    """A BoaVista integration of Drogaria Saúde after one run: D-2 sent, D-3 reconciled, D-1 payments."""
    access = f"e2e-bv-{uuid.uuid4().hex[:6]}"
    mailbox = f"financeiro-{access}@saude.example.com"
    sales = yesterdays_delivery(stack, access)
    integration = register_boavista(stack, access, emails=f"{mailbox}; dono-{access}@saude.example.com")
    try:
        run_now(stack, integration["dag_id"])  # its own timetable: the next scheduled run could be hours away
        task = wait_for("the run's task", lambda: (ended := ended_tasks(stack, integration["id"])) and ended[0])
        yield {"integration": integration, "sales": sales, "task": task, "access": access, "mailbox": mailbox}
    finally:
        deactivate(stack, integration)


def test_sales_of_d2_go_out_and_the_reconciliation_of_d3_is_stored_per_sale(
    stack: RunningStack, reconciled: dict[str, Any]
) -> None:
    task = reconciled["task"]
    assert task["status"] == "completed", task
    assert task["data_inicial"] == (TODAY - timedelta(days=2)).isoformat()
    with stack.client("cliente2") as client:
        files = client.get(f"{API}/tasks/{task['id']}/files").json()
        url = f"{API}/integrations/{reconciled['integration']['id']}/reconciliation"
        answer = client.get(url, params={"start": D3.isoformat(), "end": D3.isoformat(), "page_size": 100}).json()
    assert {f["name"].split("_")[0] for f in files if f["direction"] == "received"} == {"conciliacao", "pagamentos"}
    sales = reconciled["sales"]
    expected = {
        s: sum(expected_status(x["nsu"]) == s for x in sales) for s in ("conciliada", "divergente", "nao_encontrada")
    }
    assert {s: answer["totals"][s]["count"] for s in expected} == expected
    assert answer["totals"]["enviadas"]["count"] == len(sales) == answer["total"]
    for row in answer["items"]:
        assert row["status"] == expected_status(row["nsu"])
        if row["status"] == "divergente":  # both sides shown
            assert Decimal(row["partner_amount"]) == max(Decimal(row["sent_amount"]) - 1, Decimal("0.01"))
        if row["status"] == "nao_encontrada":
            assert row["partner_amount"] is None
    with database(stack) as conn:
        payments = conn.execute("SELECT count(*) FROM integracao.pagamento_recebido WHERE integracao_id = %s",
                                (reconciled["integration"]["id"],)).fetchone()  # fmt: skip
    assert payments is not None
    assert payments[0] > 0, "the payments of D-1 (for the D-2 sales just sent) are stored"


def test_the_csv_has_the_same_rows_and_other_tenants_see_nothing(
    stack: RunningStack, reconciled: dict[str, Any]
) -> None:
    url = f"{API}/integrations/{reconciled['integration']['id']}/reconciliation"
    period = {"start": D3.isoformat(), "end": D3.isoformat()}
    with stack.client("cliente2") as client:
        exported = client.get(url + ".csv", params=period | {"status": "divergente"})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text), delimiter=";"))
    divergent = [s for s in reconciled["sales"] if expected_status(s["nsu"]) == "divergente"]
    assert rows[0][0] == "data_venda"
    assert len(rows) - 1 == len(divergent)
    assert all(r[-1] == "Divergente" for r in rows[1:])
    with stack.client("cliente1") as other:
        assert other.get(url, params=period).status_code == 404
        assert other.get(url + ".csv", params=period).status_code == 404


def test_one_summary_email_with_the_right_counts(stack: RunningStack, reconciled: dict[str, Any]) -> None:
    sales = reconciled["sales"]
    divergent = sum(expected_status(s["nsu"]) == "divergente" for s in sales)
    missing = sum(expected_status(s["nsu"]) == "nao_encontrada" for s in sales)
    mails = wait_for("the summary e-mail", lambda: emails_to(stack, reconciled["mailbox"]), timeout=60)
    summaries = [m for m in mails if m["subject"].startswith("Conciliação de vendas")]
    assert len(summaries) == 1, mails
    assert summaries[0]["subject"].endswith(f"{divergent} divergente(s), {missing} não encontrada(s)")
    assert any(f"dono-{reconciled['access']}" in to for to in summaries[0]["to"]), "every address of the key"


def test_wrong_keys_end_the_task_with_a_clear_reason_and_a_failure_email(stack: RunningStack) -> None:
    access = f"e2e-bv-ruim-{uuid.uuid4().hex[:6]}"
    mailbox = f"alerta-{access}@saude.example.com"
    integration = register_boavista(stack, access, valid=False, emails=mailbox)
    try:
        run_now(stack, integration["dag_id"])
        task = wait_for("the task to fail", lambda: (ended := ended_tasks(stack, integration["id"])) and ended[0])
    finally:
        deactivate(stack, integration)
    assert task["status"] == "failed", task
    assert "recusou as credenciais" in task["failure_reason"]
    # One e-mail per run that failed a task (the scheduler may have run it once on its own before the triggered
    # run, which then retried the same day with the same task), never one per retry of a step.
    with psycopg.connect(stack.database_url) as conn:
        failed_runs = conn.execute(
            "SELECT t.codigo FROM integracao.tarefa_tentativa a JOIN integracao.tarefa t ON t.id = a.tarefa_id"
            " WHERE t.integracao_id = %s AND a.situacao = 'failed'",
            (integration["id"],),
        ).fetchall()
    failed = [code for (code,) in failed_runs]
    expected = sorted(f"Falha no envio — {integration['description']}, tarefa {code}" for code in failed)

    def failure_mails() -> list[str]:  # (its alert, after two failures in a row, is the Painel's business)
        return [m["subject"] for m in emails_to(stack, mailbox) if m["subject"].startswith("Falha no envio")]

    mails = wait_for("the failure e-mails", lambda: len(found := failure_mails()) >= len(failed) and found, timeout=60)
    assert sorted(mails) == expected


@pytest.mark.browser
def test_the_reconciliation_page_filters_and_shows_both_sides(
    stack: RunningStack, reconciled: dict[str, Any], browser: Browser
) -> None:
    with browser_page(browser) as page:
        login(page, stack, "cliente2")
        page.goto(f"{stack.url}/integracoes/integracoes/{reconciled['integration']['id']}")
        page.click("#feature-open")
        expect(page.locator("h1")).to_contain_text("Conciliação de vendas")
        page.fill("#start", D3.isoformat())
        page.fill("#end", D3.isoformat())
        page.select_option("#status", "divergente")
        page.select_option("#page-size", "100")  # reloads with the filters as they are
        # Once the filtered answer is in: only divergent sales, each with both amounts.
        expect(page.locator("#sales tbody tr[data-status]:not([data-status=divergente])")).to_have_count(0)
        rows = page.locator("#sales tbody tr[data-status=divergente]")
        divergent = sum(expected_status(s["nsu"]) == "divergente" for s in reconciled["sales"])
        expect(rows).to_have_count(divergent)
        for index in range(divergent):
            expect(rows.nth(index)).to_contain_text("Divergente")
            expect(rows.nth(index).locator("td.num").nth(2)).not_to_have_text("—")
        expect(page.locator("#totals [data-status=enviadas]")).to_contain_text(str(len(reconciled["sales"])))
        page.screenshot(path=str(stack.artifacts / "cliente2-conciliacao-de-vendas.png"))
