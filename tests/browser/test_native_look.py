"""The pages as a native part of Airflow 3 in Chromium: Airflow's colour mode and language, loading states and
error banners, an expired session sent to Airflow's login, keyboard use, phone width (360 px) and an axe-core
audit of every page as an agent and as a client, in light and dark mode; screenshots kept as artifacts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import suppress
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Error, Page, Route, expect

from tests.browser_fixtures import DESKTOP, PHONE, audit_accessibility, login, login_with_the_form
from tests.stack_fixtures import RunningStack

pytestmark = [pytest.mark.stack, pytest.mark.browser]

# (name, Airflow's colour mode, viewport): every page is audited and photographed in each.
VARIANTS = [("light", "light", DESKTOP), ("dark", "dark", DESKTOP), ("phone", "dark", PHONE)]
ADMIN_PAGES = ["redes", "usuarios", "faturaveis", "auditoria"]
TABS = ["cadastro", "configuracoes", "tarefas", "logs"]
DARK_BACKGROUND = "oklch(0.11 0.025 251)"  # Airflow's gray.950


@pytest.fixture(scope="module")
def sessions(browser: Browser, stack: RunningStack) -> Iterator[dict[str, Page]]:
    """One logged-in page per role for the whole module (logging in costs more than the checks)."""
    contexts: list[BrowserContext] = []
    pages = {}
    for username in ("suporte", "cliente1"):
        context = browser.new_context(locale="pt-BR", viewport=DESKTOP)
        contexts.append(context)
        pages[username] = context.new_page()
        login(pages[username], stack, username)
    yield pages
    for context in contexts:
        context.close()


def settle(page: Page) -> None:
    """Every request answered and rendered."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.documentElement.classList.contains('loading-data')")


def set_colour_mode(page: Page, mode: str) -> None:
    """As Airflow's UI stores it (next-themes, localStorage "theme"); the next page load applies it."""
    page.evaluate("(mode) => localStorage.setItem('theme', mode)", mode)


def page_paths(page: Page, stack: RunningStack, agent: bool) -> list[str]:
    """Every page of the role: the list, an integration (each tab), Painel, the partner pages it is offered, and
    the administration pages for agents."""
    page.goto(f"{stack.url}/integracoes/")
    settle(page)
    first = page.locator("#integrations tbody tr[data-id]").first.get_attribute("data-id")
    features = [
        urlparse(href).path.removeprefix("/integracoes/")
        for href in page.locator(".topnav a").evaluate_all("(links) => links.map((a) => a.href)")
    ]
    return [
        "",
        *(f"integracoes/{first}#{tab}" for tab in TABS),
        "painel",
        *features,
        *(ADMIN_PAGES if agent else []),
    ]


def wait_for_requests(page: Page, held: list[Route], count: int) -> None:
    """Until `count` requests are held by the test's route (the search waits for a pause in typing)."""
    for _ in range(100):
        if len(held) >= count:
            break
        page.wait_for_timeout(50)
    assert len(held) == count, [route.request.url for route in held]


@pytest.mark.parametrize("username", ["suporte", "cliente1"])
def test_every_page_passes_the_audit_in_light_dark_and_at_phone_width(
    sessions: dict[str, Page], stack: RunningStack, username: str
) -> None:
    page = sessions[username]
    paths = page_paths(page, stack, agent=username == "suporte")
    assert any(re.search(r"/(precos|conciliacao)$", path) for path in paths), paths
    shots = stack.artifacts / "screenshots" / "native_look"
    for variant, mode, viewport in VARIANTS:
        page.set_viewport_size(viewport)
        set_colour_mode(page, mode)
        for path in paths:
            page.goto(f"{stack.url}/integracoes/{path}")
            settle(page)
            expect(page.locator("html")).to_have_class(re.compile(rf"\b{mode}\b"))
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} is {overflow}px wider than the {variant} screen"
            audit_accessibility(page)
            name = (path or "lista").replace("/", "_").replace("#", "_")
            page.screenshot(path=shots / f"{username}-{name}-{variant}.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    set_colour_mode(page, "light")


def test_colour_mode_follows_airflow_from_the_first_paint_and_while_open(
    sessions: dict[str, Page], stack: RunningStack
) -> None:
    page = sessions["cliente1"]
    set_colour_mode(page, "dark")
    # The class as it is when <body> starts: set before anything is painted, so no white flash.
    page.add_init_script(
        """new MutationObserver((_, observer) => { if (document.body) { window.classAtBody =
           document.documentElement.className; observer.disconnect(); } })
           .observe(document, { childList: true, subtree: true });"""
    )
    page.goto(f"{stack.url}/integracoes/painel")
    assert "dark" in page.evaluate("window.classAtBody")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == DARK_BACKGROUND

    # Airflow (another tab of the same browser) switches to light: the open page follows.
    other = page.context.new_page()
    other.goto(f"{stack.url}/integracoes/painel")
    other.evaluate("localStorage.setItem('theme', 'light')")
    expect(page.locator("html")).to_have_class(re.compile(r"\blight\b"))
    other.close()

    # Inside Airflow's frame: its <html> class is followed as it changes.
    page.evaluate(
        """() => new Promise((loaded) => { const frame = document.createElement("iframe");
           frame.src = "./"; frame.onload = loaded; document.body.append(frame); })"""
    )
    frame = page.frame_locator("iframe")
    page.evaluate("document.documentElement.classList.replace('light', 'dark')")
    expect(frame.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    page.evaluate("document.documentElement.classList.replace('dark', 'light')")
    expect(frame.locator("html")).to_have_class(re.compile(r"\blight\b"))
    # "system": the operating system's preference decides.
    page.emulate_media(color_scheme="dark")
    set_colour_mode(page, "system")
    page.goto(f"{stack.url}/integracoes/painel")
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    page.emulate_media(color_scheme="light")
    expect(page.locator("html")).to_have_class(re.compile(r"\blight\b"))
    set_colour_mode(page, "light")


def test_a_user_without_a_language_of_their_own_follows_airflows(browser: Browser, stack: RunningStack) -> None:
    context = browser.new_context(locale="pt-BR", viewport=DESKTOP)
    try:
        page = context.new_page()
        login_with_the_form(page, stack, "cliente2")  # has no language of its own (demo data), and keeps none
        page.evaluate("localStorage.setItem('i18nextLng', 'en')")  # Airflow's UI in English
        page.goto(f"{stack.url}/integracoes/painel")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("#idioma")).to_have_value("")
        # The API answers in it too (the page sends it as Accept-Language).
        response = page.evaluate("api('GET', '/integrations/999999999').then((r) => r.data.message)")
        assert response == "Integration not found."
        # Airflow switched back to Portuguese in another tab: the open page renders again in it.
        other = context.new_page()
        other.goto(f"{stack.url}/integracoes/api/v1/")
        other.evaluate("localStorage.setItem('i18nextLng', 'pt')")
        expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
        expect(page.get_by_role("heading", level=1)).to_have_text("Painel")
        assert page.evaluate("api('GET', '/integrations/999999999').then((r) => r.data.message)") == (
            "Integração não encontrada."
        )
    finally:
        context.close()


def test_loading_state_error_banner_and_a_search_that_never_shows_an_older_term(
    sessions: dict[str, Page], stack: RunningStack
) -> None:
    page = sessions["suporte"]
    page.goto(f"{stack.url}/integracoes/")
    settle(page)
    held: list[Route] = []
    page.route("**/api/v1/integrations?*", lambda route: held.append(route))
    try:
        page.fill("#search", "zz-termo-antigo")
        expect(page.locator("main")).to_have_attribute("aria-busy", "true")
        expect(page.locator(".progress")).to_be_visible()
        wait_for_requests(page, held, 1)
        page.fill("#search", "Delage")
        wait_for_requests(page, held, 2)
        held[1].continue_()
        expect(page.locator("#integrations tbody tr[data-id]").first).to_contain_text("Delage")
        with suppress(Error):  # the page gave the older request up: nothing left to answer
            held[0].fulfill(status=200, json={"items": [], "total": 0, "page": 1, "pages": 1})
        page.wait_for_timeout(300)
        expect(page.locator("#integrations tbody tr[data-id]").first).to_contain_text("Delage")
        expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
        expect(page.locator(".progress")).to_be_hidden()
    finally:
        page.unroute("**/api/v1/integrations?*")

    # A failure shows a banner; the next answer of the same call clears it.
    page.route("**/api/v1/integrations?*", lambda route: route.fulfill(status=500, json={"message": "Falha simulada."}))
    page.fill("#search", "Saúde")
    expect(page.locator("#flash.error")).to_have_text("Falha simulada.")
    page.unroute("**/api/v1/integrations?*")
    page.fill("#search", "Drogaria")
    expect(page.locator("#flash")).to_be_hidden()


def test_an_expired_session_sends_the_top_window_to_the_login_and_back(browser: Browser, stack: RunningStack) -> None:
    context = browser.new_context(locale="pt-BR", viewport=DESKTOP)
    try:
        page = context.new_page()
        login(page, stack, "cliente1")
        top = f"{stack.url}/integracoes/painel"
        page.goto(top)
        # The list in a frame, as Airflow shows it.
        page.evaluate(
            """() => new Promise((loaded) => { const frame = document.createElement("iframe");
               frame.src = "./"; frame.onload = loaded; document.body.append(frame); })"""
        )
        context.clear_cookies()
        page.frame_locator("iframe").locator("#refresh").click()
        page.wait_for_url("**/auth/login/**")
        assert parse_qs(urlparse(page.url).query)["next"] == [top]
        expect(page.locator("body")).not_to_contain_text('"message"')
        page.fill("#username", "cliente1")
        page.fill("#password", "cliente1")
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(top, timeout=60_000)
    finally:
        context.close()


def test_rows_and_menus_work_from_the_keyboard_and_dialogs_fit_a_phone(
    sessions: dict[str, Page], stack: RunningStack
) -> None:
    page = sessions["suporte"]
    page.goto(f"{stack.url}/integracoes/")
    settle(page)
    row = page.locator("#integrations tbody tr[data-id]").first
    expect(row).to_have_attribute("tabindex", "0")
    menu = row.locator("button[aria-haspopup=menu]")
    menu.focus()
    page.keyboard.press("Enter")
    items = row.get_by_role("menuitem")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(items.first).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("ArrowUp")  # wraps round to the last item
    expect(items.last).to_be_focused()
    page.keyboard.press("Escape")
    expect(items.first).to_be_hidden()
    expect(menu).to_be_focused()
    row.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/integracoes/integracoes/\d+"))

    # At phone width the last row's menu is whole (not cut by the table's sideways scrolling), and a dialog
    # stays inside the screen.
    page.set_viewport_size(PHONE)
    try:
        page.goto(f"{stack.url}/integracoes/")
        settle(page)
        last = page.locator("#integrations tbody tr[data-id]").last
        last.locator("button[aria-haspopup=menu]").focus()
        page.keyboard.press("Enter")
        item = last.get_by_role("menuitem").last
        expect(item).to_be_visible()
        assert item.evaluate(
            """(entry) => { const box = entry.getBoundingClientRect();
               return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === entry; }"""
        )
        page.keyboard.press("Escape")

        page.goto(f"{stack.url}/integracoes/redes")
        settle(page)
        page.click("#new-tenant")
        box = page.locator("#tenant-dialog").bounding_box()
        assert box is not None
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= PHONE["width"], box
        assert box["y"] >= 0, box
        assert box["y"] + box["height"] <= PHONE["height"], box
        audit_accessibility(page)
        page.screenshot(path=stack.artifacts / "screenshots" / "native_look" / "suporte-redes-dialog-phone.png")
        page.keyboard.press("Escape")
    finally:
        page.set_viewport_size(DESKTOP)
