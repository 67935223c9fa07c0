"""The support agents' administration pages in Chromium: Usuários, Redes, Serviços faturáveis and Auditoria;
a client gets an HTML 403 page for each and no link to them."""

from __future__ import annotations

import csv
import io
import random
import re
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from include.integracoes import demo_data
from tests.browser_fixtures import browser_page, login, login_with_the_form
from tests.integration.test_manual_runs_api import ready_integration
from tests.integration.test_runs_e2e import API
from tests.stack_fixtures import RunningStack, days_ago

pytestmark = [pytest.mark.stack, pytest.mark.browser]

PAGES = {"redes": "Redes", "usuarios": "Usuários", "faturaveis": "Serviços faturáveis", "auditoria": "Auditoria"}
# Follows the password rule: 2 upper-case, 3 lower-case, 2 digits, 1 symbol, 10 characters or more.
PASSWORD = "SenhaForte@2026"


def cnpj() -> str:
    """A valid CNPJ nobody else has (random root, real check digits), masked."""
    text = demo_data.cnpj(random.randrange(10_000_000, 50_000_000))
    return f"{text[:2]}.{text[2:5]}.{text[5:8]}/{text[8:12]}-{text[12:]}"


def admin_page(page: Page, stack: RunningStack, path: str) -> None:
    page.goto(f"{stack.url}/integracoes/{path}")
    expect(page.locator("#loading")).to_be_hidden()


def choose(row: Locator, action: str) -> None:
    """Ações → `action` on a row of a listing."""
    row.locator("button[aria-haspopup=menu]").click()
    row.get_by_role("menuitem", name=action).click()


def sign_in(page: Page, stack: RunningStack, username: str, password: str) -> None:
    page.goto(f"{stack.url}/auth/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation(timeout=60_000):
        page.click("input[type=submit], button[type=submit]")


def tenant_id(stack: RunningStack, name: str) -> int:
    with stack.client("suporte") as agent:
        found = agent.get(f"{API}/tenants", params={"search": name}).json()["items"]
    return int(next(t["id"] for t in found if t["name"] == name))


def test_agent_creates_a_client_who_sees_only_its_tenant_until_deactivated(
    page: Page, browser: Browser, stack: RunningStack
) -> None:
    username = f"cliente.{uuid.uuid4().hex[:8]}"
    login(page, stack, "suporte")
    page.goto(f"{stack.url}/integracoes/")
    page.click("#nav-usuarios")
    page.wait_for_url("**/integracoes/usuarios")
    expect(page.locator("#users tbody tr").first).to_be_visible()

    page.click("#new-user")
    dialog = page.locator("#user-dialog")
    page.fill("#user-username", username)
    page.fill("#user-name", "Cliente do Navegador")
    page.fill("#user-email", f"{username}@drogariasaude.example.com")
    # A client without a tenant and a weak password: both explained next to the fields, nothing typed is lost.
    page.fill("#user-password", "fraca")
    page.fill("#user-password-confirm", "fraca")
    page.click("#user-save")
    expect(dialog.locator("[data-error=tenant_ids]")).to_have_text("Um cliente precisa de ao menos uma rede.")
    expect(dialog.locator("[data-error=password]")).not_to_be_empty()
    expect(page.locator("#user-username")).to_have_value(username)
    dialog.get_by_label("Drogaria Saúde").check()
    page.fill("#user-password", PASSWORD)
    page.fill("#user-password-confirm", PASSWORD)
    page.click("#user-save")
    expect(dialog).to_be_hidden()
    page.fill("#search", username)
    row = page.locator("#users tbody tr", has_text=username)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Drogaria Saúde")
    expect(row).to_contain_text("Cliente")
    expect(row).to_contain_text("Ativo")

    # The new client signs in to Airflow and sees Drogaria Saúde's integrations only.
    with browser_page(browser) as client:
        sign_in(client, stack, username, PASSWORD)
        client.wait_for_url("**/integracoes/", timeout=60_000)
        client.goto(f"{stack.url}/integracoes/")
        listing = client.locator("#integrations tbody")
        expect(listing).to_contain_text("Drogaria Saúde")
        expect(listing).not_to_contain_text("Farmácia Vida")
        expect(client.locator("#nav-usuarios")).to_have_count(0)
        # The user's own language, over the browser's (pt-BR here): the pages come back in English.
        client.select_option("#idioma", "en")
        expect(client.locator("html")).to_have_attribute("lang", "en")
        expect(client.locator("#idioma")).to_have_value("en")

        # Deactivated by the agent (after a confirmation): the next sign-in fails.
        choose(row, "Desativar")
        expect(page.locator("#confirm-text")).to_contain_text(username)
        page.click("#confirm-ok")
        expect(row).to_contain_text("Inativo")
        client.context.clear_cookies()
        sign_in(client, stack, username, PASSWORD)
        assert "/auth/login" in client.url
        expect(client.locator("#username")).to_be_visible()
    refused = httpx.post(f"{stack.url}/auth/token", json={"username": username, "password": PASSWORD}, timeout=30)
    assert refused.status_code in (401, 403), refused.text


def test_agent_registers_a_tenant_with_a_branch_and_a_service(page: Page, stack: RunningStack) -> None:
    name = f"Rede Navegador {uuid.uuid4().hex[:6]}"
    valid = cnpj()
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    login(page, stack, "suporte")
    admin_page(page, stack, "redes")
    expect(page.locator("#nav-redes")).to_have_attribute("aria-current", "page")

    page.click("#new-tenant")
    page.fill("#tenant-name", name)
    page.fill("#tenant-cnpj", wrong.replace(".", "").replace("/", "").replace("-", ""))
    expect(page.locator("#tenant-cnpj")).to_have_value(wrong)  # the mask is applied while typing
    branch = page.locator("#branch-rows tbody tr").first
    branch.locator("[data-name=code]").fill("1")
    branch.locator("[data-name=name]").fill("Loja Centro")
    branch.locator("[data-name=cnpj]").fill(cnpj())
    branch.locator("[data-name=city]").fill("Campinas")
    branch.locator("[data-name=state]").select_option("SP")
    page.locator("#services").get_by_label("Smarket").check()
    page.click("#tenant-save")
    expect(page.locator("#error-cnpj")).to_have_text("CNPJ inválido: confira os 14 dígitos e os dígitos verificadores.")
    # Nothing typed is lost.
    expect(page.locator("#tenant-name")).to_have_value(name)
    expect(branch.locator("[data-name=name]")).to_have_value("Loja Centro")
    expect(page.locator("#services").get_by_label("Smarket")).to_be_checked()

    page.fill("#tenant-cnpj", valid)
    page.click("#tenant-save")
    expect(page.locator("#tenant-dialog")).to_be_hidden()
    page.fill("#search", name)
    row = page.locator("#tenants tbody tr", has_text=name)
    expect(page.locator("#tenants tbody tr")).to_have_count(1)  # the search answered: only the new chain
    expect(row).to_contain_text(valid)
    expect(row).to_contain_text("Smarket")
    expect(row.locator("td").nth(2)).to_have_text("1")
    expect(row).to_contain_text("Ativa")

    choose(row, "Desativar")
    page.click("#confirm-ok")
    expect(row).to_contain_text("Inativa")
    page.screenshot(path=str(stack.artifacts / "suporte-redes.png"))


def test_billable_page_lists_an_agents_run_and_exports_the_same_rows(page: Page, stack: RunningStack) -> None:
    integration = ready_integration(stack, "Smarket faturável")
    with stack.client("suporte") as agent:
        period = {"data_inicial": days_ago(6), "data_final": days_ago(4)}
        answer = agent.post(f"{API}/integrations/{integration['id']}/runs", json=period)
    assert answer.status_code == 202, answer.text
    code = str(answer.json()["task"]["code"])

    login(page, stack, "suporte")
    admin_page(page, stack, "faturaveis")
    page.select_option("#tenant", label="Farmácia Vida")
    settled(page, "#billable tbody")  # the filtered table
    row = page.locator("#billable tbody tr", has_text=integration["description"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text("suporte")
    expect(row).to_contain_text(code)
    expect(row.locator("td").last).to_have_text("3")
    shown = page.locator("#billable tbody tr").count()
    assert int(page.locator("#total-requests").inner_text().replace(".", "")) == shown

    href = page.locator("#export-csv").get_attribute("href")
    assert href
    download = page.request.get(href if href.startswith("http") else f"{stack.url}{href}")
    assert download.status == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(download.text().lstrip("\ufeff")), delimiter=_delimiter(download.text())))
    assert len(rows) - 1 == shown, rows
    assert any(integration["description"] in line and code in " ".join(line) for line in rows[1:]), rows


def settled(page: Page, table_body: str) -> None:
    """The admin pages mark a table body aria-busy while its newest request is in flight."""
    expect(page.locator(table_body)).not_to_have_attribute("aria-busy", "true")


def _delimiter(text: str) -> str:
    header = text.lstrip("\ufeff").splitlines()[0]
    return ";" if header.count(";") > header.count(",") else ","


def test_audit_page_finds_a_user_creation_with_filters(page: Page, stack: RunningStack) -> None:
    username = f"auditado.{uuid.uuid4().hex[:8]}"
    saude = tenant_id(stack, "Drogaria Saúde")
    body: dict[str, Any] = {
        "username": username, "name": "Usuário Auditado", "email": f"{username}@drogariasaude.example.com",
        "role": "client", "tenant_ids": [saude], "password": PASSWORD,
    }  # fmt: skip
    with stack.client("suporte") as agent:
        created = agent.post(f"{API}/users", json=body)
    assert created.status_code == 201, created.text

    login(page, stack, "suporte")
    admin_page(page, stack, "auditoria")
    page.select_option("#filter-tenant", label="Drogaria Saúde")
    page.select_option("#filter-entity", "usuario")
    page.fill("#filter-username", "suporte")
    page.press("#filter-username", "Enter")
    settled(page, "#audit > tbody")  # each filter reloads the table: the rows to read are the last load's
    row = page.locator("#audit > tbody > tr:not(.details)", has_text=username)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Usuário criado")
    expect(row).to_contain_text("Drogaria Saúde")
    # When, as every screen says it: "06/12/2026 12:25" (no comma, no seconds).
    expect(row.locator("td").first).to_have_text(re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$"))
    expect(page.locator("#audit > tbody > tr:not(.details)", has_text="Farmácia Vida")).to_have_count(0)
    row.get_by_role("button", name="Detalhes").click()
    details = page.locator(f"#audit-details-{row.get_attribute('data-id')}")
    expect(details).to_be_visible()
    expect(details.locator("tr[data-field=usuario] td.after")).to_have_text(username)
    expect(details).not_to_contain_text(PASSWORD)
    # A refresh redraws the table and keeps what the user opened.
    page.get_by_role("button", name="⟳ Atualizar").click()
    settled(page, "#audit > tbody")
    expect(details).to_be_visible()
    expect(row.get_by_role("button", name="Ocultar detalhes")).to_have_attribute("aria-expanded", "true")
    # Read-only: nothing on the page edits or deletes.
    expect(page.get_by_role("button", name="Excluir")).to_have_count(0)
    expect(page.get_by_role("button", name="Editar")).to_have_count(0)

    href = page.locator("#export-csv").get_attribute("href")
    assert href
    assert "format=csv" in href
    assert "entity=usuario" in href
    exported = page.request.get(f"{stack.url}{href}")
    assert exported.status == 200
    assert username in exported.text()
    assert PASSWORD not in exported.text()


def test_a_client_gets_a_403_page_and_no_links(page: Page, stack: RunningStack) -> None:
    login_with_the_form(page, stack, "cliente1")
    page.wait_for_url("**/integracoes/", timeout=60_000)
    page.goto(f"{stack.url}/integracoes/")
    expect(page.locator("#integrations tbody")).to_contain_text("Farmácia Vida")
    for path in PAGES:
        expect(page.locator(f"#nav-{path}")).to_have_count(0)
    expect(page.locator("nav.adminnav")).to_have_count(0)
    for path in PAGES:
        response = page.goto(f"{stack.url}/integracoes/{path}")
        assert response is not None
        assert response.status == 403, path
        assert response.headers["content-type"].startswith("text/html"), path
        expect(page.locator("#forbidden")).to_have_text("Acesso negado")
        expect(page.locator("main")).to_contain_text("Você não tem permissão para realizar esta operação.")
        expect(page.locator(f"#nav-{path}")).to_have_count(0)
