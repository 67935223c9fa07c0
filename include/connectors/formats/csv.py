"""CSV: COPY's own CSV writer (quoting as RFC 4180), with the partner's delimiter and decimal separator."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from psycopg import sql

from include.connectors.formats.base import Column, FileFormat


@dataclass(frozen=True)
class Csv(FileFormat):
    delimiter: str = ";"
    decimal_comma: bool = True
    header: bool = True
    encoding: str = "UTF8"
    extension: str = "csv"
    content_type: str = "text/csv; charset=utf-8"

    @property
    def label(self) -> str:
        return f"CSV {self.delimiter}"

    def copy_statement(self, query: sql.Composable, columns: Sequence[Column]) -> sql.Composed:
        cells = sql.SQL(", ").join(
            sql.SQL("{} AS {}").format(self._cell(column), sql.Identifier(column.name)) for column in columns
        )
        options = f"FORMAT csv, DELIMITER '{self.delimiter}', HEADER {str(self.header).lower()}"
        return self._copy(cells, query, options)

    def _cell(self, column: Column) -> sql.Composable:
        if column.type_name == "numeric" and self.decimal_comma:
            return sql.SQL("replace({}::text, '.', ',')").format(column.ref())
        return column.ref()

    def __post_init__(self) -> None:
        if len(self.delimiter) != 1 or self.delimiter in "\"'\\\r\n":
            raise ValueError(f"unusable CSV delimiter {self.delimiter!r}")
