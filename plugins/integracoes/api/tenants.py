"""/api/v1/tenants: pharmacy chains, their branches and contracted services (support agents; a client reads
its own tenants' contracted services)."""

from __future__ import annotations

from datetime import datetime

import psycopg
from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from include.airflow_adapter.reconciler import sync_pause_state
from include.integracoes import db, tenants, users
from include.integracoes.permissions import Action, Resource
from integracoes.api.paging import PageOut, page_out
from integracoes.api.params import PageNumber, TenantId, page_size_param
from integracoes.auth import Caller, require
from integracoes.directory import FabDirectory

router = APIRouter(tags=["Redes"])


class BranchIn(BaseModel):
    model_config = ConfigDict(strict=True)

    id: int | None = Field(default=None, description="Filial existente (omitido: nova filial)")
    code: int | None = None
    name: str | None = Field(default=None, max_length=200)
    cnpj: str | None = Field(default=None, max_length=30, description="Com ou sem máscara")
    city: str | None = Field(default=None, max_length=200)
    state: str | None = Field(default=None, max_length=2)


class TenantIn(BaseModel):
    """Create: name, CNPJ, branches and services. Update: any subset; `branches` is the full list."""

    model_config = ConfigDict(strict=True)

    name: str | None = Field(default=None, max_length=200)
    cnpj: str | None = Field(default=None, max_length=30)
    active: bool | None = None
    branches: list[BranchIn] | None = Field(default=None, max_length=tenants.MAX_BRANCHES)
    services: list[str] | None = Field(default=None, max_length=100)

    def to_input(self) -> tenants.TenantInput:
        branches = None
        if self.branches is not None:
            branches = [tenants.BranchInput(b.id, b.code, b.name, b.cnpj, b.city, b.state) for b in self.branches]
        return tenants.TenantInput(self.name, self.cnpj, self.active, branches, self.services)


class TenantRowOut(BaseModel):
    id: int
    name: str
    cnpj: str
    active: bool
    created_at: datetime
    branches: int
    users: int
    services: list[str]


class BranchOut(BaseModel):
    id: int
    code: int
    name: str
    cnpj: str
    city: str
    state: str


class TenantOut(BaseModel):
    id: int
    name: str
    cnpj: str
    active: bool
    created_at: datetime
    branches: list[BranchOut]
    services: list[str]


def tenant_out(tenant: tenants.Tenant) -> TenantOut:
    return TenantOut(
        id=tenant.id, name=tenant.name, cnpj=tenant.cnpj, active=tenant.active, created_at=tenant.created_at,
        branches=[BranchOut(**vars(b)) for b in tenant.branches], services=list(tenant.services),
    )  # fmt: skip


class TenantHooks:
    """A tenant changed state: its DAGs pause or resume, its users' sign-in follows."""

    def tenant_state_changed(self, conn: psycopg.Connection, tenant_id: int) -> None:
        sync_pause_state(conn, tenant_id)
        users.sync_sign_in(conn, FabDirectory(), tenant_id)


_agent_read = require(Action.READ, Resource.REDES)
_agent_edit = require(Action.EDIT, Resource.REDES)


@router.get("/tenants", response_model=PageOut[TenantRowOut], summary="Redes (clientes)")
def list_tenants(
    search: str = Query(default="", max_length=120, description="Parte do nome ou do CNPJ"),
    page: PageNumber = 1,
    page_size: int = page_size_param(25),
    caller: Caller = Depends(_agent_read),
) -> PageOut[TenantRowOut]:
    with db.pooled() as conn:
        found = tenants.list_page(conn, caller.principal, search, page=page, page_size=page_size)
    return page_out(found, lambda t: TenantRowOut(**{**vars(t), "services": list(t.services)}))


@router.post("/tenants", response_model=TenantOut, status_code=201, summary="Cadastrar rede")
def create_tenant(body: TenantIn, caller: Caller = Depends(require(Action.CREATE, Resource.REDES))) -> TenantOut:
    with db.pooled() as conn:
        return tenant_out(tenants.create(conn, caller.principal, body.to_input()))


@router.get("/tenants/{tenant_id:int}", response_model=TenantOut, summary="Rede")
def get_tenant(tenant_id: TenantId, caller: Caller = Depends(_agent_read)) -> TenantOut:
    with db.pooled() as conn:
        return tenant_out(tenants.get(conn, caller.principal, tenant_id))


@router.put("/tenants/{tenant_id:int}", response_model=TenantOut, summary="Alterar, desativar ou reativar rede")
def update_tenant(tenant_id: TenantId, body: TenantIn, caller: Caller = Depends(_agent_edit)) -> TenantOut:
    with db.pooled() as conn:
        return tenant_out(tenants.update(conn, caller.principal, tenant_id, body.to_input(), TenantHooks()))


@router.get("/tenants/{tenant_id:int}/services", response_model=list[str], summary="Serviços contratados")
def get_services(tenant_id: TenantId, caller: Caller = Depends(require(Action.READ, Resource.CONTRATOS))) -> list[str]:
    with db.pooled() as conn:
        return tenants.services(conn, caller.principal, tenant_id)


@router.put("/tenants/{tenant_id:int}/services", response_model=list[str], summary="Alterar serviços contratados")
def set_services(
    tenant_id: TenantId,
    body: list[str] = Body(max_length=100, description="Os tipos contratados (a lista completa)"),
    caller: Caller = Depends(require(Action.EDIT, Resource.CONTRATOS)),
) -> list[str]:
    with db.pooled() as conn:
        return tenants.set_services(conn, caller.principal, tenant_id, body)
