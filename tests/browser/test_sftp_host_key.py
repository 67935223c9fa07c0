"""An SFTP partner's host key, confirmed the way `ssh` asks on a first connection: the agent tests the connection,
sees the key the server offers (and that no credential was sent), confirms it, saves, and the integration
delivers. When the server later offers another key, the next delivery sends nothing and fails with its reason,
and an alert e-mail goes out at once."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser_fixtures import login
from tests.integration.test_reconciliation_e2e import emails_to
from tests.integration.test_runs_e2e import API, finished_task, wait_for
from tests.scorecard import Scorecard
from tests.stack_fixtures import RunningStack, days_ago

pytestmark = [pytest.mark.stack, pytest.mark.browser]

SUPPORT = "suporte@integracoes.example.com"  # the test stack's INTEGRACOES_SUPPORT_EMAIL


def test_agent_confirms_the_key_it_delivers_and_a_changed_key_stops_the_delivery(
    page: Page, stack: RunningStack, scorecard: Scorecard
) -> None:
    # A partner's server of its own: another SFTP server of the sandbox, with a key of its own.
    with stack.sandbox() as sandbox:
        server = sandbox.post("/_sandbox/sftp/servidores", json={}).json()
    description, user = f"Trivio chave {uuid.uuid4().hex[:6]}", f"chave-{uuid.uuid4().hex[:8]}"

    login(page, stack, "suporte")
    page.goto(f"{stack.url}/integracoes/")
    page.click("#register")
    page.select_option("#tenant_id", label="Farmácia Vida")
    page.fill("#description", description)
    page.select_option("#type_code", label="Trivio")
    page.fill("#interval_minutes", "1440")
    page.locator("#branches tbody input[type=checkbox]").first.check()
    page.click("#tab-config")
    page.fill("input[data-key=sftp_host]", "127.0.0.1")
    page.fill("input[data-key=sftp_porta]", str(server["porta"]))
    page.fill("input[data-key=sftp_usuario]", user)
    page.fill("input[data-key=sftp_senha]", "senha-da-chave")

    # First contact: the key is shown, nothing was sent; saving without it is refused.
    page.click("#check-connection")
    expect(page.locator("#check-result")).to_contain_text(f"apresentou a chave ssh-ed25519 {server['chave']}")
    expect(page.locator("#check-result")).to_contain_text("nenhuma credencial foi enviada")
    page.click("#save")
    expect(page.locator("[id='error-config.sftp_chave_host']")).to_contain_text("Confirme a chave do servidor")
    page.click("#check-connection")
    page.click("#confirm-host-key")
    expect(page.locator("input[data-key=sftp_chave_host]")).to_have_value(server["chave"])
    page.click("#check-connection")
    expect(page.locator("#check-result")).to_have_text(
        "Conexão bem-sucedida: o parceiro Trivio aceitou as credenciais."
    )
    page.screenshot(path=str(stack.artifacts / "suporte-chave-sftp-confirmada.png"))
    page.click("#save")
    page.wait_for_url(re.compile(r"/integracoes/integracoes/\d+"))  # the new integration's page
    integration_id = int(re.search(r"/integracoes/integracoes/(\d+)", page.url).group(1))  # type: ignore[union-attr]

    # Its first run delivers (a daily partner runs at once for the day missed).
    task = wait_for("the first delivery", lambda: finished_task(stack, integration_id), timeout=300)
    assert task["status"] == "completed", task

    # The server's key changes: the next delivery sends nothing, fails with its reason, and alerts at once.
    with stack.sandbox() as sandbox:
        replaced = sandbox.post(f"/_sandbox/sftp/servidores/{server['porta']}/chave", json={}).json()
    with stack.client("suporte") as agent:
        asked = agent.post(f"{API}/integrations/{integration_id}/runs",
                           json={"data_inicial": days_ago(6), "data_final": days_ago(5)})  # fmt: skip
    assert asked.status_code == 202, asked.text
    failed = wait_for(
        "the delivery to be refused",
        lambda: next((t for t in agent_tasks(stack, integration_id) if t["id"] == asked.json()["task"]["id"]
                      and t["status"] == "failed"), None),
        timeout=300,
    )  # fmt: skip
    assert "A chave do servidor SFTP do parceiro mudou e nada foi enviado" in failed["failure_reason"], failed
    assert server["chave"] in failed["failure_reason"]
    assert replaced["chave"] in failed["failure_reason"]
    alerts = wait_for("the alert", lambda: [m for m in emails_to(stack, SUPPORT) if description in m["subject"]])
    assert [m["subject"] for m in alerts] == [
        f"Alerta de segurança: a chave do servidor SFTP de {description} (Farmácia Vida) mudou"
    ]
    with stack.sandbox() as sandbox:
        received = [r for r in sandbox.get("/_sandbox/trivio/received").json() if r.get("user") == user]
    assert len(received) == 1, "only the first delivery, before the key changed, reached the server"
    scorecard.record("Chave do servidor SFTP trocada", "1 entrega recusada antes do login, 0 arquivos enviados, "
                     f"{len(alerts)} alerta", "0 enviados; alerta imediato")  # fmt: skip

    # The agent sees the new key in "Testar conexão", with both fingerprints.
    page.goto(f"{stack.url}/integracoes/integracoes/{integration_id}#configuracoes")
    page.click("#check-connection")
    expect(page.locator("#check-result")).to_contain_text(f"confirmada {server['chave']}")
    expect(page.locator("#check-result")).to_contain_text(replaced["chave"])
    page.screenshot(path=str(stack.artifacts / "suporte-chave-sftp-mudou.png"))


def agent_tasks(stack: RunningStack, integration_id: int) -> list[dict[str, object]]:
    with stack.client("suporte") as agent:
        return list(agent.get(f"{API}/integrations/{integration_id}/tasks").json()["items"])
