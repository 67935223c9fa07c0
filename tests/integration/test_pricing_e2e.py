"""End to end on the real stack: a Proffer run sends products, sell-out and sell-in, receives the partner's
suggested prices and stores them; a client reviews them per zone and applies some, through the API and the
browser; the ERP prices change for that zone only, audited; applying again changes nothing; another tenant
sees nothing."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from playwright.sync_api import Browser, expect

from tests.browser_fixtures import DESKTOP, PHONE, browser_page, console_errors, login
from tests.integration.test_inbound_e2e import database, ended_tasks, files_of, registered, saude
from tests.integration.test_runs_e2e import wait_for
from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"
FACTORS = (Decimal("0.92"), Decimal("0.97"), Decimal("1.00"), Decimal("1.04"), Decimal("1.10"))


@pytest.fixture(scope="module")
def proffer(stack: RunningStack) -> Iterator[dict[str, Any]]:
    """A Proffer integration of Drogaria Saúde whose first (scheduled) run has stored suggestions."""
    with database(stack) as conn:
        branches = [r[0] for r in conn.execute("SELECT id FROM erp.filial WHERE tenant_id = %s", (saude(stack),))]
    with registered(stack, "proffer", f"e2e-proffer-{uuid.uuid4().hex[:6]}", branches) as integration:
        task = wait_for("the Proffer run to end", lambda: (ended := ended_tasks(stack, integration["id"])) and ended[0],
                        timeout=300)  # fmt: skip
        assert task["status"] == "completed", task
        integration["task"] = task
        yield integration


def suggestions(stack: RunningStack, integration: dict[str, Any], zone: int, user: str = "cliente2",
                **filters: Any) -> Any:  # fmt: skip
    from tests.stack_fixtures import days_ago

    params = {"start": days_ago(1), "end": days_ago(0), "zone_id": zone, "page_size": 100, **filters}
    with stack.client(user) as client:
        return client.get(f"{API}/integrations/{integration['id']}/price-suggestions", params=params)


def zone_prices(conn: psycopg.Connection, zone: int) -> dict[int, Decimal]:
    return {
        r[0]: r[1] for r in conn.execute("SELECT produto_id, preco FROM erp.preco WHERE zona_preco_id = %s", (zone,))
    }


def test_the_run_stores_the_partners_suggestions_for_every_product_and_zone(
    stack: RunningStack, proffer: dict[str, Any]
) -> None:
    files = files_of(stack, proffer["task"]["id"])
    assert sorted(f["name"].split("_")[1] for f in files if f["direction"] == "sent") == [
        "compras",
        "produtos",
        "vendas",
    ]
    assert [f["status"] for f in files if f["direction"] == "received"] == ["completed"]
    with stack.client("cliente2") as client:
        zones = client.get(f"{API}/integrations/{proffer['id']}/price-zones").json()
    assert zones
    with database(stack) as conn:
        for zone in zones:
            items = suggestions(stack, proffer, zone["id"]).json()
            products = conn.execute(
                "SELECT count(*) FROM erp.preco pr JOIN erp.produto p ON p.id = pr.produto_id"
                " WHERE pr.zona_preco_id = %s AND p.ativo", (zone["id"],)
            ).fetchone()[0]  # type: ignore[index]  # fmt: skip
            assert items["total"] == products
            for item in items["items"]:
                factor = FACTORS[int(item["ean"]) % 5]
                expected = (Decimal(item["base_price"]) * factor).quantize(Decimal("0.01"), ROUND_HALF_UP)
                assert Decimal(item["suggested_price"]) == max(expected, Decimal("0.01")), item


def test_a_client_applies_chosen_suggestions_to_one_zone_audited_once(
    stack: RunningStack, proffer: dict[str, Any]
) -> None:
    with stack.client("cliente2") as client:
        zones = client.get(f"{API}/integrations/{proffer['id']}/price-zones").json()
    zone = zones[0]["id"]
    up = suggestions(stack, proffer, zone, direction="up").json()["items"][:2]
    down = suggestions(stack, proffer, zone, direction="down").json()["items"][:1]
    chosen = up + down
    assert len(chosen) == 3 and all(d["difference"] for d in chosen)  # noqa: PT018
    with database(stack) as conn:
        others = {z["id"]: zone_prices(conn, z["id"]) for z in zones[1:]}
        audited = conn.execute(
            "SELECT count(*) FROM integracao.auditoria WHERE acao = 'preco.sugestao_aplicada'"
        ).fetchone()
    # The day the suggestion arrived in the product's calendar (in UTC it is already tomorrow after 21:00 there).
    received = datetime.fromisoformat(chosen[0]["received_at"]).astimezone(ZoneInfo("America/Sao_Paulo")).date()
    body = {"start": received.isoformat(), "end": received.isoformat(), "zone_id": zone,
            "suggestion_ids": [c["id"] for c in chosen]}  # fmt: skip
    with stack.client("cliente2") as client:
        first = client.post(f"{API}/integrations/{proffer['id']}/price-suggestions/apply", json=body)
        again = client.post(f"{API}/integrations/{proffer['id']}/price-suggestions/apply", json=body)
    assert first.status_code == 200, first.text
    assert (first.json()["applied"], first.json()["unchanged"]) == (3, 0)
    assert first.json()["message"] == "Preços atualizados: 3 alterado(s), 0 sem mudança."
    assert (again.json()["applied"], again.json()["unchanged"]) == (0, 3)
    with database(stack) as conn:
        prices = zone_prices(conn, zone)
        for item in chosen:
            product = conn.execute("SELECT id FROM erp.produto WHERE tenant_id = %s AND ean = %s",
                                   (saude(stack), item["ean"])).fetchone()[0]  # type: ignore[index]  # fmt: skip
            assert prices[product] == Decimal(item["suggested_price"])
        assert {z: zone_prices(conn, z) for z in others} == others, "other zones keep their prices"
        after = conn.execute(
            "SELECT username, count(*) FROM integracao.auditoria WHERE acao = 'preco.sugestao_aplicada' GROUP BY 1"
        ).fetchall()
    assert sum(n for _, n in after) == audited[0] + 3  # type: ignore[index]
    assert ("cliente2", 3) in after or any(u == "cliente2" for u, _ in after)


def test_another_tenant_sees_nothing(stack: RunningStack, proffer: dict[str, Any]) -> None:
    with stack.client("cliente2") as client:
        zone = client.get(f"{API}/integrations/{proffer['id']}/price-zones").json()[0]["id"]
    assert suggestions(stack, proffer, zone, user="cliente1").status_code == 404
    with stack.client("cliente1") as client:
        assert client.get(f"{API}/integrations/{proffer['id']}/price-zones").status_code == 404
        applied = client.post(f"{API}/integrations/{proffer['id']}/price-suggestions/apply",
                              json={"start": "2026-01-01", "end": "2026-01-02", "zone_id": zone})  # fmt: skip
        assert applied.status_code == 404
        assert client.get(f"/integracoes/integracoes/{proffer['id']}/precos").status_code == 404


@pytest.mark.browser
@pytest.mark.parametrize(
    ("scheme", "size"),
    [pytest.param(scheme, size, id=f"{scheme}-{name}") for scheme in ("light", "dark")
     for name, size in (("desktop", DESKTOP), ("phone", PHONE))],
)  # fmt: skip
def test_a_client_reviews_and_applies_a_decrease_in_the_browser(
    stack: RunningStack, proffer: dict[str, Any], browser: Browser, scheme: str, size: Any
) -> None:
    with browser_page(browser, color_scheme=scheme, viewport=size) as page:
        errors = console_errors(page)
        # An agent sees every chain's Proffer integrations: one header entry, a menu naming each one's chain.
        login(page, stack, "suporte")
        page.goto(f"{stack.url}/integracoes/")
        entry = page.locator(".topnav > *", has_text="Alteração de Preço/Oferta")
        expect(entry).to_have_count(1)
        entry.locator("summary").click()
        expect(entry.locator("a", has_text=f"Drogaria Saúde · {proffer['description']}")).to_be_visible()
        # However many chains and integrations: one line of navigation on a desktop, a third of a phone's screen.
        navigation, header = page.locator(".topbar-actions").bounding_box(), page.locator(".topbar").bounding_box()
        assert navigation
        assert header
        assert navigation["height"] <= 50 or size is PHONE, f"one line: {navigation}"
        assert header["height"] <= size["height"] / 3, f"the header stays small: {header}"
        page.screenshot(path=str(stack.artifacts / f"suporte-cabecalho-{scheme}-{size['width']}.png"))
    with browser_page(browser, color_scheme=scheme, viewport=size) as page:
        errors += console_errors(page)
        login(page, stack, "cliente2")
        page.goto(f"{stack.url}/integracoes/integracoes/{proffer['id']}")
        expect(page.locator(".topnav > *", has_text="Alteração de Preço/Oferta")).to_have_count(1)
        header = page.locator(".topbar").bounding_box()
        assert header
        assert header["height"] <= size["height"] / 3, f"the header stays small: {header}"
        page.click("#feature-open")
        expect(page.locator("h1")).to_contain_text("Alteração de Preço/Oferta")
        page.select_option("#direction", "down")
        page.click("#price-filters button[type=submit]")
        # The filtered answer is in once no increase is shown (the first, unfiltered one had some).
        expect(page.locator("#suggestions tbody tr[data-id]").first).to_be_visible()
        expect(page.locator("#suggestions tbody td.num.up")).to_have_count(0)
        # A decrease not applied yet (the API test applied some).
        first = page.locator("#suggestions tbody tr[data-id]", has_not_text="Aplicada").first
        expect(first).to_be_visible()
        ean = first.locator("td").nth(1).inner_text()
        expect(first.locator("td.num.down")).to_be_visible()
        expect(page.locator("#total")).to_have_text(re.compile(r"^\d+ sugestão\(ões\)$"))
        zone = page.locator("#zone option:checked").inner_text()
        total = page.locator("#total").inner_text().split()[0]
        asked: list[str] = []
        # "Aplicar todas" names how many and the zone; declined, nothing changes.
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.click("#apply-all")
        assert asked == [
            f"Aplicar as {total} sugestões exibidas com estes filtros à zona {zone}? Os preços do ERP mudam agora."
        ]
        expect(first).not_to_contain_text("Aplicada")
        asked.clear()
        first.locator("input[type=checkbox]").check()
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.click("#apply-selected")
        expect(page.locator("#flash")).to_contain_text("1 alterado(s)")
        assert asked == [f"Aplicar 1 sugestão(ões) selecionada(s) à zona {zone}? Os preços do ERP mudam agora."]
        expect(page.locator("#suggestions tbody tr", has_text=ean)).to_contain_text("Aplicada")
        page.screenshot(path=str(stack.artifacts / f"cliente2-alteracao-de-preco-{scheme}-{size['width']}.png"))
    assert errors == []
    with database(stack) as conn:
        row = conn.execute(
            """SELECT s.preco_sugerido = pr.preco FROM integracao.sugestao_preco s
               JOIN erp.produto p ON p.id = s.produto_id
               JOIN erp.preco pr ON pr.produto_id = s.produto_id AND pr.zona_preco_id = s.zona_preco_id
               WHERE s.integracao_id = %s AND p.ean = %s AND s.aplicada_por = 'cliente2'""",
            (proffer["id"], ean),
        ).fetchone()
    assert row == (True,), "the zone's price is now the suggested one"
