"""What every file format gives the data path: a COPY statement, an envelope, and checks on the values."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from psycopg import sql

# COPY's CSV mode with a quote and a delimiter that rendered lines never contain passes each line through
# verbatim (text mode would escape every backslash, which JSON and XML are full of). JSON and XML escape
# control characters themselves; fixed-width lines are checked for them (see FixedWidth).
VERBATIM_OPTIONS = "FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02'"
NUMERIC_TYPES = frozenset({"numeric", "int2", "int4", "int8", "float4", "float8"})


@dataclass(frozen=True)
class Column:
    """A column of an extraction query, as PostgreSQL describes it."""

    name: str
    type_name: str

    @property
    def numeric(self) -> bool:
        return self.type_name in NUMERIC_TYPES

    def ref(self) -> sql.Composable:
        return sql.SQL("q.{}").format(sql.Identifier(self.name))


# (check name, SQL boolean expression over the extraction's row `q` that must hold for every row).
LineChecks = tuple[tuple[str, sql.Composable], ...]


class FileFormat(ABC):
    """One file format. Subclasses are frozen dataclasses: a partner declares its options as data."""

    extension: str
    content_type: str
    encoding: str = "UTF8"

    @property
    @abstractmethod
    def label(self) -> str:
        """How the format is shown in the catalog (e.g. "CSV ;")."""

    @abstractmethod
    def copy_statement(self, query: sql.Composable, columns: Sequence[Column]) -> sql.Composed:
        """`COPY (<rendering of query>) TO STDOUT ...`: every byte of the file between prefix and suffix."""

    def prefix(self) -> bytes:
        return b""

    def suffix(self) -> bytes:
        return b""

    def checks(self, columns: Sequence[Column]) -> LineChecks:
        """Conditions every row must meet to fit the format (e.g. a fixed-width field's width)."""
        return ()

    def _copy(self, projection: sql.Composable, query: sql.Composable, options: str) -> sql.Composed:
        # The projection reads the extraction's rows in the extraction's own ORDER BY: PostgreSQL keeps the
        # order of a subquery under a plain projection, which makes every re-render byte-identical.
        return sql.SQL("COPY (SELECT {} FROM ({}) AS q) TO STDOUT WITH ({}, ENCODING {})").format(
            projection, query, sql.SQL(options), sql.Literal(self.encoding)
        )
