"""JSON Lines (one object per line) and JSON documents (an array, optionally under a root key).

Objects are PostgreSQL's `row_to_json` of the extraction's row: keys are the column names, numerics stay
exact JSON numbers (never floats), a column of type json/jsonb nests as is (e.g. a sale's items).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from psycopg import sql

from include.connectors.formats.base import VERBATIM_OPTIONS, Column, FileFormat

_OBJECT = sql.SQL("row_to_json(q)::text")


@dataclass(frozen=True)
class JsonLines(FileFormat):
    extension: str = "jsonl"
    content_type: str = "application/x-ndjson"

    @property
    def label(self) -> str:
        return "JSON Lines"

    def copy_statement(self, query: sql.Composable, columns: Sequence[Column]) -> sql.Composed:
        return self._copy(_OBJECT, query, VERBATIM_OPTIONS)


@dataclass(frozen=True)
class Json(FileFormat):
    """`[{...},\\n{...}]`, or `{"<root>": [...]}` when the partner wants an envelope."""

    root: str | None = None
    extension: str = "json"
    content_type: str = "application/json"

    @property
    def label(self) -> str:
        return "JSON"

    def copy_statement(self, query: sql.Composable, columns: Sequence[Column]) -> sql.Composed:
        # Every element but the first starts with the comma that separates it from the previous one.
        element = sql.SQL("CASE WHEN row_number() OVER () = 1 THEN '' ELSE ',' END || {}").format(_OBJECT)
        return self._copy(element, query, VERBATIM_OPTIONS)

    def prefix(self) -> bytes:
        return (f"{{{json.dumps(self.root)}:[\n" if self.root else "[\n").encode()

    def suffix(self) -> bytes:
        return b"]}\n" if self.root else b"]\n"
