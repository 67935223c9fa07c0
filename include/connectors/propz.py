"""Propz (retail CRM and analytics): the day's sales, items, customers and products, four gzip CSV files
(`,`, decimal point) in the partner's S3 bucket.

Contract (ours, until the partner's real specification): objects `{s3_prefixo}propz_<conjunto>_<AAAAMMDD>_
<AAAAMMDD>_t<task>.csv.gz` for conjunto in vendas, itens, clientes, produtos; UTF-8 with a header line.
Customers are identified only by the SHA-256 (hex) of the CPF — never the CPF, a name or a contact.
Written with a conditional PUT (If-None-Match: *): a re-delivery never overwrites a file.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import s3_keys
from include.connectors.formats import Csv
from include.connectors.transports.s3 import S3Upload
from include.connectors.types import D1, Direction, IntegrationType

_CSV = Csv(delimiter=",", decimal_comma=False)
_NAME = "propz_{dataset}_{start}_{end}_t{task}"


class Propz(Connector):
    spec = IntegrationType(
        code="propz",
        name="Propz",
        business="CRM e analytics de varejo",
        data="Vendas, itens, clientes (CPF com hash) e produtos",
        file_format="CSV , gzip",
        transport="S3",
        direction=Direction.OUT,
        window=D1,
        keys=s3_keys(),
        domains=("amazonaws.com",),
        manual_run_allowed=True,
        step_timeout_min=45,
        run_timeout_min=240,
    )
    datasets = (
        DataSet("vendas", "propz_sales.sql",
                ("cnpj_filial", "cupom", "data_hora", "cliente_hash", "valor_total", "desconto"), _CSV, _NAME,
                totals=("valor_total", "desconto"), gzip=True, order_by=("cnpj_filial", "cupom")),
        DataSet("itens", "propz_items.sql",
                ("cnpj_filial", "cupom", "item", "ean", "quantidade", "preco_unitario", "desconto", "valor_total"),
                _CSV, _NAME, totals=("quantidade", "valor_total"), gzip=True,
                order_by=("cnpj_filial", "cupom", "item")),
        DataSet("clientes", "propz_customers.sql", ("cliente_hash", "ano_nascimento", "compras", "valor_total"),
                _CSV, _NAME, totals=("valor_total",), gzip=True, order_by=("cliente_hash",)),
        DataSet("produtos", "propz_products.sql", ("ean", "descricao", "fabricante", "categoria"), _CSV, _NAME,
                gzip=True, order_by=("ean",)),
    )  # fmt: skip
    transport = S3Upload()
