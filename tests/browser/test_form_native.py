"""The registration form as a native part of the product: save only where it saves, error marks on tabs, the
new integration opened after "Cadastrar", labels and fields from the catalog, agents-only defaults kept from
clients, the description in the header, the list's and the tab's state in the address, unsaved changes asked
before leaving, and dates in the reader's format."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from include.connectors.catalog import CATALOG, TYPES
from include.connectors.config import ConfigKey
from tests.browser_fixtures import login
from tests.stack_fixtures import RunningStack

API = "/integracoes/api/v1"
ENGLISH_CREDENTIAL_WORDS = re.compile(r"\b(API key|API secret|Client ID|Client secret|Secret key|Access key|Token)\b")
# Whether leaving now would be stopped (the page's beforeunload handler cancels the event).
LEAVING_IS_STOPPED = """() => {
  const event = new Event("beforeunload", { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def stack_test(test: Callable[..., None]) -> Callable[..., None]:
    """A test with the whole stack and Chromium (this module also holds a plain catalog check)."""
    return pytest.mark.stack(pytest.mark.browser(test))


def declared(type_code: str, key_name: str) -> ConfigKey:
    found = CATALOG[type_code].key(key_name)
    assert found is not None
    return found


def test_every_key_declares_both_labels_and_its_field() -> None:
    for spec in TYPES:
        for key in spec.keys:
            assert key.label_en, (spec.code, key.key)
            assert not ENGLISH_CREDENTIAL_WORDS.search(key.label), (spec.code, key.label)
            if key.secret:
                assert key.widget.kind == "password", (spec.code, key.key)
    assert declared("proffer", "arredondamento").widget.options == ("0,99", "0,90", "0,49", "nenhum")
    assert declared("proffer", "dias_historico").widget.kind == "number"
    assert [k.label for k in CATALOG["boavista"].keys if k.secret] == ["Chave de Acesso", "Chave Secreta"]
    assert declared("boavista", "email_notificacao").widget.kind == "email"


@stack_test
def test_every_type_shows_portuguese_labels_and_the_right_fields(page: Page, stack: RunningStack) -> None:
    login(page, stack, "suporte")
    page.goto(f"{stack.url}/integracoes/integracoes/nova")
    for spec in TYPES:
        if page.locator(f"#type_code option[value={spec.code}]").get_attribute("disabled") is not None:
            continue  # not registrable (no connector): its keys are never asked
        page.select_option("#type_code", spec.code)
        labels = page.locator("#config tbody label").all_text_contents()
        assert len(labels) == len(spec.keys), spec.code
        assert not [label for label in labels if ENGLISH_CREDENTIAL_WORDS.search(label)], (spec.code, labels)
        for key in spec.keys:
            field = page.locator(f"[id='config.{key.key}']")
            expected = {"password": "password", "number": "number", "url": "url"}.get(key.widget.kind)
            if key.widget.kind == "select":
                assert field.evaluate("node => node.tagName") == "SELECT", (spec.code, key.key)
            elif expected:
                expect(field).to_have_attribute("type", expected)

    page.select_option("#type_code", "boavista")
    expect(page.locator("label[for='config.access_key']")).to_have_text("Chave de Acesso")
    expect(page.locator("label[for='config.secret_key']")).to_have_text("Chave Secreta")
    # A timetable of its own: explained and shown instead of the interval.
    expect(page.locator("#own-schedule")).to_contain_text("a cada 4 horas entre 04:00 e 20:00")
    expect(page.locator("#interval_minutes")).to_be_hidden()

    page.select_option("#type_code", "proffer")
    page.click("#tab-config")
    expect(page.locator("[id='config.dias_historico']")).to_have_value("90")  # the agent sees the defaults
    expect(page.locator("[id='config.dias_historico']")).to_have_attribute("min", "7")
    expect(page.locator("[id='config.arredondamento'] option")).to_have_count(5)
    expect(page.locator("[id='config.arredondamento']")).to_have_value("0,99")
    page.screenshot(path=str(stack.artifacts / "form-proffer-campos.png"))


@stack_test
def test_errors_mark_their_tabs_and_the_new_integration_opens(page: Page, stack: RunningStack) -> None:
    description = f"SNGPC abas {uuid.uuid4().hex[:6]}"
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, stack, "suporte")
    page.goto(f"{stack.url}/integracoes/integracoes/nova")
    expect(page).to_have_url(re.compile(r"/nova#cadastro$"))
    page.select_option("#tenant_id", label="Farmácia Vida")
    page.select_option("#type_code", "sngpc")
    page.locator("#branches tbody input[type=checkbox]").first.check()
    page.click("#tab-config")
    expect(page).to_have_url(re.compile(r"#configuracoes$"))
    page.fill("[id='config.url_api']", f"{stack.sandbox_url}/sngpc")
    page.fill("[id='config.usuario']", "farmaciavida")
    page.fill("[id='config.senha']", "demo-sngpc-senha")
    page.fill("[id='config.crf_responsavel']", "invalido")

    # Errors on both tabs: both marked (seen, and read as "com erros"); the tab in view stays.
    page.click("#save")
    expect(page.locator("#tab-cadastro .tab-error-mark")).to_be_visible()
    expect(page.locator("#tab-cadastro")).to_contain_text("(com erros)")
    expect(page.locator("#tab-config .tab-error-mark")).to_be_visible()
    expect(page.locator("#tab-config")).to_have_attribute("aria-selected", "true")
    page.screenshot(path=str(stack.artifacts / "form-abas-com-erros.png"))

    # Fixed on this tab: its mark goes, the other tab's stays and is shown.
    page.fill("[id='config.crf_responsavel']", "SP-12345")
    with page.expect_response(lambda answer: answer.url.endswith(f"{API}/integrations")) as saved:
        page.click("#save")
    assert set(saved.value.json()["errors"]) == {"description"}, saved.value.json()
    expect(page.locator("#tab-config .tab-error-mark")).to_have_count(0)
    expect(page.locator("#tab-cadastro .tab-error-mark")).to_be_visible()
    expect(page.locator("#tab-cadastro")).to_have_attribute("aria-selected", "true")

    # "Cadastrar" opens the new integration, with the notice and the description in the header.
    page.fill("#description", description)
    page.click("#save")
    page.wait_for_url(re.compile(r"/integracoes/integracoes/\d+"))
    expect(page.locator("#flash")).to_have_text("Integração cadastrada com sucesso.")
    expect(page.locator("#description")).to_have_value(description)
    expect(page.locator(".tab-error-mark")).to_have_count(0)
    assert dialogs == []  # a saved form leaves without asking

    # Every tab: the description in the header, the tab in the address, Salvar only where it saves.
    for tab, slug, saves in (
        ("#tab-tasks", "tarefas", False),
        ("#tab-logs", "logs", False),
        ("#tab-config", "configuracoes", True),
        ("#tab-cadastro", "cadastro", True),
    ):
        page.click(tab)
        expect(page).to_have_url(re.compile(f"#{slug}$"))
        expect(page.locator("#heading-description")).to_have_text(description)
        if saves:
            expect(page.locator("#save")).to_be_visible()
        else:
            expect(page.locator("#save")).to_be_hidden()
    page.click("#tab-tasks")
    page.reload()
    expect(page.locator("#tab-tasks")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-tasks")).to_be_visible()
    expect(page.locator("#save")).to_be_hidden()
    expect(page.locator("#flash")).to_be_hidden()  # the notice is not shown again on a reload

    # Unsaved changes: leaving asks (in-app link and beforeunload); after saving it does not.
    page.click("#tab-cadastro")
    assert page.evaluate(LEAVING_IS_STOPPED) is False
    page.fill("#description", description + " alterada")
    assert page.evaluate(LEAVING_IS_STOPPED) is True
    back = page.locator(".topbar a.button", has_text="Voltar")
    back.click()
    for _ in range(50):
        if dialogs:
            break
        page.wait_for_timeout(100)
    assert len(dialogs) == 1
    assert "alterações não salvas" in dialogs[0]
    expect(page.locator("#description")).to_have_value(description + " alterada")  # still here
    page.click("#save")
    expect(page.locator("#flash")).to_have_text("Integração salva com sucesso.")
    expect(page.locator("#heading-description")).to_have_text(description + " alterada")
    assert page.evaluate(LEAVING_IS_STOPPED) is False
    back.click()
    page.wait_for_url(re.compile(r"/integracoes/(\?.*)?$"))
    assert len(dialogs) == 1


@stack_test
def test_the_list_keeps_search_page_and_size_in_the_address(page: Page, stack: RunningStack) -> None:
    login(page, stack, "suporte")
    page.goto(f"{stack.url}/integracoes/")
    expect(page.locator("#page-label")).to_have_text(re.compile(r"^Página 1 de ([2-9]|[1-9]\d+)$"))
    page.click("#next")
    expect(page.locator("#page-label")).to_have_text(re.compile(r"^Página 2 de"))
    expect(page).to_have_url(re.compile(r"\?pagina=2$"))
    page.reload()
    expect(page.locator("#page-label")).to_have_text(re.compile(r"^Página 2 de"))

    # Into an integration and back: the same page of the list.
    opened = page.locator("#integrations tbody tr").first
    code = opened.get_attribute("data-id")
    opened.dblclick()
    page.wait_for_url(f"**/integracoes/integracoes/{code}*")
    page.go_back()
    expect(page.locator("#page-label")).to_have_text(re.compile(r"^Página 2 de"))
    expect(page.locator(f"#integrations tbody tr[data-id='{code}']")).to_have_count(1)

    expect(page.locator("label[for=page-size]")).to_have_text("Registros por página")  # the manual's words
    page.select_option("#page-size", "25")
    page.fill("#search", "Smarket")
    expect(page).to_have_url(re.compile(r"\?busca=Smarket&tamanho=25$"))
    page.reload()
    expect(page.locator("#search")).to_have_value("Smarket")
    expect(page.locator("#page-size")).to_have_value("25")
    rows = page.locator("#integrations tbody tr")
    expect(rows.first).to_contain_text("Smarket")
    assert all("Smarket" in text for text in rows.all_text_contents())

    # Dates in the reader's format: dd/mm/aaaa in pt-BR.
    assert re.fullmatch(r"28/11/2026 \d\d:\d\d", page.evaluate("formatDate('2026-11-28T15:00:00Z', true)"))
    assert page.evaluate("formatDate('2026-11-28')") == "28/11/2026"


@stack_test
def test_a_client_never_sees_proffer_agents_only_values(page: Page, stack: RunningStack) -> None:
    with stack.client("cliente1") as client:
        proffer_type = next(t for t in client.get(f"{API}/types").json() if t["code"] == "proffer")
        found = client.get(f"{API}/integrations", params={"search": "Proffer"}).json()["items"]
    assert all(key["default"] is None for key in proffer_type["keys"])
    with stack.client("suporte") as agent:
        agent_type = next(t for t in agent.get(f"{API}/types").json() if t["code"] == "proffer")
    assert {k["key"]: k["default"] for k in agent_type["keys"]}["dias_historico"] == "90"

    login(page, stack, "cliente1")
    page.goto(f"{stack.url}/integracoes/integracoes/{found[0]['id']}#configuracoes")
    expect(page.locator("#panel-config")).to_be_visible()
    for key in ("dias_historico", "margem_minima_percentual"):
        field = page.locator(f"[id='config.{key}']")
        expect(field).to_have_value("")
        expect(field).to_have_attribute("placeholder", "Definido pelo suporte")
    expect(page.locator("[id='config.arredondamento']")).to_have_value("")
    expect(page.locator("[id='config.arredondamento'] option:checked")).to_have_text("Definido pelo suporte")
    data = json.loads(page.locator("#page-data").text_content() or "{}")
    values = {item["key"]: item["value"] for item in data["integration"]["config"]}
    assert (values["dias_historico"], values["margem_minima_percentual"], values["arredondamento"]) == (None,) * 3
    assert all(key["default"] is None for spec in data["types"] for key in spec["keys"])
    page.screenshot(path=str(stack.artifacts / "cliente1-proffer-sem-padroes.png"))


@stack_test
def test_english_labels_and_dates(browser: Browser, stack: RunningStack) -> None:
    with stack.client("suporte") as agent:
        boavista = next(
            t for t in agent.get(f"{API}/types", headers={"Accept-Language": "en"}).json() if t["code"] == "boavista"
        )
    labels = {key["key"]: key["label"] for key in boavista["keys"]}
    assert (labels["access_key"], labels["secret_key"], labels["url_api"]) == ("Access key", "Secret key", "API URL")

    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 860})
    try:
        page = context.new_page()
        login(page, stack, "suporte")
        page.goto(f"{stack.url}/integracoes/integracoes/nova")
        if page.evaluate("PAGE.lang") != "en":
            pytest.skip("the demo agent's language preference is not the browser's")
        page.select_option("#type_code", "boavista")
        expect(page.locator("label[for='config.access_key']")).to_have_text("Access key")
        expect(page.locator("label[for='config.email_notificacao']")).to_have_text("Notification e-mail")
        assert page.evaluate("formatDate('2026-11-28')") == "2026-11-28"
    finally:
        context.close()
