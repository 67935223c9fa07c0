"""WebCompras (purchasing platform): the day's purchases (sell-in) and the stock per branch, two JSON files,
HTTPS with a token.

Contract (ours, until the partner's real specification): POST {url_api}/compras with
{"compras": [{cnpj_filial, cnpj_fornecedor, fornecedor, nota_fiscal, data, item, ean, quantidade,
custo_unitario, custo_total}, ...]} and POST {url_api}/estoque with {"estoque": [{cnpj_filial, ean,
quantidade}, ...]} (stock as it is when the file is made), `Authorization: Bearer <token>`,
`Idempotency-Key`, `X-Arquivo`; answers 201 {"protocolo": "..."}.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import https_keys
from include.connectors.formats import Json
from include.connectors.transports.http_auth import BearerToken
from include.connectors.transports.https import HttpsUpload
from include.connectors.types import D1, Direction, IntegrationType

PURCHASE_COLUMNS = (
    "cnpj_filial", "cnpj_fornecedor", "fornecedor", "nota_fiscal", "data", "item", "ean", "quantidade",
    "custo_unitario", "custo_total",
)  # fmt: skip


class WebCompras(Connector):
    spec = IntegrationType(
        code="webcompras",
        name="WebCompras",
        business="Plataforma de compras",
        data="Compras (sell-in) e estoque por filial",
        file_format="JSON",
        transport="HTTPS (token)",
        direction=Direction.OUT,
        window=D1,
        keys=https_keys("https://api.webcompras.com.br/v2"),
        domains=("webcompras.com.br",),
    )
    datasets = (
        DataSet("compras", "purchases.sql", PURCHASE_COLUMNS, Json(root="compras"),
                "webcompras_compras_{start}_{end}_t{task}", totals=("quantidade", "custo_total"),
                order_by=("cnpj_filial", "cnpj_fornecedor", "nota_fiscal", "item")),
        DataSet("estoque", "branch_stock.sql", ("cnpj_filial", "ean", "quantidade"), Json(root="estoque"),
                "webcompras_estoque_{start}_t{task}", totals=("quantidade",), order_by=("cnpj_filial", "ean"),
                snapshot=True),
    )  # fmt: skip
    transport = HttpsUpload(auth=BearerToken("token"), path="/{dataset}")
