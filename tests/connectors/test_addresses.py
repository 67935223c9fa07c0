"""The strict reading of a partner's address: what the allow-list checks is exactly what the connection uses.

The probe's bypass: `urlsplit` read `https://A\\@B/` as host B while urllib3 (under requests) connected to A.
Each hostile form below is refused with a reason a person can act on, and every accepted URL is read by urllib3
exactly as by us (`addresses._same_as_urllib3`)."""

from __future__ import annotations

import pytest
from urllib3.util import parse_url

from include.connectors import addresses
from include.connectors.addresses import AddressError

# (typed, reason key): each form a careless or malicious agent could type.
REFUSED = [
    ("https://2130706433:47319\\@localhost/smarket/v1", "validation.url_characters"),  # backslash
    ("https://evil.example.com\\@api.smarket.com.br/", "validation.url_characters"),
    ("https://user:pw@api.smarket.com.br/v1", "validation.url_credentials"),  # userinfo
    ("https://api.smarket.com.br@evil.example.com/", "validation.url_credentials"),
    ("https://2130706433/", "validation.host"),  # decimal IPv4
    ("https://0x7f000001/", "validation.host"),  # hexadecimal IPv4
    ("https://0177.0.0.1/", "validation.host"),  # octal IPv4
    ("https://127.1/", "validation.host"),  # short IPv4
    ("https://[::1", "validation.host"),  # unclosed IPv6 literal
    ("https://[fe80::1%25eth0]/", "validation.host"),  # zone id
    ("https://[::1]x/", "validation.host"),
    ("https://api.smarket.com.br:99999/", "validation.port"),
    ("https://api.smarket.com.br:65536/", "validation.port"),
    ("https://api.smarket.com.br:-1/", "validation.port"),
    ("https://api.smarket.com.br:0/", "validation.port"),
    ("https://api.smarket.com.br:/", "validation.port"),
    ("https://api.smarket.com.br:8o/", "validation.port"),
    ("https://api.smarket.com.br/v1#frag", "validation.url_characters"),
    ("https://api.smarket.com.br/a b", "validation.url_characters"),
    ("https://api.smarket.com.br/v1\r\nHost: x", "validation.url_characters"),  # header injection
    ("https://api.smarket.com.br/\x00", "validation.url_characters"),
    ("https://api.smarket.com.br/ção", "validation.url_characters"),  # non-ASCII outside the host
    ("https://api.smarket.com.br/%zz", "validation.url_characters"),
    ("http://api.smarket.com.br/", "validation.url_https"),
    ("ftp://api.smarket.com.br/", "validation.url_https"),
    ("api.smarket.com.br/v1", "validation.url_https"),
    ("https:///v1", "validation.url_https"),
    ("https://-bad-.com.br/", "validation.host"),
    ("https://api..com.br/", "validation.host"),
    ("https://a" + "b" * 64 + ".com.br/", "validation.host"),  # a label over 63
]


@pytest.mark.parametrize(("typed", "reason"), REFUSED)
def test_hostile_and_malformed_urls_are_refused_with_their_reason(typed: str, reason: str) -> None:
    with pytest.raises(AddressError) as refused:
        addresses.parse_url(typed)
    assert refused.value.key == reason


@pytest.mark.parametrize(
    ("typed", "host", "port", "canonical"),
    [
        ("HTTPS://Api.Smarket.com.br./v1?x=1", "api.smarket.com.br", None, "https://api.smarket.com.br/v1?x=1"),
        ("https://api.smarket.com.br:8443", "api.smarket.com.br", 8443, "https://api.smarket.com.br:8443"),
        ("https://127.0.0.1:47319/smarket/v1", "127.0.0.1", 47319, "https://127.0.0.1:47319/smarket/v1"),
        ("https://[::FFFF:7f00:1]:443/x", "::ffff:7f00:1", 443, "https://[::ffff:7f00:1]:443/x"),
        ("https://ｓｍａｒｋｅｔ.com.br/", "smarket.com.br", None, "https://smarket.com.br/"),  # fullwidth (NFKC)
        ("https://drogaria-são.com.br/", "xn--drogaria-so-i8a.com.br", None, "https://xn--drogaria-so-i8a.com.br/"),
        ("  https://api.smarket.com.br/v1  ", "api.smarket.com.br", None, "https://api.smarket.com.br/v1"),
    ],
)
def test_a_valid_url_is_read_once_and_rebuilt_as_urllib3_reads_it(
    typed: str, host: str, port: int | None, canonical: str
) -> None:
    parsed = addresses.parse_url(typed)
    assert (parsed.host, parsed.port, parsed.url()) == (host, port, canonical)
    seen = parse_url(parsed.url())
    assert ((seen.host or "").strip("[]"), seen.port, seen.auth) == (host, port, None)


def test_an_idn_lookalike_of_a_partner_domain_is_another_domain() -> None:
    """A Cyrillic "а" in "smаrket" is a different name (punycode): it never passes as the partner's."""
    assert addresses.parse_url("https://api.smаrket.com.br/").host.startswith("api.xn--")


def test_a_path_added_to_a_checked_url_is_checked_too() -> None:
    base = addresses.parse_url("https://api.smarket.com.br/v1/")
    assert base.url("/sellout") == "https://api.smarket.com.br/v1/sellout"
    with pytest.raises(AddressError):
        base.url("/x\\@evil.example.com")


@pytest.mark.parametrize("host", ["sftp.trivio.com.br", "SFTP.Trivio.com.br.", "200.160.2.3", "2804:214::1"])
def test_sftp_hosts_are_names_or_canonical_ip_addresses(host: str) -> None:
    assert addresses.parse_host(host) == host.lower().rstrip(".")


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "sftp.trivio.com.br:22", "a b.com", "[::1]"])
def test_other_sftp_host_forms_are_refused(host: str) -> None:
    with pytest.raises(AddressError):
        addresses.parse_host(host)
