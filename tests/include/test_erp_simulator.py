"""The living demo ERP (include/integracoes/erp_simulator.py): what it writes, late commits, reproducibility."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest

from include.integracoes import demo_data
from include.integracoes.erp_simulator import Settings, Simulator
from tests.conftest import copy_of

# About 5 sales a second per branch; the other events follow the sales rate (Settings.scale).
FAST = Settings(sales_per_hour=20_000, offline_share=0.3, offline_delay_s=(0.3, 0.8), seed=7, cancel_share=0.1,
                purchases_per_hour=5)  # fmt: skip


@pytest.fixture
def erp(migrated_db: psycopg.Connection) -> psycopg.Connection:
    with migrated_db.transaction():
        demo_data.generate(migrated_db, demo_data.Size(tenants=2, branches_per_tenant=2, products=20, customers=10,
                                                       days=1, sales_per_branch_day=2))  # fmt: skip
    return migrated_db


def _run(conn: psycopg.Connection, seconds: float, settings: Settings = FAST) -> Simulator:
    simulator = Simulator(conn, settings)
    simulator.open_the_day()
    simulator.run_until(time.monotonic() + seconds)
    simulator.flush_offline()
    return simulator


def test_it_writes_every_kind_of_event_for_every_tenant_each_in_its_own_transaction(erp: psycopg.Connection) -> None:
    before, last_sale, last_order = erp.execute(
        "SELECT count(*), max(id), (SELECT max(id) FROM erp.pedido_reposicao) FROM erp.venda"
    ).fetchone()  # type: ignore[misc]
    simulator = _run(erp, 2.0)
    counts = simulator.counts
    assert min(counts.sales, counts.offline_sales, counts.purchases, counts.orders, counts.price_changes) > 0
    assert counts.cancellations > 0
    written = erp.execute("SELECT count(*) FROM erp.venda").fetchone()[0]  # type: ignore[index]
    assert written - before == counts.sales + counts.offline_sales
    per_tenant = dict(erp.execute("SELECT tenant_id, count(DISTINCT transacao) FROM erp.venda"
                                  " WHERE id > %s GROUP BY 1", (last_sale,)).fetchall())  # fmt: skip
    assert len(per_tenant) == 2, "both tenants sell"
    assert sum(per_tenant.values()) == counts.sales + counts.offline_sales, "one transaction per sale"
    # Sales carry items; a sale of a controlled product dispenses it; card payments match their sale.
    assert (
        erp.execute(
            "SELECT count(*) FROM erp.venda v WHERE NOT EXISTS (SELECT 1 FROM erp.venda_item i WHERE i.venda_id = v.id)"
        ).fetchone()[0]
        == 0
    )  # type: ignore[index]
    assert (
        erp.execute(
            "SELECT count(*) FROM erp.pagamento_cartao p JOIN erp.venda v ON v.id = p.venda_id"
            " WHERE p.valor <> v.valor_total"
        ).fetchone()[0]
        == 0
    )  # type: ignore[index]
    cancelled = erp.execute("SELECT count(*) FROM erp.venda WHERE cancelada").fetchone()[0]  # type: ignore[index]
    assert 0 < cancelled <= counts.cancellations  # a sale may be drawn twice
    # Every branch placed its opening order.
    assert erp.execute("SELECT count(DISTINCT filial_id) FROM erp.pedido_reposicao WHERE id > %s",
                       (last_order,)).fetchone()[0] == 4  # type: ignore[index]  # fmt: skip


def test_offline_sales_commit_after_sales_stamped_later(erp: psycopg.Connection) -> None:
    """An offline point of sale's sale is stamped when sold and committed when its link is back: after
    online sales stamped later than it (what a timestamp cutoff loses)."""
    (last_sale,) = erp.execute("SELECT max(id) FROM erp.venda").fetchone()  # type: ignore[misc]
    _run(erp, 2.0)
    overtaken = erp.execute(
        """SELECT count(*) FROM erp.venda late WHERE late.id > %(last)s AND EXISTS (
               SELECT 1 FROM erp.venda early WHERE early.id > %(last)s AND early.transacao < late.transacao
                 AND early.emitida_em > late.emitida_em + interval '200 milliseconds')""",
        {"last": last_sale},
    ).fetchone()[0]  # type: ignore[index]
    assert overtaken > 0


def test_the_same_seed_writes_the_same_sales(pg_socket: Path, migrated_template: str) -> None:
    def sales(name: str) -> list[tuple[object, ...]]:
        with psycopg.connect(copy_of(pg_socket, migrated_template, name), autocommit=True) as conn:
            with conn.transaction():
                demo_data.generate(conn, demo_data.Size(tenants=1, branches_per_tenant=2, products=20, customers=10,
                                                        days=1, sales_per_branch_day=2))  # fmt: skip
            settings = Settings(sales_per_hour=20_000, offline_share=0, seed=11)
            simulator = Simulator(conn, settings)
            for tick in range(1, 40):  # time is what the caller says: the same events, however it is sliced
                simulator.step(tick * (0.05 if name.endswith("a") else 0.1) + 1e9)
            return conn.execute(
                "SELECT filial_id, numero, valor_total, cliente_id FROM erp.venda ORDER BY id"
            ).fetchall()

    first, second = sales("t_sim_seed_a"), sales("t_sim_seed_b")
    shorter = min(len(first), len(second))
    assert shorter > 10
    assert first[:shorter] == second[:shorter]
