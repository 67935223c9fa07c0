"""The receive side of a run: fetch what the partner offers, keep the raw file, apply it, then tell the partner.

For each file the partner offers (oldest first):
1. its bytes are streamed into storage exactly as received (under a size limit); a file already applied
   (same partner id, or same bytes) is only acknowledged again — the crash window between our commit and
   the partner's acknowledgement re-applies nothing, and a query answering what it answered before opens no
   task —; a new one is listed under the task's files as received; bytes that disagree with the size or
   digest the partner declared are a truncated transfer;
3. it is read, checked and applied in ONE transaction, which also records it as applied;
4. only after the commit is the partner told (acknowledged), so a refused or crashed file is offered again.
A refused file stops the run's receiving (later files wait: a partner's files are applied in order), keeps
its raw bytes for support, and fails the task with the reason in the client's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import psycopg

from include import settings
from include.connectors.base import Connector, ReceivedFile
from include.connectors.errors import ReceivedFileRefusedError
from include.connectors.inbound import Inbound, Target, inbound_for
from include.integracoes import files, logs
from include.integracoes.messages import format_size

# Files taken per run; the rest wait for the next wake-up (a run stays bounded in time).
MAX_FILES_PER_RUN = 50
_CHUNK = 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Receiver:
    """One integration's receiving in one run."""

    conn: psycopg.Connection
    connector: Connector
    integration_id: int
    tenant_id: int
    branch_ids: tuple[int, ...]
    config: Mapping[str, str]
    # The task the received files are listed under (opened on first use: a run with nothing offered opens none).
    task_for: Callable[[], int]
    # Called after each file's commit (e.g. the summary e-mail of a reconciliation); never inside it.
    after_applied: Callable[[Inbound, Target], None] | None = None

    def receive_all(self) -> int:
        """Apply every file offered; the number applied. Raises ReceivedFileRefusedError for a refused one."""
        inbox = self.connector.inbox
        assert inbox is not None
        applied = 0
        for offered in self.connector.receive(self.config, MAX_FILES_PER_RUN):
            known = offered.partner_id and files.applied_file(
                self.conn, self.integration_id, partner_id=offered.partner_id
            )
            if not known:
                stored = self._store(offered)
                if stored is not None:
                    self._apply(stored, offered.kind)
                    applied += 1
            else:
                self._log(None, "log.received_already_applied", name=offered.name)
            if inbox.acknowledges:
                self.connector.acknowledge(offered, self.config)
                self._log(None, "log.received_acknowledged", name=offered.name)
        return applied

    def _store(self, offered: ReceivedFile) -> files.StoredFile | None:
        """The raw bytes into storage, exactly as received, then recorded as a received file of the task —
        or None when the same bytes were applied before (nothing recorded, no task opened)."""
        name = safe_name(offered.name, offered.partner_id)
        inbound = inbound_for(self.connector, offered.kind)
        # Inbound files larger than this are refused unread.
        max_bytes = settings.current().inbound_max_bytes
        limit = f"o limite para arquivos recebidos é {format_size(max_bytes)}"
        if offered.size is not None and offered.size > max_bytes:
            raise self._refused(self.task_for(), name, f"o arquivo tem {format_size(offered.size)}; {limit}")
        with files.receiving_writer(self.tenant_id, self.integration_id, name) as (sink, path):
            for chunk in iter(lambda: offered.body.read(_CHUNK), b""):
                if sink.size + len(chunk) > max_bytes:
                    raise self._refused(self.task_for(), name, f"o arquivo passa de {format_size(max_bytes)}; {limit}")
                sink.write(chunk)
        digest = sink.sha256.hexdigest()
        if files.applied_file(self.conn, self.integration_id, sha256=digest) is not None:
            files.remove_object(str(path))
            if self.connector.inbox is not None and self.connector.inbox.acknowledges:  # an answer asked again: quiet
                self._log(None, "log.received_already_applied", name=name)
            return None
        task_id = self.task_for()
        file_id = files.record(
            self.conn, task_id, name=name, uri=str(path), size=sink.size, sha256=digest, rows=0, totals={},
            dataset=offered.kind or "recebido", content_type=inbound.reader.content_type, direction="recebido",
            partner_id=offered.partner_id or None,
        )  # fmt: skip
        stored = files.get(self.conn, file_id)
        self._log(task_id, "log.received", name=name, size=format_size(sink.size))
        truncated = (offered.size is not None and offered.size != sink.size) or (
            offered.sha256 is not None and offered.sha256 != digest
        )
        if truncated:
            expected = f"{offered.size} bytes" if offered.size is not None else "outro conteúdo"
            self._refuse(stored, f"arquivo incompleto ou corrompido na transferência (recebidos {sink.size} bytes;"
                                 f" o parceiro anunciou {expected})")  # fmt: skip
        return stored

    def _apply(self, stored: files.StoredFile, kind: str) -> None:
        inbound = inbound_for(self.connector, kind)
        target = Target(self.tenant_id, self.integration_id, self.branch_ids, stored.id)
        try:
            with self.conn.transaction(), files.open_stored(stored) as body:
                result = inbound.apply(self.conn, body, target)
                files.mark_applied(self.conn, self.integration_id, stored, result.records)
        except ReceivedFileRefusedError as error:
            self._refuse(stored, error.detail)
            raise  # not reached: _refuse raises
        self._log(stored.task_id, "log.received_applied", name=stored.name, records=result.records,
                  what=inbound.label, changes=result.changes)  # fmt: skip
        if self.after_applied is not None:
            self.after_applied(inbound, target)

    def _refuse(self, stored: files.StoredFile, detail: str) -> None:
        """The file stays (failed, with its reason) for support; nothing of it was applied."""
        error = self._refused(stored.task_id, stored.name, detail)
        files.set_status(self.conn, stored.id, "failed", detail)
        raise error

    def _refused(self, task_id: int, name: str, detail: str) -> ReceivedFileRefusedError:
        self._log(task_id, "log.received_refused", level="ERROR", name=name, detail=detail)
        return ReceivedFileRefusedError(detail, file_name=name)

    def _log(self, task_id: int | None, key: str, *, level: str = "INFO", **params: object) -> None:
        logs.write(self.conn, self.integration_id, key, task_id=task_id, level=level, **params)


def safe_name(name: str, partner_id: str) -> str:
    """A storage name from the partner's: its own characters only (never a path), bounded."""
    cleaned = _UNSAFE.sub("_", name.rsplit("/", 1)[-1]).lstrip("._")[:120]
    return cleaned or _UNSAFE.sub("_", partner_id)[:120] or "arquivo_recebido"
