"""The WMS partners' file layouts of the inbound contract: the replenishment orders the product sends
(parsed and checked here, as the partner would) and the stock-movement files the partner sends back
(rendered here, good or deliberately broken).

One `WmsLayout` per partner: Linx (XML), Delage (JSON), Exact (CSV `;` with a `FIM;n` trailer) and
FISoft (fixed width, ISO-8859-1, with a `9` trailer). Order parsing raises `LayoutError`, whose message
is the partner's answer (pt-BR).
"""

from __future__ import annotations

import csv
import io
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import ClassVar
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
LINX_NAMESPACE = "urn:integracoes:linx-wms:v1"
ORDER_FIELDS = ("pedido", "cnpj_filial", "codigo_filial", "emitido_em", "item", "ean", "descricao", "quantidade")
MOVEMENT_FIELDS = ("id", "cnpj_filial", "ean", "tipo", "quantidade", "ocorrido_em", "pedido")
_DIGITS = re.compile(r"\d+")
_QUANTITY_TEXT = re.compile(r"\d{1,9}\.\d{3}")
_FISOFT_ORDER_WIDTH = 57
_FISOFT_ID_WIDTH = 20


class LayoutError(ValueError):
    """An order file off the contract's layout; the message is what the partner answers (pt-BR)."""


@dataclass(frozen=True)
class OrderItem:
    """One item line of a replenishment order, as far as the partner's returns need it."""

    pedido: str
    cnpj_filial: str
    item: int
    ean: str
    quantidade: Decimal
    emitido_em: datetime | None  # FISoft's layout carries no emission time


@dataclass(frozen=True)
class Movement:
    """One stock movement of a return file. Text fields stay text: a bad file may hold anything."""

    id: str
    cnpj_filial: str
    ean: str
    tipo: str
    quantidade: str
    ocorrido_em: datetime
    pedido: str

    def as_record(self) -> dict[str, str]:
        return {**asdict(self), "ocorrido_em": self.ocorrido_em.astimezone(SAO_PAULO).isoformat()}

    @classmethod
    def from_record(cls, record: Mapping[str, str]) -> Movement:
        moment = datetime.fromisoformat(record["ocorrido_em"])
        return cls(record["id"], record["cnpj_filial"], record["ean"], record["tipo"], record["quantidade"],
                   moment, record["pedido"])  # fmt: skip


# --- order fields, shared by every layout ------------------------------------------------------------


def _text(value: object, field: str, where: str) -> str:
    """A field as text: JSON may carry numbers as numbers; anything else is off the layout."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    raise LayoutError(f"{where}: campo {field} ausente ou inválido")


def _digits(value: object, field: str, where: str, sizes: range) -> str:
    text = _text(value, field, where)
    if not _DIGITS.fullmatch(text) or len(text) not in sizes:
        raise LayoutError(f"{where}: campo {field} inválido: {text[:40]!r}")
    return text


def _quantity(value: object, where: str) -> Decimal:
    """Text must read like "12.000" (3 places); a JSON number may be any positive one of 3 places at most."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        quantity = Decimal(value)
    elif isinstance(value, str) and _QUANTITY_TEXT.fullmatch(value.strip()):
        quantity = Decimal(value.strip())
    else:
        raise LayoutError(f"{where}: campo quantidade inválido: {str(value)[:40]!r}")
    exponent = quantity.as_tuple().exponent
    if quantity <= 0 or (isinstance(exponent, int) and exponent < -3):
        raise LayoutError(f"{where}: quantidade deve ser positiva, com até 3 casas decimais")
    return quantity


def _timestamp(value: object, where: str) -> datetime:
    text = _text(value, "emitido_em", where)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise LayoutError(f"{where}: emitido_em deve ser ISO 8601 com fuso: {text[:40]!r}")
    return moment


def order_item(fields: Mapping[str, object], where: str) -> OrderItem:
    """Check one item of the canonical order columns (XML, JSON and CSV carry them all)."""
    missing = [f for f in ORDER_FIELDS if f not in fields]
    if missing:
        raise LayoutError(f"{where}: campos ausentes: {', '.join(missing)}")
    _digits(fields["codigo_filial"], "codigo_filial", where, range(1, 10))
    if not _text(fields["descricao"], "descricao", where):
        raise LayoutError(f"{where}: campo descricao vazio")
    item = int(_digits(fields["item"], "item", where, range(1, 7)))
    if item < 1:
        raise LayoutError(f"{where}: item deve começar em 1")
    return OrderItem(
        pedido=str(int(_digits(fields["pedido"], "pedido", where, range(1, 13)))),
        cnpj_filial=_digits(fields["cnpj_filial"], "cnpj_filial", where, range(14, 15)),
        item=item,
        ean=_digits(fields["ean"], "ean", where, range(8, 15)),
        quantidade=_quantity(fields["quantidade"], where),
        emitido_em=_timestamp(fields["emitido_em"], where),
    )


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LayoutError(f"arquivo não está em UTF-8 (byte {error.start})") from None


def _lines(text: str) -> list[str]:
    """The file's lines without their ends (LF or CRLF); a final line end adds no empty line."""
    return [line.removesuffix("\r") for line in text.split("\n")][: -1 if text.endswith("\n") else None]


# --- the layouts -----------------------------------------------------------------------------------


class WmsLayout(ABC):
    """One WMS partner's files: orders in, movements out, and the partner's own way of breaking them."""

    prefix: ClassVar[str]  # of the movement ids: f"{prefix}-{pedido}-{item}-E"
    extension: ClassVar[str]
    media_type: ClassVar[str]
    order_name: ClassVar[re.Pattern[str] | None] = None  # what an order file must be called (SFTP partners)

    @abstractmethod
    def parse_orders(self, body: bytes) -> list[OrderItem]: ...

    @abstractmethod
    def render(self, movements: Sequence[Movement]) -> bytes: ...

    @abstractmethod
    def break_schema(self, movements: Sequence[Movement]) -> bytes:
        """The movements in a file that breaks the layout in this format's most likely way."""

    def break_encoding(self, movements: Sequence[Movement]) -> bytes:
        """Bytes invalid in UTF-8 inside the first movement's id."""
        body, marked = self.render(movements), movements[0].id.encode()
        return body.replace(marked, marked[:1] + b"\xff\xfe" + marked[1:], 1)

    def pad(self, movements: Sequence[Movement], size: int) -> bytes:
        """A valid file of at least `size` bytes: the movements plus tiny ones for the first movement's
        branch and EAN (line formats override this; XML and JSON take whitespace instead)."""
        body = self.render(movements)
        closing = body.rstrip().rsplit(b"\n", 1)[-1]
        cut = body.rindex(closing)
        return body[:cut] + b" " * max(0, size - len(body)) + body[cut:]

    def truncate(self, body: bytes) -> bytes:
        """What a transfer cut short serves: the first half of the bytes."""
        return body[: len(body) // 2]


class LinxXml(WmsLayout):
    prefix, extension, media_type = "LX", ".xml", "application/xml"

    def parse_orders(self, body: bytes) -> list[OrderItem]:
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        try:
            root = etree.fromstring(body, parser)
        except etree.XMLSyntaxError as error:
            raise LayoutError(f"XML malformado: {error}") from None
        if root.tag != f"{{{LINX_NAMESPACE}}}pedidosReposicao" or root.get("versao") != "1.0":
            raise LayoutError(f"raiz deve ser pedidosReposicao versao 1.0 em {LINX_NAMESPACE}")
        items = []
        for number, element in enumerate(root, start=1):
            if element.tag != f"{{{LINX_NAMESPACE}}}pedido":
                raise LayoutError(f"elemento {number}: esperado pedido")
            fields = {etree.QName(child).localname: child.text or "" for child in element}
            items.append(order_item(fields, f"pedido {number}"))
        if not items:
            raise LayoutError("arquivo sem pedidos")
        return items

    def render(self, movements: Sequence[Movement]) -> bytes:
        lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<movimentosEstoque xmlns="{LINX_NAMESPACE}" versao="1.0">']
        lines += ["  <movimento>" + "".join(self._elements(m.as_record())) + "</movimento>" for m in movements]
        return ("\n".join([*lines, "</movimentosEstoque>"]) + "\n").encode()

    def break_schema(self, movements: Sequence[Movement]) -> bytes:
        """The first movement without its required <quantidade>."""
        body = self.render(movements)
        return re.sub(rb"<quantidade>[^<]*</quantidade>", b"", body, count=1)

    @staticmethod
    def _elements(record: Mapping[str, str]) -> Iterator[str]:
        for field in MOVEMENT_FIELDS:
            yield f"<{field}>{escape(record[field])}</{field}>"


class DelageJson(WmsLayout):
    prefix, extension, media_type = "DL", ".json", "application/json"

    def parse_orders(self, body: bytes) -> list[OrderItem]:
        try:
            document = json.loads(_utf8(body), parse_float=Decimal)
        except json.JSONDecodeError as error:
            raise LayoutError(f"JSON inválido: {error}") from None
        rows = document.get("pedidos") if isinstance(document, dict) else None
        if not isinstance(rows, list) or not rows:
            raise LayoutError('o documento deve ser {"pedidos": [...]} com ao menos um item')
        if not all(isinstance(row, dict) for row in rows):
            raise LayoutError("cada item de pedidos deve ser um objeto")
        return [order_item(row, f"item {number}") for number, row in enumerate(rows, start=1)]

    def render(self, movements: Sequence[Movement]) -> bytes:
        document = {"movimentos": [m.as_record() for m in movements]}
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()

    def break_schema(self, movements: Sequence[Movement]) -> bytes:
        """The first movement of tipo "X" (neither entrada nor saída)."""
        return self.render([replace(movements[0], tipo="X"), *movements[1:]])


class ExactCsv(WmsLayout):
    prefix, extension, media_type = "EX", ".csv", "text/csv"
    order_name = re.compile(r"exact_pedidos_.+\.csv")

    def parse_orders(self, body: bytes) -> list[OrderItem]:
        rows = list(csv.reader(io.StringIO(_utf8(body), newline=""), delimiter=";"))
        if not rows or rows[0] != list(ORDER_FIELDS):
            header = ";".join(rows[0])[:80] if rows else ""
            raise LayoutError(f"cabeçalho do arquivo fora do layout: {header}")
        items = []
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != len(ORDER_FIELDS):
                raise LayoutError(f"linha {number}: esperados {len(ORDER_FIELDS)} campos, há {len(row)}")
            items.append(order_item(dict(zip(ORDER_FIELDS, row, strict=True)), f"linha {number}"))
        if not items:
            raise LayoutError("arquivo sem itens de pedido")
        return items

    def render(self, movements: Sequence[Movement]) -> bytes:
        lines = [";".join(MOVEMENT_FIELDS)]
        lines += [";".join(m.as_record()[f] for f in MOVEMENT_FIELDS) for m in movements]
        return "".join(f"{line}\n" for line in [*lines, f"FIM;{len(movements)}"]).encode()

    def break_schema(self, movements: Sequence[Movement]) -> bytes:
        """The first movement with a quantity that is no number."""
        return self.render([replace(movements[0], quantidade="doze"), *movements[1:]])

    def pad(self, movements: Sequence[Movement], size: int) -> bytes:
        return _pad_with_lines(self, movements, size)

    def truncate(self, body: bytes) -> bytes:
        return _cut_last_line(body)


class FisoftFixed(WmsLayout):
    prefix, extension, media_type = "FS", ".txt", "text/plain; charset=ISO-8859-1"
    order_name = re.compile(r"fisoft_pedidos_.+\.txt")

    def parse_orders(self, body: bytes) -> list[OrderItem]:
        lines = _lines(body.decode("iso-8859-1"))
        if not lines:
            raise LayoutError("arquivo sem itens de pedido")
        return [self._order_line(line, f"linha {n}") for n, line in enumerate(lines, start=1)]

    @staticmethod
    def _order_line(line: str, where: str) -> OrderItem:
        if len(line) != _FISOFT_ORDER_WIDTH or line[0] != "1":
            raise LayoutError(f"{where}: esperadas {_FISOFT_ORDER_WIDTH} posições com tipo de registro 1")
        ean = line[31:45]
        if ean.startswith(" "):
            raise LayoutError(f"{where}: ean deve ser alinhado à esquerda")
        quantity = Decimal(_digits(line[45:57], "quantidade", where, range(12, 13))) / 1000
        if quantity <= 0:
            raise LayoutError(f"{where}: quantidade deve ser positiva")
        return OrderItem(
            pedido=str(int(_digits(line[1:13], "pedido", where, range(12, 13)))),
            cnpj_filial=_digits(line[13:27], "cnpj_filial", where, range(14, 15)),
            item=int(_digits(line[27:31], "item", where, range(4, 5))),
            ean=_digits(ean.rstrip(), "ean", where, range(8, 15)),
            quantidade=quantity,
            emitido_em=None,
        )

    def render(self, movements: Sequence[Movement]) -> bytes:
        lines = [self._movement_line(m) for m in movements] + [f"9{len(movements):09d}"]
        return "".join(f"{line}\n" for line in lines).encode("iso-8859-1")

    @staticmethod
    def _movement_line(movement: Movement) -> str:
        if len(movement.id) > _FISOFT_ID_WIDTH:
            raise ValueError(f"id de movimento longo demais para o layout FISoft: {movement.id}")
        thousandths = int(Decimal(movement.quantidade) * 1000)
        local = movement.ocorrido_em.astimezone(SAO_PAULO).strftime("%Y%m%d%H%M%S")
        order = movement.pedido.zfill(12) if movement.pedido else " " * 12
        return (
            f"1{movement.id:<20}{movement.cnpj_filial:>14}{movement.ean:<14}{movement.tipo}"
            f"{thousandths:012d}{local}{order}"
        )

    def break_schema(self, movements: Sequence[Movement]) -> bytes:
        """The first movement of tipo "X" (neither entrada nor saída), still 88 positions."""
        return self.render([replace(movements[0], tipo="X"), *movements[1:]])

    def break_encoding(self, movements: Sequence[Movement]) -> bytes:
        """ISO-8859-1 decodes any byte: an ESC control character in the first id does the harm instead."""
        body = self.render(movements)
        return body[:2] + b"\x1b" + body[3:]

    def pad(self, movements: Sequence[Movement], size: int) -> bytes:
        return _pad_with_lines(self, movements, size)

    def truncate(self, body: bytes) -> bytes:
        return _cut_last_line(body)


def _pad_with_lines(layout: WmsLayout, movements: Sequence[Movement], size: int) -> bytes:
    """Line formats cannot take whitespace: tiny movements (0.001) for the first movement's branch and EAN."""
    first = movements[0]

    def padding(count: int) -> list[Movement]:
        return [replace(first, id=f"PAD-{n:08d}", tipo="E", quantidade="0.001") for n in range(1, count + 1)]

    body = layout.render(movements)
    line_size = len(layout.render([*movements, *padding(1)])) - len(body)
    return layout.render([*movements, *padding(max(0, -(-(size - len(body)) // line_size)))])


def _cut_last_line(body: bytes) -> bytes:
    """A line file cut in the middle of its last detail line: the trailer never arrived."""
    details = body.rstrip(b"\n").split(b"\n")[:-1]  # without the trailer
    last = details[-1]
    return b"\n".join([*details[:-1], last[: len(last) // 2]])


LAYOUTS: dict[str, WmsLayout] = {
    "linx_wms": LinxXml(),
    "delage_wms": DelageJson(),
    "exact_wms": ExactCsv(),
    "fisoft_wms": FisoftFixed(),
}
