"""HTTPS partners of the sandbox with rules of their own: Dito (HMAC) and SNGPC (Basic + XSD); and what every
HTTPS twin shares (standard partners: sandbox/twins.py).

Each route checks what the partner's contract says (authentication, content type, schema, required
fields) and answers like a partner would; accepted files are recorded through `Sandbox.record`.
Demo and test credentials are fixed here: the sandbox stands in for partners, it keeps no real secrets.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox import contracts
from sandbox.state import Sandbox, basic_pair, bearer_token

DITO_SECRETS = {"demo-dito-key": "demo-dito-secret", "conformidade-dito": "conformidade-segredo"}
SNGPC_USERS = {"farmaciavida": "demo-sngpc-senha", "conformidade": "conformidade-segredo"}
# The secret each of these partners checks against a fixed value above (every other HTTPS twin takes any
# credential but "recusado"), by partner.
FIXED_SECRETS = {"dito": "api_secret", "sngpc": "senha"}
SIGNATURE_MAX_AGE_S = 300
SNGPC_MAX_DAYS = 7
_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sngpc.xsd"
_DITO_FIELDS = ("id_evento", "acao", "ocorrido_em", "cliente_cpf", "valor_total", "itens")


def bad(message: str, status: int = 422) -> web.Response:
    return web.json_response({"mensagem": message}, status=status)


def sandbox_of(request: web.Request) -> Sandbox:
    return request.app["sandbox"]  # type: ignore[no-any-return]


async def accept(request: web.Request, partner: str, body: bytes, dataset: str | None = None) -> web.Response:
    """Record an upload its route has checked, once it also follows the layout the connector declares for its
    data set (sandbox/contracts.py; None: the partner's only one)."""
    key, name = request.headers.get("Idempotency-Key", ""), request.headers.get("X-Arquivo", "")
    if not key or not name or "/" in name:
        return bad("Idempotency-Key e X-Arquivo são obrigatórios", 400)
    if problem := await contracts.refusal(contracts.contract(partner, dataset), body):
        return bad(problem)
    answer = sandbox_of(request).record(partner, name, body, key)
    await sandbox_of(request).stored(partner, request)
    return web.json_response(answer, status=200 if answer.get("duplicado") else 201)


# --- Dito: API key + HMAC-SHA256 of timestamp + "." + body, JSON Lines ----------------------------


def _dito_refused(request: web.Request, body: bytes) -> web.Response | None:
    secret = DITO_SECRETS.get(request.headers.get("X-Api-Key", ""))
    timestamp = request.headers.get("X-Timestamp", "")
    if secret is None or not timestamp.isdigit():
        return bad("chave de API inválida", 401)
    if abs(time.time() - int(timestamp)) > SIGNATURE_MAX_AGE_S:
        return bad("assinatura expirada", 401)
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Assinatura", "")):
        return bad("assinatura inválida", 401)
    return None


def _dito_problem(body: bytes) -> str | None:
    for number, line in enumerate(body.decode("utf-8").split("\n"), start=1):
        if not line:
            continue
        event = json.loads(line)
        missing = [f for f in _DITO_FIELDS if f not in event]
        if missing:
            return f"linha {number}: campos ausentes {', '.join(missing)}"
        if not (isinstance(event["cliente_cpf"], str) and len(event["cliente_cpf"]) == 11):
            return f"linha {number}: cliente_cpf deve ter 11 dígitos"
    return None


async def dito_events(request: web.Request) -> web.Response:
    if (failure := await sandbox_of(request).misbehave("dito", request=request)) is not None:
        return failure
    body = await request.read()
    if (refused := _dito_refused(request, body)) is not None:
        return refused
    if not request.content_type.startswith("application/x-ndjson"):
        return bad("envie application/x-ndjson", 415)
    try:
        problem = _dito_problem(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        problem = f"JSON Lines inválido: {error}"
    return bad(problem) if problem else await accept(request, "dito", body)


async def dito_ping(request: web.Request) -> web.Response:
    if (failure := await sandbox_of(request).misbehave("dito", request=request)) is not None:
        return failure
    return _dito_refused(request, b"") or web.json_response({"status": "ok"})


# --- SNGPC: HTTP Basic, XML valid against the layout's schema, at most 7 days ---------------------


def _sngpc_refused(request: web.Request) -> web.Response | None:
    user, password = basic_pair(request)
    if not password or SNGPC_USERS.get(user) != password:
        return bad("usuário ou senha inválidos", 401)
    return None


def _sngpc_problem(request: web.Request, body: bytes) -> str | None:
    from lxml import etree

    try:
        start = date.fromisoformat(request.headers.get("X-Periodo-Inicio", ""))
        end = date.fromisoformat(request.headers.get("X-Periodo-Fim", ""))
    except ValueError:
        return "informe X-Periodo-Inicio e X-Periodo-Fim (AAAA-MM-DD)"
    if not start <= end or (end - start).days + 1 > SNGPC_MAX_DAYS:
        return f"o período de um arquivo deve ter de 1 a {SNGPC_MAX_DAYS} dias"
    if not request.headers.get("X-CRF-Responsavel"):
        return "informe o CRF do farmacêutico responsável"
    schema = etree.XMLSchema(etree.parse(str(_SCHEMA)))
    try:
        document = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        return f"XML malformado: {error}"
    if not schema.validate(document):
        return f"XML fora do layout: {schema.error_log.last_error.message}"
    return None


async def sngpc_movements(request: web.Request) -> web.Response:
    if (failure := await sandbox_of(request).misbehave("sngpc", request=request)) is not None:
        return failure
    if (refused := _sngpc_refused(request)) is not None:
        return refused
    body = await request.read()
    problem = _sngpc_problem(request, body)
    return bad(problem) if problem else await accept(request, "sngpc", body)


async def sngpc_ping(request: web.Request) -> web.Response:
    if (failure := await sandbox_of(request).misbehave("sngpc", request=request)) is not None:
        return failure
    return _sngpc_refused(request) or web.json_response({"status": "ok"})


# --- API-key or token partners: ScannTech, Ligo, NaapYes, Control Shop, WebCompras, Pricefy ----------


def credential_refused(request: web.Request, *, bearer: bool) -> web.Response | None:
    """A token (`Authorization: Bearer`) or an API key (`X-Api-Key`): missing or "recusado" is refused."""
    credential = bearer_token(request) if bearer else request.headers.get("X-Api-Key", "")
    if credential in ("", "recusado"):
        return bad("credencial inválida", 401)
    return None


ROUTES: list[Any] = [
    web.post("/dito/v1/eventos", dito_events),
    web.get("/dito/v1/ping", dito_ping),
    web.post("/sngpc/movimentacoes", sngpc_movements),
    web.get("/sngpc/ping", sngpc_ping),
]
