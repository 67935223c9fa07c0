"""The inbound partners of the sandbox (Linx, Delage, Exact and FISoft WMS; Cosmos) over their real protocols:
orders in, movement and catalogue files offered per credential, downloads, confirmations, refusals and the
bad files tests can ask for. The files are read here with parsers of our own, written from the contract."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from include.integracoes.demo_data import ean13
from tests.sandbox_fixtures import PartnerSandbox, start_sandbox, stop_sandbox

NAMESPACE = "urn:integracoes:linx-wms:v1"
BRANCH = "11222333000181"
EMITTED = "2026-11-28T10:00:00-03:00"
ARRIVED = "2026-11-28T12:00:00-03:00"  # two hours after the order was emitted
MOVEMENT_FIELDS = ("id", "cnpj_filial", "ean", "tipo", "quantidade", "ocorrido_em", "pedido")
ORDER_FIELDS = ("pedido", "cnpj_filial", "codigo_filial", "emitido_em", "item", "ean", "descricao", "quantidade")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
Record = dict[str, str]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PartnerSandbox]:
    """A sandbox of its own: these tests steer failure modes the other tests must not see."""
    running, process = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    yield running
    stop_sandbox(process)


def fresh(prefix: str = "loja") -> str:
    """A credential no other test uses: inboxes are per credential."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def order_items(pedido: int = 4521, eans: tuple[str, ...] = ("7891000315507", ean13(1_000_003))) -> list[Record]:
    quantities = ("12.000", "3.500", "1.250")
    return [
        {"pedido": str(pedido), "cnpj_filial": BRANCH, "codigo_filial": "1", "emitido_em": EMITTED,
         "item": str(n), "ean": ean, "descricao": f"Produto {n} ação", "quantidade": quantities[n - 1]}
        for n, ean in enumerate(eans, start=1)
    ]  # fmt: skip


# --- the contract's layouts, written and read here independently of the sandbox ---------------------------


def linx_order(items: list[Record]) -> bytes:
    elements = "".join("<pedido>" + "".join(f"<{k}>{v}</{k}>" for k, v in i.items()) + "</pedido>" for i in items)
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<pedidosReposicao xmlns="{NAMESPACE}" versao="1.0">'
    return f"{head}{elements}</pedidosReposicao>".encode()


def delage_order(items: list[Record]) -> bytes:
    numeric = [
        {**i, "pedido": int(i["pedido"]), "item": int(i["item"]), "quantidade": float(i["quantidade"])} for i in items
    ]
    return json.dumps({"pedidos": numeric}).encode()


def exact_order(items: list[Record]) -> bytes:
    return "".join(
        f"{';'.join(row)}\n" for row in [ORDER_FIELDS, *([i[f] for f in ORDER_FIELDS] for i in items)]
    ).encode()


def fisoft_order(items: list[Record]) -> bytes:
    lines = [
        f"1{int(i['pedido']):012d}{i['cnpj_filial']}{int(i['item']):04d}{i['ean']:<14}"
        f"{round(float(i['quantidade']) * 1000):012d}"
        for i in items
    ]
    return "".join(f"{line}\n" for line in lines).encode("iso-8859-1")


def read_linx(body: bytes) -> list[Record]:
    from lxml import etree

    root = etree.fromstring(body, etree.XMLParser(resolve_entities=False))
    assert root.tag == f"{{{NAMESPACE}}}movimentosEstoque"
    return [{etree.QName(c).localname: c.text or "" for c in m} for m in root]


def read_delage(body: bytes) -> list[Record]:
    return list(json.loads(body.decode("utf-8"))["movimentos"])


def read_exact(body: bytes) -> list[Record]:
    lines = body.decode("utf-8").split("\n")
    assert lines[0] == ";".join(MOVEMENT_FIELDS)
    assert lines[-1] == "", "every line ends with LF"
    rows = [dict(zip(MOVEMENT_FIELDS, line.split(";"), strict=True)) for line in lines[1:-2]]
    assert lines[-2] == f"FIM;{len(rows)}", "a file without its trailer is truncated"
    return rows


def read_fisoft(body: bytes) -> list[Record]:
    lines = body.decode("iso-8859-1").split("\n")
    assert lines[-1] == "", "every line ends with LF"
    details, trailer = lines[:-2], lines[-2]
    assert trailer == f"9{len(details):09d}", "a file without its trailer is truncated"
    assert all(len(line) == 88 and line[0] == "1" for line in details)
    return [
        {"id": d[1:21].rstrip(), "cnpj_filial": d[21:35], "ean": d[35:49].rstrip(), "tipo": d[49],
         "quantidade": f"{int(d[50:62]) / 1000:.3f}", "ocorrido_em": d[62:76],
         "pedido": str(int(d[76:88])) if d[76:88].strip() else ""}
        for d in details
    ]  # fmt: skip


def read_cosmos(body: bytes) -> list[Record]:
    return list(json.loads(body.decode("utf-8"))["produtos"])


@dataclass(frozen=True)
class Partner:
    code: str
    order: Callable[[list[Record]], bytes]
    read: Callable[[bytes], list[Record]]
    prefix: str
    extension: str
    url: str = ""  # HTTPS: url_api
    directory: str = ""  # SFTP: sftp_diretorio
    basic: bool = False

    def auth(self, credential: str) -> dict[str, Any]:
        """The request options that authenticate `credential` (the Basic user name, or the token)."""
        if self.basic:
            return {"auth": (credential, "segredo")}
        return {"headers": {"Authorization": f"Bearer {credential}"}}


LINX = Partner("linx_wms", linx_order, read_linx, "LX", ".xml", url="/linx/wms", basic=True)
DELAGE = Partner("delage_wms", delage_order, read_delage, "DL", ".json", url="/delage/wms")
EXACT = Partner("exact_wms", exact_order, read_exact, "EX", ".csv", directory="/exact")
FISOFT = Partner("fisoft_wms", fisoft_order, read_fisoft, "FS", ".txt", directory="/fisoft")
COSMOS = Partner("cosmos", lambda items: b"", read_cosmos, "", ".json", url="/cosmos")
WMS = (LINX, DELAGE, EXACT, FISOFT)
HTTPS_WMS = (LINX, DELAGE)
SFTP_WMS = (EXACT, FISOFT)


def call(sandbox: PartnerSandbox, method: str, path: str, **options: Any) -> requests.Response:
    return requests.request(method, sandbox.url + path, timeout=10, verify=str(sandbox.ca_bundle), **options)


def post_order(
    sandbox: PartnerSandbox, partner: Partner, credential: str, body: bytes, **headers: str
) -> requests.Response:
    options = partner.auth(credential)
    content_type = "application/xml" if partner is LINX else "application/json"
    sent = {
        "Idempotency-Key": uuid.uuid4().hex,
        "X-Arquivo": "pedidos.dat",
        "X-Deposito": "7",
        "Content-Type": content_type,
    }
    sent.update(options.pop("headers", {}))
    sent.update(headers)
    return call(sandbox, "POST", f"{partner.url}/pedidos", data=body, headers=sent, **options)


def upload(sandbox: PartnerSandbox, partner: Partner, user: str, name: str, body: bytes) -> None:
    """As our client uploads: a hidden temporary name, then the rename that finishes the file."""
    with sandbox.sftp(user) as client:
        files = client.open_sftp()
        files.putfo(io.BytesIO(body), f"{partner.directory}/.{name}.part")
        files.rename(f"{partner.directory}/.{name}.part", f"{partner.directory}/{name}")


def deliver_order(sandbox: PartnerSandbox, partner: Partner, credential: str, body: bytes) -> None:
    if partner.directory:
        upload(
            sandbox,
            partner,
            credential,
            f"{partner.code.split('_')[0]}_pedidos_{uuid.uuid4().hex[:6]}{partner.extension}",
            body,
        )
    else:
        assert post_order(sandbox, partner, credential, body).status_code == 201


def inbox(sandbox: PartnerSandbox, partner: Partner, credential: str) -> list[dict[str, Any]]:
    return list(sandbox.control(f"{partner.code}/inbox?credencial={credential}"))


def listing(sandbox: PartnerSandbox, partner: Partner, credential: str) -> list[dict[str, Any]]:
    """What the partner offers now: its API's listing, or the names in <dir>/retorno/."""
    if partner.url:
        path = "/atualizacoes" if partner is COSMOS else "/retornos"
        answer = call(sandbox, "GET", partner.url + path, **partner.auth(credential))
        assert answer.status_code == 200, answer.text
        return list(answer.json()["arquivos"])
    return [f for f in inbox(sandbox, partner, credential) if not f["confirmado"]]


def download(sandbox: PartnerSandbox, partner: Partner, credential: str, offered: dict[str, Any]) -> bytes:
    """The bytes the product gets for an offered file."""
    if partner.url:
        path = "/atualizacoes" if partner is COSMOS else "/retornos"
        answer = call(sandbox, "GET", f"{partner.url}{path}/{offered['id']}", **partner.auth(credential))
        assert answer.status_code == 200, answer.text
        return answer.content
    with (
        sandbox.sftp(credential) as client,
        client.open_sftp().open(f"{partner.directory}/retorno/{offered['nome']}") as handle,
    ):
        return bytes(handle.read())


def original(sandbox: PartnerSandbox, partner: Partner, credential: str, file_id: str) -> bytes:
    answer = call(sandbox, "GET", f"/_sandbox/{partner.code}/inbox/{file_id}", params={"credencial": credential})
    assert answer.status_code == 200, answer.text
    return answer.content


# --- the WMS loop: an accepted order yields a movement file -----------------------------------------------


@pytest.mark.parametrize("partner", WMS, ids=lambda p: p.code)
def test_an_accepted_order_yields_one_movement_file_in_the_partners_layout(
    sandbox: PartnerSandbox, partner: Partner
) -> None:
    credential, body = fresh(), partner.order(order_items())
    deliver_order(sandbox, partner, credential, body)
    [offered] = listing(sandbox, partner, credential)
    assert offered["nome"] == f"movimentos_{hashlib.sha256(body).hexdigest()[:8]}{partner.extension}"
    content = download(sandbox, partner, credential, offered)
    assert (len(content), hashlib.sha256(content).hexdigest()) == (offered["tamanho"], offered["sha256"])
    movements = partner.read(content)
    p = partner.prefix
    assert [(m["id"], m["tipo"], m["ean"], m["quantidade"]) for m in movements] == [
        (f"{p}-4521-1-E", "E", "7891000315507", "12.000"),
        (f"{p}-4521-1-S", "S", "7891000315507", "1.000"),  # one damaged unit of the first item goes back
        (f"{p}-4521-2-E", "E", ean13(1_000_003), "3.500"),
    ]
    assert {(m["cnpj_filial"], m["pedido"]) for m in movements} == {(BRANCH, "4521")}
    if partner is FISOFT:  # no emission time in its orders: two hours after the order arrived, local time
        arrived = datetime.strptime(movements[0]["ocorrido_em"], "%Y%m%d%H%M%S").replace(tzinfo=SAO_PAULO)
        assert abs(arrived - datetime.now(SAO_PAULO) - timedelta(hours=2)) < timedelta(minutes=5)
    else:
        assert {m["ocorrido_em"] for m in movements} == {ARRIVED}


@pytest.mark.parametrize("partner", HTTPS_WMS, ids=lambda p: p.code)
def test_a_repeated_idempotency_key_is_a_duplicate_and_yields_nothing_new(
    sandbox: PartnerSandbox, partner: Partner
) -> None:
    credential, body, key = fresh(), partner.order(order_items(pedido=77)), uuid.uuid4().hex
    first = post_order(sandbox, partner, credential, body, **{"Idempotency-Key": key})
    again = post_order(sandbox, partner, credential, body, **{"Idempotency-Key": key})
    assert first.status_code == 201
    assert first.json()["protocolo"]
    assert again.status_code == 200
    assert again.json() == {"protocolo": first.json()["protocolo"], "duplicado": True}
    assert len(listing(sandbox, partner, credential)) == 1
    assert [r["idempotency_key"] for r in sandbox.received(partner.code)].count(key) == 1


@pytest.mark.parametrize("partner", SFTP_WMS, ids=lambda p: p.code)
def test_sftp_returns_are_acknowledged_by_a_move_into_processados(sandbox: PartnerSandbox, partner: Partner) -> None:
    user, body = fresh("wms"), partner.order(order_items(pedido=88))
    deliver_order(sandbox, partner, user, body)
    deliver_order(sandbox, partner, user, body)  # the same bytes again (another name): no second file
    with sandbox.sftp(user) as client:
        files = client.open_sftp()
        returns = f"{partner.directory}/retorno"
        [name] = [n for n in files.listdir(returns) if n != "processados"]
        assert files.listdir(f"{returns}/processados") == []
        files.rename(f"{returns}/{name}", f"{returns}/processados/{name}")
        assert files.listdir(returns) == ["processados"]
        assert files.listdir(f"{returns}/processados") == [name]
        assert [(f["id"], f["confirmado"]) for f in inbox(sandbox, partner, user)] == [(name, True)]
        # Offered again and confirmed again: the name clash in processados/ just replaces the file.
        again = base64.b64encode(b"outro conteudo\n").decode()
        sandbox.control(f"{partner.code}/inbox", {"credencial": user, "nome": name, "conteudo_base64": again})
        files.rename(f"{returns}/{name}", f"{returns}/processados/{name}")
        with files.open(f"{returns}/processados/{name}") as handle:
            assert handle.read() == b"outro conteudo\n"
    assert all(r["name"] != name for r in sandbox.received(partner.code)), "an acknowledgement is no upload"


# --- Cosmos ------------------------------------------------------------------------------------------------


def valid_ean(ean: str) -> bool:
    digits = [int(c) for c in ean]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    return 8 <= len(ean) <= 14 and (10 - total % 10) % 10 == digits[-1]


def test_cosmos_offers_a_default_catalogue_of_demo_and_new_products(sandbox: PartnerSandbox) -> None:
    token = fresh("cosmos")
    [offered] = listing(sandbox, COSMOS, token)
    products = read_cosmos(download(sandbox, COSMOS, token, offered))
    expected = [ean13(1_000_000 + n) for n in range(10)] + [ean13(1_900_000 + k) for k in range(2)]
    assert [p["ean"] for p in products] == expected
    for product in products:
        assert valid_ean(product["ean"])
        assert re.fullmatch(r"\d{8}", product["ncm"])
        assert 1 <= len(product["descricao"]) <= 120
        assert all(1 <= len(product[f]) <= 60 for f in ("marca", "fabricante", "categoria"))
    assert listing(sandbox, COSMOS, token) == [offered], "the default is offered once, not at every look"


def test_a_catalogue_call_replaces_the_default_the_partner_never_listed(sandbox: PartnerSandbox) -> None:
    token, eans = fresh("cosmos"), [ean13(1_000_042), "7891000315507"]
    [default] = inbox(sandbox, COSMOS, token)  # offered at the first look, the control API's included
    answer = sandbox.control("cosmos/catalogo", {"credencial": token, "eans": eans})
    [offered] = listing(sandbox, COSMOS, token)
    assert offered["id"] == answer["id"] != default["id"]
    assert [p["ean"] for p in read_cosmos(download(sandbox, COSMOS, token, offered))] == eans
    later = sandbox.control("cosmos/catalogo", {"credencial": token, "eans": eans[:1]})
    assert [f["id"] for f in listing(sandbox, COSMOS, token)] == [offered["id"], later["id"]], "listed: it stays"
    refused = call(sandbox, "POST", "/_sandbox/cosmos/catalogo", json={"credencial": token, "eans": ["7891000315508"]})
    assert refused.status_code == 400, "an EAN with a wrong check digit is no catalogue entry"


# --- HTTPS: confirmation, authentication, isolation, failure modes ----------------------------------------


def offer(sandbox: PartnerSandbox, partner: Partner, credential: str, content: bytes, **extra: object) -> str:
    payload = {
        "credencial": credential,
        "nome": f"avulso{partner.extension}",
        "conteudo_base64": base64.b64encode(content).decode(),
    }
    return str(sandbox.control(f"{partner.code}/inbox", {**payload, **extra})["id"])


@pytest.mark.parametrize("partner", [LINX, DELAGE, COSMOS], ids=lambda p: p.code)
def test_a_confirmed_file_leaves_the_listing_and_confirming_is_idempotent(
    sandbox: PartnerSandbox, partner: Partner
) -> None:
    credential = fresh()
    if partner is COSMOS:  # a catalogue of its own instead of the default
        sandbox.control("cosmos/catalogo", {"credencial": credential, "eans": ["7891000315507"]})
    file_id = offer(sandbox, partner, credential, b"conteudo")
    path = f"{partner.url}{'/atualizacoes' if partner is COSMOS else '/retornos'}"
    assert file_id in [f["id"] for f in listing(sandbox, partner, credential)]
    for _ in range(2):
        answer = call(sandbox, "POST", f"{path}/{file_id}/confirmacao", **partner.auth(credential))
        assert (answer.status_code, answer.json()) == (200, {"confirmado": True})
    assert file_id not in [f["id"] for f in listing(sandbox, partner, credential)]
    assert [f["confirmado"] for f in inbox(sandbox, partner, credential) if f["id"] == file_id] == [True]
    assert call(sandbox, "GET", f"{path}/nao-existe", **partner.auth(credential)).status_code == 404
    assert call(sandbox, "POST", f"{path}/nao-existe/confirmacao", **partner.auth(credential)).status_code == 404


REFUSED = [
    (LINX, {}), (LINX, {"auth": ("loja", "recusada")}), (LINX, {"auth": ("loja", "recusado")}),
    (DELAGE, {}), (DELAGE, {"headers": {"Authorization": "Bearer recusado"}}),
    (COSMOS, {}), (COSMOS, {"headers": {"Authorization": "Bearer recusado"}}),
]  # fmt: skip


@pytest.mark.parametrize(("partner", "credentials"), REFUSED, ids=lambda v: getattr(v, "code", "credencial"))
def test_missing_or_refused_credentials_get_401_everywhere(
    sandbox: PartnerSandbox, partner: Partner, credentials: dict[str, Any]
) -> None:
    path = f"{partner.url}{'/atualizacoes' if partner is COSMOS else '/retornos'}"
    requests_ = [("GET", f"{partner.url}/ping"), ("GET", path), ("GET", f"{path}/x"), ("POST", f"{path}/x/confirmacao")]
    if partner is not COSMOS:
        requests_.append(("POST", f"{partner.url}/pedidos"))
    for method, url in requests_:
        answer = call(sandbox, method, url, **credentials)
        assert (answer.status_code, answer.json()["mensagem"]) == (401, "credencial inválida"), url
    ok = call(sandbox, "GET", f"{partner.url}/ping", **partner.auth("loja"))
    assert (ok.status_code, ok.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("partner", [LINX, DELAGE, COSMOS], ids=lambda p: p.code)
def test_one_credential_never_sees_anothers_files(sandbox: PartnerSandbox, partner: Partner) -> None:
    mine, theirs = fresh(), fresh()
    file_id = offer(sandbox, partner, mine, b"meu")
    path = f"{partner.url}{'/atualizacoes' if partner is COSMOS else '/retornos'}"
    assert file_id not in [f["id"] for f in listing(sandbox, partner, theirs)]
    assert call(sandbox, "GET", f"{path}/{file_id}", **partner.auth(theirs)).status_code == 404
    assert call(sandbox, "POST", f"{path}/{file_id}/confirmacao", **partner.auth(theirs)).status_code == 404
    assert [f["confirmado"] for f in inbox(sandbox, partner, mine) if f["id"] == file_id] == [False]


def test_sftp_users_each_have_their_own_returns(sandbox: PartnerSandbox) -> None:
    mine, theirs = fresh("wms"), fresh("wms")
    offer(sandbox, EXACT, mine, b"a;b\n")
    with sandbox.sftp(theirs) as client:
        assert client.open_sftp().listdir("/exact/retorno") == ["processados"]
    assert inbox(sandbox, EXACT, theirs) == []


def test_failure_modes_apply_to_inbound_routes_and_sftp_returns(sandbox: PartnerSandbox) -> None:
    sandbox.mode("linx_wms", "fail", status=503, times=1)
    assert call(sandbox, "GET", "/linx/wms/retornos", **LINX.auth("loja")).status_code == 503
    assert call(sandbox, "GET", "/linx/wms/retornos", **LINX.auth("loja")).status_code == 200
    sandbox.mode("cosmos", "garbage", times=1)
    garbage = call(sandbox, "GET", "/cosmos/atualizacoes", **COSMOS.auth("loja"))
    assert (garbage.status_code, garbage.headers["Content-Type"].split(";")[0]) == (200, "text/html")
    sandbox.mode("exact_wms", "fail", status=503, times=1)
    with sandbox.sftp(fresh("wms")) as client, pytest.raises(OSError, match="falha simulada"):
        client.open_sftp().listdir("/exact/retorno")


# --- orders off the layout are refused ---------------------------------------------------------------------


def test_linx_orders_need_every_header_and_xml(sandbox: PartnerSandbox) -> None:
    body = linx_order(order_items())
    assert post_order(sandbox, LINX, fresh(), body, **{"X-Deposito": ""}).status_code == 400
    assert post_order(sandbox, LINX, fresh(), body, **{"X-Arquivo": ""}).status_code == 400
    assert post_order(sandbox, LINX, fresh(), body, **{"Idempotency-Key": ""}).status_code == 400
    assert post_order(sandbox, LINX, fresh(), body, **{"Content-Type": "application/json"}).status_code == 415


OFF_LAYOUT = [
    (LINX, linx_order(order_items()).replace(NAMESPACE.encode(), b"urn:outro")),
    (LINX, linx_order(order_items()).replace(b"<quantidade>12.000</quantidade>", b"")),
    (LINX, b"<pedidosReposicao"),
    (DELAGE, json.dumps({"itens": order_items()}).encode()),
    (DELAGE, delage_order(order_items()).replace(BRANCH.encode(), b"1122233300018")),
    (DELAGE, json.dumps({"pedidos": [{**order_items()[0], "quantidade": "12,5"}]}).encode()),
    (EXACT, exact_order(order_items()).replace(b"quantidade\n", b"qtd\n")),
    (EXACT, exact_order(order_items()).replace(EMITTED.encode(), b"2026-11-28 10:00")),
    (FISOFT, fisoft_order(order_items()).replace(b"\n", b" \n", 1)),
    (FISOFT, fisoft_order(order_items()).replace(b"1000000004521", b"1000000004X21", 1)),
]


@pytest.mark.parametrize(("partner", "body"), OFF_LAYOUT, ids=[f"{p.code}-{n}" for n, (p, _) in enumerate(OFF_LAYOUT)])
def test_orders_off_the_layout_are_refused_and_yield_nothing(
    sandbox: PartnerSandbox, partner: Partner, body: bytes
) -> None:
    credential = fresh("wms")
    if partner.url:
        answer = post_order(sandbox, partner, credential, body)
        assert answer.status_code == 422
        assert answer.json()["mensagem"]
    else:
        with pytest.raises(PermissionError):
            upload(sandbox, partner, credential, f"{partner.code.split('_')[0]}_pedidos_1{partner.extension}", body)
    assert inbox(sandbox, partner, credential) == []


def test_sftp_orders_must_be_named_as_the_contract_says(sandbox: PartnerSandbox) -> None:
    with pytest.raises(PermissionError, match="nome de arquivo"):
        upload(sandbox, EXACT, fresh("wms"), "pedidos.csv", exact_order(order_items()))


# --- bad files ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good(sandbox: PartnerSandbox) -> dict[str, tuple[str, list[Record]]]:
    """Per partner, a credential whose last good file is known: (credential, its records)."""
    files = {}
    for partner in WMS:
        credential = fresh("wms")
        deliver_order(sandbox, partner, credential, partner.order(order_items(pedido=9)))
        [offered] = listing(sandbox, partner, credential)
        files[partner.code] = credential, partner.read(download(sandbox, partner, credential, offered))
    token = fresh("cosmos")
    [offered] = listing(sandbox, COSMOS, token)
    files["cosmos"] = token, read_cosmos(download(sandbox, COSMOS, token, offered))
    return files


def bad(
    sandbox: PartnerSandbox, partner: Partner, credential: str, kind: str, size: int | None = None
) -> tuple[dict[str, Any], bytes]:
    """Ask for a bad file: its listing entry, and what a download gets."""
    payload: dict[str, object] = {"credencial": credential, "tipo": kind, **({"tamanho": size} if size else {})}
    answer = sandbox.control(f"{partner.code}/inbox/ruim", payload)
    [entry] = [f for f in inbox(sandbox, partner, credential) if f["id"] == answer["id"]]
    assert entry["nome"] == answer["nome"]
    assert entry["nome"].endswith(f"_{kind}{partner.extension}")
    return entry, download(sandbox, partner, credential, entry)


@pytest.mark.parametrize("partner", WMS, ids=lambda p: p.code)
@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [("unknown_ean", "ean", ean13(999_999_999)), ("unknown_branch", "cnpj_filial", "99888777000166")],
)
def test_unknown_ean_or_branch_changes_only_the_second_line(
    sandbox: PartnerSandbox,
    good: dict[str, tuple[str, list[Record]]],
    partner: Partner,
    kind: str,
    field: str,
    value: str,
) -> None:
    credential, records = good[partner.code]
    _, content = bad(sandbox, partner, credential, kind)
    assert partner.read(content) == [records[0], {**records[1], field: value}, *records[2:]]


@pytest.mark.parametrize("partner", WMS, ids=lambda p: p.code)
def test_duplicate_repeats_the_first_movement_with_its_id(
    sandbox: PartnerSandbox, good: dict[str, tuple[str, list[Record]]], partner: Partner
) -> None:
    credential, records = good[partner.code]
    _, content = bad(sandbox, partner, credential, "duplicate")
    assert partner.read(content) == [records[0], *records]


@pytest.mark.parametrize("partner", WMS, ids=lambda p: p.code)
def test_schema_breaks_a_required_field_of_the_first_movement(
    sandbox: PartnerSandbox, good: dict[str, tuple[str, list[Record]]], partner: Partner
) -> None:
    credential, _ = good[partner.code]
    _, content = bad(sandbox, partner, credential, "schema")
    first = partner.read(content)[0]
    assert first.get("tipo") not in ("E", "S") or not re.fullmatch(r"\d+\.\d{3}", first.get("quantidade", ""))


@pytest.mark.parametrize("partner", WMS, ids=lambda p: p.code)
def test_encoding_puts_bytes_the_layouts_encoding_cannot_hold(
    sandbox: PartnerSandbox, good: dict[str, tuple[str, list[Record]]], partner: Partner
) -> None:
    credential, _ = good[partner.code]
    _, content = bad(sandbox, partner, credential, "encoding")
    if partner is FISOFT:
        assert b"\x1b" in content.split(b"\n")[0], "ISO-8859-1 takes any byte: a control character instead"
    else:
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")


@pytest.mark.parametrize("partner", WMS, ids=lambda p: p.code)
def test_truncated_files_arrive_short_of_what_the_listing_declares(
    sandbox: PartnerSandbox, good: dict[str, tuple[str, list[Record]]], partner: Partner
) -> None:
    credential, records = good[partner.code]
    entry, content = bad(sandbox, partner, credential, "truncated")
    full = original(sandbox, partner, credential, entry["id"])
    assert partner.read(full) == records
    assert full.startswith(content)
    assert len(content) < len(full)
    if partner.url:  # the listing declares the whole file; the download serves half of it
        assert (entry["tamanho"], entry["sha256"]) == (len(full), hashlib.sha256(full).hexdigest())
        assert len(content) == len(full) // 2
    else:  # cut in the middle of a line, without the trailer
        assert not content.endswith(b"\n")
        with pytest.raises((AssertionError, ValueError)):
            partner.read(content)


@pytest.mark.parametrize("partner", [*WMS, COSMOS], ids=lambda p: p.code)
def test_oversize_files_stay_valid_and_reach_the_size_asked(
    sandbox: PartnerSandbox, good: dict[str, tuple[str, list[Record]]], partner: Partner
) -> None:
    credential, records = good[partner.code]
    entry, content = bad(sandbox, partner, credential, "oversize", size=300_000)
    assert len(content) == entry["tamanho"] >= 300_000
    read = partner.read(content)
    assert read[: len(records)] == records
    assert {(r.get("cnpj_filial"), r["ean"]) for r in read[len(records) :]} <= {
        (records[0].get("cnpj_filial"), records[0]["ean"])
    }


def test_without_a_good_file_bad_movements_derive_from_a_built_in_one(sandbox: PartnerSandbox) -> None:
    credential = fresh()
    _, content = bad(sandbox, DELAGE, credential, "duplicate")
    movements = read_delage(content)
    assert len(movements) == 2
    assert movements[0] == movements[1]
    assert (movements[0]["ean"], movements[0]["cnpj_filial"], movements[0]["tipo"]) == ("7891000315507", BRANCH, "E")


def test_cosmos_bad_files(sandbox: PartnerSandbox, good: dict[str, tuple[str, list[Record]]]) -> None:
    token, products = good["cosmos"]
    read = {kind: read_cosmos(bad(sandbox, COSMOS, token, kind)[1]) for kind in ("unknown_ean", "schema", "duplicate")}
    assert not valid_ean(read["unknown_ean"][1]["ean"])
    assert read["unknown_ean"][0] == products[0]
    assert read["schema"][0]["ncm"] == "ABC"
    assert read["duplicate"] == [products[0], *products]
    with pytest.raises(UnicodeDecodeError):
        bad(sandbox, COSMOS, token, "encoding")[1].decode("utf-8")
    entry, served = bad(sandbox, COSMOS, token, "truncated")
    assert len(served) < entry["tamanho"]
    assert hashlib.sha256(served).hexdigest() != entry["sha256"]
    refused = call(sandbox, "POST", "/_sandbox/cosmos/inbox/ruim", json={"credencial": token, "tipo": "unknown_branch"})
    assert refused.status_code == 400
    assert "unknown_ean" in refused.json()["mensagem"]


def test_a_generic_offer_can_be_served_cut_short(sandbox: PartnerSandbox) -> None:
    credential, content = fresh(), b"0123456789" * 10
    file_id = offer(sandbox, LINX, credential, content, truncar_em=25)
    [entry] = [f for f in listing(sandbox, LINX, credential) if f["id"] == file_id]
    assert (entry["tamanho"], entry["sha256"]) == (100, hashlib.sha256(content).hexdigest())
    assert download(sandbox, LINX, credential, entry) == content[:25]
    assert original(sandbox, LINX, credential, file_id) == content
