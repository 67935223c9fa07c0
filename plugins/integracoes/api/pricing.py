"""The price-change screen's API ("Alteração de Preço/Oferta"): an integration's price zones, its price
suggestions per zone and period, and applying them to the zone's prices."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, StrictBool, StrictInt

from include.integracoes import db, pricing
from include.integracoes.messages import text
from include.integracoes.permissions import Action, Resource
from integracoes.api.paging import PageOut, page_out
from integracoes.api.params import Amount, Day, IntegrationId, PageField, PageSizeField, RowId
from integracoes.auth import Caller, require
from integracoes.errors import language_of

router = APIRouter(tags=["Alteração de preço"])


class ZoneOut(BaseModel):
    id: int
    name: str


class SuggestionOut(BaseModel):
    id: int
    ean: str
    description: str
    current_price: Decimal | None = Field(description="O preço da zona agora")
    suggested_price: Decimal
    base_price: Decimal = Field(description="O preço em que o parceiro se baseou")
    difference: Decimal | None = Field(description="Sugerido - atual, em R$")
    difference_percent: Decimal | None
    received_at: datetime
    applied_at: datetime | None
    applied_by: str | None
    stale: bool = Field(description="O preço da zona mudou depois de a sugestão chegar")


def _out(s: pricing.Suggestion) -> SuggestionOut:
    return SuggestionOut(
        id=s.id, ean=s.ean, description=s.description, current_price=s.current_price,
        suggested_price=s.suggested_price, base_price=s.base_price, difference=s.difference,
        difference_percent=s.difference_percent, received_at=s.received_at, applied_at=s.applied_at,
        applied_by=s.applied_by, stale=s.stale,
    )  # fmt: skip


class FiltersIn(BaseModel):
    start: Day = Field(description="Início do período de recebimento das sugestões (AAAA-MM-DD)")
    end: Day = Field(description="Fim do período (inclusive; até 93 dias)")
    zone_id: RowId = Field(description="Zona de preço (grupo de lojas)")
    direction: pricing.Direction | None = Field(
        default=None, description="up: só aumentos; down: só reduções (sugerido contra o preço enviado ao parceiro)"
    )
    min_difference: Amount | None = Field(
        default=None, description="Diferença mínima em R$ entre o sugerido e o preço enviado ao parceiro"
    )
    search: str = Field(default="", max_length=120, description="EAN (início) ou parte da descrição")

    def filters(self) -> pricing.Filters:
        return pricing.Filters(self.start, self.end, self.zone_id, self.direction, self.min_difference, self.search)


class SuggestionsQuery(FiltersIn):
    page: PageField = 1
    page_size: PageSizeField = 25


class ApplyIn(FiltersIn):
    # Strict where a JSON body could smuggle another type in (`true` is not an id, `"yes"` not a boolean).
    zone_id: StrictInt = Field(description="Zona de preço (grupo de lojas)")
    suggestion_ids: list[StrictInt] | None = Field(
        default=None, max_length=10_000, description="As sugestões escolhidas; omitido: todas as que os filtros mostram"
    )
    include_stale: StrictBool = Field(default=False, description="Aplicar também as desatualizadas")


class ApplyOut(BaseModel):
    message: str
    applied: int
    unchanged: int
    stale: list[str]


@router.get("/integrations/{integration_id:int}/price-zones", response_model=list[ZoneOut], summary="Zonas de preço")
def list_zones(
    integration_id: IntegrationId, caller: Caller = Depends(require(Action.READ, Resource.PRECOS))
) -> list[ZoneOut]:
    with db.pooled() as conn:
        return [ZoneOut(id=z.id, name=z.name) for z in pricing.zones(conn, caller.principal, integration_id)]


@router.get(
    "/integrations/{integration_id:int}/price-suggestions",
    response_model=PageOut[SuggestionOut],
    summary="Sugestões de preço da zona no período",
)
def list_suggestions(
    integration_id: IntegrationId,
    query: Annotated[SuggestionsQuery, Query()],
    caller: Caller = Depends(require(Action.READ, Resource.PRECOS)),
) -> PageOut[SuggestionOut]:
    with db.pooled() as conn:
        found = pricing.list_suggestions(
            conn, caller.principal, integration_id, query.filters(), page=query.page, page_size=query.page_size
        )
    return page_out(found, _out)


@router.post(
    "/integrations/{integration_id:int}/price-suggestions/apply",
    response_model=ApplyOut,
    summary="Aplicar sugestões de preço à zona",
)
def apply_suggestions(
    request: Request,
    integration_id: IntegrationId,
    body: ApplyIn,
    caller: Caller = Depends(require(Action.EDIT, Resource.PRECOS)),
) -> ApplyOut:
    with db.pooled() as conn:
        result = pricing.apply(
            conn, caller.principal, integration_id, body.filters(), suggestion_ids=body.suggestion_ids,
            include_stale=body.include_stale,
        )  # fmt: skip
    key = "pricing.applied_with_stale" if result.stale else "pricing.applied"
    counts = {"applied": result.applied, "unchanged": result.unchanged}
    message = text(key, language_of(request), **counts, stale=len(result.stale))
    return ApplyOut(message=message, **counts, stale=list(result.stale))
