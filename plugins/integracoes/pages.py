"""Server-rendered pages (Jinja2 with autoescape), usable inside the Airflow UI iframe and on their own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from include.integracoes.messages import text
from include.integracoes.permissions import Action, Resource
from integracoes.auth import Caller, require
from integracoes.errors import language_of

router = APIRouter(include_in_schema=False)

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(("html",)),
    auto_reload=False,
)


def render(request: Request, template: str, caller: Caller, **context: Any) -> HTMLResponse:
    language = language_of(request)

    def t(key: str, **params: object) -> str:
        return text(key, language, **params)

    html = _templates.get_template(template).render(lang=language, t=t, principal=caller.principal, **context)
    return HTMLResponse(html, headers={"Content-Language": language, "Cache-Control": "no-store"})


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, caller: Caller = Depends(require(Action.READ, Resource.INTEGRACOES))) -> HTMLResponse:
    return render(request, "index.html", caller)
