"""The administration pages of support agents: Redes, Usuários, Serviços faturáveis and Auditoria.

Each page is a shell with its filters and dialogs; its script reads and writes through the JSON API
(tenants, users, reports), so every rule lives once, in the service layer behind the API. A caller who may
not open a page gets an HTML 403 page (the API's JSON error would be of no use in a browser).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from include.integracoes import catalog, manual_runs, tenants
from include.integracoes.messages import CATALOG as MESSAGES
from include.integracoes.messages import text
from include.integracoes.paging import PAGE_SIZES
from include.integracoes.permissions import Action, Resource
from integracoes.admin_nav import AUDIT, BILLABLE, TENANTS, USERS, AdminPage, may_open
from integracoes.auth import Caller, authenticated
from integracoes.errors import language_of
from integracoes.pages import render

router = APIRouter(include_in_schema=False)

# The kinds of audited objects the Auditoria filter offers: those the catalog names ("audit.entity.<kind>").
_AUDIT_ENTITY = "audit.entity."
AUDIT_DEFAULT_DAYS = 30


def _tenants(caller: Caller) -> list[dict[str, Any]]:
    return [{"id": t.id, "name": t.name} for t in caller.principal.tenants]


def _writes(caller: Caller, resource: Resource) -> dict[str, bool]:
    """What the page offers besides reading (the API refuses the rest anyway)."""
    return {"can_create": caller.may(Action.CREATE, resource), "can_edit": caller.may(Action.EDIT, resource)}


def _page(request: Request, caller: Caller, page: AdminPage, template: str, **context: Any) -> HTMLResponse:
    if not may_open(caller, page):
        return render(request, "forbidden.html", caller, status=403)
    return render(request, template, caller, page_sizes=PAGE_SIZES, current_page=page.path, **context)


@router.get("/redes", response_class=HTMLResponse)
def tenants_page(request: Request, caller: Caller = Depends(authenticated)) -> HTMLResponse:
    """Redes: the pharmacy chains, their branches and contracted services."""
    types = [{"code": t.code, "name": t.name} for t in catalog.list_types(caller.principal)]
    may = _writes(caller, Resource.REDES)
    return _page(
        request,
        caller,
        TENANTS,
        "tenants.html",
        states=tenants.STATES,
        types=types,
        **may,
        page_data={"types": types, **may},
    )


@router.get("/usuarios", response_class=HTMLResponse)
def users_page(request: Request, caller: Caller = Depends(authenticated)) -> HTMLResponse:
    """Usuários: clients and support agents, their tenants, activation and password resets."""
    tenants = _tenants(caller)
    may = _writes(caller, Resource.USUARIOS)
    return _page(
        request, caller, USERS, "users.html", tenants=tenants, **may,
        page_data={"tenants": tenants, "me": caller.principal.username, **may},
    )  # fmt: skip


@router.get("/faturaveis", response_class=HTMLResponse)
def billable_page(request: Request, caller: Caller = Depends(authenticated)) -> HTMLResponse:
    """Serviços faturáveis: the retroactive runs agents requested for a tenant in a month, with CSV."""
    month = manual_runs.today_in_sao_paulo().strftime("%Y-%m")
    return _page(request, caller, BILLABLE, "billable.html", tenants=_tenants(caller), month=month)


@router.get("/auditoria", response_class=HTMLResponse)
def audit_page(request: Request, caller: Caller = Depends(authenticated)) -> HTMLResponse:
    """Auditoria: who changed what and when, read-only, filtered and exported as CSV."""
    language = language_of(request)
    today = manual_runs.today_in_sao_paulo()
    entities = sorted(
        ({"value": key.removeprefix(_AUDIT_ENTITY), "label": text(key, language)}
         for key in MESSAGES if key.startswith(_AUDIT_ENTITY)),
        key=lambda entity: entity["label"],
    )  # fmt: skip
    return _page(
        request, caller, AUDIT, "audit.html", tenants=_tenants(caller), entities=entities,
        start=(today - timedelta(days=AUDIT_DEFAULT_DAYS)).isoformat(), end=today.isoformat(),
    )  # fmt: skip
