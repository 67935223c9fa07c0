"""Proffer (price recommendation) in the sandbox, over real HTTPS: the three daily uploads, the suggestions file
an accepted products file yields (its content computed here from the contract, independently of the sandbox),
listing, download and confirmation, tokens, failure modes and the control API."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from include.integracoes.demo_data import ean13
from tests.sandbox_fixtures import PartnerSandbox, start_sandbox, stop_sandbox

URL = "/proffer/v1"
LAYOUTS = {
    "produtos": "ean;descricao;fabricante;categoria;zona;preco",
    "vendas": "data;cnpj_filial;ean;quantidade;valor_total",
    "compras": "data;cnpj_filial;ean;quantidade;custo_total",
}
KINDS = tuple(LAYOUTS)
BRANCH = "11222333000181"
FACTORS_IN_HUNDREDTHS = (92, 97, 100, 104, 110)  # the contract's [0.92, 0.97, 1.00, 1.04, 1.10]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PartnerSandbox]:
    """A sandbox of its own: these tests steer Proffer's failure modes, which the other tests must not see."""
    running, process = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    yield running
    stop_sandbox(process)


def fresh() -> str:
    """A token no other test uses: the suggestions are offered per token."""
    return f"proffer-{uuid.uuid4().hex[:10]}"


def ean_with_residue(residue: int, start: int = 1_000_000) -> str:
    """A valid EAN-13 whose `int(ean) % 5` picks the contract's factor number `residue`."""
    return next(ean13(n) for n in range(start, start + 50) if int(ean13(n)) % 5 == residue)


# --- the contract's rule, in integer cents (no Decimal, unlike the sandbox) ---------------------------------


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def expected_prices(ean: str, price: str) -> tuple[str, str]:
    """(preco_atual, preco_sugerido): the price to cents half-up, then the EAN's factor, half-up, at least 0.01."""
    whole, _, fraction = price.partition(".")
    micro = int(whole + (fraction + "000000")[:6])  # the price in millionths
    cents = (micro + 5_000) // 10_000
    suggested = (cents * FACTORS_IN_HUNDREDTHS[int(ean) % 5] + 50) // 100
    return money(cents), money(max(suggested, 1))


# (factor number, zone, price, preco_atual, preco_sugerido), worked out by hand from the contract's text
PRODUCTS = [
    (0, "Zona 1", "12.90", "12.90", "11.87"),  # 11.868
    (1, "Zona 1", "0.50", "0.50", "0.49"),  # 0.485: half-up (half-even would give 0.48)
    (2, "Zona 1", "7.5", "7.50", "7.50"),
    (3, "Zona 1", "12.90", "12.90", "13.42"),  # 13.416
    (4, "Zona 1", "0.15", "0.15", "0.17"),  # 0.165: half-up
    (4, "Zona 2", "19.99", "19.99", "21.99"),  # 21.989
    (0, "Zona 2", "0.00", "0.00", "0.01"),  # the minimum
    (3, "Zona 2", "10.005", "10.01", "10.41"),  # the price itself to cents first: 10.01 x 1.04 = 10.4104
    (1, "Zona 2", "0.01", "0.01", "0.01"),  # 0.0097
]


def products_rows() -> list[dict[str, str]]:
    return [
        {"ean": ean_with_residue(r), "descricao": f"Produto {n} ação", "fabricante": "EMS S.A.",
         "categoria": "Analgésicos", "zona": zone, "preco": price}
        for n, (r, zone, price, _, _) in enumerate(PRODUCTS)
    ]  # fmt: skip


def csv_body(kind: str, rows: list[dict[str, str]], end: str = "\n") -> bytes:
    fields = LAYOUTS[kind].split(";")
    lines = [LAYOUTS[kind], *(";".join(row[f] for f in fields) for row in rows)]
    return "".join(line + end for line in lines).encode()


def sample(kind: str, salt: str = "") -> bytes:
    """A small good file of `kind` (`salt` makes its bytes, and so its suggestions file's name, unique)."""
    if kind == "produtos":
        row = {"ean": ean_with_residue(2), "descricao": f"Dipirona {salt}", "fabricante": "EMS S.A.",
               "categoria": "Analgésicos", "zona": "Zona 1", "preco": "9.90"}  # fmt: skip
        return csv_body(kind, [row])
    value = {"valor_total": "25.80", "custo_total": "14.10"}
    row = {"data": "2026-11-27", "cnpj_filial": BRANCH, "ean": ean_with_residue(0), "quantidade": "2.000", **value}
    return csv_body(kind, [row])


# --- talking to the sandbox ---------------------------------------------------------------------------------


def call(
    sandbox: PartnerSandbox, method: str, path: str, token: str | None = None, **options: Any
) -> requests.Response:
    headers = dict(options.pop("headers", {}))
    if token is not None:
        headers.setdefault("Authorization", f"Bearer {token}")
    options["headers"] = headers
    return requests.request(method, sandbox.url + path, timeout=10, verify=str(sandbox.ca_bundle), **options)


def post(sandbox: PartnerSandbox, kind: str, token: str, body: bytes, **headers: str | None) -> requests.Response:
    """An upload as the contract has it; a header given as None is left out."""
    sent: dict[str, str | None] = {
        "Idempotency-Key": uuid.uuid4().hex,
        "X-Arquivo": f"proffer_{kind}_2026-11-27_t1.csv",
        "Content-Type": "text/csv; charset=utf-8",
        **headers,
    }
    return call(sandbox, "POST", f"{URL}/{kind}", token, data=body, headers=sent)


def listing(sandbox: PartnerSandbox, token: str) -> list[dict[str, Any]]:
    answer = call(sandbox, "GET", f"{URL}/sugestoes", token)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["arquivos"])


def inbox(sandbox: PartnerSandbox, token: str) -> list[dict[str, Any]]:
    """The control API's view: every file offered to the token, confirmed or not."""
    return list(sandbox.control(f"proffer/inbox?credencial={token}"))


def received_names(sandbox: PartnerSandbox) -> list[str]:
    return [entry["name"] for entry in sandbox.received("proffer")]


# --- the three uploads ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_upload_with_its_header_is_accepted_and_recorded(sandbox: PartnerSandbox, kind: str) -> None:
    token, body, name = fresh(), sample(kind, salt=uuid.uuid4().hex), f"proffer_{kind}_{uuid.uuid4().hex[:6]}.csv"
    answer = post(sandbox, kind, token, body, **{"X-Arquivo": name})
    assert answer.status_code == 201, answer.text
    assert set(answer.json()) == {"protocolo"}
    [entry] = [e for e in sandbox.received("proffer") if e["name"] == name]
    assert (entry["sha256"], entry["protocol"]) == (hashlib.sha256(body).hexdigest(), answer.json()["protocolo"])
    assert len(inbox(sandbox, token)) == (1 if kind == "produtos" else 0), "only products yield suggestions"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("header", ["other", "commas", "missing"])
def test_a_header_line_off_the_layout_is_refused_with_422(sandbox: PartnerSandbox, kind: str, header: str) -> None:
    token, good = fresh(), sample(kind)
    other = LAYOUTS[KINDS[(KINDS.index(kind) + 1) % len(KINDS)]]
    first_line = {"other": other, "commas": LAYOUTS[kind].replace(";", ","), "missing": ""}[header]
    body = good.replace(LAYOUTS[kind].encode() + b"\n", (first_line + "\n").encode() if first_line else b"")
    name = f"fora_{uuid.uuid4().hex[:8]}.csv"
    answer = post(sandbox, kind, token, body, **{"X-Arquivo": name})
    assert answer.status_code == 422
    assert answer.json()["mensagem"].startswith("cabeçalho fora do layout: ")
    assert name not in received_names(sandbox)
    assert inbox(sandbox, token) == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "text/csv; charset=iso-8859-1"])
def test_anything_but_utf8_csv_is_refused_with_415(sandbox: PartnerSandbox, kind: str, content_type: str) -> None:
    token = fresh()
    answer = post(sandbox, kind, token, sample(kind), **{"Content-Type": content_type})
    assert answer.status_code == 415
    assert answer.json()["mensagem"]
    assert inbox(sandbox, token) == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "headers", [{"Idempotency-Key": None}, {"X-Arquivo": None}, {"X-Arquivo": "../fora.csv"}, {"X-Arquivo": ".."}]
)
def test_without_idempotency_key_or_a_plain_file_name_uploads_get_400(
    sandbox: PartnerSandbox, kind: str, headers: dict[str, str | None]
) -> None:
    token = fresh()
    answer = post(sandbox, kind, token, sample(kind), **headers)
    assert answer.status_code == 400
    assert answer.json()["mensagem"]
    assert inbox(sandbox, token) == []


@pytest.mark.parametrize("authorization", [None, "Bearer recusado", "Bearer ", "Basic bG9qYTpzZWdyZWRv"])
def test_missing_or_refused_tokens_get_401_on_every_route(sandbox: PartnerSandbox, authorization: str | None) -> None:
    token = fresh()
    assert post(sandbox, "produtos", token, sample("produtos", salt=token)).status_code == 201
    [offered] = listing(sandbox, token)
    routes = [("GET", f"{URL}/ping"), ("GET", f"{URL}/sugestoes"), ("GET", f"{URL}/sugestoes/{offered['id']}"),
              ("POST", f"{URL}/sugestoes/{offered['id']}/confirmacao")]  # fmt: skip
    routes += [("POST", f"{URL}/{kind}") for kind in KINDS]
    for method, path in routes:
        answer = call(sandbox, method, path, headers={"Authorization": authorization}, data=b"x")
        assert (answer.status_code, answer.json()["mensagem"]) == (401, "credencial inválida"), path
    assert [f["confirmado"] for f in inbox(sandbox, token)] == [False]
    ok = call(sandbox, "GET", f"{URL}/ping", token)
    assert (ok.status_code, ok.json()) == (200, {"status": "ok"})


REFUSED_PRODUCTS = {
    "comma_decimal": ("preco", "12,90", "ponto decimal"),
    "negative_price": ("preco", "-1.00", "ponto decimal"),
    "letters_in_ean": ("ean", "789ABC", "só dígitos"),
}


@pytest.mark.parametrize("case", REFUSED_PRODUCTS)
def test_products_lines_proffer_cannot_price_are_refused(sandbox: PartnerSandbox, case: str) -> None:
    token, (field, value, message) = fresh(), REFUSED_PRODUCTS[case]
    rows = products_rows()
    rows[1] = {**rows[1], field: value}
    answer = post(sandbox, "produtos", token, csv_body("produtos", rows))
    assert answer.status_code == 422
    assert answer.json()["mensagem"].startswith("linha 3: ")
    assert message in answer.json()["mensagem"]
    assert inbox(sandbox, token) == []


@pytest.mark.parametrize("kind", KINDS)
def test_files_with_a_line_of_the_wrong_width_or_not_utf8_are_refused(sandbox: PartnerSandbox, kind: str) -> None:
    token, good, width = fresh(), sample(kind), LAYOUTS[kind].count(";") + 1
    answer = post(sandbox, kind, token, good + b"7891000315507;1\n")
    assert (answer.status_code, answer.json()) == (422, {"mensagem": f"linha 3: 2 campos; o layout tem {width}"})
    latin1 = post(sandbox, kind, token, good + "Dipirona Sódica;ação\n".encode("iso-8859-1"))
    assert (latin1.status_code, latin1.json()) == (422, {"mensagem": "arquivo fora do UTF-8"})
    assert inbox(sandbox, token) == []


# --- suggestions ----------------------------------------------------------------------------------------------


def test_the_hand_worked_examples_match_the_rule_as_written() -> None:
    """The table above and the integer reading of the rule agree (so the next test checks both)."""
    for residue, _, price, current, suggested in PRODUCTS:
        assert expected_prices(ean_with_residue(residue), price) == (current, suggested)
    assert sorted({int(ean_with_residue(r)) % 5 for r in range(5)}) == [0, 1, 2, 3, 4]


def test_an_accepted_products_file_yields_one_suggestions_file_per_the_rule(sandbox: PartnerSandbox) -> None:
    token, rows = fresh(), products_rows()
    body = csv_body("produtos", rows)
    assert post(sandbox, "produtos", token, body).status_code == 201
    [offered] = listing(sandbox, token)
    assert set(offered) == {"id", "nome", "tamanho", "sha256"}
    assert offered["nome"] == f"sugestoes_{hashlib.sha256(body).hexdigest()[:8]}.json"
    answer = call(sandbox, "GET", f"{URL}/sugestoes/{offered['id']}", token)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].split(";")[0] == "application/json"
    assert (len(answer.content), hashlib.sha256(answer.content).hexdigest()) == (offered["tamanho"], offered["sha256"])
    expected = [
        dict(
            zip(
                ("ean", "zona", "preco_atual", "preco_sugerido"),
                (r["ean"], r["zona"], *expected_prices(r["ean"], r["preco"])),
                strict=True,
            )
        )
        for r in rows
    ]
    assert json.loads(answer.content.decode("utf-8")) == {"sugestoes": expected}
    assert [(s["preco_atual"], s["preco_sugerido"]) for s in expected] == [(p[3], p[4]) for p in PRODUCTS]


def test_crlf_lines_and_quoted_fields_are_read_as_csv(sandbox: PartnerSandbox) -> None:
    token, ean = fresh(), ean_with_residue(3)
    body = (
        f'{LAYOUTS["produtos"]}\r\n{ean};"Dipirona; 500mg ""genérico""";EMS;Analgésicos;"Zona 1";10.00\r\n'
    ).encode()
    assert post(sandbox, "produtos", token, body).status_code == 201
    [offered] = listing(sandbox, token)
    content = call(sandbox, "GET", f"{URL}/sugestoes/{offered['id']}", token).json()
    assert content == {"sugestoes": [{"ean": ean, "zona": "Zona 1", "preco_atual": "10.00", "preco_sugerido": "10.40"}]}


def test_a_repeated_idempotency_key_is_a_duplicate_and_yields_no_second_file(sandbox: PartnerSandbox) -> None:
    token, key, body = fresh(), uuid.uuid4().hex, sample("produtos", salt="repetido")
    first = post(sandbox, "produtos", token, body, **{"Idempotency-Key": key})
    again = post(sandbox, "produtos", token, body, **{"Idempotency-Key": key})
    assert first.status_code == 201
    assert (again.status_code, again.json()) == (200, {"protocolo": first.json()["protocolo"], "duplicado": True})
    assert len(listing(sandbox, token)) == 1
    assert len(inbox(sandbox, token)) == 1


def test_the_same_products_under_a_new_key_are_accepted_and_answered_again(sandbox: PartnerSandbox) -> None:
    """Only a repeated key is a duplicate (the contract): the same bytes under a new key are a new delivery."""
    token, body = fresh(), sample("produtos", salt="de novo")
    assert [post(sandbox, "produtos", token, body).status_code for _ in range(2)] == [201, 201]
    names = [f["nome"] for f in listing(sandbox, token)]
    assert names == [f"sugestoes_{hashlib.sha256(body).hexdigest()[:8]}.json"] * 2


def test_listing_is_oldest_first_and_a_confirmed_file_leaves_it(sandbox: PartnerSandbox) -> None:
    token = fresh()
    bodies = [sample("produtos", salt=str(n)) for n in range(3)]
    for body in bodies:
        assert post(sandbox, "produtos", token, body).status_code == 201
    offered = listing(sandbox, token)
    assert [f["nome"] for f in offered] == [f"sugestoes_{hashlib.sha256(b).hexdigest()[:8]}.json" for b in bodies]
    for _ in range(2):  # confirming is idempotent
        answer = call(sandbox, "POST", f"{URL}/sugestoes/{offered[1]['id']}/confirmacao", token)
        assert (answer.status_code, answer.json()) == (200, {"confirmado": True})
    assert [f["id"] for f in listing(sandbox, token)] == [offered[0]["id"], offered[2]["id"]]
    assert [f["confirmado"] for f in inbox(sandbox, token)] == [False, True, False]
    assert call(sandbox, "GET", f"{URL}/sugestoes/nao-existe", token).status_code == 404
    assert call(sandbox, "POST", f"{URL}/sugestoes/nao-existe/confirmacao", token).status_code == 404


def test_one_token_never_sees_anothers_suggestions(sandbox: PartnerSandbox) -> None:
    mine, theirs = fresh(), fresh()
    assert post(sandbox, "produtos", mine, sample("produtos", salt=mine)).status_code == 201
    [offered] = listing(sandbox, mine)
    assert listing(sandbox, theirs) == []
    assert call(sandbox, "GET", f"{URL}/sugestoes/{offered['id']}", theirs).status_code == 404
    assert call(sandbox, "POST", f"{URL}/sugestoes/{offered['id']}/confirmacao", theirs).status_code == 404
    assert [f["confirmado"] for f in inbox(sandbox, mine)] == [False]


# --- failure modes and the control API ------------------------------------------------------------------------


@pytest.fixture
def steered(sandbox: PartnerSandbox) -> Iterator[PartnerSandbox]:
    """The sandbox, with Proffer back to normal afterwards even when a test fails half-way."""
    yield sandbox
    sandbox.mode("proffer")


def test_failure_modes_apply_to_proffers_routes(steered: PartnerSandbox) -> None:
    token, body = fresh(), sample("produtos", salt="falha")
    steered.mode("proffer", "fail", status=503, times=1, rota="produtos")
    assert post(steered, "produtos", token, body).status_code == 503
    assert post(steered, "vendas", token, sample("vendas")).status_code == 201, "a mode for one route only"
    assert inbox(steered, token) == []
    assert post(steered, "produtos", token, body).status_code == 201
    [offered] = listing(steered, token)
    steered.mode("proffer", "garbage", times=1)
    garbage = call(steered, "GET", f"{URL}/sugestoes", token)
    assert (garbage.status_code, garbage.headers["Content-Type"].split(";")[0]) == (200, "text/html")
    steered.mode("proffer", "fail", status=500, times=1, rota="confirmacao")
    assert call(steered, "GET", f"{URL}/sugestoes/{offered['id']}", token).status_code == 200
    assert call(steered, "POST", f"{URL}/sugestoes/{offered['id']}/confirmacao", token).status_code == 500
    assert call(steered, "POST", f"{URL}/sugestoes/{offered['id']}/confirmacao", token).status_code == 200
    steered.mode("proffer", "fail", status=503)
    assert call(steered, "GET", f"{URL}/ping", token).status_code == 503


def test_the_control_api_lists_reads_and_offers_proffers_files(sandbox: PartnerSandbox) -> None:
    token, body = fresh(), sample("produtos", salt="controle")
    assert post(sandbox, "produtos", token, body).status_code == 201
    [suggested] = inbox(sandbox, token)
    assert suggested["nome"] == f"sugestoes_{hashlib.sha256(body).hexdigest()[:8]}.json"
    assert suggested["confirmado"] is False
    downloaded = call(sandbox, "GET", f"{URL}/sugestoes/{suggested['id']}", token).content
    control = call(sandbox, "GET", f"/_sandbox/proffer/inbox/{suggested['id']}", params={"credencial": token})
    assert control.content == downloaded
    content = b'{"sugestoes": [{"ean": "7891000315507"'  # a broken file the product must refuse
    payload = {
        "credencial": token,
        "nome": "sugestoes_quebrado.json",
        "conteudo_base64": base64.b64encode(content).decode(),
    }
    offered = sandbox.control("proffer/inbox", {**payload, "truncar_em": 10})
    assert [f["id"] for f in listing(sandbox, token)] == [suggested["id"], offered["id"]]
    assert call(sandbox, "GET", f"{URL}/sugestoes/{offered['id']}", token).content == content[:10]
    bad = call(sandbox, "POST", "/_sandbox/proffer/inbox/ruim", json={"credencial": token, "tipo": "schema"})
    assert bad.status_code == 400
    assert "proffer" in bad.json()["mensagem"]
