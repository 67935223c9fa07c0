"""IQVIA API (sell-out panel): sell-out per product, branch and day, JSON, OAuth2 client credentials.

Contract (ours, until the partner's real specification): a token from {url_token} (client credentials,
HTTP Basic with client_id/client_secret, answer {"access_token", "expires_in"}), then POST
{url_api}/sellout with `Authorization: Bearer <token>`, body application/json
{"registros": [{data, cnpj_filial, ean, quantidade, valor_total, vendas}, ...]}; answer 201
{"protocolo": "..."}. The aggregation per product/branch/day is done by PostgreSQL.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.catalog import CATALOG
from include.connectors.formats import Json
from include.connectors.transports.http_auth import OAuth2ClientCredentials
from include.connectors.transports.https import HttpsUpload

SELLOUT_COLUMNS = ("data", "cnpj_filial", "ean", "quantidade", "valor_total", "vendas")


class IqviaApi(Connector):
    spec = CATALOG["iqvia_api"]
    datasets = (
        DataSet("sellout", "sellout_daily.sql", SELLOUT_COLUMNS, Json(root="registros"),
                "iqvia_sellout_{start}_{end}_t{task}", totals=("quantidade", "valor_total"),
                order_by=("data", "cnpj_filial", "ean")),
    )  # fmt: skip
    transport = HttpsUpload(auth=OAuth2ClientCredentials(), path="/sellout")
