"""Fixed-width text: a layout declared as data (field, width, alignment, fill, implied decimals).

Text is left-aligned and space-filled, numbers right-aligned and zero-filled with their decimals implied
(12,34 with 2 decimals in 7 positions is `0001234`). A value wider than its field, or text with a control
character, never becomes a silently shifted line: the export's checks refuse the whole file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from psycopg import sql

from include.connectors.formats.base import VERBATIM_OPTIONS, Column, FileFormat, LineChecks


@dataclass(frozen=True)
class Field:
    name: str
    width: int
    decimals: int | None = None  # None: text; 0 or more: a number with that many implied decimals
    constant: str | None = None  # the same text on every line (a record type), not a column of the extraction

    def value(self) -> sql.Composable:
        """The field's unpadded text."""
        if self.constant is not None:
            return sql.Literal(self.constant)
        ref = sql.SQL("q.{}").format(sql.Identifier(self.name))
        if self.decimals is None:
            return sql.SQL("coalesce({}::text, '')").format(ref)
        scale = sql.Literal(10**self.decimals)
        return sql.SQL("coalesce(round({} * {})::bigint, 0)::text").format(ref, scale)

    def padded(self) -> sql.Composable:
        pad = "rpad" if self.decimals is None else "lpad"
        fill = sql.Literal(" " if self.decimals is None else "0")
        return sql.SQL("{}({}, {}, {})").format(sql.SQL(pad), self.value(), sql.Literal(self.width), fill)


@dataclass(frozen=True)
class FixedWidth(FileFormat):
    layout: tuple[Field, ...] = ()
    encoding: str = "LATIN1"
    extension: str = "txt"
    content_type: str = "text/plain; charset=iso-8859-1"

    @property
    def label(self) -> str:
        return "TXT posicional"

    @property
    def line_width(self) -> int:
        return sum(field.width for field in self.layout)

    def copy_statement(self, query: sql.Composable, columns: Sequence[Column]) -> sql.Composed:
        line = sql.SQL(" || ").join(field.padded() for field in self.layout)
        return self._copy(line, query, VERBATIM_OPTIONS)

    def checks(self, columns: Sequence[Column]) -> LineChecks:
        found: list[tuple[str, sql.Composable]] = []
        for field in self.layout:
            found.append(
                (
                    f"campo {field.name} cabe em {field.width} posições",
                    sql.SQL("length({}) <= {}").format(field.value(), sql.Literal(field.width)),
                )
            )
            if field.decimals is None:
                found.append(
                    (
                        f"campo {field.name} sem caracteres de controle",
                        sql.SQL("{} !~ '[[:cntrl:]]'").format(field.value()),
                    )
                )
        return tuple(found)
