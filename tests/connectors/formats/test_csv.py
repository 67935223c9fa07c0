"""CSV rendered by COPY: quoting, delimiters, decimal separator, round-tripped by a CSV reader."""

from __future__ import annotations

import csv
import io

from include.connectors.formats import Csv
from tests.connectors.conftest import COLUMNS, Erp, render_with


def test_csv_round_trips_hostile_text_with_decimal_comma(erp: Erp) -> None:
    body, result = render_with(erp, Csv(delimiter=";"))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=";"))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == ["1", 'Dipirona; "500mg"\nlinha 2', "12,50", "a\\b <x> & ção"]
    assert rows[2] == ["2", "Água, ' tab\tfim", "0,05", ""]
    assert (result.rows, result.totals) == (2, {"valor": "12.55"})


def test_csv_with_comma_and_decimal_point(erp: Erp) -> None:
    body, _ = render_with(erp, Csv(delimiter=",", decimal_comma=False, header=False))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0][2] == "12.50"
    assert rows[1][1] == "Água, ' tab\tfim"
