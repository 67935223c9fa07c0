"""IQVIA API (sell-out panel): sell-out per product, branch and day, JSON, OAuth2 client credentials.

Contract (ours, until the partner's real specification): a token from {url_token} (client credentials,
HTTP Basic with client_id/client_secret, answer {"access_token", "expires_in"}), then POST
{url_api}/sellout with `Authorization: Bearer <token>`, body application/json
{"registros": [{data, cnpj_filial, ean, quantidade, valor_total, vendas}, ...]}; answer 201
{"protocolo": "..."}. The aggregation per product/branch/day is done by PostgreSQL.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import ConfigKey, Pattern, url_key
from include.connectors.formats import Json
from include.connectors.transports.http_auth import OAuth2ClientCredentials
from include.connectors.transports.https import HttpsUpload
from include.connectors.types import D1, Direction, IntegrationType

SELLOUT_COLUMNS = ("data", "cnpj_filial", "ean", "quantidade", "valor_total", "vendas")


class IqviaApi(Connector):
    spec = IntegrationType(
        code="iqvia_api",
        name="IQVIA API",
        business="Painel de sell-out (API)",
        data="Sell-out por produto, filial e dia",
        file_format="JSON",
        transport="HTTPS (OAuth2 client credentials)",
        direction=Direction.OUT,
        window=D1,
        keys=(
            url_key("https://api.iqvia.com.br/sellout/v1"),
            url_key(
                "https://auth.iqvia.com.br/oauth2/token",
                key="url_token",
                label="URL de autenticação OAuth2",
                label_en="OAuth2 token URL",
            ),
            ConfigKey(
                "client_id",
                "Identificador do cliente",
                label_en="Client ID",
                rules=(Pattern(r"[A-Za-z0-9._-]{4,128}", "validation.api_key"),),
            ),
            ConfigKey("client_secret", "Segredo do cliente", secret=True, label_en="Client secret"),
        ),
        domains=("iqvia.com.br", "iqvia.com"),
        manual_run_allowed=True,
    )
    datasets = (
        DataSet("sellout", "sellout_daily.sql", SELLOUT_COLUMNS, Json(root="registros"),
                "iqvia_sellout_{start}_{end}_t{task}", totals=("quantidade", "valor_total"),
                order_by=("data", "cnpj_filial", "ean")),
    )  # fmt: skip
    transport = HttpsUpload(auth=OAuth2ClientCredentials(), path="/sellout")
