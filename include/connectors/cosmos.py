"""Cosmos (product catalogue): product data by EAN comes in; nothing goes out. JSON over HTTPS with a token.

Contract (ours, until the partner's real specification): GET {url_api}/atualizacoes with
`Authorization: Bearer <token>` lists the catalogue files offered to us, GET /atualizacoes/{id} downloads
one, POST /atualizacoes/{id}/confirmacao acknowledges it. File, UTF-8:
{"produtos": [{"ean", "descricao", "marca", "fabricante", "ncm", "categoria"}, ...]} — an EAN with a valid
check digit, NCM of 8 digits. Unknown EANs become products of the tenant; known ones are updated, each
change audited with the values before and after.
"""

from __future__ import annotations

from include.connectors.base import Connector
from include.connectors.config import https_keys
from include.connectors.inbound import JsonRecords, ProductCatalog
from include.connectors.transports.http_auth import BearerToken
from include.connectors.transports.https import HttpsInbox
from include.connectors.types import DailyWindow, Direction, IntegrationType

PRODUCT_FIELDS = tuple(name for name, _, _ in ProductCatalog.columns)


class Cosmos(Connector):
    spec = IntegrationType(
        code="cosmos",
        name="Cosmos",
        business="Catálogo de produtos",
        data="Dados de produtos por EAN (recebimento)",
        file_format="JSON",
        transport="HTTPS (token)",
        direction=Direction.IN,
        window=DailyWindow(days_back=0),
        keys=https_keys("https://api.cosmos.bluesoft.com.br"),
        domains=("bluesoft.com.br",),
    )
    inbox = HttpsInbox(auth=BearerToken("token"), path="/atualizacoes")
    inbound = ProductCatalog(JsonRecords("produtos", PRODUCT_FIELDS))
