"""Benchmark: the cost of commit-ordered incremental windows (include/sql/migrations/0016_commit_order.sql).

Starts a scratch embedded PostgreSQL with the migrations applied, and measures, side by side in one run:

1. ERP write throughput, change capture on vs off: sales written the way a point of sale writes them (one
   transaction per sale: the sale, its items, its card payment), by the ERP simulator's own code, into two
   copies of one database: as migrated (the `transacao` column, its default, trigger and index) and with
   the column dropped (which drops its index). Rounds alternate between the two, so drift hits both alike.
2. Extraction of one incremental window with N pending sales (default 1M) behind as many older ones: the
   product's export of Dito's purchase events over the window (snapshots) vs the same export of the same
   statement selecting the same rows by primary-key range instead (a plain COPY of them): same bytes.

    .venv/bin/python -m tests.bench.bench_change_capture [--sales 3000] [--rounds 9] [--pending 1000000]
                                                         [--only writes|window]
"""

# Targets:
#   write throughput with change capture >= 0.95x without
#   window extraction at 1M pending rows <= 1.5x a plain COPY of the same rows (the same row count)

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg

from scripts import embedded_db

TARGET_WRITES = 0.95
TARGET_EXTRACTION = 1.5


def _database(socket: Path, name: str, template: str | None = None) -> str:
    with psycopg.connect(embedded_db.libpq_url(socket, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return embedded_db.libpq_url(socket, name)


def _small_erp(url: str, *, branches: int = 10) -> None:
    from include.integracoes import demo_data, migrations

    with psycopg.connect(url, autocommit=True) as conn:
        migrations.migrate(conn)
    with psycopg.connect(url) as conn:
        demo_data.generate(conn, demo_data.Size(tenants=1, branches_per_tenant=branches, days=2))


# --- 1. writes -------------------------------------------------------------------------------------


def _write_round(url: str, sales: int, seed: int) -> float:
    """Sales per second written one transaction each by the simulator, in a process of its own."""
    code = (
        "import sys, time, psycopg\n"
        "from include.integracoes.erp_simulator import Settings, Simulator\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as conn:\n"
        "    sim = Simulator(conn, Settings(offline_share=0, seed=int(sys.argv[3])))\n"
        "    tenant = sim.tenants[0]\n"
        "    started = time.perf_counter()\n"
        "    for _ in range(int(sys.argv[2])):\n"
        "        sim._sale(tenant)\n"
        "    print(int(sys.argv[2]) / (time.perf_counter() - started))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, url, str(sales), str(seed)], check=True, capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parents[2])  # fmt: skip
    return float(out.stdout.strip())


def bench_writes(socket: Path, sales: int, rounds: int) -> float:
    template = _database(socket, "bench_cc_template")
    _small_erp(template)
    on = _database(socket, "bench_cc_on", "bench_cc_template")
    off = _database(socket, "bench_cc_off", "bench_cc_template")
    with psycopg.connect(off, autocommit=True) as conn:
        conn.execute("ALTER TABLE erp.venda DROP COLUMN transacao")  # its index goes with it
        conn.execute("DROP TRIGGER venda_transacao ON erp.venda")
    rates: dict[str, list[float]] = {"on": [], "off": []}
    for n in range(rounds):
        order = [("off", off), ("on", on)] if n % 2 else [("on", on), ("off", off)]
        for label, url in order:
            rates[label].append(_write_round(url, sales, seed=1000 + n))
    median_on, median_off = statistics.median(rates["on"]), statistics.median(rates["off"])
    ratio = median_on / median_off
    listed = {label: ", ".join(f"{r:.0f}" for r in values) for label, values in rates.items()}
    print(f"{'writes, capture off':<30} {median_off:9.0f} sales/s  (rounds: {listed['off']})")
    print(f"{'writes, capture on':<30} {median_on:9.0f} sales/s  (rounds: {listed['on']})")
    verdict = "OK" if ratio >= TARGET_WRITES else "MISS"
    print(f"{'ratio on/off':<30} {ratio:9.3f}x   target >= {TARGET_WRITES}x {verdict}")
    return ratio


# --- 2. extraction -----------------------------------------------------------------------------------


def bench_extraction(socket: Path, pending: int) -> float:
    from include.connectors import export
    from include.connectors.base import TIMEZONE, RunScope
    from include.connectors.dito import Dito
    from include.integracoes import demo_data

    url = _database(socket, "bench_cc_window")
    from include.integracoes import migrations

    with psycopg.connect(url, autocommit=True) as conn:
        migrations.migrate(conn)
    branches, per_day = 50, 400
    days = max(1, round(pending / (branches * per_day)))
    size = demo_data.Size(tenants=1, branches_per_tenant=branches, sales_per_branch_day=per_day, days=days)
    today = date.today()
    print(f"Writing {branches * per_day * days:,} older sales, then {branches * per_day * days:,} pending ones…")
    with psycopg.connect(url) as conn:
        rng = random.Random(7)
        with conn.transaction():
            tenant = demo_data._create_tenant(conn, "Rede Bench", demo_data.cnpj(12345678), size, rng)
            for n in range(days):
                demo_data._sales_of_day(conn, tenant, today - timedelta(days=2 * days - n), size, rng)
        (before_id,) = conn.execute("SELECT max(id) FROM erp.venda").fetchone()  # type: ignore[misc]
        (snapshot_start,) = conn.execute("SELECT pg_current_snapshot()::text").fetchone()  # type: ignore[misc]
        conn.commit()
        with conn.transaction():
            for n in range(days):
                demo_data._sales_of_day(conn, tenant, today - timedelta(days=days - n), size, rng)
        (snapshot_end,) = conn.execute("SELECT pg_current_snapshot()::text").fetchone()  # type: ignore[misc]
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    branch_ids = tuple(b for b, _ in tenant.branches)
    dataset = Dito.datasets[0]
    # The integration's first day is before all of it: the window alone chooses the rows.
    since = datetime.combine(today - timedelta(days=3 * days), datetime.min.time(), tzinfo=TIMEZONE)
    scope = RunScope(0, tenant.id, branch_ids, today, today, 1, snapshot_start=snapshot_start,
                     snapshot_end=snapshot_end, since=since)  # fmt: skip
    window = Path(tempfile.mkdtemp()) / "window.jsonl"
    started = time.perf_counter()
    with window.open("wb") as sink:
        result = export.export_dataset(url, dataset, scope, sink)
    product_s = time.perf_counter() - started

    # The same statement through the same export, the same rows chosen by primary key instead of by window.
    plain_sql = dataset.sql().replace(
        "FROM erp.vendas_da_janela(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s,\n"
        "                          %(snapshot_start)s::pg_snapshot, %(snapshot_end)s::pg_snapshot) v",
        "FROM (SELECT * FROM erp.venda WHERE tenant_id = %(tenant_id)s AND id > %(after_id)s AND NOT cancelada) v",
    )
    assert plain_sql != dataset.sql()
    plain = Path(window.parent) / "plain.jsonl"
    started = time.perf_counter()
    with plain.open("wb") as sink:
        copied = export.export(
            url, query=plain_sql, params={**scope.query_params(), "after_id": before_id},
            expected_columns=dataset.columns, render=dataset.format.copy_statement, checks=dataset.format.checks,
            prefix=dataset.format.prefix(), suffix=dataset.format.suffix(), total_columns=dataset.totals,
            sink=sink, order_by=dataset.order_by,
        )  # fmt: skip
    plain_s = time.perf_counter() - started
    same = _sha256(window) == _sha256(plain)
    ratio = product_s / plain_s
    size = window.stat().st_size / 2**20
    print(f"{'window export (snapshots)':<30} {product_s:8.2f} s  {result.rows:,} rows  {size:.0f} MiB")
    print(f"{'plain COPY, rows by id':<30} {plain_s:8.2f} s  {copied.rows:,} rows  same bytes: {same}")
    verdict = "OK" if ratio <= TARGET_EXTRACTION and same else "MISS"
    print(f"{'ratio window/plain':<30} {ratio:8.2f}x  target <= {TARGET_EXTRACTION}x {verdict}")
    return ratio


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--sales", type=int, default=3000, help="sales per write round")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--pending", type=int, default=1_000_000, help="sales pending in the window")
    parser.add_argument("--only", choices=("writes", "window"), help="run one of the two measurements")
    args = parser.parse_args()
    pgdata = Path(tempfile.mkdtemp(prefix="bench-cc-")) / "pg"
    socket = embedded_db.start(pgdata)
    os.environ.setdefault("INTEGRACOES_DATABASE_URL", embedded_db.libpq_url(socket, "postgres"))
    try:
        if args.only != "window":
            bench_writes(socket, args.sales, args.rounds)
        if args.only != "writes":
            bench_extraction(socket, args.pending)
    finally:
        embedded_db.stop(pgdata)


if __name__ == "__main__":
    main()
