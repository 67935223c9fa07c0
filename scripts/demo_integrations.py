"""Demo registrations: every service contracted for the demo tenants and a few integrations each.

Written through the service layer (same rules as the API) as the demo support agent.
"""

from __future__ import annotations

import logging
import os

import psycopg

from include.integracoes import catalog, integrations
from include.integracoes.integrations import ConfigInput, IntegrationInput
from include.integracoes.principal import load_principal
from scripts.demo_accounts import DEMO_USERS

log = logging.getLogger(__name__)

# (tenant CNPJ, description, type, active, interval, config) — demo-only credentials.
_DEMO = (
    ("11222333000181", "Smarket - sell-out diário", "smarket", True, 60,
     {"token": "demo-smarket-token", "codigo_cliente": "FV-001"}),
    ("11222333000181", "Trivio - fidelidade", "trivio", False, 120,
     {"sftp_host": "sftp.trivio.example", "sftp_usuario": "farmaciavida", "sftp_senha": "demo-sftp-senha"}),
    ("44555666000181", "BoaVista - conciliação de cartões", "boavista", True, 240,
     {"access_key": "demo-access", "secret_key": "demo-secret",
      "email_notificacao": "financeiro@drogariasaude.example"}),
    ("44555666000181", "Propz - CRM", "propz", True, 1440,
     {"s3_bucket": "propz-drogaria-saude", "aws_access_key_id": "AKIADEMO0000000000", "aws_secret_access_key": "demo"}),
)  # fmt: skip


def _demo_config(type_code: str, config: dict[str, str]) -> dict[str, str]:
    """Point the demo's Smarket integration at the local partner sandbox when one runs."""
    sandbox = os.environ.get("INTEGRACOES_SANDBOX_URL")
    if sandbox and type_code == "smarket":
        return {**config, "url_api": f"{sandbox}/smarket/v1"}
    return config


def seed(conn: psycopg.Connection) -> int:
    """Contract every type for the demo tenants; register the demo integrations of tenants that have none."""
    agent = next(u for u in DEMO_USERS if u.username == "suporte")
    principal = load_principal(conn, username=agent.username, roles=agent.roles, is_support_agent=True)
    tenants = {row[1]: row[0] for row in conn.execute("SELECT id, cnpj FROM integracao.tenant")}
    created = 0
    for tax_id in {entry[0] for entry in _DEMO}:
        if tax_id in tenants:
            catalog.contract_all_types(conn, tenants[tax_id])
    conn.commit()
    for tax_id, description, type_code, active, interval, config in _DEMO:
        tenant_id = tenants.get(tax_id)
        if (
            tenant_id is None
            or conn.execute(
                "SELECT 1 FROM integracao.integracao WHERE tenant_id = %s AND tipo_codigo = %s", (tenant_id, type_code)
            ).fetchone()
        ):
            continue
        branches = [r[0] for r in conn.execute("SELECT id FROM erp.filial WHERE tenant_id = %s", (tenant_id,))]
        integrations.create(
            conn,
            principal,
            IntegrationInput(
                tenant_id, description, type_code, active, interval, branches,
                [ConfigInput(k, v) for k, v in _demo_config(type_code, config).items()],
            ),
        )  # fmt: skip
        created += 1
    log.info("Demo integrations: %d created", created)
    return created
