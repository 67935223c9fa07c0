"""Linked Farma (Gruppy, pharmacy network trade data): sell-out per product, branch and day, CSV `;`, SFTP.

Contract (ours, until the partner's real specification): one file per day in {sftp_diretorio} (default
/sellout), UTF-8, header line, decimal comma: codigo_rede (the chain's code in the network, from the
configuration), data, cnpj_filial, ean, descricao, quantidade, valor_total — summed by PostgreSQL.
Uploaded under a temporary name and renamed when complete.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import ConfigKey, Pattern, sftp_keys
from include.connectors.formats import Csv
from include.connectors.transports.sftp import SftpUpload
from include.connectors.types import D1, Direction, IntegrationType

SELLOUT_COLUMNS = ("codigo_rede", "data", "cnpj_filial", "ean", "descricao", "quantidade", "valor_total")


class LinkedFarma(Connector):
    spec = IntegrationType(
        code="linked_farma",
        name="Linked Farma (Gruppy)",
        business="Rede de dados comerciais de farmácias",
        data="Sell-out por produto, filial e dia",
        file_format="CSV ;",
        transport="SFTP",
        direction=Direction.OUT,
        window=D1,
        keys=(
            *sftp_keys("/sellout"),
            ConfigKey(
                "codigo_rede",
                "Código da rede na Gruppy",
                rules=(Pattern(r"[A-Z0-9]{2,12}", "validation.code_upper"),),
                label_en="Chain code at Gruppy",
            ),
        ),
        domains=("gruppy.com.br",),
        manual_run_allowed=True,
        step_timeout_min=45,
        run_timeout_min=240,
    )
    datasets = (
        DataSet("sellout", "linked_farma_sellout.sql", SELLOUT_COLUMNS, Csv(delimiter=";"),
                "gruppy_sellout_{start}_{end}_t{task}", totals=("quantidade", "valor_total"),
                config_params=("codigo_rede",), order_by=("data", "cnpj_filial", "ean")),
    )  # fmt: skip
    transport = SftpUpload()
