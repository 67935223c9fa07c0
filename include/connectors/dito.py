"""Dito (CRM and marketing automation): purchase events with customer identity, JSON Lines, incremental.

Contract (ours, until the partner's real specification): POST {url_api}/v1/eventos, body
application/x-ndjson (one event per line: id_evento, acao "comprou", ocorrido_em, cliente_cpf,
cliente_nome, cliente_email, filial, cupom, valor_total, itens[]), headers `X-Api-Key`, `X-Timestamp` and
`X-Assinatura` = hex HMAC-SHA256(api_secret, timestamp + "." + body); answer 202 {"protocolo": "..."}.
Each task sends the sales since the last delivered cutoff (the customer's identity is the point of this
partner: CPF, name and e-mail are in its file and nowhere else).
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import ConfigKey, Pattern, url_key
from include.connectors.formats import JsonLines
from include.connectors.transports.http_auth import HmacSignature
from include.connectors.transports.https import HttpsUpload
from include.connectors.types import INCREMENTAL, Direction, IntegrationType

EVENT_COLUMNS = (
    "id_evento", "acao", "ocorrido_em", "cliente_cpf", "cliente_nome", "cliente_email", "filial", "cupom",
    "valor_total", "itens",
)  # fmt: skip


class Dito(Connector):
    spec = IntegrationType(
        code="dito",
        name="Dito",
        business="CRM e automação de marketing",
        data="Eventos de compra com identificação do cliente",
        file_format="JSON Lines",
        transport="HTTPS (chave + assinatura HMAC)",
        direction=Direction.OUT,
        window=INCREMENTAL,
        keys=(
            url_key("https://events.plataforma.dito.com.br"),
            ConfigKey(
                "api_key",
                "Chave de API (pública)",
                label_en="API key (public)",
                rules=(Pattern(r"[A-Za-z0-9_-]{8,128}", "validation.api_key"),),
            ),
            ConfigKey(
                "api_secret", "Segredo da API (assinatura HMAC)", secret=True, label_en="API secret (HMAC signature)"
            ),
        ),
        domains=("dito.com.br",),
        manual_run_allowed=True,
        step_timeout_min=10,
        run_timeout_min=60,
    )
    datasets = (
        DataSet("eventos", "purchase_events.sql", EVENT_COLUMNS, JsonLines(), "dito_eventos_{start}_{end}_t{task}",
                totals=("valor_total",), order_by=("ocorrido_em", "filial", "cupom")),
    )  # fmt: skip
    transport = HttpsUpload(auth=HmacSignature("api_key", "api_secret"), path="/v1/eventos", check_path="/v1/ping")
