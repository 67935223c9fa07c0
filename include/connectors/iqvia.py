"""IQVIA (sell-out panel, files): sell-out per product, branch and day, fixed-width TXT, SFTP.

Contract (ours, until the partner's real specification): one file per day in {sftp_diretorio} (default
/iqvia), ISO-8859-1, LF, one line of 75 positions per product/branch/day:

    pos  1-1   tipo_registro  "2"
    pos  2-7   codigo_painel  the pharmacy's code in the IQVIA panel (configuration)
    pos  8-15  data           AAAAMMDD
    pos 16-29  cnpj_filial    14 digits
    pos 30-43  ean            left-aligned, space-filled
    pos 44-55  quantidade     12 digits, 3 implied decimals
    pos 56-75  valor_total    20 digits, 2 implied decimals

Same data as the Audit panel (include/sql/extract/panel_sellout.sql), IQVIA's own widths.
"""

from __future__ import annotations

from include.connectors.base import Connector, DataSet
from include.connectors.config import ConfigKey, Pattern, sftp_keys
from include.connectors.formats import Field, FixedWidth
from include.connectors.transports.sftp import SftpUpload
from include.connectors.types import D1, Direction, IntegrationType

LAYOUT = (
    Field("tipo_registro", 1), Field("codigo_painel", 6), Field("data", 8), Field("cnpj_filial", 14),
    Field("ean", 14), Field("quantidade", 12, decimals=3), Field("valor_total", 20, decimals=2),
)  # fmt: skip


class Iqvia(Connector):
    spec = IntegrationType(
        code="iqvia",
        name="IQVIA",
        business="Painel de sell-out (arquivos)",
        data="Sell-out por produto, filial e dia",
        file_format="TXT posicional",
        transport="SFTP",
        direction=Direction.OUT,
        window=D1,
        keys=(
            *sftp_keys("/iqvia"),
            ConfigKey(
                "codigo_painel",
                "Código da farmácia no painel IQVIA",
                rules=(Pattern(r"\d{6}", "validation.digits6"),),
                label_en="Pharmacy code in the IQVIA panel",
            ),
        ),
        domains=("iqvia.com.br", "iqvia.com"),
        step_timeout_min=45,
        run_timeout_min=240,
    )
    datasets = (
        DataSet("sellout", "panel_sellout.sql", tuple(f.name for f in LAYOUT), FixedWidth(layout=LAYOUT),
                "iqvia_sellout_{start}_{end}_t{task}", totals=("quantidade", "valor_total"),
                config_params=("codigo_painel",), order_by=("data", "cnpj_filial", "ean")),
    )  # fmt: skip
    transport = SftpUpload()
