"""/api/v1/reports/billable-runs and /api/v1/audit: what support agents bill and what anybody changed.
Both answer CSV for `Accept: text/csv` or `?format=csv`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from include.integracoes import audit, billing, db
from include.integracoes.permissions import Action, Resource
from include.integracoes.tasks import SAO_PAULO
from integracoes.api.paging import PageOut, page_out
from integracoes.api.params import MAX_ID, Day, PageField, PageSizeField
from integracoes.auth import Caller, require
from integracoes.errors import error_responses, language_of

router = APIRouter(tags=["Relatórios"])

_CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}, "text/csv": {}}}}
Format = Annotated[Literal["json", "csv"] | None, Query(description="csv: o mesmo conteúdo em CSV")]


def _wants_csv(request: Request, format: str | None) -> bool:
    return format == "csv" or (format is None and "text/csv" in request.headers.get("accept", ""))


def _attachment(lines: Iterator[bytes], name: str) -> StreamingResponse:
    return StreamingResponse(
        lines, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


class BillableOut(BaseModel):
    requested_at: datetime
    requested_by: str
    integration_id: int
    integration: str
    type_code: str
    type_name: str
    data_inicial: date
    data_final: date
    chunks: int = Field(description="Partes de até 31 dias desta solicitação")
    task_codes: list[int]
    days: int


class BillableReportOut(BaseModel):
    tenant_id: int
    tenant_name: str
    month: str
    requests: int
    chunks: int
    days: int
    items: list[BillableOut]


@router.get(
    "/reports/billable-runs",
    response_model=BillableReportOut,
    responses={**_CSV, **error_responses(404)},  # the tenant
    summary="Execuções faturáveis (solicitadas por agentes) por rede e mês",
)
def billable_runs(
    request: Request,
    tenant_id: int = Query(ge=1, le=MAX_ID, description="A rede"),
    month: str = Query(pattern=r"^20\d\d-(0[1-9]|1[0-2])$", description="AAAA-MM (mês de São Paulo)"),
    format: Format = None,
    caller: Caller = Depends(require(Action.READ, Resource.RELATORIOS)),
) -> Any:
    with db.pooled() as conn:
        found = billing.report(conn, caller.principal, tenant_id, month)
    if _wants_csv(request, format):
        return _attachment((line.encode() for line in billing.csv_lines(found)), f"faturaveis_{tenant_id}_{month}.csv")
    return BillableReportOut(
        tenant_id=found.tenant_id, tenant_name=found.tenant_name, month=found.month, requests=found.requests,
        chunks=found.chunks, days=found.days,
        items=[
            BillableOut(
                requested_at=i.requested_at, requested_by=i.requested_by, integration_id=i.integration_id,
                integration=i.integration, type_code=i.type_code, type_name=i.type_name, data_inicial=i.start,
                data_final=i.end, chunks=i.chunks, task_codes=list(i.task_codes), days=i.days,
            )
            for i in found.items
        ],
    )  # fmt: skip


class AuditQuery(BaseModel):
    tenant_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="Rede")
    username: str = Field(default="", max_length=64, description="Quem fez")
    entity: str = Field(default="", max_length=40, description="Objeto: integracao, tenant, usuario, tarefa, ...")
    entity_id: str = Field(default="", max_length=60, description="Identificador do objeto")
    action: str = Field(default="", max_length=60, description="Ação (p. ex. usuario.criado)")
    start: Day | None = Field(default=None, description="Desde (dia de São Paulo)")
    end: Day | None = Field(default=None, description="Até (inclusive)")
    page: PageField = 1
    page_size: PageSizeField = 25
    format: Literal["json", "csv"] | None = Field(default=None, description="csv: as linhas filtradas em CSV")

    def filters(self) -> audit.Filters:
        return audit.Filters(self.tenant_id, self.username, self.entity, self.entity_id, self.action, self.start,
                             self.end)  # fmt: skip


class AuditOut(BaseModel):
    id: int
    at: datetime
    username: str
    tenant_id: int | None
    tenant_name: str | None
    action: str
    action_label: str
    entity: str
    entity_label: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@router.get(
    "/audit",
    response_model=PageOut[AuditOut],
    responses=_CSV,
    summary="Trilha de auditoria (somente leitura)",
)
def audit_trail(
    request: Request,
    query: Annotated[AuditQuery, Query()],
    caller: Caller = Depends(require(Action.READ, Resource.AUDITORIA)),
) -> Any:
    language = language_of(request)
    if _wants_csv(request, query.format):
        audit.check_export(caller.principal, query.filters())  # refused before the first byte is sent

        def lines() -> Iterator[bytes]:
            with db.pooled() as conn, conn.transaction():  # a named cursor lives in a transaction
                for line in audit.csv_lines(conn, caller.principal, query.filters(), language):
                    yield line.encode()

        return _attachment(lines(), f"auditoria_{datetime.now(SAO_PAULO):%Y%m%d}.csv")
    with db.pooled() as conn:
        found = audit.search(conn, caller.principal, query.filters(), page=query.page, page_size=query.page_size)
    return page_out(
        found,
        lambda e: AuditOut(
            id=e.id, at=e.at, username=e.username, tenant_id=e.tenant_id, tenant_name=e.tenant_name,
            action=e.action, action_label=e.action_label(language), entity=e.entity,
            entity_label=e.entity_label(language), entity_id=e.entity_id, before=e.before, after=e.after,
        ),
    )  # fmt: skip
