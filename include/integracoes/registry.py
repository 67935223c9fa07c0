"""What the DAG files read at parse time: the registered integrations of one shard, with a snapshot.

One cheap query per shard file; every successful read also refreshes a JSON snapshot in the data folder,
and a failed read (database restarting, network blip) serves that snapshot instead of raising — a blip
must not make DAGs disappear. Strict mode (tests, CI) turns a failed read into an error.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg

from include import settings
from include.integracoes import db

log = logging.getLogger(__name__)

# A save re-parses its shard, and Airflow re-writes the rows of every DAG in it: at 5,000 integrations 16 shards
# keep that to ~310 DAGs (a few seconds). More files would add a process start and the imports to every periodic
# re-parse. Changing it needs the same number of dags/integracoes_shard_N.py files.
SHARDS = 16


@dataclass(frozen=True)
class RegisteredIntegration:
    id: int
    type_code: str
    tenant_id: int
    tenant_name: str
    description: str
    active: bool
    interval_minutes: int
    created_on: str  # ISO date in the deployment's timezone: the first day a daily window may send


class RegistryUnavailableError(RuntimeError):
    """The registry could not be read and there is no snapshot to fall back to (or strict mode)."""


def shard_of(integration_id: int) -> int:
    return integration_id % SHARDS


def strict() -> bool:
    """INTEGRACOES_DAGS_STRICT: a failed read raises instead of serving the snapshot."""
    return settings.current().dags_strict


def _snapshot_path(shard: int) -> Path:
    base = (settings.current().data or Path(tempfile.gettempdir())) / "registry"
    return base / f"shard_{shard:02d}_of_{SHARDS}.json"  # another shard count: another subset of integrations


def read_shard(shard: int) -> list[RegisteredIntegration]:
    try:
        with psycopg.connect(db.database_url(), connect_timeout=5, application_name="integracoes-dags") as conn:
            rows = conn.execute(
                """SELECT i.id, i.tipo_codigo, i.tenant_id, t.nome, i.descricao, i.ativa AND t.ativo,
                          i.intervalo_minutos,
                          to_char(i.criada_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD')
                   FROM integracao.integracao i JOIN integracao.tenant t ON t.id = i.tenant_id
                   WHERE i.id %% %s = %s ORDER BY i.id""",
                (SHARDS, shard),
            ).fetchall()
    except (psycopg.Error, db.DatabaseNotConfiguredError) as error:
        if strict():
            raise RegistryUnavailableError(f"registry shard {shard} unreadable: {error}") from error
        return _from_snapshot(shard, error)
    found = [RegisteredIntegration(*row) for row in rows]
    _write_snapshot(shard, found)
    return found


def _write_snapshot(shard: int, found: list[RegisteredIntegration]) -> None:
    path = _snapshot_path(shard)
    payload = json.dumps([asdict(item) for item in found], sort_keys=True)
    try:
        if path.exists() and path.read_text() == payload:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(payload)
        temporary.replace(path)  # atomic: a concurrent reader sees the old or the new snapshot
    except OSError:
        log.warning("Could not write the registry snapshot %s", path, exc_info=True)


def _from_snapshot(shard: int, error: Exception) -> list[RegisteredIntegration]:
    path = _snapshot_path(shard)
    if not path.exists():
        raise RegistryUnavailableError(f"registry shard {shard} unreadable and no snapshot: {error}") from error
    log.warning("Registry unreadable (%s); serving the snapshot %s", error, path)
    return [RegisteredIntegration(**item) for item in json.loads(path.read_text())]
