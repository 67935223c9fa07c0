"""Proffer (price recommendation), the partner side: it takes three CSV files a day and answers every
accepted products file with one suggestions file, offered to the same token through the inbox mechanics of
the inbound partners (`sandbox.inbound`, `sandbox.inbound_routes.HttpsInbound`).

Under url_api `/proffer/v1`, every route with `Authorization: Bearer <token>`:
    POST {url_api}/produtos | /vendas | /compras   text/csv (UTF-8, `;`, `.` decimals, a header line), with
                                                    Idempotency-Key and X-Arquivo -> 201 {"protocolo"}, or
                                                    200 {"protocolo", "duplicado": true} for a repeated key
    GET  {url_api}/sugestoes                       the token's unconfirmed suggestions files, oldest first
    GET  {url_api}/sugestoes/{id}                  a file (application/json)
    POST {url_api}/sugestoes/{id}/confirmacao      confirms it
    GET  {url_api}/ping                            connection check
A failure mode set with `"rota": "produtos"` (or "vendas", "compras", "confirmacao") hits that route only.

The suggestion is deterministic, so tests and the demo know what arrives: the EAN picks a factor,
`FACTORS[int(ean) % 5]`, applied to the current price (itself rounded half-up to cents), rounded half-up
to cents, at least 0.01. The file is `sugestoes_<first 8 hex of the products file's sha256>.json`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from aiohttp import web

from sandbox import contracts, inbound
from sandbox.inbound_routes import Handler, HttpsInbound
from sandbox.state import Sandbox

CODE = "proffer"
# Each data set's header line, as the connector declares it (include/connectors/proffer.py).
HEADERS = {contract.dataset.name: contract.header_line for contract in contracts.CONTRACTS[CODE]}
FACTORS = tuple(Decimal(factor) for factor in ("0.92", "0.97", "1.00", "1.04", "1.10"))
CENT = Decimal("0.01")
_PRICE = re.compile(r"\d{1,9}(\.\d{1,6})?")  # `.` as the decimal separator, as the contract says
INBOX = HttpsInbound(inbound.PARTNERS[CODE], "/proffer/v1", "/sugestoes")


class ProfferFileError(ValueError):
    """A file off Proffer's layout; the message is what the partner answers (pt-BR, status 422)."""


@dataclass(frozen=True)
class Suggestion:
    """One element of a suggestions file: a product in a price zone, its price now and the one suggested."""

    ean: str
    zona: str
    preco_atual: Decimal
    preco_sugerido: Decimal

    def as_record(self) -> dict[str, str]:
        return {"ean": self.ean, "zona": self.zona, "preco_atual": f"{self.preco_atual}",
                "preco_sugerido": f"{self.preco_sugerido}"}  # fmt: skip


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def suggested_price(ean: str, price: Decimal) -> Decimal:
    """The EAN's factor on the price, to cents: about 2/5 of the products go down, 2/5 up, 1/5 stay."""
    return max(_cents(price * FACTORS[int(ean) % len(FACTORS)]), CENT)


def read_rows(kind: str, body: bytes) -> list[list[str]]:
    """The data rows of an upload, checked as Proffer would: UTF-8, its header line, its number of fields.
    Parsed as CSV (not split on `;`), so a quoted field may hold the delimiter."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProfferFileError("arquivo fora do UTF-8") from None
    header = text.split("\n", 1)[0].removesuffix("\r")
    if header != HEADERS[kind]:
        raise ProfferFileError(f"cabeçalho fora do layout: {header[:80]}")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[1:]
    width = HEADERS[kind].count(";") + 1
    for number, row in enumerate(rows, start=2):
        if row and len(row) != width:
            raise ProfferFileError(f"linha {number}: {len(row)} campos; o layout tem {width}")
    return [row for row in rows if row]


def suggestions(rows: Sequence[Sequence[str]]) -> list[Suggestion]:
    """One suggestion per products line, in the file's order (a line Proffer cannot price is refused)."""
    found = []
    for number, (ean, _, _, _, zone, price) in enumerate(rows, start=2):
        if not ean.isdigit():
            raise ProfferFileError(f"linha {number}: ean deve ter só dígitos: {ean[:20]}")
        if not _PRICE.fullmatch(price):
            raise ProfferFileError(f"linha {number}: preco deve usar ponto decimal: {price[:20]}")
        current = _cents(Decimal(price))
        found.append(Suggestion(ean, zone, current, suggested_price(ean, current)))
    return found


def render(found: Sequence[Suggestion]) -> bytes:
    document = {"sugestoes": [suggestion.as_record() for suggestion in found]}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def file_name(products: bytes) -> str:
    return f"sugestoes_{hashlib.sha256(products).hexdigest()[:8]}.json"


def _bad(message: str, status: int = 422) -> web.Response:
    return web.json_response({"mensagem": message}, status=status)


def _format_problem(request: web.Request) -> web.Response | None:
    """Headers before body: a missing key or name is 400, anything but UTF-8 text/csv is 415."""
    if problem := INBOX.upload_headers_problem(request):
        return _bad(problem, 400)
    if request.content_type != "text/csv" or (request.charset or "utf-8").lower() != "utf-8":
        return _bad("envie text/csv; charset=utf-8", 415)
    return None


async def upload(request: web.Request, kind: str) -> web.Response:
    """One of the three daily files: checked, recorded, and (products, the first time its key is seen)
    answered by a suggestions file for the same token."""
    inbox = await INBOX.enter(request, route=kind)
    if isinstance(inbox, web.Response):
        return inbox
    if (refused := _format_problem(request)) is not None:
        return refused
    body = await request.read()
    try:
        rows = read_rows(kind, body)
        found = suggestions(rows) if kind == "produtos" else None
    except ProfferFileError as error:
        return _bad(str(error))
    if problem := await contracts.refusal(contracts.contract(CODE, kind), body):
        return _bad(problem)
    sandbox: Sandbox = request.app["sandbox"]
    answer = sandbox.record(CODE, request.headers["X-Arquivo"], body, request.headers["Idempotency-Key"])
    if answer.get("duplicado"):
        return web.json_response(answer, status=200)
    if found is not None:
        inbox.offer(file_name(body), render(found), origin="sugestoes")
    return web.json_response(answer, status=201)


def _receiver(kind: str) -> Handler:
    async def receive(request: web.Request) -> web.Response:
        return await upload(request, kind)

    return receive


ROUTES: list[web.RouteDef] = [
    *INBOX.routes(),
    *(web.post(f"{INBOX.prefix}/{kind}", _receiver(kind)) for kind in HEADERS),
]
