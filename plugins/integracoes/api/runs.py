"""POST /integrations/{id}/runs ("Executar integração") and POST /tasks/{id}/reprocess ("Reprocessar tarefa")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, WithJsonSchema

from include.airflow_adapter.control import AirflowRuns
from include.integracoes import db, manual_runs, preview
from include.integracoes.messages import text
from include.integracoes.permissions import Action, Resource
from integracoes.api.params import IntegrationId, StrictQueryBool, TaskId
from integracoes.api.tasks import task_out
from integracoes.auth import Caller, require
from integracoes.errors import error_responses, language_of

router = APIRouter(tags=["Execuções"])


# Read as plain values (the service answers each wrong date with its own pt-BR message), documented as dates.
_DATE = WithJsonSchema({"type": "string", "format": "date", "description": "AAAA-MM-DD"})


class RunIn(BaseModel):
    data_inicial: Annotated[Any, _DATE] = None
    data_final: Annotated[Any, _DATE] = None


@router.post(
    "/integrations/{integration_id:int}/runs",
    status_code=202,
    summary="Executar integração",
    responses={
        200: {
            "description": "Simulação (dry_run): as partes, os conflitos e, de um período só, os arquivos que seriam"
            " enviados (linhas, totais, comparação com a última entrega); nada gravado nem enviado"
        },
        **error_responses(409),
    },
)
def request_run(
    request: Request,
    integration_id: IntegrationId,
    body: RunIn,
    split: Annotated[StrictQueryBool, Query(description="Agentes: dividir em partes de até 31 dias")] = False,
    dry_run: Annotated[StrictQueryBool, Query(description="Agentes: simular, sem gravar nada")] = False,
    caller: Caller = Depends(require(Action.TRIGGER, Resource.INTEGRACOES)),
) -> JSONResponse:
    language = language_of(request)
    with db.pooled() as conn:
        if dry_run:
            planned = manual_runs.dry_run(
                conn, caller.principal, integration_id, body.data_inicial, body.data_final, split_period=split
            )
            previews, files_problem = preview.of_request(conn, caller.principal, planned, language)
            return JSONResponse(
                {
                    "message": text("manual.dry_run", language),
                    "chunks": [
                        {"data_inicial": c.start.isoformat(), "data_final": c.end.isoformat()} for c in planned.chunks
                    ],
                    "conflicts": manual_runs.summaries(planned.conflicts),
                    "files": [_file_preview(f) for f in previews],
                    "files_problem": files_problem,
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


def _file_preview(file: preview.FilePreview) -> dict[str, Any]:
    delivered = file.delivered
    return {
        "name": file.name, "dataset": file.dataset, "rows": file.rows, "totals": file.totals, "size": file.size,
        "sha256": file.sha256,
        "delivered": None if delivered is None else {
            "task_code": delivered.task_code, "rows": delivered.rows, "same": file.same_as_delivered,
        },
    }  # fmt: skip


@router.post(
    "/tasks/{task_id:int}/reprocess", status_code=202, summary="Reprocessar tarefa", responses=error_responses(409)
)
def reprocess(
    request: Request, task_id: TaskId, caller: Caller = Depends(require(Action.REPROCESS, Resource.TAREFAS))
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
