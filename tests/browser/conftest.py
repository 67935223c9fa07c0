"""Chromium (Debian's, driven by Playwright) and a logged-in page for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.stack_fixtures import RunningStack

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
    # Wait for the login POST to land (and set the session cookie) before anything else navigates.
    page.wait_for_url(lambda url: "/auth/login" not in url, timeout=60_000)
