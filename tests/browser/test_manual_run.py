"""A client uses "Executar integração": validation in the dialog, success toast, conflict notice, no reprocessing
of a pending task."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser_fixtures import login
from tests.integration.test_manual_runs_api import ready_integration
from tests.stack_fixtures import RunningStack, days_ago

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_execute_dialog_toast_conflict_and_reprocess_alert(page: Page, stack: RunningStack) -> None:
    token = f"dialogo-{uuid.uuid4().hex[:8]}"
    integration = ready_integration(stack, "Smarket diálogo", token=token)
    login(page, stack, "cliente1")
    page.goto(f"{stack.url}/integracoes/integracoes/{integration['id']}")
    with stack.partner_mode("smarket", token, "stall"):  # keep the task pending meanwhile
        page.click("#run-open")
        expect(page.locator("label[for=data_inicial]")).to_have_text("Data inicial mov.")
        expect(page.locator("label[for=data_final]")).to_have_text("Data final mov.")
        page.fill("#data_inicial", days_ago(3))
        page.fill("#data_final", days_ago(6))  # reversed
        page.click("#run-submit")
        expect(page.locator("#error-data_final")).to_have_text(
            "A data final deve ser igual ou posterior à data inicial."
        )
        # Yesterday belongs to the scheduled run (pending while the partner stalls): stop before it.
        page.fill("#data_inicial", days_ago(6))
        page.fill("#data_final", days_ago(3))
        page.click("#run-submit")
        expect(page.locator(".toast")).to_have_text("Solicitação enviada para a fila de processamento.")
        toast, user = page.locator(".toast").bounding_box(), page.locator("[data-testid=usuario]").bounding_box()
        assert toast
        assert user
        assert toast["y"] >= user["y"] + user["height"], "the toast leaves the header's user and language alone"
        expect(page.locator("#run-dialog")).not_to_be_visible()

        page.click("#tab-tasks")
        row = page.locator("#tasks tbody tr", has_text="cliente1")
        expect(row).to_contain_text("Pendente")
        code = row.get_attribute("data-code")

        page.click("#run-open")
        page.fill("#data_inicial", days_ago(4))
        page.fill("#data_final", days_ago(4))
        page.click("#run-submit")
        expect(page.locator("#run-info")).to_contain_text(
            f"O intervalo informado está em conflito com a tarefa {code}, que ainda está pendente de processamento."
        )
        page.click("#run-close")

        row.locator("button[aria-haspopup=menu]").click()  # a pending task has nothing to reprocess yet
        expect(row.get_by_role("menuitem", name="Arquivos gerados")).to_be_visible()
        expect(row.get_by_role("menuitem", name="Reprocessar tarefa")).to_have_count(0)
        page.screenshot(path=str(stack.artifacts / "cliente1-executar-integracao.png"))


def test_types_without_manual_runs_have_no_button(page: Page, stack: RunningStack) -> None:
    login(page, stack, "cliente1")
    page.goto(f"{stack.url}/integracoes/")
    page.fill("#search", "SNGPC - controlados")
    page.locator("#integrations tbody tr", has_text="SNGPC - controlados").dblclick()
    page.wait_for_url("**/integracoes/integracoes/*")
    expect(page.locator("#description")).to_be_visible()
    expect(page.locator("#run-open")).to_have_count(0)
