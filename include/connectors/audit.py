"""Audit (market audit panel): sell-out per product and branch per day, fixed-width TXT, SFTP.

Contract (ours, until the partner's real specification): one file per day in {sftp_diretorio} (default
/audit), ISO-8859-1, LF, one detail line per product/branch/day of 65 positions:

    pos  1-1   tipo_registro  "2"
    pos  2-7   codigo_painel  the pharmacy's code in the panel (configuration)
    pos  8-15  data           AAAAMMDD
    pos 16-29  cnpj_filial    14 digits
    pos 30-43  ean            left-aligned, space-filled
    pos 44-52  quantidade     9 digits, 3 implied decimals
    pos 53-65  valor_total    13 digits, 2 implied decimals

A value that does not fit its positions fails the task (never a shifted line).
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import ConfigKey, Pattern, sftp_keys
from include.connectors.formats import Field, FixedWidth
from include.connectors.transports.sftp import SftpUpload
from include.connectors.types import D1, Direction, IntegrationType

LAYOUT = (
    Field("tipo_registro", 1), Field("codigo_painel", 6), Field("data", 8), Field("cnpj_filial", 14),
    Field("ean", 14), Field("quantidade", 9, decimals=3), Field("valor_total", 13, decimals=2),
)  # fmt: skip


class Audit(Connector):
    spec = IntegrationType(
        code="audit",
        name="Audit",
        business="Painel de auditoria de mercado",
        data="Sell-out por produto e filial",
        file_format="TXT posicional",
        transport="SFTP",
        direction=Direction.OUT,
        window=D1,
        keys=(
            *sftp_keys("/audit"),
            ConfigKey(
                "codigo_painel",
                "Código da farmácia no painel",
                rules=(Pattern(r"\d{6}", "validation.digits6"),),
                label_en="Pharmacy code in the panel",
            ),
        ),
        domains=("auditpanel.com.br",),
        manual_run_allowed=True,
        step_timeout_min=45,
        run_timeout_min=240,
    )
    datasets = (
        DataSet("sellout", "panel_sellout.sql", tuple(f.name for f in LAYOUT), FixedWidth(layout=LAYOUT),
                "audit_sellout_{start}_{end}_t{task}", totals=("quantidade", "valor_total"),
                config_params=("codigo_painel",), order_by=("data", "cnpj_filial", "ean")),
    )  # fmt: skip
    transport = SftpUpload()
