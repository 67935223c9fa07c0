"""FISoft WMS (warehouse): replenishment orders out, stock movements back; fixed-width TXT over SFTP.
The shared rules of the four warehouses are in include/connectors/wms.py.

Contract (ours, until the partner's real specification), ISO-8859-1, LF:
- Orders: fisoft_pedidos_*.txt into {sftp_diretorio} (default /fisoft), one line of 57 positions per item:
    pos  1-1   tipo_registro "1"      pos  2-13  pedido (12 digits)     pos 14-27  cnpj_filial
    pos 28-31  item (4 digits)        pos 32-45  ean (left-aligned)     pos 46-57  quantidade (3 implied decimals)
- Movements: files in {sftp_diretorio}/retorno/, detail lines of 88 positions:
    pos  1-1   "1"                    pos  2-21  id (left-aligned)      pos 22-35  cnpj_filial
    pos 36-49  ean (left-aligned)     pos 50-50  tipo (E/S)             pos 51-62  quantidade (3 implied decimals)
    pos 63-76  ocorrido_em AAAAMMDDHHMMSS (America/Sao_Paulo)          pos 77-88  pedido (12 digits or spaces)
  then a trailer "9" + the number of detail lines (9 digits). Once applied, a file is moved to
  retorno/processados/.
"""

from __future__ import annotations

from include.connectors.base import Connector
from include.connectors.config import sftp_keys
from include.connectors.formats import Field, FixedWidth
from include.connectors.inbound import FixedWidthRecords, StockMovements
from include.connectors.transports.sftp import SftpInbox, SftpUpload
from include.connectors.types import INCREMENTAL, Direction, IntegrationType
from include.connectors.wms import replenishment_orders

ORDER_LAYOUT = (
    Field("tipo_registro", 1, constant="1"), Field("pedido", 12, decimals=0), Field("cnpj_filial", 14),
    Field("item", 4, decimals=0), Field("ean", 14), Field("quantidade", 12, decimals=3),
)  # fmt: skip
MOVEMENT_LAYOUT = (
    Field("tipo_registro", 1, constant="1"), Field("id", 20), Field("cnpj_filial", 14), Field("ean", 14),
    Field("tipo", 1), Field("quantidade", 12, decimals=3), Field("ocorrido_em", 14), Field("pedido", 12, decimals=0),
)  # fmt: skip


class FisoftWms(Connector):
    spec = IntegrationType(
        code="fisoft_wms",
        name="FISoft WMS",
        business="Armazém (WMS)",
        data="Pedidos (envio); movimentos de estoque (retorno)",
        file_format="TXT posicional",
        transport="SFTP",
        direction=Direction.BOTH,
        window=INCREMENTAL,
        keys=sftp_keys("/fisoft"),
        domains=("fisoft.com.br",),
    )
    datasets = (
        replenishment_orders(FixedWidth(layout=ORDER_LAYOUT), "fisoft_pedidos_filial{branch}_{start}_{end}_t{task}"),
    )
    transport = SftpUpload()
    inbox = SftpInbox()
    inbound = StockMovements(FixedWidthRecords(MOVEMENT_LAYOUT))
