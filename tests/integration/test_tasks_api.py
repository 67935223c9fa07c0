"""The Tarefas API: scoped, newest first, searchable, with pt-BR labels and failure reasons."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest

from include.connectors.types import DailyWindow
from include.integracoes import tasks
from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"


def test_tasks_of_an_integration(stack: RunningStack) -> None:
    with stack.client("cliente1") as client:
        integration = client.get(f"{API}/integrations", params={"search": "Smarket"}).json()["items"][0]
    run = f"test-{uuid.uuid4().hex[:8]}"
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        opened = tasks.open_scheduled_tasks(
            conn, integration["id"], dag_id=integration["dag_id"], run_id=run, policy=DailyWindow(1),
            now=datetime(2026, 11, 20, 12, tzinfo=ZoneInfo("America/Sao_Paulo")), first_day=date(2026, 11, 18),
        )  # fmt: skip
        tasks.mark_failed(conn, opened[0].id, tasks.FailureClass.PARTNER_UNAVAILABLE, status=503, attempts=3)
    with stack.client("cliente1") as client:
        page = client.get(f"{API}/integrations/{integration['id']}/tasks", params={"page_size": 100}).json()
        failed = client.get(
            f"{API}/integrations/{integration['id']}/tasks", params={"search": "falha no", "status": "failed"}
        ).json()
        english = client.get(
            f"{API}/integrations/{integration['id']}/tasks",
            headers={"Accept-Language": "en"},
            params={"status": "failed"},
        ).json()
        bad = client.get(f"{API}/integrations/{integration['id']}/tasks", params={"status": "done"})
    codes = {t["code"] for t in page["items"]}
    assert {t.code for t in opened} <= codes
    first = next(t for t in page["items"] if t["id"] == opened[0].id)
    assert first["requested_by"] == "Sistema"
    assert first["kind"] == "agendada"
    assert first["status_label"] == "Falha no envio"
    assert first["failure_reason"] == "Parceiro indisponível (HTTP 503) após 3 tentativas"
    assert opened[0].id in {t["id"] for t in failed["items"]}
    assert all(t["status"] == "failed" for t in failed["items"])
    assert english["items"][0]["status_label"] == "Delivery failed"
    assert bad.status_code == 422
    with stack.client("cliente2") as other:
        assert other.get(f"{API}/integrations/{integration['id']}/tasks").status_code == 404
