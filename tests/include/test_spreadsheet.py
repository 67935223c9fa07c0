"""Every CSV the product exports neutralises what a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from include.integracoes.spreadsheet import CsvLines, cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+55 11 99999", "'+55 11 99999"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-12.50", "-12.50"),  # a negative amount stays a number
        (-3, "-3"),
        ("Farmácia = Vida", "Farmácia = Vida"),
        (None, ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(value: object, written: str) -> None:
    assert cell(value) == written


def test_lines_are_semicolon_separated_quoted_where_needed() -> None:
    lines = CsvLines()
    text = lines.line(["a;b", 'diz "oi"', "linha\nnova", "=x"]) + lines.line([1, None])
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [["a;b", 'diz "oi"', "linha\nnova", "'=x"], ["1", ""]]
