"""A client logs into the Airflow UI in Chromium, lands on Integrações and sees only its tenant."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser_fixtures import login_with_the_form
from tests.stack_fixtures import RunningStack

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_client_lands_on_integracoes_and_sees_its_tenant_only(page: Page, stack: RunningStack) -> None:
    login_with_the_form(page, stack, "cliente1")
    page.wait_for_url("**/plugin/integracoes", timeout=60_000)
    nav_entry = page.get_by_role("link", name="Integrações")
    expect(nav_entry.first).to_be_visible(timeout=30_000)
    frame = page.frame_locator("iframe")
    expect(frame.locator("#integrations tbody")).to_contain_text("Farmácia Vida", timeout=30_000)
    expect(frame.locator("#integrations tbody")).not_to_contain_text("Drogaria Saúde")
    expect(frame.get_by_test_id("usuario")).to_have_text("cliente1")
    page.screenshot(path=str(stack.artifacts / "cliente1-integracoes.png"))


def test_client_opens_the_entry_from_airflow_navigation(page: Page, stack: RunningStack) -> None:
    login_with_the_form(page, stack, "cliente2")
    page.wait_for_url("**/plugin/integracoes", timeout=60_000)
    page.goto(f"{stack.url}/plugin/integracoes")
    page.get_by_role("link", name="Integrações").first.click()
    frame = page.frame_locator("iframe")
    expect(frame.locator("#integrations tbody")).to_contain_text("Drogaria Saúde", timeout=30_000)


def test_support_agent_keeps_airflow_home(page: Page, stack: RunningStack) -> None:
    login_with_the_form(page, stack, "suporte")
    page.wait_for_load_state("networkidle")
    assert not page.url.endswith("/plugin/integracoes")
    expect(page.get_by_role("link", name="Integrações").first).to_be_visible(timeout=30_000)
