"""Fixed-width lines: padding, implied decimals, Latin-1, and never a shifted line."""

from __future__ import annotations

import pytest

from include.connectors.errors import LayoutMismatchError
from include.connectors.formats import Field, FixedWidth
from tests.connectors.conftest import Erp, render_with

LAYOUT = FixedWidth(layout=(Field("id", 3, decimals=0), Field("descricao", 10), Field("valor", 8, decimals=2)))


def test_fixed_width_pads_aligns_and_encodes_latin1(erp: Erp) -> None:
    query = """SELECT * FROM (VALUES (1, 'Ação', 12.5::numeric), (22, NULL, 0.05::numeric)) AS t(id, descricao, valor)
               WHERE %(tenant_id)s IS NOT NULL ORDER BY id"""
    body, result = render_with(erp, LAYOUT, query=query, columns=("id", "descricao", "valor"))
    lines = body.decode("latin-1").split("\n")
    assert lines[:2] == ["001Ação      00001250", "022          00000005"]
    assert all(len(line) == LAYOUT.line_width for line in lines[:2])
    assert result.totals == {"valor": "12.55"}


@pytest.mark.parametrize(
    ("values", "broken"),
    [("(1234, 'x', 1)", "campo id"), ("(1, 'texto longo demais', 1)", "campo descricao"),
     ("(1, 'x', 9999999)", "campo valor"), ("(1, 'a' || chr(10) || 'b', 1)", "caracteres de controle")],
)  # fmt: skip
def test_fixed_width_never_shifts_a_line(erp: Erp, values: str, broken: str) -> None:
    query = f"SELECT * FROM (VALUES {values}) AS t(id, descricao, valor) WHERE %(tenant_id)s IS NOT NULL"  # noqa: S608
    with pytest.raises(LayoutMismatchError, match=broken):
        render_with(erp, LAYOUT, query=query, columns=("id", "descricao", "valor"), totals=())
