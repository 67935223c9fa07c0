"""A living demo ERP: keeps writing what a pharmacy chain writes all day, for every tenant and branch.

Sales with items, customers and card payments (stock goes down, controlled medicines are dispensed),
cancellations, purchases (sell-in: stock and controlled entries go up), price changes and replenishment
orders, each its own transaction as a point of sale or a back office writes it. A share of the sales comes
from offline points of sale: stamped when sold, committed minutes to hours later when the store's link
comes back — the late rows incremental and daily deliveries must not lose.

Events are a Poisson process per kind, drawn from one seeded generator: the same seed and settings write
the same sequence of rows. Run by `make demo` as the `erp-simulator` component; settings (environment, see
include/settings.py):

    INTEGRACOES_ERP_SIMULATOR            1 (default with demo data) / 0: whether the stack runs it
    INTEGRACOES_ERP_SALES_PER_HOUR       sales per branch and hour (default 30); the other events follow it
    INTEGRACOES_ERP_OFFLINE_SHARE        share of sales from offline points of sale (default 0.2)
    INTEGRACOES_ERP_OFFLINE_DELAY_S      "min,max" seconds between an offline sale and its commit (120,7200)
    INTEGRACOES_ERP_SEED                 the generator's seed (default 20261206)
    INTEGRACOES_ERP_OFFLINE_BACKLOG_H    stores offline since this many hours ago sync at start (default 0)

    python -m include.integracoes.erp_simulator [--seconds N]
"""

from __future__ import annotations

import argparse
import heapq
import logging
import random
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import psycopg

from include import settings as product_settings
from include.integracoes import db
from include.integracoes.demo_data import SAO_PAULO, cnpj

log = logging.getLogger(__name__)

_CENT = Decimal("0.01")
_CARD_BRANDS = ("Visa", "Mastercard", "Elo", "Hipercard")


@dataclass(frozen=True)
class Settings:
    sales_per_hour: float = 30.0  # per branch
    offline_share: float = 0.2
    offline_delay_s: tuple[float, float] = (120.0, 7200.0)
    seed: int = 20261206
    # Stores offline since this many hours ago: at start their sales of those hours wait to be committed like
    # any offline sale (a backlog of yesterday's sales is what reaches a day already delivered).
    backlog_hours: float = 0.0
    cancel_share: float = 0.02
    purchases_per_hour: float = 1.0  # per branch, at the default sales rate
    orders_per_hour: float = 2.0  # per branch
    price_changes_per_hour: float = 6.0  # per tenant

    @classmethod
    def from_environment(cls) -> Settings:
        given = product_settings.current()
        return cls(
            sales_per_hour=given.erp_sales_per_hour,
            offline_share=given.erp_offline_share,
            offline_delay_s=given.erp_offline_delay_s,
            seed=given.erp_seed,
            backlog_hours=given.erp_offline_backlog_h,
        )

    @property
    def scale(self) -> float:
        """The other events follow the sales rate (a busier chain also buys and reorders more)."""
        return self.sales_per_hour / 30.0


@dataclass
class _Branch:
    id: int
    tenant_id: int
    zone_id: int
    next_sale: int


@dataclass
class _Tenant:
    id: int
    branches: list[_Branch]
    products: list[tuple[int, bool]]  # (id, controlled)
    customers: list[int]
    prices: dict[tuple[int, int], Decimal]  # (zone, product) -> price
    next_order: int
    next_invoice: int
    recent_sales: deque[int] = field(default_factory=lambda: deque(maxlen=500))


@dataclass(order=True)
class _Offline:
    """A sale sold while its store was offline: written when the link comes back (`commit_at`)."""

    commit_at: float
    sequence: int
    write: Callable[[psycopg.Connection], int] = field(compare=False)


@dataclass
class Counts:
    sales: int = 0
    offline_sales: int = 0
    cancellations: int = 0
    purchases: int = 0
    price_changes: int = 0
    orders: int = 0

    def line(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in vars(self).items())


class Simulator:
    """Writes events into the ERP of every tenant in the database (each event its own transaction)."""

    def __init__(self, conn: psycopg.Connection, settings: Settings) -> None:
        self.conn = conn
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.tenants = _load(conn)
        self.counts = Counts()
        self._offline: list[_Offline] = []
        self._sequence = 0
        self._next: tuple[float, str] | None = None

    @property
    def waiting_offline(self) -> int:
        return len(self._offline)

    def run_until(self, deadline: float, *, stop: Callable[[], bool] = lambda: False) -> Counts:
        """Write the events due between now and `deadline` (time.monotonic()), as they fall due."""
        while not stop() and time.monotonic() < deadline:
            self.step(time.monotonic())
            time.sleep(0.05)
        return self.counts

    def open_the_day(self) -> None:
        """A store's first replenishment order goes out at opening: each branch without one today gets it now."""
        for tenant in self.tenants:
            for branch in tenant.branches:
                ordered = self.conn.execute(
                    """SELECT 1 FROM erp.pedido_reposicao WHERE filial_id = %s
                       AND emitido_em >= date_trunc('day', now() AT TIME ZONE 'America/Sao_Paulo')
                                         AT TIME ZONE 'America/Sao_Paulo'""",
                    (branch.id,),
                ).fetchone()
                if not ordered:
                    self._write(partial(self._order, tenant=tenant, branch=branch), "orders")

    def queue_backlog(self, per_branch: int | None = None) -> int:
        """The sales of stores offline for the last `backlog_hours` (`per_branch` of them, or as many as the rate
        and the offline share make), stamped when sold and queued to be committed over the offline delay from
        now; how many."""
        hours, queued = self.settings.backlog_hours, 0
        now = datetime.now(SAO_PAULO)
        for tenant in self.tenants:
            for branch in tenant.branches:
                expected = self.settings.sales_per_hour * self.settings.offline_share * hours
                for _ in range(int(expected) if per_branch is None else per_branch):
                    number, branch.next_sale = branch.next_sale, branch.next_sale + 1
                    sold_at = now - timedelta(hours=self.rng.uniform(0, hours))
                    self._queue(self._draw_sale(tenant, branch, number, sold_at))
                    queued += 1
        return queued

    def flush_offline(self) -> None:
        """Commit every offline sale still waiting (the links all came back)."""
        while self._offline:
            self._commit(heapq.heappop(self._offline))

    def step(self, now: float) -> None:
        """Write what fell due by `now`. One merged stream of events (when, then which kind, then its content,
        all from the seeded generator), so the sequence does not depend on how often this is called."""
        if self._next is None:
            self._next = self._draw_next(now)
        while self._next is not None and self._next[0] <= now:
            at, kind = self._next
            self._event(kind)
            self._next = self._draw_next(at)
        while self._offline and self._offline[0].commit_at <= now:
            self._commit(heapq.heappop(self._offline))

    # --- events ------------------------------------------------------------------------------------

    def _rates(self) -> dict[str, float]:
        """Events per second of the whole database, by kind."""
        s, branches = self.settings, sum(len(t.branches) for t in self.tenants)
        return {
            "sale": s.sales_per_hour * branches / 3600,
            "cancellation": s.sales_per_hour * s.cancel_share * branches / 3600,
            "purchase": s.purchases_per_hour * s.scale * branches / 3600,
            "order": s.orders_per_hour * s.scale * branches / 3600,
            "price": s.price_changes_per_hour * s.scale * len(self.tenants) / 3600,
        }

    def _draw_next(self, after: float) -> tuple[float, str] | None:
        rates = self._rates()
        total = sum(rates.values())
        if total <= 0:
            return None
        return after + self.rng.expovariate(total), self.rng.choices(list(rates), weights=list(rates.values()))[0]

    def _event(self, kind: str) -> None:
        if not self.tenants:
            return
        tenant = self.rng.choice(self.tenants)
        if kind == "sale":
            self._sale(tenant)
        elif kind == "cancellation":
            self._cancellation(tenant)
        elif kind == "purchase":
            self._write(lambda c: self._purchase(c, tenant, self.rng.choice(tenant.branches)), "purchases")
        elif kind == "order":
            self._write(lambda c: self._order(c, tenant, self.rng.choice(tenant.branches)), "orders")
        elif kind == "price":
            self._write(lambda c: self._price_change(c, tenant), "price_changes")

    def _write(self, write: Callable[[psycopg.Connection], Any], counter: str) -> Any:
        with self.conn.transaction():
            result = write(self.conn)
        setattr(self.counts, counter, getattr(self.counts, counter) + 1)
        return result

    def _sale(self, tenant: _Tenant) -> None:
        branch = self.rng.choice(tenant.branches)
        sold_at = datetime.now(SAO_PAULO)
        number, branch.next_sale = branch.next_sale, branch.next_sale + 1
        sale = self._draw_sale(tenant, branch, number, sold_at)
        if self.rng.random() < self.settings.offline_share:
            self._queue(sale)
            return
        tenant.recent_sales.append(self._write(sale, "sales"))

    def _queue(self, sale: Callable[[psycopg.Connection], int]) -> None:
        low, high = self.settings.offline_delay_s
        self._sequence += 1
        commit_at = time.monotonic() + self.rng.uniform(low, high)
        heapq.heappush(self._offline, _Offline(commit_at, self._sequence, sale))

    def _commit(self, offline: _Offline) -> None:
        self._write(offline.write, "offline_sales")

    def _draw_sale(
        self, tenant: _Tenant, branch: _Branch, number: int, sold_at: datetime
    ) -> Callable[[psycopg.Connection], int]:
        """Everything random about a sale is drawn now (reproducible), whenever it is written."""
        rng = self.rng
        customer = rng.choice(tenant.customers) if tenant.customers and rng.random() < 0.6 else None
        lines = []
        for sequence in range(1, rng.randint(1, 4) + 1):
            product, controlled = rng.choice(tenant.products)
            quantity = rng.randint(1, 3)
            unit = tenant.prices.get((branch.zone_id, product), Decimal("9.90"))
            discount = (unit * quantity * Decimal("0.1")).quantize(_CENT) if rng.random() < 0.15 else Decimal(0)
            lines.append((sequence, product, controlled, quantity, unit, discount, unit * quantity - discount))
        total = sum((line[6] for line in lines), Decimal(0))
        card = None
        if rng.random() < 0.55:
            mode = "credito" if rng.random() < 0.6 else "debito"
            installments = rng.randint(1, 6) if mode == "credito" else 1
            card = (
                rng.choice(_CARD_BRANDS),
                mode,
                installments,
                f"{rng.randrange(10**9):09d}",
                f"{rng.randrange(10**6):06d}",
            )

        def write(conn: psycopg.Connection) -> int:
            row = conn.execute(
                """INSERT INTO erp.venda (tenant_id, filial_id, cliente_id, numero, emitida_em, valor_total)
                   VALUES (%s, %s, %s, %s, %s, %s) RETURNING id""",
                (tenant.id, branch.id, customer, number, sold_at, total),
            ).fetchone()
            assert row is not None
            sale_id = int(row[0])
            with conn.cursor() as cur:
                cur.executemany(
                    """INSERT INTO erp.venda_item (venda_id, sequencia, produto_id, quantidade, preco_unitario,
                                                   desconto, valor_total, codigo_promocao)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                    [(sale_id, seq, product, qty, unit, disc, value, f"PROMO{product % 50:03d}" if disc else None)
                     for seq, product, _, qty, unit, disc, value in lines],
                )  # fmt: skip
                cur.executemany(
                    "UPDATE erp.estoque SET quantidade = quantidade - %s, atualizado_em = now()"
                    " WHERE filial_id = %s AND produto_id = %s",
                    [(qty, branch.id, product) for _, product, _, qty, *_ in lines],
                )
                cur.executemany(
                    """INSERT INTO erp.movimento_controlado (tenant_id, filial_id, produto_id, tipo, quantidade, lote,
                                                             ocorrido_em, receita_numero, prescritor_crm)
                       VALUES (%s, %s, %s, 'dispensacao', %s, %s, %s, %s, %s)""",
                    [(tenant.id, branch.id, product, qty, f"L{product:05d}", sold_at, f"R{sale_id}",
                      f"CRM-SP {100000 + product}") for _, product, controlled, qty, *_ in lines if controlled],
                )  # fmt: skip
            if card is not None and total > 0:
                brand, mode, installments, nsu, authorization = card
                conn.execute(
                    """INSERT INTO erp.pagamento_cartao (venda_id, bandeira, modalidade, parcelas, valor, nsu,
                                                         autorizacao, pago_em)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                    (sale_id, brand, mode, installments, total, nsu, authorization, sold_at),
                )
            return sale_id

        return write

    def _cancellation(self, tenant: _Tenant) -> None:
        if not tenant.recent_sales:
            return
        sale = tenant.recent_sales[self.rng.randrange(len(tenant.recent_sales))]
        self._write(
            lambda c: c.execute("UPDATE erp.venda SET cancelada = true WHERE id = %s", (sale,)), "cancellations"
        )

    def _purchase(self, conn: psycopg.Connection, tenant: _Tenant, branch: _Branch) -> None:
        rng, now = self.rng, datetime.now(SAO_PAULO)
        supplier = cnpj(70_000_000 + rng.randrange(20))
        invoice, tenant.next_invoice = tenant.next_invoice, tenant.next_invoice + 1
        lines = [(seq, product, controlled, rng.randint(10, 60)) for seq, (product, controlled)
                 in enumerate(rng.sample(tenant.products, min(5, len(tenant.products))), 1)]  # fmt: skip
        costs = [(tenant.prices.get((branch.zone_id, p), Decimal("9.90")) * Decimal("0.6")).quantize(_CENT)
                 for _, p, _, _ in lines]  # fmt: skip
        total = sum((cost * qty for cost, (_, _, _, qty) in zip(costs, lines, strict=True)), Decimal(0))
        row = conn.execute(
            """INSERT INTO erp.compra (tenant_id, filial_id, fornecedor_cnpj, fornecedor_nome, numero_nf, emitida_em,
                                       valor_total)
               VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id""",
            (tenant.id, branch.id, supplier, f"Distribuidora {supplier[:4]}", invoice, now, total),
        ).fetchone()
        assert row is not None
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO erp.compra_item (compra_id, sequencia, produto_id, quantidade, custo_unitario)"
                " VALUES (%s, %s, %s, %s, %s)",
                [(row[0], seq, product, qty, cost) for (seq, product, _, qty), cost in zip(lines, costs, strict=True)],
            )
            cur.executemany(
                """INSERT INTO erp.estoque AS e (filial_id, produto_id, quantidade) VALUES (%s, %s, %s)
                   ON CONFLICT (filial_id, produto_id)
                   DO UPDATE SET quantidade = e.quantidade + excluded.quantidade, atualizado_em = now()""",
                [(branch.id, product, qty) for _, product, _, qty in lines],
            )
            cur.executemany(
                """INSERT INTO erp.movimento_controlado (tenant_id, filial_id, produto_id, tipo, quantidade, lote,
                                                         ocorrido_em)
                   VALUES (%s, %s, %s, 'entrada', %s, %s, %s)""",
                [(tenant.id, branch.id, p, qty, f"L{p:05d}", now) for _, p, controlled, qty in lines if controlled],
            )

    def _order(self, conn: psycopg.Connection, tenant: _Tenant, branch: _Branch) -> None:
        number, tenant.next_order = tenant.next_order, tenant.next_order + 1
        row = conn.execute(
            "INSERT INTO erp.pedido_reposicao (tenant_id, filial_id, numero, emitido_em) VALUES (%s, %s, %s, now())"
            " RETURNING id",
            (tenant.id, branch.id, number),
        ).fetchone()
        assert row is not None
        products = self.rng.sample(tenant.products, min(5, len(tenant.products)))
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO erp.pedido_reposicao_item (pedido_id, item, produto_id, quantidade)"
                " VALUES (%s, %s, %s, %s)",
                [(row[0], item, product, self.rng.randint(6, 48)) for item, (product, _) in enumerate(products, 1)],
            )

    def _price_change(self, conn: psycopg.Connection, tenant: _Tenant) -> None:
        branch = self.rng.choice(tenant.branches)
        product, _ = self.rng.choice(tenant.products)
        old = tenant.prices.get((branch.zone_id, product), Decimal("9.90"))
        new = max(Decimal("0.99"), (old * Decimal(self.rng.choice(("0.95", "0.98", "1.02", "1.05")))).quantize(_CENT))
        conn.execute(
            """INSERT INTO erp.preco AS p (zona_preco_id, produto_id, preco) VALUES (%s, %s, %s)
               ON CONFLICT (zona_preco_id, produto_id) DO UPDATE SET preco = excluded.preco, atualizado_em = now()""",
            (branch.zone_id, product, new),
        )
        tenant.prices[branch.zone_id, product] = new


def _load(conn: psycopg.Connection) -> list[_Tenant]:
    """Every tenant with branches and products, and where its numbering goes on."""
    tenants = []
    for (tenant_id,) in conn.execute("SELECT id FROM integracao.tenant ORDER BY id").fetchall():
        branches = [
            _Branch(row[0], tenant_id, row[1], int(row[2]) + 1)
            for row in conn.execute(
                """SELECT f.id, f.zona_preco_id,
                          coalesce((SELECT max(numero) FROM erp.venda v WHERE v.filial_id = f.id), 0)
                   FROM erp.filial f WHERE f.tenant_id = %s ORDER BY f.codigo""",
                (tenant_id,),
            )
        ]
        products = [
            (r[0], r[1])
            for r in conn.execute("SELECT id, controlado FROM erp.produto WHERE tenant_id = %s AND ativo ORDER BY id",
                                  (tenant_id,))
        ]  # fmt: skip
        if not branches or not products:
            continue
        customers = [r[0] for r in conn.execute("SELECT id FROM erp.cliente WHERE tenant_id = %s ORDER BY id",
                                                (tenant_id,))]  # fmt: skip
        prices = {(r[0], r[1]): r[2] for r in conn.execute(
            "SELECT p.zona_preco_id, p.produto_id, p.preco FROM erp.preco p JOIN erp.zona_preco z"
            " ON z.id = p.zona_preco_id WHERE z.tenant_id = %s", (tenant_id,))}  # fmt: skip
        (order, invoice) = conn.execute(
            """SELECT coalesce((SELECT max(numero) FROM erp.pedido_reposicao WHERE tenant_id = %(t)s), 0),
                      coalesce((SELECT max(numero_nf) FROM erp.compra WHERE tenant_id = %(t)s), 0)""",
            {"t": tenant_id},
        ).fetchone()  # type: ignore[misc]
        tenants.append(_Tenant(tenant_id, branches, products, customers, prices, int(order) + 1, int(invoice) + 1))
    return tenants


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (default: until stopped)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = Settings.from_environment()
    stopping = False

    def stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with db.connect(autocommit=True) as conn:
        simulator = Simulator(conn, settings)
        simulator.open_the_day()
        simulator.queue_backlog()
        log.info("ERP simulator: %d tenant(s), %d branch(es), %s sales per branch and hour, %.0f%% offline",
                 len(simulator.tenants), sum(len(t.branches) for t in simulator.tenants), settings.sales_per_hour,
                 settings.offline_share * 100)  # fmt: skip
        end = time.monotonic() + (args.seconds or float("inf"))
        while not stopping and time.monotonic() < end:
            simulator.run_until(min(end, time.monotonic() + 60), stop=lambda: stopping)
            log.info("Written so far: %s; offline sales waiting: %d", simulator.counts.line(),
                     simulator.waiting_offline)  # fmt: skip
        # A stopped store's pending sales would be sent by its point of sale later; here they are not kept.
        log.info("ERP simulator stopped (%d offline sale(s) not written)", simulator.waiting_offline)


if __name__ == "__main__":
    main()
