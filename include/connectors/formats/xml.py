"""XML: one element per row, one child element per column (a NULL column is omitted), inside a root.

Built as text by PostgreSQL with the five predefined entities escaped, not with its `xml` functions:
those need a server built with libxml, which the embedded server (and many managed ones) is not.
Characters XML 1.0 forbids (C0 controls other than tab, LF, CR) are refused by the export's checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from psycopg import sql

from include.connectors.formats.base import VERBATIM_OPTIONS, Column, FileFormat, LineChecks

_FORBIDDEN = "[\\x01-\\x08\\x0B\\x0C\\x0E-\\x1F]"


def _escaped(value: sql.Composable) -> sql.Composable:
    text = sql.SQL("{}::text").format(value)
    # Line breaks become character references: a document keeps one element per line, and a parser gives
    # the partner the original text back.
    entities = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&apos;"), ("\n", "&#10;"),
                ("\r", "&#13;"))  # fmt: skip
    for char, entity in entities:
        text = sql.SQL("replace({}, {}, {})").format(text, sql.Literal(char), sql.Literal(entity))
    return text


@dataclass(frozen=True)
class Xml(FileFormat):
    root: str = "arquivo"
    row: str = "registro"
    namespace: str | None = None
    # Attributes of the root element, constant per partner (e.g. a layout version).
    attributes: tuple[tuple[str, str], ...] = ()
    extension: str = "xml"
    content_type: str = "application/xml"

    @property
    def label(self) -> str:
        return "XML"

    def copy_statement(self, query: sql.Composable, columns: Sequence[Column]) -> sql.Composed:
        children = [
            sql.SQL("coalesce({} || {} || {}, '')").format(
                sql.Literal(f"<{column.name}>"), _escaped(column.ref()), sql.Literal(f"</{column.name}>")
            )
            for column in columns
        ]
        element = sql.SQL(" || ").join([sql.Literal(f"<{self.row}>"), *children, sql.Literal(f"</{self.row}>")])
        return self._copy(element, query, VERBATIM_OPTIONS)

    def checks(self, columns: Sequence[Column]) -> LineChecks:
        return tuple(
            (
                f"campo {column.name} sem caracteres proibidos em XML",
                sql.SQL("coalesce({}::text !~ {}, true)").format(column.ref(), sql.Literal(_FORBIDDEN)),
            )
            for column in columns
            if not column.numeric
        )

    def prefix(self) -> bytes:
        attributes = "".join(f" {name}={quoteattr(value)}" for name, value in self.attributes)
        if self.namespace:
            attributes = f" xmlns={quoteattr(self.namespace)}{attributes}"
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<{self.root}{attributes}>\n'.encode()

    def suffix(self) -> bytes:
        return f"</{self.root}>\n".encode()
