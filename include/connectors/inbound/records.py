"""Readers of received files: bytes in, records (field name -> text) out, one at a time.

A reader checks the file's shape only (encoding, layout, header and trailer, widths); what the values mean
is checked by the applier. Any problem refuses the whole file with the place it was found ("linha 42",
"registro 7"), in words a client understands.
"""

from __future__ import annotations

import csv
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO
from xml.etree import ElementTree

from include.connectors.errors import ReceivedFileRefusedError
from include.connectors.formats.fixed_width import Field

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_XML_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Record:
    number: int  # position in the file (1-based), for ordering
    where: str  # how a client finds it: "linha 42", "registro 7"
    values: Mapping[str, str]


def refuse(where: str, problem: str) -> ReceivedFileRefusedError:
    return ReceivedFileRefusedError(f"{where}: {problem}" if where else problem)


class RecordReader(ABC):
    fields: tuple[str, ...]
    label: str  # the format, as the catalog shows it
    content_type: str  # of the raw file, when a client downloads it

    @abstractmethod
    def records(self, stream: BinaryIO) -> Iterator[Record]:
        """The file's records in order; raises ReceivedFileRefusedError at the first problem."""


_CUT = "arquivo incompleto: a última linha termina no meio e falta a linha final"


def _lines(stream: BinaryIO, encoding: str) -> Iterator[tuple[int, str, bool]]:
    """Decoded lines without their end, numbered from 1, and whether the line was terminated (the last line
    of a file cut in transfer is not); invalid bytes or control characters refuse."""
    for number, raw in enumerate(stream, start=1):
        try:
            line = raw.decode(encoding).rstrip("\r\n")
        except UnicodeDecodeError:
            raise refuse(f"linha {number}", f"caracteres fora da codificação {encoding.upper()}") from None
        if _CONTROL.search(line):
            raise refuse(f"linha {number}", "caractere de controle no conteúdo")
        yield number, line, raw.endswith(b"\n")


@dataclass(frozen=True)
class CsvRecords(RecordReader):
    """A header line with exactly `fields`, one line per record, then `<trailer>;<count of records>`."""

    fields: tuple[str, ...]
    delimiter: str = ";"
    trailer: str = "FIM"
    encoding: str = "utf-8"

    content_type: str = "text/csv; charset=utf-8"

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"CSV {self.delimiter}"

    def records(self, stream: BinaryIO) -> Iterator[Record]:
        lines = _lines(stream, self.encoding)
        header = next(lines, None)
        expected = self.delimiter.join(self.fields)
        if header is None or header[1].lstrip("\ufeff") != expected:
            raise refuse("linha 1", f"cabeçalho fora do layout (esperado {expected})")
        count, ended = 0, False
        for number, line, terminated in lines:
            cells = next(csv.reader([line], delimiter=self.delimiter))
            if ended:
                raise refuse(f"linha {number}", f"conteúdo depois da linha final {self.trailer}")
            if cells and cells[0] == self.trailer:
                if len(cells) != 2 or cells[1] != str(count):
                    raise refuse(f"linha {number}", _trailer_problem(";".join(cells[1:]), count))
                ended = True
                continue
            if not terminated:
                raise refuse(f"linha {number}", _CUT)
            if len(cells) != len(self.fields):
                raise refuse(f"linha {number}", f"{len(cells)} campos; o layout tem {len(self.fields)}")
            count += 1
            yield Record(number, f"linha {number}", dict(zip(self.fields, cells, strict=True)))
        if not ended:
            raise refuse("", f"arquivo incompleto: falta a linha final {self.trailer}")


@dataclass(frozen=True)
class FixedWidthRecords(RecordReader):
    """Detail lines of `layout` (the first field a constant record type), then a trailer: `trailer_type`
    and the count of detail lines in `count_width` digits. Numbers carry their implied decimals."""

    layout: tuple[Field, ...]
    trailer_type: str = "9"
    count_width: int = 9
    encoding: str = "latin-1"
    label: str = "TXT posicional"
    content_type: str = "text/plain; charset=iso-8859-1"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(f.name for f in self.layout if f.constant is None)

    def records(self, stream: BinaryIO) -> Iterator[Record]:
        width = sum(field.width for field in self.layout)
        record_type = self.layout[0].constant or ""
        count, ended = 0, False
        for number, line, terminated in _lines(stream, self.encoding):
            where = f"linha {number}"
            if ended:
                raise refuse(where, "conteúdo depois da linha final")
            if line.startswith(self.trailer_type) and len(line) == 1 + self.count_width:
                if line[1:] != f"{count:0{self.count_width}d}":
                    raise refuse(where, _trailer_problem(line[1:].lstrip("0") or "0", count))
                ended = True
                continue
            if not terminated:
                raise refuse(where, _CUT)
            if len(line) != width or not line.startswith(record_type):
                raise refuse(where, f"linha de {len(line)} posições; o layout tem {width} começando por {record_type}")
            count += 1
            yield Record(number, where, self._values(line, where))
        if not ended:
            raise refuse("", "arquivo incompleto: falta a linha final")

    def _values(self, line: str, where: str) -> dict[str, str]:
        values, position = {}, 0
        for field in self.layout:
            text = line[position : position + field.width]
            position += field.width
            if field.constant is not None:
                continue
            if field.decimals is None:
                values[field.name] = text.strip()
            elif not text.strip():
                values[field.name] = ""
            elif not text.isdigit():
                raise refuse(where, f"campo {field.name} deve ter só dígitos: {text.strip()!r}")
            elif field.decimals:
                values[field.name] = f"{int(text[: -field.decimals])}.{text[-field.decimals :]}"
            else:
                values[field.name] = str(int(text))
        return values


def _trailer_problem(declared: str, count: int) -> str:
    return f"a linha final informa {declared or 'nenhum'} registro(s); o arquivo tem {count}"


def _text(value: Any) -> str | None:
    """A JSON scalar as text (numbers keep their written form); None for objects and arrays."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


@dataclass(frozen=True)
class JsonRecords(RecordReader):
    """`{"<root>": [{field: scalar, ...}, ...]}`; every field present (null counts as empty)."""

    root: str
    fields: tuple[str, ...]
    label: str = "JSON"
    content_type: str = "application/json"

    def records(self, stream: BinaryIO) -> Iterator[Record]:
        try:
            # Numbers as written (no float rounding of quantities); the document is within the size limit.
            document = json.loads(stream.read().decode("utf-8"), parse_float=str, parse_int=str)
        except UnicodeDecodeError:
            raise refuse("", "caracteres fora da codificação UTF-8") from None
        except (ValueError, RecursionError) as error:
            raise refuse("", f"JSON inválido ou incompleto ({str(error)[:80]})") from None
        items = document.get(self.root) if isinstance(document, dict) else None
        if not isinstance(items, list):
            raise refuse("", f"o documento deve ser um objeto com a lista {self.root!r}")
        for number, item in enumerate(items, start=1):
            where = f"registro {number}"
            if not isinstance(item, dict):
                raise refuse(where, "deve ser um objeto")
            missing = [f for f in self.fields if f not in item]
            if missing:
                raise refuse(where, f"campos ausentes: {', '.join(missing)}")
            values = {f: _text(item[f]) for f in self.fields}
            wrong = [f for f, v in values.items() if v is None]
            if wrong:
                raise refuse(where, f"campo {wrong[0]} deve ser texto ou número")
            yield Record(number, where, {f: v or "" for f, v in values.items()})


@dataclass(frozen=True)
class XmlRecords(RecordReader):
    """`<root xmlns=namespace><row><field>text</field>...</row>...</root>`, parsed incrementally (each row is
    dropped once read). Entities never expand beyond expat's own amplification limits; there are no
    external entities (ElementTree does not resolve them)."""

    namespace: str
    root: str
    row: str
    fields: tuple[str, ...]
    label: str = "XML"
    content_type: str = "application/xml"

    def records(self, stream: BinaryIO) -> Iterator[Record]:
        parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(events=("start", "end"))
        state = _XmlState()
        for chunk in iter(lambda: stream.read(_XML_CHUNK), b""):
            try:
                parser.feed(chunk)
                events: list[Any] = list(parser.read_events())
            except ElementTree.ParseError as error:
                raise refuse("", _xml_problem(error, state.rows)) from None
            for event, element in events:
                row = self._event(state, event, element)
                if row is not None:
                    yield row
        if state.root is None and not state.rows:
            raise refuse("", "arquivo vazio ou sem o elemento raiz")
        try:
            parser.close()
        except ElementTree.ParseError as error:
            raise refuse("", _xml_problem(error, state.rows)) from None

    def _event(self, state: _XmlState, event: str, element: ElementTree.Element) -> Record | None:
        """Follow one parser event; a finished row becomes a record (and is dropped from the tree)."""
        if event == "start":
            state.depth += 1
            if state.depth == 1 and element.tag != f"{{{self.namespace}}}{self.root}":
                raise refuse("", f"elemento raiz {element.tag} fora do layout (esperado {self.root})")
            if state.depth == 1:
                state.root = element
            elif state.depth == 2 and element.tag != f"{{{self.namespace}}}{self.row}":
                raise refuse(f"registro {state.rows + 1}", f"elemento {_local(element.tag)} fora do layout")
            return None
        state.depth -= 1
        if state.depth != 1:
            return None
        state.rows += 1
        where = f"registro {state.rows}"
        record = Record(state.rows, where, self._values(element, where))
        if state.root is not None:
            state.root.clear()  # streaming: the rows already read are not kept
        return record

    def _values(self, element: ElementTree.Element, where: str) -> dict[str, str]:
        values: dict[str, str] = {}
        for child in element:
            name = _local(child.tag)
            if name not in self.fields:
                raise refuse(where, f"elemento {name} fora do layout")
            if name in values:
                raise refuse(where, f"elemento {name} repetido")
            if len(child):
                raise refuse(where, f"elemento {name} deve conter só texto")
            values[name] = (child.text or "").strip()
        missing = [f for f in self.fields if f not in values]
        if missing:
            raise refuse(where, f"campos ausentes: {', '.join(missing)}")
        if _CONTROL.search("".join(values.values())):
            raise refuse(where, "caractere de controle no conteúdo")
        return values


@dataclass
class _XmlState:
    depth: int = 0
    rows: int = 0
    root: ElementTree.Element | None = None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_problem(error: ElementTree.ParseError, rows_read: int) -> str:
    line, _column = getattr(error, "position", (0, 0))
    if "no element found" in str(error) or "unclosed token" in str(error):
        return f"arquivo incompleto: XML interrompido depois de {rows_read} registros"
    if "not well-formed" in str(error) and line:
        return f"XML inválido na linha {line} (caracteres fora da codificação UTF-8 ou marcação malformada)"
    return f"XML inválido (linha {line}): {str(error).split(':')[0][:80]}"
