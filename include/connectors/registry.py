"""The connectors the product can run, by type code (explicit and typed; no scanning, no dotted strings): each
declares its type (`spec`), and the catalog is theirs (include/connectors/catalog.py).

A type is *available* only when a connector here implements it: an integration of a type no longer here
cannot be registered, become a DAG or run, and its page says why.
"""

from __future__ import annotations

from include.connectors.audit import Audit
from include.connectors.base import Connector
from include.connectors.beneficios_unifabra import BeneficiosUnifabra
from include.connectors.boavista import BoaVista
from include.connectors.closeup import CloseUp
from include.connectors.control_shop import ControlShop
from include.connectors.cosmos import Cosmos
from include.connectors.delage_wms import DelageWms
from include.connectors.dito import Dito
from include.connectors.errors import ConnectorUnavailableError
from include.connectors.exact_wms import ExactWms
from include.connectors.fisoft_wms import FisoftWms
from include.connectors.iqvia import Iqvia
from include.connectors.iqvia_api import IqviaApi
from include.connectors.ligo import Ligo
from include.connectors.linked_farma import LinkedFarma
from include.connectors.linx_wms import LinxWms
from include.connectors.naapyes import NaapYes
from include.connectors.pricefy import Pricefy
from include.connectors.proffer import Proffer
from include.connectors.propz import Propz
from include.connectors.scanntech import ScannTech
from include.connectors.smarket import Smarket
from include.connectors.sngpc import Sngpc
from include.connectors.trivio import Trivio
from include.connectors.webcompras import WebCompras

CONNECTORS: dict[str, type[Connector]] = {
    connector.spec.code: connector
    for connector in (  # the catalog's order: GET /types and the form's list of types follow it
        NaapYes, BeneficiosUnifabra, Propz, WebCompras, ControlShop, BoaVista, Pricefy, LinkedFarma, Proffer, Dito,
        Smarket, Ligo, LinxWms, Trivio, Audit, Sngpc, ExactWms, FisoftWms, DelageWms, Iqvia, IqviaApi, Cosmos,
        ScannTech, CloseUp,
    )
}  # fmt: skip


def is_available(type_code: str) -> bool:
    return type_code in CONNECTORS


def connector_for(type_code: str) -> Connector:
    try:
        return CONNECTORS[type_code]()
    except KeyError:
        raise ConnectorUnavailableError(f"no connector implements type {type_code!r}") from None
