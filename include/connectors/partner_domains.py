"""Each partner type's own domains: the only hosts its URLs and SFTP servers may name (include/connectors/hosts.py
enforces them, the catalog shows them as `IntegrationType.domains`), built in here and replaceable per type by the
operator through INTEGRACOES_PARTNER_DOMAINS.

A module of its own, below both the catalog and hosts, because each of them needs the table: hosts checks a host
against every partner's domains when a transport does not say whose it is, and the catalog fills each type's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from include import settings

_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")

# By type code; every type of the catalog has its entry (tests/connectors/test_hosts.py).
BUILT_IN: dict[str, tuple[str, ...]] = {
    "naapyes": ("naapyes.com.br",), "beneficios_unifabra": ("unifabra.com.br",), "propz": ("amazonaws.com",),
    "webcompras": ("webcompras.com.br",), "control_shop": ("controlshop.com.br",),
    "boavista": ("boavistaservicos.com.br",), "pricefy": ("pricefy.com.br",), "linked_farma": ("gruppy.com.br",),
    "proffer": ("proffer.com.br",), "dito": ("dito.com.br",), "smarket": ("smarket.com.br",), "ligo": ("ligo.com.br",),
    "linx_wms": ("linx.com.br",), "trivio": ("trivio.com.br",), "audit": ("auditpanel.com.br",),
    "sngpc": ("anvisa.gov.br",), "exact_wms": ("exactwms.com.br",), "fisoft_wms": ("fisoft.com.br",),
    "delage_wms": ("delage.com.br",), "iqvia": ("iqvia.com.br", "iqvia.com"),
    "iqvia_api": ("iqvia.com.br", "iqvia.com"), "cosmos": ("bluesoft.com.br",),
    "scanntech": ("scanntech.com.br", "scanntech.com"),
}  # fmt: skip


def configured_domains(known: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The operator's allow-list per type, replacing the built-in one of each type it names — a partner that
    moves to a new domain needs a setting, not a release. JSON: {"smarket": ["smarket.com.br", "smkt.net"]}.
    A wrong setting stops the start with its reason (a silent fallback would send data where nobody meant)."""
    document = settings.current().partner_domains or {}  # its JSON is read there (an object of lists of names)
    unknown = sorted(set(document) - set(known))
    if unknown:
        raise ValueError(f"INTEGRACOES_PARTNER_DOMAINS names unknown types: {', '.join(unknown)}")
    domains: dict[str, tuple[str, ...]] = {}
    for code, names in document.items():
        if not all(_is_domain(n) for n in names):
            raise ValueError(f"INTEGRACOES_PARTNER_DOMAINS: {code} needs a non-empty list of domain names")
        domains[code] = tuple(n.strip().lower().rstrip(".") for n in names)
    return domains


def _is_domain(name: object) -> bool:
    return isinstance(name, str) and _DOMAIN.fullmatch(name.strip().lower().rstrip(".")) is not None


# Read once, at import: the catalog copies each type's domains into its IntegrationType when it is built (at its own
# import), and hosts checks against the same table, so both always agree. A changed setting needs a restart.
DOMAINS: dict[str, tuple[str, ...]] = {**BUILT_IN, **configured_domains(known=BUILT_IN)}
