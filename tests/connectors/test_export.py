"""The data path on a real PostgreSQL: every format rendered by COPY, parsed back the way a partner would,
with hostile values (delimiters, quotes, newlines, backslashes, markup, accents), totals and checks."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Sequence
from decimal import Decimal

import pytest
from lxml import etree

from include.connectors import export
from include.connectors.errors import DataCheckError, LayoutMismatchError
from include.connectors.formats import Csv, Field, FileFormat, FixedWidth, Json, JsonLines, Xml
from tests.connectors.conftest import Erp

# Two rows a careless ERP user could type: every character that breaks a naive writer.
HOSTILE = """SELECT * FROM (VALUES
    (1, 'Dipirona; "500mg"' || chr(10) || 'linha 2', 12.50::numeric(12,2), 'a\\b <x> & ção'),
    (2, 'Água, '' tab' || chr(9) || 'fim', 0.05::numeric(12,2), NULL)
) AS t(id, descricao, valor, obs) WHERE %(tenant_id)s IS NOT NULL ORDER BY id"""
COLUMNS = ("id", "descricao", "valor", "obs")


def run(erp: Erp, fmt: FileFormat, *, query: str = HOSTILE, columns: Sequence[str] = COLUMNS,
        totals: Sequence[str] = ("valor",), compress: bool = False) -> tuple[bytes, export.ExportResult]:  # fmt: skip
    out = io.BytesIO()
    result = export.export(
        erp.url, query=query, params={"tenant_id": erp.tenant_id}, expected_columns=columns,
        render=fmt.copy_statement, checks=fmt.checks, prefix=fmt.prefix(), suffix=fmt.suffix(),
        total_columns=totals, sink=out, compress=compress,
    )  # fmt: skip
    return out.getvalue(), result


def test_csv_round_trips_hostile_text_with_decimal_comma(erp: Erp) -> None:
    body, result = run(erp, Csv(delimiter=";"))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=";"))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == ["1", 'Dipirona; "500mg"\nlinha 2', "12,50", "a\\b <x> & ção"]
    assert rows[2] == ["2", "Água, ' tab\tfim", "0,05", ""]
    assert (result.rows, result.totals) == (2, {"valor": "12.55"})


def test_csv_with_comma_and_decimal_point(erp: Erp) -> None:
    body, _ = run(erp, Csv(delimiter=",", decimal_comma=False, header=False))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0][2] == "12.50"
    assert rows[1][1] == "Água, ' tab\tfim"


@pytest.mark.parametrize("fmt", [JsonLines(), Json(), Json(root="registros")], ids=repr)
def test_json_escapes_everything_and_keeps_numbers_exact(erp: Erp, fmt: FileFormat) -> None:
    body, _ = run(erp, fmt)
    text = body.decode("utf-8")
    if isinstance(fmt, JsonLines):
        items = [json.loads(line, parse_float=Decimal) for line in text.splitlines()]
    else:
        document = json.loads(text, parse_float=Decimal)
        items = document["registros"] if isinstance(fmt, Json) and fmt.root else document
    assert items[0] == {"id": 1, "descricao": 'Dipirona; "500mg"\nlinha 2', "valor": Decimal("12.50"),
                        "obs": "a\\b <x> & ção"}  # fmt: skip
    assert items[1]["obs"] is None


def test_xml_escapes_markup_and_omits_nulls(erp: Erp) -> None:
    body, _ = run(erp, Xml(root="arquivo", row="item", namespace="urn:teste"))
    root = etree.fromstring(body)
    ns = {"t": "urn:teste"}
    first, second = root.findall("t:item", ns)
    assert first.findtext("t:descricao", namespaces=ns) == 'Dipirona; "500mg"\nlinha 2'
    assert first.findtext("t:obs", namespaces=ns) == "a\\b <x> & ção"
    assert second.find("t:obs", ns) is None


def test_xml_refuses_characters_xml_cannot_carry(erp: Erp) -> None:
    query = "SELECT 'bip' || chr(7) AS texto WHERE %(tenant_id)s IS NOT NULL"
    with pytest.raises(LayoutMismatchError, match="texto"):
        run(erp, Xml(), query=query, columns=("texto",), totals=())


LAYOUT = FixedWidth(layout=(Field("id", 3, decimals=0), Field("descricao", 10), Field("valor", 8, decimals=2)))


def test_fixed_width_pads_aligns_and_encodes_latin1(erp: Erp) -> None:
    query = """SELECT * FROM (VALUES (1, 'Ação', 12.5::numeric), (22, NULL, 0.05::numeric)) AS t(id, descricao, valor)
               WHERE %(tenant_id)s IS NOT NULL ORDER BY id"""
    body, result = run(erp, LAYOUT, query=query, columns=("id", "descricao", "valor"))
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
        run(erp, LAYOUT, query=query, columns=("id", "descricao", "valor"), totals=())


def test_columns_other_than_the_declared_ones_are_a_layout_mismatch(erp: Erp) -> None:
    with pytest.raises(LayoutMismatchError, match="colunas"):
        run(erp, Csv(), columns=("id", "descricao", "valor"))


def test_a_row_count_that_disagrees_with_the_totals_fails_the_file(erp: Erp) -> None:
    # random() makes the aggregate and the COPY see different rows: the export refuses the file.
    query = "SELECT g AS id FROM generate_series(1, 2000) g WHERE random() < 0.5 AND %(tenant_id)s IS NOT NULL"
    with pytest.raises(DataCheckError, match="linhas"):
        run(erp, Csv(), query=query, columns=("id",), totals=())


def test_gzip_is_deterministic(erp: Erp) -> None:
    first, _ = run(erp, Csv(delimiter=","), compress=True)
    second, _ = run(erp, Csv(delimiter=","), compress=True)
    assert first == second
    assert gzip.decompress(first).startswith(b"id,descricao,valor,obs\n")


def test_a_sink_that_fails_fails_the_export_and_leaves_no_thread(erp: Erp) -> None:
    import threading

    class FullDisk:
        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    before = threading.active_count()
    query = "SELECT g AS id, repeat('x', 500) AS texto FROM generate_series(1, 20000) g WHERE %(tenant_id)s IS NOT NULL"
    with pytest.raises(OSError, match="No space"):
        export.export(
            erp.url, query=query, params={"tenant_id": erp.tenant_id}, expected_columns=("id", "texto"),
            render=Csv().copy_statement, checks=Csv().checks, prefix=b"", suffix=b"", total_columns=(),
            sink=FullDisk(),
        )  # fmt: skip
    assert threading.active_count() == before
