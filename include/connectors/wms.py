"""What the four warehouse (WMS) partners share: replenishment orders go out, stock movements come back.

Orders: one file per branch with new orders since the last delivered cutoff (incremental), one line per
order item: pedido, cnpj_filial, codigo_filial, emitido_em (UTC, ISO 8601), item, ean, descricao,
quantidade (include/sql/extract/replenishment_orders.sql).

Movements: the warehouse's entries (E: the branch's stock grows) and exits (S: it shrinks), one per line:
id (the warehouse's movement id, applied once), cnpj_filial (a branch of the integration), ean (a product of
the tenant), tipo, quantidade (> 0, up to 3 decimals), ocorrido_em, pedido (optional). A file is applied
whole or refused whole (include/connectors/inbound/apply.py).
"""

from __future__ import annotations

from include.connectors.base import DataSet
from include.connectors.formats.base import FileFormat

ORDER_COLUMNS = ("pedido", "cnpj_filial", "codigo_filial", "emitido_em", "item", "ean", "descricao", "quantidade")
MOVEMENT_FIELDS = ("id", "cnpj_filial", "ean", "tipo", "quantidade", "ocorrido_em", "pedido")


def replenishment_orders(file_format: FileFormat, file_name: str) -> DataSet:
    return DataSet(
        "pedidos", "replenishment_orders.sql", ORDER_COLUMNS, file_format, file_name, per_branch=True,
        totals=("quantidade",), order_by=("pedido", "item"),
    )  # fmt: skip
