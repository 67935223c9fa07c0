"""Delage WMS (warehouse): replenishment orders out, stock movements back; JSON over HTTPS with a token.
The shared rules of the four warehouses are in include/connectors/wms.py.

Contract (ours, until the partner's real specification):
- Orders: POST {url_api}/pedidos with `Authorization: Bearer <token>`, `Idempotency-Key`, `X-Arquivo`;
  body application/json {"pedidos": [{...one object per order item, keys wms.ORDER_COLUMNS}]};
  answer 201 {"protocolo": "..."}.
- Movements: GET {url_api}/retornos lists the files offered, GET /retornos/{id} downloads one,
  POST /retornos/{id}/confirmacao acknowledges it. File: {"movimentos": [{...keys wms.MOVEMENT_FIELDS}]}
  (quantidade as a string or a JSON number), UTF-8.
"""

from __future__ import annotations

from include.connectors.base import Connector
from include.connectors.config import https_keys
from include.connectors.formats import Json
from include.connectors.inbound import JsonRecords, StockMovements
from include.connectors.transports.http_auth import BearerToken
from include.connectors.transports.https import HttpsInbox, HttpsUpload
from include.connectors.types import INCREMENTAL, Direction, IntegrationType
from include.connectors.wms import MOVEMENT_FIELDS, replenishment_orders


class DelageWms(Connector):
    spec = IntegrationType(
        code="delage_wms",
        name="Delage WMS",
        business="Armazém (WMS)",
        data="Pedidos (envio); movimentos de estoque (retorno)",
        file_format="JSON",
        transport="HTTPS (token)",
        direction=Direction.BOTH,
        window=INCREMENTAL,
        keys=https_keys("https://api.delage.com.br/wms"),
        domains=("delage.com.br",),
        step_timeout_min=10,
        run_timeout_min=60,
    )
    datasets = (replenishment_orders(Json(root="pedidos"), "delage_pedidos_filial{branch}_{start}_{end}_t{task}"),)
    transport = HttpsUpload(auth=BearerToken("token"), path="/pedidos")
    inbox = HttpsInbox(auth=BearerToken("token"), path="/retornos")
    inbound = StockMovements(JsonRecords("movimentos", MOVEMENT_FIELDS))
