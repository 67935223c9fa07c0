"""The dead-run rule in the run steps: whatever ends a step for good ends the run's open tasks, with a
reason that tells the truth about what happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg
import pytest

from include.connectors.errors import (
    ConnectorUnavailableError,
    CredentialsRefusedError,
    LayoutMismatchError,
    PartnerUnavailableError,
)
from include.integracoes import failures, run_steps, tasks
from include.integracoes.tasks import FailureClass, Origin, Status
from tests.include.factories import make_integration

DAG = "integracao_1_smarket"


@dataclass
class FakeRun:
    dag_id: str
    run_id: str
    conf: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeTaskInstance:
    task_id: str


@pytest.fixture
def integration(migrated_db: psycopg.Connection, app_database_env: str) -> int:
    return make_integration(migrated_db)[1]


def scheduled_task(conn: psycopg.Connection, integration: int, run_id: str) -> tasks.Task:
    task = tasks.insert_pending(conn, integration, date(2026, 11, 1), date(2026, 11, 1), "Sistema", Origin.SCHEDULED)
    tasks.claim_task(conn, task.id, integration, DAG, run_id)
    return task


def test_a_step_that_raises_ends_the_runs_tasks_naming_the_step(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    task = scheduled_task(migrated_db, integration, "scheduled__1")
    context = {"dag_run": FakeRun(DAG, "scheduled__1"), "ti": FakeTaskInstance("extrair_e_gerar_arquivo"),
               "exception": RuntimeError("boom")}  # fmt: skip
    run_steps.run_failed(context)
    ended = tasks.get_task(migrated_db, task.id)
    assert ended.status is Status.FAILED
    assert ended.failure_class == FailureClass.RUN_FAILED
    assert "geração do arquivo" in (ended.failure_reason or "")
    assert "boom" not in (ended.failure_reason or ""), "the exception text stays in the Airflow log"


def test_a_manual_run_that_dies_before_claiming_its_task_still_ends_it(
    migrated_db: psycopg.Connection, integration: int
) -> None:
    task = tasks.insert_pending(migrated_db, integration, date(2026, 11, 2), date(2026, 11, 3), "cliente1",
                                Origin.MANUAL)  # fmt: skip
    run = FakeRun(DAG, f"manual__tarefa_{task.id}", {"task_id": task.id})
    run_steps.run_failed({"dag_run": run, "ti": FakeTaskInstance("preparar"), "exception": None})
    ended = tasks.get_task(migrated_db, task.id)
    assert ended.status is Status.FAILED
    assert ended.failure_class == FailureClass.RUN_LOST


def test_tasks_already_ended_by_a_step_keep_their_reason(migrated_db: psycopg.Connection, integration: int) -> None:
    task = scheduled_task(migrated_db, integration, "scheduled__2")
    tasks.mark_failed(migrated_db, task.id, FailureClass.CREDENTIALS_REFUSED)
    run_steps.run_failed({"dag_run": FakeRun(DAG, "scheduled__2"), "ti": FakeTaskInstance("entregar"),
                          "exception": CredentialsRefusedError("HTTP 401")})  # fmt: skip
    assert tasks.get_task(migrated_db, task.id).failure_class == FailureClass.CREDENTIALS_REFUSED


@pytest.mark.parametrize(
    ("error", "failure", "permanent"),
    [
        (LayoutMismatchError("campo ean cabe em 14 posições"), FailureClass.LAYOUT_MISMATCH, True),
        (ConnectorUnavailableError("boavista"), FailureClass.CONNECTOR_UNAVAILABLE, True),
        (CredentialsRefusedError("HTTP 401"), FailureClass.CREDENTIALS_REFUSED, True),
        (PartnerUnavailableError(503), FailureClass.PARTNER_UNAVAILABLE, False),
        (RuntimeError("bug"), FailureClass.RUN_FAILED, None),
        (None, FailureClass.RUN_LOST, None),
    ],
)
def test_every_error_has_a_class_and_a_reason_a_client_understands(
    error: BaseException | None, failure: FailureClass, permanent: bool | None
) -> None:
    found, params = failures.classify(error, attempts=4, step="entregar", type_name="BoaVista")
    assert found is failure
    reason = found.reason(**params)
    assert "{" not in reason
    if permanent is not None:
        assert getattr(error, "permanent", None) is permanent
    if failure is FailureClass.LAYOUT_MISMATCH:
        assert "reprocessar sem correção não resolve" in reason, "never 'reprocesse' when it cannot help"
