"""Each partner type's own domains: the only hosts its URLs and SFTP servers may name (include/connectors/hosts.py
enforces them, the catalog shows them as `IntegrationType.domains`), built in here and replaceable per type by the
operator through INTEGRACOES_PARTNER_DOMAINS.

A module of its own, below both the catalog and hosts, because each of them needs the table: hosts checks a host
against every partner's domains when a transport does not say whose it is, and the catalog fills each type's.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable

_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")

DOMAINS_ENV = "INTEGRACOES_PARTNER_DOMAINS"

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
    raw = os.environ.get(DOMAINS_ENV, "").strip()
    if not raw:
        return {}
    try:
        document = json.loads(raw)
    except ValueError as error:
        raise ValueError(f"{DOMAINS_ENV} is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise ValueError(f'{DOMAINS_ENV} must be an object: {{"<type>": ["<domain>", ...]}}')
    unknown = sorted(set(document) - set(known))
    if unknown:
        raise ValueError(f"{DOMAINS_ENV} names unknown types: {', '.join(unknown)}")
    domains: dict[str, tuple[str, ...]] = {}
    for code, names in document.items():
        if not isinstance(names, list) or not names or not all(_is_domain(n) for n in names):
            raise ValueError(f"{DOMAINS_ENV}: {code} needs a non-empty list of domain names")
        domains[code] = tuple(n.strip().lower().rstrip(".") for n in names)
    return domains


def _is_domain(name: object) -> bool:
    return isinstance(name, str) and _DOMAIN.fullmatch(name.strip().lower().rstrip(".")) is not None


DOMAINS: dict[str, tuple[str, ...]] = {**BUILT_IN, **configured_domains(known=BUILT_IN)}
