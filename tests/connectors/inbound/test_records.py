"""Readers of received files: each format's records, and every way a file can be malformed refused with
the place it was found."""

from __future__ import annotations

import io

import pytest

from include.connectors.errors import ReceivedFileRefusedError
from include.connectors.exact_wms import ExactWms
from include.connectors.fisoft_wms import MOVEMENT_LAYOUT
from include.connectors.inbound import CsvRecords, FixedWidthRecords, JsonRecords, XmlRecords
from include.connectors.inbound.records import RecordReader
from include.connectors.linx_wms import NAMESPACE
from include.connectors.wms import MOVEMENT_FIELDS

CSV = CsvRecords(MOVEMENT_FIELDS)
FIXED = FixedWidthRecords(MOVEMENT_LAYOUT)
JSON = JsonRecords("movimentos", MOVEMENT_FIELDS)
XML = XmlRecords(NAMESPACE, "movimentosEstoque", "movimento", MOVEMENT_FIELDS)

HEADER = ";".join(MOVEMENT_FIELDS)
LINE_1 = "M-1;11222333000181;7891000315507;E;12.000;2026-11-28T10:00:00-03:00;123"
LINE_2 = "M-2;11222333000181;7891000315507;S;1.500;2026-11-28T11:00:00-03:00;"


def read(reader: RecordReader, body: bytes) -> list[dict[str, str]]:
    return [dict(record.values) for record in reader.records(io.BytesIO(body))]


def refusal(reader: RecordReader, body: bytes) -> str:
    with pytest.raises(ReceivedFileRefusedError) as refused:
        read(reader, body)
    return refused.value.detail


def test_the_exact_connector_reads_with_the_csv_reader() -> None:
    assert ExactWms.inbound is not None
    assert ExactWms.inbound.reader == CSV


# --- CSV -------------------------------------------------------------------------------------------


def test_csv_records_with_header_and_trailer() -> None:
    records = read(CSV, f"{HEADER}\n{LINE_1}\n{LINE_2}\nFIM;2\n".encode())
    assert [r["id"] for r in records] == ["M-1", "M-2"]
    assert records[1] == dict(zip(MOVEMENT_FIELDS, LINE_2.split(";"), strict=True))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"{HEADER}\n{LINE_1}\n".encode(), "arquivo incompleto: falta a linha final FIM"),
        (f"{HEADER}\n{LINE_1}\nFIM;3\n".encode(), "linha 3: a linha final informa 3 registro(s); o arquivo tem 1"),
        (f"id;ean\n{LINE_1}\nFIM;1\n".encode(), "linha 1: cabeçalho fora do layout"),
        (f"{HEADER}\nM-1;111;789\nFIM;1\n".encode(), "linha 2: 3 campos; o layout tem 7"),
        (f"{HEADER}\n{LINE_1}\nFIM;1\n{LINE_2}\n".encode(), "linha 4: conteúdo depois da linha final FIM"),
        (f"{HEADER}\n{LINE_1}\n".encode() + b"M-\xff\xfe;1\nFIM;2\n", "linha 3: caracteres fora da codificação UTF-8"),
        (f"{HEADER}\nM-1\x1b;1;2;3;4;5;6\nFIM;1\n".encode(), "linha 2: caractere de controle"),
        (b"", "linha 1: cabeçalho fora do layout"),
        (f"{HEADER}\n{LINE_1}\n{LINE_2[:20]}".encode(), "linha 3: arquivo incompleto: a última linha termina no meio"),
    ],
)
def test_csv_refusals_say_where(body: bytes, expected: str) -> None:
    assert expected in refusal(CSV, body)


# --- fixed width ----------------------------------------------------------------------------------


def fixed_line(movement_id: str, quantity_thousandths: int, order: str = "") -> str:
    return (
        f"1{movement_id:<20}11222333000181{'7891000315507':<14}E{quantity_thousandths:012d}20261128100000"
        f"{order.zfill(12) if order else ' ' * 12}"
    )


def test_fixed_width_records_with_implied_decimals_and_trailer() -> None:
    body = f"{fixed_line('M-1', 12_500, '123')}\n{fixed_line('M-2', 1_000)}\n9000000002\n".encode("latin-1")
    records = read(FIXED, body)
    assert records[0] == {
        "id": "M-1", "cnpj_filial": "11222333000181", "ean": "7891000315507", "tipo": "E",
        "quantidade": "12.500", "ocorrido_em": "20261128100000", "pedido": "123",
    }  # fmt: skip
    assert records[1]["pedido"] == ""
    assert len(fixed_line("M-1", 1)) == 88


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"{fixed_line('M-1', 1)}\n".encode(), "arquivo incompleto: falta a linha final"),
        (f"{fixed_line('M-1', 1)[:60]}\n9000000001\n".encode(), "linha 1: linha de 60 posições; o layout tem 88"),
        (f"{fixed_line('M-1', 1)}\n9000000005\n".encode(), "linha 2: a linha final informa 5 registro(s)"),
        (f"{fixed_line('M-1', 1).replace('E0', 'EX')}\n9000000001\n".encode(), "quantidade deve ter só dígitos"),
        ((fixed_line("M" + chr(0), 1) + "\n9000000001\n").encode(), "linha 1: caractere de controle"),
        (f"{fixed_line('M-1', 1)}\n{fixed_line('M-2', 1)[:40]}".encode(), "linha 2: arquivo incompleto"),
    ],
)
def test_fixed_width_refusals_say_where(body: bytes, expected: str) -> None:
    assert expected in refusal(FIXED, body)


# --- JSON -------------------------------------------------------------------------------------------


def test_json_records_keep_numbers_as_written() -> None:
    body = b'{"movimentos": [{"id": "M-1", "cnpj_filial": "11222333000181", "ean": "7891000315507", "tipo": "E",' \
        b' "quantidade": 12.50, "ocorrido_em": "2026-11-28T10:00:00-03:00", "pedido": null}]}'  # fmt: skip
    assert read(JSON, body)[0]["quantidade"] == "12.50"
    assert read(JSON, body)[0]["pedido"] == ""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"movimentos": [{"id": "M-1"', "JSON inválido ou incompleto"),
        (b'{"outros": []}', "o documento deve ser um objeto com a lista 'movimentos'"),
        (b'{"movimentos": [{"id": "M-1"}]}', "registro 1: campos ausentes: cnpj_filial"),
        (b'{"movimentos": [7]}', "registro 1: deve ser um objeto"),
        (b'{"movimentos": "\xff"}', "caracteres fora da codificação UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON inválido ou incompleto"),
    ],
)
def test_json_refusals_say_where(body: bytes, expected: str) -> None:
    assert expected in refusal(JSON, body)


def test_json_nested_values_are_refused() -> None:
    fields = ",".join(f'"{f}": "x"' for f in MOVEMENT_FIELDS if f != "tipo")
    assert "campo tipo deve ser texto ou número" in refusal(
        JSON, f'{{"movimentos": [{{{fields}, "tipo": []}}]}}'.encode()
    )


# --- XML --------------------------------------------------------------------------------------------


def xml_document(*rows: str, root: str = "movimentosEstoque") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><{root} xmlns="{NAMESPACE}" versao="1.0">'
            + "".join(rows) + f"</{root}>").encode()  # fmt: skip


def xml_row(movement_id: str, **overrides: str) -> str:
    values = dict(zip(MOVEMENT_FIELDS, LINE_1.split(";"), strict=True)) | {"id": movement_id} | overrides
    return "<movimento>" + "".join(f"<{k}>{v}</{k}>" for k, v in values.items()) + "</movimento>"


def test_xml_records_stream_rows() -> None:
    records = read(XML, xml_document(*(xml_row(f"M-{n}") for n in range(1, 2001))))
    assert len(records) == 2000
    assert records[-1]["id"] == "M-2000"
    assert records[0]["quantidade"] == "12.000"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (xml_document(xml_row("M-1"))[:-12], "arquivo incompleto: XML interrompido depois de 1 registros"),
        (xml_document(xml_row("M-1"), root="outra"), "elemento raiz"),
        (xml_document(xml_row("M-1").replace("<tipo>E</tipo>", "")), "registro 1: campos ausentes: tipo"),
        (xml_document(xml_row("M-1").replace("<tipo>", "<cor>azul</cor><tipo>")), "registro 1: elemento cor fora"),
        (xml_document(xml_row("M-\xff")).replace("M-\xff".encode(), b"M-\xff"), "XML inválido"),
        (b"", "arquivo vazio"),
    ],
)
def test_xml_refusals_say_where(body: bytes, expected: str) -> None:
    assert expected in refusal(XML, body)


def test_xml_entity_expansion_is_refused() -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8)
    )
    body = f'<?xml version="1.0"?><!DOCTYPE m [{entities}]><movimentosEstoque xmlns="{NAMESPACE}">' \
        f"{xml_row('M-1', id='&i;')}</movimentosEstoque>"  # fmt: skip
    assert "XML inválido" in refusal(XML, body.encode())
