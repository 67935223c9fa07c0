"""Demo registrations: every service contracted for the demo tenants and one integration of each partner
that can run, all delivering to the local partner sandbox.

Written through the service layer (same rules as the API) as the demo support agent. Catalog defaults
point at the partners' real hosts, so without a sandbox nothing is seeded: a demo never sends data out.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import psycopg

from include import settings
from include.connectors.catalog import CATALOG
from include.connectors.registry import is_available
from include.connectors.types import DailyWindow, IncrementalWindow
from include.integracoes import catalog, integrations
from include.integracoes.integrations import ConfigInput, IntegrationInput
from include.integracoes.principal import load_principal
from scripts.demo_accounts import DEMO_USERS

if TYPE_CHECKING:
    from sandbox.twins import Twin

log = logging.getLogger(__name__)

VIDA, SAUDE = "11222333000181", "44555666000181"


Registration = tuple[str, str, str, int, dict[str, str]]  # tenant CNPJ, description, type, interval, config


def demo_registrations() -> tuple[Registration, ...]:
    """Demo-only credentials, sandbox addresses: the ones written here, and one of Farmácia Vida for every
    partner whose sandbox twin is its declaration (sandbox/twins.py) and that has none here."""
    curated = _curated()
    listed = {code for tax_id, _, code, _, _ in curated if tax_id == VIDA}
    from sandbox import twins  # the demo's partners; the product's image ships no sandbox

    derived = tuple(_derived(twin) for twin in twins.TWINS if twin.code not in listed)
    return curated + derived


def _derived(twin: Twin) -> Registration:
    current = settings.current()
    assert current.sandbox_url is not None  # checked by _curated
    spec = CATALOG[twin.code]
    interval = current.demo_incremental_minutes if isinstance(spec.window, IncrementalWindow) else 1440
    return VIDA, f"{spec.name} - {spec.business}", spec.code, interval, twin.registration(current.sandbox_url)


def _curated() -> tuple[Registration, ...]:
    current = settings.current()
    if current.sandbox_url is None:
        raise LookupError("INTEGRACOES_SANDBOX_URL is not set: the demo's registrations point at the partner sandbox")
    https = current.sandbox_url
    # Incremental partners wake every few minutes, so a new demo shows each of them delivering what the living
    # ERP writes (include/integracoes/erp_simulator.py) within minutes; the test stack sets a longer interval.
    incremental = current.demo_incremental_minutes
    sftp = {"sftp_host": "127.0.0.1", "sftp_porta": str(current.sandbox_sftp_port),
            "sftp_usuario": "farmaciavida", "sftp_senha": "demo-sftp-senha",
            "sftp_chave_host": current.sandbox_sftp_host_key}  # fmt: skip
    s3 = {"s3_endpoint": current.sandbox_s3_url or https, "aws_access_key_id": "AKIADEMO0000000000",
          "aws_secret_access_key": "demo-s3-secret", "s3_prefixo": "vendas/"}  # fmt: skip
    return (
        (VIDA, "Smarket - sell-out diário", "smarket", 60,
         {"url_api": f"{https}/smarket/v1", "token": "demo-smarket-token", "codigo_cliente": "FV-001"}),
        (VIDA, "Trivio - fidelidade", "trivio", 120, {**sftp, "sftp_diretorio": "/vendas"}),
        (VIDA, "Audit - painel de auditoria", "audit", 240,
         {**sftp, "sftp_diretorio": "/audit", "codigo_painel": "123456"}),
        (VIDA, "Propz - CRM", "propz", 1440, {**s3, "s3_bucket": "propz-farmacia-vida"}),
        (VIDA, "Dito - eventos de compra", "dito", incremental,
         {"url_api": f"{https}/dito", "api_key": "demo-dito-key", "api_secret": "demo-dito-secret"}),
        (VIDA, "SNGPC - controlados", "sngpc", 1440,
         {"url_api": f"{https}/sngpc", "usuario": "farmaciavida", "senha": "demo-sngpc-senha",
          "crf_responsavel": "SP-12345"}),
        (VIDA, "Linked Farma - sell-out da rede", "linked_farma", 1440,
         {**sftp, "sftp_diretorio": "/sellout", "codigo_rede": "VIDA01"}),
        (VIDA, "IQVIA - painel de sell-out", "iqvia", 1440,
         {**sftp, "sftp_diretorio": "/iqvia", "codigo_painel": "654321"}),
        (VIDA, "ScannTech - itens vendidos", "scanntech", 1440,
         {"url_api": f"{https}/scanntech/v2", "api_key": "demo-scanntech-key", "codigo_empresa": "1001"}),
        (VIDA, "Ligo - pós-venda", "ligo", incremental, {"url_api": f"{https}/ligo/v1", "api_key": "demo-ligo-key"}),
        (VIDA, "NaapYes - benefícios", "naapyes", incremental,
         {"url_api": f"{https}/naapyes/v1", "api_key": "demo-naapyes-key"}),
        (VIDA, "Pricefy - preços por zona", "pricefy", 1440,
         {"url_api": f"{https}/pricefy/v1", "token": "demo-pricefy-token"}),
        (VIDA, "WebCompras - compras e estoque", "webcompras", 1440,
         {"url_api": f"{https}/webcompras/v2", "token": "demo-webcompras-token"}),
        (VIDA, "Control Shop - catálogo", "control_shop", incremental,
         {"url_api": f"{https}/controlshop", "api_key": "demo-controlshop-key", "loja_id": "101"}),
        (VIDA, "Benefícios Unifabra - PBM", "beneficios_unifabra", 1440,
         {**sftp, "sftp_diretorio": "/pbm/entrada", "codigo_farmacia": "4455"}),
        (VIDA, "Linx WMS - reposição e estoque", "linx_wms", incremental,
         {"url_api": f"{https}/linx/wms", "usuario": "farmaciavida", "senha": "demo-linx-senha",
          "codigo_deposito": "12"}),
        (VIDA, "Exact WMS - reposição e estoque", "exact_wms", incremental, {**sftp, "sftp_diretorio": "/exact"}),
        (VIDA, "FISoft WMS - reposição e estoque", "fisoft_wms", incremental, {**sftp, "sftp_diretorio": "/fisoft"}),
        (VIDA, "Delage WMS - reposição e estoque", "delage_wms", incremental,
         {"url_api": f"{https}/delage/wms", "token": "demo-delage-token"}),
        (VIDA, "Cosmos - catálogo de produtos", "cosmos", 1440,
         {"url_api": f"{https}/cosmos", "token": "demo-cosmos-token"}),
        (VIDA, "Proffer - preços sugeridos", "proffer", 1440,
         {"url_api": f"{https}/proffer/v1", "token": "demo-proffer-token", "dias_historico": "90",
          "margem_minima_percentual": "10", "arredondamento": "0,99"}),
        (VIDA, "BoaVista - conciliação de cartões", "boavista", 1440,
         {"url_api": f"{https}/boavista/conciliacao", "access_key": "demo-boavista",
          "secret_key": "demo-boavista-segredo", "email_notificacao": "financeiro@farmaciavida.com.br"}),
        (SAUDE, "Smarket - sell-out diário", "smarket", 60,
         {"url_api": f"{https}/smarket/v1", "token": "demo-smarket-token", "codigo_cliente": "DS-001"}),
        (SAUDE, "Propz - CRM", "propz", 1440, {**s3, "s3_bucket": "propz-drogaria-saude"}),
    )  # fmt: skip


def seed(conn: psycopg.Connection) -> int:
    """Contract every type for the demo tenants; register each runnable demo integration not there yet."""
    if not settings.current().sandbox_url:
        log.warning("No partner sandbox configured: demo integrations not seeded (they would reach real partners)")
        return 0
    agent = next(u for u in DEMO_USERS if u.username == "suporte")
    principal = load_principal(conn, username=agent.username, roles=agent.roles, is_support_agent=True)
    tenants = {row[1]: row[0] for row in conn.execute("SELECT id, cnpj FROM integracao.tenant")}
    created = 0
    demo = demo_registrations()
    for tax_id in {entry[0] for entry in demo}:
        if tax_id in tenants:
            catalog.contract_all_types(conn, tenants[tax_id])
    conn.commit()
    # A soak wakes the daily partners often too, to see late rows of delivered days corrected within minutes.
    daily_minutes = settings.current().demo_daily_minutes
    for tax_id, description, type_code, interval, config in demo:
        tenant_id = tenants.get(tax_id)
        if daily_minutes and isinstance(CATALOG[type_code].window, DailyWindow):
            interval = daily_minutes
        if (
            tenant_id is None
            or not is_available(type_code)
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
                tenant_id, description, type_code, True, interval, branches,
                [ConfigInput(k, v) for k, v in config.items()],
            ),
        )  # fmt: skip
        created += 1
    log.info("Demo integrations: %d created", created)
    return created
