"""The integrations API as each role would use it, against the running product."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from include.connectors.catalog import TYPES
from include.connectors.registry import CONNECTORS
from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"
CANARY = "canary-" + uuid.uuid4().hex
MANUAL = {t.code for t in TYPES if t.manual_run_allowed}


def tenant_of(stack: RunningStack, username: str) -> dict[str, Any]:
    with stack.client(username) as client:
        tenants: list[dict[str, Any]] = client.get(f"{API}/me").json()["tenants"]
    assert len(tenants) == 1
    return tenants[0]


def branches_of(stack: RunningStack, tenant_id: int) -> list[int]:
    with stack.client("suporte") as client:
        return [b["id"] for b in client.get(f"{API}/branches", params={"tenant_id": tenant_id}).json()]


def sngpc_body(stack: RunningStack, **changes: Any) -> dict[str, Any]:
    tenant = tenant_of(stack, "cliente1")
    body = {
        "tenant_id": tenant["id"],
        "description": f"SNGPC {uuid.uuid4().hex[:8]}",
        "type_code": "sngpc",
        "active": False,  # registered to be read and edited here, not to run
        "interval_minutes": 1440,
        "branches": branches_of(stack, tenant["id"])[:2],
        "config": [
            {"key": "usuario", "value": "farmaciavida"},
            {"key": "senha", "value": CANARY},
            {"key": "crf_responsavel", "value": "SP-12345"},
        ],
    }
    body.update(changes)
    return body


def test_types_catalog_and_defaults_for_agents_only(stack: RunningStack) -> None:
    with stack.client("suporte") as agent, stack.client("cliente1") as client:
        for_agent = {t["code"]: t for t in agent.get(f"{API}/types").json()}
        for_client = {t["code"]: t for t in client.get(f"{API}/types").json()}
    assert set(for_agent) == set(CONNECTORS) == {t.code for t in TYPES}  # every partner, each with its connector
    assert {code for code, t in for_agent.items() if t["manual_run_allowed"]} == MANUAL
    proffer_defaults = {k["key"]: k["default"] for k in for_agent["proffer"]["keys"]}
    assert proffer_defaults["dias_historico"] == "90"
    assert all(k["default"] is None for t in for_client.values() for k in t["keys"])
    boavista_keys = {k["key"]: k["secret"] for k in for_agent["boavista"]["keys"]}
    assert boavista_keys["access_key"]
    assert boavista_keys["secret_key"]
    assert not boavista_keys["email_notificacao"]
    # Only types a connector implements can be registered (today: all of them); transport and format
    # come from the connector.
    assert all(t["available"] for t in for_agent.values())
    assert (for_agent["sngpc"]["transport"], for_agent["sngpc"]["file_format"]) == ("HTTPS", "XML")
    # Each key's rules as JSON Schema, with the message a breaking value gets: learnt without failing a save.
    schemas = {k["key"]: k["json_schema"] for k in for_client["audit"]["keys"]}
    assert schemas["codigo_painel"] == {
        "type": "string", "maxLength": 2000, "minLength": 1, "pattern": "^(?:\\d{6})$",
        "x-message": "Informe exatamente 6 dígitos.",
    }  # fmt: skip
    assert schemas["sftp_porta"]["x-minimum"] == 1
    assert schemas["sftp_porta"]["x-maximum"] == 65535
    assert {k["key"]: k["json_schema"] for k in for_client["sngpc"]["keys"]}["url_api"]["pattern"] == "^https://"


def test_check_connection_reaches_the_partner_and_says_what_is_wrong(stack: RunningStack) -> None:
    sandbox_api = f"{stack.sandbox_url}/sngpc"
    config = [{"key": "url_api", "value": sandbox_api}, {"key": "usuario", "value": "farmaciavida"},
              {"key": "crf_responsavel", "value": "SP-12345"}]  # fmt: skip
    with stack.client("suporte") as agent, stack.client("cliente1") as client:
        ok = agent.post(
            f"{API}/integrations/check-connection",
            json={"type_code": "sngpc", "config": [*config, {"key": "senha", "value": "demo-sngpc-senha"}]},
        )
        refused = agent.post(
            f"{API}/integrations/check-connection",
            json={"type_code": "sngpc", "config": [*config, {"key": "senha", "value": CANARY}]},
        )
        invalid = agent.post(f"{API}/integrations/check-connection", json={"type_code": "sngpc", "config": config})
        forbidden = client.post(f"{API}/integrations/check-connection", json={"type_code": "sngpc", "config": config})
    assert ok.status_code == 200, ok.text
    assert ok.json() == {
        "ok": True,
        "message": "Conexão bem-sucedida: o parceiro SNGPC aceitou as credenciais.",
        "host_key": None,
    }
    assert refused.json()["ok"] is False
    assert refused.json()["message"].startswith("O parceiro recusou as credenciais")
    assert CANARY not in refused.text
    assert invalid.status_code == 422
    assert invalid.json()["errors"]["config.senha"] == "Informe um valor."
    assert forbidden.status_code == 403


def test_branches_are_scoped(stack: RunningStack) -> None:
    mine, other = tenant_of(stack, "cliente1"), tenant_of(stack, "cliente2")
    with stack.client("cliente1") as client:
        visible = client.get(f"{API}/branches").json()
        assert {b["tenant_id"] for b in visible} == {mine["id"]}
        assert client.get(f"{API}/branches", params={"tenant_id": other["id"]}).status_code == 404


def test_agent_registers_and_edits_an_integration(stack: RunningStack) -> None:
    body = sngpc_body(stack)
    with stack.client("suporte") as client:
        created = client.post(f"{API}/integrations", json=body)
        assert created.status_code == 201, created.text
        item = created.json()
        assert item["dag_id"] == f"integracao_{item['id']}_sngpc"
        assert item["available"] is True
        assert sorted(item["branches"]) == sorted(body["branches"])
        secret = next(c for c in item["config"] if c["key"] == "senha")
        assert secret == {**secret, "value": None, "is_set": True, "secret": True}
        updated = client.put(f"{API}/integrations/{item['id']}", json={"active": False, "config": []})
        assert updated.status_code == 200, updated.text
        assert updated.json()["active"] is False
        assert next(c for c in updated.json()["config"] if c["key"] == "senha")["is_set"] is True
        pools = httpx.get(
            f"{stack.url}/api/v2/pools", headers={"Authorization": f"Bearer {stack.token('admin')}"}
        ).json()
        assert "parceiro_sngpc" in {p["name"] for p in pools["pools"]}


def test_client_reads_own_but_cannot_write(stack: RunningStack) -> None:
    with stack.client("suporte") as agent:
        item = agent.post(f"{API}/integrations", json=sngpc_body(stack)).json()
    with stack.client("cliente1") as client:
        assert client.get(f"{API}/integrations/{item['id']}").status_code == 200
        refused = client.post(f"{API}/integrations", json=sngpc_body(stack))
        assert refused.status_code == 403
        assert refused.json()["message"] == "Você não tem permissão para realizar esta operação."
        assert client.put(f"{API}/integrations/{item['id']}", json={"active": False}).status_code == 403
    with stack.client("cliente2") as other:
        missing = other.get(f"{API}/integrations/{item['id']}")
        assert missing.status_code == 404
        assert missing.json() == {"message": "Integração não encontrada."}
        assert other.get(f"{API}/integrations/99999999").json() == missing.json()
        assert item["id"] not in {i["id"] for i in other.get(f"{API}/integrations?page_size=100").json()["items"]}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"description": ""}, "description", "Informe a descrição."),
        ({"type_code": "inexistente"}, "type_code", "Tipo de integração desconhecido."),
        ({"interval_minutes": 0}, "interval_minutes", "Informe um número inteiro de minutos entre 1 e 43200."),
        ({"interval_minutes": "abc"}, "interval_minutes", "Informe um número inteiro de minutos entre 1 e 43200."),
        ({"branches": []}, "branches", "Selecione ao menos uma filial."),
        (
            {"send_from": "2026-12-01"},
            "send_from",
            "Só integrações incrementais têm data de início de envio; este tipo envia por dia.",
        ),
        ({"config": [{"key": "usuario", "value": "a"}]}, "config.senha", "Informe um valor."),
        (
            {
                "config": [
                    {"key": "usuario", "value": "a"},
                    {"key": "senha", "value": "s"},
                    {"key": "crf_responsavel", "value": "SP-12345"},
                    {"key": "url_api", "value": "https://10.0.0.1/sngpc"},
                ]
            },
            "config.url_api",
            "Informe um endereço do parceiro (anvisa.gov.br).",
        ),
        (
            {
                "config": [
                    {"key": "usuario", "value": "a"},
                    {"key": "senha", "value": "s"},
                    {"key": "crf_responsavel", "value": "SP-12345"},
                    {"key": "chave_estranha", "value": "1"},
                ]
            },
            "config.chave_estranha",
            "Chave desconhecida para este tipo de integração.",
        ),
    ],
)
def test_bad_input_gets_a_message_per_field_and_writes_nothing(
    stack: RunningStack, changes: dict[str, Any], field: str, message: str
) -> None:
    body = sngpc_body(stack, **changes)
    with stack.client("suporte") as client:
        response = client.post(f"{API}/integrations", json=body)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][field] == message
        assert response.json()["message"]
        # Nothing written: no integration of its (unique) description. Counting all of them would count what
        # other tests register meanwhile on the shared stack; one without a description cannot be stored.
        if body["description"]:
            found = client.get(f"{API}/integrations", params={"search": body["description"]}).json()
            assert found["total"] == 0


def test_branch_of_another_tenant_is_refused(stack: RunningStack) -> None:
    foreign = branches_of(stack, tenant_of(stack, "cliente2")["id"])[:1]
    with stack.client("suporte") as client:
        response = client.post(f"{API}/integrations", json=sngpc_body(stack, branches=foreign))
    assert response.status_code == 422
    assert response.json()["errors"]["branches"] == "Selecione apenas filiais do cliente da integração."


def test_search_and_paging(stack: RunningStack) -> None:
    prefix = f"Pesquisa {uuid.uuid4().hex[:6]}"
    with stack.client("suporte") as client:
        for n in range(12):
            body = sngpc_body(stack, description=f"{prefix} {n:02d}")
            assert client.post(f"{API}/integrations", json=body).status_code == 201
        accented = prefix.replace("Pesquisa", "PÉSQUISA")
        page = client.get(f"{API}/integrations", params={"search": accented, "page": 2, "page_size": 10}).json()
        assert (page["total"], page["pages"], page["page"]) == (12, 2, 2)
        assert [i["description"] for i in page["items"]] == [f"{prefix} 10", f"{prefix} 11"]
        bad = client.get(f"{API}/integrations", params={"page_size": 7})
        assert bad.status_code == 422
        assert bad.json()["errors"]["page_size"] == "Tamanho de página inválido: use 10, 25, 50 ou 100."


def test_secret_values_never_appear_in_any_response(stack: RunningStack) -> None:
    with stack.client("suporte") as agent:
        item = agent.post(f"{API}/integrations", json=sngpc_body(stack)).json()
    bodies = []
    for username in ("suporte", "cliente1"):
        with stack.client(username) as client:
            for path in (f"{API}/integrations/{item['id']}", f"{API}/integrations?page_size=100", f"{API}/types",
                         "/integracoes/", f"/integracoes/integracoes/{item['id']}"):  # fmt: skip
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                bodies.append(response.text)
    assert all(CANARY not in body for body in bodies)
    logs = "".join(p.read_text(errors="replace") for p in (stack.data / "logs").rglob("*.log"))
    assert CANARY not in logs
