"""ScannTech (retail data and promotions): the day's sales items, JSON, HTTPS with an API key.

Contract (ours, until the partner's real specification): POST {url_api}/vendas with `X-Api-Key`,
`X-Empresa: <codigo_empresa>`, `Idempotency-Key`, `X-Arquivo`; body application/json
{"itens": [{filial, cnpj_filial, data, cupom, item, ean, descricao, quantidade, preco_unitario, desconto,
valor_total, codigo_promocao}, ...]}; answer 201 {"protocolo": "..."}.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import ConfigKey, IntRange, https_keys
from include.connectors.formats import Json
from include.connectors.smarket import SELLOUT_COLUMNS
from include.connectors.transports.http_auth import ApiKeyHeader
from include.connectors.transports.https import HttpsUpload
from include.connectors.types import D1, Direction, IntegrationType


class ScannTech(Connector):
    spec = IntegrationType(
        code="scanntech",
        name="ScannTech",
        business="Dados de varejo e promoções",
        data="Itens vendidos",
        file_format="JSON",
        transport="HTTPS (API key)",
        direction=Direction.OUT,
        window=D1,
        keys=(
            *https_keys(
                "https://api.scanntech.com.br/v2", credential="api_key", label="Chave de API", label_en="API key"
            ),
            ConfigKey(
                "codigo_empresa",
                "Código da empresa na ScannTech",
                rules=(IntRange(1, 99_999_999),),
                label_en="Company code at ScannTech",
            ),
        ),
        domains=("scanntech.com.br", "scanntech.com"),
        manual_run_allowed=True,
    )
    datasets = (
        DataSet("itens", "sellout_items.sql", SELLOUT_COLUMNS, Json(root="itens"),
                "scanntech_itens_{start}_{end}_t{task}", totals=("quantidade", "valor_total"),
                order_by=("filial", "data", "cupom", "item")),
    )  # fmt: skip
    transport = HttpsUpload(
        auth=ApiKeyHeader("api_key"), path="/vendas", key_headers=(("X-Empresa", "codigo_empresa"),)
    )
