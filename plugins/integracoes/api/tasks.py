"""GET /api/v1/integrations/{id}/tasks: the Tarefas tab — an integration's tasks, newest first."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from include.integracoes import db, tasks
from include.integracoes.permissions import Action, Resource
from integracoes.api.paging import PageOut, page_out
from integracoes.api.params import IntegrationId, PageNumber, page_size_param
from integracoes.auth import Caller, require
from integracoes.errors import language_of

router = APIRouter(tags=["Tarefas"])
# One status or several separated by commas, as the document states them.
_STATUS = "(pending|sent|completed|failed)"
_STATUSES = rf"^{_STATUS}(,{_STATUS})*$"


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


def task_out(task: tasks.Task, language: str) -> TaskOut:
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
    )


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
    return page_out(found, lambda t: task_out(t, language))
