"""End to end on the real stack: a partner that refuses an integration's credentials turns it *failing* on
the Painel and in the list (for its tenant only), sends exactly one alert e-mail after the configured number
of failures in a row — however many failures follow —, and exactly one "back to normal" once it delivers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser_fixtures import browser_page, login
from tests.integration.test_inbound_e2e import ended_tasks, run_now, saude
from tests.integration.test_reconciliation_e2e import emails_to
from tests.integration.test_runs_e2e import wait_for
from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"
SUPPORT = "suporte@integracoes.example.com"


def smarket_config(stack: RunningStack, token: str) -> list[dict[str, str]]:
    return [{"key": "url_api", "value": f"{stack.sandbox_url}/smarket/v1"}, {"key": "token", "value": token},
            {"key": "codigo_cliente", "value": "DS-E2E"}]  # fmt: skip


def overview(stack: RunningStack, user: str) -> dict[str, Any]:
    with stack.client(user) as client:
        return dict(client.get(f"{API}/overview").json())


def alerts_about(stack: RunningStack, description: str) -> list[str]:
    return [m["subject"] for m in emails_to(stack, SUPPORT) if description in m["subject"]]


def failures(stack: RunningStack, integration_id: int) -> int:
    """The integration's failures in a row, as the Painel counts them (each failing run counts: a run that
    retries a failed day does it with that day's own task)."""
    rows = [a for a in overview(stack, "suporte")["attention"] if a["integration_id"] == integration_id]
    return int(rows[0]["consecutive_failures"]) if rows else 0


def test_a_failing_integration_shows_on_the_panel_and_alerts_once_then_back_to_normal(
    stack: RunningStack, browser: Browser
) -> None:
    description = f"Smarket painel {uuid.uuid4().hex[:6]}"
    with stack.client("suporte") as agent:
        branches = [b["id"] for b in agent.get(f"{API}/branches", params={"tenant_id": saude(stack)}).json()]
        created = agent.post(f"{API}/integrations", json={
            "tenant_id": saude(stack), "description": description, "type_code": "smarket", "active": True,
            "interval_minutes": 720, "branches": branches, "config": smarket_config(stack, "recusado"),
        })  # fmt: skip
    assert created.status_code == 201, created.text
    integration = created.json()
    try:
        run_now(stack, integration["dag_id"])  # after the scheduler's own first run: two failures in a row
        wait_for("two failures in a row", lambda: failures(stack, integration["id"]) >= 2, timeout=120)
        alert = wait_for("the alert e-mail", lambda: alerts_about(stack, description), timeout=60)
        assert alert == [f"Alerta: {description} (Drogaria Saúde) falhou 2 vezes seguidas"]
        run_now(stack, integration["dag_id"])  # one more failure: no second alert
        wait_for("a third failure", lambda: failures(stack, integration["id"]) >= 3, timeout=120)

        seen = overview(stack, "cliente2")
        (row,) = [a for a in seen["attention"] if a["integration_id"] == integration["id"]]
        assert row["health"] == "failing"
        assert "recusou as credenciais" in row["last_error"]
        assert row["consecutive_failures"] >= 3
        assert {c["health"]: c["count"] for c in seen["counts"]}["failing"] >= 1
        assert all(a["integration_id"] != integration["id"] for a in overview(stack, "cliente1")["attention"])
        with stack.client("cliente2") as client:
            listed = client.get(f"{API}/integrations", params={"health": "failing", "page_size": 100}).json()
        (item,) = [i for i in listed["items"] if i["id"] == integration["id"]]
        assert item["health_label"] == "Com falha"
        assert item["last_success_at"] is None
        assert {m["status"] for m in item["history"]} == {"failed"}

        with browser_page(browser) as page:
            login(page, stack, "suporte")
            page.goto(f"{stack.url}/integracoes/painel")
            row_on_page = page.locator("#attention tbody tr", has_text=description)
            expect(row_on_page).to_contain_text("Com falha")
            expect(row_on_page).to_contain_text("recusou as credenciais")
            page.screenshot(path=str(stack.artifacts / "suporte-painel.png"))

        with stack.client("suporte") as agent:
            fixed = agent.put(f"{API}/integrations/{integration['id']}", json={"config": smarket_config(stack, "ok")})
        assert fixed.status_code == 200, fixed.text
        run_now(stack, integration["dag_id"])
        assert ended_tasks(stack, integration["id"])[0]["status"] == "completed"
        subjects = wait_for("the back-to-normal e-mail", lambda: len(s := alerts_about(stack, description)) > 1 and s,
                            timeout=60)  # fmt: skip
        assert subjects == [alert[0], f"Normalizada: {description} (Drogaria Saúde) voltou a entregar"]
        after = overview(stack, "cliente2")
        assert all(a["integration_id"] != integration["id"] for a in after["attention"])
        kinds = [a["kind"] for a in after["alerts"] if a["integration_id"] == integration["id"]]
        assert kinds == ["normalizado", "falhas"]
    finally:
        with stack.client("suporte") as agent:
            agent.put(f"{API}/integrations/{integration['id']}", json={"active": False})
