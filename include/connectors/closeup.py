"""Close-Up (sell-out panel): sell-out per product, branch and day, JSON, OAuth2 client credentials.

Contract (ours, until the partner's real specification): a token from POST {url_api}/oauth2/token (client
credentials, HTTP Basic with client_id/client_secret, answer {"access_token", "expires_in"}), then POST
{url_api}/painel/vendas with `Authorization: Bearer <token>`, `X-Layout: 1`, body application/json
{"vendas": [{data, cnpj_filial, ean, quantidade, valor_total, vendas}, ...]}; answer 201 {"protocolo": "..."}.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import oauth2_keys
from include.connectors.formats import Json
from include.connectors.iqvia_api import SELLOUT_COLUMNS
from include.connectors.transports.http_auth import OAuth2ClientCredentials
from include.connectors.transports.https import HttpsUpload
from include.connectors.types import D1, Direction, IntegrationType


class CloseUp(Connector):
    spec = IntegrationType(
        code="closeup",
        name="Close-Up",
        business="Painel de sell-out (API)",
        data="Sell-out por produto, filial e dia",
        file_format="JSON",
        transport="HTTPS (OAuth2 client credentials)",
        direction=Direction.OUT,
        window=D1,
        keys=oauth2_keys("https://api.closeup.com.br/v1"),
        domains=("closeup.com.br",),
        manual_run_allowed=True,
    )
    datasets = (
        DataSet("vendas", "sellout_daily.sql", SELLOUT_COLUMNS, Json(root="vendas"),
                "closeup_vendas_{start}_{end}_t{task}", totals=("quantidade", "valor_total"),
                order_by=("data", "cnpj_filial", "ean")),
    )  # fmt: skip
    transport = HttpsUpload(
        auth=OAuth2ClientCredentials(endpoint_path="/oauth2/token"),
        path="/painel/vendas",
        fixed_headers=(("X-Layout", "1"),),
    )
