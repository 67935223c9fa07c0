"""The price-change service against a real PostgreSQL with the demo ERP: suggestions listed per zone and
period with the zone's price now, filters, applying (one transaction, audited, idempotent), stale
suggestions never applied silently, and tenants never seeing each other."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from include.integracoes import demo_data, integrations, pricing
from include.integracoes.errors import Invalid, NotFound
from include.integracoes.pricing import Direction, Filters
from include.integracoes.principal import Principal, Tenant
from include.integracoes.tasks import SAO_PAULO

SIZE = demo_data.Size(tenants=2, branches_per_tenant=2, products=12, customers=5, days=1, sales_per_branch_day=1)
TODAY = datetime.now(SAO_PAULO).date()


@pytest.fixture
def erp(migrated_db: psycopg.Connection) -> dict[str, Any]:
    """Two demo tenants; a Proffer integration of the first with suggestions for its first zone received
    yesterday (products 0-4: +10%, -8%, +4%, -3%, same price)."""
    conn = migrated_db
    with conn.transaction():
        demo_data.generate(conn, SIZE, end=TODAY - timedelta(days=1))
    tenants = [r[0] for r in conn.execute("SELECT id FROM integracao.tenant ORDER BY id")]
    conn.execute("INSERT INTO integracao.tipo_integracao (codigo, nome) VALUES ('proffer', 'Proffer')")
    for tenant in tenants:
        conn.execute("INSERT INTO integracao.servico_contratado VALUES (%s, 'proffer')", (tenant,))
    integration = conn.execute(
        "INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, intervalo_minutos, criada_por,"
        " atualizada_por) VALUES (%s, 'proffer', 'Proffer', 60, 's', 's') RETURNING id", (tenants[0],)
    ).fetchone()[0]  # type: ignore[index]  # fmt: skip
    conn.execute("INSERT INTO integracao.integracao_filial SELECT %s, id FROM erp.filial WHERE tenant_id = %s",
                 (integration, tenants[0]))  # fmt: skip
    task = conn.execute(
        "INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem)"
        " VALUES (%s, current_date, current_date, 's', 'agendada') RETURNING id", (integration,)
    ).fetchone()[0]  # type: ignore[index]  # fmt: skip
    file_id = conn.execute(
        "INSERT INTO integracao.arquivo (tarefa_id, nome, uri, tamanho, sha256, direcao) VALUES"
        " (%s, 's.json', 'file:///s', 1, repeat('b', 64), 'recebido') RETURNING id", (task,)
    ).fetchone()[0]  # type: ignore[index]  # fmt: skip
    zone = conn.execute("SELECT min(zona_preco_id) FROM erp.filial WHERE tenant_id = %s", (tenants[0],)).fetchone()[0]  # type: ignore[index]
    prices = conn.execute(
        "SELECT produto_id, preco FROM erp.preco WHERE zona_preco_id = %s ORDER BY produto_id LIMIT 5", (zone,)
    ).fetchall()
    received = datetime.combine(TODAY - timedelta(days=1), datetime.min.time(), tzinfo=SAO_PAULO) + timedelta(hours=9)
    conn.execute(
        "UPDATE erp.preco SET atualizado_em = %s - interval '1 day' WHERE zona_preco_id = %s", (received, zone)
    )
    for (product, price), factor in zip(prices, ("1.10", "0.92", "1.04", "0.97", "1"), strict=True):
        conn.execute(
            "INSERT INTO integracao.sugestao_preco (integracao_id, arquivo_id, produto_id, zona_preco_id,"
            " preco_base, preco_sugerido, recebida_em) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (integration, file_id, product, zone, price, (price * Decimal(factor)).quantize(Decimal("0.01")), received),
        )  # fmt: skip
    return {"conn": conn, "integration": integration, "zone": zone, "tenants": tenants, "prices": dict(prices)}


def client(tenant: int) -> Principal:
    return Principal("cliente", ("Client",), False, (Tenant(tenant, "T"),))


def filters(erp: dict[str, Any], **changes: Any) -> Filters:
    base = {"start": TODAY - timedelta(days=7), "end": TODAY, "zone_id": erp["zone"]}
    return Filters(**(base | changes))


def listed(erp: dict[str, Any], **changes: Any) -> list[pricing.Suggestion]:
    page = pricing.list_suggestions(erp["conn"], client(erp["tenants"][0]), erp["integration"], filters(erp, **changes),
                                    page_size=100)  # fmt: skip
    return page.items


def price(erp: dict[str, Any], product: int) -> Decimal:
    row = erp["conn"].execute("SELECT preco FROM erp.preco WHERE zona_preco_id = %s AND produto_id = %s",
                              (erp["zone"], product)).fetchone()  # fmt: skip
    return Decimal(row[0])


def test_lists_each_products_suggestion_with_the_price_now_and_the_difference(erp: dict[str, Any]) -> None:
    items = listed(erp)
    assert len(items) == 5
    for item in items:
        assert item.current_price == erp["prices"][item.product_id]
        assert item.difference == item.suggested_price - item.current_price
        assert not item.stale
        assert item.applied_at is None
    assert {i.difference_percent for i in items} == {Decimal("10.00"), Decimal("-8.00"), Decimal("4.00"),
                                                      Decimal("-3.00"), Decimal("0.00")}  # fmt: skip


def test_filters_narrow_what_is_shown(erp: dict[str, Any]) -> None:
    assert len(listed(erp, direction=Direction.UP)) == 2
    assert len(listed(erp, direction=Direction.DOWN)) == 2
    big = [i for i in listed(erp) if abs(i.suggested_price - i.base_price) >= Decimal("0.50")]
    assert len(listed(erp, min_difference=Decimal("0.50"))) == len(big)
    first = listed(erp)[0]
    assert [i.id for i in listed(erp, search=first.ean[:13])] == [first.id]
    assert listed(erp, start=TODAY, end=TODAY) == [], "received yesterday: outside today's period"


def test_apply_changes_the_zone_prices_audited_and_twice_changes_nothing(erp: dict[str, Any]) -> None:
    conn, agent = erp["conn"], Principal("suporte", ("Support Agent",), True, ())
    other_zone_before = conn.execute(
        "SELECT sum(preco) FROM erp.preco WHERE zona_preco_id <> %s", (erp["zone"],)
    ).fetchone()
    result = pricing.apply(conn, agent, erp["integration"], filters(erp))
    assert (result.applied, result.unchanged, result.stale) == (4, 1, ())
    for item in listed(erp):
        assert price(erp, item.product_id) == item.suggested_price
        assert item.applied_by == "suporte"
    audit = conn.execute(
        "SELECT username, antes, depois FROM integracao.auditoria WHERE acao = 'preco.sugestao_aplicada'"
    ).fetchall()
    assert len(audit) == 4
    assert all(a[0] == "suporte" and "sugestao_id" in a[2] for a in audit)
    assert (
        conn.execute("SELECT sum(preco) FROM erp.preco WHERE zona_preco_id <> %s", (erp["zone"],)).fetchone()
        == other_zone_before
    )
    again = pricing.apply(conn, agent, erp["integration"], filters(erp))
    assert (again.applied, again.unchanged) == (0, 5)
    assert conn.execute("SELECT count(*) FROM integracao.auditoria").fetchone() == (4,)


def test_a_suggestion_older_than_the_zones_price_change_is_flagged_and_not_applied_silently(
    erp: dict[str, Any],
) -> None:
    conn = erp["conn"]
    target = next(i for i in listed(erp) if i.difference and i.difference > 0)
    conn.execute("UPDATE erp.preco SET preco = 99.99, atualizado_em = now()"
                 " WHERE zona_preco_id = %s AND produto_id = %s",
                 (erp["zone"], target.product_id))  # fmt: skip
    flagged = next(i for i in listed(erp) if i.id == target.id)
    assert flagged.stale
    result = pricing.apply(
        conn, client(erp["tenants"][0]), erp["integration"], filters(erp), suggestion_ids=[target.id]
    )
    assert (result.applied, result.stale) == (0, (target.ean,))
    assert price(erp, target.product_id) == Decimal("99.99")
    forced = pricing.apply(conn, client(erp["tenants"][0]), erp["integration"], filters(erp),
                           suggestion_ids=[target.id], include_stale=True)  # fmt: skip
    assert forced.applied == 1
    assert price(erp, target.product_id) == target.suggested_price


def test_bad_input_is_refused_and_writes_nothing(erp: dict[str, Any]) -> None:
    conn, owner = erp["conn"], client(erp["tenants"][0])
    other_zone = conn.execute(
        "SELECT min(zona_preco_id) FROM erp.filial WHERE tenant_id = %s", (erp["tenants"][1],)
    ).fetchone()[0]  # type: ignore[index]
    refusals = (
        (filters(erp, zone_id=other_zone), "zone_id"),
        (filters(erp, start=TODAY, end=TODAY - timedelta(days=1)), "end"),
        (filters(erp, start=TODAY - timedelta(days=200)), "end"),
    )
    for bad, field in refusals:
        with pytest.raises(Invalid) as refused:
            pricing.apply(conn, owner, erp["integration"], bad)
        assert field in refused.value.errors
    with pytest.raises(Invalid):
        pricing.apply(conn, owner, erp["integration"], filters(erp), suggestion_ids=[10**9])
    assert conn.execute("SELECT count(*) FROM integracao.auditoria").fetchone() == (0,)


def test_another_tenant_sees_nothing(erp: dict[str, Any]) -> None:
    stranger = client(erp["tenants"][1])
    with pytest.raises(NotFound):
        pricing.list_suggestions(erp["conn"], stranger, erp["integration"], filters(erp))
    with pytest.raises(NotFound):
        pricing.apply(erp["conn"], stranger, erp["integration"], filters(erp))
    with pytest.raises(NotFound):
        pricing.zones(erp["conn"], stranger, erp["integration"])
    assert integrations.active_of_types(erp["conn"], stranger, pricing.PRICING_TYPES) == []
    chain = erp["conn"].execute("SELECT nome FROM integracao.tenant WHERE id = %s", (erp["tenants"][0],)).fetchone()[0]
    assert integrations.active_of_types(erp["conn"], client(erp["tenants"][0]), pricing.PRICING_TYPES) == [
        (erp["integration"], "Proffer", chain)
    ]
