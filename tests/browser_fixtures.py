"""Chromium (Debian's, driven by Playwright) and a logged-in page, for the browser tests and the end-to-end
tests that end in the browser (a pytest plugin of the whole suite)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Literal

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.stack_fixtures import RunningStack

CHROMIUM = "/usr/bin/chromium"
DESKTOP: ViewportSize = {"width": 1366, "height": 860}
PHONE: ViewportSize = {"width": 360, "height": 740}
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


@contextmanager
def browser_page(
    browser: Browser, *, color_scheme: Literal["light", "dark"] = "light", viewport: ViewportSize = DESKTOP
) -> Iterator[Page]:
    """A page of a fresh browser context (its own cookies) in pt-BR, on a laptop-sized screen unless asked."""
    context = browser.new_context(locale="pt-BR", viewport=viewport, color_scheme=color_scheme)
    try:
        yield context.new_page()
    finally:
        context.close()


def console_errors(page: Page) -> list[str]:
    """The page's console errors and uncaught exceptions from now on (the list fills up as they happen)."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(f"{message.text} ({page.url})") if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error} ({page.url})"))
    return errors


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with browser_page(browser) as opened:
        yield opened


def login(page: Page, stack: RunningStack, username: str) -> None:
    """Signed in as `username` with the session Airflow's login page gives (its JWT in the `_token` cookie),
    without loading Airflow's own UI first: for the tests of the product's pages, which then open one. (Airflow's
    UI is a large application: loading it once per test was most of the browser's work.) The login page and what
    follows it are tested with `login_with_the_form`."""
    page.context.add_cookies(
        [{"name": "_token", "value": stack.token(username), "url": stack.url, "httpOnly": True, "sameSite": "Lax"}]
    )


def login_with_the_form(page: Page, stack: RunningStack, username: str) -> None:
    """Through Airflow's login page, as a person signs in (and lands where Airflow sends them)."""
    page.goto(f"{stack.url}/auth/login/")
    page.fill("#username", username)
    page.fill("#password", username)
    page.click("input[type=submit], button[type=submit]")
    # Wait for the login POST to land (and set the session cookie) before anything else navigates.
    page.wait_for_url(lambda url: "/auth/login" not in url, timeout=60_000)


@cache
def _axe_script() -> str:
    """axe-core, as the axe-playwright-python package bundles it."""
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def audit_accessibility(page: Page) -> None:
    """axe-core on the page as it is now (open dialogs and tabs included); fails on any serious or critical
    violation, naming the rule, its help text and the elements."""
    page.wait_for_function("() => !document.documentElement.classList.contains('loading-data')")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_script())
    violations = page.evaluate(
        """async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
             .filter((v) => v.impact === "serious" || v.impact === "critical")
             .map((v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")
               + (n.failureSummary ? " [" + n.failureSummary.replace(/\\s+/g, " ") + "]" : "")).join(" | ")}`)"""
    )
    assert not violations, f"accessibility of {page.url}:\n" + "\n".join(violations)
