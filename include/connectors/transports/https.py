"""HTTPS to a partner's API: file upload and connection check, with the authentication variants of our
partners (bearer token, API key header, user/password, key + HMAC of the body, OAuth2 client credentials).

Plain `requests` rather than Airflow's HttpHook: endpoints and credentials live in the integration's
encrypted configuration, not in Airflow connections. TLS is always verified (REQUESTS_CA_BUNDLE lets a
deployment add its own authority, as the local partner sandbox does). The host must be one of the
partner's (see `hosts.ensure_allowed`), checked again here in case a stored URL predates the rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar

from include.connectors import hosts
from include.connectors.base import Delivery, Receipt, Transport
from include.connectors.errors import (
    CredentialsRefusedError,
    PartnerRejectedError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)
from include.connectors.transports.http_auth import Auth

if TYPE_CHECKING:  # `requests` is imported when a request is made: DAG files import this module
    import requests

CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 120
_MAX_DETAIL = 300
URL_KEY = "url_api"


@dataclass(frozen=True)
class HttpsUpload(Transport):
    """POST the file to `{url_api}{path}` (`{dataset}` in the path names the file's data set); the partner
    answers JSON with a protocol."""

    auth: Auth
    path: str = ""
    check_path: str = "/ping"
    protocol_field: str = "protocolo"
    url_key: str = URL_KEY
    label: ClassVar[str] = "HTTPS"
    extra_keys: frozenset[str] = field(default_factory=frozenset)

    def keys(self) -> frozenset[str]:
        return frozenset({self.url_key}) | self.auth.keys() | self.extra_keys

    def deliver(self, delivery: Delivery, config: Mapping[str, str], headers: Mapping[str, str]) -> Receipt:
        # A partner with several data sets may take each at its own address: "/{dataset}" in the path.
        url = self._url(config, self.path.format(dataset=delivery.dataset))
        base = {
            **headers,
            "Idempotency-Key": delivery.idempotency_key,
            "X-Arquivo": delivery.name,
            "Content-Type": delivery.content_type,
            "Content-Length": str(delivery.size),
        }
        answer = _answer(self._send("POST", url, base, delivery.body, config))
        protocol = answer.get(self.protocol_field)
        if not protocol:
            raise PartnerRejectedError("o parceiro não informou o protocolo de recebimento")
        return Receipt(str(protocol), duplicate=bool(answer.get("duplicado")))

    def check(self, config: Mapping[str, str]) -> None:
        _answer(self._send("GET", self._url(config, self.check_path), {}, None, config))

    def _url(self, config: Mapping[str, str], path: str) -> str:
        url = config[self.url_key].rstrip("/") + path
        hosts.ensure_allowed(url)
        return url

    def _send(
        self, method: str, url: str, headers: dict[str, str], body: BinaryIO | None, config: Mapping[str, str]
    ) -> requests.Response:
        """One request, authenticated; a refused token (401) is renewed once when the auth can renew it."""
        response = self._request(method, url, headers, body, config, renew=False)
        if response.status_code == 401 and self.auth.renewable:
            if body is not None:
                body.seek(0)
            response = self._request(method, url, headers, body, config, renew=True)
        return response

    def _request(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: BinaryIO | None,
        config: Mapping[str, str],
        *,
        renew: bool,
    ) -> requests.Response:
        import requests

        signed = {**headers, **self.auth.headers(config, body, renew=renew)}
        try:
            return requests.request(method, url, data=body, headers=signed, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S))
        except requests.Timeout as error:
            raise PartnerTimeoutError(str(error)) from error
        except requests.ConnectionError as error:
            raise PartnerUnavailableError("conexão", str(error)[:_MAX_DETAIL]) from error


def _answer(response: requests.Response) -> dict[str, Any]:
    """The partner's JSON answer, or the delivery error its status means."""
    status = response.status_code
    if status in (401, 403):
        raise CredentialsRefusedError(f"HTTP {status}")
    if status in (400, 409, 413, 415, 422):
        raise PartnerRejectedError(detail(response) or f"HTTP {status}")
    if status >= 300:
        raise PartnerUnavailableError(status, detail(response))
    try:
        answer = response.json()
    except ValueError as error:
        raise PartnerUnavailableError(status, "resposta inválida do parceiro") from error
    if not isinstance(answer, dict):
        raise PartnerUnavailableError(status, "resposta inválida do parceiro")
    return answer


def detail(response: requests.Response) -> str:
    """The partner's own words about an error (bounded; never our request)."""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return response.text[:_MAX_DETAIL].strip()
    if isinstance(body, dict):
        return str(body.get("mensagem") or body.get("message") or body.get("erro") or "")[:_MAX_DETAIL]
    return ""
