"""Administration on the real stack, as each role uses it over HTTP: users (FAB accounts + tenant membership)
created and deactivated by an agent, their sign-in and tokens, tenants and their contracts, the billable
runs report and the audit trail. SPEC.md §1 and §7."""

from __future__ import annotations

import csv
import io
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import httpx
import psycopg
import pytest

from include.integracoes.demo_data import cnpj
from include.integracoes.tasks import SAO_PAULO
from tests.integration.test_inbound_e2e import database, saude
from tests.integration.test_manual_runs_api import ready_integration
from tests.integration.test_runs_e2e import dag_registered, wait_for
from tests.stack_fixtures import RunningStack, days_ago

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"
PASSWORD = "Farmacia#2026XY"
# FAB keeps a resolved token's user this long ([fab] cache_ttl): the documented upper bound for a
# deactivation to reach a token already issued on another API server process.
TOKEN_CACHE_S = 30


def sign_in(stack: RunningStack, username: str, password: str) -> httpx.Response:
    return httpx.post(f"{stack.url}/auth/token", json={"username": username, "password": password}, timeout=30)


def token_of(stack: RunningStack, username: str, password: str = PASSWORD) -> str:
    answer = sign_in(stack, username, password)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["access_token"])


def as_user(stack: RunningStack, token: str) -> httpx.Client:
    return httpx.Client(base_url=stack.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def create_user(stack: RunningStack, tenant_ids: list[int], **fields: Any) -> dict[str, Any]:
    username = unique("e2e.")
    body = {"username": username, "name": "Ana E2E", "email": f"{username}@rede.example.com", "role": "client",
            "tenant_ids": tenant_ids, "password": PASSWORD, **fields}  # fmt: skip
    with stack.client("suporte") as agent:
        answer = agent.post(f"{API}/users", json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


@pytest.fixture(scope="module")
def vida(stack: RunningStack) -> int:
    with stack.client("cliente1") as client:
        return int(client.get(f"{API}/me").json()["tenants"][0]["id"])


def test_an_agent_creates_a_client_user_who_sees_only_that_tenant_until_deactivated(stack: RunningStack) -> None:
    tenant = saude(stack)
    user = create_user(stack, [tenant])
    assert (user["role"], user["tenant_ids"], user["active"], user["can_sign_in"]) == ("client", [tenant], True, True)
    assert "password" not in user
    token = token_of(stack, user["username"])
    with as_user(stack, token) as client:
        me = client.get(f"{API}/me").json()
        assert [t["id"] for t in me["tenants"]] == [tenant]
        listed = client.get(f"{API}/integrations", params={"page_size": 100}).json()["items"]
        assert listed
        assert {i["tenant_id"] for i in listed} == {tenant}
        # A client of the product: 403 on the agents' pages of data.
        for path in ("/users", "/tenants", f"/tenants/{tenant}", "/audit", "/reports/billable-runs"):
            answer = client.get(f"{API}{path}", params={"tenant_id": tenant, "month": "2026-01"})
            assert answer.status_code == 403, (path, answer.text)
            assert answer.json()["message"] == "Você não tem permissão para realizar esta operação."
        # ...but reads its own tenant's contracted services.
        assert "smarket" in client.get(f"{API}/tenants/{tenant}/services").json()

    with stack.client("suporte") as agent:
        off = agent.put(f"{API}/users/{user['id']}", json={"active": False})
    assert off.status_code == 200, off.text
    assert (off.json()["active"], off.json()["can_sign_in"]) == (False, False)
    started = time.monotonic()
    assert sign_in(stack, user["username"], PASSWORD).status_code == 401  # the next sign-in fails
    with as_user(stack, token) as client:  # and the token already issued stops working
        wait_for("the issued token to be refused", lambda: client.get(f"{API}/me").status_code == 401,
                 timeout=TOKEN_CACHE_S + 5)  # fmt: skip
    print(f"token refused {time.monotonic() - started:.1f}s after the deactivation")

    with stack.client("suporte") as agent:
        on = agent.put(f"{API}/users/{user['id']}", json={"active": True, "password": "Nova#Senha2026"})
    assert on.status_code == 200, on.text
    assert sign_in(stack, user["username"], PASSWORD).status_code == 401  # the old password is gone
    token_of(stack, user["username"], "Nova#Senha2026")


def test_a_user_of_two_tenants_sees_both_and_filters_by_tenant(stack: RunningStack, vida: int) -> None:
    tenant = saude(stack)
    user = create_user(stack, [vida, tenant])
    with as_user(stack, token_of(stack, user["username"])) as client:
        assert {t["id"] for t in client.get(f"{API}/me").json()["tenants"]} == {vida, tenant}
        listed = client.get(f"{API}/integrations", params={"page_size": 100}).json()["items"]
        assert {i["tenant_id"] for i in listed} == {vida, tenant}
    with stack.client("suporte") as agent:
        found = agent.get(f"{API}/users", params={"tenant_id": tenant, "search": user["username"]}).json()
    assert [u["id"] for u in found["items"]] == [user["id"]]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"password": "curta"}, "password", "A senha precisa de ao menos 10 caracteres"),
        ({"tenant_ids": []}, "tenant_ids", "Um cliente precisa de ao menos uma rede."),
        ({"email": "sem-arroba"}, "email", "Informe um e-mail válido."),
        ({"username": "suporte"}, "username", "Este usuário já existe."),
    ],
)
def test_a_bad_user_is_refused_in_portuguese_and_nothing_is_created(
    stack: RunningStack, body: dict[str, Any], field: str, message: str
) -> None:
    username = unique("e2e.ruim.")
    payload = {"username": username, "name": "Ruim", "email": f"{username}@x.example.com", "role": "client",
               "tenant_ids": [saude(stack)], "password": PASSWORD, **body}  # fmt: skip
    with stack.client("suporte") as agent:
        answer = agent.post(f"{API}/users", json=payload)
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][field].startswith(message)
        assert agent.get(f"{API}/users", params={"search": username}).json()["total"] == 0
    assert sign_in(stack, payload["username"], PASSWORD).status_code == 401


def test_twenty_agents_creating_one_user_name_at_once_get_one_account_and_the_fields_message(
    stack: RunningStack, vida: int
) -> None:
    """The probe's race: 20 simultaneous creations of one user name gave 7 × 503. One wins; every other one is
    told the name is taken (422), as a careful agent would be."""
    username = unique("corrida.")
    url, headers = f"{stack.url}{API}/users", {"Authorization": f"Bearer {stack.token('suporte')}"}
    start = threading.Barrier(20)

    def create(n: int) -> httpx.Response:
        body = {"username": username, "name": "Corrida", "email": f"{username}.{n}@rede.example.com",
                "role": "client", "tenant_ids": [vida], "password": PASSWORD}  # fmt: skip
        with httpx.Client(timeout=60) as client:
            start.wait()
            return client.post(url, json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(create, range(20)))
    assert sorted(a.status_code for a in answers) == [201] + [422] * 19, [(a.status_code, a.text) for a in answers]
    assert {a.json()["errors"]["username"] for a in answers if a.status_code == 422} == {"Este usuário já existe."}
    with stack.client("suporte") as agent:
        assert agent.get(f"{API}/users", params={"search": username}).json()["total"] == 1


@pytest.fixture(scope="module")
def new_tenant(stack: RunningStack) -> dict[str, Any]:
    """A tenant of this module's own, with one branch and Smarket contracted."""
    root = 60_000_000 + uuid.uuid4().int % 9_000_000
    branch = {"code": 1, "name": "Matriz", "cnpj": cnpj(root, 2), "city": "Santos", "state": "SP"}
    body = {"name": unique("Rede E2E "), "cnpj": cnpj(root, 1), "services": ["smarket"], "branches": [branch]}
    with stack.client("suporte") as agent:
        answer = agent.post(f"{API}/tenants", json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_contract_rules_refuse_with_a_message_and_write_nothing(
    stack: RunningStack, new_tenant: dict[str, Any]
) -> None:
    tenant_id = new_tenant["id"]
    branch = new_tenant["branches"][0]["id"]
    registration = {"tenant_id": tenant_id, "description": unique("Contrato "), "type_code": "sngpc", "active": True,
                    "interval_minutes": 1440, "branches": [branch],
                    "config": [{"key": "usuario", "value": "x"}, {"key": "senha", "value": "x"},
                               {"key": "crf_responsavel", "value": "SP-12345"}]}  # fmt: skip
    with stack.client("suporte") as agent:
        refused = agent.post(f"{API}/integrations", json=registration)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"]["type_code"] == "O cliente não contratou o serviço SNGPC."
        assert agent.get(f"{API}/integrations", params={"search": registration["description"]}).json()["total"] == 0
        # Contract it, register it: now it cannot be removed while the integration is active.
        assert agent.put(f"{API}/tenants/{tenant_id}/services", json=["sngpc", "smarket"]).json() == [
            "smarket",
            "sngpc",
        ]
        created = agent.post(f"{API}/integrations", json=registration)
        assert created.status_code == 201, created.text
        kept = agent.put(f"{API}/tenants/{tenant_id}/services", json=["smarket"])
        assert kept.status_code == 422, kept.text
        assert kept.json()["errors"]["services"].startswith("Não é possível remover SNGPC")
        assert agent.get(f"{API}/tenants/{tenant_id}/services").json() == ["smarket", "sngpc"]
        unknown = agent.put(f"{API}/tenants/{tenant_id}/services", json=["nao_existe"])
        assert unknown.status_code == 422
        # Deactivated first, then the contract may end.
        agent.put(f"{API}/integrations/{created.json()['id']}", json={"active": False}).raise_for_status()
        assert agent.put(f"{API}/tenants/{tenant_id}/services", json=["smarket"]).json() == ["smarket"]
    with stack.client("cliente1") as client:  # another tenant's contracts: 404, like a missing tenant
        assert client.get(f"{API}/tenants/{tenant_id}/services").status_code == 404


def _paused(stack: RunningStack, dag_id: str) -> bool | None:
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    answer = httpx.get(f"{stack.url}/api/v2/dags/{dag_id}", headers=admin, timeout=10)
    return bool(answer.json()["is_paused"]) if answer.status_code == 200 else None


def test_deactivating_a_tenant_pauses_its_integrations_and_blocks_its_users(
    stack: RunningStack, new_tenant: dict[str, Any]
) -> None:
    tenant_id = new_tenant["id"]
    user = create_user(stack, [tenant_id])
    registration = {"tenant_id": tenant_id, "description": unique("Pausa "), "type_code": "smarket", "active": True,
                    "interval_minutes": 1440, "branches": [new_tenant["branches"][0]["id"]],
                    "config": [{"key": "url_api", "value": f"{stack.sandbox_url}/smarket/v1"},
                               {"key": "token", "value": "t"}, {"key": "codigo_cliente", "value": "E2E"}]}  # fmt: skip
    with stack.client("suporte") as agent:
        integration = agent.post(f"{API}/integrations", json=registration).json()
    wait_for("the DAG to be parsed", lambda: dag_registered(stack, integration["dag_id"]), timeout=120)
    assert _paused(stack, integration["dag_id"]) is False

    with stack.client("suporte") as agent:
        off = agent.put(f"{API}/tenants/{tenant_id}", json={"active": False})
        assert off.status_code == 200, off.text
        assert off.json()["active"] is False
        assert _paused(stack, integration["dag_id"]) is True
        assert agent.get(f"{API}/integrations/{integration['id']}").json()["active"] is True  # its own state kept
        refused = agent.post(f"{API}/integrations/{integration['id']}/runs",
                             json={"data_inicial": days_ago(2), "data_final": days_ago(1)})  # fmt: skip
        assert refused.status_code == 422
        assert refused.json()["message"].startswith("A rede desta integração está desativada")
    assert sign_in(stack, user["username"], PASSWORD).status_code == 401

    with stack.client("suporte") as agent:
        agent.put(f"{API}/tenants/{tenant_id}", json={"active": True}).raise_for_status()
    assert _paused(stack, integration["dag_id"]) is False
    token_of(stack, user["username"])


def test_a_bad_tenant_gets_messages_per_field(stack: RunningStack) -> None:
    body = {"name": " ", "cnpj": "11.222.333/0001-00", "services": ["smarket"],
            "branches": [{"code": 0, "name": "X", "cnpj": "123", "city": "", "state": "ZZ"}]}  # fmt: skip
    with stack.client("suporte") as agent:
        before = agent.get(f"{API}/tenants", params={"page_size": 100}).json()["total"]
        answer = agent.post(f"{API}/tenants", json=body)
        assert answer.status_code == 422, answer.text
        errors = answer.json()["errors"]
        assert errors["cnpj"] == "CNPJ inválido: confira os 14 dígitos e os dígitos verificadores."
        assert set(errors) == {"name", "cnpj", "branches[0].code", "branches[0].cnpj", "branches[0].city",
                               "branches[0].state"}  # fmt: skip
        assert agent.get(f"{API}/tenants", params={"page_size": 100}).json()["total"] == before


def test_the_billable_report_lists_what_agents_requested_and_its_csv_has_the_same_rows(
    stack: RunningStack, vida: int
) -> None:
    integration = ready_integration(stack, "Smarket faturável")
    with stack.client("suporte") as agent:
        split = agent.post(f"{API}/integrations/{integration['id']}/runs", params={"split": "true"},
                           json={"data_inicial": days_ago(40), "data_final": days_ago(35)})  # fmt: skip
        assert split.status_code == 202, split.text
    with stack.client("cliente1") as client:  # a client's own request is not billable
        own = client.post(f"{API}/integrations/{integration['id']}/runs",
                          json={"data_inicial": days_ago(30), "data_final": days_ago(30)})  # fmt: skip
        assert own.status_code == 202, own.text
        assert (
            client.get(f"{API}/reports/billable-runs", params={"tenant_id": vida, "month": "2026-01"}).status_code
            == 403
        )
    month = datetime.now(SAO_PAULO).strftime("%Y-%m")
    with stack.client("suporte") as agent:
        report = agent.get(f"{API}/reports/billable-runs", params={"tenant_id": vida, "month": month}).json()
        exported = agent.get(
            f"{API}/reports/billable-runs", params={"tenant_id": vida, "month": month, "format": "csv"}
        )
        by_accept = agent.get(f"{API}/reports/billable-runs", params={"tenant_id": vida, "month": month},
                              headers={"Accept": "text/csv"})  # fmt: skip
    ours = [i for i in report["items"] if i["integration_id"] == integration["id"]]
    assert [(i["data_inicial"], i["data_final"], i["requested_by"], i["days"]) for i in ours] == [
        (days_ago(40), days_ago(35), "suporte", 6)
    ]
    # The totals are the sums of the rows, and the CSV has the same rows.
    assert report["requests"] == len(report["items"])
    assert report["days"] == sum(i["days"] for i in report["items"])
    assert report["chunks"] == sum(i["chunks"] for i in report["items"])
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.text), delimiter=";"))
    assert len(rows) == len(report["items"]) + 1
    assert [(r[2], r[5], r[6]) for r in rows[1:]] == [
        (str(i["integration_id"]), i["data_inicial"], i["data_final"]) for i in report["items"]
    ]
    assert by_accept.text == exported.text


def test_the_audit_trail_shows_who_changed_what_without_secrets(stack: RunningStack) -> None:
    user = create_user(stack, [saude(stack)])
    with stack.client("suporte") as agent:
        found = agent.get(f"{API}/audit", params={"entity": "usuario", "entity_id": user["username"]}).json()
        (entry,) = found["items"]
        assert (entry["action"], entry["action_label"], entry["username"]) == (
            "usuario.criado", "Usuário criado", "suporte",
        )  # fmt: skip
        assert entry["tenant_name"] == "Drogaria Saúde"
        assert PASSWORD not in str(entry)
        integrations_changed = agent.get(f"{API}/audit", params={"entity": "integracao", "page_size": 100}).json()
        assert integrations_changed["total"] > 0
        assert all(e["after"]["configuracao"].get("token") in ("***", None) for e in integrations_changed["items"])
        exported = agent.get(f"{API}/audit", params={"entity": "usuario", "entity_id": user["username"],
                                                     "format": "csv"})  # fmt: skip
        assert exported.status_code == 200
        assert len(list(csv.reader(io.StringIO(exported.text), delimiter=";"))) == 2
        # Read-only: no method changes the trail.
        for method in ("PUT", "PATCH", "DELETE", "POST"):
            assert agent.request(method, f"{API}/audit").status_code == 405
    with database(stack) as conn:
        count = conn.execute("SELECT count(*) FROM integracao.auditoria").fetchone()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute("DELETE FROM integracao.auditoria")
    assert count


def test_a_language_preference_wins_over_the_browser(stack: RunningStack) -> None:
    user = create_user(stack, [saude(stack)])
    with as_user(stack, token_of(stack, user["username"])) as client:
        headers = {"Accept-Language": "pt-BR"}
        chosen = client.put(f"{API}/me/preferences", json={"language": "en"}, headers=headers)
        assert chosen.status_code == 200, chosen.text
        assert chosen.json()["language"] == "en"
        assert client.get(f"{API}/users", headers=headers).json()["message"] == (
            "You are not allowed to perform this operation."
        )
        page = client.get("/integracoes/", headers=headers)
        assert '<html lang="en">' in page.text
        assert client.put(f"{API}/me/preferences", json={"language": "fr"}).status_code == 422
        client.put(f"{API}/me/preferences", json={"language": None}).raise_for_status()
        assert client.get(f"{API}/users", headers=headers).json()["message"].startswith("Você não tem permissão")
