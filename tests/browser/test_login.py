"""A client logs into the Airflow UI in Chromium, lands on Integrações and sees only its tenant."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.stack_fixtures import RunningStack

pytestmark = [pytest.mark.stack, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
# Without these Chromium keeps dialling Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="pt-BR", viewport={"width": 1366, "height": 860})
    yield context.new_page()
    context.close()


def login(page: Page, stack: RunningStack, username: str) -> None:
    page.goto(f"{stack.url}/auth/login/")
    page.fill("#username", username)
    page.fill("#password", username)
    page.click("input[type=submit], button[type=submit]")


def test_client_lands_on_integracoes_and_sees_its_tenant_only(page: Page, stack: RunningStack) -> None:
    login(page, stack, "cliente1")
    page.wait_for_url("**/plugin/integracoes", timeout=60_000)
    nav_entry = page.get_by_role("link", name="Integrações")
    expect(nav_entry.first).to_be_visible(timeout=30_000)
    frame = page.frame_locator("iframe")
    expect(frame.get_by_test_id("clientes")).to_contain_text("Farmácia Vida", timeout=30_000)
    expect(frame.get_by_test_id("clientes")).not_to_contain_text("Drogaria Saúde")
    page.screenshot(path=str(stack.artifacts / "cliente1-integracoes.png"))


def test_client_opens_the_entry_from_airflow_navigation(page: Page, stack: RunningStack) -> None:
    login(page, stack, "cliente2")
    page.wait_for_url("**/plugin/integracoes", timeout=60_000)
    page.goto(f"{stack.url}/plugin/integracoes")
    page.get_by_role("link", name="Integrações").first.click()
    frame = page.frame_locator("iframe")
    expect(frame.get_by_test_id("clientes")).to_contain_text("Drogaria Saúde", timeout=30_000)


def test_support_agent_keeps_airflow_home(page: Page, stack: RunningStack) -> None:
    login(page, stack, "suporte")
    page.wait_for_load_state("networkidle")
    assert not page.url.endswith("/plugin/integracoes")
    expect(page.get_by_role("link", name="Integrações").first).to_be_visible(timeout=30_000)
