"""BoaVista (card-sales reconciliation), the partner side, per our contract for it (until the partner's own
specification): it takes the day's card payments as JSON and answers, per access key, which of them it
found (reconciliation) and what it paid for them (payments).

Under url_api `/boavista/conciliacao`, every route with `X-Chave-Acesso` and `X-Chave-Secreta`:
    POST {url_api}/vendas                   application/json {"vendas": [...]} with Idempotency-Key and
                                            X-Arquivo -> 201 {"protocolo"}, or 200 {"protocolo",
                                            "duplicado": true} for a repeated key (nothing new stored)
    GET  {url_api}/conciliacao?data=D       the key's sales of day D, each with its status
    GET  {url_api}/pagamentos?data=D        what was paid on D: the key's found sales of the day before
    GET  {url_api}/ping                     connection check
Control: GET /_sandbox/boavista/vendas?chave=<access key> -> {"vendas": [...]}, the key's stored sales.
A failure mode set with `"rota": "vendas"` (or "conciliacao", "pagamentos", "ping") hits that route only.

No real secrets here: a pair is valid when the secret is the access key plus "-segredo". The answers are
deterministic, so tests and the demo know them in advance: `int(nsu) % 10` is 0 -> "nao_encontrada"
(valor_boavista null), 1 -> "divergente" (valor_boavista = valor_informado - 1.00, at least 0.01), otherwise
"conciliada" (valor_boavista = valor_informado). A payment is made the day after the sale, on valor_boavista,
less a 2.5% fee rounded half-up to cents. Sales are kept per access key in
`<data>/boavista/<sha256 of the key>.json`, keyed by (cnpj_filial, cupom, nsu): a re-sent sale replaces the
older one, and a restarted sandbox still answers for what it received before.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox import contracts
from sandbox.inbound_routes import Handler
from sandbox.state import Sandbox

CODE = "boavista"
PREFIX = "/boavista/conciliacao"
SECRET_SUFFIX = "-segredo"  # noqa: S105 (the sandbox's rule for a valid pair, not a secret)
CENT = Decimal("0.01")
DIVERGENCE = Decimal("1.00")
FEE_RATE = Decimal("0.025")
MAX_AMOUNT = Decimal("9999999999.99")
MODALITIES = ("credito", "debito")
FOUND = ("conciliada", "divergente")  # the statuses BoaVista pays
_CNPJ = re.compile(r"[0-9]{14}")
_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # date.fromisoformat alone would take "20261127"

SaleKey = tuple[str, int, str]


class SalesError(ValueError):
    """A sales document off the contract; the message is what BoaVista answers (pt-BR, status 422)."""


# --- a sale and the contract's deterministic rules ------------------------------------------------------------


@dataclass(frozen=True)
class Sale:
    """One card payment as BoaVista keeps it (valor_total already checked to be whole cents)."""

    cnpj_filial: str
    data: date
    cupom: int
    valor_total: Decimal
    bandeira: str
    modalidade: str
    parcelas: int
    nsu: str
    autorizacao: str

    @property
    def key(self) -> SaleKey:
        """Identity and order of a sale: a re-sent sale with the same key replaces the older one."""
        return (self.cnpj_filial, self.cupom, self.nsu)

    @property
    def status(self) -> str:
        """The contract's deterministic answer, so tests and the demo can predict every status."""
        residue = int(self.nsu) % 10
        return "nao_encontrada" if residue == 0 else "divergente" if residue == 1 else "conciliada"

    @property
    def acquirer_amount(self) -> Decimal | None:
        """What BoaVista says the acquirer captured: nothing, a real less (never below a cent), or the same."""
        status = self.status
        if status == "nao_encontrada":
            return None
        if status == "divergente":
            return max(self.valor_total - DIVERGENCE, CENT)
        return self.valor_total

    def as_record(self) -> dict[str, Any]:
        """The stored (and control-listed) form: JSON-safe, money as a 2-decimal string so it stays exact."""
        return {"cnpj_filial": self.cnpj_filial, "data": self.data.isoformat(), "cupom": self.cupom,
                "valor_total": money(self.valor_total), "bandeira": self.bandeira, "modalidade": self.modalidade,
                "parcelas": self.parcelas, "nsu": self.nsu, "autorizacao": self.autorizacao}  # fmt: skip

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Sale:
        """Back from the stored form written by `as_record` (trusted: the sandbox wrote it)."""
        fields = {**record, "data": date.fromisoformat(record["data"]), "valor_total": Decimal(record["valor_total"])}
        return cls(**fields)


def money(value: Decimal) -> str:
    """Money as the contract writes it: a string with exactly 2 decimals."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def fee(gross: Decimal) -> Decimal:
    """BoaVista's 2.5% fee, rounded half-up to cents (half-even would round 1.00's 0.025 down)."""
    return (gross * FEE_RATE).quantize(CENT, rounding=ROUND_HALF_UP)


def reconciliation(sales: Iterable[Sale], day: date) -> list[dict[str, Any]]:
    """The reconciliation answer's "vendas": the day's sales, in key order, each with its status."""
    return [
        {"cnpj_filial": sale.cnpj_filial, "cupom": sale.cupom, "nsu": sale.nsu,
         "valor_informado": money(sale.valor_total),
         "valor_boavista": None if (amount := sale.acquirer_amount) is None else money(amount),
         "situacao": sale.status}
        for sale in sorted(sales, key=lambda s: s.key)
        if sale.data == day
    ]  # fmt: skip


def payments(sales: Iterable[Sale], day: date) -> list[dict[str, Any]]:
    """The payments made on `day`: the previous day's sales BoaVista found, paid on its own amount."""
    sale_day, paid = day - timedelta(days=1), []
    for sale in sorted(sales, key=lambda s: s.key):
        gross = sale.acquirer_amount
        if sale.data != sale_day or gross is None:
            continue
        paid.append(
            {"cnpj_filial": sale.cnpj_filial, "cupom": sale.cupom, "nsu": sale.nsu,
             "data_venda": sale_day.isoformat(), "data_pagamento": day.isoformat(), "valor_bruto": money(gross),
             "taxa": money(fee(gross)), "valor_liquido": money(gross - fee(gross))}
        )  # fmt: skip
    return paid


# --- reading a sales document ---------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # JSON true is not a number


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_installments(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_iso_date(value: object) -> bool:
    if not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_amount(value: object) -> bool:
    """A JSON number (read as int or Decimal, never float) of whole cents within a sane range."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return False
    amount = Decimal(value)
    return amount.is_finite() and 0 <= amount <= MAX_AMOUNT and amount.quantize(CENT) == amount


# field -> (check, what the partner says when it fails)
CHECKS: dict[str, tuple[Callable[[object], bool], str]] = {
    "cnpj_filial": (lambda v: isinstance(v, str) and bool(_CNPJ.fullmatch(v)), "deve ser texto com 14 dígitos"),
    "data": (_is_iso_date, "deve ser uma data no formato AAAA-MM-DD"),
    "cupom": (_is_int, "deve ser um número inteiro"),
    "valor_total": (_is_amount, f"deve ser um número com até 2 casas decimais, de 0 a {MAX_AMOUNT}"),
    "bandeira": (_is_text, "deve ser texto"),
    "modalidade": (lambda v: isinstance(v, str) and v in MODALITIES, 'deve ser "credito" ou "debito"'),
    "parcelas": (_is_installments, "deve ser um número inteiro a partir de 1"),
    "nsu": (lambda v: isinstance(v, str) and bool(_DIGITS.fullmatch(v)), "deve ser texto só com dígitos"),
    "autorizacao": (_is_text, "deve ser texto"),
}


def _refuse_constant(name: str) -> Any:
    raise SalesError(f"JSON inválido: {name} não é um número")


def read_document(body: bytes) -> list[object]:
    """The "vendas" list of a body; numbers with decimals read as Decimal so no cent is lost to float."""
    try:
        document = json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SalesError(f"JSON inválido: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("vendas"), list):
        raise SalesError('o documento deve ser um objeto com a lista "vendas"')
    return list(document["vendas"])


def read_sale(index: int, element: object) -> Sale:
    """One element checked field by field, the first problem named as `vendas[i].campo`."""
    if not isinstance(element, dict):
        raise SalesError(f"vendas[{index}] deve ser um objeto")
    missing = [field for field in CHECKS if field not in element]
    if missing:
        raise SalesError(f"vendas[{index}]: campos obrigatórios ausentes: {', '.join(missing)}")
    for field, (check, problem) in CHECKS.items():
        if not check(element[field]):
            raise SalesError(f"vendas[{index}].{field} {problem}")
    fields = {field: element[field] for field in CHECKS}  # fields beyond the contract's are not kept
    return Sale(**{**fields, "data": date.fromisoformat(fields["data"]), "valor_total": Decimal(fields["valor_total"])})


def read_sales(body: bytes) -> list[Sale]:
    """Every sale of a body, or SalesError for the first thing off the contract (nothing is half-taken)."""
    return [read_sale(index, element) for index, element in enumerate(read_document(body))]


# --- per access key storage -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SalesStore:
    """The sales of each access key, one JSON file per key under `<data>/boavista/` (named by the key's
    sha256, so any key is a safe file name): read on every request, so a restart loses nothing."""

    data: Path

    def path(self, access_key: str) -> Path:
        return self.data / CODE / f"{hashlib.sha256(access_key.encode()).hexdigest()}.json"

    def sales(self, access_key: str) -> list[Sale]:
        """The key's sales in (cnpj_filial, cupom, nsu) order; none when it never sent any."""
        path = self.path(access_key)
        if not path.exists():
            return []
        return [Sale.from_record(record) for record in json.loads(path.read_text("utf-8"))["vendas"]]

    def merge(self, access_key: str, received: Sequence[Sale]) -> None:
        """Add the received sales, each replacing a stored one with the same key. Written to a temporary
        file and renamed, so a crash never leaves half a file; no await in between, so requests never
        interleave here."""
        kept = {sale.key: sale for sale in self.sales(access_key)}
        kept.update((sale.key, sale) for sale in received)
        document = {"vendas": [kept[key].as_record() for key in sorted(kept)]}
        path = self.path(access_key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", "utf-8")
        os.replace(temporary, path)


# --- routes -----------------------------------------------------------------------------------------------------


def _bad(message: str, status: int = 422) -> web.Response:
    return web.json_response({"mensagem": message}, status=status)


def _sandbox(request: web.Request) -> Sandbox:
    return request.app["sandbox"]  # type: ignore[no-any-return]


def _store(request: web.Request) -> SalesStore:
    return SalesStore(_sandbox(request).data)


def access_key(request: web.Request) -> str:
    """The access key of a valid pair, or "" (refused) when a header is missing or the pair does not match;
    an empty access key is "" either way."""
    key, secret = request.headers.get("X-Chave-Acesso", ""), request.headers.get("X-Chave-Secreta", "")
    return key if hmac.compare_digest(secret.encode(), (key + SECRET_SUFFIX).encode()) else ""


async def enter(request: web.Request, route: str) -> str | web.Response:
    """The failure mode first (as for every partner), then the keys: the caller's access key, or the
    answer that refuses the request."""
    if (failure := await _sandbox(request).misbehave(CODE, route, request=request)) is not None:
        return failure
    return access_key(request) or _bad("chaves de acesso inválidas", 401)


def _upload_problem(request: web.Request) -> web.Response | None:
    """Headers before body: a missing key or file name is 400, anything but UTF-8 JSON is 415."""
    missing = [h for h in ("Idempotency-Key", "X-Arquivo") if not request.headers.get(h)]
    if missing:
        return _bad(f"cabeçalhos obrigatórios ausentes: {', '.join(missing)}", 400)
    name = request.headers["X-Arquivo"]
    if "/" in name or "\\" in name or name.startswith("."):
        return _bad("X-Arquivo deve ser só o nome do arquivo", 400)
    if request.content_type != "application/json" or (request.charset or "utf-8").lower() != "utf-8":
        return _bad("envie application/json (UTF-8)", 415)
    return None


def query_day(request: web.Request) -> date | None:
    """The `data` of a query, or None when it is missing or not a YYYY-MM-DD date."""
    value = request.query.get("data", "")
    return date.fromisoformat(value) if _is_iso_date(value) else None


async def receive_sales(request: web.Request) -> web.Response:
    """A day's card payments: checked whole, recorded, then stored for the key (unless the
    Idempotency-Key was seen before: then the first protocol, and nothing new stored)."""
    key = await enter(request, "vendas")
    if isinstance(key, web.Response):
        return key
    if (refused := _upload_problem(request)) is not None:
        return refused
    body = await request.read()
    try:
        sales = read_sales(body)
    except SalesError as error:
        return _bad(str(error))
    if problem := await contracts.refusal(contracts.contract(CODE), body):
        return _bad(problem)
    answer = _sandbox(request).record(CODE, request.headers["X-Arquivo"], body, request.headers["Idempotency-Key"])
    if answer.get("duplicado"):
        return web.json_response(answer, status=200)
    _store(request).merge(key, sales)
    return web.json_response(answer, status=201)


def _dated_query(route: str, answer: Callable[[list[Sale], date], list[dict[str, Any]]], root: str) -> Handler:
    """A GET of one day's view of the key's sales (reconciliation or payments)."""

    async def query(request: web.Request) -> web.Response:
        key = await enter(request, route)
        if isinstance(key, web.Response):
            return key
        day = query_day(request)
        if day is None:
            return _bad("informe data no formato AAAA-MM-DD", 400)
        return web.json_response({"data": day.isoformat(), root: answer(_store(request).sales(key), day)})

    return query


async def ping(request: web.Request) -> web.Response:
    """Connection check: authenticates, stores nothing."""
    key = await enter(request, "ping")
    return key if isinstance(key, web.Response) else web.json_response({"status": "ok"})


async def control_sales(request: web.Request) -> web.Response:
    """Control (tests): the stored sales of `?chave=`, as stored; no keys or failure modes apply."""
    key = request.query.get("chave", "")
    if not key:
        return _bad("informe a chave", 400)
    return web.json_response({"vendas": [sale.as_record() for sale in _store(request).sales(key)]})


ROUTES: list[web.RouteDef] = [
    web.post(f"{PREFIX}/vendas", receive_sales),
    web.get(f"{PREFIX}/conciliacao", _dated_query("conciliacao", reconciliation, "vendas")),
    web.get(f"{PREFIX}/pagamentos", _dated_query("pagamentos", payments, "pagamentos")),
    web.get(f"{PREFIX}/ping", ping),
    web.get(f"/_sandbox/{CODE}/vendas", control_sales),
]
