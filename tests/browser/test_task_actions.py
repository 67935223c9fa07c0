"""The Tarefas tab's actions, for an agent and a client: reprocessing only of failed tasks, "Executar integração"
unavailable with its reason, a pending request as information, the list following tasks under way, the agents'
split and preview and Airflow links, and dates in the page's language."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import login
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
    page.fill("#data_final", days_ago(50))  # a changed period drops the stale preview
    expect(preview).to_be_hidden()
    page.click("#run-preview-button")
    expect(preview).to_contain_text("Nenhum conflito com tarefas pendentes.")
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
    set_status(stack, pending["id"], "completed")
    expect(row).to_contain_text("Concluída", timeout=15_000)  # no click: the list followed the task
    expect(page.locator("#task-search")).to_have_value(str(pending["code"]))
    expect(page.locator("#tasks tbody tr")).to_have_count(1)
    # Nothing under way any more: the polling stops.
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if "/tasks?" in request.url else None)
    time.sleep(9)
    assert polls == []
