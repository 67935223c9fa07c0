"""The file contracts the partner twins hold uploads to (sandbox/contracts.py), format by format, without a sandbox
process: what the connectors render passes, each way a file breaks its declared layout is refused with a reason."""

from __future__ import annotations

import gzip
import io

import pytest

from include.connectors.registry import CONNECTORS
from sandbox import contracts

PRICES = contracts.contract("pricefy")
HEADER = PRICES.header_line.encode()


def test_every_partner_that_receives_files_has_a_contract_per_data_set() -> None:
    senders = {code for code, connector in CONNECTORS.items() if connector.transport is not None}
    assert set(contracts.CONTRACTS) == senders
    for code in senders:
        names = [c.dataset.name for c in contracts.CONTRACTS[code]]
        assert names == [d.name for d in CONNECTORS[code].datasets]


def test_a_file_is_found_by_the_name_its_connector_gives_it() -> None:
    assert contracts.contract_for("trivio", "trivio_vendas_20261118_20261120_t7.csv") is not None
    assert contracts.contract_for("exact_wms", "exact_pedidos_filial3_20261118_20261120_t7.csv") is not None
    found = contracts.contract_for("propz", "propz_itens_20261120_20261120_t12.csv.gz")
    assert found is not None
    assert found.dataset.name == "itens"
    for code, name in [("trivio", "vendas_abc.csv"), ("trivio", "trivio_vendas_20261120_t7.csv"),
                       ("propz", "propz_itens_20261120_20261120_t12.csv"), ("desconhecido", "x.csv")]:  # fmt: skip
        assert contracts.contract_for(code, name) is None, name


def test_csv_takes_quoted_delimiters_and_line_breaks_and_refuses_a_short_record_or_another_header() -> None:
    good = HEADER + b'\n1;789;"Dipirona; 500mg\nlinha 2";EMS;12,50;\n'
    assert PRICES.problem(good) is None
    assert PRICES.problem(HEADER + b"\n") is None  # no rows: still the contract
    assert PRICES.problem(HEADER + b"\n1;789;Dipirona;EMS;12,50\n") == "linha 2: 5 campos; o layout tem 6"
    assert (PRICES.problem(b"zona;ean\n") or "").startswith("cabeçalho fora do layout: zona;ean")
    assert (PRICES.problem(b"") or "").startswith("cabeçalho fora do layout")
    assert PRICES.problem(HEADER + b"\n1;789;\xe7\xe3o;EMS;1;\n") == "arquivo fora do UTF-8"


def test_gzip_is_opened_first_and_garbage_is_refused() -> None:
    products = contracts.contract("propz", "produtos")
    header = products.header_line.encode() + b"\n"
    assert products.problem(gzip.compress(header + '789,"Dipirona, 500mg",EMS,Analgésico\n'.encode())) is None
    assert products.problem(gzip.compress(header + b"789,Dipirona\n")) == "linha 2: 2 campos; o layout tem 4"
    assert (products.problem(header) or "").startswith("arquivo gzip inválido")
    assert (products.problem(gzip.compress(header)[:-6]) or "").startswith("arquivo gzip inválido")


def test_fixed_width_lines_are_exactly_as_wide_as_the_layout() -> None:
    audit = contracts.contract("audit")
    line = b"2" + b"0" * 64
    assert audit.problem(line + b"\n" + line + b"\n") is None
    assert audit.problem(line + b"\n" + line[:-1] + b"\n") == "linha 2: 64 posições; o layout tem 65"
    assert audit.problem(line + b"\r\n") == "linha 1: 66 posições; o layout tem 65"
    assert audit.problem(b"2" + "Ação".encode("latin-1") + b"0" * 60 + b"\n") is None  # ISO-8859-1: a byte each


def test_json_documents_need_their_root_with_a_list_of_objects() -> None:
    events = contracts.contract("ligo")
    assert events.problem(b'{"eventos":[\n{"a":1},\n{"a":2}]}\n') is None
    assert events.problem(b'[{"a":1}]') == 'o documento deve ser um objeto com a lista "eventos"'
    assert events.problem(b'{"eventos": {}}') == 'o documento deve ser um objeto com a lista "eventos"'
    assert events.problem(b'{"eventos": [1]}') == "eventos[0] deve ser um objeto"
    assert (events.problem(b'{"eventos": [') or "").startswith("JSON inválido")
    assert (events.problem(b'{"eventos": [{"v": NaN}]}') or "").startswith("JSON inválido")


def test_json_lines_are_one_object_each() -> None:
    dito = contracts.contract("dito")
    assert dito.problem(b'{"a":1}\n{"a":2}\n') is None
    assert dito.problem(b"") is None
    assert (dito.problem(b'{"a":1}\n{"a":2\n') or "").startswith("linha 2: JSON inválido")
    assert dito.problem(b'{"a":1}\n[1]\n') == "linha 2: cada linha deve ser um objeto JSON"
    assert (dito.problem(b'{"a":1}\n\n') or "").startswith("linha 2: JSON inválido")


def test_xml_is_well_formed_with_the_declared_root_and_rows() -> None:
    orders = contracts.contract("linx_wms")
    space = "urn:integracoes:linx-wms:v1"
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<pedidosReposicao xmlns="{space}" versao="1.0">\n'.encode()
    assert orders.problem(head + b"<pedido><ean>1</ean></pedido>\n<pedido/>\n</pedidosReposicao>\n") is None
    assert (orders.problem(head + b"<pedido/>\n") or "").startswith("XML malformado")
    wrong_row = orders.problem(head + b"<x/></pedidosReposicao>")
    assert wrong_row == f"XML fora do layout: elemento 1 é {{{space}}}x, esperado {{{space}}}pedido"
    other_root = f'<pedidos xmlns="{space}" versao="1.0"></pedidos>'.encode()
    assert (orders.problem(other_root) or "").startswith(f"XML fora do layout: raiz {{{space}}}pedidos")
    no_version = f'<pedidosReposicao xmlns="{space}"></pedidosReposicao>'.encode()
    assert orders.problem(no_version) == 'XML fora do layout: a raiz deve ter versao="1.0"'


def test_a_stream_is_checked_as_it_is_read() -> None:
    assert PRICES.problem(io.BytesIO(HEADER + b"\n1;789;D;EMS;1;\n")) is None


@pytest.mark.parametrize("code", sorted(contracts.CONTRACTS))
def test_one_partner_names_its_only_data_set_or_asks_for_one(code: str) -> None:
    declared = contracts.CONTRACTS[code]
    if len(declared) == 1:
        assert contracts.contract(code) is declared[0]
    else:
        with pytest.raises(ValueError, match="data sets"):
            contracts.contract(code)
