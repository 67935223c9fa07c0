"""Server-rendered pages (Jinja2 with autoescape), usable inside the Airflow UI iframe and on their own.

Each page embeds its initial data as JSON and a small script that talks to the JSON API, so the pages and
the API share one implementation of every rule (the service layer behind the API).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from include.integracoes import catalog, db, health, integrations, manual_runs, pricing, reconciliation
from include.integracoes.branches import list_branches
from include.integracoes.errors import NotFound
from include.integracoes.messages import CATALOG as MESSAGES
from include.integracoes.messages import text
from include.integracoes.paging import PAGE_SIZES
from include.integracoes.permissions import Action, Resource
from integracoes.admin_nav import admin_links
from integracoes.api.catalog import types_out
from integracoes.api.integrations import detail_out, list_rows
from integracoes.auth import Caller, require
from integracoes.errors import language_of
from integracoes.urls import airflow_root

router = APIRouter(include_in_schema=False)

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(("html",)),
    auto_reload=False,
)
# Messages the page scripts need (they build rows and errors in the browser).
_SCRIPT_MESSAGE_PREFIXES = ("ui.", "integration.", "task.status.", "health.")
# Success notices a page can be asked to show after a redirect (?aviso=...), by whitelist.
_NOTICES = {"cadastrada": "integration.created"}


def render(request: Request, template: str, caller: Caller, *, status: int = 200, **context: Any) -> HTMLResponse:
    language = language_of(request)
    root = request.scope.get("root_path", "").rstrip("/")

    def t(key: str, **params: object) -> str:
        return text(key, language, **params)

    page_data = {
        "lang": language,
        "api": f"{root}/api/v1",
        "list_href": f"{root}/",
        "messages": {key: text(key, language) for key in MESSAGES if key.startswith(_SCRIPT_MESSAGE_PREFIXES)},
        **context.pop("page_data", {}),
    }
    html = _templates.get_template(template).render(
        lang=language, t=t, principal=caller.principal, page_data=page_data, list_href=f"{root}/",
        logout_href=f"{airflow_root(root)}/api/v2/auth/logout",
        feature_links=_feature_links(caller, root), admin_links=admin_links(caller, root),
        csp_nonce=getattr(request.state, "csp_nonce", ""), **context,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status, headers={"Content-Language": language, "Cache-Control": "no-store"})


# Pages only some partners have, in the navigation only for callers with an active integration of them:
# (path under the integration, title key, partner types, permission needed).
_FEATURES = (
    ("precos", "ui.prices_title", pricing.PRICING_TYPES, Resource.PRECOS),
    ("conciliacao", "ui.reconciliation_title", reconciliation.RECONCILING_TYPES, Resource.INTEGRACOES),
)


def _feature_links(caller: Caller, root: str) -> list[dict[str, Any]]:
    """One header entry per page of its own, however many integrations have it: a button for one, a menu of
    them for several, each named by its description and, for agents (who see every chain), its chain."""
    groups = []
    with db.pooled() as conn:
        for path, title, types, resource in _FEATURES:
            if not caller.may(Action.READ, resource):
                continue
            found = integrations.active_of_types(conn, caller.principal, types)
            links = [{"href": f"{root}/integracoes/{integration_id}/{path}",
                      "label": f"{chain} · {description}" if caller.principal.is_support_agent else description}
                     for integration_id, description, chain in found]  # fmt: skip
            if links:
                groups.append({"title": title, "links": links})
    return groups


def _feature_href(integration: integrations.Integration) -> tuple[str, str] | None:
    """The page of its own an integration's type has (relative to the integration page), and its title."""
    return next(
        ((f"{integration.id}/{path}", title) for path, title, types, _ in _FEATURES if integration.type_code in types),
        None,
    )


@router.get("/", response_class=HTMLResponse)
def index(
    request: Request,
    aviso: str | None = Query(default=None),
    caller: Caller = Depends(require(Action.READ, Resource.INTEGRACOES)),
) -> HTMLResponse:
    with db.pooled() as conn:
        initial = list_rows(conn, integrations.list_page(conn, caller.principal), language_of(request))
    can_register = caller.may(Action.CREATE, Resource.INTEGRACOES) and caller.principal.is_support_agent
    return render(
        request,
        "index.html",
        caller,
        can_register=can_register,
        page_sizes=PAGE_SIZES,
        health_states=list(health.Health),
        page_data={
            "initial": initial.model_dump(mode="json"),
            "can_register": can_register,
            "flash": _NOTICES.get(aviso or ""),
        },
    )


@router.get("/integracoes/nova", response_class=HTMLResponse)
def new_integration(
    request: Request, caller: Caller = Depends(require(Action.CREATE, Resource.INTEGRACOES))
) -> HTMLResponse:
    return _form(request, caller, None)


@router.get("/integracoes/{integration_id}", response_class=HTMLResponse)
def integration_page(
    request: Request, integration_id: int, caller: Caller = Depends(require(Action.READ, Resource.INTEGRACOES))
) -> HTMLResponse:
    return _form(request, caller, integration_id)


def _form(request: Request, caller: Caller, integration_id: int | None) -> HTMLResponse:
    language = language_of(request)
    with db.pooled() as conn:
        try:
            current = integrations.get(conn, caller.principal, integration_id) if integration_id is not None else None
        except NotFound:
            return render(request, "not_found.html", caller, status=404)
        branches = list_branches(conn, caller.principal, current.tenant_id) if current else []
    can_edit = caller.principal.is_support_agent and caller.may(
        Action.EDIT if current else Action.CREATE, Resource.INTEGRACOES
    )
    heading = text("ui.form_edit", language, code=current.id) if current else text("ui.form_new", language)
    available = bool(current and catalog.is_available(current.type_code))
    can_run = bool(current and manual_runs.offered_for(current) and caller.may(Action.TRIGGER, Resource.INTEGRACOES))
    can_reprocess = caller.may(Action.REPROCESS, Resource.TAREFAS)
    tenants = [{"id": t.id, "name": t.name} for t in caller.principal.tenants]
    types = [t.model_dump() for t in types_out(caller.principal, language)]
    detail = detail_out(current).model_dump(mode="json") if current else None
    return render(
        request,
        "form.html",
        caller,
        heading=heading,
        tenants=tenants,
        types=catalog.list_types(caller.principal, language),
        integration=current,
        can_edit=can_edit,
        can_run=can_run,
        integration_available=available,
        today=manual_runs.today_in_sao_paulo().isoformat(),
        feature=_feature_href(current) if current else None,
        page_data={
            "can_reprocess": can_reprocess,
            "integration": detail,
            "flash": _NOTICES.get(request.query_params.get("aviso") or ""),
            "branches": [vars(b) for b in branches],
            "types": types,
            "tenants": tenants,
            "can_edit": can_edit,
        },
    )


@router.get("/integracoes/{integration_id}/precos", response_class=HTMLResponse)
def prices_page(
    request: Request, integration_id: int, caller: Caller = Depends(require(Action.READ, Resource.PRECOS))
) -> HTMLResponse:
    """Alteração de Preço/Oferta: the suggestions of a Proffer integration, reviewed and applied per zone."""
    with db.pooled() as conn:
        try:
            integration = pricing.pricing_integration(conn, caller.principal, integration_id)
            zones = pricing.zones(conn, caller.principal, integration_id)
        except NotFound:
            return render(request, "not_found.html", caller, status=404)
    today = manual_runs.today_in_sao_paulo()
    return render(
        request,
        "prices.html",
        caller,
        integration=integration,
        zones=zones,
        start=(today - timedelta(days=6)).isoformat(),
        end=today.isoformat(),
        page_sizes=PAGE_SIZES,
        can_apply=caller.may(Action.EDIT, Resource.PRECOS),
        integration_href=f"../{integration_id}",
        page_data={"integration_id": integration_id},
    )


@router.get("/integracoes/{integration_id}/conciliacao", response_class=HTMLResponse)
def reconciliation_page(
    request: Request, integration_id: int, caller: Caller = Depends(require(Action.READ, Resource.INTEGRACOES))
) -> HTMLResponse:
    """Conciliação de vendas: the card payments sent to BoaVista and its answers, with totals and CSV."""
    language = language_of(request)
    with db.pooled() as conn:
        try:
            integration = reconciliation.reconciling_integration(conn, caller.principal, integration_id)
        except NotFound:
            return render(request, "not_found.html", caller, status=404)
        branches = [
            b for b in list_branches(conn, caller.principal, integration.tenant_id) if b.id in integration.branches
        ]
    today = manual_runs.today_in_sao_paulo()
    statuses = list(reconciliation.Status)
    return render(
        request,
        "reconciliation.html",
        caller,
        integration=integration,
        branches=branches,
        statuses=statuses,
        start=(today - timedelta(days=9)).isoformat(),
        end=(today - timedelta(days=2)).isoformat(),
        page_sizes=PAGE_SIZES,
        integration_href=f"../{integration_id}",
        page_data={
            "integration_id": integration_id,
            "statuses": [{"value": s.value, "label": s.label(language)} for s in statuses],
        },
    )


@router.get("/painel", response_class=HTMLResponse)
def overview_page(
    request: Request, caller: Caller = Depends(require(Action.READ, Resource.INTEGRACOES))
) -> HTMLResponse:
    """The Painel: the health of every integration the caller sees, what needs attention, alerts."""
    return render(request, "overview.html", caller)
