"""Shared fixtures of the connector tests: a migrated database with a small, fixed ERP."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import psycopg
import pytest

from include.connectors import export
from include.connectors.base import TIMEZONE, RunScope
from include.connectors.formats import FileFormat
from include.integracoes import demo_data

# Fixed days, so every run of the suite renders the same bytes.
LAST_DAY = date(2026, 11, 20)
SIZE = demo_data.Size(tenants=1, branches_per_tenant=2, products=40, customers=20, days=3, sales_per_branch_day=6)


def sandbox_config(code: str) -> dict[str, str]:
    """The demo's configuration of a type (it points at the partner sandbox), over the catalog's defaults."""
    import os

    from include.connectors.catalog import CATALOG
    from scripts.demo_integrations import demo_registrations

    os.environ.setdefault("INTEGRACOES_SANDBOX_URL", "https://127.0.0.1:1")  # replaced by the sandbox fixture
    given = next(config for _, _, type_code, _, config in demo_registrations() if type_code == code)
    defaults = {key.key: key.default for key in CATALOG[code].keys if key.default is not None}
    return {**defaults, **given}


@dataclass(frozen=True)
class Erp:
    url: str
    tenant_id: int
    branches: tuple[int, ...]

    def scope(self, start: date | None = None, end: date | None = None, *, task_code: int = 7) -> RunScope:
        """The given days; by default every generated day and, for incremental data sets (whose rows are
        stamped when the demo data was written), cutoffs from the first day to tomorrow."""
        if start is not None and end is not None:
            return RunScope(1, self.tenant_id, self.branches, start, end, task_code)
        first = LAST_DAY - timedelta(days=SIZE.days - 1)
        cutoffs = (datetime.combine(first, time.min, tzinfo=TIMEZONE), datetime.now(TIMEZONE) + timedelta(days=1))
        return RunScope(1, self.tenant_id, self.branches, first, LAST_DAY, task_code, *cutoffs)


# Two rows a careless ERP user could type: every character that breaks a naive writer.
HOSTILE = """SELECT * FROM (VALUES
    (1, 'Dipirona; "500mg"' || chr(10) || 'linha 2', 12.50::numeric(12,2), 'a\\b <x> & ção'),
    (2, 'Água, '' tab' || chr(9) || 'fim', 0.05::numeric(12,2), NULL)
) AS t(id, descricao, valor, obs) WHERE %(tenant_id)s IS NOT NULL ORDER BY id"""
COLUMNS = ("id", "descricao", "valor", "obs")


def render_with(
    erp: Erp,
    fmt: FileFormat,
    *,
    query: str = HOSTILE,
    columns: Sequence[str] = COLUMNS,
    totals: Sequence[str] = ("valor",),
    compress: bool = False,
) -> tuple[bytes, export.ExportResult]:
    """Render `query` in `fmt` through the product's data path; (bytes, result)."""
    out = io.BytesIO()
    result = export.export(
        erp.url, query=query, params={"tenant_id": erp.tenant_id}, expected_columns=columns,
        render=fmt.copy_statement, checks=fmt.checks, prefix=fmt.prefix(), suffix=fmt.suffix(),
        total_columns=totals, sink=out, compress=compress,
    )  # fmt: skip
    return out.getvalue(), result


@pytest.fixture(scope="module")
def erp(pg_socket: Path, migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Erp]:
    """One migrated database with demo ERP data per test module (read-only for the tests)."""
    from psycopg import sql

    from scripts import embedded_db
    from tests.conftest import copy_of

    name = "conn_" + tmp_path_factory.mktemp("erp").name.replace("-", "_").lower()[:40]
    admin = embedded_db.libpq_url(pg_socket, "postgres")
    url = copy_of(pg_socket, migrated_template, name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.autocommit = False
        demo_data.generate(conn, SIZE, end=LAST_DAY)
        conn.commit()
        tenant = conn.execute("SELECT min(id) FROM integracao.tenant").fetchone()
        assert tenant
        branches = tuple(
            r[0] for r in conn.execute("SELECT id FROM erp.filial WHERE tenant_id = %s ORDER BY id", tenant)
        )
    yield Erp(url, int(tenant[0]), branches)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
