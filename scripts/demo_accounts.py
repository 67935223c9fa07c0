"""Demo accounts. Demo-only passwords: a real deployment creates its users through the product."""

from __future__ import annotations

from dataclasses import dataclass

from include.integracoes.permissions import CLIENT, SUPPORT_AGENT


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    # CNPJs of the demo tenants the user belongs to (membership lives in the application database).
    tenant_cnpjs: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        return f"{self.username}@demo.integracoes.invalid"


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "admin", "Operador", "Airflow", ("Admin",)),
    DemoUser("suporte", "suporte", "Agente", "de Suporte", (SUPPORT_AGENT,)),
    DemoUser("cliente1", "cliente1", "Ana", "Farmácia Vida", (CLIENT,), ("11222333000181",)),
    DemoUser("cliente2", "cliente2", "Bruno", "Drogaria Saúde", (CLIENT,), ("44555666000181",)),
)
