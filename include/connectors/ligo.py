"""Ligo (customer messaging): purchase events for post-sale messages, JSON, HTTPS with an API key,
incremental.

Contract (ours, until the partner's real specification): POST {url_api}/eventos with `X-Api-Key`,
`Idempotency-Key`, `X-Arquivo`; body application/json {"eventos": [...]} — the same purchase events as
Dito (include/sql/extract/purchase_events.sql: who bought what, where and when); answer 201
{"protocolo": "..."}. Each task sends the sales since the last delivered cutoff.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.catalog import CATALOG
from include.connectors.dito import EVENT_COLUMNS
from include.connectors.formats import Json
from include.connectors.transports.http_auth import ApiKeyHeader
from include.connectors.transports.https import HttpsUpload


class Ligo(Connector):
    spec = CATALOG["ligo"]
    datasets = (
        DataSet("eventos", "purchase_events.sql", EVENT_COLUMNS, Json(root="eventos"),
                "ligo_eventos_{start}_{end}_t{task}", totals=("valor_total",),
                order_by=("ocorrido_em", "filial", "cupom")),
    )  # fmt: skip
    transport = HttpsUpload(auth=ApiKeyHeader("api_key"), path="/eventos")
