"""Proffer (price recommendation): products with their current price per zone, sell-out and sell-in go out
daily; suggested prices per product and zone come back, stored for the price-change screen
("Alteração de Preço/Oferta", include/integracoes/pricing.py). CSV out, JSON back, HTTPS with a token.

Contract (ours, until the partner's real specification), `Authorization: Bearer <token>`:
- POST {url_api}/produtos, /vendas and /compras with `Idempotency-Key`, `X-Arquivo`; body text/csv UTF-8,
  `;`, `.` decimals, a header line:
    produtos  ean;descricao;fabricante;categoria;zona;preco   (a snapshot: every product in every zone)
    vendas    data;cnpj_filial;ean;quantidade;valor_total     (sell-out of the day)
    compras   data;cnpj_filial;ean;quantidade;custo_total     (sell-in of the day)
  answer 201 {"protocolo": "..."}.
- GET {url_api}/sugestoes lists the suggestion files offered, GET /sugestoes/{id} downloads one,
  POST /sugestoes/{id}/confirmacao acknowledges it. File: {"sugestoes": [{"ean", "zona", "preco_atual",
  "preco_sugerido"}, ...]}, one per product and zone sent.
The catalog's other keys (history days, minimum margin, rounding) are the partner's defaults, shown to
agents only; they travel to the partner with the account's set-up, not in the files.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import ConfigKey, IntRange, OneOf, url_key
from include.connectors.formats import Csv
from include.connectors.inbound import JsonRecords, PriceSuggestions
from include.connectors.transports.http_auth import BearerToken
from include.connectors.transports.https import HttpsInbox, HttpsUpload
from include.connectors.types import D1, Direction, IntegrationType

CSV = Csv(decimal_comma=False)


class Proffer(Connector):
    spec = IntegrationType(
        code="proffer",
        name="Proffer",
        business="Recomendação de preços",
        data="Produtos, sell-in e sell-out; retorna preços sugeridos",
        file_format="CSV (envio) / JSON (retorno)",
        transport="HTTPS (token)",
        direction=Direction.BOTH,
        window=D1,
        keys=(
            url_key("https://api.proffer.com.br/v1"),
            ConfigKey("token", "Chave de acesso", secret=True, label_en="Access token"),
            # Proffer's defaults are set by the support team (the manual: visible to agents only).
            ConfigKey(
                "dias_historico",
                "Dias de histórico enviados",
                default="90",
                rules=(IntRange(7, 365),),
                label_en="Days of history sent",
                agents_only=True,
            ),
            ConfigKey(
                "margem_minima_percentual",
                "Margem mínima (%)",
                default="10",
                rules=(IntRange(0, 100),),
                label_en="Minimum margin (%)",
                agents_only=True,
            ),
            ConfigKey(
                "arredondamento",
                "Arredondamento do preço sugerido",
                default="0,99",
                rules=(OneOf(("0,99", "0,90", "0,49", "nenhum")),),
                label_en="Rounding of the suggested price",
                agents_only=True,
            ),
        ),
        domains=("proffer.com.br",),
        manual_run_allowed=True,
        step_timeout_min=45,
        run_timeout_min=240,
    )
    datasets = (
        DataSet("produtos", "proffer_products.sql", ("ean", "descricao", "fabricante", "categoria", "zona", "preco"),
                CSV, "proffer_produtos_{start}_t{task}", order_by=("zona", "ean"), snapshot=True),
        DataSet("vendas", "proffer_sellout.sql", ("data", "cnpj_filial", "ean", "quantidade", "valor_total"),
                CSV, "proffer_vendas_{start}_{end}_t{task}", totals=("quantidade", "valor_total"),
                order_by=("data", "cnpj_filial", "ean")),
        DataSet("compras", "proffer_sellin.sql", ("data", "cnpj_filial", "ean", "quantidade", "custo_total"),
                CSV, "proffer_compras_{start}_{end}_t{task}", totals=("quantidade", "custo_total"),
                order_by=("data", "cnpj_filial", "ean")),
    )  # fmt: skip
    transport = HttpsUpload(auth=BearerToken("token"), path="/{dataset}")
    inbox = HttpsInbox(auth=BearerToken("token"), path="/sugestoes")
    inbound = PriceSuggestions(JsonRecords("sugestoes", ("ean", "zona", "preco_atual", "preco_sugerido")))
