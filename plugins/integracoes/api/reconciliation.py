"""The sales-reconciliation API ("Conciliação de vendas"): an integration's card payments with the partner's
answers, totals per status, and the same rows as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from include.integracoes import db, reconciliation
from include.integracoes.permissions import Action, Resource
from integracoes.api.paging import PageOut, page_out
from integracoes.api.params import Day, IntegrationId, PageField, PageSizeField, RowId
from integracoes.auth import Caller, require
from integracoes.errors import language_of

router = APIRouter(tags=["Conciliação de vendas"])


class FiltersIn(BaseModel):
    start: Day = Field(description="Primeiro dia de vendas (AAAA-MM-DD)")
    end: Day = Field(description="Último dia de vendas (inclusive; até 93 dias)")
    branch_id: RowId | None = Field(default=None, description="Uma filial da integração")
    status: reconciliation.Status | None = Field(
        default=None, description="conciliada, divergente, nao_encontrada, aguardando"
    )

    def filters(self) -> reconciliation.Filters:
        return reconciliation.Filters(self.start, self.end, self.branch_id, self.status)


class ReconciliationQuery(FiltersIn):
    page: PageField = 1
    page_size: PageSizeField = 25


class RowOut(BaseModel):
    sale_date: date
    branch: str
    branch_cnpj: str
    receipt: int = Field(description="Número do cupom")
    nsu: str
    sent_amount: Decimal = Field(description="Valor enviado por nós")
    partner_amount: Decimal | None = Field(description="Valor segundo o parceiro")
    status: reconciliation.Status
    status_label: str
    answered_at: datetime | None


class TotalOut(BaseModel):
    count: int
    amount: Decimal


class ReconciliationOut(PageOut[RowOut]):
    totals: dict[str, TotalOut] = Field(description="enviadas e cada situação: quantidade e valor enviado")


@router.get(
    "/integrations/{integration_id:int}/reconciliation",
    response_model=ReconciliationOut,
    summary="Conciliação de vendas",
)
def get_reconciliation(
    request: Request,
    integration_id: IntegrationId,
    query: Annotated[ReconciliationQuery, Query()],
    caller: Caller = Depends(require(Action.READ, Resource.INTEGRACOES)),
) -> ReconciliationOut:
    language = language_of(request)
    with db.pooled() as conn:
        found = reconciliation.reconciliation(
            conn, caller.principal, integration_id, query.filters(), page=query.page, page_size=query.page_size
        )
    rows = page_out(found.page, lambda r: RowOut(**vars(r), status_label=r.status.label(language)))
    totals = {(status or "enviadas"): TotalOut(count=t.count, amount=t.amount) for status, t in found.totals.items()}
    return ReconciliationOut(**rows.model_dump(), totals=totals)


@router.get(
    "/integrations/{integration_id:int}/reconciliation.csv",
    response_class=StreamingResponse,
    summary="Conciliação de vendas em CSV",
    responses={200: {"content": {"text/csv": {}}}},
)
def export_reconciliation(
    request: Request,
    integration_id: IntegrationId,
    filters: Annotated[FiltersIn, Query()],
    caller: Caller = Depends(require(Action.READ, Resource.INTEGRACOES)),
) -> StreamingResponse:
    language = language_of(request)
    with db.pooled() as conn:  # validated (and the tenant checked) before the first byte is sent
        integration = reconciliation.reconciling_integration(conn, caller.principal, integration_id)
        reconciliation.check_filters(filters.filters(), integration)

    def lines() -> Iterator[bytes]:
        with db.pooled() as conn, conn.transaction():  # a named cursor lives in a transaction
            for line in reconciliation.csv_lines(conn, caller.principal, integration_id, filters.filters(), language):
                yield line.encode("utf-8")

    name = f"conciliacao_{integration_id}_{filters.start:%Y%m%d}_{filters.end:%Y%m%d}.csv"
    return StreamingResponse(
        lines(), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
