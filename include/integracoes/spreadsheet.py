"""CSV as spreadsheets read it: `;`-separated (pt-BR), quoted where needed, and never a formula.

A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some spreadsheets skip before
reading one) is run as a formula when the file is opened: a description or a user name typed as
`=HYPERLINK(...)` would act in the reader's spreadsheet (CSV injection). Such a cell gets a leading `'`, which
spreadsheets show as text; numbers (a negative amount) are left as they are. Every CSV the product exports
is written here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as the text of one cell, neutralised when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    return text.strip() == text  # "-1" is a number; "\t-1" is not what a spreadsheet reads as one


class CsvLines:
    """Lines of a CSV written one at a time (a streamed export never holds the whole file)."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, delimiter=";", lineterminator="\r\n")

    def line(self, values: Iterable[object]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow([cell(value) for value in values])
        return self._buffer.getvalue()
