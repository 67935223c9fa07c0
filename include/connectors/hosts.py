"""Where deliveries may go: each partner's own domains, never an arbitrary or internal host, and the very
address that was checked is the one a transport connects to.

A support agent types URLs and SFTP hosts into an integration's configuration; without this rule a typo
or a malicious edit could send a pharmacy's sales to any server, or probe our internal network from a
worker. Production hosts are an allow-list per type (`IntegrationType.domains`, declared by each connector,
which the operator may replace per type with INTEGRACOES_PARTNER_DOMAINS), checked at registration and again
when a connector reaches its partner (`reaching`: the transports below it need not know whose they are). At
delivery time a partner's name must also not resolve to a private, loopback or link-local address. The
partner sandbox of the demo and the tests is added by the stack through INTEGRACOES_PARTNER_HOSTS (never in
production), the one exception to both rules.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from include import settings
from include.connectors import addresses
from include.connectors.addresses import PartnerUrl
from include.connectors.errors import PartnerRejectedError, PartnerUnavailableError


def extra_hosts() -> frozenset[str]:
    """INTEGRACOES_PARTNER_HOSTS: the sandbox's hosts, which pass every rule (never in production)."""
    return settings.current().partner_hosts


def host_allowed(host: str, domains: Iterable[str]) -> bool:
    """Whether a host read by `addresses` (lower-case ASCII, no trailing dot) is one of the partner's."""
    if host in extra_hosts():
        return True
    return any(host == domain or host.endswith("." + domain) for domain in domains)


# The domains of the partner a connector is reaching now (none outside a connector's call: sandbox hosts only).
_REACHING: ContextVar[tuple[str, ...]] = ContextVar("partner_domains", default=())


@contextmanager
def reaching(domains: Iterable[str]) -> Iterator[None]:
    """Within it, `destination` admits the hosts of these domains: a connector wraps its calls to its transport
    and inbox, so that each partner's data can only go to that partner."""
    token = _REACHING.set(tuple(domains))
    try:
        yield
    finally:
        _REACHING.reset(token)


@dataclass(frozen=True)
class Destination:
    """Where a connection goes: the partner's name (for TLS and the Host header) and the one address checked
    for it, which is the address the transport connects to — a second DNS answer (rebinding) is never asked."""

    host: str
    port: int
    address: str

    @property
    def pinned(self) -> bool:
        """Whether the name differs from the address (an IP literal is its own address)."""
        return self.host != self.address


def partner_url(value: str) -> PartnerUrl:
    """A stored URL read strictly at delivery time (configurations saved before the rules are read again)."""
    try:
        return addresses.parse_url(value)
    except addresses.AddressError:
        raise PartnerRejectedError("o endereço configurado do parceiro é inválido") from None


def destination(host: str, port: int, domains: Iterable[str] | None = None) -> Destination:
    """The checked address to connect to for a partner's host, or the reason it may not be reached.

    Without `domains`, those of the partner being reached (`reaching`); the sandbox hosts always pass."""
    try:
        host = addresses.parse_host(host)
    except addresses.AddressError:
        raise PartnerRejectedError("o endereço configurado do parceiro é inválido") from None
    if domains is None:
        domains = _REACHING.get()
    if not host_allowed(host, domains):
        raise PartnerRejectedError(f"o endereço {host} não pertence ao parceiro")
    found = _resolve(host, port)
    if host not in extra_hosts() and any(not address.is_global for address in found):
        raise PartnerRejectedError(f"o endereço {host} aponta para uma rede interna")
    return Destination(host, port, str(found[0]))


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """Every address of the name, in the resolver's order (one internal address among public ones is enough
    to refuse: a hijacked or mistaken DNS record must not turn a delivery into a probe of our network)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise PartnerUnavailableError("conexão", "servidor do parceiro não encontrado") from error
    found = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not found:
        raise PartnerUnavailableError("conexão", "servidor do parceiro não encontrado")
    return found
