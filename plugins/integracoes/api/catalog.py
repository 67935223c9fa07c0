"""GET /api/v1/types and GET /api/v1/branches: what can be registered, and where."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from include.integracoes import branches as branch_service
from include.integracoes import catalog, db
from include.integracoes.messages import DEFAULT_LANGUAGE
from include.integracoes.permissions import Action, Resource
from include.integracoes.principal import Principal
from integracoes.api.params import MAX_ID
from integracoes.auth import Caller, require
from integracoes.errors import error_responses, language_of

router = APIRouter(tags=["Catálogo"])


class KeyOut(BaseModel):
    key: str
    label: str = Field(description="Rótulo no idioma de quem pergunta (pt-BR ou inglês)")
    required: bool
    secret: bool
    default: str | None
    help: str | None = None
    widget: str = Field(
        default="text", description="Campo do formulário: text, password, select, number, email, url ou digits"
    )
    options: list[str] | None = Field(default=None, description="Valores aceitos (widget select)")
    min: int | None = None
    max: int | None = None
    several: bool = Field(default=False, description="Vários e-mails separados por ponto e vírgula")
    json_schema: dict[str, Any] = Field(
        default_factory=dict,
        description="O que o valor aceita, em JSON Schema (o valor é sempre texto); x-minimum/x-maximum dão a faixa"
        " de um número escrito como texto, x-message a mensagem de quando o valor não serve. O servidor confere"
        " de novo ao salvar.",
    )


class TypeOut(BaseModel):
    code: str
    name: str
    manual_run_allowed: bool
    keys: list[KeyOut]
    window: str
    transport: str
    file_format: str
    direction: str
    available: bool = Field(description="Um conector implementa o tipo: só tipos disponíveis podem ser cadastrados")
    own_schedule: str | None = Field(
        default=None, description="Agenda própria do tipo: o intervalo do cadastro não se aplica"
    )
    incremental: bool = Field(
        default=False, description="Envia o que há de novo desde o último envio: o cadastro diz a partir de quando"
    )


class BranchOut(BaseModel):
    id: int
    tenant_id: int
    name: str
    code: int


def _key_out(view: catalog.KeyView) -> KeyOut:
    return KeyOut(**{**vars(view), "options": list(view.options) or None})


def types_out(principal: Principal, language: str = DEFAULT_LANGUAGE) -> list[TypeOut]:
    return [
        TypeOut(
            code=t.code,
            name=t.name,
            manual_run_allowed=t.manual_run_allowed,
            keys=[_key_out(k) for k in t.keys],
            window=t.window,
            transport=t.transport,
            file_format=t.file_format,
            direction=t.direction,
            available=t.available,
            own_schedule=t.own_schedule,
            incremental=t.incremental,
        )
        for t in catalog.list_types(principal, language)
    ]


@router.get("/types", response_model=list[TypeOut], summary="Tipos de integração")
def list_types(request: Request, caller: Caller = Depends(require(Action.READ, Resource.INTEGRACOES))) -> list[TypeOut]:
    return types_out(caller.principal, language_of(request))


@router.get("/branches", response_model=list[BranchOut], summary="Filiais dos clientes", responses=error_responses(404))
def list_branches(
    tenant_id: int | None = Query(default=None, ge=1, le=MAX_ID, description="Um cliente; sem ele, todos os visíveis"),
    caller: Caller = Depends(require(Action.READ, Resource.INTEGRACOES)),
) -> list[BranchOut]:
    with db.pooled() as conn:
        found = branch_service.list_branches(conn, caller.principal, tenant_id)
    return [BranchOut(id=b.id, tenant_id=b.tenant_id, name=b.name, code=b.code) for b in found]
