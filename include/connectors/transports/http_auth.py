"""How an HTTPS partner authenticates a request: each variant names the configuration keys it reads."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO, ClassVar

from include.connectors import hosts
from include.connectors.addresses import AddressError
from include.connectors.errors import CredentialsRefusedError, PartnerRejectedError, PartnerUnavailableError
from include.connectors.transports import http_client

_CHUNK = 1 << 20


class Auth(ABC):
    renewable: ClassVar[bool] = False  # a 401 may mean an expired token that can be renewed once

    @abstractmethod
    def keys(self) -> frozenset[str]: ...

    @abstractmethod
    def headers(self, config: Mapping[str, str], body: BinaryIO | None, *, renew: bool) -> dict[str, str]: ...


@dataclass(frozen=True)
class BearerToken(Auth):
    key: str = "token"

    def keys(self) -> frozenset[str]:
        return frozenset({self.key})

    def headers(self, config: Mapping[str, str], body: BinaryIO | None, *, renew: bool) -> dict[str, str]:
        return {"Authorization": f"Bearer {config[self.key]}"}


@dataclass(frozen=True)
class ApiKeyHeader(Auth):
    key: str = "api_key"
    header: str = "X-Api-Key"

    def keys(self) -> frozenset[str]:
        return frozenset({self.key})

    def headers(self, config: Mapping[str, str], body: BinaryIO | None, *, renew: bool) -> dict[str, str]:
        return {self.header: config[self.key]}


@dataclass(frozen=True)
class KeyHeaders(Auth):
    """Several keys of the configuration, each in a header of its own (e.g. an access key and a secret key)."""

    headers_and_keys: tuple[tuple[str, str], ...]

    def keys(self) -> frozenset[str]:
        return frozenset(key for _, key in self.headers_and_keys)

    def headers(self, config: Mapping[str, str], body: BinaryIO | None, *, renew: bool) -> dict[str, str]:
        return {header: config[key] for header, key in self.headers_and_keys}


@dataclass(frozen=True)
class BasicAuth(Auth):
    user_key: str = "usuario"
    senha_key: str = "senha"

    def keys(self) -> frozenset[str]:
        return frozenset({self.user_key, self.senha_key})

    def headers(self, config: Mapping[str, str], body: BinaryIO | None, *, renew: bool) -> dict[str, str]:
        pair = f"{config[self.user_key]}:{config[self.senha_key]}".encode()
        return {"Authorization": "Basic " + _masked(base64.b64encode(pair).decode("ascii"))}


@dataclass(frozen=True)
class HmacSignature(Auth):
    """A public key header and `HMAC-SHA256(secret, timestamp + "." + body)` in hex, with the timestamp,
    so the partner can refuse a replayed or altered body. The body is read once to sign it (streamed),
    then rewound for sending."""

    key: str = "api_key"
    signing_key: str = "api_secret"

    def keys(self) -> frozenset[str]:
        return frozenset({self.key, self.signing_key})

    def headers(self, config: Mapping[str, str], body: BinaryIO | None, *, renew: bool) -> dict[str, str]:
        timestamp = str(int(time.time()))
        mac = hmac.new(config[self.signing_key].encode(), timestamp.encode() + b".", hashlib.sha256)
        if body is not None:
            while chunk := body.read(_CHUNK):
                mac.update(chunk)
            body.seek(0)
        return {"X-Api-Key": config[self.key], "X-Timestamp": timestamp, "X-Assinatura": mac.hexdigest()}


@dataclass(frozen=True)
class OAuth2ClientCredentials(Auth):
    """RFC 6749 §4.4: a token, cached per client until shortly before it expires and renewed when the API
    answers 401. Where the partner's contract fixes the token's path under its API (`endpoint_path`), that is
    where it is asked for; otherwise at the address of its own configuration key (`endpoint_key`)."""

    endpoint_key: str = "url_token"
    client_id_key: str = "client_id"
    client_credential_key: str = "client_secret"
    endpoint_path: str = ""
    api_url_key: str = "url_api"
    renewable: ClassVar[bool] = True

    def keys(self) -> frozenset[str]:
        address = self.api_url_key if self.endpoint_path else self.endpoint_key
        return frozenset({address, self.client_id_key, self.client_credential_key})

    def token_url(self, config: Mapping[str, str]) -> str:
        if not self.endpoint_path:
            return config[self.endpoint_key]
        try:
            return hosts.partner_url(config[self.api_url_key]).url(self.endpoint_path)
        except AddressError:
            raise PartnerRejectedError("o endereço configurado do parceiro é inválido") from None

    def headers(self, config: Mapping[str, str], body: BinaryIO | None, *, renew: bool) -> dict[str, str]:
        return {"Authorization": f"Bearer {_TOKENS.get(self, config, renew=renew)}"}

    def fetch_token(self, config: Mapping[str, str]) -> tuple[str, float]:
        response = http_client.request(
            "POST",
            self.token_url(config),
            data={"grant_type": "client_credentials"},
            auth=(config[self.client_id_key], config[self.client_credential_key]),
            timeout=(10, 30),
        )
        if response.status_code in (400, 401, 403):
            raise CredentialsRefusedError(f"token OAuth2: HTTP {response.status_code}")
        if response.status_code != 200:
            raise PartnerUnavailableError(response.status_code, "servidor de autenticação")
        try:
            answer = response.json()
            return _masked(str(answer["access_token"])), float(answer.get("expires_in", 300))
        except (ValueError, KeyError, TypeError) as error:
            raise PartnerUnavailableError(200, "resposta inválida do servidor de autenticação") from error


def _masked(value: str) -> str:
    """Derived credentials (an encoded password, a partner's token) are secrets too: Airflow's log masker
    hides them like the configured ones (those are registered when decrypted)."""
    from include.airflow_adapter.runtime import mask_secret

    mask_secret(value)
    return value


class _TokenCache:
    # Renew this long before the partner's expiry, so a token never expires in the middle of an upload.
    MARGIN_S = 30

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, auth: OAuth2ClientCredentials, config: Mapping[str, str], *, renew: bool) -> str:
        # The secret is part of the key: a changed secret never reuses the old one's token.
        digest = hashlib.sha256(config[auth.client_credential_key].encode()).hexdigest()
        cache_key = (auth.token_url(config), config[auth.client_id_key], digest)
        with self._lock:
            cached = self._tokens.get(cache_key)
            if cached and not renew and cached[1] > time.monotonic():
                return cached[0]
        token, lifetime = auth.fetch_token(config)
        with self._lock:
            self._tokens[cache_key] = (token, time.monotonic() + max(lifetime - self.MARGIN_S, 1))
        return token

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


_TOKENS = _TokenCache()
