"""File formats shared by connectors (CSV so far), written as streams with running totals."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from include.connectors.base import ByteSink, RenderResult


def write_csv(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    out: ByteSink,
    *,
    delimiter: str = ";",
    total_columns: Sequence[str] = (),
    decimal_comma: bool = True,
) -> RenderResult:
    """CSV with a header line, UTF-8, CRLF; Decimal values with a decimal comma when asked."""
    writer = csv.writer(_Utf8(out), delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    indexes = [columns.index(name) for name in total_columns]
    sums = [Decimal(0) for _ in indexes]
    result = RenderResult()
    for row in rows:
        for slot, index in enumerate(indexes):
            sums[slot] += row[index]
        writer.writerow([_cell(value, decimal_comma) for value in row])
        result.rows += 1
    result.totals = {name: str(total) for name, total in zip(total_columns, sums, strict=True)}
    return result


class _Utf8:
    """The text side csv.writer needs, over a binary stream."""

    def __init__(self, out: ByteSink) -> None:
        self._out = out

    def write(self, line: str) -> int:
        return self._out.write(line.encode("utf-8"))


def _cell(value: Any, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",") if decimal_comma else format(value, "f")
    return str(value)
