"""The Painel's API: the health of the caller's integrations at a glance, recent failures, what needs
attention, alerts sent; and an integration's tasks per day (its chart)."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from include.integracoes import completeness, db, health
from include.integracoes.permissions import Action, Resource
from integracoes.api.params import IntegrationId
from integracoes.auth import Caller, require
from integracoes.errors import language_of

router = APIRouter(tags=["Painel"])


class HealthCountOut(BaseModel):
    health: health.Health
    label: str
    count: int


class FailureCountOut(BaseModel):
    name: str
    last_24h: int
    last_7d: int


class AttentionOut(BaseModel):
    integration_id: int
    description: str
    tenant: str
    type_name: str
    health: health.Health
    health_label: str
    since: datetime | None = Field(description="A falha, ou a última entrega (nulo: nunca entregou)")
    consecutive_failures: int
    last_error: str | None


class AlertOut(BaseModel):
    integration_id: int
    description: str
    kind: str = Field(description="falhas, atraso, chave_sftp, incompleto ou normalizado")
    sent_at: datetime
    recipients: int
    detail: str


class CompletenessDayOut(BaseModel):
    integration_id: int
    day: date
    state: completeness.State = Field(description="completo, corrigido ou faltando")
    label: str
    task_code: int = Field(description="A tarefa cujo envio o parceiro tem para o dia")
    rows_sent: int = Field(description="Linhas enviadas nos arquivos do dia")
    missing: int = Field(description="Registros do dia no ERP (vendas, compras, movimentos) gravados depois do envio")
    correcting: bool = Field(description="A integração está ativa: o próximo envio corrige o dia")
    checked_at: datetime


class ShortDayOut(CompletenessDayOut):
    description: str
    tenant: str


class CompletenessOut(BaseModel):
    days: int = Field(description="Dias considerados (os últimos)")
    complete: int
    corrected: int
    missing: int = Field(description="Dias enviados a que faltam registros")
    short_days: list[ShortDayOut]


def _day_out(day: completeness.Day, language: str) -> CompletenessDayOut:
    return CompletenessDayOut(
        integration_id=day.integration_id, day=day.day, state=day.state,
        label=day.state.label(language, day.missing), task_code=day.task_code, rows_sent=day.rows_sent,
        missing=day.missing, correcting=day.correcting, checked_at=day.checked_at,
    )  # fmt: skip


class OverviewOut(BaseModel):
    counts: list[HealthCountOut]
    failures_by_type: list[FailureCountOut]
    failures_by_tenant: list[FailureCountOut]
    attention: list[AttentionOut]
    alerts: list[AlertOut]
    completeness: CompletenessOut


@router.get("/overview", response_model=OverviewOut, summary="Painel: a saúde das integrações")
def get_overview(request: Request, caller: Caller = Depends(require(Action.READ, Resource.INTEGRACOES))) -> OverviewOut:
    language = language_of(request)
    with db.pooled() as conn:
        found = health.overview(conn, caller.principal)
        complete = completeness.summary(conn, caller.principal)
    return OverviewOut(
        counts=[HealthCountOut(health=h, label=h.label(language), count=n) for h, n in found.counts.items()],
        failures_by_type=[FailureCountOut(**vars(f)) for f in found.failures_by_type],
        failures_by_tenant=[FailureCountOut(**vars(f)) for f in found.failures_by_tenant],
        attention=[AttentionOut(**vars(a), health_label=a.health.label(language)) for a in found.attention],
        alerts=[AlertOut(**vars(a)) for a in found.alerts],
        completeness=CompletenessOut(
            days=completeness.DAYS,
            complete=complete.complete,
            corrected=complete.corrected,
            missing=complete.missing,
            short_days=[
                ShortDayOut(**_day_out(day, language).model_dump(), description=description, tenant=tenant)
                for day, description, tenant in complete.short_days
            ],
        ),
    )


class DayOut(BaseModel):
    day: date
    counts: dict[str, int] = Field(description="Tarefas criadas no dia, por situação")


@router.get("/integrations/{integration_id:int}/task-stats", response_model=list[DayOut], summary="Tarefas por dia")
def task_stats(
    integration_id: IntegrationId,
    days: int = Query(default=30, ge=1, le=90),
    caller: Caller = Depends(require(Action.READ, Resource.TAREFAS)),
) -> list[DayOut]:
    with db.pooled() as conn:
        found = health.tasks_per_day(conn, caller.principal, integration_id, days)
    return [DayOut(day=d.day, counts=d.counts) for d in found]


@router.get(
    "/integrations/{integration_id:int}/completeness",
    response_model=list[CompletenessDayOut],
    summary="Completude dos dias enviados",
)
def get_completeness(
    request: Request,
    integration_id: IntegrationId,
    caller: Caller = Depends(require(Action.READ, Resource.TAREFAS)),
) -> list[CompletenessDayOut]:
    """Each day of the last 31 that a daily partner received, newest first: the rows sent and the ERP records of
    the day written after the sending (an integration whose type sends by commit order has none)."""
    language = language_of(request)
    with db.pooled() as conn:
        found = completeness.days(conn, caller.principal, integration_id)
    return [_day_out(day, language) for day in found]
