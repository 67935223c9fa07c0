"""Migrations apply once, refuse rewritten history, and the database itself enforces the task rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from include.integracoes import migrations
from tests.include.factories import make_integration


def test_all_migrations_apply_and_a_second_run_applies_nothing(fresh_database: str) -> None:
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        applied = migrations.migrate(conn)
        assert [m.version for m in applied] == [m.version for m in migrations.discover()]
        assert migrations.migrate(conn) == []
        schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace")}
        assert {"erp", "integracao"} <= schemas
        assert conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'").fetchone()


def test_a_changed_applied_migration_is_an_error(fresh_database: str, tmp_path: Path) -> None:
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE a (id int);")
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        migrations.migrate(conn, tmp_path)
        (tmp_path / "0001_first.sql").write_text("CREATE TABLE a (id bigint);")
        with pytest.raises(migrations.MigrationError, match="changed after it was applied"):
            migrations.migrate(conn, tmp_path)


def test_a_failing_migration_leaves_nothing_behind(fresh_database: str, tmp_path: Path) -> None:
    (tmp_path / "0001_ok.sql").write_text("CREATE TABLE ok (id int);")
    (tmp_path / "0002_broken.sql").write_text("CREATE TABLE half (id int); SELECT no_such_function();")
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.UndefinedFunction):
            migrations.migrate(conn, tmp_path)
        assert conn.execute("SELECT to_regclass('half')").fetchone() == (None,)
        assert conn.execute("SELECT version FROM schema_migrations").fetchall() == [(1,)]


def test_a_database_that_cannot_hold_pt_br_text_is_refused_before_anything_is_written(fresh_database: str) -> None:
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        name = conn.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]
    ascii_url = fresh_database.replace(f"/{name}", f"/{name}_ascii")
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}_ascii"')
        conn.execute(f"""CREATE DATABASE "{name}_ascii" ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C'
                         LC_CTYPE 'C'""")
    try:
        with psycopg.connect(ascii_url, autocommit=True) as conn:
            with pytest.raises(migrations.MigrationError, match="SQL_ASCII, not UTF8"):
                migrations.migrate(conn)
            assert conn.execute("SELECT to_regclass('public.schema_migrations')").fetchone() == (None,)
    finally:
        with psycopg.connect(fresh_database, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}_ascii" WITH (FORCE)')


def test_badly_named_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "1_x.sql").write_text("SELECT 1")
    with pytest.raises(migrations.MigrationError):
        migrations.discover(tmp_path)


@pytest.fixture
def integration_id(migrated_db: psycopg.Connection) -> int:
    return make_integration(migrated_db)[1]


def _task(conn: psycopg.Connection, integration: int, start: date, end: date, *, status: str = "pending") -> None:
    conn.execute(
        "INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem, situacao,"
        " motivo_falha) VALUES (%s, %s, %s, 'cliente1', 'manual', %s, %s)",
        (integration, start, end, status, "Parceiro indisponível" if status == "failed" else None),
    )


def test_overlapping_pending_tasks_are_refused_by_the_database(
    migrated_db: psycopg.Connection, integration_id: int
) -> None:
    _task(migrated_db, integration_id, date(2026, 11, 1), date(2026, 11, 10))
    # Inclusive bounds: sharing only the boundary day is a conflict too.
    with pytest.raises(errors.ExclusionViolation):
        _task(migrated_db, integration_id, date(2026, 11, 10), date(2026, 11, 12))
    _task(migrated_db, integration_id, date(2026, 11, 11), date(2026, 11, 12))


def test_finished_tasks_do_not_block(migrated_db: psycopg.Connection, integration_id: int) -> None:
    for status in ("sent", "completed", "failed"):
        _task(migrated_db, integration_id, date(2026, 11, 1), date(2026, 11, 10), status=status)
    _task(migrated_db, integration_id, date(2026, 11, 1), date(2026, 11, 10))


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2026, 11, 10), date(2026, 11, 9)), (date(2026, 10, 1), date(2026, 11, 1))],
    ids=["reversed", "32-days"],
)
def test_manual_task_period_rules_are_checked_by_the_database(
    migrated_db: psycopg.Connection, integration_id: int, start: date, end: date
) -> None:
    with pytest.raises(errors.CheckViolation):
        _task(migrated_db, integration_id, start, end)


def test_31_days_inclusive_is_accepted(migrated_db: psycopg.Connection, integration_id: int) -> None:
    _task(migrated_db, integration_id, date(2026, 10, 1), date(2026, 10, 31))


def test_a_failed_task_needs_a_reason(migrated_db: psycopg.Connection, integration_id: int) -> None:
    with pytest.raises(errors.CheckViolation):
        migrated_db.execute(
            "INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem,"
            " situacao) VALUES (%s, '2026-11-01', '2026-11-01', 'x', 'manual', 'failed')",
            (integration_id,),
        )


def test_the_audit_trail_cannot_be_rewritten(migrated_db: psycopg.Connection, integration_id: int) -> None:
    """Contracts are checked by the service layer (a contract may end while inactive integrations of its type
    remain); what the database itself guarantees is that the audit trail is append-only."""
    migrated_db.execute(
        "INSERT INTO integracao.auditoria (username, acao, entidade, entidade_id) VALUES ('s', 'x', 'y', '1')"
    )
    for statement in (
        "UPDATE integracao.auditoria SET username = 'someone else'",
        "DELETE FROM integracao.auditoria",
        "TRUNCATE integracao.auditoria",
    ):
        with pytest.raises(errors.InsufficientPrivilege), migrated_db.transaction():
            migrated_db.execute(statement)
    assert migrated_db.execute("SELECT username FROM integracao.auditoria").fetchall() == [("s",)]
