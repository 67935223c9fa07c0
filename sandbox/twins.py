"""Partner twins derived from the connector's declaration: a standard HTTPS partner needs one line here and no
handler of its own; only odd partners (a signature, a schema of their own, answers to query) write routes.

The twin of a connector that uploads with `HttpsUpload` and a standard authentication (a bearer token, an API
key header, user and password, OAuth2 client credentials), at its prefix (`/<code>` unless given):
- GET <check_path> answers a valid credential;
- POST <path> (one per data set when the path names it) takes a file with the credential, the headers the
  contract fixes (`fixed_headers`, `key_headers`), Idempotency-Key and X-Arquivo, the data set's content type,
  and a body that follows the declared layout (sandbox/contracts.py) whose rows carry every declared column;
- with OAuth2, POST <its endpoint_path> (or /oauth2/token, when the integration names its token address)
  issues tokens for the client_credentials grant, and POST /_sandbox/<code>/expire-tokens expires them all.

Any credential passes but an empty one and "recusado" (a test plays a refusal with it, or with the partner's
modes). `registration` is the configuration that reaches the twin: the demo registers it, and the conformance
suite delivers with it.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from aiohttp import web

from include.connectors.base import Connector, DataSet
from include.connectors.config import ConfigKey, Email, IntRange, OneOf
from include.connectors.formats import Json, JsonLines
from include.connectors.registry import CONNECTORS
from include.connectors.transports.http_auth import ApiKeyHeader, Auth, BasicAuth, BearerToken, OAuth2ClientCredentials
from include.connectors.transports.https import HttpsUpload
from sandbox.partners import accept, bad, sandbox_of
from sandbox.state import basic_pair, bearer_token

REFUSED = ("", "recusado")
TOKEN_LIFETIME_S = 3600
_OAUTH2_ENDPOINT = "/oauth2/token"  # where a twin issues tokens when the integration names the address


@dataclass(frozen=True)
class Twin:
    code: str
    prefix: str = ""  # default /<code>

    @cached_property
    def connector(self) -> type[Connector]:
        return CONNECTORS[self.code]

    @cached_property
    def transport(self) -> HttpsUpload:
        transport = self.connector.transport
        if not isinstance(transport, HttpsUpload) or not isinstance(transport.auth, _STANDARD_AUTH):
            raise TypeError(f"{self.code} is no standard HTTPS partner: its twin needs routes of its own")
        return transport

    @property
    def base(self) -> str:
        return self.prefix or f"/{self.code}"

    @property
    def token_route(self) -> str:
        auth = self.transport.auth
        return (auth.endpoint_path or _OAUTH2_ENDPOINT) if isinstance(auth, OAuth2ClientCredentials) else ""

    def routes(self) -> list[web.RouteDef]:
        paths = {self.transport.path.format(dataset=d.name): d for d in self.connector.datasets}
        routes = [web.get(self.base + self.transport.check_path, self.ping)]
        routes += [web.post(self.base + path, self._receiver(dataset)) for path, dataset in paths.items()]
        if self.token_route:
            routes.append(web.post(self.base + self.token_route, self.token))
            routes.append(web.post(f"/_sandbox/{self.code}/expire-tokens", self.expire_tokens))
        return routes

    def registration(self, sandbox_url: str) -> dict[str, str]:
        """A configuration that reaches this twin: its address, demo credentials, and for every other key
        without a default a value its rules accept."""
        auth, url = self.transport.auth, sandbox_url + self.base
        values = {self.transport.url_key: url}
        if isinstance(auth, OAuth2ClientCredentials) and not auth.endpoint_path:
            values[auth.endpoint_key] = url + self.token_route
        for key in self.connector.spec.keys:
            if key.key not in values and key.default is None:
                values[key.key] = _demo_value(self.code, key)
        return values

    # --- the partner's side ---

    def _refused(self, request: web.Request) -> web.Response | None:
        auth, headers = self.transport.auth, request.headers
        if isinstance(auth, ApiKeyHeader):
            credential = headers.get(auth.header, "")
        elif isinstance(auth, BasicAuth):
            credential = basic_pair(request)[1]
        else:
            credential = bearer_token(request)
            if isinstance(auth, OAuth2ClientCredentials):
                issued = self._tokens(request).get(credential, 0) > time.time()
                return None if issued else bad("token ausente ou expirado", 401)
        return bad("credencial inválida", 401) if credential in REFUSED else None

    async def ping(self, request: web.Request) -> web.Response:
        if (failure := await sandbox_of(request).misbehave(self.code, request=request)) is not None:
            return failure
        return self._refused(request) or web.json_response({"status": "ok"})

    def _receiver(self, dataset: DataSet) -> Any:
        async def receive(request: web.Request) -> web.Response:
            if (failure := await sandbox_of(request).misbehave(self.code, request=request)) is not None:
                return failure
            if (refused := self._refused(request)) is not None:
                return refused
            if wrong := next((h for h, v in self.transport.fixed_headers if request.headers.get(h) != v), None):
                return bad(f"cabeçalho {wrong} ausente ou fora do contrato", 400)
            if missing := next((h for h, _ in self.transport.key_headers if not request.headers.get(h)), None):
                return bad(f"cabeçalho {missing} ausente", 400)
            expected = dataset.format.content_type.split(";")[0]
            if request.content_type != expected and not dataset.gzip:
                return bad(f"envie {expected}", 415)
            body = await request.read()
            if not dataset.gzip and (missing := _missing_column(dataset, body)):
                return bad(missing)
            return await accept(request, self.code, body, dataset.name)

        return receive

    def _tokens(self, request: web.Request) -> dict[str, float]:
        return request.app.setdefault(f"{self.code}_tokens", {})  # type: ignore[no-any-return]

    async def token(self, request: web.Request) -> web.Response:
        if (failure := await sandbox_of(request).misbehave(self.code, request=request)) is not None:
            return failure
        client_id, secret = basic_pair(request)
        if (await request.post()).get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        if not client_id or secret in REFUSED:
            return web.json_response({"error": "invalid_client"}, status=401)
        token = secrets.token_urlsafe(24)
        self._tokens(request)[token] = time.time() + TOKEN_LIFETIME_S
        return web.json_response({"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_S})

    async def expire_tokens(self, request: web.Request) -> web.Response:
        """Control: every token issued so far expires now (a client must renew it once on the 401)."""
        self._tokens(request).clear()
        return web.json_response({"ok": True})


_STANDARD_AUTH: tuple[type[Auth], ...] = (ApiKeyHeader, BasicAuth, BearerToken, OAuth2ClientCredentials)


def _missing_column(dataset: DataSet, body: bytes) -> str | None:
    """A JSON row without one of the declared columns (the layout itself is the contract's to check)."""
    file_format = dataset.format
    rows: Any
    try:
        if isinstance(file_format, JsonLines):
            rows = [json.loads(line) for line in body.splitlines() if line.strip()]
        elif isinstance(file_format, Json):
            document = json.loads(body)
            rows = document.get(file_format.root) if file_format.root and isinstance(document, dict) else document
        else:
            return None
    except ValueError:
        return None  # the contract says why
    for number, row in enumerate(rows if isinstance(rows, list) else [], start=1):
        if isinstance(row, dict) and (missing := next((c for c in dataset.columns if c not in row), None)):
            return f"registro {number} sem o campo {missing}"
    return None


def _demo_value(code: str, key: ConfigKey) -> str:
    """A value the key's rules accept: its example, the first a rule allows, or a demo text."""
    rule = next(iter(key.rules), None)
    if key.example is not None:
        value = key.example
    elif isinstance(rule, IntRange):
        value = str(rule.min)
    elif isinstance(rule, OneOf):
        value = rule.values[0]
    elif isinstance(rule, Email):
        value = f"demo@{code}.example"
    else:
        value = f"demo-{code}-{key.key}".replace("_", "-")
    if (problem := key.problem(value)) is not None:
        raise ValueError(f"{code}.{key.key}: give the key an example its rules accept ({problem.key})")
    return value


# The partners whose twin is their declaration (prefix: where the demo and the tests already reach them).
TWINS: tuple[Twin, ...] = (
    Twin("smarket", "/smarket/v1"),
    Twin("scanntech", "/scanntech/v2"),
    Twin("ligo", "/ligo/v1"),
    Twin("naapyes", "/naapyes/v1"),
    Twin("control_shop", "/controlshop"),
    Twin("webcompras", "/webcompras/v2"),
    Twin("pricefy", "/pricefy/v1"),
    Twin("iqvia_api", "/iqvia/sellout/v1"),
    Twin("closeup"),
)
ROUTES: list[web.RouteDef] = [route for twin in TWINS for route in twin.routes()]
