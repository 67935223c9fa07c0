"""Control Shop (omnichannel store): products whose data, price or stock changed since the last delivery,
per branch, JSON, HTTPS with an API key, incremental.

Contract (ours, until the partner's real specification): POST {url_api}/catalogo with `X-Api-Key`,
`X-Loja: <loja_id>`, `Idempotency-Key`, `X-Arquivo`; body application/json {"produtos": [{cnpj_filial,
ean, descricao, fabricante, ativo, preco, preco_promocional, estoque, alterado_em}, ...]}; answer 201
{"protocolo": "..."}. A wake-up with no change opens no task.
"""

from __future__ import annotations

from collections.abc import Mapping

from include.connectors.base import Connector, DataSet, Delivery
from include.connectors.catalog import CATALOG
from include.connectors.formats import Json
from include.connectors.transports.http_auth import ApiKeyHeader
from include.connectors.transports.https import HttpsUpload

CHANGE_COLUMNS = (
    "cnpj_filial", "ean", "descricao", "fabricante", "ativo", "preco", "preco_promocional", "estoque", "alterado_em",
)  # fmt: skip


class ControlShop(Connector):
    spec = CATALOG["control_shop"]
    datasets = (
        DataSet("produtos", "catalog_changes.sql", CHANGE_COLUMNS, Json(root="produtos"),
                "controlshop_produtos_{start}_{end}_t{task}", totals=("estoque",), order_by=("cnpj_filial", "ean")),
    )  # fmt: skip
    transport = HttpsUpload(auth=ApiKeyHeader("api_key"), path="/catalogo", extra_keys=frozenset({"loja_id"}))

    def headers(self, delivery: Delivery, config: Mapping[str, str]) -> dict[str, str]:
        return {"X-Loja": config["loja_id"]}
