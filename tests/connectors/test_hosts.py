"""Where deliveries may go: a partner's own domains only, and never a name that resolves to an internal
address (private, loopback, link-local) — except the sandbox hosts the demo stack configures; and the address
a transport connects to is the one that was checked."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from include.connectors import addresses, hosts, partner_domains
from include.connectors.catalog import CATALOG
from include.connectors.errors import PartnerRejectedError, PartnerUnavailableError
from include.connectors.registry import CONNECTORS

SMARKET = ("smarket.com.br",)


def resolving_to(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> None:
    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, 0)) for address in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


# Private, loopback, link-local (cloud metadata), IPv6 loopback and unique-local, carrier-grade NAT, unspecified.
INTERNAL = ("10.0.0.5", "192.168.1.10", "127.0.0.1", "169.254.169.254", "::1", "fd00::1", "100.64.0.1",
            "0.0.0.0")  # noqa: S104  # fmt: skip


@pytest.mark.parametrize("address", INTERNAL)
def test_a_partner_name_resolving_to_an_internal_address_is_refused(
    monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    monkeypatch.delenv("INTEGRACOES_PARTNER_HOSTS", raising=False)
    resolving_to(monkeypatch, "200.160.2.3", address)  # one internal address among public ones is enough
    with pytest.raises(PartnerRejectedError, match="aponta para uma rede interna"):
        hosts.destination("api.smarket.com.br", 443, SMARKET)


def test_a_public_address_is_the_one_to_connect_to_and_an_unresolvable_name_is_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("INTEGRACOES_PARTNER_HOSTS", raising=False)
    resolving_to(monkeypatch, "200.160.2.3", "2804:214::1")
    target = hosts.destination("API.Smarket.com.br.", 443, SMARKET)
    assert (target.host, target.port, target.address, target.pinned) == ("api.smarket.com.br", 443, "200.160.2.3", True)

    def unknown(*args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror("Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    with pytest.raises(PartnerUnavailableError, match="não encontrado"):
        hosts.destination("api.smarket.com.br", 443, SMARKET)


def test_the_configured_sandbox_hosts_are_the_only_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_PARTNER_HOSTS", "127.0.0.1,localhost")
    resolving_to(monkeypatch, "127.0.0.1")
    assert not hosts.destination("127.0.0.1", 8443, SMARKET).pinned  # an IP address is its own address
    with pytest.raises(PartnerRejectedError, match="não pertence ao parceiro"):
        hosts.destination("10.0.0.5", 443, SMARKET)


@pytest.mark.parametrize(
    "url",
    [
        "https://2130706433:47319\\@localhost/smarket/v1",  # the probe's: urllib3 would connect to 2130706433
        "https://0x7f000001:47319\\@localhost/v1",
        "https://127.1:47319\\@localhost/v1",
        "https://evil.example.com@api.smarket.com.br/v1",
        "https://api.smarket.com.br\\@evil.example.com/v1",
        "https://api.smarket.com.br:99999/v1",
        "https://[::1",
        "https://api.smarket.com.br/v1#@evil.example.com",
        "https://api.smarket.com.br/v1\r\nHost: evil",
    ],
)
def test_a_stored_url_the_strict_reading_refuses_is_never_connected_to(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """A URL saved before the rules (or typed into the database) is read again at delivery time."""
    monkeypatch.setenv("INTEGRACOES_PARTNER_HOSTS", "127.0.0.1,localhost")
    with pytest.raises(PartnerRejectedError, match="inválido"):
        hosts.partner_url(url)


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_each_type_declares_its_domains_and_its_default_addresses_lie_within_them(code: str) -> None:
    spec = CATALOG[code]
    assert spec.domains, f"{code} declares no domain: nothing could be registered for it"
    for key in spec.keys:
        if (key.default or "").startswith("https://"):
            host = addresses.parse_url(str(key.default)).host
            assert hosts.host_allowed(host, spec.domains), f"{code}.{key.key} defaults to {host}, not its own"


def test_a_connector_reaches_its_own_partner_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """At delivery time the transports check the host against the domains of the connector calling them: one
    partner's data cannot go to another partner's host, nor anywhere outside a connector's call."""
    monkeypatch.delenv("INTEGRACOES_PARTNER_HOSTS", raising=False)
    resolving_to(monkeypatch, "200.160.2.3")
    with hosts.reaching(CONNECTORS["smarket"]().domains()):
        assert hosts.destination("api.smarket.com.br", 443).address == "200.160.2.3"
        with pytest.raises(PartnerRejectedError, match="não pertence ao parceiro"):
            hosts.destination("api.dito.com.br", 443)
    with pytest.raises(PartnerRejectedError, match="não pertence ao parceiro"):
        hosts.destination("api.smarket.com.br", 443)


def test_the_operator_s_domains_are_the_ones_a_connector_reaches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_PARTNER_DOMAINS", '{"smarket": ["smkt.net"]}')
    assert CONNECTORS["smarket"]().domains() == ("smkt.net",)
    assert CONNECTORS["dito"]().domains() == CATALOG["dito"].domains


def test_the_operator_replaces_a_type_s_domains_by_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_PARTNER_DOMAINS", '{"smarket": ["Smkt.net.", "smarket.com.br"]}')
    assert partner_domains.configured_domains(known={"smarket", "dito"}) == {"smarket": ("smkt.net", "smarket.com.br")}
    monkeypatch.delenv("INTEGRACOES_PARTNER_DOMAINS")
    assert partner_domains.configured_domains(known={"smarket"}) == {}


@pytest.mark.parametrize(
    ("setting", "reason"),
    [
        ("smarket.com.br", "not JSON"),
        ('["smarket.com.br"]', "must be an object"),
        ('{"nobody": ["x.com.br"]}', "unknown types: nobody"),
        ('{"smarket": []}', "non-empty list"),
        ('{"smarket": ["10.0.0.1"]}', "non-empty list"),
        ('{"smarket": ["https://smarket.com.br"]}', "non-empty list"),
    ],
)
def test_a_wrong_domains_setting_stops_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, setting: str, reason: str
) -> None:
    monkeypatch.setenv("INTEGRACOES_PARTNER_DOMAINS", setting)
    with pytest.raises(ValueError, match=reason):
        partner_domains.configured_domains(known={"smarket"})
