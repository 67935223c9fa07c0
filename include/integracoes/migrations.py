"""Versioned, idempotent migrations of the application database (include/sql/migrations/NNNN_name.sql)."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "sql" / "migrations"
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any constant shared by every process that migrates this database.
_LOCK_KEY = 0x1A7E_6A0C


class MigrationError(RuntimeError):
    """The migration files or the database history are inconsistent."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file name must look like 0001_name.sql: {path.name}")
        migrations.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migration files share a version number in {directory}")
    return migrations


def require_utf8(conn: psycopg.Connection, what: str) -> None:
    """Refuse a database that cannot hold pt-BR text, before anything is written to it. A server created
    without a locale is SQL_ASCII: Airflow's init then dies on the pools' descriptions (UnicodeEncodeError)
    and our tables would take bytes no client can read back."""
    row = conn.execute("SHOW server_encoding").fetchone()
    value = row[0] if row else "?"
    encoding = value.decode() if isinstance(value, bytes) else str(value)  # SQL_ASCII: psycopg gives bytes
    if encoding.upper() not in ("UTF8", "UTF-8"):
        raise MigrationError(
            f"the {what} database is {encoding}, not UTF8: create it with ENCODING 'UTF8' (for instance"
            " CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0, or initdb --encoding=UTF8)"
        )


def migrate(conn: psycopg.Connection, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply pending migrations, each in its own transaction; return those applied.

    An advisory lock serialises concurrent callers (several processes may start at once), and an
    applied file whose content changed is an error: history is never rewritten silently.
    """
    require_utf8(conn, "application")
    applied_now = []
    with conn.transaction():
        conn.execute(
            """CREATE TABLE IF NOT EXISTS public.schema_migrations (
                   version integer PRIMARY KEY, name text NOT NULL, checksum char(64) NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
    for migration in discover(directory):
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            row = conn.execute(
                "SELECT checksum FROM public.schema_migrations WHERE version = %s", (migration.version,)
            ).fetchone()
            if row is not None:
                if row[0] != migration.checksum:
                    raise MigrationError(
                        f"migration {migration.version:04d}_{migration.name} changed after it was applied; "
                        "write a new migration instead"
                    )
                continue
            log.info("Applying migration %04d_%s", migration.version, migration.name)
            conn.execute(migration.sql.encode())
            conn.execute(
                "INSERT INTO public.schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
            applied_now.append(migration)
    return applied_now
