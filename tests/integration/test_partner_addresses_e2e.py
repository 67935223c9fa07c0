"""Partner addresses, attacked the way the outside probe did, on the real stack: every form of address that
could make the product connect somewhere else than the host it checked, typed by an agent into "Testar conexão"
and into a saved integration — and stored in the database behind the rules' back, for a delivery to find. A
listener on a loopback address outside the allow-list (127.0.0.2; the stack allows the sandbox's 127.0.0.1 and
localhost) counts every connection it gets: the target is 0 per form.

Also: "Testar conexão" answers with the product's classes, never with the transport's words (which told a
prober which internal ports are open), and malformed URLs and ports are a 422 with a pt-BR message, never a 500,
whether typed, saved or already stored."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from tests.integration.test_runs_e2e import API, finished_task, register_smarket, wait_for
from tests.scorecard import Scorecard
from tests.stack_fixtures import RunningStack, free_port

pytestmark = pytest.mark.stack

OUTSIDE = "127.0.0.2"  # loopback, but not one of the stack's partner hosts
UNREACHABLE = "Não foi possível falar com o parceiro. Confira o endereço e a porta."


class Listener:
    """A TCP server on a disallowed address that only counts the connections it accepts."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind((OUTSIDE, 0))
        self.socket.listen(64)
        self.port = int(self.socket.getsockname()[1])
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:  # closed
                return
            self.connections += 1
            conn.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    opened = Listener()
    yield opened
    opened.socket.close()


def bypasses(port: int, sandbox_url: str) -> dict[str, str]:
    """Each way an address could lead elsewhere than the host the allow-list sees (all reach 127.0.0.2)."""
    return {
        "barra invertida (o caso da sonda)": f"https://{OUTSIDE}:{port}\\@localhost/smarket/v1",
        "IPv4 decimal": f"https://2130706434:{port}\\@localhost/smarket/v1",
        "IPv4 hexadecimal": f"https://0x7f000002:{port}\\@localhost/smarket/v1",
        "IPv4 curto": f"https://127.2:{port}/smarket/v1",
        "IPv4 octal": f"https://0177.0.0.2:{port}/smarket/v1",
        "usuário na URL": f"https://localhost@{OUTSIDE}:{port}/smarket/v1",
        "usuário e senha na URL": f"https://localhost:senha@{OUTSIDE}:{port}/smarket/v1",
        "IPv6 mapeado": f"https://[::ffff:{OUTSIDE}]:{port}/smarket/v1",
        "IDN (pontos ideográficos)": f"https://127。0。0。2:{port}/smarket/v1",
        "IDN (dígitos de largura total)": f"https://１２７.０.０.２:{port}/smarket/v1",
        "fragmento": f"https://{OUTSIDE}:{port}/smarket/v1#@localhost",
        "endereço fora da lista": f"https://{OUTSIDE}:{port}/smarket/v1",
        # An allowed host (the sandbox) whose answer is a redirect to the outside address.
        "redirecionamento": f"{sandbox_url}/_sandbox/redirecionar/x?para=https://{OUTSIDE}:{port}/smarket/v1",
    }


def store_url(stack: RunningStack, integration_id: int, url: str) -> None:
    """A URL written behind the rules' back (an old row, a manual fix in the database)."""
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE integracao.integracao_config SET valor = %s WHERE integracao_id = %s AND chave = 'url_api'",
            (url, integration_id),
        )


def smarket_config(url: str) -> list[dict[str, str]]:
    """register_smarket's configuration with another URL."""
    return [{"key": "url_api", "value": url}, {"key": "token", "value": "token-e2e"},
            {"key": "codigo_cliente", "value": "FV-E2E"}]  # fmt: skip


def test_no_form_of_address_reaches_a_host_outside_the_partners(
    stack: RunningStack, listener: Listener, scorecard: Scorecard
) -> None:
    integration = register_smarket(stack, f"Smarket endereços {uuid.uuid4().hex[:6]}", active=False)
    forms = bypasses(listener.port, stack.sandbox_url)
    connections: dict[str, int] = {}
    problems = []
    with stack.client("suporte") as agent:
        stored_before = agent.get(f"{API}/integrations/{integration['id']}").json()["config"]
        for name, url in forms.items():
            before = listener.connections
            checked = agent.post(f"{API}/integrations/check-connection",
                                 json={"type_code": "smarket", "config": smarket_config(url)})  # fmt: skip
            saved = agent.put(f"{API}/integrations/{integration['id']}", json={"config": smarket_config(url)})
            # OAuth2's token address takes the same road (IQVIA API): checked with the bypass as `url_token`.
            iqvia = [{"key": "url_api", "value": f"{stack.sandbox_url}/iqvia/sellout/v1"},
                     {"key": "url_token", "value": url}, {"key": "client_id", "value": "demo-client"},
                     {"key": "client_secret", "value": "y"}]  # fmt: skip
            oauth = agent.post(f"{API}/integrations/check-connection", json={"type_code": "iqvia_api", "config": iqvia})
            connections[name] = listener.connections - before
            if name == "redirecionamento":  # the address itself is the partner's: saved, checked, never followed
                statuses = (checked.status_code, saved.status_code, oauth.status_code)
                if statuses != (200, 200, 200) or checked.json()["ok"] or oauth.json()["ok"]:
                    problems.append(f"{name}: {statuses} {checked.text[:200]} / {oauth.text[:200]}")
                continue
            for answer, field in ((checked, "config.url_api"), (saved, "config.url_api"), (oauth, "config.url_token")):
                if answer.status_code != 422 or set(answer.json().get("errors", {})) != {field}:
                    problems.append(f"{name}: {answer.request.method} {answer.status_code} {answer.text[:200]}")
        stored_after = agent.get(f"{API}/integrations/{integration['id']}").json()["config"]
    print("connections to 127.0.0.2 per form:", connections)
    assert sum(connections.values()) == 0, connections
    assert not problems, "\n".join(problems)
    urls = [c["value"] for c in stored_after if c["key"] == "url_api"]
    assert urls == [forms["redirecionamento"]], "only the partner's own address was saved"
    assert [c for c in stored_before if c["key"] != "url_api"] == [c for c in stored_after if c["key"] != "url_api"]
    scorecard.record(
        "Endereço de parceiro (desvios da lista permitida)",
        f"{len(forms)} formas × 3 caminhos, {sum(connections.values())} conexões fora da lista",
        "0 conexões",
    )


def test_an_address_stored_before_the_rules_is_refused_at_delivery(stack: RunningStack, listener: Listener) -> None:
    """A URL written behind the rules' back (an old row, a manual fix in the database) is read strictly again
    when the run delivers: the task fails with the reason, and nothing connects."""
    integration = register_smarket(stack, f"Smarket gravado {uuid.uuid4().hex[:6]}", active=False)
    bypass = bypasses(listener.port, stack.sandbox_url)["barra invertida (o caso da sonda)"]
    store_url(stack, integration["id"], bypass)
    before = listener.connections
    with stack.client("suporte") as agent:
        assert agent.put(f"{API}/integrations/{integration['id']}", json={"active": True}).status_code == 422
    # Activated behind the rules too: the scheduler then runs it as it would an old integration.
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute("UPDATE integracao.integracao SET ativa = true WHERE id = %s", (integration["id"],))
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    wait_for("the DAG to be unpaused", lambda: httpx.patch(
        f"{stack.url}/api/v2/dags/{integration['dag_id']}", headers=admin, json={"is_paused": False}, timeout=30
    ).status_code == 200, timeout=120)  # fmt: skip
    wait_for("a run", lambda: httpx.post(f"{stack.url}/api/v2/dags/{integration['dag_id']}/dagRuns", headers=admin,
                                          json={"logical_date": None}, timeout=30).status_code == 200)  # fmt: skip
    task = wait_for("the task to end", lambda: finished_task(stack, integration["id"]), timeout=300)
    assert task["status"] == "failed", task
    assert "endereço configurado do parceiro é inválido" in task["failure_reason"], task
    assert listener.connections == before


def test_testar_conexao_names_a_class_never_the_transport_detail(stack: RunningStack, scorecard: Scorecard) -> None:
    """A closed port and an open port that speaks no TLS (the api-server's own, plain HTTP) answer the same: an
    agent cannot tell which ports of a host are open. The detail stays in the log."""
    api_port = stack.url.rsplit(":", 1)[1]
    targets = {"porta fechada": free_port(), "porta aberta sem TLS": int(api_port)}
    answers: dict[str, Any] = {}
    with stack.client("suporte") as agent:
        for name, port in targets.items():
            url = f"https://127.0.0.1:{port}/smarket/v1"
            answers[name] = agent.post(f"{API}/integrations/check-connection",
                                       json={"type_code": "smarket", "config": smarket_config(url)}).json()  # fmt: skip
    leaks = [
        f"{name}: {answer}"
        for name, answer in answers.items()
        if answer != {"ok": False, "message": UNREACHABLE, "host_key": None}
        or any(word in str(answer) for word in ("Errno", "SSL", "Connection", "Pool", "refused", "EOF"))
    ]
    assert not leaks, "\n".join(leaks)
    scorecard.record("Testar conexão (varredura de portas)", f"{len(answers)} respostas, {len(leaks)} com detalhe de "
                     "transporte", "0 com detalhe")  # fmt: skip


MALFORMED = {
    "IPv6 sem fechar": "https://[::1",
    "porta 99999": "https://127.0.0.1:99999/smarket/v1",
    "porta 65536": "https://127.0.0.1:65536/smarket/v1",
    "porta -1": "https://127.0.0.1:-1/smarket/v1",
    "porta vazia": "https://127.0.0.1:/smarket/v1",
}


def test_malformed_addresses_are_a_422_with_its_reason_never_a_500(stack: RunningStack, scorecard: Scorecard) -> None:
    integration = register_smarket(stack, f"Smarket malformado {uuid.uuid4().hex[:6]}", active=False)
    answers = []
    with stack.client("suporte") as agent:
        for url in MALFORMED.values():
            answers.append(agent.post(f"{API}/integrations/check-connection",
                                      json={"type_code": "smarket", "config": smarket_config(url)}))  # fmt: skip
            answers.append(agent.put(f"{API}/integrations/{integration['id']}", json={"config": smarket_config(url)}))
        # One already stored (written before the rules), checked by the integration's id.
        store_url(stack, integration["id"], MALFORMED["porta 99999"])
        answers.append(agent.post(f"{API}/integrations/check-connection",
                                  json={"integration_id": integration["id"], "config": []}))  # fmt: skip
    wrong = [f"{a.request.method} {a.status_code} {a.text[:200]}" for a in answers
             if a.status_code != 422 or "config.url_api" not in a.json().get("errors", {})]  # fmt: skip
    assert not wrong, "\n".join(wrong)
    messages = {a.json()["errors"]["config.url_api"] for a in answers}
    assert messages <= {"Informe uma porta de 1 a 65535.", "Informe um nome de servidor ou endereço IP válido (ex.: "
                        "sftp.parceiro.com.br)."}, messages  # fmt: skip
    scorecard.record("URLs malformadas (salvar, testar, já gravadas)", f"{len(answers)} casos, "
                     f"{sum(a.status_code >= 500 for a in answers)} erros 500", "0 erros 500")  # fmt: skip
