"""HTTPS routes of the inbound partners (Linx WMS, Delage WMS, Cosmos) and the control API of every inbox.

Partner side, under each partner's `url_api` (`/linx/wms`, `/delage/wms`, `/cosmos`):
    POST {url_api}/pedidos                  orders (WMS only); an accepted file yields a movement file
    GET  {url_api}{path}                    the credential's files not yet confirmed, oldest first
    GET  {url_api}{path}/{id}               a file's bytes (maybe cut short: see `truncar_em`)
    POST {url_api}{path}/{id}/confirmacao   confirms a file (idempotent)
    GET  {url_api}/ping                     connection check (authenticates, like the listing)
with path `/retornos` (WMS) or `/atualizacoes` (Cosmos). The failure modes of `/_sandbox/<partner>/mode`
apply to all of them. The control API (`/_sandbox/<partner>/inbox...`, `/_sandbox/cosmos/catalogo`) serves
the SFTP partners' inboxes too, and Proffer's (its routes, on `HttpsInbound` as well, are in sandbox/proffer.py).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from sandbox import contracts, inbound
from sandbox.bad_files import BadKindError
from sandbox.catalogue import is_valid_ean
from sandbox.inbound import HttpsInbox, InboundPartner
from sandbox.state import Sandbox, basic_pair, bearer_token
from sandbox.wms_layouts import LayoutError

REFUSED_SECRETS = ("recusado", "recusada")  # the documented triggers of a refused credential, not secrets
Handler = Callable[[web.Request], Awaitable[web.Response]]


def _bad(message: str, status: int = 422) -> web.Response:
    return web.json_response({"mensagem": message}, status=status)


def _sandbox(request: web.Request) -> Sandbox:
    return request.app["sandbox"]  # type: ignore[no-any-return]


def bearer_credential(request: web.Request) -> str:
    """The token of `Authorization: Bearer`, or "" when missing or refused."""
    token = bearer_token(request)
    return "" if token in REFUSED_SECRETS else token


def basic_credential(request: web.Request) -> str:
    """The user name of `Authorization: Basic`, or "" when missing, malformed or refused."""
    user, password = basic_pair(request)
    return user if user and password and password not in REFUSED_SECRETS else ""


@dataclass(frozen=True)
class HttpsInbound:
    """One HTTPS inbound partner: where its API lives, how it authenticates, what it takes and offers."""

    partner: InboundPartner
    prefix: str
    path: str
    basic: bool = False  # HTTP Basic (the credential is the user name) instead of a Bearer token
    order_types: tuple[str, ...] = ()  # content types of the orders; none: the partner takes no orders
    order_headers: tuple[str, ...] = ("Idempotency-Key", "X-Arquivo")
    media_type: str = "application/json"

    @property
    def code(self) -> str:
        return self.partner.code

    async def enter(self, request: web.Request, route: str = "") -> HttpsInbox | web.Response:
        """The failure mode, then the credential: the caller's inbox, or the answer that refuses it. Public:
        Proffer's uploads (sandbox/proffer.py) enter the same way."""
        if (failure := await _sandbox(request).misbehave(self.code, route, request=request)) is not None:
            return failure
        credential = basic_credential(request) if self.basic else bearer_credential(request)
        if not credential:
            return _bad("credencial inválida", 401)
        return HttpsInbox(_sandbox(request).data, self.partner, credential)

    async def ping(self, request: web.Request) -> web.Response:
        entered = await self.enter(request)
        return entered if isinstance(entered, web.Response) else web.json_response({"status": "ok"})

    async def listing(self, request: web.Request) -> web.Response:
        inbox = await self.enter(request)
        if isinstance(inbox, web.Response):
            return inbox
        inbound.ensure_default_catalogue(inbox)
        return web.json_response({"arquivos": [offer.listed() for offer in inbox.pending()]})

    async def download(self, request: web.Request) -> web.Response:
        inbox = await self.enter(request)
        if isinstance(inbox, web.Response):
            return inbox
        offer, body = inbox.find(request.match_info["id"]), inbox.served(request.match_info["id"])
        if offer is None or body is None:
            return _bad("arquivo não encontrado", 404)
        disposition = {"Content-Disposition": f'attachment; filename="{offer.nome}"'}
        return web.Response(body=body, content_type=self.media_type, headers=disposition)

    async def confirm(self, request: web.Request) -> web.Response:
        inbox = await self.enter(request, route="confirmacao")
        if isinstance(inbox, web.Response):
            return inbox
        if not inbox.confirm(request.match_info["id"]):
            return _bad("arquivo não encontrado", 404)
        return web.json_response({"confirmado": True})

    async def orders(self, request: web.Request) -> web.Response:
        """An order file: checked like the partner would, recorded, and answered by a movement file."""
        inbox = await self.enter(request)
        if isinstance(inbox, web.Response):
            return inbox
        if problem := self.upload_headers_problem(request):
            return _bad(problem, 400)
        if request.content_type not in self.order_types:
            return _bad(f"envie {self.order_types[0]}", 415)
        body, name = await request.read(), request.headers["X-Arquivo"]
        try:
            returns = inbound.plan_returns(self.partner, name, body, datetime.now(UTC))
        except LayoutError as error:
            return _bad(str(error))
        if problem := await contracts.refusal(contracts.contract(self.code), body):
            return _bad(problem)
        answer = _sandbox(request).record(self.code, name, body, request.headers["Idempotency-Key"])
        if not answer.get("duplicado"):
            inbound.offer_returns(_sandbox(request).data, inbox.credential, returns)
        return web.json_response(answer, status=200 if answer.get("duplicado") else 201)

    def upload_headers_problem(self, request: web.Request) -> str | None:
        """What an upload (an order, a Proffer file) lacks in its headers; None when they are complete."""
        missing = [h for h in self.order_headers if not request.headers.get(h)]
        if missing:
            return f"cabeçalhos obrigatórios ausentes: {', '.join(missing)}"
        if "/" in request.headers["X-Arquivo"] or request.headers["X-Arquivo"].startswith("."):
            return "X-Arquivo deve ser só o nome do arquivo"
        deposit = request.headers.get("X-Deposito", "")
        if "X-Deposito" in self.order_headers and not (deposit.isdigit() and 1 <= int(deposit) <= 9999):
            return "X-Deposito deve ser um código de depósito de 1 a 9999"
        return None

    def routes(self) -> list[web.RouteDef]:
        base = self.prefix + self.path
        routes = [
            web.get(f"{self.prefix}/ping", self.ping),
            web.get(base, self.listing),
            web.get(base + "/{id}", self.download),
            web.post(base + "/{id}/confirmacao", self.confirm),
        ]
        return [*routes, web.post(f"{self.prefix}/pedidos", self.orders)] if self.order_types else routes


HTTPS_PARTNERS = (
    HttpsInbound(
        inbound.PARTNERS["linx_wms"], "/linx/wms", "/retornos", basic=True,
        order_types=("application/xml", "text/xml"),
        order_headers=("Idempotency-Key", "X-Arquivo", "X-Deposito"), media_type="application/xml",
    ),
    HttpsInbound(inbound.PARTNERS["delage_wms"], "/delage/wms", "/retornos", order_types=("application/json",)),
    HttpsInbound(inbound.PARTNERS["cosmos"], "/cosmos", "/atualizacoes"),
)  # fmt: skip


# --- control API ---------------------------------------------------------------------------------------


class ControlError(ValueError):
    """A control call the sandbox cannot follow (the message says why, status 400 or 404)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _inbox(request: web.Request, credential: object, partner_code: str | None = None) -> inbound.Inbox:
    """The inbox a control call names: the partner from the path, the credential from the call."""
    code = partner_code or request.match_info["partner"]
    partner = inbound.PARTNERS.get(code)
    if partner is None:
        raise ControlError(f"parceiro sem caixa de entrada: {code}", 404)
    if not isinstance(credential, str) or not credential:
        raise ControlError("informe a credencial")
    try:
        return inbound.open_inbox(_sandbox(request).data, partner, credential)
    except ValueError as error:
        raise ControlError(str(error)) from None


async def _payload(request: web.Request) -> dict[str, Any]:
    try:
        payload = await request.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise ControlError("envie um objeto JSON")
    return payload


def _optional_int(payload: dict[str, Any], field: str) -> int | None:
    value = payload.get(field)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise ControlError(f"{field} deve ser um inteiro não negativo")
    return value


def _controlled(handler: Handler) -> Handler:
    """Turn a ControlError into its JSON answer."""

    async def answer(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except ControlError as error:
            return _bad(str(error), error.status)

    return answer


@_controlled
async def control_list(request: web.Request) -> web.Response:
    inbox = _inbox(request, request.query.get("credencial"))
    inbound.ensure_default_catalogue(inbox)
    return web.json_response([offer.controlled() for offer in inbox.files()])


@_controlled
async def control_file(request: web.Request) -> web.Response:
    content = _inbox(request, request.query.get("credencial")).original(request.match_info["id"])
    if content is None:
        raise ControlError("arquivo não encontrado", 404)
    return web.Response(body=content, content_type="application/octet-stream")


@_controlled
async def control_offer(request: web.Request) -> web.Response:
    payload = await _payload(request)
    inbox, name = _inbox(request, payload.get("credencial")), payload.get("nome")
    if not isinstance(name, str) or not inbound.FILE_NAME.fullmatch(name):
        raise ControlError("nome deve ter só letras, dígitos, '.', '_' e '-', sem começar por '.'")
    try:
        content = base64.b64decode(str(payload.get("conteudo_base64", "")), validate=True)
    except binascii.Error:
        raise ControlError("conteudo_base64 não é base64 válido") from None
    cut = _optional_int(payload, "truncar_em")
    try:
        offer = inbox.offer(name, content, served=None if cut is None else content[:cut])
    except ValueError as error:
        raise ControlError(str(error)) from None
    return web.json_response({"id": offer.id, "nome": offer.nome})


@_controlled
async def control_offer_bad(request: web.Request) -> web.Response:
    payload = await _payload(request)
    inbox = _inbox(request, payload.get("credencial"))
    try:
        offer = inbound.offer_bad(inbox, str(payload.get("tipo", "")), _optional_int(payload, "tamanho"))
    except BadKindError as error:
        raise ControlError(str(error)) from None
    return web.json_response({"id": offer.id, "nome": offer.nome})


@_controlled
async def control_catalogue(request: web.Request) -> web.Response:
    payload = await _payload(request)
    inbox, eans = _inbox(request, payload.get("credencial"), "cosmos"), payload.get("eans")
    if not isinstance(eans, list) or not eans or not all(isinstance(e, str) and is_valid_ean(e) for e in eans):
        raise ControlError("eans deve ser uma lista de EANs válidos (8 a 14 dígitos, dígito verificador GS1)")
    offer = inbound.offer_catalogue(inbox, eans)
    return web.json_response({"id": offer.id, "nome": offer.nome})


ROUTES: list[web.RouteDef] = [
    *(route for partner in HTTPS_PARTNERS for route in partner.routes()),
    web.post("/_sandbox/cosmos/catalogo", control_catalogue),
    web.get("/_sandbox/{partner}/inbox", control_list),
    web.post("/_sandbox/{partner}/inbox", control_offer),
    web.get("/_sandbox/{partner}/inbox/{id}", control_file),
    web.post("/_sandbox/{partner}/inbox/ruim", control_offer_bad),
]
