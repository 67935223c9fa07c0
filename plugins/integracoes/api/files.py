"""Generated and received files: GET /tasks/{id}/files (last 7) and GET /files/{id}/download (a streamed .zip)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from include.integracoes import db, files
from include.integracoes.messages import text
from include.integracoes.permissions import Action, Resource
from include.integracoes.tasks import Status
from integracoes.api.params import FileId, TaskId
from integracoes.auth import Caller, require
from integracoes.errors import error_responses, language_of

router = APIRouter(tags=["Arquivos"])
_DIRECTIONS: dict[str, Literal["sent", "received"]] = {"enviado": "sent", "recebido": "received"}
_CHUNK = 256 * 1024


class FileOut(BaseModel):
    id: int
    name: str
    status: str
    status_label: str
    direction: Literal["sent", "received"]  # received: a file the partner sent us (kept exactly as received)
    direction_label: str
    failure_reason: str | None
    size: int
    sha256: str
    rows: int
    created_at: datetime
    expired: bool = Field(description="Passou do prazo de guarda: os bytes foram removidos, o registro fica")


@router.get("/tasks/{task_id:int}/files", response_model=list[FileOut], summary="Arquivos gerados da tarefa")
def list_files(
    request: Request, task_id: TaskId, caller: Caller = Depends(require(Action.READ, Resource.ARQUIVOS))
) -> list[FileOut]:
    language = language_of(request)
    with db.pooled() as conn:
        found = files.files_of_task(conn, caller.principal, task_id)
    return [
        FileOut(
            id=f.id, name=f.name, status=f.status, status_label=Status(f.status).label(language),
            direction=_DIRECTIONS[f.direction],
            direction_label=text(f"file.direction.{_DIRECTIONS[f.direction]}", language),
            failure_reason=f.failure_reason, size=f.size, sha256=f.sha256, rows=f.rows, created_at=f.created_at,
            expired=f.expired,
        )
        for f in found
    ]  # fmt: skip


class _Buffer:
    """Collects what ZipFile writes so it can be yielded chunk by chunk (a zip of any size, flat memory)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None

    def drain(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def _zip_stream(stored: files.StoredFile) -> Iterator[bytes]:
    buffer = _Buffer()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(stored.name, date_time=stored.created_at.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as entry, files.open_stored(stored) as source:
            while chunk := source.read(_CHUNK):
                entry.write(chunk)
                yield buffer.drain()
    yield buffer.drain()


@router.get(
    "/files/{file_id:int}/download",
    summary="Baixar arquivo (.zip)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}, **error_responses(410)},
)
def download(file_id: FileId, caller: Caller = Depends(require(Action.READ, Resource.ARQUIVOS))) -> Any:
    with db.pooled() as conn:
        stored = files.for_download(conn, caller.principal, file_id)
    archive = stored.name.rsplit(".", 1)[0] + ".zip"
    return StreamingResponse(
        _zip_stream(stored),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{archive}"', "Cache-Control": "no-store"},
    )
