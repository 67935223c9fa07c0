"""Control Shop (omnichannel store): products whose data, price or stock changed since the last delivery,
per branch, JSON, HTTPS with an API key, incremental.

Contract (ours, until the partner's real specification): POST {url_api}/catalogo with `X-Api-Key`,
`X-Loja: <loja_id>`, `Idempotency-Key`, `X-Arquivo`; body application/json {"produtos": [{cnpj_filial,
ean, descricao, fabricante, ativo, preco, preco_promocional, estoque, alterado_em}, ...]}; answer 201
{"protocolo": "..."}. A wake-up with no change opens no task.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import ConfigKey, IntRange, https_keys
from include.connectors.formats import Json
from include.connectors.transports.http_auth import ApiKeyHeader
from include.connectors.transports.https import HttpsUpload
from include.connectors.types import INCREMENTAL, Direction, IntegrationType

CHANGE_COLUMNS = (
    "cnpj_filial", "ean", "descricao", "fabricante", "ativo", "preco", "preco_promocional", "estoque", "alterado_em",
)  # fmt: skip


class ControlShop(Connector):
    spec = IntegrationType(
        code="control_shop",
        name="Control Shop",
        business="Loja omnichannel",
        data="Produtos, preços e estoque",
        file_format="JSON",
        transport="HTTPS (API key)",
        direction=Direction.OUT,
        window=INCREMENTAL,
        keys=(
            *https_keys(
                "https://api.controlshop.com.br", credential="api_key", label="Chave de API", label_en="API key"
            ),
            ConfigKey("loja_id", "Código da loja", rules=(IntRange(1, 999_999),), label_en="Store code"),
        ),
        domains=("controlshop.com.br",),
        step_timeout_min=10,
        run_timeout_min=60,
    )
    datasets = (
        DataSet("produtos", "catalog_changes.sql", CHANGE_COLUMNS, Json(root="produtos"),
                "controlshop_produtos_{start}_{end}_t{task}", totals=("estoque",), order_by=("cnpj_filial", "ean")),
    )  # fmt: skip
    transport = HttpsUpload(auth=ApiKeyHeader("api_key"), path="/catalogo", key_headers=(("X-Loja", "loja_id"),))
