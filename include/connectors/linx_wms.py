"""Linx WMS (warehouse): replenishment orders out, stock movements back; XML over HTTPS with user and
password. The shared rules of the four warehouses are in include/connectors/wms.py.

Contract (ours, until the partner's real specification), namespace urn:integracoes:linx-wms:v1:
- Orders: POST {url_api}/pedidos with HTTP Basic (usuario, senha), `X-Deposito: <codigo_deposito>`,
  `Idempotency-Key`, `X-Arquivo`; body application/xml `<pedidosReposicao versao="1.0">` with one `<pedido>`
  per order item (child elements in the order of wms.ORDER_COLUMNS); answer 201 {"protocolo": "..."}.
- Movements: GET {url_api}/retornos lists the files offered, GET /retornos/{id} downloads one,
  POST /retornos/{id}/confirmacao acknowledges it. File: `<movimentosEstoque versao="1.0">` with one
  `<movimento>` per movement (child elements wms.MOVEMENT_FIELDS), UTF-8.
"""

from __future__ import annotations

from include.connectors.base import Connector
from include.connectors.config import ConfigKey, IntRange, Pattern, url_key
from include.connectors.formats import Xml
from include.connectors.inbound import StockMovements, XmlRecords
from include.connectors.transports.http_auth import BasicAuth
from include.connectors.transports.https import HttpsInbox, HttpsUpload
from include.connectors.types import INCREMENTAL, Direction, IntegrationType
from include.connectors.wms import MOVEMENT_FIELDS, replenishment_orders

NAMESPACE = "urn:integracoes:linx-wms:v1"


class LinxWms(Connector):
    spec = IntegrationType(
        code="linx_wms",
        name="Linx WMS",
        business="Armazém (WMS)",
        data="Pedidos de reposição (envio); movimentos de estoque (retorno)",
        file_format="XML",
        transport="HTTPS (usuário/senha)",
        direction=Direction.BOTH,
        window=INCREMENTAL,
        keys=(
            url_key(),
            ConfigKey(
                "usuario", "Usuário", rules=(Pattern(r"[A-Za-z0-9._@-]{1,64}", "validation.username"),), label_en="User"
            ),
            ConfigKey("senha", "Senha", secret=True, label_en="Password"),
            ConfigKey("codigo_deposito", "Código do depósito", rules=(IntRange(1, 9999),), label_en="Warehouse code"),
        ),
        domains=("linx.com.br",),
        step_timeout_min=10,
        run_timeout_min=60,
    )
    datasets = (
        replenishment_orders(
            Xml(root="pedidosReposicao", row="pedido", namespace=NAMESPACE, attributes=(("versao", "1.0"),)),
            "linx_pedidos_filial{branch}_{start}_{end}_t{task}",
        ),
    )
    transport = HttpsUpload(
        auth=BasicAuth("usuario", "senha"), path="/pedidos", key_headers=(("X-Deposito", "codigo_deposito"),)
    )
    inbox = HttpsInbox(auth=BasicAuth("usuario", "senha"), path="/retornos")
    inbound = StockMovements(XmlRecords(NAMESPACE, "movimentosEstoque", "movimento", MOVEMENT_FIELDS))
