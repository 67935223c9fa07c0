"""What a partner's server checks in every file it takes, whatever the protocol: the layout our connector declares
for the file (its data set's format, columns, gzip and name in include/connectors), read back as the partner
would read it. Declared once, by the connector; nothing of a layout is copied here by hand.

Per format, the first problem found is the partner's answer (pt-BR):
- CSV: in the declared encoding; the first record is the declared columns (when the format has a header line), and
  every record has as many fields (parsed as CSV: a quoted field may hold the delimiter or a line break);
- fixed width: every line exactly as wide as the layout;
- JSON: one document, the declared root object holding a list of objects (a bare list when no root is declared);
- JSON Lines: every line an object;
- XML: well-formed, the declared root element (namespace and attributes) holding only row elements;
- gzip: the file decompresses, and what is inside follows the rest.

A partner's stricter rules (an XSD, required fields, its own parser) stay with its routes; the contract is the
floor every twin holds a file to. HTTPS routes know their data set (`contract`); file servers (SFTP, S3) find it
by the file's name (`contract_for`): a name none of the partner's data sets gives is no file of the connector,
and is left to the server's other checks.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import gzip
import io
import json
import re
import string
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import IO, Any, cast

from include.connectors.base import DataSet
from include.connectors.formats import Csv, FileFormat, FixedWidth, Json, JsonLines, Xml
from include.connectors.registry import CONNECTORS

# How each field of a data set's `file_name` is written (include/connectors/base.py, DataSet.name_for).
_NAME_FIELDS = {"start": "[0-9]{8}", "end": "[0-9]{8}", "task": "[0-9]+", "branch": "(?:[0-9]+|todas)"}
_SHOWN = 80  # characters of an offending line quoted back


@dataclass(frozen=True)
class FileContract:
    """One data set of one partner, as the partner's server holds a received file to it."""

    code: str
    dataset: DataSet

    @property
    def format(self) -> FileFormat:
        return self.dataset.format

    @cached_property
    def name_pattern(self) -> re.Pattern[str]:
        """The names the connector gives this data set's files."""
        pattern = ""
        for literal, field, _, _ in string.Formatter().parse(self.dataset.file_name):
            pattern += re.escape(literal)
            if field is not None:
                pattern += re.escape(self.dataset.name) if field == "dataset" else _NAME_FIELDS[field]
        suffix = f".{self.format.extension}" + (".gz" if self.dataset.gzip else "")
        return re.compile(pattern + re.escape(suffix))

    @property
    def header_line(self) -> str:
        """A CSV data set's header line (without its line end)."""
        if not isinstance(self.format, Csv):
            raise TypeError(f"{self.code}/{self.dataset.name} is not CSV")
        return self.format.delimiter.join(self.dataset.columns)

    def problem(self, body: bytes | IO[bytes]) -> str | None:
        """Why the partner refuses this file (pt-BR), or None when it follows the contract. A stream is read to
        its end, never whole into memory (except a JSON document, which is one value)."""
        stream: IO[bytes] = io.BytesIO(body) if isinstance(body, bytes) else body
        if self.dataset.gzip:
            stream = cast(IO[bytes], gzip.GzipFile(fileobj=stream, mode="rb"))
        check = _CHECKS[type(self.format)]
        try:
            return check(self, stream)
        except UnicodeDecodeError:
            return f"arquivo fora do {_encoding(self.format).upper()}"
        except (gzip.BadGzipFile, EOFError, zlib.error) as error:
            if not self.dataset.gzip:
                raise
            return f"arquivo gzip inválido: {error}"


def _encoding(file_format: FileFormat) -> str:
    """The Python name of the format's encoding (PostgreSQL's names: UTF8, LATIN1)."""
    return codecs.lookup(file_format.encoding).name


def _text(contract: FileContract, stream: IO[bytes], newline: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(stream, encoding=_encoding(contract.format), newline=newline)


def _csv(contract: FileContract, stream: IO[bytes]) -> str | None:
    file_format = contract.format
    assert isinstance(file_format, Csv)
    columns, width = list(contract.dataset.columns), len(contract.dataset.columns)
    reader = csv.reader(_text(contract, stream, newline=""), delimiter=file_format.delimiter)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if number == 1 and file_format.header:
                if record != columns:
                    return f"cabeçalho fora do layout: {file_format.delimiter.join(record)[:_SHOWN]}"
            elif len(record) != width:
                return f"linha {number}: {len(record)} campos; o layout tem {width}"
    except csv.Error as error:
        return f"linha {number + 1}: CSV inválido: {error}"
    if number == 0 and file_format.header:
        return "cabeçalho fora do layout: arquivo vazio"
    return None


def _fixed_width(contract: FileContract, stream: IO[bytes]) -> str | None:
    file_format = contract.format
    assert isinstance(file_format, FixedWidth)
    width = file_format.line_width
    for number, line in enumerate(_text(contract, stream, newline="\n"), start=1):
        positions = len(line.removesuffix("\n"))
        if positions != width:
            return f"linha {number}: {positions} posições; o layout tem {width}"
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} não é um número JSON")


def _json_lines(contract: FileContract, stream: IO[bytes]) -> str | None:
    for number, line in enumerate(_text(contract, stream, newline="\n"), start=1):
        try:
            value = json.loads(line, parse_constant=_no_constant)
        except ValueError as error:
            return f"linha {number}: JSON inválido: {error}"
        if not isinstance(value, dict):
            return f"linha {number}: cada linha deve ser um objeto JSON"
    return None


def _json(contract: FileContract, stream: IO[bytes]) -> str | None:
    file_format = contract.format
    assert isinstance(file_format, Json)
    try:
        document = json.load(_text(contract, stream, newline=""), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise
    except ValueError as error:
        return f"JSON inválido: {error}"
    root = file_format.root
    if root is None:
        rows = document
        shape = "o documento deve ser uma lista"
    else:
        rows = document.get(root) if isinstance(document, dict) else None
        shape = f'o documento deve ser um objeto com a lista "{root}"'
    if not isinstance(rows, list):
        return shape
    index = next((i for i, row in enumerate(rows) if not isinstance(row, dict)), None)
    return None if index is None else f"{root or 'elemento'}[{index}] deve ser um objeto"


def _xml(contract: FileContract, stream: IO[bytes]) -> str | None:
    from lxml import etree

    file_format = contract.format
    assert isinstance(file_format, Xml)
    space = f"{{{file_format.namespace}}}" if file_format.namespace else ""
    root, row = space + file_format.root, space + file_format.row
    depth, rows = 0, 0
    try:
        for event, element in etree.iterparse(stream, events=("start", "end"), resolve_entities=False, no_network=True):
            if event == "end":
                depth -= 1
                if depth == 1:  # a row read: drop it, memory stays flat
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]
                continue
            depth += 1
            if depth == 1 and (problem := _root_problem(file_format, element.tag, element.get, root)):
                return problem
            if depth == 2:
                rows += 1
                if element.tag != row:
                    return f"XML fora do layout: elemento {rows} é {element.tag}, esperado {row}"
    except etree.XMLSyntaxError as error:
        return f"XML malformado: {error}"
    return None


def _root_problem(file_format: Xml, tag: str, attribute: Callable[[str], str | None], root: str) -> str | None:
    if tag != root:
        return f"XML fora do layout: raiz {tag}, esperada {root}"
    wrong = next(((name, value) for name, value in file_format.attributes if attribute(name) != value), None)
    return None if wrong is None else f'XML fora do layout: a raiz deve ter {wrong[0]}="{wrong[1]}"'


_CHECKS: dict[type[FileFormat], Callable[[FileContract, IO[bytes]], str | None]] = {
    Csv: _csv,
    FixedWidth: _fixed_width,
    Json: _json,
    JsonLines: _json_lines,
    Xml: _xml,
}

# Every partner we deliver files to, by code: its data sets' contracts.
CONTRACTS: dict[str, tuple[FileContract, ...]] = {
    code: tuple(FileContract(code, dataset) for dataset in connector.datasets)
    for code, connector in CONNECTORS.items()
    if connector.transport is not None
}


def contract(code: str, dataset: str | None = None) -> FileContract:
    """The contract of one of the partner's data sets (None: the partner's only one)."""
    found = CONTRACTS[code]
    if dataset is None:
        if len(found) != 1:
            raise ValueError(f"{code} has {len(found)} data sets: name one")
        return found[0]
    return next(c for c in found if c.dataset.name == dataset)


def contract_for(code: str, name: str) -> FileContract | None:
    """The contract of the partner's data set whose files carry this name, if any."""
    return next((c for c in CONTRACTS.get(code, ()) if c.name_pattern.fullmatch(name)), None)


async def refusal(contract: FileContract, body: bytes) -> str | None:
    """The contract's problem with an upload, worked out in a thread: the server's other requests (every partner
    shares one event loop) go on meanwhile."""
    return await asyncio.to_thread(contract.problem, body)
