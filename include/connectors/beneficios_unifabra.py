"""Benefícios Unifabra (industry discount programs, PBM): the day's sales items of products in a benefit
program, CSV `;`, SFTP.

Contract (ours, until the partner's real specification): one file per day in {sftp_diretorio} (default
/pbm/entrada), UTF-8, header line, decimal comma: codigo_farmacia (the pharmacy's code in the program,
from the configuration), programa, cnpj_filial, data, cupom, item, ean, quantidade, preco_unitario,
desconto, valor_total. No customer data. Uploaded under a temporary name and renamed when complete.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import ConfigKey, Pattern, sftp_keys
from include.connectors.formats import Csv
from include.connectors.transports.sftp import SftpUpload
from include.connectors.types import D1, Direction, IntegrationType

ITEM_COLUMNS = (
    "codigo_farmacia", "programa", "cnpj_filial", "data", "cupom", "item", "ean", "quantidade", "preco_unitario",
    "desconto", "valor_total",
)  # fmt: skip


class BeneficiosUnifabra(Connector):
    spec = IntegrationType(
        code="beneficios_unifabra",
        name="Benefícios Unifabra",
        business="Programa de benefícios da indústria (PBM)",
        data="Itens vendidos em programas de benefício",
        file_format="CSV ;",
        transport="SFTP",
        direction=Direction.OUT,
        window=D1,
        keys=(
            *sftp_keys("/pbm/entrada"),
            ConfigKey(
                "codigo_farmacia",
                "Código da farmácia no programa",
                rules=(Pattern(r"\d{1,10}", "validation.digits"),),
                label_en="Pharmacy code in the programme",
            ),
        ),
        domains=("unifabra.com.br",),
    )
    datasets = (
        DataSet("itens", "benefit_items.sql", ITEM_COLUMNS, Csv(delimiter=";"), "unifabra_pbm_{start}_{end}_t{task}",
                totals=("quantidade", "valor_total"), config_params=("codigo_farmacia",),
                order_by=("cnpj_filial", "cupom", "item")),
    )  # fmt: skip
    transport = SftpUpload()
