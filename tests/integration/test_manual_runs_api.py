"""Executar integração and Reprocessar tarefa over HTTP, on the real stack, including a 200-request race."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest

from tests.integration.test_runs_e2e import API, dag_registered, register_smarket, wait_for
from tests.stack_fixtures import RunningStack, days_ago

pytestmark = pytest.mark.stack

CONFLICT = "O intervalo informado está em conflito com a tarefa {code}, que ainda está pendente de processamento."


def ready_integration(stack: RunningStack, label: str, *, token: str = "token-e2e") -> dict[str, Any]:
    integration = register_smarket(stack, f"{label} {uuid.uuid4().hex[:6]}", token=token)
    wait_for("the DAG to be parsed", lambda: dag_registered(stack, integration["dag_id"]), timeout=120)
    return integration


def task_status(stack: RunningStack, integration_id: int, task_id: int) -> dict[str, Any]:
    with stack.client("cliente1") as client:
        items = client.get(f"{API}/integrations/{integration_id}/tasks", params={"page_size": 100}).json()["items"]
    return next(t for t in items if t["id"] == task_id)


def test_two_hundred_simultaneous_overlapping_requests_one_wins(stack: RunningStack) -> None:
    # The winner's task stays Pendente while the others arrive: its deliveries hang at the partner. (Left to
    # run, its task could end within the burst on a quick machine, and a later request would rightly win too.)
    token = f"corrida-{uuid.uuid4().hex[:8]}"
    with stack.partner_mode("smarket", token, "stall"):
        race(stack, ready_integration(stack, "Smarket corrida", token=token))


def race(stack: RunningStack, integration: dict[str, Any]) -> None:
    url = f"{stack.url}{API}/integrations/{integration['id']}/runs"
    headers = {"Authorization": f"Bearer {stack.token('cliente1')}"}
    start = threading.Barrier(50)

    def request(n: int) -> httpx.Response:
        body = {"data_inicial": days_ago(20 - n % 5), "data_final": days_ago(14 + n % 3)}
        with httpx.Client(timeout=60) as client:
            if n < 50:
                start.wait()
            return client.post(url, json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(request, range(200)))
    accepted = [a for a in answers if a.status_code == 202]
    refused = [a for a in answers if a.status_code == 409]
    assert len(accepted) == 1, [a.status_code for a in answers if a.status_code not in (202, 409)]
    assert len(refused) == 199
    code = accepted[0].json()["task"]["code"]
    assert accepted[0].json()["message"] == "Solicitação enviada para a fila de processamento."
    assert {a.json()["message"] for a in refused} == {CONFLICT.format(code=code)}
    assert {a.json()["conflicting_task"]["code"] for a in refused} == {code}
    with psycopg.connect(stack.database_url) as conn:
        overlaps = conn.execute(
            """SELECT count(*) FROM integracao.tarefa a JOIN integracao.tarefa b ON a.id < b.id
                 AND a.integracao_id = b.integracao_id AND a.situacao = 'pending' AND b.situacao = 'pending'
                 AND daterange(a.data_inicial, a.data_final, '[]') && daterange(b.data_inicial, b.data_final, '[]')"""
        ).fetchone()
    assert overlaps == (0,)


def test_client_runs_five_days_conflict_while_pending_then_done(stack: RunningStack) -> None:
    integration = ready_integration(stack, "Smarket manual")
    with stack.client("cliente1") as client:
        first = client.post(
            f"{API}/integrations/{integration['id']}/runs",
            json={"data_inicial": days_ago(7), "data_final": days_ago(3)},
        )
        assert first.status_code == 202, first.text
        task = first.json()["task"]
        assert (task["status_label"], task["requested_by"], task["kind"]) == ("Pendente", "cliente1", "manual")
        overlapping = client.post(
            f"{API}/integrations/{integration['id']}/runs",
            json={"data_inicial": days_ago(3), "data_final": days_ago(1)},
        )
    assert overlapping.status_code == 409
    assert overlapping.json()["message"] == CONFLICT.format(code=task["code"])
    done = wait_for(
        "the manual task to complete",
        lambda: (t := task_status(stack, integration["id"], task["id"]))["status"] in ("completed", "failed") and t,
    )
    assert done["status"] == "completed", done
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    run = httpx.get(
        f"{stack.url}/api/v2/dags/{integration['dag_id']}/dagRuns/manual__tarefa_{task['id']}",
        headers=admin,
        timeout=30,
    ).json()
    assert run["conf"] == {"task_id": task["id"]}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"data_inicial": "2026-13-01", "data_final": "2026-11-01"}, "data_inicial",
         "Data inválida: use o formato AAAA-MM-DD."),
        ({"data_inicial": days_ago(1), "data_final": days_ago(5)}, "data_final",
         "A data final deve ser igual ou posterior à data inicial."),
        ({"data_inicial": days_ago(40), "data_final": days_ago(5)}, "data_final",
         "O período pode ter no máximo 31 dias (incluindo as duas datas)."),
        ({"data_inicial": days_ago(1), "data_final": days_ago(-3)}, "data_final",
         "A data não pode ser posterior a hoje."),
        ({}, "data_inicial", "Informe a data."),
    ],
)  # fmt: skip
def test_bad_periods_are_refused_and_write_nothing(
    stack: RunningStack, body: dict[str, str], field: str, message: str
) -> None:
    with stack.client("cliente1") as client:
        smarket = client.get(f"{API}/integrations", params={"search": "Smarket - sell"}).json()["items"][0]
        before = client.get(f"{API}/integrations/{smarket['id']}/tasks").json()["total"]
        response = client.post(f"{API}/integrations/{smarket['id']}/runs", json=body)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][field] == message
        assert client.get(f"{API}/integrations/{smarket['id']}/tasks").json()["total"] == before


def test_types_without_manual_runs_are_refused(stack: RunningStack) -> None:
    with stack.client("cliente1") as client:
        sngpc = client.get(f"{API}/integrations", params={"search": "SNGPC - controlados"}).json()["items"][0]
        response = client.post(
            f"{API}/integrations/{sngpc['id']}/runs", json={"data_inicial": days_ago(3), "data_final": days_ago(1)}
        )
    assert response.status_code == 403
    assert response.json()["message"] == "O tipo de integração SNGPC não permite execução manual."


def test_reprocess_a_failed_task_and_refuse_while_pending(stack: RunningStack) -> None:
    token = f"reprocessar-{uuid.uuid4().hex[:8]}"
    integration = ready_integration(stack, "Smarket reprocessar", token=token)
    with stack.partner_mode("smarket", token, "fail", status=502):
        with stack.client("cliente1") as client:
            task = client.post(
                f"{API}/integrations/{integration['id']}/runs",
                json={"data_inicial": days_ago(4), "data_final": days_ago(2)},
            ).json()["task"]
        failed = wait_for(
            "the task to fail",
            lambda: (t := task_status(stack, integration["id"], task["id"]))["status"] == "failed" and t,
        )
    assert failed["failure_reason"] == "Parceiro indisponível (HTTP 502) após 4 tentativas"
    with stack.client("cliente1") as client:
        again = client.post(f"{API}/tasks/{task['id']}/reprocess")
        assert again.status_code == 202, again.text
        assert again.json()["task"]["id"] == task["id"]
        assert again.json()["task"]["status_label"] == "Pendente"
        twice = client.post(f"{API}/tasks/{task['id']}/reprocess")
    assert twice.status_code == 409
    assert f"tarefa {task['code']}" in twice.json()["message"]
    done = wait_for(
        "the reprocessed task to complete",
        lambda: (t := task_status(stack, integration["id"], task["id"]))["status"] in ("completed", "failed") and t,
    )
    assert done["status"] == "completed", done
    with stack.client("cliente2") as other:
        assert other.post(f"{API}/tasks/{task['id']}/reprocess").status_code == 404
