"""A client logs in through Airflow's login page in Chromium, lands on Integrações and sees only its tenant."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser_fixtures import login_with_the_form
from tests.stack_fixtures import RunningStack

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_client_lands_on_integracoes_and_sees_its_tenant_only(page: Page, stack: RunningStack) -> None:
    login_with_the_form(page, stack, "cliente1")
    page.wait_for_url("**/integracoes/", timeout=60_000)
    expect(page.locator("#integrations tbody")).to_contain_text("Farmácia Vida", timeout=30_000)
    expect(page.locator("#integrations tbody")).not_to_contain_text("Drogaria Saúde")
    expect(page.get_by_test_id("usuario")).to_have_text("cliente1")
    page.screenshot(path=str(stack.artifacts / "cliente1-integracoes.png"))


def test_another_clients_landing_shows_its_own_tenant(page: Page, stack: RunningStack) -> None:
    login_with_the_form(page, stack, "cliente2")
    page.wait_for_url("**/integracoes/", timeout=60_000)
    expect(page.locator("#integrations tbody")).to_contain_text("Drogaria Saúde", timeout=30_000)
    expect(page.locator("#integrations tbody")).not_to_contain_text("Farmácia Vida")


def test_support_agent_keeps_airflow_home(page: Page, stack: RunningStack) -> None:
    login_with_the_form(page, stack, "suporte")
    page.wait_for_load_state("networkidle")
    assert "/integracoes" not in page.url
    expect(page.get_by_role("link", name="Integrações").first).to_be_visible(timeout=30_000)
