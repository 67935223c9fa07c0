"""/api/v1/users: client users and support agents (Usuários), managed by support agents."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from include.integracoes import db, users
from include.integracoes.permissions import Action, Resource
from integracoes.api.paging import PageOut, page_out
from integracoes.api.params import MAX_ID, PageNumber, StrictQueryBool, UserId, page_size_param
from integracoes.auth import Caller, require
from integracoes.directory import FabDirectory

router = APIRouter(tags=["Usuários"])


class UserOut(BaseModel):
    id: int
    username: str
    name: str
    email: str
    role: users.Role = Field(description="client: Cliente; agent: Agente de Suporte")
    active: bool = Field(description="A decisão do agente (ativo/desativado)")
    can_sign_in: bool = Field(description="Pode entrar agora (ativo e, se cliente, com uma rede ativa)")
    tenant_ids: list[int]
    last_login: datetime | None


def user_out(user: users.User) -> UserOut:
    return UserOut(
        id=user.id, username=user.username, name=user.name, email=user.email, role=user.role, active=user.active,
        can_sign_in=user.can_sign_in, tenant_ids=list(user.tenant_ids), last_login=user.last_login,
    )  # fmt: skip


class UserIn(BaseModel):
    """Create: username, name, e-mail, role, tenants, initial password. Update: any subset (`password`
    resets it; `username` and `role` cannot change)."""

    model_config = ConfigDict(strict=True)

    username: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    role: Literal["client", "agent"] | None = Field(default=None, description="client (padrão) ou agent")
    tenant_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(default=None, max_length=500)
    active: bool | None = None
    password: str | None = Field(default=None, max_length=128, json_schema_extra={"format": "password"})

    def to_input(self) -> users.UserInput:
        return users.UserInput(
            self.username,
            self.name,
            self.email,
            users.Role(self.role) if self.role else None,
            self.tenant_ids,
            self.active,
            self.password,
        )


_read = require(Action.READ, Resource.USUARIOS)


@router.get("/users", response_model=PageOut[UserOut], summary="Usuários")
def list_users(
    search: str = Query(default="", max_length=120, description="Parte do usuário, nome ou e-mail"),
    tenant_id: int | None = Query(default=None, ge=1, le=MAX_ID, description="Só os usuários desta rede"),
    role: users.Role | None = Query(default=None, description="client ou agent"),
    active: Annotated[StrictQueryBool | None, Query(description="true: ativos; false: desativados")] = None,
    page: PageNumber = 1,
    page_size: int = page_size_param(25),
    caller: Caller = Depends(_read),
) -> PageOut[UserOut]:
    filters = users.Filters(search, tenant_id, role, active)
    with db.pooled() as conn:
        found = users.list_page(conn, caller.principal, FabDirectory(), filters, page=page, page_size=page_size)
    return page_out(found, user_out)


@router.post("/users", response_model=UserOut, status_code=201, summary="Criar usuário")
def create_user(body: UserIn, caller: Caller = Depends(require(Action.CREATE, Resource.USUARIOS))) -> UserOut:
    with db.pooled() as conn:
        return user_out(users.create(conn, caller.principal, FabDirectory(), body.to_input()))


@router.get("/users/{user_id:int}", response_model=UserOut, summary="Usuário")
def get_user(user_id: UserId, caller: Caller = Depends(_read)) -> UserOut:
    with db.pooled() as conn:
        return user_out(users.get(conn, caller.principal, FabDirectory(), user_id))


@router.put("/users/{user_id:int}", response_model=UserOut, summary="Alterar, desativar ou redefinir a senha")
def update_user(
    user_id: UserId, body: UserIn, caller: Caller = Depends(require(Action.EDIT, Resource.USUARIOS))
) -> UserOut:
    with db.pooled() as conn:
        return user_out(users.update(conn, caller.principal, FabDirectory(), user_id, body.to_input()))
