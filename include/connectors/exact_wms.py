"""Exact WMS (warehouse): replenishment orders out, stock movements back; CSV `;` over SFTP.
The shared rules of the four warehouses are in include/connectors/wms.py.

Contract (ours, until the partner's real specification):
- Orders: exact_pedidos_*.csv into {sftp_diretorio} (default /exact), UTF-8, header line, `.` decimals,
  columns wms.ORDER_COLUMNS.
- Movements: files the warehouse leaves in {sftp_diretorio}/retorno/, UTF-8, header line
  `id;cnpj_filial;ean;tipo;quantidade;ocorrido_em;pedido`, then a trailer `FIM;<number of movements>` (a
  file without it is incomplete). Once applied, a file is moved to retorno/processados/.
"""

from __future__ import annotations

from include.connectors.base import Connector
from include.connectors.config import sftp_keys
from include.connectors.formats import Csv
from include.connectors.inbound import CsvRecords, StockMovements
from include.connectors.transports.sftp import SftpInbox, SftpUpload
from include.connectors.types import INCREMENTAL, Direction, IntegrationType
from include.connectors.wms import MOVEMENT_FIELDS, replenishment_orders


class ExactWms(Connector):
    spec = IntegrationType(
        code="exact_wms",
        name="Exact WMS",
        business="Armazém (WMS)",
        data="Pedidos (envio); movimentos de estoque (retorno)",
        file_format="CSV ;",
        transport="SFTP",
        direction=Direction.BOTH,
        window=INCREMENTAL,
        keys=sftp_keys("/exact"),
        domains=("exactwms.com.br",),
    )
    datasets = (replenishment_orders(Csv(decimal_comma=False), "exact_pedidos_filial{branch}_{start}_{end}_t{task}"),)
    transport = SftpUpload()
    inbox = SftpInbox()
    inbound = StockMovements(CsvRecords(MOVEMENT_FIELDS))
