"""BoaVista (card-sales reconciliation) in the sandbox, over real HTTPS: the key pair, the sales upload and what
it refuses, the reconciliation and payments answers (computed here from the contract's text, in integer cents,
independently of the sandbox), keys kept apart, re-sent sales, a restart, failure modes and the control API."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.sandbox_fixtures import PartnerSandbox, start_sandbox, stop_sandbox

URL = "/boavista/conciliacao"
BRANCH, OTHER_BRANCH = "11222333000181", "11222333000262"
DAY = "2026-11-27"
UNAUTHORIZED = (401, {"mensagem": "chaves de acesso inválidas"})


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PartnerSandbox]:
    """A sandbox of its own: these tests steer BoaVista's failure modes, which the other tests must not see."""
    running, process = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    yield running
    stop_sandbox(process)


def fresh() -> str:
    """An access key no other test uses: the sandbox keeps the sales per access key."""
    return f"boavista-{uuid.uuid4().hex[:10]}"


def keys(access: str) -> dict[str, str]:
    """The contract's sandbox rule for a valid pair: the secret is the access key plus "-segredo"."""
    return {"X-Chave-Acesso": access, "X-Chave-Secreta": f"{access}-segredo"}


MISSING = object()  # a field given this value is left out of the sale


def number(text: str) -> int | float:
    """The JSON number a text reads as (`"7.50"` -> 7.5, `"100"` -> 100), as the product would send it."""
    value = json.loads(text)
    assert isinstance(value, int | float)
    return value


def sale(nsu: str, valor: str = "12.34", /, **fields: Any) -> dict[str, Any]:
    """One card payment as the contract describes it."""
    element = {"cnpj_filial": BRANCH, "data": DAY, "cupom": 1001, "valor_total": number(valor), "bandeira": "Visa",
               "modalidade": "credito", "parcelas": 1, "nsu": nsu, "autorizacao": "A1B2C3"}  # fmt: skip
    return {k: v for k, v in {**element, **fields}.items() if v is not MISSING}


# --- the contract's rules, in integer cents (no Decimal, unlike the sandbox) ---------------------------------


def cents(text: str) -> int:
    whole, _, fraction = text.partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])


def money(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def expected_status(nsu: str, valor: str) -> tuple[str, str | None]:
    """(situacao, valor_boavista) by int(nsu) % 10: 0 not found, 1 one real less (at least a cent), else equal."""
    residue = int(nsu) % 10
    if residue == 0:
        return "nao_encontrada", None
    if residue == 1:
        return "divergente", money(max(cents(valor) - 100, 1))
    return "conciliada", money(cents(valor))


def expected_payment(gross: str) -> tuple[str, str]:
    """(taxa, valor_liquido): 2.5% of the gross amount, half-up to cents, and what is left."""
    fee = (cents(gross) * 25 + 500) // 1000  # cents x 0.025, half-up
    return money(fee), money(cents(gross) - fee)


# (nsu, valor_total as sent, situacao, valor_boavista), worked out by hand from the contract's text
RECONCILED = [
    ("100010", "12.34", "nao_encontrada", None),
    ("100001", "12.34", "divergente", "11.34"),
    ("100011", "1.00", "divergente", "0.01"),  # 0.00: at least a cent
    ("100021", "0.5", "divergente", "0.01"),
    ("100031", "1.01", "divergente", "0.01"),
    ("100041", "1.02", "divergente", "0.02"),
    ("100002", "7.5", "conciliada", "7.50"),
    ("100009", "100", "conciliada", "100.00"),  # a JSON integer is a number too
    ("000005", "0.0", "conciliada", "0.00"),
]

# (nsu, valor_total of a sale the day before, valor_bruto, taxa, valor_liquido), by hand
PAID = [
    ("200002", "12.34", "12.34", "0.31", "12.03"),  # 0.3085
    ("200003", "1.0", "1.00", "0.03", "0.97"),  # 0.025: half-up (half-even would give 0.02)
    ("200004", "0.2", "0.20", "0.01", "0.19"),  # 0.005
    ("200006", "4.2", "4.20", "0.11", "4.09"),  # 0.105: half-up (half-even would give 0.10)
    ("200007", "0.02", "0.02", "0.00", "0.02"),  # 0.0005
    ("200001", "13", "12.00", "0.30", "11.70"),  # divergente: paid on BoaVista's amount
    ("200011", "0.6", "0.01", "0.00", "0.01"),  # divergente at the minimum
]


def test_the_hand_worked_examples_match_the_rules_as_written() -> None:
    """The tables above and the integer reading of the rules agree (so the tests below check both)."""
    for nsu, valor, status, acquirer in RECONCILED:
        assert expected_status(nsu, valor) == (status, acquirer)
    for nsu, valor, gross, fee, net in PAID:
        assert expected_status(nsu, valor)[1] == gross
        assert expected_payment(gross) == (fee, net)


# --- talking to the sandbox ---------------------------------------------------------------------------------


def call(
    sandbox: PartnerSandbox, method: str, path: str, access: str | None = None, **options: Any
) -> requests.Response:
    headers = {**(keys(access) if access is not None else {}), **options.pop("headers", {})}
    options["headers"] = {k: v for k, v in headers.items() if v is not None}
    return requests.request(method, sandbox.url + path, timeout=10, verify=str(sandbox.ca_bundle), **options)


def post(sandbox: PartnerSandbox, access: str, document: object, **headers: str | None) -> requests.Response:
    """A sales upload as the contract has it; a header given as None is left out."""
    sent: dict[str, str | None] = {
        "Idempotency-Key": uuid.uuid4().hex,
        "X-Arquivo": f"boavista_vendas_{uuid.uuid4().hex[:8]}.json",
        "Content-Type": "application/json",
        **headers,
    }
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return call(sandbox, "POST", f"{URL}/vendas", access, data=body, headers=sent)


def accepted(sandbox: PartnerSandbox, access: str, *sales: dict[str, Any]) -> str:
    """Posts the sales, which must be accepted; their protocol."""
    answer = post(sandbox, access, {"vendas": list(sales)})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["protocolo"])


def query(sandbox: PartnerSandbox, kind: str, access: str, day: str) -> dict[str, Any]:
    answer = call(sandbox, "GET", f"{URL}/{kind}", access, params={"data": day})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def stored(sandbox: PartnerSandbox, access: str) -> list[dict[str, Any]]:
    """The control API's view: the sales the sandbox keeps for the access key."""
    return list(sandbox.control(f"boavista/vendas?chave={access}")["vendas"])


def received_names(sandbox: PartnerSandbox) -> list[str]:
    return [entry["name"] for entry in sandbox.received("boavista")]


# --- keys -----------------------------------------------------------------------------------------------------

ROUTES = [("POST", "vendas"), ("GET", "conciliacao"), ("GET", "pagamentos"), ("GET", "ping")]
BAD_PAIRS = {
    "no_headers": {},
    "no_secret": {"X-Chave-Acesso": "{key}"},
    "no_access_key": {"X-Chave-Secreta": "{key}-segredo"},
    "wrong_secret": {"X-Chave-Acesso": "{key}", "X-Chave-Secreta": "{key}-errado"},
    "anothers_secret": {"X-Chave-Acesso": "{key}", "X-Chave-Secreta": "demo-boavista-segredo"},
    "empty_access_key": {"X-Chave-Acesso": "", "X-Chave-Secreta": "-segredo"},
}


@pytest.mark.parametrize("pair", BAD_PAIRS)
def test_a_missing_header_or_a_wrong_pair_gets_401_on_every_route(sandbox: PartnerSandbox, pair: str) -> None:
    access = fresh()
    headers = {name: value.format(key=access) for name, value in BAD_PAIRS[pair].items()}
    for method, route in ROUTES:
        answer = call(
            sandbox, method, f"{URL}/{route}", params={"data": DAY}, json={"vendas": [sale("300002")]},
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex, "X-Arquivo": "recusado.json"},
        )  # fmt: skip
        assert (answer.status_code, answer.json()) == UNAUTHORIZED, route
    assert stored(sandbox, access) == []
    assert "recusado.json" not in received_names(sandbox)


def test_a_valid_pair_passes_the_connection_check(sandbox: PartnerSandbox) -> None:
    for access in ("demo-boavista", fresh()):
        answer = call(sandbox, "GET", f"{URL}/ping", access)
        assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
    demo = {"X-Chave-Acesso": "demo-boavista", "X-Chave-Secreta": "demo-boavista-segredo"}
    assert call(sandbox, "GET", f"{URL}/ping", headers=demo).status_code == 200


# --- the sales upload -----------------------------------------------------------------------------------------


def test_accepted_sales_are_recorded_and_stored_for_the_key(sandbox: PartnerSandbox) -> None:
    access, name = fresh(), f"boavista_vendas_{uuid.uuid4().hex[:8]}.json"
    document = {"vendas": [sale("400002", "7.5", extra="ignorado"), sale("400003", "100", modalidade="debito")]}
    body = json.dumps(document).encode()
    answer = post(sandbox, access, body, **{"X-Arquivo": name})
    assert answer.status_code == 201, answer.text
    assert set(answer.json()) == {"protocolo"}
    [entry] = [e for e in sandbox.received("boavista") if e["name"] == name]
    assert (entry["sha256"], entry["protocol"]) == (hashlib.sha256(body).hexdigest(), answer.json()["protocolo"])
    expected = [{**sale("400002"), "valor_total": "7.50"},
                {**sale("400003", modalidade="debito"), "valor_total": "100.00"}]  # fmt: skip
    assert stored(sandbox, access) == expected, "the contract's fields, money as a 2-decimal string"


REFUSED_SALES: dict[str, tuple[dict[str, Any], str]] = {
    "missing_nsu": ({"nsu": MISSING}, "vendas[1]: campos obrigatórios ausentes: nsu"),
    "missing_two": ({"cupom": MISSING, "autorizacao": MISSING}, "vendas[1]: campos obrigatórios ausentes: cupom, "),
    "cupom_as_text": ({"cupom": "1001"}, "vendas[1].cupom "),
    "cupom_as_boolean": ({"cupom": True}, "vendas[1].cupom "),
    "cupom_with_decimals": ({"cupom": 1001.5}, "vendas[1].cupom "),
    "valor_as_text": ({"valor_total": "12.34"}, "vendas[1].valor_total "),
    "valor_three_decimals": ({"valor_total": 12.345}, "vendas[1].valor_total "),
    "valor_negative": ({"valor_total": -1.5}, "vendas[1].valor_total "),
    "valor_null": ({"valor_total": None}, "vendas[1].valor_total "),
    "cnpj_13_digits": ({"cnpj_filial": BRANCH[:-1]}, "vendas[1].cnpj_filial "),
    "cnpj_as_number": ({"cnpj_filial": int(BRANCH)}, "vendas[1].cnpj_filial "),
    "data_brazilian": ({"data": "27/11/2026"}, "vendas[1].data "),
    "data_compact": ({"data": "20261127"}, "vendas[1].data "),
    "data_impossible": ({"data": "2026-02-30"}, "vendas[1].data "),
    "modalidade_pix": ({"modalidade": "pix"}, "vendas[1].modalidade "),
    "parcelas_zero": ({"parcelas": 0}, "vendas[1].parcelas "),
    "parcelas_as_text": ({"parcelas": "1"}, "vendas[1].parcelas "),
    "nsu_as_number": ({"nsu": 500002}, "vendas[1].nsu "),
    "nsu_with_letters": ({"nsu": "50A002"}, "vendas[1].nsu "),
    "bandeira_as_number": ({"bandeira": 1}, "vendas[1].bandeira "),
}


@pytest.mark.parametrize("case", REFUSED_SALES)
def test_a_sale_with_a_field_missing_or_of_the_wrong_type_refuses_the_whole_file(
    sandbox: PartnerSandbox, case: str
) -> None:
    access, (changes, message) = fresh(), REFUSED_SALES[case]
    wrong = sale("500002", **changes)
    name = f"recusado_{uuid.uuid4().hex[:8]}.json"
    answer = post(sandbox, access, {"vendas": [sale("500003"), wrong]}, **{"X-Arquivo": name})
    assert answer.status_code == 422, answer.text
    assert answer.json()["mensagem"].startswith(message)
    assert stored(sandbox, access) == [], "nothing of a refused file is kept"
    assert name not in received_names(sandbox)


REFUSED_DOCUMENTS: dict[str, tuple[bytes, str]] = {
    "not_json": (b'{"vendas": [', "JSON inválido"),
    "not_utf8": ('{"vendas": [], "x": "ação"}'.encode("iso-8859-1"), "JSON inválido"),
    "nan": (b'{"vendas": [{"valor_total": NaN}]}', "JSON inválido"),
    "other_root": (b'{"itens": []}', 'o documento deve ser um objeto com a lista "vendas"'),
    "a_list": (b"[]", 'o documento deve ser um objeto com a lista "vendas"'),
    "vendas_not_a_list": (b'{"vendas": {}}', 'o documento deve ser um objeto com a lista "vendas"'),
    "element_not_an_object": (b'{"vendas": [1]}', "vendas[0] deve ser um objeto"),
}


@pytest.mark.parametrize("case", REFUSED_DOCUMENTS)
def test_a_body_off_the_documents_shape_is_refused_with_422(sandbox: PartnerSandbox, case: str) -> None:
    access, (body, message) = fresh(), REFUSED_DOCUMENTS[case]
    answer = post(sandbox, access, body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["mensagem"].startswith(message)
    assert stored(sandbox, access) == []


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"Idempotency-Key": None}, "cabeçalhos obrigatórios ausentes: Idempotency-Key"),
        ({"X-Arquivo": None}, "cabeçalhos obrigatórios ausentes: X-Arquivo"),
        ({"Idempotency-Key": None, "X-Arquivo": None}, "cabeçalhos obrigatórios ausentes: Idempotency-Key, X-Arquivo"),
        ({"X-Arquivo": "../fora.json"}, "X-Arquivo deve ser só o nome do arquivo"),
    ],
)
def test_an_upload_without_its_headers_is_refused_with_400(
    sandbox: PartnerSandbox, headers: dict[str, str | None], message: str
) -> None:
    access = fresh()
    answer = post(sandbox, access, {"vendas": [sale("600002")]}, **headers)
    assert (answer.status_code, answer.json()) == (400, {"mensagem": message})
    assert stored(sandbox, access) == []


@pytest.mark.parametrize("content_type", ["text/csv", "text/plain", "application/json; charset=iso-8859-1", None])
def test_anything_but_utf8_json_is_refused_with_415(sandbox: PartnerSandbox, content_type: str | None) -> None:
    access = fresh()
    answer = post(sandbox, access, {"vendas": [sale("600002")]}, **{"Content-Type": content_type})
    assert (answer.status_code, answer.json()) == (415, {"mensagem": "envie application/json (UTF-8)"})
    assert stored(sandbox, access) == []


def test_a_repeated_idempotency_key_is_a_duplicate_and_stores_nothing_new(sandbox: PartnerSandbox) -> None:
    access, key = fresh(), uuid.uuid4().hex
    first = post(sandbox, access, {"vendas": [sale("700002")]}, **{"Idempotency-Key": key})
    again = post(sandbox, access, {"vendas": [sale("700003")]}, **{"Idempotency-Key": key})
    assert first.status_code == 201
    assert (again.status_code, again.json()) == (200, {"protocolo": first.json()["protocolo"], "duplicado": True})
    assert [s["nsu"] for s in stored(sandbox, access)] == ["700002"]
    assert [e["idempotency_key"] for e in sandbox.received("boavista")].count(key) == 1


def test_a_resent_sale_replaces_the_older_one(sandbox: PartnerSandbox) -> None:
    """The key is (cnpj_filial, cupom, nsu): the same coupon's other card payment, or the same coupon number
    at another branch, are other sales."""
    access = fresh()
    other_branch = sale("800002", "1.00", cnpj_filial=OTHER_BRANCH)
    accepted(sandbox, access, sale("800002", "10.00"), sale("800003", "5.00"), other_branch)
    accepted(sandbox, access, sale("800002", "20.00", bandeira="Elo", data="2026-11-28"))
    assert [(s["cnpj_filial"], s["nsu"], s["valor_total"], s["data"]) for s in stored(sandbox, access)] == [
        (BRANCH, "800002", "20.00", "2026-11-28"),
        (BRANCH, "800003", "5.00", DAY),
        (OTHER_BRANCH, "800002", "1.00", DAY),
    ]
    assert [v["nsu"] for v in query(sandbox, "conciliacao", access, DAY)["vendas"]] == ["800003", "800002"]
    [moved] = query(sandbox, "conciliacao", access, "2026-11-28")["vendas"]
    assert (moved["nsu"], moved["valor_informado"]) == ("800002", "20.00")


# --- reconciliation and payments ------------------------------------------------------------------------------


def test_the_reconciliation_answers_the_days_sales_per_the_rule(sandbox: PartnerSandbox) -> None:
    access = fresh()
    sales = [sale(nsu, valor, cupom=2000 + n % 3) for n, (nsu, valor, _, _) in enumerate(RECONCILED)]
    sales.append(sale("100002", "3.00", cnpj_filial=OTHER_BRANCH, cupom=1))
    other_days = [sale("100003", data="2026-11-26"), sale("100004", data="2026-11-28")]
    accepted(sandbox, access, *reversed(sales[:5]), other_days[0])
    accepted(sandbox, access, other_days[1], *sales[5:])
    answer = query(sandbox, "conciliacao", access, DAY)
    assert set(answer) == {"data", "vendas"}
    expected = sorted(
        (
            {"cnpj_filial": s["cnpj_filial"], "cupom": s["cupom"], "nsu": s["nsu"],
             "valor_informado": money(cents(json.dumps(s["valor_total"]))),
             "valor_boavista": expected_status(s["nsu"], json.dumps(s["valor_total"]))[1],
             "situacao": expected_status(s["nsu"], json.dumps(s["valor_total"]))[0]}
            for s in sales
        ),
        key=lambda v: (v["cnpj_filial"], v["cupom"], v["nsu"]),
    )  # fmt: skip
    assert answer == {"data": DAY, "vendas": expected}
    by_nsu = {v["nsu"]: (v["situacao"], v["valor_boavista"]) for v in answer["vendas"] if v["cnpj_filial"] == BRANCH}
    assert by_nsu == {nsu: (status, acquirer) for nsu, _, status, acquirer in RECONCILED}
    assert query(sandbox, "conciliacao", access, "2026-11-25") == {"data": "2026-11-25", "vendas": []}


def test_the_payments_of_a_day_are_the_previous_days_found_sales_less_the_fee(sandbox: PartnerSandbox) -> None:
    access, sale_day, pay_day = fresh(), "2026-11-30", "2026-12-01"  # across a month's end
    paid = [sale(nsu, valor, data=sale_day, cupom=3000 + n) for n, (nsu, valor, *_) in enumerate(PAID)]
    unpaid = [
        sale("200000", "50.00", data=sale_day, cupom=3100),  # not found: never paid
        sale("200008", "9.99", data=pay_day),
        sale("200009", "9.99", data="2026-11-29"),
    ]  # other days
    accepted(sandbox, access, *unpaid[:2], *paid[3:], sale("200012", cnpj_filial=OTHER_BRANCH, data=sale_day))
    accepted(sandbox, access, *reversed(paid[:3]), unpaid[2])  # fmt: skip
    answer = query(sandbox, "pagamentos", access, pay_day)
    assert set(answer) == {"data", "pagamentos"}
    expected = [
        {"cnpj_filial": BRANCH, "cupom": 3000 + n, "nsu": nsu, "data_venda": sale_day, "data_pagamento": pay_day,
         "valor_bruto": gross, "taxa": fee, "valor_liquido": net}
        for n, (nsu, _, gross, fee, net) in enumerate(PAID)
    ]  # fmt: skip
    other = {"cnpj_filial": OTHER_BRANCH, "cupom": 1001, "nsu": "200012", "data_venda": sale_day,
             "data_pagamento": pay_day, "valor_bruto": "12.34", "taxa": "0.31", "valor_liquido": "12.03"}  # fmt: skip
    assert answer == {"data": pay_day, "pagamentos": [*expected, other]}
    for payment in answer["pagamentos"]:
        assert expected_payment(payment["valor_bruto"]) == (payment["taxa"], payment["valor_liquido"])
    assert [p["nsu"] for p in query(sandbox, "pagamentos", access, "2026-11-30")["pagamentos"]] == ["200009"]
    assert [p["nsu"] for p in query(sandbox, "pagamentos", access, "2026-12-02")["pagamentos"]] == ["200008"]
    assert query(sandbox, "pagamentos", access, "2026-12-03")["pagamentos"] == []


def test_the_new_year_pays_the_last_day_of_the_old_one(sandbox: PartnerSandbox) -> None:
    access = fresh()
    accepted(sandbox, access, sale("900002", "40.00", data="2026-12-31"))
    [payment] = query(sandbox, "pagamentos", access, "2027-01-01")["pagamentos"]
    assert (payment["data_venda"], payment["valor_bruto"], payment["taxa"], payment["valor_liquido"]) == (
        "2026-12-31", "40.00", "1.00", "39.00"
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["conciliacao", "pagamentos"])
@pytest.mark.parametrize("day", [None, "", "2026-13-01", "2026-02-30", "27/11/2026", "20261127", "2026-11-27T00:00"])
def test_a_query_without_a_valid_date_gets_400(sandbox: PartnerSandbox, kind: str, day: str | None) -> None:
    params = {} if day is None else {"data": day}
    answer = call(sandbox, "GET", f"{URL}/{kind}", fresh(), params=params)
    assert (answer.status_code, answer.json()) == (400, {"mensagem": "informe data no formato AAAA-MM-DD"})


def test_one_access_key_never_sees_anothers_sales(sandbox: PartnerSandbox) -> None:
    mine, theirs = fresh(), fresh()
    accepted(sandbox, mine, sale("110002", data="2026-11-26"), sale("110003"))
    assert stored(sandbox, theirs) == []
    assert query(sandbox, "conciliacao", theirs, DAY)["vendas"] == []
    assert query(sandbox, "pagamentos", theirs, DAY)["pagamentos"] == []
    accepted(sandbox, theirs, sale("110004"))
    assert [v["nsu"] for v in query(sandbox, "conciliacao", mine, DAY)["vendas"]] == ["110003"]
    assert [p["nsu"] for p in query(sandbox, "pagamentos", mine, DAY)["pagamentos"]] == ["110002"]
    assert [s["nsu"] for s in stored(sandbox, theirs)] == ["110004"]


def test_a_restarted_sandbox_still_answers_for_the_sales_it_received(tmp_path: Path) -> None:
    access = fresh()
    running, process = start_sandbox(tmp_path)
    try:
        accepted(running, access, sale("120002", "9.90"), sale("120001", "9.90"))
        before = query(running, "conciliacao", access, DAY)
    finally:
        stop_sandbox(process)
    files = list((tmp_path / "boavista").iterdir())
    assert [f.name for f in files] == [f"{hashlib.sha256(access.encode()).hexdigest()}.json"]
    again, process = start_sandbox(tmp_path)
    try:
        assert query(again, "conciliacao", access, DAY) == before
        assert [v["valor_boavista"] for v in before["vendas"]] == ["8.90", "9.90"]
    finally:
        stop_sandbox(process)


# --- failure modes and the control API ------------------------------------------------------------------------


@pytest.fixture
def steered(sandbox: PartnerSandbox) -> Iterator[PartnerSandbox]:
    """The sandbox, with BoaVista back to normal afterwards even when a test fails half-way."""
    yield sandbox
    sandbox.mode("boavista")


def test_failure_modes_apply_to_boavistas_routes(steered: PartnerSandbox) -> None:
    access, document = fresh(), {"vendas": [sale("130002")]}
    steered.mode("boavista", "fail", status=503, times=1, rota="vendas")
    assert query(steered, "conciliacao", access, DAY)["vendas"] == [], "a mode for one route only"
    assert post(steered, access, document).status_code == 503
    assert stored(steered, access) == []
    assert post(steered, access, document).status_code == 201
    steered.mode("boavista", "garbage", times=1, rota="conciliacao")
    assert call(steered, "GET", f"{URL}/pagamentos", access, params={"data": DAY}).status_code == 200
    garbage = call(steered, "GET", f"{URL}/conciliacao", access, params={"data": DAY})
    assert (garbage.status_code, garbage.headers["Content-Type"].split(";")[0]) == (200, "text/html")
    assert len(query(steered, "conciliacao", access, DAY)["vendas"]) == 1
    steered.mode("boavista", "fail", status=500, times=1, rota="pagamentos")
    assert call(steered, "GET", f"{URL}/pagamentos", access, params={"data": DAY}).status_code == 500
    assert call(steered, "GET", f"{URL}/pagamentos", access, params={"data": DAY}).status_code == 200
    steered.mode("boavista", "fail", status=503)
    for method, route in ROUTES:
        answer = call(steered, method, f"{URL}/{route}", access, params={"data": DAY})
        assert (answer.status_code, answer.json()) == (503, {"mensagem": "Serviço indisponível"}), route
    steered.mode("boavista")
    assert call(steered, "GET", f"{URL}/ping", access).status_code == 200


def test_the_control_api_lists_the_stored_sales_of_a_key(sandbox: PartnerSandbox) -> None:
    access = fresh()
    assert stored(sandbox, access) == []
    accepted(sandbox, access, sale("140003", "1.5", cupom=7), sale("140002", cupom=7), sale("140009", cupom=2))
    assert [(s["cupom"], s["nsu"], s["valor_total"]) for s in stored(sandbox, access)] == [
        (2, "140009", "12.34"), (7, "140002", "12.34"), (7, "140003", "1.50")
    ]  # fmt: skip
    missing = call(sandbox, "GET", "/_sandbox/boavista/vendas")
    assert (missing.status_code, missing.json()) == (400, {"mensagem": "informe a chave"})
