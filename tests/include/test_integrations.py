"""The registration rules of the service layer, against a real database."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from cryptography.fernet import Fernet

from include.integracoes import catalog, demo_data, integrations
from include.integracoes.errors import Forbidden, Invalid, NotFound
from include.integracoes.integrations import ConfigInput, Integration, IntegrationInput
from include.integracoes.principal import Principal, Tenant

SIZE = demo_data.Size(tenants=2, branches_per_tenant=3, products=10, customers=5, days=1, sales_per_branch_day=1)
CANARY = "canary-secret-0451"


@dataclass
class World:
    conn: psycopg.Connection
    agent: Principal
    client1: Principal
    client2: Principal
    tenant1: int
    tenant2: int
    branches1: list[int]
    branches2: list[int]


@pytest.fixture
def world(migrated_db: psycopg.Connection, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", Fernet.generate_key().decode())
    from airflow.models import crypto

    crypto.get_fernet.cache_clear()
    conn = migrated_db
    catalog.sync_catalog(conn)
    with conn.transaction():
        demo_data.generate(conn, SIZE)
    tenants = [r[0] for r in conn.execute("SELECT id FROM integracao.tenant ORDER BY id")]
    catalog.contract_all_types(conn, tenants[0])
    conn.execute("INSERT INTO integracao.servico_contratado VALUES (%s, 'smarket')", (tenants[1],))

    def branches(tenant: int) -> list[int]:
        return [r[0] for r in conn.execute("SELECT id FROM erp.filial WHERE tenant_id = %s ORDER BY id", (tenant,))]

    yield World(
        conn,
        Principal("suporte", ("Support Agent",), True, ()),
        Principal("cliente1", ("Client",), False, (Tenant(tenants[0], "Farmácia Vida"),)),
        Principal("cliente2", ("Client",), False, (Tenant(tenants[1], "Drogaria Saúde"),)),
        tenants[0],
        tenants[1],
        branches(tenants[0]),
        branches(tenants[1]),
    )
    crypto.get_fernet.cache_clear()


class FakeReconciler:
    def __init__(self) -> None:
        self.saved: list[Integration] = []

    def integration_saved(self, integration: Integration) -> None:
        self.saved.append(integration)


def smarket(world: World, **changes: object) -> IntegrationInput:
    data = {
        "tenant_id": world.tenant1,
        "description": "Smarket - sell-out",
        "type_code": "smarket",
        "active": True,
        "interval_minutes": 240,
        "branches": world.branches1[:2],
        "config": [ConfigInput("token", CANARY), ConfigInput("codigo_cliente", "FV-001")],
    }
    data.update(changes)
    return IntegrationInput(**data)  # type: ignore[arg-type]


def test_create_stores_secrets_encrypted_and_never_returns_them(world: World) -> None:
    reconciler = FakeReconciler()
    saved = integrations.create(world.conn, world.agent, smarket(world), reconciler)
    assert saved.dag_id == f"integracao_{saved.id}_smarket"
    assert reconciler.saved == [saved]
    config = {c.key: c for c in saved.config}
    assert config["token"].value is None
    assert config["token"].is_set
    assert config["codigo_cliente"].value == "FV-001"
    assert config["url_api"].value == "https://api.smarket.com.br/v1"  # default applied
    stored = world.conn.execute("SELECT string_agg(coalesce(valor, '') || coalesce(valor_cifrado, ''), ' ')"
                                " FROM integracao.integracao_config").fetchone()  # fmt: skip
    assert stored
    assert CANARY not in stored[0]
    assert integrations.decrypted_config(world.conn, saved.id)["token"] == CANARY
    audit = world.conn.execute("SELECT depois::text FROM integracao.auditoria").fetchone()
    assert audit
    assert CANARY not in audit[0]
    assert "token" in audit[0]


def test_update_without_secret_keeps_it(world: World) -> None:
    saved = integrations.create(world.conn, world.agent, smarket(world))
    updated = integrations.update(
        world.conn, world.agent, saved.id,
        IntegrationInput(description="Smarket novo", config=[ConfigInput("token", None)]),
    )  # fmt: skip
    assert updated.description == "Smarket novo"
    assert integrations.decrypted_config(world.conn, saved.id)["token"] == CANARY
    assert integrations.decrypted_config(world.conn, saved.id)["codigo_cliente"] == "FV-001"


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"description": "  "}, "description", "integration.description_required"),
        ({"description": None}, "description", "integration.description_required"),
        ({"type_code": "nope"}, "type_code", "integration.type_unknown"),
        ({"type_code": None}, "type_code", "integration.type_required"),
        ({"interval_minutes": 0}, "interval_minutes", "integration.interval_invalid"),
        ({"interval_minutes": -5}, "interval_minutes", "integration.interval_invalid"),
        ({"interval_minutes": None}, "interval_minutes", "integration.interval_invalid"),
        ({"branches": []}, "branches", "integration.branches_required"),
        ({"tenant_id": None}, "tenant_id", "integration.tenant_required"),
        ({"description": "Smarket \u202egnirts"}, "description", "integration.description_characters"),
        ({"description": "Smar\u200bket"}, "description", "integration.description_characters"),
        ({"description": "Smarket\u2028linha 2"}, "description", "integration.description_characters"),
        ({"description": "Smarket\nlinha 2"}, "description", "integration.description_characters"),
        ({"tenant_id": 999_999}, "tenant_id", "integration.tenant_unknown"),
        ({"type_code": "boavista"}, "type_code", "integration.type_unavailable"),
        ({"config": [ConfigInput("codigo_cliente", "a")]}, "config.token", "validation.required"),
        (
            {"config": [ConfigInput("codigo_cliente", "a"), ConfigInput("token", "s"), ConfigInput("x", "1")]},
            "config.x",
            "integration.config_unknown_key",
        ),
        (
            {"config": [ConfigInput("codigo_cliente", "não pode"), ConfigInput("token", "s")]},
            "config.codigo_cliente",
            "validation.code",
        ),
        (
            {
                "config": [
                    ConfigInput("token", "s"),
                    ConfigInput("codigo_cliente", "a"),
                    ConfigInput("url_api", "http://insecure.example"),
                ]
            },
            "config.url_api",
            "validation.url_https",
        ),
        (  # deliveries never go to an arbitrary or internal host
            {
                "config": [
                    ConfigInput("token", "s"),
                    ConfigInput("codigo_cliente", "a"),
                    ConfigInput("url_api", "https://169.254.169.254/latest"),
                ]
            },
            "config.url_api",
            "validation.partner_host",
        ),
        (
            {
                "config": [
                    ConfigInput("token", "s"),
                    ConfigInput("codigo_cliente", "a"),
                    ConfigInput("url_api", "https://smarket.com.br.evil.example/v1"),
                ]
            },
            "config.url_api",
            "validation.partner_host",
        ),
    ],
)
def test_bad_input_is_refused_per_field_and_writes_nothing(
    world: World, changes: dict[str, object], field: str, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every type of the catalog has a connector today: the rule for one without is exercised by taking
    # BoaVista's away.
    monkeypatch.setattr(integrations, "is_available", lambda code: code != "boavista")
    with pytest.raises(Invalid) as refused:
        integrations.create(world.conn, world.agent, smarket(world, **changes))
    assert refused.value.errors[field].key == key
    assert world.conn.execute("SELECT count(*) FROM integracao.integracao").fetchone() == (0,)
    assert world.conn.execute("SELECT count(*) FROM integracao.auditoria").fetchone() == (0,)


def test_partner_subdomains_and_configured_sandbox_hosts_are_accepted(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTEGRACOES_PARTNER_HOSTS", raising=False)
    config = [ConfigInput("token", "s"), ConfigInput("codigo_cliente", "a")]
    saved = integrations.create(
        world.conn, world.agent, smarket(world, config=[*config, ConfigInput("url_api", "https://edi.smarket.com.br")])
    )
    to_sandbox = IntegrationInput(config=[*config, ConfigInput("url_api", "https://127.0.0.1:9443/v1")])
    with pytest.raises(Invalid):
        integrations.update(world.conn, world.agent, saved.id, to_sandbox)
    monkeypatch.setenv("INTEGRACOES_PARTNER_HOSTS", "127.0.0.1")
    integrations.update(world.conn, world.agent, saved.id, to_sandbox)


def test_branch_of_another_tenant_is_refused(world: World) -> None:
    with pytest.raises(Invalid) as refused:
        integrations.create(world.conn, world.agent, smarket(world, branches=[world.branches1[0], world.branches2[0]]))
    assert refused.value.errors["branches"].key == "integration.branches_foreign"


def test_type_not_contracted_is_refused(world: World) -> None:
    world.conn.execute("DELETE FROM integracao.servico_contratado WHERE tenant_id = %s", (world.tenant2,))
    with pytest.raises(Invalid) as refused:
        integrations.create(world.conn, world.agent, smarket(world, tenant_id=world.tenant2, branches=world.branches2))
    assert refused.value.errors["type_code"].key == "integration.type_not_contracted"


def test_description_is_unique_per_tenant_ignoring_case_and_accents(world: World) -> None:
    integrations.create(world.conn, world.agent, smarket(world, description="Conciliação"))
    with pytest.raises(Invalid) as refused:
        integrations.create(world.conn, world.agent, smarket(world, description="CONCILIACAO"))
    assert refused.value.errors["description"].key == "integration.description_taken"


def test_clients_cannot_write(world: World) -> None:
    with pytest.raises(Forbidden):
        integrations.create(world.conn, world.client1, smarket(world))
    saved = integrations.create(world.conn, world.agent, smarket(world))
    with pytest.raises(Forbidden):
        integrations.update(world.conn, world.client1, saved.id, IntegrationInput(active=False))


def test_clients_see_only_their_tenant(world: World) -> None:
    saved = integrations.create(world.conn, world.agent, smarket(world))
    assert integrations.get(world.conn, world.client1, saved.id).id == saved.id
    with pytest.raises(NotFound):
        integrations.get(world.conn, world.client2, saved.id)
    with pytest.raises(NotFound):
        integrations.update(world.conn, world.client2, saved.id, IntegrationInput(active=False))
    assert integrations.list_page(world.conn, world.client2).total == 0
    assert integrations.list_page(world.conn, world.client1).total == 1


def test_tenant_and_type_cannot_change(world: World) -> None:
    saved = integrations.create(world.conn, world.agent, smarket(world))
    with pytest.raises(Invalid) as refused:
        integrations.update(
            world.conn, world.agent, saved.id, IntegrationInput(tenant_id=world.tenant2, type_code="trivio")
        )
    assert set(refused.value.errors) == {"tenant_id", "type_code"}


def test_prefix_search_ignores_case_and_accents_and_pages(world: World) -> None:
    for n in range(23):
        integrations.create(
            world.conn, world.agent, smarket(world, description=f"Ótica {n:02d}"),
        )  # fmt: skip
    integrations.create(world.conn, world.agent, smarket(world, description="Outra"))
    page = integrations.list_page(world.conn, world.agent, search="otica", page=3, page_size=10)
    assert (page.total, page.pages, [i.description for i in page.items]) == (
        23,
        3,
        ["Ótica 20", "Ótica 21", "Ótica 22"],
    )
    assert integrations.list_page(world.conn, world.agent, search="%").total == 0
    assert integrations.list_page(world.conn, world.agent, search="").total == 24


@pytest.mark.parametrize(("page", "size"), [(0, 10), (1, 7), (-1, 25)])
def test_bad_paging_is_refused(world: World, page: int, size: int) -> None:
    with pytest.raises(Invalid):
        integrations.list_page(world.conn, world.agent, page=page, page_size=size)


def test_search_and_paging_over_a_thousand_integrations(world: World) -> None:
    """Prefix search (case/accent-insensitive) and paging agree with a straightforward Python model."""
    import unicodedata

    words = ("Álcool", "alcance", "Bálsamo", "balcão", "Cosmos", "côrte", "Dito", "dúvida", "Éter", "etapa")
    world.conn.execute(
        """INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, intervalo_minutos, criada_por,
               atualizada_por)
           SELECT %s, 'smarket', (%s::text[])[1 + n %% 10] || ' ' || lpad(n::text, 4, '0'), 60, 's', 's'
           FROM generate_series(1, 1000) AS n""",
        (world.tenant1, list(words)),
    )

    def fold(value: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", value.lower()) if unicodedata.category(c) != "Mn")

    rows = [r[0] for r in world.conn.execute("SELECT descricao FROM integracao.integracao")]
    for search in ("alc", "ÁLC", "balc", "cô", "e", "etapa 00", "x"):
        expected = sorted((d for d in rows if fold(d).startswith(fold(search))), key=fold)
        got: list[str] = []
        page = 1
        while True:
            result = integrations.list_page(world.conn, world.agent, search=search, page=page, page_size=25)
            got += [i.description for i in result.items]
            assert result.total == len(expected), search
            if page >= result.pages:
                break
            page += 1
        assert got == expected, search


def test_a_description_is_unique_whatever_form_its_accents_were_typed_in(world: World) -> None:
    integrations.create(world.conn, world.agent, smarket(world, description="Farmácia Central"))
    decomposed = unicodedata.normalize("NFD", "Farmácia Central")
    assert decomposed != "Farmácia Central"
    with pytest.raises(Invalid) as refused:
        integrations.create(world.conn, world.agent, smarket(world, description=decomposed))
    assert refused.value.errors["description"].key == "integration.description_taken"


def _dito(world: World, **changes: object) -> IntegrationInput:
    return smarket(world, description="Dito - eventos", type_code="dito", **{
        "config": [ConfigInput("api_key", "demo-dito-key"), ConfigInput("api_secret", CANARY)], **changes})  # fmt: skip


@pytest.mark.parametrize(
    ("type_code", "value", "key"),
    [
        ("smarket", "2026-12-01", "integration.send_from_incremental"),
        ("dito", "01/12/2026", "integration.send_from_invalid"),
        ("dito", "2026-02-30", "integration.send_from_invalid"),
        ("dito", "1999-01-01", "integration.send_from_range"),
        ("dito", "2199-01-01", "integration.send_from_range"),
    ],
)
def test_a_bad_start_date_is_refused_with_its_reason(world: World, type_code: str, value: str, key: str) -> None:
    data = smarket(world, send_from=value) if type_code == "smarket" else _dito(world, send_from=value)
    with pytest.raises(Invalid) as refused:
        integrations.create(world.conn, world.agent, data)
    assert refused.value.errors["send_from"].key == key
    assert world.conn.execute("SELECT count(*) FROM integracao.integracao").fetchone() == (0,)


def test_an_incremental_integration_keeps_its_start_date_and_an_empty_one_returns_to_the_default(
    world: World,
) -> None:
    from datetime import date, timedelta

    start = date.today() - timedelta(days=30)
    saved = integrations.create(world.conn, world.agent, _dito(world, send_from=start.isoformat()))
    assert saved.send_from == start
    kept = integrations.update(world.conn, world.agent, saved.id, IntegrationInput(description="Dito - novo"))
    assert kept.send_from == start, "not given: unchanged"
    cleared = integrations.update(world.conn, world.agent, saved.id, IntegrationInput(send_from=""))
    assert cleared.send_from is None
