"""The data path: one data set of one run scope, rendered by PostgreSQL and streamed into a byte sink.

    extraction SQL --COPY (format's projection) TO STDOUT--> libpq --psycopg2, C--> buffer --> sink

Python touches no row: psycopg2's `copy_expert` hands COPY's bytes to a C buffered writer, and the sink
only sees large blocks (to hash and store them). Measured here, psycopg2's copy path runs at psql's speed
and psycopg 3's `Copy` iterator at about 0.7x of it, hence psycopg2 for this one job.

Totals (row count, sums of the declared money/quantity columns) and the format's checks come from an
aggregate over the same query, run at the same time on a second connection that shares the export's
REPEATABLE READ snapshot (`pg_export_snapshot`): the file and its totals describe the same instant even
while the ERP keeps selling, and the aggregate overlaps the COPY instead of following it.
A row count that disagrees, or a row that breaks a check, fails the export permanently. The aggregate
reads the extraction unsorted (the data set's order is applied around the COPY's query only) and serially.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

import psycopg2
import psycopg2.extensions
from psycopg import sql

from include.connectors.base import DataSet, RunScope
from include.connectors.errors import DataCheckError, LayoutMismatchError
from include.connectors.formats.base import Column

BUFFER_BYTES = 1 << 20  # what the sink receives per write


class ByteSink(Protocol):
    def write(self, data: bytes, /) -> int: ...


@dataclass
class ExportResult:
    rows: int = 0
    totals: dict[str, str] = field(default_factory=dict)
    # The snapshot the rows were read in (text form): a row of the file's days committed after it came late.
    snapshot: str | None = None


class _PipelinedSink(io.RawIOBase):
    """What io.BufferedWriter flushes into: blocks go to the sink on a thread of their own.

    Hashing and storing a block (hashlib and file I/O release the GIL) then overlap with libpq receiving
    the next rows, instead of stalling the copy loop. At most QUEUE_BLOCKS blocks wait: memory stays flat.
    """

    QUEUE_BLOCKS = 4

    def __init__(self, sink: ByteSink) -> None:
        self._sink = sink
        self._blocks: queue.Queue[bytes | None] = queue.Queue(self.QUEUE_BLOCKS)
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._drain, name="integracoes-export-sink", daemon=True)
        self._worker.start()

    def _drain(self) -> None:
        while (block := self._blocks.get()) is not None:
            if self._error is None:
                try:
                    self._sink.write(block)
                except BaseException as error:  # re-raised in the exporting thread
                    self._error = error

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self._error is not None:
            raise self._error
        self._blocks.put(bytes(data))
        return len(data)

    def finish(self) -> None:
        """Wait until every block reached the sink (raising what the sink raised)."""
        self._blocks.put(None)
        self._worker.join()
        if self._error is not None:
            raise self._error


def connect(dsn: str) -> Any:
    """A read-only REPEATABLE READ psycopg2 connection (the export's snapshot)."""
    conn = psycopg2.connect(dsn, application_name="integracoes-export")
    conn.set_session(isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
    return conn


def describe(conn: Any, query: str, params: dict[str, Any]) -> list[Column]:
    """The columns the extraction returns (name and type), without running it."""
    with conn.cursor() as cur:
        cur.execute(f"SELECT * FROM ({query}) AS q LIMIT 0", params)  # noqa: S608 - query is a repository file
        described = [(d.name, d.type_code) for d in cur.description]
        cur.execute(
            "SELECT oid::int, typname::text FROM pg_type WHERE oid = ANY(%s::oid[])", ([t for _, t in described],)
        )
        names = dict(cur.fetchall())
        return [Column(name, names[oid]) for name, oid in described]


def export_dataset(dsn: str, dataset: DataSet, scope: RunScope, sink: ByteSink) -> ExportResult:
    """One partner data set for one run scope (what a run's file step calls)."""
    return export(
        dsn, query=dataset.sql(), params=scope.query_params(), expected_columns=dataset.columns,
        render=dataset.format.copy_statement, checks=dataset.format.checks, prefix=dataset.format.prefix(),
        suffix=dataset.format.suffix(), total_columns=dataset.totals, sink=sink, compress=dataset.gzip,
        order_by=dataset.order_by,
    )  # fmt: skip


def export(
    dsn: str,
    *,
    query: str,
    params: dict[str, Any],
    expected_columns: Sequence[str],
    render: Callable[[sql.Composable, Sequence[Column]], sql.Composed],
    checks: Callable[[Sequence[Column]], Sequence[tuple[str, sql.Composable]]],
    prefix: bytes,
    suffix: bytes,
    total_columns: Sequence[str],
    sink: ByteSink,
    compress: bool = False,
    order_by: Sequence[str] = (),
) -> ExportResult:
    """Stream one rendered data set into `sink`; raise DataCheckError/LayoutMismatchError on a mismatch."""
    conn = connect(dsn)
    try:
        columns = describe(conn, query, params)
        names = [column.name for column in columns]
        if names != list(expected_columns):
            raise LayoutMismatchError(
                f"a extração retornou as colunas {names}; o layout declara {list(expected_columns)}"
            )
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot(), pg_current_snapshot()::text")
            snapshot, visible = cur.fetchone()
            bound = cur.mogrify(query, params).decode()
        aggregate = _Aggregate(dsn, snapshot, bound, total_columns, checks(columns))
        aggregate.start()
        statement = file_statement(render, bound, columns, order_by)
        try:
            with conn.cursor() as cur:
                rows = _copy(cur, statement, prefix, suffix, sink, compress)
        except BaseException:
            aggregate.cancel()  # a failed file needs no totals: stop the query instead of waiting for it
            raise
        totals = aggregate.result()
        conn.rollback()
    finally:
        conn.close()
    if totals.rows != rows:
        raise DataCheckError(f"o arquivo tem {rows} linhas e a conferência {totals.rows}")
    return replace(totals, snapshot=visible)


def file_statement(
    render: Callable[[sql.Composable, Sequence[Column]], sql.Composed],
    bound_query: str,
    columns: Sequence[Column],
    order_by: Sequence[str],
) -> str:
    """The COPY of a file: the extraction (values already bound by psycopg2's mogrify) in its declared order
    (the sort wraps the query here, for the file only), rendered by the format."""
    query: sql.Composable = sql.SQL(bound_query)
    if order_by:
        keys = sql.SQL(", ").join(sql.SQL("s.{}").format(sql.Identifier(name)) for name in order_by)
        query = sql.SQL("SELECT * FROM ({}) AS s ORDER BY {}").format(query, keys)
    return render(query, columns).as_string(None)


def _copy(cur: Any, statement: str, prefix: bytes, suffix: bytes, sink: ByteSink, compress: bool) -> int:
    pipeline = _PipelinedSink(sink)
    try:
        buffered = io.BufferedWriter(pipeline, BUFFER_BYTES)
        # Deterministic gzip (no timestamp, no name): re-rendering the same data gives the same bytes.
        target: Any = gzip.GzipFile(fileobj=buffered, mode="wb", mtime=0, filename="") if compress else buffered
        target.write(prefix)
        cur.copy_expert(statement, target, size=BUFFER_BYTES)
        rows = int(cur.rowcount)
        target.write(suffix)
        if compress:
            target.close()
        buffered.flush()
    finally:
        pipeline.finish()  # also when the copy failed: the sink thread never outlives the export
    return rows


class _Aggregate(threading.Thread):
    """count(*), sums and format checks over the export's query, in the export's snapshot."""

    def __init__(
        self,
        dsn: str,
        snapshot: str,
        bound_query: str,
        total_columns: Sequence[str],
        checks: Sequence[tuple[str, sql.Composable]],
    ) -> None:
        super().__init__(name="integracoes-export-totals", daemon=True)
        self._dsn, self._snapshot, self._query = dsn, snapshot, bound_query
        self._total_columns, self._checks = list(total_columns), list(checks)
        self._outcome: ExportResult | BaseException | None = None
        self._conn: Any = None

    def statement(self) -> str:
        parts: list[sql.Composable] = [sql.SQL("count(*)")]
        parts += [sql.SQL("coalesce(sum(q.{}), 0)").format(sql.Identifier(name)) for name in self._total_columns]
        parts += [sql.SQL("coalesce(bool_and({}), true)").format(condition) for _, condition in self._checks]
        return (
            sql.SQL("SELECT {} FROM ({}) AS q").format(sql.SQL(", ").join(parts), sql.SQL(self._query)).as_string(None)
        )

    def run(self) -> None:
        try:
            conn = self._conn = connect(self._dsn)
            try:
                with conn.cursor() as cur:
                    cur.execute("SET TRANSACTION SNAPSHOT %s", (self._snapshot,))
                    # Serial: its parallel workers would compete for the cores the COPY is using.
                    cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                    cur.execute(self.statement())
                    row = cur.fetchone()
                conn.rollback()
            finally:
                conn.close()
            self._outcome = self._read(row)
        except BaseException as error:  # re-raised in the exporting thread
            self._outcome = error

    def _read(self, row: Sequence[Any]) -> ExportResult:
        sums = row[1 : 1 + len(self._total_columns)]
        passed = row[1 + len(self._total_columns) :]
        broken = [name for (name, _), ok in zip(self._checks, passed, strict=True) if not ok]
        if broken:
            raise LayoutMismatchError("dados fora do layout: " + "; ".join(broken))
        totals = {name: str(Decimal(value)) for name, value in zip(self._total_columns, sums, strict=True)}
        return ExportResult(int(row[0]), totals)

    def cancel(self) -> None:
        if self._conn is not None and not self._conn.closed:
            with contextlib.suppress(psycopg2.Error):  # it may finish between the check and the cancel
                self._conn.cancel()
        self.join()

    def result(self) -> ExportResult:
        self.join()
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        assert self._outcome is not None
        return self._outcome
