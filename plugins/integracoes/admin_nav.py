"""The administration pages of support agents (Redes, Usuários, Serviços faturáveis, Auditoria): where they
live, what each needs, and the navigation links a caller gets for them.

Kept apart from the page routes (admin_pages.py) so that `pages.render` can build the navigation of every
page without importing the routes that use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from include.integracoes.permissions import Action, Resource
from integracoes.auth import Caller


@dataclass(frozen=True)
class AdminPage:
    path: str  # under the app's root, without the leading slash
    title: str  # message key
    permission: tuple[Action, Resource]


TENANTS = AdminPage("redes", "ui.tenants_title", (Action.READ, Resource.REDES))
USERS = AdminPage("usuarios", "ui.users_title", (Action.READ, Resource.USUARIOS))
BILLABLE = AdminPage("faturaveis", "ui.billable_title", (Action.READ, Resource.RELATORIOS))
AUDIT = AdminPage("auditoria", "ui.audit_title", (Action.READ, Resource.AUDITORIA))
ADMIN_PAGES = (TENANTS, USERS, BILLABLE, AUDIT)


def may_open(caller: Caller, page: AdminPage) -> bool:
    """Support agents only (the API behind these pages serves nobody else), holding the page's permission."""
    return caller.principal.is_support_agent and caller.may(*page.permission)


def admin_links(caller: Caller, root: str) -> list[dict[str, str]]:
    """The navigation entries of the administration pages the caller may open (none for clients)."""
    if not caller.principal.is_support_agent:
        return []
    return [
        {"href": f"{root}/{page.path}", "title": page.title, "id": f"nav-{page.path}"}
        for page in ADMIN_PAGES
        if may_open(caller, page)
    ]
