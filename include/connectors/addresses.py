"""One strict reading of a partner's address (a URL or an SFTP host), and the canonical text rebuilt from it.

The allow-list of partner hosts (`hosts.py`) is only as good as the parser it trusts. `urllib.parse.urlsplit`
and the library that connects (urllib3, under requests) disagree on hostile input: for
`https://A\\@B/` urlsplit sees host B, while urllib3 reads `\\` as the start of the path and connects to A.
So an address is read once, here, by rules narrower than either parser (no userinfo, no backslash, no
control or non-ASCII characters outside the host, one canonical form per IP address, a port from 1 to
65535), and what is sent is the URL rebuilt from the parts that were checked, never the text as typed.
urllib3 must then read the rebuilt URL exactly as we did, which `parse_url` checks on the way out.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

_AUTHORITY_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<rest>.*)", re.DOTALL)
# RFC 3986 path and query characters (pchar, "/" and "?"), percent-escapes checked apart.
_REST = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*")
_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TOP_LABEL = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_DOTTED_QUAD = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_MAX_HOST = 253


class AddressError(ValueError):
    """Why an address is refused: a key of the message catalog (`validation.*`)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class PartnerUrl:
    """A URL read by the strict rules: lower-case ASCII host (IDNA), port when given, path and query."""

    scheme: str
    host: str
    port: int | None
    rest: str  # path and query, as typed (checked characters only)

    @property
    def effective_port(self) -> int:
        return self.port or (443 if self.scheme == "https" else 80)

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if self.port else host

    def url(self, suffix: str = "") -> str:
        """The canonical text; `suffix` (a path of the partner's API, checked like the rest) is appended."""
        rest = self.rest.rstrip("/") + suffix if suffix else self.rest
        if not _REST.fullmatch(suffix) or _ESCAPE.search(suffix):
            raise AddressError("validation.url_characters")
        return f"{self.scheme}://{self.netloc}{rest}"


def parse_url(value: str, *, schemes: tuple[str, ...] = ("https",)) -> PartnerUrl:
    """The URL read strictly, or AddressError with the reason a person can act on."""
    text = value.strip()
    if not text.isascii() and not _only_host_is_unicode(text):
        raise AddressError("validation.url_characters")
    if any(ord(c) <= 32 or ord(c) == 127 or c == "\\" for c in text):
        raise AddressError("validation.url_characters")
    match = _AUTHORITY_URL.fullmatch(text)
    if not match or match["scheme"].lower() not in schemes:
        raise AddressError("validation.url_https" if schemes == ("https",) else "validation.url")
    authority, rest = match["authority"], match["rest"]
    if "@" in authority:
        raise AddressError("validation.url_credentials")
    if rest.startswith("#") or "#" in rest:
        raise AddressError("validation.url_characters")
    if rest and not rest.startswith(("/", "?")):
        raise AddressError("validation.url_https")
    if not _REST.fullmatch(rest) or _ESCAPE.search(rest):
        raise AddressError("validation.url_characters")
    host_text, port = _split_port(authority)
    parsed = PartnerUrl(match["scheme"].lower(), parse_host(host_text, bracketed=True), port, rest)
    _same_as_urllib3(parsed)
    return parsed


def parse_host(value: str, *, bracketed: bool = False) -> str:
    """A host name (IDNA, lower-case ASCII, no trailing dot) or one IP address in its canonical form.

    Forms some resolvers still accept for an IP address (`2130706433`, `0x7f000001`, `127.1`, `0177.0.0.1`)
    are refused: they would pass a name check and reach an address nobody meant."""
    text = value.strip()
    if bracketed and text.startswith("["):
        if not text.endswith("]"):
            raise AddressError("validation.host")
        return _ipv6(text[1:-1])
    if ":" in text:  # an IPv6 address written without brackets (an SFTP host field)
        if bracketed:
            raise AddressError("validation.host")
        return _ipv6(text)
    if _DOTTED_QUAD.fullmatch(text):
        try:
            return str(ipaddress.IPv4Address(text))  # no leading zeros (octal), each part 0-255
        except ValueError:
            raise AddressError("validation.host") from None
    return _dns_name(text)


def _dns_name(text: str) -> str:
    name = text.rstrip(".") if text.endswith(".") and not text.endswith("..") else text
    if not name.isascii():
        name = _idna(name)
    name = name.lower()
    labels = name.split(".")
    if not name or len(name) > _MAX_HOST or not all(_LABEL.fullmatch(label) for label in labels):
        raise AddressError("validation.host")
    # The last label of a public name is alphabetic (or an IDN's xn--): "127.1" or "2130706433" are not names.
    if not _TOP_LABEL.fullmatch(labels[-1]):
        raise AddressError("validation.host")
    return name


def _idna(name: str) -> str:
    import idna  # requests' own dependency: the same encoding the connection would use

    try:
        return str(idna.encode(name, uts46=True).decode("ascii"))
    except idna.IDNAError:
        raise AddressError("validation.host") from None


def _ipv6(text: str) -> str:
    if "%" in text:  # a zone id names a local interface, never a partner
        raise AddressError("validation.host")
    try:
        return str(ipaddress.IPv6Address(text))
    except ValueError:
        raise AddressError("validation.host") from None


def _split_port(authority: str) -> tuple[str, int | None]:
    host, port = authority, ""
    if authority.startswith("["):
        close = authority.find("]")
        host, tail = authority[: close + 1], authority[close + 1 :]
        if close < 0 or (tail and not tail.startswith(":")):
            raise AddressError("validation.host")
        port = tail[1:] if tail else ""
        if tail == ":":
            raise AddressError("validation.port")
    elif ":" in authority:
        host, _, port = authority.partition(":")
        if not port:
            raise AddressError("validation.port")
    if not host:
        raise AddressError("validation.url_https")
    if not port:
        return host, None
    if not (port.isascii() and port.isdigit()) or not 1 <= int(port) <= 65535:
        raise AddressError("validation.port")
    return host, int(port)


def _only_host_is_unicode(text: str) -> bool:
    """An internationalised host name is fine (IDNA encodes it); non-ASCII elsewhere is not."""
    match = _AUTHORITY_URL.fullmatch(text)
    return bool(match) and match is not None and match["scheme"].isascii() and match["rest"].isascii()


def _same_as_urllib3(parsed: PartnerUrl) -> None:
    """The connecting library must read the rebuilt URL as we did (a guard against a parser difference we
    have not thought of; it never fires on an address that passed the rules above)."""
    from urllib3.util import parse_url as urllib3_parse

    seen = urllib3_parse(parsed.url())
    host = (seen.host or "").strip("[]").lower()
    if host != parsed.host or seen.port != parsed.port or seen.auth:
        raise AddressError("validation.url_https")
