"""GET /api/v1/me: who the caller is, which roles and tenants they have; PUT /me/preferences: their language."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from include.integracoes import db, users
from include.integracoes.messages import LANGUAGES
from include.integracoes.principal import Principal
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
    language: str | None = Field(description="Idioma escolhido pelo usuário (null: o do navegador)")


def _me(principal: Principal, language: str | None) -> MeOut:
    return MeOut(
        username=principal.username,
        roles=list(principal.roles),
        tenants=[TenantOut(id=t.id, name=t.name) for t in principal.tenants],
        is_support_agent=principal.is_support_agent,
        language=language,
    )


@router.get("/me", response_model=MeOut, summary="Usuário autenticado")
async def me(caller: Caller = Depends(authenticated)) -> MeOut:
    return _me(caller.principal, caller.principal.language)


class PreferencesIn(BaseModel):
    model_config = ConfigDict(strict=True)

    language: str | None = Field(description="pt-BR, en, ou null para seguir o navegador",
                                 json_schema_extra={"enum": [*LANGUAGES, None]})  # fmt: skip


@router.put("/me/preferences", response_model=MeOut, summary="Preferências do usuário (idioma)")
def set_preferences(body: PreferencesIn, caller: Caller = Depends(authenticated)) -> MeOut:
    with db.pooled() as conn:
        users.set_language(conn, caller.principal, body.language)
    return _me(caller.principal, body.language)
