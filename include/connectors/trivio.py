"""Trivio (loyalty and cashback): the day's sales with customer identity, CSV `;`, SFTP.

Contract (ours, until the partner's real specification): one file per day in {sftp_diretorio} (default
/vendas) named `trivio_vendas_<AAAAMMDD>_<AAAAMMDD>_t<task>.csv`, UTF-8, header line, decimal comma:
data_hora, cnpj_filial, cupom, cpf, nome, valor_total, desconto (identified sales only). Uploaded under a
temporary name and renamed when complete.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import sftp_keys
from include.connectors.formats import Csv
from include.connectors.transports.sftp import SftpUpload
from include.connectors.types import D1, Direction, IntegrationType

SALES_COLUMNS = ("data_hora", "cnpj_filial", "cupom", "cpf", "nome", "valor_total", "desconto")


class Trivio(Connector):
    spec = IntegrationType(
        code="trivio",
        name="Trivio",
        business="Fidelidade e cashback",
        data="Vendas com identificação do cliente",
        file_format="CSV ;",
        transport="SFTP",
        direction=Direction.OUT,
        window=D1,
        keys=sftp_keys("/vendas"),
        domains=("trivio.com.br",),
        manual_run_allowed=True,
    )
    datasets = (
        DataSet("vendas", "customer_sales.sql", SALES_COLUMNS, Csv(delimiter=";"),
                "trivio_vendas_{start}_{end}_t{task}", totals=("valor_total", "desconto"),
                order_by=("data_hora", "cnpj_filial", "cupom")),
    )  # fmt: skip
    transport = SftpUpload()
