"""A partner's files for an integration and a period, rendered exactly as a run would render them (the same
scope, SQL, layout and checks) but delivered nowhere and stored nowhere: their rows, totals and first lines, and
what differs from the file last delivered for the same period.

For the data team, before a change to a partner's SQL or layout ships:

    python -m include.integracoes.preview <integration id> --from 2026-12-01 --to 2026-12-01 [--diff]

and for the support agents' "Pré-visualizar" of a manual run, which shows the same rows and totals.
The rendered bytes go to a spooled temporary file (memory up to a few MB, then disk): a preview of a month
of a large chain costs what its run would, never its size in memory.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import hashlib
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import islice
from typing import IO, Any

import psycopg

from include.connectors import export
from include.connectors.base import DataSet, RunScope
from include.connectors.errors import ConnectorError
from include.connectors.registry import connector_for
from include.integracoes import db, failures, files, integrations, run_scope
from include.integracoes.errors import NotFound
from include.integracoes.manual_runs import RunPlan
from include.integracoes.messages import DEFAULT_LANGUAGE
from include.integracoes.principal import Principal
from include.integracoes.tasks import Status

HEAD_LINES = 10
DIFF_LINES = 200  # at most, shown; the counts of added and removed lines are always whole
DIFF_MAX_BYTES = 32 * 1024 * 1024  # per side, uncompressed: beyond it the hashes and totals say enough
_SPOOL_BYTES = 4 * 1024 * 1024
# PostgreSQL's names of the encodings the formats declare, as Python knows them.
_ENCODINGS = {"UTF8": "utf-8", "LATIN1": "latin-1", "WIN1252": "cp1252", "SQL_ASCII": "ascii"}
SYSTEM = Principal("preview", (), True, ())  # the command line: the data team sees every tenant's integration


@dataclass(frozen=True)
class Delivered:
    """The file of the same period and data set that a completed task sent last."""

    task_code: int
    name: str
    rows: int
    totals: dict[str, Any]
    sha256: str
    created_at: datetime


@dataclass(frozen=True)
class FilePreview:
    dataset: str
    name: str
    rows: int
    totals: dict[str, str]
    size: int
    sha256: str
    head: tuple[str, ...]
    delivered: Delivered | None = None
    added: int = 0
    removed: int = 0
    diff: tuple[str, ...] | None = None  # asked for and possible: a unified diff, at most DIFF_LINES lines

    @property
    def same_as_delivered(self) -> bool | None:
        return None if self.delivered is None else self.delivered.sha256 == self.sha256


class PreviewFailed(Exception):
    """A file of the period the run itself could not render (data outside the layout, a broken check)."""

    def __init__(self, error: ConnectorError) -> None:
        super().__init__(str(error))
        self.error = error

    def reason(self, language: str = DEFAULT_LANGUAGE) -> str:
        """What a task that met the same error would say (its "Motivo falha")."""
        failure, params = failures.classify(self.error)
        return failure.reason(language, **params)


class _Capture:
    """The export's sink: hashes and counts the bytes and keeps them in a spooled temporary file."""

    def __init__(self) -> None:
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 - closed by render

    def write(self, data: bytes, /) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.spool.write(data)


def render(
    conn: psycopg.Connection,
    principal: Principal,
    integration_id: int,
    start: date,
    end: date,
    *,
    diff: bool = False,
    head_lines: int = HEAD_LINES,
) -> list[FilePreview]:
    """Every file a run of the integration would send for the movement days `start`..`end`, in the order the run
    renders them. Another tenant's integration is not found (NotFound), as everywhere; a file the run could not
    render either raises PreviewFailed with the task's reason."""
    integration = integrations.get(conn, principal, integration_id)
    subject = run_scope.load(conn, integration.id)
    connector = connector_for(subject.type_code)
    config = integrations.decrypted_config(conn, integration.id)
    delivered_task = _last_delivered_task(conn, integration.id, start, end)
    # Rendered as that task's: a layout may carry the task's code (a header, a name), and the comparison is of
    # the very file it would be sent as again. Nothing delivered yet: code 0.
    scope = run_scope.scope(integration.id, subject, start, end, delivered_task[1] if delivered_task else 0)
    try:
        return [
            _render_one(conn, dataset, file_scope, delivered_task, diff=diff, head_lines=head_lines)
            for dataset in connector.datasets
            for file_scope in dataset.scopes(scope, config)
        ]
    except ConnectorError as error:
        raise PreviewFailed(error) from error


def _render_one(
    conn: psycopg.Connection,
    dataset: DataSet,
    scope: RunScope,
    delivered_task: tuple[int, int] | None,
    *,
    diff: bool,
    head_lines: int,
) -> FilePreview:
    capture = _Capture()
    with capture.spool:
        result = export.export_dataset(db.database_url(), dataset, scope, capture)
        encoding = _ENCODINGS.get(dataset.format.encoding.upper(), "utf-8")
        capture.spool.seek(0)
        head = tuple(islice(_lines(capture.spool, dataset.gzip, encoding), head_lines))
        preview = FilePreview(
            dataset=dataset.name, name=dataset.name_for(scope), rows=result.rows, totals=result.totals,
            size=capture.size, sha256=capture.sha256.hexdigest(), head=head,
        )  # fmt: skip
        if delivered_task is None:
            return preview
        task_id, code = delivered_task
        stored = files.sent_file(conn, task_id, preview.name)
        if stored is None:
            return preview
        preview = replace(preview, delivered=Delivered(code, stored.name, stored.rows, stored.totals, stored.sha256,
                                                      stored.created_at))  # fmt: skip
        if not diff or preview.same_as_delivered or stored.expired:
            return preview
        capture.spool.seek(0)
        with files.open_stored(stored) as before:
            return _with_diff(preview, before, capture.spool, dataset.gzip, encoding)


def _lines(raw: IO[bytes], compressed: bool, encoding: str) -> Iterator[str]:
    source: Any = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw
    for line in source:
        yield line.decode(encoding, errors="replace").rstrip("\r\n")


def _with_diff(
    preview: FilePreview, before: IO[bytes], after: IO[bytes], compressed: bool, encoding: str
) -> FilePreview:
    old = _bounded(_lines(before, compressed, encoding))
    new = _bounded(_lines(after, compressed, encoding))
    if old is None or new is None:
        return preview  # too large to diff line by line: the hashes, rows and totals are the comparison
    delivered = preview.delivered
    assert delivered is not None
    lines = list(difflib.unified_diff(old, new, f"entregue (tarefa {delivered.task_code})", "prévia", lineterm="", n=1))
    body = [line for line in lines[2:] if not line.startswith("@@")]
    added = sum(1 for line in body if line.startswith("+"))
    removed = sum(1 for line in body if line.startswith("-"))
    return replace(preview, added=added, removed=removed, diff=tuple(lines[:DIFF_LINES]))


def _bounded(lines: Iterator[str]) -> list[str] | None:
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line) + 1
        if size > DIFF_MAX_BYTES:
            return None
        kept.append(line)
    return kept


def _last_delivered_task(
    conn: psycopg.Connection, integration_id: int, start: date, end: date
) -> tuple[int, int] | None:
    row = conn.execute(
        """SELECT id, codigo FROM integracao.tarefa
           WHERE integracao_id = %s AND data_inicial = %s AND data_final = %s AND situacao = ANY(%s)
           ORDER BY id DESC LIMIT 1""",
        (integration_id, start, end, [Status.COMPLETED.value, Status.SENT.value]),
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else None


def of_request(
    conn: psycopg.Connection, principal: Principal, planned: RunPlan, language: str = DEFAULT_LANGUAGE
) -> tuple[list[FilePreview], str | None]:
    """What the agents' dry run of a manual request shows of its files: for a request of one period, the files
    it would send (rendered now) and, if the run could not render them either, the task's reason; a request
    split in parts shows none (each part would render a month of a chain)."""
    if len(planned.chunks) != 1:
        return [], None
    (period,) = planned.chunks
    try:
        return render(conn, principal, planned.integration.id, period.start, period.end), None
    except PreviewFailed as failed:
        return [], failed.reason(language)


# --- the command line ------------------------------------------------------------------------------------------


def report(previews: Sequence[FilePreview]) -> Iterator[str]:
    """The preview as text, one block per file."""
    if not previews:
        yield "No file: this partner sends nothing for the period."
    for preview in previews:
        yield f"{preview.dataset}: {preview.name}"
        yield f"  rows: {preview.rows}    size: {preview.size} bytes    sha256: {preview.sha256[:16]}…"
        if preview.totals:
            yield "  totals: " + ", ".join(f"{name}={value}" for name, value in preview.totals.items())
        yield f"  first {len(preview.head)} line(s):"
        yield from (f"    {line}" for line in preview.head)
        delivered = preview.delivered
        if delivered is None:
            yield "  last delivered: none for this period"
        elif preview.same_as_delivered:
            yield f"  last delivered: task {delivered.task_code}, {delivered.rows} rows: identical"
        else:
            yield f"  last delivered: task {delivered.task_code}, {delivered.rows} rows: differs"
            if preview.diff is not None:
                yield f"  lines: +{preview.added} -{preview.removed}"
                yield from (f"    {line}" for line in preview.diff)
        yield ""


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m include.integracoes.preview",
        description="Render an integration's files for a period as a run would, without delivering or storing them.",
    )
    parser.add_argument("integration", type=int, help="the integration's code (id)")
    parser.add_argument("--from", dest="start", type=_day, required=True, help="first movement day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", type=_day, required=True, help="last movement day, YYYY-MM-DD")
    parser.add_argument("--diff", action="store_true", help="diff against the file last delivered for the period")
    parser.add_argument("--lines", type=int, default=HEAD_LINES, help=f"first lines shown (default {HEAD_LINES})")
    args = parser.parse_args(argv)
    if args.end < args.start:
        parser.error("--to is before --from")
    with db.connect(autocommit=True) as conn:
        try:
            previews = render(conn, SYSTEM, args.integration, args.start, args.end, diff=args.diff,
                              head_lines=max(0, args.lines))  # fmt: skip
        except NotFound:
            print(f"integration {args.integration} not found", file=sys.stderr)
            return 2
        except PreviewFailed as failed:
            print(f"the run could not render this period either: {failed.reason()}", file=sys.stderr)
            return 1
    for line in report(previews):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
