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

# Checked at import, so a setting naming an unknown type stops the start. The registration's rule reads these
# domains; a connector reads its type's entry of the same setting when it reaches its partner (`domains()`).
_OPERATOR_DOMAINS = partner_domains.configured_domains(known=CONNECTORS)

TYPES: tuple[IntegrationType, ...] = tuple(
    replace(connector.spec, domains=_OPERATOR_DOMAINS[code]) if code in _OPERATOR_DOMAINS else connector.spec
    for code, connector in CONNECTORS.items()
)
CATALOG: dict[str, IntegrationType] = {t.code: t for t in TYPES}
