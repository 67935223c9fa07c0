"""/api/v1/integrations: list, create, get and update registered integrations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from include.airflow_adapter.reconciler import AirflowReconciler
from include.integracoes import catalog, connection_check, db, integrations
from include.integracoes import health as health_service
from include.integracoes.integrations import ConfigInput, Integration, IntegrationInput
from include.integracoes.paging import Page
from include.integracoes.permissions import Action, Resource
from integracoes.api.paging import PageOut, page_out
from integracoes.api.params import MAX_ID, IntegrationId, PageNumber, page_size_param
from integracoes.auth import Caller, require
from integracoes.errors import error_responses, language_of

router = APIRouter(tags=["Integrações"])

_read = require(Action.READ, Resource.INTEGRACOES)


class ConfigItemIn(BaseModel):
    model_config = ConfigDict(strict=True)

    key: str = Field(max_length=100)
    value: str | None = None


class IntegrationIn(BaseModel):
    """Body of a create (every field) or an update (any subset; `tenant_id` cannot change). Strict types:
    `true` is not a tenant id, `"yes"` is not a boolean, `"5"` is not an interval."""

    model_config = ConfigDict(strict=True)

    tenant_id: int | None = None
    description: str | None = None
    type_code: str | None = None
    active: bool | None = None
    interval_minutes: int | None = None
    branches: list[int] | None = Field(default=None, max_length=5000)
    config: list[ConfigItemIn] | None = Field(default=None, max_length=200)
    send_from: str | None = Field(
        default=None, max_length=32,
        description="Enviar a partir de (AAAA-MM-DD; tipos incrementais): a primeira execução envia o movimento desde"
        " essa data. Vazio numa alteração: volta ao padrão, o dia do cadastro",
    )  # fmt: skip

    def to_input(self) -> IntegrationInput:
        return IntegrationInput(
            tenant_id=self.tenant_id,
            description=self.description,
            type_code=self.type_code,
            active=self.active,
            interval_minutes=self.interval_minutes,
            branches=self.branches,
            config=None if self.config is None else [ConfigInput(c.key, c.value) for c in self.config],
            send_from=self.send_from,
        )


class IntegrationOut(BaseModel):
    id: int
    tenant_id: int
    tenant_name: str
    description: str
    type_code: str
    type_name: str
    active: bool
    interval_minutes: int
    dag_id: str
    updated_at: str
    updated_by: str
    available: bool = Field(description="Falso quando nenhum conector implementa o tipo: a integração não executa")
    send_from: date | None = Field(
        default=None, description="Enviar a partir de (tipos incrementais); nulo: desde o dia do cadastro"
    )


class MarkOut(BaseModel):
    code: int
    status: str
    start: date
    end: date
    at: datetime


class IntegrationRowOut(IntegrationOut):
    """A row of the list: the integration and its health at a glance."""

    health: health_service.Health
    health_label: str
    last_success_at: datetime | None = Field(description="A última entrega (Enviada ou Concluída)")
    history: list[MarkOut] = Field(description="As últimas 20 tarefas, da mais nova para a mais antiga")


def list_rows(conn: Any, found: Page[Integration], language: str) -> PageOut[IntegrationRowOut]:
    marks = health_service.for_rows(conn, [i.id for i in found.items])

    def row(item: Integration) -> IntegrationRowOut:
        state = marks[item.id]
        return IntegrationRowOut(
            **summary_out(item), health=state.health, health_label=state.health.label(language),
            last_success_at=state.last_success_at, history=[MarkOut(**vars(m)) for m in state.history],
        )  # fmt: skip

    return page_out(found, row)


class ConfigOut(BaseModel):
    key: str
    label: str
    value: str | None
    secret: bool
    is_set: bool
    required: bool


class IntegrationDetailOut(IntegrationOut):
    branches: list[int]
    config: list[ConfigOut]
    tenant_active: bool = Field(description="Falso quando a rede está desativada: a integração não executa")


def summary_out(item: Integration) -> dict[str, Any]:
    return {
        "id": item.id,
        "tenant_id": item.tenant_id,
        "tenant_name": item.tenant_name,
        "description": item.description,
        "type_code": item.type_code,
        "type_name": item.type_name,
        "active": item.active,
        "interval_minutes": item.interval_minutes,
        "dag_id": item.dag_id,
        "updated_at": item.updated_at.isoformat(),
        "updated_by": item.updated_by,
        "available": catalog.is_available(item.type_code),
        "send_from": item.send_from,
    }


def detail_out(item: Integration) -> IntegrationDetailOut:
    return IntegrationDetailOut(
        **summary_out(item),
        branches=list(item.branches),
        config=[ConfigOut(**vars(c)) for c in item.config],
        tenant_active=item.tenant_active,
    )


@router.get(
    "/integrations",
    response_model=PageOut[IntegrationRowOut],
    summary="Lista de integrações",
    responses=error_responses(404),  # a tenant the caller does not see
)
def list_integrations(
    request: Request,
    search: str = Query(default="", max_length=120, description="Início da descrição (sem diferenciar acentos)"),
    health: health_service.Health | None = Query(default=None, description="Só as integrações nesta saúde"),
    tenant_id: int | None = Query(default=None, ge=1, le=MAX_ID, description="Só as integrações desta rede"),
    page: PageNumber = 1,
    page_size: int = page_size_param(10),
    caller: Caller = Depends(_read),
) -> PageOut[IntegrationRowOut]:
    with db.pooled() as conn:
        found = integrations.list_page(
            conn, caller.principal, search=search, page=page, page_size=page_size,
            health=health_service.condition(health) if health else None, tenant_id=tenant_id,
        )  # fmt: skip
        return list_rows(conn, found, language_of(request))


@router.post("/integrations", response_model=IntegrationDetailOut, status_code=201, summary="Cadastrar integração")
def create_integration(
    body: IntegrationIn, caller: Caller = Depends(require(Action.CREATE, Resource.INTEGRACOES))
) -> IntegrationDetailOut:
    with db.pooled() as conn:
        saved = integrations.create(conn, caller.principal, body.to_input(), AirflowReconciler())
    return detail_out(saved)


@router.get("/integrations/{integration_id:int}", response_model=IntegrationDetailOut, summary="Integração")
def get_integration(integration_id: IntegrationId, caller: Caller = Depends(_read)) -> IntegrationDetailOut:
    with db.pooled() as conn:
        return detail_out(integrations.get(conn, caller.principal, integration_id))


@router.put("/integrations/{integration_id:int}", response_model=IntegrationDetailOut, summary="Alterar integração")
def update_integration(
    integration_id: IntegrationId,
    body: IntegrationIn,
    caller: Caller = Depends(require(Action.EDIT, Resource.INTEGRACOES)),
) -> IntegrationDetailOut:
    with db.pooled() as conn:
        saved = integrations.update(conn, caller.principal, integration_id, body.to_input(), AirflowReconciler())
    return detail_out(saved)


class ConnectionCheckIn(BaseModel):
    """The form's values; with `integration_id`, blank secrets are taken from the stored integration."""

    model_config = ConfigDict(strict=True)

    type_code: str | None = Field(default=None, max_length=50)
    integration_id: int | None = None
    config: list[ConfigItemIn] = Field(default_factory=list, max_length=200)


class HostKeyOut(BaseModel):
    """The SFTP server's host key the check saw: what the agent confirms (`sftp_chave_host`) before saving."""

    kind: str
    fingerprint: str
    confirmed: bool


class ConnectionCheckOut(BaseModel):
    ok: bool
    message: str
    host_key: HostKeyOut | None = None


@router.post(
    "/integrations/check-connection",
    response_model=ConnectionCheckOut,
    summary="Testar conexão",
    responses=error_responses(404),  # the integration whose stored secrets it reuses
)
def check_connection(
    body: ConnectionCheckIn,
    request: Request,
    caller: Caller = Depends(require(Action.EDIT, Resource.INTEGRACOES)),
) -> ConnectionCheckOut:
    """Reach the partner with the configuration and authenticate, sending nothing (support agents)."""
    with db.pooled() as conn:
        result = connection_check.check(
            conn, caller.principal, body.type_code, [ConfigInput(c.key, c.value) for c in body.config],
            integration_id=body.integration_id, language=language_of(request),
        )  # fmt: skip
    key = result.host_key
    shown = HostKeyOut(kind=key.kind, fingerprint=key.fingerprint, confirmed=key.confirmed) if key else None
    return ConnectionCheckOut(ok=result.ok, message=result.message, host_key=shown)
