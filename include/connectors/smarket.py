"""Smarket (trade marketing): daily sell-out items with promotion codes, CSV `;`, HTTPS upload with a token.

Contract (ours, until the partner's real specification): POST {url_api}/sellout with
`Authorization: Bearer <token>`, `X-Cliente: <codigo_cliente>`, `Idempotency-Key`, `X-Arquivo: <name>`;
body text/csv (UTF-8, header line, decimal comma, LF); answer 201 JSON {"protocolo": "..."} (200 with
"duplicado": true for an Idempotency-Key already received). GET {url_api}/ping checks the token.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import ConfigKey, Pattern, https_keys
from include.connectors.formats import Csv
from include.connectors.transports.http_auth import BearerToken
from include.connectors.transports.https import HttpsUpload
from include.connectors.types import D1, Direction, IntegrationType

SELLOUT_COLUMNS = (
    "filial", "cnpj_filial", "data", "cupom", "item", "ean", "descricao", "quantidade", "preco_unitario",
    "desconto", "valor_total", "codigo_promocao",
)  # fmt: skip


class Smarket(Connector):
    spec = IntegrationType(
        code="smarket",
        name="Smarket",
        business="Trade marketing e promoções",
        data="Itens vendidos com códigos de promoção",
        file_format="CSV ;",
        transport="HTTPS (token)",
        direction=Direction.OUT,
        window=D1,
        keys=(
            *https_keys("https://api.smarket.com.br/v1"),
            ConfigKey(
                "codigo_cliente",
                "Código do cliente na Smarket",
                example="FV-001",
                rules=(Pattern(r"[A-Za-z0-9-]{1,20}", "validation.code"),),
                label_en="Customer code at Smarket",
            ),
        ),
        domains=("smarket.com.br",),
        manual_run_allowed=True,
    )
    datasets = (
        DataSet(
            "sellout", "sellout_items.sql", SELLOUT_COLUMNS, Csv(delimiter=";"),
            "smarket_sellout_{start}_{end}_t{task}", totals=("quantidade", "valor_total"),
            order_by=("filial", "data", "cupom", "item"),
        ),
    )  # fmt: skip
    transport = HttpsUpload(auth=BearerToken("token"), path="/sellout", key_headers=(("X-Cliente", "codigo_cliente"),))
