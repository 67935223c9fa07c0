"""Smarket (trade marketing): daily sell-out items with promotion codes, CSV `;`, HTTPS upload with a token.

Contract (ours, until the partner's real specification): POST {url_api}/sellout with
`Authorization: Bearer <token>`, `X-Cliente: <codigo_cliente>`, `Idempotency-Key`, `X-Arquivo: <name>`;
body text/csv (UTF-8, header line, decimal comma, LF); answer 201 JSON {"protocolo": "..."} (200 with
"duplicado": true for an Idempotency-Key already received). GET {url_api}/ping checks the token.
"""

from __future__ import annotations

from collections.abc import Mapping

from include.connectors.base import Connector, DataSet, Delivery
from include.connectors.catalog import CATALOG
from include.connectors.formats import Csv
from include.connectors.transports.http_auth import BearerToken
from include.connectors.transports.https import HttpsUpload

SELLOUT_COLUMNS = (
    "filial", "cnpj_filial", "data", "cupom", "item", "ean", "descricao", "quantidade", "preco_unitario",
    "desconto", "valor_total", "codigo_promocao",
)  # fmt: skip


class Smarket(Connector):
    spec = CATALOG["smarket"]
    datasets = (
        DataSet(
            "sellout", "sellout_items.sql", SELLOUT_COLUMNS, Csv(delimiter=";"),
            "smarket_sellout_{start}_{end}_t{task}", totals=("quantidade", "valor_total"),
            order_by=("filial", "data", "cupom", "item"),
        ),
    )  # fmt: skip
    transport = HttpsUpload(auth=BearerToken("token"), path="/sellout", extra_keys=frozenset({"codigo_cliente"}))

    def headers(self, delivery: Delivery, config: Mapping[str, str]) -> dict[str, str]:
        return {"X-Cliente": config["codigo_cliente"]}
