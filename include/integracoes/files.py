"""Generated files: stored with ObjectStoragePath (local folder by default, S3 by configuration),
recorded with size, sha256, rows and totals, listed per task (last 7) and downloaded by id."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import psycopg

from include import settings
from include.integracoes import integrations
from include.integracoes.errors import Gone, NotFound
from include.integracoes.principal import Principal

DEFAULT_RETENTION_DAYS = 90  # the period an expired file's message names when files are now kept forever (0)
LAST_FILES = 7


@dataclass(frozen=True)
class StoredFile:
    id: int
    task_id: int
    name: str
    uri: str
    size: int
    sha256: str
    rows: int
    totals: dict[str, Any]
    status: str
    failure_reason: str | None
    created_at: datetime
    dataset: str
    content_type: str
    direction: str = "enviado"  # or "recebido": a file a partner sent us
    partner_id: str | None = None
    expired_at: datetime | None = None  # its bytes were removed after the retention period

    @property
    def expired(self) -> bool:
        return self.expired_at is not None


def storage_root() -> Any:
    """INTEGRACOES_FILES_URL (e.g. s3://bucket/prefix), by default <data folder>/arquivos."""
    current = settings.current()
    url = current.files_url or "file://" + str((current.data or Path("data")).resolve() / "arquivos")
    return _path(url)


class HashingWriter:
    """A binary sink that hashes and counts what passes through it."""

    def __init__(self, sink: IO[bytes]) -> None:
        self._sink = sink
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self._sink.write(data)

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        self._sink.flush()


@contextmanager
def writer(tenant_id: int, integration_id: int, task_id: int, name: str) -> Iterator[tuple[HashingWriter, Any]]:
    """Stream straight into storage (no full copy in memory or on local disk); yields (writer, path)."""
    with _streamed(_integration_root(tenant_id, integration_id) / f"tarefa_{task_id}" / name) as written:
        yield written


@contextmanager
def receiving_writer(tenant_id: int, integration_id: int, name: str) -> Iterator[tuple[HashingWriter, Any]]:
    """Where a file a partner sends us lands before anyone knows whether it is new (no task yet): a unique
    name under the integration's `recebidos/`."""
    stamp = f"{datetime.now():%Y%m%d%H%M%S}_{uuid.uuid4().hex[:8]}"
    with _streamed(_integration_root(tenant_id, integration_id) / "recebidos" / f"{stamp}_{name}") as written:
        yield written


def _integration_root(tenant_id: int, integration_id: int) -> Any:
    return storage_root() / f"cliente_{tenant_id}" / f"integracao_{integration_id}"


@contextmanager
def _streamed(path: Any) -> Iterator[tuple[HashingWriter, Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("wb") as sink:
            hashing = HashingWriter(sink)
            yield hashing, path
    except BaseException:
        # A file refused halfway (data outside the layout, totals that disagree) is never kept: nothing
        # records it, and nothing half-right stays in storage to be found later.
        with suppress(OSError):
            path.unlink()
        raise


def record(
    conn: psycopg.Connection,
    task_id: int,
    *,
    name: str,
    uri: str,
    size: int,
    sha256: str,
    rows: int,
    totals: dict[str, Any],
    dataset: str,
    content_type: str,
    direction: str = "enviado",
    partner_id: str | None = None,
    snapshot: str | None = None,
) -> int:
    row = conn.execute(
        """INSERT INTO integracao.arquivo (tarefa_id, nome, uri, tamanho, sha256, linhas, totais, conjunto,
               tipo_conteudo, direcao, id_parceiro, snapshot)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id""",
        (task_id, name, uri, size, sha256, rows, json.dumps(totals), dataset, content_type, direction, partner_id,
         snapshot),
    ).fetchone()  # fmt: skip
    assert row is not None
    return int(row[0])


def rendered_before(conn: psycopg.Connection, task_id: int, name: str) -> int | None:
    """The file this task already rendered under `name` whose delivery did not fail — sent, or pending: a
    delivery cut short (a killed worker, a run ended from outside) may have reached the partner —, if its
    bytes are still in storage."""
    row = conn.execute(
        """SELECT id, uri FROM integracao.arquivo WHERE tarefa_id = %s AND nome = %s AND direcao = 'enviado'
             AND situacao IN ('pending', 'sent') AND expirado_em IS NULL ORDER BY id DESC LIMIT 1""",
        (task_id, name),
    ).fetchone()
    return int(row[0]) if row and _path(row[1]).exists() else None


def delivered_before(conn: psycopg.Connection, stored: StoredFile) -> bool:
    """Whether identical bytes for the same integration and period were already delivered (never resend)."""
    row = conn.execute(
        """SELECT 1 FROM integracao.arquivo a JOIN integracao.tarefa t ON t.id = a.tarefa_id
           JOIN integracao.tarefa mine ON mine.id = %(task)s
           WHERE t.integracao_id = mine.integracao_id AND t.data_inicial = mine.data_inicial
             AND t.data_final = mine.data_final AND a.sha256 = %(sha)s AND a.situacao = 'sent' AND a.id <> %(id)s
           LIMIT 1""",
        {"task": stored.task_id, "sha": stored.sha256, "id": stored.id},
    ).fetchone()
    return row is not None


def applied_file(
    conn: psycopg.Connection, integration_id: int, *, sha256: str = "", partner_id: str = ""
) -> int | None:
    """The received file already applied for this integration with these bytes or this partner id, if any."""
    row = conn.execute(
        """SELECT arquivo_id FROM integracao.arquivo_aplicado
           WHERE integracao_id = %s AND (sha256 = %s OR id_parceiro = %s) LIMIT 1""",
        (integration_id, sha256, partner_id),
    ).fetchone()
    return int(row[0]) if row else None


def mark_applied(conn: psycopg.Connection, integration_id: int, stored: StoredFile, rows: int) -> None:
    """Inside the transaction that applied it: from now on the file counts as applied (exactly once)."""
    conn.execute(
        """INSERT INTO integracao.arquivo_aplicado (integracao_id, sha256, id_parceiro, arquivo_id)
           VALUES (%s, %s, %s, %s)""",
        (integration_id, stored.sha256, stored.partner_id or stored.name, stored.id),
    )
    conn.execute("UPDATE integracao.arquivo SET situacao = 'completed', linhas = %s WHERE id = %s", (rows, stored.id))


def remove_object(uri: str) -> None:
    """Remove stored bytes nothing records (a received copy of a file applied before)."""
    with suppress(OSError):
        _path(uri).unlink()


def set_status(conn: psycopg.Connection, file_id: int, status: str, reason: str | None = None) -> None:
    conn.execute(
        "UPDATE integracao.arquivo SET situacao = %s, motivo_falha = %s WHERE id = %s", (status, reason, file_id)
    )


_SELECT = """SELECT a.id, a.tarefa_id, a.nome, a.uri, a.tamanho, a.sha256, a.linhas, a.totais, a.situacao,
                    a.motivo_falha, a.criado_em, a.conjunto, a.tipo_conteudo, a.direcao,
                    a.id_parceiro, a.expirado_em FROM integracao.arquivo a"""


def _file(row: Any) -> StoredFile:
    return StoredFile(*row)


def get(conn: psycopg.Connection, file_id: int) -> StoredFile:
    row = conn.execute(_SELECT + " WHERE a.id = %s", (file_id,)).fetchone()
    if row is None:
        raise NotFound("file.not_found")
    return _file(row)


def _integration_of_task(conn: psycopg.Connection, task_id: int) -> int:
    row = conn.execute("SELECT integracao_id FROM integracao.tarefa WHERE id = %s", (task_id,)).fetchone()
    if row is None:
        raise NotFound("task.not_found")
    return int(row[0])


def sent_file(conn: psycopg.Connection, task_id: int, name: str) -> StoredFile | None:
    """The latest file a task rendered to send under `name` (the service's view: no principal to check)."""
    row = conn.execute(
        _SELECT + " WHERE a.tarefa_id = %s AND a.nome = %s AND a.direcao = 'enviado' ORDER BY a.id DESC LIMIT 1",
        (task_id, name),
    ).fetchone()
    return _file(row) if row else None


def files_of_task(conn: psycopg.Connection, principal: Principal, task_id: int) -> list[StoredFile]:
    """The last 7 files generated for a task (across its reprocessings), newest first."""
    try:
        integrations.get(conn, principal, _integration_of_task(conn, task_id))
    except NotFound:
        raise NotFound("task.not_found") from None
    rows = conn.execute(
        _SELECT + " WHERE a.tarefa_id = %s ORDER BY a.criado_em DESC, a.id DESC LIMIT %s", (task_id, LAST_FILES)
    ).fetchall()
    return [_file(r) for r in rows]


def for_download(conn: psycopg.Connection, principal: Principal, file_id: int) -> StoredFile:
    """A file the caller may download (NotFound for another tenant's, Gone once expired)."""
    stored = get(conn, file_id)
    try:
        integrations.get(conn, principal, _integration_of_task(conn, stored.task_id))
    except NotFound:
        raise NotFound("file.not_found") from None
    if stored.expired:
        raise Gone("file.expired", days=retention_days() or DEFAULT_RETENTION_DAYS)
    return stored


def retention_days() -> int:
    """How long files are kept (days; 0 = forever): INTEGRACOES_FILE_RETENTION_DAYS."""
    return settings.current().file_retention_days


def expire_old(conn: psycopg.Connection, days: int, *, now: datetime | None = None, batch: int = 500) -> int:
    """Remove from storage the bytes of files older than `days` and mark their rows expired; returns how many.

    A batch per transaction, rows locked with SKIP LOCKED (two api-servers or reconcilers never fight over
    one file). The row is marked even when its bytes are already gone (removed by hand, a lost bucket): what
    matters is that nobody is offered a download that cannot work."""
    if days <= 0:
        return 0
    expired = 0
    while True:
        with conn.transaction():
            rows = conn.execute(
                """SELECT id, uri FROM integracao.arquivo
                    WHERE expirado_em IS NULL AND criado_em < coalesce(%(now)s, now()) - make_interval(days => %(days)s)
                    ORDER BY criado_em LIMIT %(batch)s FOR UPDATE SKIP LOCKED""",
                {"now": now, "days": days, "batch": batch},
            ).fetchall()
            for _, uri in rows:
                with suppress(FileNotFoundError):
                    _path(uri).unlink()
            if rows:
                conn.execute(
                    "UPDATE integracao.arquivo SET expirado_em = coalesce(%s, now()) WHERE id = ANY(%s)",
                    (now, [row[0] for row in rows]),
                )
        expired += len(rows)
        if len(rows) < batch:
            return expired


def _path(uri: str) -> Any:
    from include.airflow_adapter.runtime import object_storage_path

    return object_storage_path(uri, settings.current().files_conn_id)  # the Airflow connection of an S3 bucket


def open_stored(stored: StoredFile) -> Any:
    return _path(stored.uri).open("rb")
