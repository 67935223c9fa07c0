"""JSON and JSON Lines rendered by PostgreSQL: escaping, exact numbers, envelopes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from include.connectors.formats import FileFormat, Json, JsonLines
from tests.connectors.conftest import Erp, render_with


@pytest.mark.parametrize("fmt", [JsonLines(), Json(), Json(root="registros")], ids=repr)
def test_json_escapes_everything_and_keeps_numbers_exact(erp: Erp, fmt: FileFormat) -> None:
    body, _ = render_with(erp, fmt)
    text = body.decode("utf-8")
    if isinstance(fmt, JsonLines):
        items = [json.loads(line, parse_float=Decimal) for line in text.splitlines()]
    else:
        document = json.loads(text, parse_float=Decimal)
        items = document["registros"] if isinstance(fmt, Json) and fmt.root else document
    assert items[0] == {"id": 1, "descricao": 'Dipirona; "500mg"\nlinha 2', "valor": Decimal("12.50"),
                        "obs": "a\\b <x> & ção"}  # fmt: skip
    assert items[1]["obs"] is None
