"""Shared fixtures: a scratch embedded PostgreSQL for database tests, and the running stack."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from scripts import embedded_db

pytest_plugins = [
    "tests.stack_fixtures",
    "tests.sandbox_fixtures",
    "tests.browser_fixtures",
    "tests.scorecard",
    "tests.timing",
    "tests.scheduling",
]


@pytest.fixture(scope="session")
def pg_socket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An embedded PostgreSQL server of its own for the test session (no system service needed)."""
    pgdata = tmp_path_factory.mktemp("pg") / "data"
    socket_dir = embedded_db.start(pgdata)
    yield socket_dir
    embedded_db.stop(pgdata)


@pytest.fixture
def fresh_database(pg_socket: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database for one test; returns its libpq URL."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    admin = embedded_db.libpq_url(pg_socket, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield embedded_db.libpq_url(pg_socket, name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def migrated_template(pg_socket: Path) -> str:
    """A database with every migration applied, migrated once per test process: the template the database
    tests' own databases are copied from (a copy takes a fraction of a migration's time)."""
    from include.integracoes import migrations

    name = "t_migrated_template"
    admin = embedded_db.libpq_url(pg_socket, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(embedded_db.libpq_url(pg_socket, name), autocommit=True) as conn:
        migrations.migrate(conn)
    return name


def copy_of(pg_socket: Path, template: str, name: str) -> str:
    """A new database `name` copied from `template` (replacing one left by an earlier run); its libpq URL."""
    admin = embedded_db.libpq_url(pg_socket, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
    return embedded_db.libpq_url(pg_socket, name)


@pytest.fixture
def migrated_db(pg_socket: Path, migrated_template: str, fresh_database: str) -> Iterator[psycopg.Connection]:
    """A connection (autocommit) to the test's database (`fresh_database`) with every migration applied: a copy
    of the migrated template in its place."""
    url = copy_of(pg_socket, migrated_template, psycopg.conninfo.conninfo_to_dict(fresh_database)["dbname"])
    with psycopg.connect(url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def app_database_env(fresh_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("INTEGRACOES_DATABASE_URL", fresh_database)
    return fresh_database


AIRFLOW_HOME = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Airflow code imported by tests (DagBag) reads the repository's configuration, never ~/airflow."""
    repo = Path(__file__).resolve().parent.parent
    home = Path(tempfile.mkdtemp(prefix="airflow-home-"))
    os.environ.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW_CONFIG": str(repo / "config" / "airflow.cfg"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(repo / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(repo / "plugins"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
            "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
        }
    )
    config.stash[AIRFLOW_HOME] = home


def pytest_unconfigure(config: pytest.Config) -> None:
    """The scratch Airflow home of this test process goes with it (one per process, each session)."""
    home = config.stash.get(AIRFLOW_HOME, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)
