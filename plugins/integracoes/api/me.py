"""GET /api/v1/me: who the caller is, which roles and tenants they have."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from integracoes.auth import Caller, authenticated

router = APIRouter(tags=["Usuário"])


class TenantOut(BaseModel):
    id: int
    name: str


class MeOut(BaseModel):
    username: str
    roles: list[str]
    tenants: list[TenantOut]
    is_support_agent: bool


@router.get("/me", response_model=MeOut, summary="Usuário autenticado")
async def me(caller: Caller = Depends(authenticated)) -> MeOut:
    principal = caller.principal
    return MeOut(
        username=principal.username,
        roles=list(principal.roles),
        tenants=[TenantOut(id=t.id, name=t.name) for t in principal.tenants],
        is_support_agent=principal.is_support_agent,
    )
