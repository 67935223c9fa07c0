"""The catalog of integration types: every connector's declaration (`spec`: identity, keys, manual-run flag,
window policy, domains, time limits), with the operator's domains where INTEGRACOES_PARTNER_DOMAINS replaces
a type's. The database catalog is synced from here at start.

Adding a partner = its connector module (which declares its spec) and SQL, and a line in the registry.
"""

from __future__ import annotations

from dataclasses import replace

from include.connectors import partner_domains
from include.connectors.registry import CONNECTORS
from include.connectors.types import IntegrationType

# Read once, at import, so that the registration's rule (`IntegrationType.domains`) and the delivery's (each
# connector's `domains()`) always agree. A changed setting needs a restart.
_OPERATOR_DOMAINS = partner_domains.configured_domains(known=CONNECTORS)

TYPES: tuple[IntegrationType, ...] = tuple(
    replace(connector.spec, domains=_OPERATOR_DOMAINS[code]) if code in _OPERATOR_DOMAINS else connector.spec
    for code, connector in CONNECTORS.items()
)
CATALOG: dict[str, IntegrationType] = {t.code: t for t in TYPES}
