"""Ligo (customer messaging): purchase events for post-sale messages, JSON, HTTPS with an API key,
incremental.

Contract (ours, until the partner's real specification): POST {url_api}/eventos with `X-Api-Key`,
`Idempotency-Key`, `X-Arquivo`; body application/json {"eventos": [...]} — the same purchase events as
Dito (include/sql/extract/purchase_events.sql: who bought what, where and when); answer 201
{"protocolo": "..."}. Each task sends the sales since the last delivered cutoff.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import https_keys
from include.connectors.dito import EVENT_COLUMNS
from include.connectors.formats import Json
from include.connectors.transports.http_auth import ApiKeyHeader
from include.connectors.transports.https import HttpsUpload
from include.connectors.types import INCREMENTAL, Direction, IntegrationType


class Ligo(Connector):
    spec = IntegrationType(
        code="ligo",
        name="Ligo",
        business="Mensageria com clientes",
        data="Eventos de compra para mensagens pós-venda",
        file_format="JSON",
        transport="HTTPS (API key)",
        direction=Direction.OUT,
        window=INCREMENTAL,
        keys=https_keys("https://api.ligo.com.br/v1", credential="api_key", label="Chave de API", label_en="API key"),
        domains=("ligo.com.br",),
        step_timeout_min=10,
        run_timeout_min=60,
    )
    datasets = (
        DataSet("eventos", "purchase_events.sql", EVENT_COLUMNS, Json(root="eventos"),
                "ligo_eventos_{start}_{end}_t{task}", totals=("valor_total",),
                order_by=("ocorrido_em", "filial", "cupom")),
    )  # fmt: skip
    transport = HttpsUpload(auth=ApiKeyHeader("api_key"), path="/eventos")
