"""Server-rendered pages (Jinja2 with autoescape), usable inside the Airflow UI iframe and on their own.

Each page embeds its initial data as JSON and a small script that talks to the JSON API, so the pages and
the API share one implementation of every rule (the service layer behind the API).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from include.connectors.registry import is_available
from include.integracoes import catalog, db, integrations, manual_runs
from include.integracoes.branches import list_branches
from include.integracoes.errors import NotFound
from include.integracoes.messages import CATALOG as MESSAGES
from include.integracoes.messages import text
from include.integracoes.paging import PAGE_SIZES
from include.integracoes.permissions import Action, Resource
from integracoes.api.catalog import types_out
from integracoes.api.integrations import detail_out, summary_out
from integracoes.auth import Caller, require
from integracoes.errors import language_of

router = APIRouter(include_in_schema=False)

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(("html",)),
    auto_reload=False,
)
# Messages the page scripts need (they build rows and errors in the browser).
_SCRIPT_MESSAGE_PREFIXES = ("ui.", "integration.")
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
        lang=language, t=t, principal=caller.principal, page_data=page_data, list_href=f"{root}/", **context
    )
    return HTMLResponse(html, status_code=status, headers={"Content-Language": language, "Cache-Control": "no-store"})


@router.get("/", response_class=HTMLResponse)
def index(
    request: Request,
    aviso: str | None = Query(default=None),
    caller: Caller = Depends(require(Action.READ, Resource.INTEGRACOES)),
) -> HTMLResponse:
    with db.pooled() as conn:
        first = integrations.list_page(conn, caller.principal)
    can_register = caller.may(Action.CREATE, Resource.INTEGRACOES) and caller.principal.is_support_agent
    initial = {
        "items": [summary_out(item) for item in first.items],
        "total": first.total,
        "page": first.page,
        "page_size": first.page_size,
        "pages": first.pages,
    }
    return render(
        request,
        "index.html",
        caller,
        can_register=can_register,
        page_sizes=PAGE_SIZES,
        page_data={"initial": initial, "can_register": can_register, "flash": _NOTICES.get(aviso or "")},
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
            current = integrations.get(conn, caller.principal, integration_id) if integration_id else None
        except NotFound:
            return render(request, "not_found.html", caller, status=404)
        branches = list_branches(conn, caller.principal, current.tenant_id) if current else []
    can_edit = caller.principal.is_support_agent and caller.may(
        Action.EDIT if current else Action.CREATE, Resource.INTEGRACOES
    )
    heading = text("ui.form_edit", language, code=current.id) if current else text("ui.form_new", language)
    available = bool(current and is_available(current.type_code))
    can_run = bool(current and manual_runs.offered_for(current) and caller.may(Action.TRIGGER, Resource.INTEGRACOES))
    can_reprocess = caller.may(Action.REPROCESS, Resource.TAREFAS)
    tenants = [{"id": t.id, "name": t.name} for t in caller.principal.tenants]
    types = [t.model_dump() for t in types_out(caller.principal)]
    return render(
        request,
        "form.html",
        caller,
        heading=heading,
        tenants=tenants,
        types=catalog.list_types(caller.principal),
        integration=current,
        can_edit=can_edit,
        can_run=can_run,
        integration_available=available,
        today=manual_runs.today_in_sao_paulo().isoformat(),
        page_data={
            "can_reprocess": can_reprocess,
            "integration": detail_out(current).model_dump() if current else None,
            "branches": [vars(b) for b in branches],
            "types": types,
            "tenants": tenants,
            "can_edit": can_edit,
        },
    )
