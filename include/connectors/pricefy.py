"""Pricefy (price intelligence): the current prices of every active product per price zone, CSV `;`,
HTTPS upload with a token, daily D-0 (today's prices).

Contract (ours, until the partner's real specification): POST {url_api}/precos with
`Authorization: Bearer <token>`, `Idempotency-Key`, `X-Arquivo`; body text/csv (UTF-8, header line,
decimal comma): zona_preco, ean, descricao, fabricante, preco, preco_promocional; answer 201
{"protocolo": "..."}. A snapshot: re-sending a day sends the prices as they are at that moment.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import https_keys
from include.connectors.formats import Csv
from include.connectors.transports.http_auth import BearerToken
from include.connectors.transports.https import HttpsUpload
from include.connectors.types import DailyWindow, Direction, IntegrationType

PRICE_COLUMNS = ("zona_preco", "ean", "descricao", "fabricante", "preco", "preco_promocional")


class Pricefy(Connector):
    spec = IntegrationType(
        code="pricefy",
        name="Pricefy",
        business="Inteligência de preços",
        data="Produtos e preços por zona",
        file_format="CSV ;",
        transport="HTTPS upload (token)",
        direction=Direction.OUT,
        window=DailyWindow(days_back=0),
        keys=https_keys("https://api.pricefy.com.br/v1"),
        domains=("pricefy.com.br",),
    )
    datasets = (
        DataSet("precos", "zone_prices.sql", PRICE_COLUMNS, Csv(delimiter=";"), "pricefy_precos_{start}_t{task}",
                totals=("preco",), order_by=("zona_preco", "ean"), snapshot=True),
    )  # fmt: skip
    transport = HttpsUpload(auth=BearerToken("token"), path="/precos")
