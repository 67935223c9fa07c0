"""HTTPS to a partner's API: file upload, the inbox of files it offers us, and connection check, with the
authentication variants of our partners (bearer token, API key header, user/password, key + HMAC of the
body, OAuth2 client credentials).

Plain `requests` rather than Airflow's HttpHook: endpoints and credentials live in the integration's
encrypted configuration, not in Airflow connections. TLS is always verified (REQUESTS_CA_BUNDLE lets a
deployment add its own authority, as the local partner sandbox does). Every request goes through
`http_client`: the stored URL is read strictly again, its host must be one of a partner's and is connected
to at the address that was checked, and redirects are never followed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar, cast

from include.connectors import hosts
from include.connectors.addresses import AddressError
from include.connectors.base import TIMEZONE, Delivery, Inbox, Receipt, ReceivedFile, Transport
from include.connectors.errors import CredentialsRefusedError, PartnerRejectedError, PartnerUnavailableError
from include.connectors.transports import http_client
from include.connectors.transports.http_auth import Auth

if TYPE_CHECKING:  # `requests` is imported when a request is made: DAG files import this module
    import requests

CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 120
_MAX_DETAIL = 300
URL_KEY = "url_api"


@dataclass(frozen=True)
class _PartnerApi:
    """A partner's API at `{url_api}`, authenticated as its contract says."""

    auth: Auth
    url_key: str = URL_KEY
    # What the partner's contract fixes in every request: its own headers, and headers that carry a key of the
    # integration's configuration (header, key), e.g. ("X-Empresa", "codigo_empresa").
    fixed_headers: tuple[tuple[str, str], ...] = ()
    key_headers: tuple[tuple[str, str], ...] = ()

    def api_keys(self) -> frozenset[str]:
        """The configuration keys every request reads: the address, the credentials, the keyed headers."""
        return frozenset({self.url_key, *(key for _, key in self.key_headers)}) | self.auth.keys()

    def _url(self, config: Mapping[str, str], path: str) -> str:
        """The partner's URL with one of its API's paths, rebuilt from the parts that were checked."""
        try:
            return hosts.partner_url(config[self.url_key]).url(path)
        except AddressError:
            raise PartnerRejectedError("o endereço configurado do parceiro é inválido") from None

    def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: BinaryIO | None,
        config: Mapping[str, str],
        *,
        stream: bool = False,
    ) -> requests.Response:
        """One request, authenticated; a refused token (401) is renewed once when the auth can renew it."""
        response = self._request(method, url, headers, body, config, renew=False, stream=stream)
        if response.status_code == 401 and self.auth.renewable:
            response.close()
            if body is not None:
                body.seek(0)
            response = self._request(method, url, headers, body, config, renew=True, stream=stream)
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
        stream: bool,
    ) -> requests.Response:
        declared = {**dict(self.fixed_headers), **{header: config[key] for header, key in self.key_headers}}
        signed = {**declared, **headers, **self.auth.headers(config, body, renew=renew)}
        return http_client.request(
            method, url, data=body, headers=signed, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S), stream=stream
        )


@dataclass(frozen=True)
class HttpsUpload(_PartnerApi, Transport):
    """POST the file to `{url_api}{path}` (`{dataset}` in the path names the file's data set); the partner
    answers JSON with a protocol."""

    path: str = ""
    check_path: str = "/ping"
    protocol_field: str = "protocolo"
    label: ClassVar[str] = "HTTPS"
    extra_keys: frozenset[str] = field(default_factory=frozenset)

    def keys(self) -> frozenset[str]:
        return self.api_keys() | self.extra_keys

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


_FILE_ID = re.compile(r"[A-Za-z0-9._-]{1,100}")


@dataclass(frozen=True)
class HttpsInbox(_PartnerApi, Inbox):
    """Files the partner offers at `{url_api}{path}`: GET lists them (`{"arquivos": [{id, nome, tamanho,
    sha256}]}`, oldest first), GET `{path}/{id}` downloads one, POST `{path}/{id}/confirmacao` acknowledges it."""

    path: str = "/retornos"
    label: ClassVar[str] = "HTTPS"

    def keys(self) -> frozenset[str]:
        return self.api_keys()

    def check(self, config: Mapping[str, str]) -> None:
        self._listing(config)

    def receive(self, config: Mapping[str, str], limit: int) -> Iterator[ReceivedFile]:
        for entry in self._listing(config)[:limit]:
            response = self._send("GET", self._url(config, f"{self.path}/{entry['id']}"), {}, None, config, stream=True)
            try:
                _ensure_ok(response)
                response.raw.decode_content = True  # the bytes of the file, whatever the transfer encoding
                body = cast(BinaryIO, response.raw)  # urllib3's response: a readable binary stream
                yield ReceivedFile(entry["id"], entry["nome"], body, entry["tamanho"], entry["sha256"])
            finally:
                response.close()

    def acknowledge(self, received: ReceivedFile, config: Mapping[str, str]) -> None:
        url = self._url(config, f"{self.path}/{received.partner_id}/confirmacao")
        _answer(self._send("POST", url, {}, None, config))

    def _listing(self, config: Mapping[str, str]) -> list[dict[str, Any]]:
        answer = _answer(self._send("GET", self._url(config, self.path), {}, None, config))
        entries = answer.get("arquivos")
        if not isinstance(entries, list):
            raise PartnerUnavailableError(200, "resposta inválida do parceiro (sem a lista de arquivos)")
        return [_entry(entry) for entry in entries]


def today_in_deployment() -> date:
    """The deployment's calendar day (America/Sao_Paulo): D-N of a query counts from it."""
    return datetime.now(TIMEZONE).date()


@dataclass(frozen=True)
class DailyQuery:
    """A dated question to the partner: GET `{path}?data=<day D-days_back>` (the deployment's calendar)."""

    kind: str
    path: str
    days_back: int

    def day(self, today: date) -> date:
        return today - timedelta(days=self.days_back)


@dataclass(frozen=True)
class HttpsQueries(_PartnerApi, Inbox):
    """The partner's answers to dated queries (a reconciliation, a payments report), each kept and applied
    like a received file: an answer identical to one already applied changes nothing. Nothing to acknowledge."""

    queries: tuple[DailyQuery, ...] = ()
    check_path: str = "/ping"
    label: ClassVar[str] = "HTTPS"
    acknowledges: ClassVar[bool] = False

    def keys(self) -> frozenset[str]:
        return self.api_keys()

    def check(self, config: Mapping[str, str]) -> None:
        _answer(self._send("GET", self._url(config, self.check_path), {}, None, config))

    def receive(self, config: Mapping[str, str], limit: int) -> Iterator[ReceivedFile]:
        today = today_in_deployment()
        for query in self.queries[:limit]:
            day = query.day(today)
            url = self._url(config, f"{query.path}?data={day.isoformat()}")
            response = self._send("GET", url, {"Accept": "application/json"}, None, config, stream=True)
            try:
                _ensure_ok(response)
                response.raw.decode_content = True
                body = cast(BinaryIO, response.raw)
                yield ReceivedFile("", f"{query.kind}_{day:%Y%m%d}.json", body, kind=query.kind)
            finally:
                response.close()

    def acknowledge(self, received: ReceivedFile, config: Mapping[str, str]) -> None:
        """An answer to a query needs no acknowledgement."""


def _entry(entry: Any) -> dict[str, Any]:
    """One listed file, checked: its id goes into a URL, its size and digest are the partner's word."""
    if not (isinstance(entry, dict) and isinstance(entry.get("id"), str) and _FILE_ID.fullmatch(entry["id"])):
        raise PartnerUnavailableError(200, "resposta inválida do parceiro (arquivo sem id válido)")
    size, digest = entry.get("tamanho"), entry.get("sha256")
    return {
        "id": entry["id"],
        "nome": str(entry.get("nome") or entry["id"]),
        "tamanho": size if isinstance(size, int) and size >= 0 else None,
        "sha256": digest.lower() if isinstance(digest, str) and re.fullmatch(r"[0-9a-fA-F]{64}", digest) else None,
    }


def _ensure_ok(response: requests.Response) -> None:
    status = response.status_code
    if status < 300:
        return
    response.close()
    if status in (401, 403):
        raise CredentialsRefusedError(f"HTTP {status}")
    raise PartnerUnavailableError(status, "o parceiro não entregou o arquivo anunciado")


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
