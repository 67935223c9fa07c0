"""Smarket (trade marketing): daily sell-out items with promotion codes, CSV `;`, HTTPS upload with a token.

Contract (ours, until the partner's real specification): POST {url_api}/sellout with
`Authorization: Bearer <token>`, `X-Cliente: <codigo_cliente>`, `Idempotency-Key`, `X-Arquivo: <name>`;
body text/csv; answer 201/200 JSON {"protocolo": "..."}.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from include.connectors import formats
from include.connectors.base import ByteSink, Connector, Delivery, RenderResult, RunScope
from include.connectors.errors import PartnerRejectedError
from include.connectors.transports import https

COLUMNS = (
    "filial", "cnpj_filial", "data", "cupom", "item", "ean", "descricao", "quantidade", "preco_unitario",
    "desconto", "valor_total", "codigo_promocao",
)  # fmt: skip


class Smarket(Connector):
    code = "smarket"
    extraction_sql = "sellout_items.sql"
    content_type = "text/csv; charset=utf-8"

    def file_name(self, scope: RunScope) -> str:
        return f"smarket_sellout_{scope.start:%Y%m%d}_{scope.end:%Y%m%d}_t{scope.task_code}.csv"

    def render(self, columns: Sequence[str], rows: Iterable[Sequence[Any]], out: ByteSink) -> RenderResult:
        if tuple(columns) != COLUMNS:
            raise ValueError(f"extraction returned {columns}, the Smarket layout needs {COLUMNS}")
        return formats.write_csv(columns, rows, out, total_columns=("quantidade", "valor_total"))

    def deliver(self, delivery: Delivery, config: Mapping[str, str]) -> str:
        answer = https.upload(
            config["url_api"].rstrip("/") + "/sellout",
            delivery.body,
            delivery.size,
            headers={
                "Authorization": f"Bearer {config['token']}",
                "X-Cliente": config["codigo_cliente"],
                "Idempotency-Key": delivery.idempotency_key,
                "X-Arquivo": delivery.name,
            },
            content_type=self.content_type,
        )
        protocol = answer.get("protocolo")
        if not protocol:
            raise PartnerRejectedError("o parceiro não informou o protocolo de recebimento")
        return str(protocol)
