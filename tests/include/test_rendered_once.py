"""A task whose delivery may already have reached the partner is sent again with the bytes it rendered then:
reprocessing after a worker died between the partner's storing and our commit must not render data changed
since (the partner would get a second, different file of the period; SFTP and S3 refuse it for good)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from include.airflow_adapter import run_steps
from include.integracoes import files, run_scope, tasks
from include.integracoes.tasks import Origin
from tests.include.factories import integration_over_demo_erp

Smarket = tuple[psycopg.Connection, int, int]  # connection, integration, tenant


@pytest.fixture
def smarket(
    migrated_db: psycopg.Connection, app_database_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Smarket:
    """A Smarket integration over a small demo ERP (sales until yesterday); files stored under tmp_path."""
    monkeypatch.setenv("INTEGRACOES_FILES_URL", f"file://{tmp_path}")
    tenant, _, integration_id = integration_over_demo_erp(migrated_db, "smarket", interval_minutes=60,
                                                          sales_per_branch_day=3)  # fmt: skip
    return migrated_db, integration_id, tenant


def test_a_file_not_known_to_have_failed_is_never_rendered_again(smarket: Smarket) -> None:
    from include.connectors import smarket as connector

    conn, integration_id, tenant = smarket
    day = date.today() - timedelta(days=1)
    task = tasks.insert_pending(conn, integration_id, day - timedelta(days=1), day, "Sistema", Origin.SCHEDULED)
    info = run_scope.load(conn, integration_id)
    scope = run_scope.scope(integration_id, info, task.start, task.end, task.code)
    dataset = connector.Smarket.datasets[0]

    def produce() -> files.StoredFile:
        return files.get(conn, run_steps._produce_one(conn, dataset, scope, task.id))

    def stored_sha(stored: files.StoredFile) -> str:
        with files.open_stored(stored) as body:
            return hashlib.sha256(body.read()).hexdigest()

    first = produce()
    assert first.rows > 0
    conn.execute("UPDATE erp.produto SET descricao = descricao || ' (renomeado)' WHERE tenant_id = %s", (tenant,))

    # Pending (a delivery cut short: its outcome is unknown) and sent: the same file, the same bytes.
    assert produce().id == first.id
    files.set_status(conn, first.id, "sent")
    assert produce().id == first.id
    assert stored_sha(first) == first.sha256, "the stored bytes were not overwritten"

    # A delivery that failed for sure (the partner refused it) is rendered again, with today's data.
    files.set_status(conn, first.id, "failed", "recusado")
    again = produce()
    assert again.id != first.id
    assert again.sha256 != first.sha256
    assert stored_sha(again) == again.sha256
