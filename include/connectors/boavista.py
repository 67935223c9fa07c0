"""BoaVista (card-sales reconciliation): the card payments of the sales of D-2 go out every 4 hours between
04:00 and 20:00 (a day already delivered is not sent again; a failed one is retried by the next run); every
run asks for the reconciliation of the sales of D-3 and the payments made on D-1, and stores the answers
per sale. JSON over HTTPS with an access key and a secret key.

Contract (ours, until the partner's real specification), headers `X-Chave-Acesso` and `X-Chave-Secreta`:
- POST {url_api}/vendas with `Idempotency-Key`, `X-Arquivo`; body application/json {"vendas": [{cnpj_filial,
  data, cupom, valor_total, bandeira, modalidade, parcelas, nsu, autorizacao}, ...]}; answer 201
  {"protocolo": "..."}.
- GET {url_api}/conciliacao?data=YYYY-MM-DD -> {"data", "vendas": [{cnpj_filial, cupom, nsu, valor_informado,
  valor_boavista, situacao: conciliada | divergente | nao_encontrada}]}.
- GET {url_api}/pagamentos?data=YYYY-MM-DD -> {"data", "pagamentos": [{cnpj_filial, cupom, nsu, data_venda,
  data_pagamento, valor_bruto, taxa, valor_liquido}]} — the payments made on that day.
- GET {url_api}/ping checks the keys.
Times are the deployment's (America/Sao_Paulo): the catalog's own timetable, not the registration's interval.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.catalog import CATALOG
from include.connectors.formats import Json
from include.connectors.inbound import CardPayments, InboundKinds, JsonRecords, SalesReconciliation
from include.connectors.transports.http_auth import KeyHeaders
from include.connectors.transports.https import DailyQuery, HttpsQueries, HttpsUpload

AUTH = KeyHeaders((("X-Chave-Acesso", "access_key"), ("X-Chave-Secreta", "secret_key")))
SALES_COLUMNS = ("cnpj_filial", "data", "cupom", "valor_total", "bandeira", "modalidade", "parcelas", "nsu",
                 "autorizacao")  # fmt: skip
RECONCILIATION_FIELDS = tuple(name for name, _, _ in SalesReconciliation.columns)
PAYMENT_FIELDS = tuple(name for name, _, _ in CardPayments.columns)


class BoaVista(Connector):
    spec = CATALOG["boavista"]
    datasets = (
        DataSet("vendas", "card_sales.sql", SALES_COLUMNS, Json(root="vendas"), "boavista_vendas_{start}_t{task}",
                totals=("valor_total",), order_by=("cnpj_filial", "cupom", "nsu")),
    )  # fmt: skip
    transport = HttpsUpload(auth=AUTH, path="/vendas")
    inbox = HttpsQueries(
        auth=AUTH,
        queries=(DailyQuery("conciliacao", "/conciliacao", days_back=3), DailyQuery("pagamentos", "/pagamentos", 1)),
    )
    inbound = InboundKinds(
        (
            ("conciliacao", SalesReconciliation(JsonRecords("vendas", RECONCILIATION_FIELDS))),
            ("pagamentos", CardPayments(JsonRecords("pagamentos", PAYMENT_FIELDS))),
        )
    )
