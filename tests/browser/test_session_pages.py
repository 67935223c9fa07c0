"""Sessions and refusals as a person meets them in the browser: no session sends them to Airflow's login (in
pt-BR) and back to the page they asked for; a page they may not open, or that does not exist, is a page of
the product, never JSON."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import browser_page, login, login_with_the_form
from tests.stack_fixtures import RunningStack

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_without_a_session_a_page_goes_to_the_login_in_portuguese_and_back(page: Page, stack: RunningStack) -> None:
    page.goto(f"{stack.url}/integracoes/painel?foco=1")
    page.wait_for_url("**/auth/login/**")
    expect(page.locator("body")).to_contain_text("Informe seu usuário e senha")
    expect(page.locator("input[type=submit], button[type=submit]")).to_have_value("Entrar")
    # A wrong password: the error is in Portuguese too, and the way back is kept.
    page.fill("#username", "cliente1")
    page.fill("#password", "errada")
    page.click("input[type=submit], button[type=submit]")
    expect(page.locator("body")).to_contain_text("Usuário ou senha inválidos. Tente novamente.")
    page.fill("#username", "cliente1")
    page.fill("#password", "cliente1")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url("**/integracoes/painel?foco=1", timeout=60_000)
    expect(page.get_by_test_id("usuario")).to_have_text("cliente1")


def test_the_login_page_speaks_english_when_asked(page: Page, stack: RunningStack) -> None:
    page.goto(f"{stack.url}/auth/login/?_l_=en")
    expect(page.locator("input[type=submit], button[type=submit]")).to_have_value("Sign In")


def test_a_page_a_client_may_not_open_or_that_does_not_exist_is_a_page(page: Page, stack: RunningStack) -> None:
    login(page, stack, "cliente1")
    for path, status, text in (
        ("/integracoes/integracoes/nova", 403, "permissão"),
        ("/integracoes/nao-existe", 404, "não encontrad"),
        ("/integracoes/integracoes/2147483000", 404, "não encontrad"),
    ):
        answer = page.goto(f"{stack.url}{path}")
        assert answer is not None
        assert answer.status == status, path
        assert answer.headers["content-type"].startswith("text/html"), path
        expect(page.locator("main")).to_contain_text(text)
        expect(page.get_by_test_id("usuario")).to_have_text("cliente1")


def test_a_client_sees_no_airflow_entry_it_cannot_use(page: Page, browser: Browser, stack: RunningStack) -> None:
    """Airflow 3.3's navigation draws Dags and Assets disabled for a user without access; the product's UI
    theme (config/airflow.cfg, `[api] theme`) hides them, and nothing else of Airflow's is offered."""
    login_with_the_form(page, stack, "cliente1")
    page.wait_for_url("**/plugin/integracoes", timeout=60_000)
    expect(page.get_by_role("link", name="Integrações").first).to_be_visible(timeout=30_000)
    for entry in ("Browse", "Admin", "Security"):
        expect(page.get_by_role("button", name=entry, exact=True)).to_have_count(0)
        expect(page.get_by_role("link", name=entry, exact=True)).to_have_count(0)
    for test_id in ("nav-dags-link", "nav-assets-link"):
        expect(page.get_by_test_id(test_id)).to_be_hidden()
    with browser_page(browser) as agent:  # the same entries stay for who may use them
        login_with_the_form(agent, stack, "suporte")
        expect(agent.get_by_test_id("nav-dags-link")).to_be_visible(timeout=30_000)
