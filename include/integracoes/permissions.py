"""Resources, actions and roles of the product, declared once for the set-up, the API and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Resource(StrEnum):
    """FAB resources owned by the product (not Airflow's)."""

    INTEGRACOES = "Integracoes"
    TAREFAS = "Tarefas"
    ARQUIVOS = "Arquivos"
    LOGS = "Logs da integracao"
    USUARIOS = "Usuarios de clientes"
    CONTRATOS = "Servicos contratados"
    RELATORIOS = "Relatorios"
    PRECOS = "Alteracao de preco"
    REDES = "Redes de farmacias"
    AUDITORIA = "Auditoria"


class Action(StrEnum):
    """FAB actions. HTTP verbs map onto the first four; the rest are product-specific verbs."""

    READ = "can_read"
    CREATE = "can_create"
    EDIT = "can_edit"
    DELETE = "can_delete"
    TRIGGER = "can_trigger"
    REPROCESS = "can_reprocess"


Permission = tuple[Action, Resource]

SUPPORT_AGENT = "Support Agent"
CLIENT = "Client"


@dataclass(frozen=True)
class RoleSpec:
    """A FAB role the product owns: its exact set of our permissions, plus Airflow roles it extends."""

    name: str
    permissions: frozenset[Permission]
    # Airflow's built-in roles whose permissions are copied in (e.g. agents read DAG runs and task logs).
    includes_builtin: tuple[str, ...] = ()


_CLIENT_PERMISSIONS: frozenset[Permission] = frozenset(
    {
        (Action.READ, Resource.INTEGRACOES),
        (Action.TRIGGER, Resource.INTEGRACOES),
        (Action.READ, Resource.TAREFAS),
        (Action.REPROCESS, Resource.TAREFAS),
        (Action.READ, Resource.ARQUIVOS),
        (Action.READ, Resource.LOGS),
        (Action.READ, Resource.CONTRATOS),
        (Action.READ, Resource.PRECOS),
        (Action.EDIT, Resource.PRECOS),
    }
)

_AGENT_PERMISSIONS: frozenset[Permission] = _CLIENT_PERMISSIONS | frozenset(
    {
        (Action.CREATE, Resource.INTEGRACOES),
        (Action.EDIT, Resource.INTEGRACOES),
        (Action.READ, Resource.USUARIOS),
        (Action.CREATE, Resource.USUARIOS),
        (Action.EDIT, Resource.USUARIOS),
        (Action.EDIT, Resource.CONTRATOS),
        (Action.READ, Resource.RELATORIOS),
        (Action.READ, Resource.REDES),
        (Action.CREATE, Resource.REDES),
        (Action.EDIT, Resource.REDES),
        (Action.READ, Resource.AUDITORIA),
    }
)

ROLES: tuple[RoleSpec, ...] = (
    # Agents also read Airflow's own DAG, run and task-log pages: the technical detail of a failure
    # stays in the Airflow task log, and support needs to see it.
    RoleSpec(SUPPORT_AGENT, _AGENT_PERMISSIONS, includes_builtin=("Viewer",)),
    # Clients get nothing of core Airflow: only the navigation entry of the plugin.
    RoleSpec(CLIENT, _CLIENT_PERMISSIONS),
)

# FAB shows a plugin's navigation entry only to users allowed to read "Plugins".
NAVIGATION_PERMISSION = ("can_read", "Plugins")
