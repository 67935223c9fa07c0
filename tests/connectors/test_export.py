"""The data path on a real PostgreSQL: declared columns, totals in the same snapshot, gzip, and a sink
that fails. (Each format's own rendering is tested in tests/connectors/formats/.)"""

from __future__ import annotations

import gzip

import pytest

from include.connectors import export
from include.connectors.errors import DataCheckError, LayoutMismatchError
from include.connectors.formats import Csv
from tests.connectors.conftest import Erp, render_with


def test_columns_other_than_the_declared_ones_are_a_layout_mismatch(erp: Erp) -> None:
    with pytest.raises(LayoutMismatchError, match="colunas"):
        render_with(erp, Csv(), columns=("id", "descricao", "valor"))


def test_a_row_count_that_disagrees_with_the_totals_fails_the_file(erp: Erp) -> None:
    # The aggregate and the COPY run on two connections: a row count that depends on the backend differs
    # between them (consecutive backends have nearby pids), and the export refuses the file. (random() made
    # the counts coincide about once in 60 runs.)
    query = "SELECT g AS id FROM generate_series(1, 1 + pg_backend_pid() %% 5000) g WHERE %(tenant_id)s IS NOT NULL"
    with pytest.raises(DataCheckError, match="linhas"):
        render_with(erp, Csv(), query=query, columns=("id",), totals=())


def test_gzip_is_deterministic(erp: Erp) -> None:
    first, _ = render_with(erp, Csv(delimiter=","), compress=True)
    second, _ = render_with(erp, Csv(delimiter=","), compress=True)
    assert first == second
    assert gzip.decompress(first).startswith(b"id,descricao,valor,obs\n")


def test_a_sink_that_fails_fails_the_export_and_leaves_no_thread(erp: Erp) -> None:
    import threading

    class FullDisk:
        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    before = threading.active_count()
    query = "SELECT g AS id, repeat('x', 500) AS texto FROM generate_series(1, 20000) g WHERE %(tenant_id)s IS NOT NULL"
    with pytest.raises(OSError, match="No space"):
        export.export(
            erp.url, query=query, params={"tenant_id": erp.tenant_id}, expected_columns=("id", "texto"),
            render=Csv().copy_statement, checks=Csv().checks, prefix=b"", suffix=b"", total_columns=(),
            sink=FullDisk(),
        )  # fmt: skip
    assert threading.active_count() == before
