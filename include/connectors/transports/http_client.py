"""The one way out to a partner over HTTPS: the URL read strictly, the connection made to the address that was
checked for its host, redirects never followed, and transport failures turned into the product's classes.

requests resolves a URL's host itself when it connects, so an address checked before (`hosts.destination`)
could be answered differently a moment later (DNS rebinding). Here the request goes to the checked IP
address while TLS still names and verifies the partner's host (SNI and the certificate, through urllib3's
`server_hostname`) and the Host header carries its name. A redirect is an answer, not an instruction: a
partner's 3xx is reported like any other unexpected status, never followed to a host nobody checked.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from include.connectors import hosts
from include.connectors.errors import PartnerTimeoutError, PartnerUnavailableError

if TYPE_CHECKING:  # `requests` is imported when a request is made: DAG files import the transports
    import requests

log = logging.getLogger(__name__)

UNREACHABLE = "servidor do parceiro inacessível"
CERTIFICATE = "o certificado do servidor do parceiro não foi aceito"


def request(
    method: str, url: str, *, headers: Mapping[str, str] | None = None, timeout: tuple[float, float], **kwargs: Any
) -> requests.Response:
    """One request to a partner's URL (as stored: read and checked again here)."""
    import requests

    parsed = hosts.partner_url(url)
    target = hosts.destination(parsed.host, parsed.effective_port)
    sent_headers = dict(headers or {})
    sent_url = parsed.url()
    with requests.Session() as session:
        if target.pinned:
            if parsed.scheme == "https":
                session.mount("https://", _pinned_adapter(target.host))
            address = f"[{target.address}]" if ":" in target.address else target.address
            sent_url = f"{parsed.scheme}://{address}:{parsed.effective_port}{parsed.rest}"
            sent_headers["Host"] = parsed.netloc
        try:
            return session.request(
                method, sent_url, headers=sent_headers, timeout=timeout, allow_redirects=False, **kwargs
            )
        except requests.Timeout as error:
            log.info("Partner %s did not answer in time: %s", parsed.host, error)
            raise PartnerTimeoutError("o parceiro não respondeu a tempo") from error
        except requests.exceptions.SSLError as error:
            log.warning("TLS with partner %s failed: %s", parsed.host, error)
            if _caused_by_certificate(error):
                raise PartnerUnavailableError("certificado", CERTIFICATE) from error
            raise PartnerUnavailableError("conexão", UNREACHABLE) from error
        except requests.ConnectionError as error:
            # Refused, reset or closed mid-handshake are one class to a person: which one it was would tell
            # an agent which ports of a host are open (the detail stays in the task log).
            log.info("Partner %s unreachable: %s", parsed.host, error)
            raise PartnerUnavailableError("conexão", UNREACHABLE) from error


def _caused_by_certificate(error: BaseException) -> bool:
    """Whether a TLS failure was the server's certificate (not, say, a port that speaks no TLS at all): the
    chain of wrapped errors urllib3 and requests build around ssl's own."""
    import ssl

    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        pending += [*current.args, getattr(current, "reason", None), current.__cause__, current.__context__]
    return False


def _pinned_adapter(server_hostname: str) -> Any:
    from requests.adapters import HTTPAdapter

    class PinnedAdapter(HTTPAdapter):
        """Connections of this adapter present and verify `server_hostname` whatever address they reach."""

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs, server_hostname=server_hostname)

    return PinnedAdapter()
