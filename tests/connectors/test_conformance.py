"""The conformance suite: every registered connector is checked by being registered (no test file per
partner). Data side here; the transport side against the partner sandbox in test_conformance_sandbox."""

from __future__ import annotations

import gzip
import hashlib
import io

import pytest

from include.connectors import export
from include.connectors.base import Connector, DataSet
from include.connectors.catalog import CATALOG
from include.connectors.registry import CONNECTORS
from include.connectors.types import Direction
from tests.connectors.conftest import Erp, sandbox_config

CONNECTOR_CODES = sorted(CONNECTORS)
DATASETS = [(code, dataset.name) for code in CONNECTOR_CODES for dataset in CONNECTORS[code].datasets]


def _dataset(code: str, name: str) -> DataSet:
    return CONNECTORS[code]().dataset(name)


def render(erp: Erp, code: str, dataset: DataSet, **scope: object) -> tuple[bytes, export.ExportResult]:
    out = io.BytesIO()
    file_scope = dataset.scopes(erp.scope(**scope), sandbox_config(code))[0]  # type: ignore[arg-type]
    result = export.export_dataset(erp.url, dataset, file_scope, out)
    return out.getvalue(), result


@pytest.mark.parametrize("code", CONNECTOR_CODES)
def test_catalog_entry_and_connector_are_bound(code: str) -> None:
    connector: Connector = CONNECTORS[code]()
    assert connector.spec is CATALOG[code]
    declared = {key.key for key in connector.spec.keys}
    assert connector.keys() <= declared, "the transport or inbox reads keys the catalog does not declare"
    sends, receives = connector.spec.direction is not Direction.IN, connector.spec.direction is not Direction.OUT
    assert bool(connector.datasets) == sends
    assert (connector.transport is not None) == sends
    assert (connector.inbox is not None) == receives
    assert (connector.inbound is not None) == receives
    assert len({d.name for d in connector.datasets}) == len(connector.datasets)
    assert connector.spec.domains, "every partner declares its hosts (allow-list)"
    for dataset in connector.datasets:
        assert dataset.sql().strip(), dataset.sql_file
        assert set(dataset.totals) <= set(dataset.columns)
        assert dataset.order_by, "a file's row order is declared (byte-identical re-renders)"
        assert set(dataset.order_by) <= set(dataset.columns)
        last_clause = [line for line in dataset.sql().splitlines() if line.strip()][-1]
        assert not last_clause.lstrip().upper().startswith("ORDER BY"), "the order is the data set's, not the SQL's"


@pytest.mark.parametrize(("code", "name"), DATASETS)
def test_sql_returns_exactly_the_declared_columns(erp: Erp, code: str, name: str) -> None:
    dataset = _dataset(code, name)
    conn = export.connect(erp.url)
    try:
        scope = dataset.scopes(erp.scope(), sandbox_config(code))[0]
        columns = export.describe(conn, dataset.sql(), scope.query_params())
    finally:
        conn.close()
    assert tuple(c.name for c in columns) == dataset.columns
    money = [c for c in columns if c.name in dataset.totals]
    assert all(c.type_name == "numeric" for c in money), "totals are exact numerics, never floats"


@pytest.mark.parametrize(("code", "name"), DATASETS)
def test_the_declared_order_is_a_unique_key_or_ties_are_identical_lines(erp: Erp, code: str, name: str) -> None:
    dataset = _dataset(code, name)
    scope = dataset.scopes(erp.scope(), sandbox_config(code))[0]
    keys = ", ".join(f'q."{c}"' for c in dataset.order_by)
    every = ", ".join(f'q."{c}"' for c in dataset.columns)
    conn = export.connect(erp.url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                f"SELECT count(DISTINCT ({keys})) = count(DISTINCT ({every})) FROM ({dataset.sql()}) AS q",  # noqa: S608
                scope.query_params(),
            )
            assert cur.fetchone()[0], "rows that tie on the order differ: their order (and the bytes) could change"
    finally:
        conn.close()


@pytest.mark.parametrize(("code", "name"), DATASETS)
def test_render_is_deterministic_and_totals_reconcile(erp: Erp, code: str, name: str) -> None:
    dataset = _dataset(code, name)
    first, result = render(erp, code, dataset)
    second, again = render(erp, code, dataset)
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest(), "re-rendering must be byte-identical"
    assert result == again
    assert result.rows > 0, "the demo ERP has data for every partner on the test day"
    body = gzip.decompress(first) if dataset.gzip else first
    text = body.decode("latin-1" if dataset.format.encoding == "LATIN1" else "utf-8")
    lines = [line for line in text.split("\n") if line]
    envelope = len(lines) - result.rows
    assert 0 <= envelope <= 3, "one line per row, plus at most a header and an envelope"


@pytest.mark.parametrize(("code", "name"), DATASETS)
def test_an_empty_period_renders_a_valid_empty_file(erp: Erp, code: str, name: str) -> None:
    from datetime import date

    dataset = _dataset(code, name)
    body, result = render(erp, code, dataset, start=date(2001, 1, 1), end=date(2001, 1, 1))
    if dataset.snapshot:  # a state, not movements: the period does not change it
        assert result == render(erp, code, dataset)[1]
        return
    assert result.rows == 0
    assert all(value in ("0", "0.000", "0.00") or float(value) == 0 for value in result.totals.values())
    assert body is not None
