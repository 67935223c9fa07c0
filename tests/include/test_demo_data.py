"""The demo ERP generator: consistent, valid identifiers, sized by its parameter, idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import psycopg
import pytest

from include.integracoes import demo_data

SMALL = demo_data.Size(tenants=3, branches_per_tenant=2, products=40, customers=30, days=5, sales_per_branch_day=7)


@dataclass(frozen=True)
class Member:
    username: str
    tenant_cnpjs: tuple[str, ...]


def _valid_cnpj(value: str) -> bool:
    return demo_data.cnpj(int(value[:8]), int(value[8:12])) == value


def _valid_cpf(value: str) -> bool:
    return demo_data.cpf(int(value[:9])) == value


@pytest.fixture
def seeded(migrated_db: psycopg.Connection) -> psycopg.Connection:
    migrated_db.autocommit = False
    demo_data.seed_demo(migrated_db, SMALL, [Member("cliente1", ("11222333000181",))])
    migrated_db.commit()
    return migrated_db


def test_sizes_follow_the_parameter(seeded: psycopg.Connection) -> None:
    def count(table: str) -> int:
        row = seeded.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - fixed names
        assert row
        return int(row[0])

    assert count("integracao.tenant") == 3
    assert count("erp.filial") == 6
    assert count("erp.produto") == 120
    assert count("erp.venda") == 3 * 2 * 5 * 7
    items = count("erp.venda_item")
    assert count("erp.venda") <= items <= count("erp.venda") * SMALL.max_items_per_sale
    for table in ("erp.cliente", "erp.preco", "erp.compra", "erp.compra_item", "erp.estoque", "erp.pagamento_cartao"):
        assert count(table) > 0, table
    kinds = {r[0] for r in seeded.execute("SELECT DISTINCT tipo FROM erp.movimento_controlado")}
    assert kinds == {"entrada", "dispensacao"}


def test_totals_add_up(seeded: psycopg.Connection) -> None:
    mismatches = seeded.execute(
        "SELECT v.id FROM erp.venda v JOIN erp.venda_item i ON i.venda_id = v.id"
        " GROUP BY v.id, v.valor_total HAVING sum(i.valor_total) <> v.valor_total"
    ).fetchall()
    assert mismatches == []
    bad_items = seeded.execute(
        "SELECT count(*) FROM erp.venda_item WHERE valor_total <> preco_unitario * quantidade - desconto"
    ).fetchone()
    assert bad_items == (0,)


def test_identifiers_have_valid_check_digits(seeded: psycopg.Connection) -> None:
    for (value,) in seeded.execute("SELECT cnpj FROM integracao.tenant UNION ALL SELECT cnpj FROM erp.filial"):
        assert _valid_cnpj(value), value
    for (value,) in seeded.execute("SELECT cpf FROM erp.cliente"):
        assert _valid_cpf(value), value


def test_sales_stay_inside_the_tenant(seeded: psycopg.Connection) -> None:
    leaks = seeded.execute(
        "SELECT count(*) FROM erp.venda v JOIN erp.filial f ON f.id = v.filial_id"
        " LEFT JOIN erp.cliente c ON c.id = v.cliente_id"
        " WHERE f.tenant_id <> v.tenant_id OR c.tenant_id <> v.tenant_id"
    ).fetchone()
    assert leaks == (0,)


def test_sales_cover_the_requested_days_ending_yesterday(seeded: psycopg.Connection) -> None:
    days = seeded.execute(
        "SELECT DISTINCT (emitida_em AT TIME ZONE 'America/Sao_Paulo')::date FROM erp.venda ORDER BY 1"
    ).fetchall()
    assert len(days) == SMALL.days
    assert days[-1][0] < date.today() or days[-1][0] == date.today()


def test_a_second_run_creates_nothing_and_membership_is_kept(seeded: psycopg.Connection) -> None:
    before = seeded.execute("SELECT count(*) FROM erp.venda_item").fetchone()
    result = demo_data.seed_demo(seeded, SMALL, [Member("cliente1", ("11222333000181",))])
    seeded.commit()
    assert result == {"tenants": 0, "sale_items": 0}
    assert seeded.execute("SELECT count(*) FROM erp.venda_item").fetchone() == before
    members = seeded.execute(
        "SELECT ut.username, t.nome FROM integracao.usuario_tenant ut JOIN integracao.tenant t ON t.id = ut.tenant_id"
    ).fetchall()
    assert members == [("cliente1", "Farmácia Vida")]


def test_every_reference_resolves(seeded: psycopg.Connection) -> None:
    """The generator loads without per-row FK triggers; the references must hold all the same."""
    orphans = seeded.execute(
        """SELECT
             (SELECT count(*) FROM erp.venda_item i LEFT JOIN erp.venda v ON v.id = i.venda_id WHERE v.id IS NULL)
           + (SELECT count(*) FROM erp.venda_item i LEFT JOIN erp.produto p ON p.id = i.produto_id WHERE p.id IS NULL)
           + (SELECT count(*) FROM erp.pagamento_cartao c LEFT JOIN erp.venda v ON v.id = c.venda_id WHERE v.id IS NULL)
           + (SELECT count(*) FROM erp.compra_item i LEFT JOIN erp.compra c ON c.id = i.compra_id WHERE c.id IS NULL)
           + (SELECT count(*) FROM erp.venda v LEFT JOIN erp.filial f ON f.id = v.filial_id WHERE f.id IS NULL)"""
    ).fetchone()
    assert orphans == (0,)
