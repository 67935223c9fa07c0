"""GET /api/v1/integrations/{id}/tasks: the Tarefas tab — an integration's tasks, newest first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import quote

import psycopg
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from include.airflow_adapter.control import log_steps
from include.integracoes import db, tasks
from include.integracoes.permissions import Action, Resource
from integracoes.api.paging import PageOut, page_out
from integracoes.api.params import IntegrationId, PageNumber, page_size_param
from integracoes.auth import Caller, require
from integracoes.errors import language_of
from integracoes.urls import airflow_root

router = APIRouter(tags=["Tarefas"])
# One status or several separated by commas, as the document states them.
_STATUS = "(pending|sent|completed|failed)"
_STATUSES = rf"^{_STATUS}(,{_STATUS})*$"


class AirflowRunOut(BaseModel):
    """Where an agent follows a task's latest attempt in Airflow's own UI."""

    dag_id: str
    run_id: str
    url: str = Field(description="A execução no Airflow")
    log_task_id: str | None = Field(description="A etapa cujo log explica a execução: a que falhou, senão a última")
    log_url: str | None = Field(description="O log dessa etapa no Airflow; nulo enquanto nenhuma etapa começou")


class TaskOut(BaseModel):
    id: int
    code: int
    created_at: datetime
    data_inicial: date
    data_final: date
    requested_by: str
    kind: str
    status: str
    status_label: str
    failure_reason: str | None
    airflow_run: AirflowRunOut | None = Field(
        default=None, description="Agentes de suporte: a execução do Airflow da última tentativa (nulo para clientes)"
    )


def task_out(task: tasks.Task, language: str, airflow_run: AirflowRunOut | None = None) -> TaskOut:
    return TaskOut(
        id=task.id,
        code=task.code,
        created_at=task.created_at,
        data_inicial=task.start,
        data_final=task.end,
        requested_by=task.requested_by,
        kind=str(task.origin),
        status=str(task.status),
        status_label=task.status.label(language),
        failure_reason=task.failure_reason,
        airflow_run=airflow_run,
    )


def airflow_runs_of(
    request: Request, conn: psycopg.Connection, found: Iterable[tasks.Task]
) -> dict[int, AirflowRunOut]:
    """The Airflow run of each task's latest attempt, linked in Airflow 3's UI (served above this app's mount)."""
    attempts = tasks.latest_attempts(conn, [task.id for task in found])
    steps = log_steps(set(attempts.values()))
    ui = airflow_root(str(request.scope.get("root_path", "")))
    out = {}
    for task_id, (dag_id, run_id) in attempts.items():
        run_url = f"{ui}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"
        step = steps.get((dag_id, run_id))
        # The index view of a task instance in Airflow 3's UI is its log.
        log_url = f"{run_url}/tasks/{quote(step, safe='')}" if step else None
        out[task_id] = AirflowRunOut(dag_id=dag_id, run_id=run_id, url=run_url, log_task_id=step, log_url=log_url)
    return out


@router.get(
    "/integrations/{integration_id:int}/tasks", response_model=PageOut[TaskOut], summary="Tarefas da integração"
)
def list_tasks(
    request: Request,
    integration_id: IntegrationId,
    search: str = Query(default="", max_length=120, description="Qualquer coluna: código, usuário, datas, situação…"),
    status: list[str] = Query(
        default=[],
        description="pending, sent, completed, failed (repita ou separe por vírgula)",
        json_schema_extra={"items": {"type": "string", "pattern": _STATUSES}},
    ),
    page: PageNumber = 1,
    page_size: int = page_size_param(10),
    caller: Caller = Depends(require(Action.READ, Resource.TAREFAS)),
) -> PageOut[TaskOut]:
    language = language_of(request)
    statuses = [part.strip() for value in status for part in value.split(",") if part.strip()]
    with db.pooled() as conn:
        found = tasks.list_tasks(
            conn, caller.principal, integration_id, search=search, statuses=statuses, page=page,
            page_size=page_size, language=language,
        )  # fmt: skip
        # Airflow's own pages are for the support team only: clients never get the link.
        runs = airflow_runs_of(request, conn, found.items) if caller.principal.is_support_agent else {}
    return page_out(found, lambda t: task_out(t, language, runs.get(t.id)))
