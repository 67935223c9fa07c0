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
from include.connectors.config import ConfigKey, email_key, url_key
from include.connectors.formats import Json
from include.connectors.inbound import CardPayments, InboundKinds, JsonRecords, SalesReconciliation
from include.connectors.transports.http_auth import KeyHeaders
from include.connectors.transports.https import DailyQuery, HttpsQueries, HttpsUpload
from include.connectors.types import Direction, IntegrationType, OwnTimetable

AUTH = KeyHeaders((("X-Chave-Acesso", "access_key"), ("X-Chave-Secreta", "secret_key")))
SALES_COLUMNS = ("cnpj_filial", "data", "cupom", "valor_total", "bandeira", "modalidade", "parcelas", "nsu",
                 "autorizacao")  # fmt: skip
RECONCILIATION_FIELDS = tuple(name for name, _, _ in SalesReconciliation.columns)
PAYMENT_FIELDS = tuple(name for name, _, _ in CardPayments.columns)


class BoaVista(Connector):
    spec = IntegrationType(
        code="boavista",
        name="BoaVista",
        business="Conciliação de vendas com cartão",
        data="Vendas com cartão D-2; conciliação D-3; pagamentos",
        file_format="JSON",
        transport="HTTPS (access key + secret key)",
        direction=Direction.BOTH,
        window=OwnTimetable(
            ("0 4-20/4 * * *",),
            "vendas de D-2 enviadas a cada 4 horas entre 04:00 e 20:00; conciliação de D-3 e pagamentos de D-1"
            " consultados a cada execução (horário de Brasília)",
            days_back=2,
            description_en="D-2 sales sent every 4 hours between 04:00 and 20:00; D-3 reconciliation and D-1"
            " payments fetched on every run (Brasília time)",
        ),
        keys=(
            url_key("https://api.boavistaservicos.com.br/conciliacao"),
            ConfigKey("access_key", "Chave de Acesso", secret=True, label_en="Access key"),
            ConfigKey("secret_key", "Chave Secreta", secret=True, label_en="Secret key"),
            email_key(),
        ),
        domains=("boavistaservicos.com.br",),
    )
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
