"""The Tarefas tab's actions, for an agent and a client: reprocessing only of failed tasks, "Executar integração"
unavailable with its reason, a pending request as information, the list following tasks under way with its
columns still, the agents' split and preview and Airflow links, dates in the page's language (typed too), and
Arquivos gerados' column filter, in light and dark theme, at desktop and phone width."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import DESKTOP, PHONE, browser_page, console_errors, login
from tests.integration.test_runs_e2e import API, register_smarket
from tests.stack_fixtures import RunningStack, days_ago

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def br(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def add_task(stack: RunningStack, integration: dict[str, Any], start: str, end: str, status: str) -> dict[str, Any]:
    """A scheduled task as a run leaves it; an ended one with its (ended) attempt. A pending one has none, so
    that the sweepers of lost runs leave it alone (they only look at open attempts and manual requests)."""
    with psycopg.connect(stack.database_url) as conn:
        row = conn.execute(
            "INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem, situacao,"
            " motivo_falha) VALUES (%s, %s, %s, 'Sistema', 'agendada', %s, %s) RETURNING id, codigo",
            (integration["id"], start, end, status, "Parceiro indisponível." if status == "failed" else None),
        ).fetchone()
        assert row is not None
        run_id = f"scheduled__teste_{row[0]}"
        if status != "pending":
            conn.execute(
                "INSERT INTO integracao.tarefa_tentativa (tarefa_id, dag_id, run_id, situacao, finalizada_em)"
                " VALUES (%s, %s, %s, %s, now())",
                (row[0], integration["dag_id"], run_id, status),
            )
    return {"id": row[0], "code": row[1], "run_id": run_id}


def add_file(stack: RunningStack, task: dict[str, Any], name: str, status: str, reason: str | None = None) -> None:
    with psycopg.connect(stack.database_url) as conn:
        conn.execute(
            "INSERT INTO integracao.arquivo (tarefa_id, nome, uri, tamanho, sha256, situacao, motivo_falha)"
            " VALUES (%s, %s, %s, 10, repeat('0', 64), %s, %s)",
            (task["id"], name, f"file:///nao-existe/{name}", status, reason),
        )


def set_status(stack: RunningStack, task_id: int, status: str) -> None:
    with psycopg.connect(stack.database_url) as conn:
        conn.execute("UPDATE integracao.tarefa SET situacao = %s, motivo_falha = NULL WHERE id = %s", (status, task_id))


@pytest.fixture(scope="module")
def inactive(stack: RunningStack) -> dict[str, Any]:
    """An inactive integration (its DAG never runs) with a failed, a completed and a pending task."""
    integration = register_smarket(stack, f"Smarket ações {uuid.uuid4().hex[:6]}", active=False)
    integration["failed"] = add_task(stack, integration, "2026-01-05", "2026-01-05", "failed")
    integration["completed"] = add_task(stack, integration, "2026-01-06", "2026-01-06", "completed")
    return integration


@pytest.fixture(scope="module")
def active(stack: RunningStack) -> dict[str, Any]:
    """An active integration with a pending task 30 to 28 days ago (requests overlapping it conflict)."""
    integration = register_smarket(stack, f"Smarket pendente {uuid.uuid4().hex[:6]}")
    integration["pending"] = add_task(stack, integration, days_ago(30), days_ago(28), "pending")
    return integration


@pytest.fixture(scope="module")
def with_files(stack: RunningStack, active: dict[str, Any]) -> dict[str, Any]:
    """A failed task of the active integration with three files: two delivered and one refused."""
    task = add_task(stack, active, days_ago(40), days_ago(40), "failed")
    add_file(stack, task, "smarket_sellout_a.csv", "completed")
    add_file(stack, task, "smarket_estoque_a.csv", "completed")
    add_file(stack, task, "smarket_sellout_b.csv", "failed", "O parceiro recusou o arquivo: coluna ean vazia.")
    return task


def open_tasks(page: Page, stack: RunningStack, integration: dict[str, Any]) -> None:
    page.goto(f"{stack.url}/integracoes/integracoes/{integration['id']}")
    page.click("#tab-tasks")
    expect(page.locator("#tasks tbody tr[data-code]").first).to_be_visible()


def row_of(page: Page, task: dict[str, Any]) -> Any:
    return page.locator(f'#tasks tbody tr[data-code="{task["code"]}"]')


def test_reprocess_only_failed_tasks_and_dates_in_pt_br(
    page: Page, stack: RunningStack, inactive: dict[str, Any]
) -> None:
    login(page, stack, "cliente1")
    open_tasks(page, stack, inactive)
    failed, completed = row_of(page, inactive["failed"]), row_of(page, inactive["completed"])
    failed.locator("button[aria-haspopup=menu]").click()
    expect(failed.get_by_role("menuitem", name="Reprocessar tarefa")).to_be_visible()
    completed.locator("button[aria-haspopup=menu]").click()
    expect(completed.get_by_role("menuitem", name="Arquivos gerados")).to_be_visible()
    expect(completed.get_by_role("menuitem", name="Reprocessar tarefa")).to_have_count(0)
    # Dt. cadastro dd/mm/aaaa hh:mm, movement days dd/mm/aaaa.
    cells = failed.locator("td")
    expect(cells.nth(1)).to_have_text(re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$"))
    expect(cells.nth(2)).to_have_text("05/01/2026")
    # A client never gets Airflow's pages.
    expect(page.locator("#tasks a.airflow-link")).to_have_count(0)
    with stack.client("cliente1") as client:
        items = client.get(f"{API}/integrations/{inactive['id']}/tasks").json()["items"]
    assert {item["airflow_run"] for item in items} == {None}


def test_dates_in_english_are_unambiguous(browser: Browser, stack: RunningStack, inactive: dict[str, Any]) -> None:
    # No stored language preference: the browser's language decides (the demo users' preferences stay untouched).
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 860})
    try:
        page = context.new_page()
        login(page, stack, "cliente1")
        open_tasks(page, stack, inactive)
        cells = row_of(page, inactive["failed"]).locator("td")
        expect(cells.nth(2)).to_have_text("2026-01-05")
        expect(cells.nth(1)).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))
    finally:
        context.close()


def test_run_is_unavailable_with_its_reason_on_an_inactive_integration(
    page: Page, stack: RunningStack, inactive: dict[str, Any]
) -> None:
    login(page, stack, "cliente1")
    page.goto(f"{stack.url}/integracoes/integracoes/{inactive['id']}")
    button = page.locator("#run-open")
    expect(button).to_be_disabled()
    reason = "Indisponível: a integração está inativa."
    expect(button).to_have_attribute("title", reason)
    expect(button).to_have_accessible_description(reason)
    expect(page.locator("#run-unavailable")).to_have_text(reason)


def test_pending_conflict_is_information_and_client_has_no_split(
    page: Page, stack: RunningStack, active: dict[str, Any]
) -> None:
    login(page, stack, "cliente1")
    page.goto(f"{stack.url}/integracoes/integracoes/{active['id']}")
    page.click("#run-open")
    expect(page.locator("#run-split")).to_have_count(0)
    expect(page.locator("#run-preview-button")).to_have_count(0)
    page.fill("#data_inicial", days_ago(29))
    page.fill("#data_final", days_ago(29))
    page.click("#run-submit")
    info = page.locator("#run-info")
    code = active["pending"]["code"]
    expect(info).to_contain_text(f"em conflito com a tarefa {code}, que ainda está pendente de processamento.")
    expect(info).to_contain_text(f"Tarefa {code}: movimento de {br(days_ago(30))} a {br(days_ago(28))}")
    expect(info).to_have_attribute("role", "status")
    expect(page.locator("#run-error")).to_be_hidden()


def test_agent_splits_and_previews_a_long_period(page: Page, stack: RunningStack, active: dict[str, Any]) -> None:
    login(page, stack, "suporte")
    page.goto(f"{stack.url}/integracoes/integracoes/{active['id']}")
    page.click("#run-open")
    page.fill("#data_inicial", days_ago(70))
    page.fill("#data_final", days_ago(20))  # 51 days
    page.click("#run-submit")
    expect(page.locator("#error-data_final")).to_contain_text("no máximo 31 dias")
    page.check("#run-split")
    page.click("#run-preview-button")
    preview = page.locator("#run-preview")
    expect(preview).to_contain_text("Tarefas que serão criadas: 2")
    expect(preview.locator("#run-preview-chunks li")).to_have_text(
        [f"{br(days_ago(70))} a {br(days_ago(40))}", f"{br(days_ago(39))} a {br(days_ago(20))}"]
    )
    expect(preview.locator("#run-preview-conflicts")).to_contain_text(f"Tarefa {active['pending']['code']}:")
    expect(preview.locator("#run-preview-files")).to_have_count(0)  # two requests: no single file to show
    page.fill("#data_final", days_ago(50))  # a changed period drops the stale preview
    expect(preview).to_be_hidden()
    page.click("#run-preview-button")
    expect(preview).to_contain_text("Nenhum conflito com tarefas pendentes.")
    # One request: the file it would send, rendered now from the ERP (the period was never delivered).
    file = preview.locator("#run-preview-files li")
    expect(file).to_have_count(1)
    expect(file).to_have_text(
        re.compile(r"^smarket_sellout_\S+\.csv — \d+ linha\(s\) · nada entregue deste período ainda$")
    )
    page.screenshot(path=str(stack.artifacts / "suporte-executar-pre-visualizar.png"))


def test_agent_sees_airflow_links_and_the_list_follows_tasks_under_way(
    page: Page, stack: RunningStack, inactive: dict[str, Any], active: dict[str, Any]
) -> None:
    login(page, stack, "suporte")
    open_tasks(page, stack, inactive)
    run = row_of(page, inactive["failed"]).locator("a[data-airflow=run]")
    expect(run).to_have_attribute("href", f"/dags/{inactive['dag_id']}/runs/{inactive['failed']['run_id']}")
    expect(run).to_have_attribute("target", "_top")
    expect(run).to_have_accessible_name(f"Execução da tarefa {inactive['failed']['code']} no Airflow")

    # An active integration (an inactive one's pending tasks are ended by the reconciler).
    pending = add_task(stack, active, days_ago(45), days_ago(45), "pending")
    open_tasks(page, stack, active)
    page.fill("#task-search", str(pending["code"]))
    row = row_of(page, pending)
    expect(row).to_contain_text("Pendente")
    expect(page.locator("#tasks tbody tr")).to_have_count(1)
    widths = (
        "[...document.querySelectorAll('#tasks thead th')].map((th) => Math.round(th.getBoundingClientRect().width))"
    )
    before = page.evaluate(widths)
    with psycopg.connect(stack.database_url) as conn:
        conn.execute(
            "UPDATE integracao.tarefa SET situacao = 'failed', motivo_falha = %s WHERE id = %s",
            (
                "O parceiro recusou o arquivo: " + "a coluna ean_produto veio vazia em várias linhas; " * 3,
                pending["id"],
            ),
        )
    expect(row).to_contain_text("Falha no envio", timeout=15_000)  # no click: the list followed the task
    assert page.evaluate(widths) == before, "a refreshed list keeps its columns where they were"
    expect(page.locator("#task-search")).to_have_value(str(pending["code"]))
    expect(page.locator("#tasks tbody tr")).to_have_count(1)
    # Nothing under way any more: the polling stops.
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if "/tasks?" in request.url else None)
    time.sleep(9)
    assert polls == []


def shown_text(page: Page, selector: str) -> str:
    """What a field shows (its `value` property speaks ISO to the scripts)."""
    return str(page.eval_on_selector(
        selector, "e => Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').get.call(e)"))  # fmt: skip


VARIANTS = [
    pytest.param(scheme, size, id=f"{scheme}-{name}")
    for scheme in ("light", "dark")
    for name, size in (("desktop", DESKTOP), ("phone", PHONE))
]


@pytest.mark.parametrize(("scheme", "size"), VARIANTS)
def test_a_client_runs_a_period_and_filters_a_tasks_files_in_each_theme_and_width(
    browser: Browser, stack: RunningStack, active: dict[str, Any], with_files: dict[str, Any], scheme: str, size: Any
) -> None:
    with browser_page(browser, color_scheme=scheme, viewport=size) as page:
        errors = console_errors(page)
        login(page, stack, "cliente1")
        page.goto(f"{stack.url}/integracoes/integracoes/{active['id']}")
        # Executar integração: the page's first action, at the top right (as the manual shows it).
        run = page.locator(".page-actions #run-open")
        box = run.bounding_box()
        assert box
        assert box["x"] + box["width"] <= size["width"]
        assert box["x"] > size["width"] / 2 - 120, box
        run.click()
        expect(page.locator("label[for=data_inicial]")).to_have_text("Data inicial mov.")
        expect(page.locator("label[for=data_final]")).to_have_text("Data final mov.")
        # Digits typed become dd/mm/aaaa; the request carries the day itself.
        day = days_ago(29)
        for field in ("#data_inicial", "#data_final"):
            expect(page.locator(field)).to_have_attribute("placeholder", "dd/mm/aaaa")
            page.locator(field).press_sequentially(br(day).replace("/", ""))
            assert shown_text(page, field) == br(day)
            assert page.eval_on_selector(field, "e => e.value") == day  # what the page's scripts read
        page.click("#run-submit")
        code = active["pending"]["code"]
        expect(page.locator("#run-info")).to_contain_text(f"em conflito com a tarefa {code}")
        # A text that is no date is said so in the field's own words.
        page.fill("#data_inicial", "31/02/2026")
        page.locator("#data_inicial").blur()
        message = page.eval_on_selector("#data_inicial", "e => e.validationMessage")
        assert message == "Informe uma data válida, no formato dd/mm/aaaa."
        page.click("#run-close")

        page.click("#tab-tasks")
        page.fill("#task-search", str(with_files["code"]))
        row = row_of(page, with_files)
        expect(page.locator("#tasks tbody tr")).to_have_count(1)
        row.locator("button[aria-haspopup=menu]").click()
        row.get_by_role("menuitem", name="Arquivos gerados").click()
        dialog = page.locator("#files-dialog")
        expect(dialog.locator("#files-title")).to_have_text(f"Arquivos gerados para a tarefa {with_files['code']}")
        rows = dialog.locator("tbody tr")
        expect(rows).to_have_count(3)
        # The manual's column filter: the funnel, the column's values to tick, "Ok".
        funnel = dialog.get_by_role("button", name="Filtrar Situação")
        funnel.click()
        choices = dialog.get_by_role("dialog", name="Filtrar Situação")
        expect(choices.locator(".filter-values label")).to_have_text(["Concluída", "Falha no envio"])
        choices.get_by_label("Concluída").uncheck()
        choices.get_by_role("button", name="Ok").click()
        expect(choices).to_be_hidden()
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("coluna ean vazia")
        expect(funnel).to_have_attribute("aria-pressed", "true")
        # Two columns' filters add up; one that leaves nothing says so, not "no files".
        dialog.get_by_role("button", name="Filtrar Arquivo").click()
        choices = dialog.get_by_role("dialog", name="Filtrar Arquivo")
        choices.get_by_label("(Selecionar tudo)").uncheck()
        choices.get_by_label("smarket_estoque_a.csv").check()
        choices.get_by_role("button", name="Ok").click()
        expect(dialog.locator("tbody")).to_have_text("Nenhum arquivo corresponde ao filtro.")
        funnel.click()
        dialog.get_by_role("dialog", name="Filtrar Situação").get_by_role("button", name="Limpar").click()
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("smarket_estoque_a.csv")
        expect(funnel).to_have_attribute("aria-pressed", "false")
        page.screenshot(path=str(stack.artifacts / f"cliente1-arquivos-filtro-{scheme}-{size['width']}.png"))
    # The conflicting request's 409 is the API's answer by contract (Chromium logs every 4xx it fetched).
    assert [error for error in errors if "status of 409 (Conflict)" not in error] == []


def test_an_english_browser_types_dates_as_the_page_shows_them(
    browser: Browser, stack: RunningStack, active: dict[str, Any]
) -> None:
    # The browser's own language is English, Airflow's UI (and so the page) Portuguese: a native date field would
    # read mm/dd/yyyy here.
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.add_init_script("localStorage.setItem('i18nextLng', 'pt-BR')")  # Airflow's UI language
        login(page, stack, "cliente1")
        page.goto(f"{stack.url}/integracoes/integracoes/{active['id']}")
        expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
        page.click("#run-open")
        expect(page.locator("#data_inicial")).to_have_attribute("placeholder", "dd/mm/aaaa")
        page.locator("#data_inicial").press_sequentially("05012026")
        assert shown_text(page, "#data_inicial") == "05/01/2026"
        assert page.eval_on_selector("#data_inicial", "e => e.value") == "2026-01-05"
    finally:
        context.close()
