"""POST /integrations/{id}/runs ("Executar integração") and POST /tasks/{id}/reprocess ("Reprocessar tarefa")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from include.integracoes import db, manual_runs
from include.integracoes.airflow_runs import AirflowRuns
from include.integracoes.messages import text
from include.integracoes.permissions import Action, Resource
from integracoes.api.tasks import task_out
from integracoes.auth import Caller, require
from integracoes.errors import language_of

router = APIRouter(tags=["Execuções"])


class RunIn(BaseModel):
    # Plain values: the service answers each wrong date with its own pt-BR message.
    data_inicial: Any = None
    data_final: Any = None


@router.post("/integrations/{integration_id}/runs", status_code=202, summary="Executar integração")
def request_run(
    request: Request,
    integration_id: int,
    body: RunIn,
    split: bool = Query(default=False, description="Agentes: dividir em partes de até 31 dias"),
    dry_run: bool = Query(default=False, description="Agentes: simular, sem gravar nada"),
    caller: Caller = Depends(require(Action.TRIGGER, Resource.INTEGRACOES)),
) -> JSONResponse:
    language = language_of(request)
    with db.pooled() as conn:
        if dry_run:
            planned = manual_runs.dry_run(
                conn, caller.principal, integration_id, body.data_inicial, body.data_final, split_period=split
            )
            return JSONResponse(
                {
                    "message": text("manual.dry_run", language),
                    "chunks": [
                        {"data_inicial": c.start.isoformat(), "data_final": c.end.isoformat()} for c in planned.chunks
                    ],
                    "conflicts": manual_runs.summaries(planned.conflicts),
                }
            )
        created = manual_runs.request_runs(
            conn,
            caller.principal,
            integration_id,
            body.data_inicial,
            body.data_final,
            AirflowRuns(),
            split_period=split,
        )
    payload: dict[str, Any] = {"message": text("manual.accepted", language)}
    outs = [task_out(task, language).model_dump(mode="json") for task in created]
    if split:
        payload["tasks"] = outs
    else:
        payload["task"] = outs[0]
    return JSONResponse(payload, status_code=202)


@router.post("/tasks/{task_id}/reprocess", status_code=202, summary="Reprocessar tarefa")
def reprocess(
    request: Request, task_id: int, caller: Caller = Depends(require(Action.REPROCESS, Resource.TAREFAS))
) -> JSONResponse:
    language = language_of(request)
    with db.pooled() as conn:
        task = manual_runs.reprocess(conn, caller.principal, task_id, AirflowRuns())
    return JSONResponse(
        {
            "message": text("manual.reprocess_accepted", language),
            "task": task_out(task, language).model_dump(mode="json"),
        },
        status_code=202,
    )
