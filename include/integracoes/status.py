"""The product's own health, for operators and load balancers: the application database, the file storage,
and a summary of how the partners are answering — counts only, never a tenant, a name or an address."""

from __future__ import annotations

import time
from typing import Any

import psycopg
from psycopg_pool import PoolTimeout

from include.integracoes import db, files

_DOWN = (psycopg.Error, PoolTimeout, OSError)


def report() -> tuple[bool, dict[str, Any]]:
    """(healthy, body): healthy when the database and the storage answer."""
    database, partners = _database()
    storage = _storage()
    healthy = database["status"] == storage["status"] == "ok"
    return healthy, {"status": "ok" if healthy else "degraded", "database": database, "storage": storage,
                     "partners": partners}  # fmt: skip


def _database() -> tuple[dict[str, Any], dict[str, Any]]:
    started = time.perf_counter()
    try:
        with db.pooled() as conn:
            # Active integrations, and those whose last ended task failed (a partner down, refusing, ...).
            active, failing = conn.execute(
                """SELECT count(*), count(*) FILTER (WHERE s.ultima_situacao = 'failed')
                     FROM integracao.integracao i LEFT JOIN integracao.saude s ON s.integracao_id = i.id
                    WHERE i.ativa"""
            ).fetchone() or (0, 0)
    except _DOWN:
        return {"status": "unavailable"}, {"status": "unknown"}
    took = round((time.perf_counter() - started) * 1000, 1)
    return {"status": "ok", "ms": took}, {"status": "ok", "active_integrations": active, "failing": failing}


def _storage() -> dict[str, Any]:
    """The storage root answers (a stat of the folder, a HEAD of the bucket's prefix)."""
    started = time.perf_counter()
    try:
        root = files.storage_root()
        reachable = root.exists() or root.parent.exists()  # an empty installation has no folder yet
    except Exception:
        reachable = False
    if not reachable:
        return {"status": "unavailable"}
    return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}
