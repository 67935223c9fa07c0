"""Demo ERP data generator: tenants, branches, products, prices, customers, sales, purchases, stock,
card payments and controlled-medicine movements, written with COPY.

Sized by `Size`; small for the demo, tens of millions of sale items for benchmarks:

    python -m include.integracoes.demo_data --tenants 3 --branches 40 --days 60 --sales-per-day 500
"""

from __future__ import annotations

import argparse
import logging
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
_CENT = Decimal("0.01")


class Member(Protocol):
    """A user to attach to demo tenants (by the tenants' CNPJs)."""

    @property
    def username(self) -> str: ...

    @property
    def tenant_cnpjs(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Size:
    tenants: int = 2
    branches_per_tenant: int = 3
    products: int = 300
    customers: int = 500
    days: int = 30
    sales_per_branch_day: int = 20
    max_items_per_sale: int = 4
    seed: int = 20261128

    @property
    def expected_sale_items(self) -> int:
        mean_items = (1 + self.max_items_per_sale) / 2
        per_tenant = self.branches_per_tenant * self.days * self.sales_per_branch_day * mean_items
        return int(self.tenants * per_tenant)


DEMO_SIZE = Size()

# The first tenants are the demo tenants the demo users belong to; more get generated names.
DEMO_TENANTS: tuple[tuple[str, str], ...] = (
    ("Farmácia Vida", "11222333000181"),
    ("Drogaria Saúde", "44555666000181"),
)
_CITIES = (
    ("São Paulo", "SP"),
    ("Campinas", "SP"),
    ("Curitiba", "PR"),
    ("Belo Horizonte", "MG"),
    ("Porto Alegre", "RS"),
    ("Recife", "PE"),
    ("Salvador", "BA"),
    ("Goiânia", "GO"),
)
_MAKERS = ("EMS", "Eurofarma", "Aché", "Medley", "Neo Química", "Cimed", "Sanofi", "Germed")
_CATEGORIES = (
    ("Analgésico", "Dipirona 500mg", False),
    ("Antibiótico", "Amoxicilina 500mg", False),
    ("Anti-inflamatório", "Ibuprofeno 400mg", False),
    ("Vitaminas", "Vitamina C 1g", False),
    ("Higiene", "Creme dental 90g", False),
    ("Dermocosméticos", "Protetor solar FPS50", False),
    ("Controlados", "Clonazepam 2mg", True),
    ("Controlados", "Sertralina 50mg", True),
)
_FIRST_NAMES = ("Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabriela", "Heitor", "Isabel", "João")
_LAST_NAMES = ("Silva", "Souza", "Oliveira", "Santos", "Lima", "Pereira", "Costa", "Almeida")
_CARD_BRANDS = ("Visa", "Mastercard", "Elo", "Hipercard")


# --- identifiers with valid check digits ---------------------------------------------------------


def _mod11_digit(digits: Sequence[int], weights: Sequence[int]) -> int:
    rest = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    return 0 if rest < 2 else 11 - rest


def cnpj(root: int, branch: int = 1) -> str:
    """A valid CNPJ: 8-digit company root, 4-digit branch number, two check digits."""
    digits = [int(c) for c in f"{root % 100_000_000:08d}{branch:04d}"]
    digits.append(_mod11_digit(digits, (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)))
    digits.append(_mod11_digit(digits, (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)))
    return "".join(map(str, digits))


def cpf(number: int) -> str:
    base = [int(c) for c in f"{number % 1_000_000_000:09d}"]
    base.append(_mod11_digit(base, range(10, 1, -1)))
    base.append(_mod11_digit(base, range(11, 1, -1)))
    return "".join(map(str, base))


def ean13(number: int) -> str:
    base = f"789{number % 1_000_000_000:09d}"
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(base))
    return base + str((10 - total % 10) % 10)


# --- COPY helpers --------------------------------------------------------------------------------


def _copy(conn: psycopg.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    schema, name = table.split(".")
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(schema, name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _reserve_ids(conn: psycopg.Connection, table: str, count: int) -> int:
    """Reserve `count` consecutive identity values of `table`; return the first.

    Ids are assigned here (not by the server) so that item rows can reference their sale in the same
    COPY stream pass; the advisory lock keeps two generators from taking the same block.
    """
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (table,))
    row = conn.execute(
        "SELECT setval(pg_get_serial_sequence(%(t)s, 'id'), nextval(pg_get_serial_sequence(%(t)s, 'id')) + %(n)s - 1)",
        {"t": table, "n": count},
    ).fetchone()
    assert row is not None
    return int(row[0]) - count + 1


# --- generation ----------------------------------------------------------------------------------


@dataclass
class _Tenant:
    id: int
    branches: list[tuple[int, int]]  # (branch id, price zone id)
    products: list[tuple[int, bool]]  # (product id, controlled)
    customers: list[int]
    prices: dict[tuple[int, int], Decimal]  # (zone id, product id) -> price


def _tenant_names(count: int) -> Iterator[tuple[str, str]]:
    for index in range(count):
        if index < len(DEMO_TENANTS):
            yield DEMO_TENANTS[index]
        else:
            yield f"Rede Farma {index + 1:03d}", cnpj(50_000_000 + index)


def _create_tenant(conn: psycopg.Connection, name: str, tax_id: str, size: Size, rng: random.Random) -> _Tenant:
    row = conn.execute(
        "INSERT INTO integracao.tenant (nome, cnpj) VALUES (%s, %s) RETURNING id", (name, tax_id)
    ).fetchone()
    assert row is not None
    tenant_id = int(row[0])
    zone_names = ("Capital", "Interior", "Litoral")
    _copy(conn, "erp.zona_preco", ("tenant_id", "nome"), ((tenant_id, z) for z in zone_names))
    zones = [r[0] for r in conn.execute("SELECT id FROM erp.zona_preco WHERE tenant_id = %s ORDER BY id", (tenant_id,))]

    def branch_rows() -> Iterator[tuple[Any, ...]]:
        for code in range(1, size.branches_per_tenant + 1):
            city, uf = _CITIES[(code - 1) % len(_CITIES)]
            zone = zones[(code - 1) % len(zones)]
            yield (
                tenant_id,
                code,
                f"{name} - Loja {code:02d} {city}",
                cnpj(int(tax_id[:8]), code),
                city,
                uf,
                zone,
            )

    _copy(
        conn,
        "erp.filial",
        ("tenant_id", "codigo", "nome", "cnpj", "cidade", "uf", "zona_preco_id"),
        branch_rows(),
    )

    def product_rows() -> Iterator[tuple[Any, ...]]:
        for n in range(size.products):
            category, base, controlled = _CATEGORIES[n % len(_CATEGORIES)]
            maker = _MAKERS[rng.randrange(len(_MAKERS))]
            yield (
                tenant_id,
                ean13(tenant_id * 1_000_000 + n),
                f"{base} {maker} cx {1 + n % 6}",
                maker,
                category,
                controlled,
                # Every 5th product takes part in an industry benefit program (PBM); no random draw, so the
                # rest of the generated data is the same as before the column existed.
                _BENEFIT_PROGRAMS[n % len(_BENEFIT_PROGRAMS)] if n % 5 == 0 else None,
            )

    _copy(
        conn,
        "erp.produto",
        ("tenant_id", "ean", "descricao", "fabricante", "categoria", "controlado", "programa_beneficio"),
        product_rows(),
    )

    def customer_rows() -> Iterator[tuple[Any, ...]]:
        for n in range(size.customers):
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
            email = f"{first}.{last}.{n}@exemplo.com.br".lower()
            yield tenant_id, cpf(tenant_id * 10_000_000 + n), f"{first} {last}", email, f"1199{n:07d}", born

    _copy(
        conn,
        "erp.cliente",
        ("tenant_id", "cpf", "nome", "email", "telefone", "data_nascimento"),
        customer_rows(),
    )

    branches = [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT id, zona_preco_id FROM erp.filial WHERE tenant_id = %s ORDER BY codigo", (tenant_id,)
        )
    ]
    products = [
        (r[0], r[1])
        for r in conn.execute("SELECT id, controlado FROM erp.produto WHERE tenant_id = %s ORDER BY id", (tenant_id,))
    ]
    customers = [
        r[0] for r in conn.execute("SELECT id FROM erp.cliente WHERE tenant_id = %s ORDER BY id", (tenant_id,))
    ]
    prices = {}
    for zone_index, zone in enumerate(zones):
        for product_id, _ in products:
            base = Decimal(5 + (product_id * 7919) % 180) + Decimal(rng.randrange(100)) / 100
            prices[zone, product_id] = (base * (Decimal(1) + Decimal(zone_index) / 20)).quantize(_CENT)
    _copy(
        conn,
        "erp.preco",
        ("zona_preco_id", "produto_id", "preco"),
        ((z, p, v) for (z, p), v in prices.items()),
    )
    return _Tenant(tenant_id, branches, products, customers, prices)


def _sales_of_day(conn: psycopg.Connection, tenant: _Tenant, day: date, size: Size, rng: random.Random) -> int:
    """Write one day of sales of every branch (sales, items, card payments, dispensations)."""
    count = len(tenant.branches) * size.sales_per_branch_day
    first_id = _reserve_ids(conn, "erp.venda", count)
    sales, items, payments, dispensations = [], [], [], []
    sale_id = first_id
    opening = datetime(day.year, day.month, day.day, 8, tzinfo=SAO_PAULO)
    for branch_id, zone_id in tenant.branches:
        for number in range(size.sales_per_branch_day):
            issued = opening + timedelta(seconds=rng.randrange(14 * 3600))
            customer = rng.choice(tenant.customers) if rng.random() < 0.6 else None
            total = Decimal(0)
            for seq in range(1, rng.randint(1, size.max_items_per_sale) + 1):
                product_id, controlled = rng.choice(tenant.products)
                quantity = rng.randint(1, 3)
                unit = tenant.prices[zone_id, product_id]
                discount = (unit * quantity * Decimal("0.1")).quantize(_CENT) if rng.random() < 0.15 else Decimal(0)
                value = unit * quantity - discount
                total += value
                promo = f"PROMO{product_id % 50:03d}" if discount else None
                items.append((sale_id, seq, product_id, quantity, unit, discount, value, promo))
                if controlled:
                    dispensations.append(
                        (
                            tenant.id,
                            branch_id,
                            product_id,
                            "dispensacao",
                            quantity,
                            f"L{product_id:05d}",
                            issued,
                            f"R{sale_id}",
                            f"CRM-SP {100000 + product_id}",
                        )
                    )
            sales.append((sale_id, tenant.id, branch_id, customer, _sale_number(day, number), issued, total))
            if rng.random() < 0.55:
                mode = "credito" if rng.random() < 0.6 else "debito"
                payments.append(
                    (
                        sale_id,
                        rng.choice(_CARD_BRANDS),
                        mode,
                        rng.randint(1, 6) if mode == "credito" else 1,
                        total,
                        f"{rng.randrange(10**9):09d}",
                        f"{rng.randrange(10**6):06d}",
                        issued,
                    )
                )
            sale_id += 1
    sale_cols = ("id", "tenant_id", "filial_id", "cliente_id", "numero", "emitida_em", "valor_total")
    _copy(conn, "erp.venda", sale_cols, sales)
    item_cols = (
        "venda_id",
        "sequencia",
        "produto_id",
        "quantidade",
        "preco_unitario",
        "desconto",
        "valor_total",
        "codigo_promocao",
    )
    written = _copy(conn, "erp.venda_item", item_cols, items)
    pay_cols = ("venda_id", "bandeira", "modalidade", "parcelas", "valor", "nsu", "autorizacao", "pago_em")
    _copy(conn, "erp.pagamento_cartao", pay_cols, payments)
    _copy(conn, "erp.movimento_controlado", _MOVEMENT_COLUMNS, dispensations)
    return written


_BENEFIT_PROGRAMS = ("FUNCIONAL", "VIDALINK", "EPHARMA", "PHARMALINK")
_MOVEMENT_COLUMNS = (
    "tenant_id",
    "filial_id",
    "produto_id",
    "tipo",
    "quantidade",
    "lote",
    "ocorrido_em",
    "receita_numero",
    "prescritor_crm",
)


def _sale_number(day: date, number: int) -> int:
    return int(day.strftime("%Y%m%d")) * 100_000 + number


def _purchases_and_stock(conn: psycopg.Connection, tenant: _Tenant, days: list[date], rng: random.Random) -> None:
    """Weekly purchases per branch (sell-in), their controlled entries, and current stock."""
    purchase_days = days[::7]
    first_id = _reserve_ids(conn, "erp.compra", len(purchase_days) * len(tenant.branches))
    purchases, items, entries = [], [], []
    purchase_id = first_id
    for day in purchase_days:
        for branch_id, _ in tenant.branches:
            supplier = cnpj(70_000_000 + rng.randrange(20))
            issued = datetime(day.year, day.month, day.day, 7, tzinfo=SAO_PAULO)
            total = Decimal(0)
            for seq, (product_id, controlled) in enumerate(
                rng.sample(tenant.products, min(10, len(tenant.products))), 1
            ):
                quantity, cost = (
                    rng.randint(10, 60),
                    (tenant.prices[tenant.branches[0][1], product_id] * Decimal("0.6")).quantize(_CENT),
                )
                total += cost * quantity
                items.append((purchase_id, seq, product_id, quantity, cost))
                if controlled:
                    entries.append(
                        (
                            tenant.id,
                            branch_id,
                            product_id,
                            "entrada",
                            quantity,
                            f"L{product_id:05d}",
                            issued,
                            None,
                            None,
                        )
                    )
            purchases.append(
                (
                    purchase_id,
                    tenant.id,
                    branch_id,
                    supplier,
                    f"Distribuidora {supplier[:4]}",
                    purchase_id,
                    issued,
                    total,
                )
            )
            purchase_id += 1
    _copy(
        conn,
        "erp.compra",
        (
            "id",
            "tenant_id",
            "filial_id",
            "fornecedor_cnpj",
            "fornecedor_nome",
            "numero_nf",
            "emitida_em",
            "valor_total",
        ),
        purchases,
    )
    _copy(
        conn,
        "erp.compra_item",
        ("compra_id", "sequencia", "produto_id", "quantidade", "custo_unitario"),
        items,
    )
    _copy(conn, "erp.movimento_controlado", _MOVEMENT_COLUMNS, entries)
    _copy(
        conn,
        "erp.estoque",
        ("filial_id", "produto_id", "quantidade"),
        ((b, p, rng.randint(0, 200)) for b, _ in tenant.branches for p, _ in tenant.products),
    )


def _replenishment_orders(conn: psycopg.Connection, tenant: _Tenant, days: list[date], rng: random.Random) -> None:
    """One replenishment order per branch and day (06:00), five products each: what the WMS partners get."""
    first_id = _reserve_ids(conn, "erp.pedido_reposicao", len(days) * len(tenant.branches))
    orders, items = [], []
    order_id = first_id
    for day in days:
        issued = datetime(day.year, day.month, day.day, 6, tzinfo=SAO_PAULO)
        for position, (branch_id, _) in enumerate(tenant.branches, 1):
            orders.append((order_id, tenant.id, branch_id, int(f"{day:%Y%m%d}") * 1_000 + position, issued))
            for item, (product_id, _) in enumerate(rng.sample(tenant.products, min(5, len(tenant.products))), 1):
                items.append((order_id, item, product_id, rng.randint(6, 48)))
            order_id += 1
    _copy(conn, "erp.pedido_reposicao", ("id", "tenant_id", "filial_id", "numero", "emitido_em"), orders)
    _copy(conn, "erp.pedido_reposicao_item", ("pedido_id", "item", "produto_id", "quantidade"), items)


def _skip_row_triggers_if_allowed(conn: psycopg.Connection) -> None:
    """Bulk-load without per-row foreign-key triggers when the role may (superuser), for this transaction.

    Every reference is generated from rows this same transaction wrote, so the checks cannot fail; they
    would only double the load time of tens of millions of items. Tests verify the references.
    """
    row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    if row and row[0]:
        conn.execute("SET LOCAL session_replication_role = replica")


def generate(conn: psycopg.Connection, size: Size, *, end: date | None = None) -> dict[str, int]:
    """Create the tenants of `size` that do not exist yet (by CNPJ) with all their ERP data.

    Idempotent per tenant: running it again creates nothing for existing tenants. Each tenant is one
    transaction, so an interrupted run leaves whole tenants only.
    """
    rng = random.Random(size.seed)
    last_day = end or (datetime.now(SAO_PAULO).date() - timedelta(days=1))
    days = [last_day - timedelta(days=n) for n in range(size.days - 1, -1, -1)]
    created, items = 0, 0
    for name, tax_id in _tenant_names(size.tenants):
        if conn.execute("SELECT 1 FROM integracao.tenant WHERE cnpj = %s", (tax_id,)).fetchone():
            continue
        with conn.transaction():
            _skip_row_triggers_if_allowed(conn)
            tenant = _create_tenant(conn, name, tax_id, size, rng)
            for day in days:
                items += _sales_of_day(conn, tenant, day, size, rng)
            _purchases_and_stock(conn, tenant, days, rng)
            # A random stream of its own: the data generated before orders existed stays the same.
            _replenishment_orders(conn, tenant, days, random.Random(size.seed * 1_000 + tenant.id))
        created += 1
        log.info("Tenant %s created (%d sale items so far)", name, items)
    return {"tenants": created, "sale_items": items}


def attach_members(conn: psycopg.Connection, members: Iterable[Member]) -> None:
    """Give users membership of tenants by CNPJ (idempotent)."""
    for member in members:
        for tax_id in member.tenant_cnpjs:
            conn.execute(
                "INSERT INTO integracao.usuario_tenant (username, tenant_id)"
                " SELECT %s, id FROM integracao.tenant WHERE cnpj = %s ON CONFLICT DO NOTHING",
                (member.username, tax_id),
            )


def seed_demo(conn: psycopg.Connection, size: Size, members: Iterable[Member]) -> dict[str, int]:
    result = generate(conn, size)
    with conn.transaction():
        attach_members(conn, members)
    return result


def main() -> None:
    from include.integracoes import db

    defaults = Size()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--tenants", type=int, default=defaults.tenants)
    parser.add_argument("--branches", type=int, default=defaults.branches_per_tenant)
    parser.add_argument("--products", type=int, default=defaults.products)
    parser.add_argument("--customers", type=int, default=defaults.customers)
    parser.add_argument("--days", type=int, default=defaults.days)
    parser.add_argument("--sales-per-day", type=int, default=defaults.sales_per_branch_day)
    parser.add_argument("--max-items", type=int, default=defaults.max_items_per_sale)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    size = Size(
        args.tenants,
        args.branches,
        args.products,
        args.customers,
        args.days,
        args.sales_per_day,
        args.max_items,
    )
    print(f"Generating ~{size.expected_sale_items:,} sale items…")
    started = time.perf_counter()
    with db.connect() as conn:
        result = generate(conn, size)
    elapsed = time.perf_counter() - started
    rate = result["sale_items"] / elapsed if elapsed else 0.0
    print(
        f"Created {result['tenants']} tenant(s), {result['sale_items']:,} sale items in {elapsed:.1f}s "
        f"({rate:,.0f} items/s) at {datetime.now(UTC):%Y-%m-%d %H:%M}Z"
    )


if __name__ == "__main__":
    main()
