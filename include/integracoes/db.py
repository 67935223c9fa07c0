"""Connections to the application database (ERP data and integration data)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg

from include import settings


class DatabaseNotConfiguredError(RuntimeError):
    """The application database URL is missing from the environment."""


def database_url() -> str:
    url = settings.current().database_url
    if not url:
        raise DatabaseNotConfiguredError(
            "INTEGRACOES_DATABASE_URL is not set; start the product with `make demo` or export it "
            "(e.g. postgresql://user@host:5432/integracoes)."
        )
    return url


@contextmanager
def connect(url: str | None = None, *, autocommit: bool = False) -> Iterator[psycopg.Connection]:
    """A connection that commits on success and rolls back on error."""
    with psycopg.connect(url or database_url(), autocommit=autocommit, application_name="integracoes") as conn:
        yield conn


POOL_WAIT_S = 5.0
_pool: Any = None
_pool_lock = threading.Lock()


def pooled() -> AbstractContextManager[psycopg.Connection]:
    """An autocommit connection from the process-wide pool (the API server serves many short requests).

    Autocommit: each service operation opens its own `conn.transaction()`, so what it writes is committed
    when it returns, before anything else (e.g. Airflow reconciliation) happens.
    """
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                from psycopg_pool import ConnectionPool

                _pool = ConnectionPool(
                    database_url(),
                    min_size=1,
                    max_size=8,
                    open=True,
                    kwargs={"application_name": "integracoes-api", "autocommit": True},
                    # After a database restart the pooled connections are dead: check each one as it is
                    # handed out (a new one replaces it), and let a request wait seconds, not the default
                    # half-minute, before it is told the database is unavailable (503).
                    check=ConnectionPool.check_connection,
                    timeout=POOL_WAIT_S,
                )
    return _pool.connection()  # type: ignore[no-any-return]
