"""Linked Farma (Gruppy, pharmacy network trade data): sell-out per product, branch and day, CSV `;`, SFTP.

Contract (ours, until the partner's real specification): one file per day in {sftp_diretorio} (default
/sellout), UTF-8, header line, decimal comma: codigo_rede (the chain's code in the network, from the
configuration), data, cnpj_filial, ean, descricao, quantidade, valor_total — summed by PostgreSQL.
Uploaded under a temporary name and renamed when complete.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.catalog import CATALOG
from include.connectors.formats import Csv
from include.connectors.transports.sftp import SftpUpload

SELLOUT_COLUMNS = ("codigo_rede", "data", "cnpj_filial", "ean", "descricao", "quantidade", "valor_total")


class LinkedFarma(Connector):
    spec = CATALOG["linked_farma"]
    datasets = (
        DataSet("sellout", "linked_farma_sellout.sql", SELLOUT_COLUMNS, Csv(delimiter=";"),
                "gruppy_sellout_{start}_{end}_t{task}", totals=("quantidade", "valor_total"),
                config_params=("codigo_rede",), order_by=("data", "cnpj_filial", "ean")),
    )  # fmt: skip
    transport = SftpUpload()
