"""The connectors the product can run, by type code (explicit and typed; no scanning, no dotted strings)."""

from __future__ import annotations

from include.connectors.base import Connector
from include.connectors.smarket import Smarket

CONNECTORS: dict[str, type[Connector]] = {
    Smarket.code: Smarket,
}
