"""A client watches a run live: log lines arrive without reload, the task ends Concluída, the zip downloads."""

from __future__ import annotations

import io
import re
import uuid
import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.browser_fixtures import login
from tests.integration.test_runs_e2e import API, dag_registered, register_smarket, wait_for
from tests.stack_fixtures import RunningStack

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_client_follows_a_run_live_and_downloads_the_file(page: Page, stack: RunningStack) -> None:
    integration = register_smarket(stack, f"Smarket ao vivo {uuid.uuid4().hex[:6]}", active=False)
    wait_for("the DAG to be parsed", lambda: dag_registered(stack, integration["dag_id"]), timeout=120)

    login(page, stack, "cliente1")
    page.goto(f"{stack.url}/integracoes/integracoes/{integration['id']}")
    page.click("#tab-logs")
    expect(page.locator("#log-lines")).to_contain_text("Nenhuma linha de log ainda")
    expect(page.locator("#log-live")).to_have_text("Ao vivo")

    with stack.client("suporte") as agent:  # the agent activates it: the DAG is unpaused and runs
        assert agent.put(f"{API}/integrations/{integration['id']}", json={"active": True}).status_code == 200
    lines = page.locator("#log-lines li")
    expect(lines.filter(has_text="aberta: movimento de")).to_have_count(1, timeout=180_000)
    expect(lines.filter(has_text="enviado ao parceiro: protocolo")).to_have_count(1, timeout=180_000)
    expect(lines.filter(has_text="concluída")).to_have_count(1, timeout=60_000)

    page.click("#tab-tasks")
    row = page.locator("#tasks tbody tr").first
    expect(row).to_contain_text("Concluída", timeout=30_000)
    expect(row).to_contain_text("Sistema")
    code = row.get_attribute("data-code")
    with page.expect_response(lambda response: f"search={code}" in response.url):
        page.fill("#task-search", str(code))
    expect(page.locator("#tasks tbody tr")).to_have_count(1)
    row.locator("button[aria-haspopup=menu]").click()
    menu = row.get_by_role("menu")
    expect(menu).to_be_visible()
    # A reload that finds the very same list (as after a manual run elsewhere) leaves the open menu alone.
    with page.expect_response(lambda response: "/tasks?" in response.url):
        page.evaluate("document.dispatchEvent(new Event('tasks-changed'))")
    page.wait_for_timeout(300)  # the answer handled
    expect(menu).to_be_visible()
    # The chart says which days it spans and what its tallest bar stands for.
    date = re.compile(r"^\d{2}/\d{2}/\d{4}$")
    expect(page.locator("#chart-from")).to_have_text(date)
    expect(page.locator("#chart-to")).to_have_text(date)
    expect(page.locator("#chart-peak")).to_have_text(re.compile(r"^barra mais alta: \d+ tarefa\(s\)$"))
    row.get_by_role("menuitem", name="Arquivos gerados").click()
    dialog = page.locator("#files-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#files-title")).to_have_text(f"Arquivos gerados para a tarefa {code}")
    file_row = dialog.locator("tbody tr").first
    expect(file_row).to_contain_text("Enviada")
    dialog.locator("#file-search").fill("nao-existe")
    expect(dialog.locator("tbody")).to_have_text("Nenhum arquivo corresponde ao filtro.")
    dialog.locator("#file-search").fill("smarket_sellout")
    file_row.locator("button[aria-haspopup=menu]").click()
    with page.expect_download() as download_info:
        file_row.get_by_role("menuitem", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(download.path().read_bytes())) as archive:
        (name,) = archive.namelist()
        assert archive.read(name).startswith(b"filial;cnpj_filial;data;")
    page.screenshot(path=str(stack.artifacts / "cliente1-arquivos-gerados.png"))
