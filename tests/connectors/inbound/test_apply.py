"""Appliers against a real PostgreSQL with the demo ERP: a received file changes the ERP data exactly as it
says, audited, once; any problem refuses it whole and changes nothing."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest

from include.connectors.cosmos import Cosmos
from include.connectors.errors import ReceivedFileRefusedError
from include.connectors.exact_wms import ExactWms
from include.connectors.inbound import Inbound, Target
from include.connectors.wms import MOVEMENT_FIELDS
from include.integracoes import demo_data
from tests.connectors.conftest import Erp

MOVEMENTS = ExactWms.inbound
CATALOGUE = Cosmos.inbound
assert MOVEMENTS is not None and CATALOGUE is not None  # noqa: PT018


@pytest.fixture
def conn(erp: Erp) -> Iterator[psycopg.Connection]:
    """A connection whose every change is rolled back: the module's ERP stays as generated."""
    with psycopg.connect(erp.url) as connection:
        yield connection
        connection.rollback()


def target_for(conn: psycopg.Connection, erp: Erp, branches: tuple[int, ...] | None = None) -> Target:
    """An integration of the demo tenant with a task and a received file (what the rows reference)."""
    conn.execute("INSERT INTO integracao.tipo_integracao (codigo, nome) VALUES ('exact_wms', 'Exact WMS')"
                 " ON CONFLICT DO NOTHING")  # fmt: skip
    conn.execute("INSERT INTO integracao.servico_contratado VALUES (%s, 'exact_wms') ON CONFLICT DO NOTHING",
                 (erp.tenant_id,))  # fmt: skip
    integration = conn.execute(
        "INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, intervalo_minutos, criada_por,"
        " atualizada_por) VALUES (%s, 'exact_wms', %s, 30, 't', 't') RETURNING id",
        (erp.tenant_id, f"WMS {uuid.uuid4().hex[:8]}"),
    ).fetchone()[0]  # type: ignore[index]
    task = conn.execute(
        "INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem)"
        " VALUES (%s, current_date, current_date, 't', 'agendada') RETURNING id",
        (integration,),
    ).fetchone()[0]  # type: ignore[index]
    file_id = conn.execute(
        "INSERT INTO integracao.arquivo (tarefa_id, nome, uri, tamanho, sha256)"
        " VALUES (%s, 'm.csv', 'file:///x', 1, repeat('a', 64)) RETURNING id",
        (task,),
    ).fetchone()[0]  # type: ignore[index]
    return Target(erp.tenant_id, integration, branches or erp.branches, file_id)


def branch_cnpj(conn: psycopg.Connection, branch_id: int) -> str:
    return str(conn.execute("SELECT cnpj FROM erp.filial WHERE id = %s", (branch_id,)).fetchone()[0])  # type: ignore[index]


def eans(conn: psycopg.Connection, erp: Erp, count: int) -> list[str]:
    rows = conn.execute("SELECT ean FROM erp.produto WHERE tenant_id = %s ORDER BY id LIMIT %s", (erp.tenant_id, count))
    return [r[0] for r in rows]


def stock(conn: psycopg.Connection, cnpj: str, ean: str) -> Decimal | None:
    row = conn.execute(
        "SELECT e.quantidade FROM erp.estoque e JOIN erp.filial f ON f.id = e.filial_id"
        " JOIN erp.produto p ON p.id = e.produto_id WHERE f.cnpj = %s AND p.ean = %s", (cnpj, ean)
    ).fetchone()  # fmt: skip
    return row[0] if row else None


def csv_file(*lines: tuple[str, ...]) -> io.BytesIO:
    body = [";".join(MOVEMENT_FIELDS), *(";".join(line) for line in lines), f"FIM;{len(lines)}"]
    return io.BytesIO(("\n".join(body) + "\n").encode())


def movement(movement_id: str, cnpj: str, ean: str, kind: str, quantity: str, order: str = "") -> tuple[str, ...]:
    return (movement_id, cnpj, ean, kind, quantity, "2026-11-28T10:00:00-03:00", order)


def apply(inbound: Inbound, conn: psycopg.Connection, body: io.BytesIO, target: Target) -> tuple[int, int]:
    with conn.transaction():
        applied = inbound.apply(conn, body, target)
    return applied.records, applied.changes


def test_movements_change_stock_by_their_sum_with_audit(conn: psycopg.Connection, erp: Erp) -> None:
    target = target_for(conn, erp)
    cnpj = branch_cnpj(conn, erp.branches[0])
    first, second = eans(conn, erp, 2)
    before = stock(conn, cnpj, first), stock(conn, cnpj, second)
    body = csv_file(movement("M-1", cnpj, first, "E", "12.000", "77"), movement("M-2", cnpj, first, "S", "1.500"),
                    movement("M-3", cnpj, second, "S", "2"))  # fmt: skip
    assert apply(MOVEMENTS, conn, body, target) == (3, 2)
    assert stock(conn, cnpj, first) == (before[0] or 0) + Decimal("10.5")
    assert stock(conn, cnpj, second) == (before[1] or 0) - 2
    audit = conn.execute(
        "SELECT antes, depois FROM integracao.auditoria WHERE arquivo_id = %s ORDER BY entidade_id", (target.file_id,)
    ).fetchall()
    assert len(audit) == 2
    assert {Decimal(str(a[0]["quantidade"])) for a in audit} == {before[0], before[1]}
    kept = conn.execute("SELECT id_parceiro, pedido FROM erp.movimento_estoque WHERE arquivo_id = %s ORDER BY 1",
                        (target.file_id,)).fetchall()  # fmt: skip
    assert kept == [("M-1", 77), ("M-2", None), ("M-3", None)]


def test_a_movement_applied_once_is_refused_in_any_later_file(conn: psycopg.Connection, erp: Erp) -> None:
    target = target_for(conn, erp)
    cnpj, (ean,) = branch_cnpj(conn, erp.branches[0]), eans(conn, erp, 1)
    apply(MOVEMENTS, conn, csv_file(movement("M-9", cnpj, ean, "E", "1")), target)
    after = stock(conn, cnpj, ean)
    with pytest.raises(ReceivedFileRefusedError, match=r"linha 3: movimento M-9 já aplicado \(arquivo \d+\)"):
        apply(MOVEMENTS, conn, csv_file(movement("M-10", cnpj, ean, "E", "1"), movement("M-9", cnpj, ean, "E", "1")),
              target)  # fmt: skip
    assert stock(conn, cnpj, ean) == after, "nothing of a refused file is applied"


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ({"ean": demo_data.ean13(999_999_999)}, "linha 3: EAN {ean} não cadastrado"),
        ({"cnpj": "99888777000166"}, "linha 3: filial de CNPJ 99888777000166 não faz parte desta integração"),
        ({"quantity": "12,5"}, "linha 3: quantidade: quantidade inválida '12,5'"),
        ({"quantity": "0"}, "linha 3: quantidade: quantidade fora do intervalo"),
        ({"quantity": "1.0001"}, "linha 3: quantidade: quantidade com mais de 3 casas decimais"),
        ({"kind": "X"}, "linha 3: tipo: deve ser E ou S"),
        ({"id": "M-1"}, "linha 3: movimento M-1 repetido no arquivo"),
        ({"id": "M 2/../x"}, "linha 3: id: deve ter de 1 a 40"),
    ],
)
def test_one_bad_line_refuses_the_whole_file(
    conn: psycopg.Connection, erp: Erp, bad: dict[str, str], expected: str
) -> None:
    target = target_for(conn, erp)
    cnpj, (ean, other) = branch_cnpj(conn, erp.branches[0]), eans(conn, erp, 2)
    values = {"id": "M-2", "cnpj": cnpj, "ean": other, "kind": "E", "quantity": "3"} | bad
    before = stock(conn, cnpj, ean)
    second = movement(values["id"], values["cnpj"], values["ean"], values["kind"], values["quantity"])
    body = csv_file(movement("M-1", cnpj, ean, "E", "5"), second)
    with pytest.raises(ReceivedFileRefusedError) as refused:
        apply(MOVEMENTS, conn, body, target)
    assert refused.value.detail.startswith(expected.format(ean=values["ean"]))
    assert stock(conn, cnpj, ean) == before
    assert conn.execute("SELECT count(*) FROM erp.movimento_estoque WHERE integracao_id = %s",
                        (target.integration_id,)).fetchone() == (0,)  # fmt: skip


def test_a_branch_of_the_tenant_outside_the_integration_is_refused(conn: psycopg.Connection, erp: Erp) -> None:
    target = target_for(conn, erp, branches=erp.branches[:1])
    other = branch_cnpj(conn, erp.branches[1])
    with pytest.raises(ReceivedFileRefusedError, match=f"linha 2: filial de CNPJ {other} não faz parte"):
        apply(MOVEMENTS, conn, csv_file(movement("M-1", other, eans(conn, erp, 1)[0], "E", "1")), target)


def cosmos_file(*products: dict[str, str]) -> io.BytesIO:
    import json

    return io.BytesIO(json.dumps({"produtos": list(products)}).encode())


def product(ean: str, description: str = "DIPIRONA 500MG CX 10") -> dict[str, str]:
    return {"ean": ean, "descricao": description, "marca": "Genérico", "fabricante": "EMS", "ncm": "30049099",
            "categoria": "Analgésicos"}  # fmt: skip


def test_catalogue_updates_and_creates_by_ean_with_audit_and_is_idempotent(conn: psycopg.Connection, erp: Erp) -> None:
    target = target_for(conn, erp)
    (known,) = eans(conn, erp, 1)
    new = demo_data.ean13(erp.tenant_id * 1_000_000 + 900_001)
    old = conn.execute(
        "SELECT descricao FROM erp.produto WHERE tenant_id = %s AND ean = %s", (erp.tenant_id, known)
    ).fetchone()
    assert apply(CATALOGUE, conn, cosmos_file(product(known), product(new, "NOVO")), target) == (2, 2)
    rows = dict(conn.execute("SELECT ean, descricao FROM erp.produto WHERE tenant_id = %s AND ean IN (%s, %s)",
                             (erp.tenant_id, known, new)).fetchall())  # fmt: skip
    assert rows == {known: "DIPIRONA 500MG CX 10", new: "NOVO"}
    audit = dict(
        conn.execute("SELECT acao, antes FROM integracao.auditoria WHERE arquivo_id = %s", (target.file_id,)).fetchall()
    )
    assert audit["produto.criado"] is None
    assert audit["produto.atualizado"]["descricao"] == old[0]  # type: ignore[index]
    assert apply(CATALOGUE, conn, cosmos_file(product(known), product(new, "NOVO")), target) == (2, 0), (
        "the same data again changes (and audits) nothing"
    )


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ({"ean": "7891000315508"}, "registro 2: ean: EAN 7891000315508 inválido (dígito verificador)"),
        ({"ncm": "ABC"}, "registro 2: ncm: o NCM deve ter 8 dígitos"),
        ({"descricao": ""}, "registro 2: descricao: deve ter de 1 a 120 caracteres"),
        ({"ean": "FIRST"}, "registro 2: EAN {first} repetido no arquivo"),
    ],
)
def test_a_bad_catalogue_changes_nothing(
    conn: psycopg.Connection, erp: Erp, bad: dict[str, str], expected: str
) -> None:
    target = target_for(conn, erp)
    first, second = eans(conn, erp, 2)
    bad = {k: (first if v == "FIRST" else v) for k, v in bad.items()}
    with pytest.raises(ReceivedFileRefusedError) as refused:
        apply(CATALOGUE, conn, cosmos_file(product(first, "MUDOU"), product(second) | bad), target)
    assert refused.value.detail.startswith(expected.format(first=first))
    assert conn.execute("SELECT descricao <> 'MUDOU' FROM erp.produto WHERE tenant_id = %s AND ean = %s",
                        (erp.tenant_id, first)).fetchone() == (True,)  # fmt: skip
