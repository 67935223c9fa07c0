"""The operator's domains per partner type (INTEGRACOES_PARTNER_DOMAINS), which replace the ones a connector
declares (`IntegrationType.domains`): a partner that moves to a new domain needs a setting, not a release.

A module of its own, below the connectors and the catalog: a connector reads its type's entry when it reaches
its partner (`Connector.domains`), and the catalog checks the setting names only known types.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from include import settings

_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def operator_domains() -> dict[str, tuple[str, ...]]:
    """The setting, by type code, names normalised. JSON: {"smarket": ["smarket.com.br", "smkt.net"]}.
    A wrong setting stops the start with its reason (a silent fallback would send data where nobody meant)."""
    document = settings.current().partner_domains or {}  # its JSON is read there (an object of lists of names)
    domains: dict[str, tuple[str, ...]] = {}
    for code, names in document.items():
        if not all(_is_domain(n) for n in names):
            raise ValueError(f"INTEGRACOES_PARTNER_DOMAINS: {code} needs a non-empty list of domain names")
        domains[code] = tuple(n.strip().lower().rstrip(".") for n in names)
    return domains


def configured_domains(known: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The setting, which may name only the types in `known`."""
    domains = operator_domains()
    unknown = sorted(set(domains) - set(known))
    if unknown:
        raise ValueError(f"INTEGRACOES_PARTNER_DOMAINS names unknown types: {', '.join(unknown)}")
    return domains


def _is_domain(name: object) -> bool:
    return isinstance(name, str) and _DOMAIN.fullmatch(name.strip().lower().rstrip(".")) is not None
