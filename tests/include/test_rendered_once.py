"""A task whose delivery may already have reached the partner is sent again with the bytes it rendered then:
reprocessing after a worker died between the partner's storing and our commit must not render data changed
since (the partner would get a second, different file of the period; SFTP and S3 refuse it for good)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from include.integracoes import files, run_steps, tasks
from include.integracoes.tasks import Origin

Smarket = tuple[psycopg.Connection, int, int]  # connection, integration, tenant


@pytest.fixture
def smarket(
    migrated_db: psycopg.Connection, app_database_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Smarket:
    """A Smarket integration over a small demo ERP (sales until yesterday); files stored under tmp_path."""
    from include.integracoes import catalog, demo_data

    monkeypatch.setenv("INTEGRACOES_FILES_URL", f"file://{tmp_path}")
    conn = migrated_db
    catalog.sync_catalog(conn)
    with conn.transaction():
        demo_data.generate(conn, demo_data.Size(tenants=1, branches_per_tenant=1, products=5, customers=3, days=2,
                                                sales_per_branch_day=3))  # fmt: skip
    tenant, branch = conn.execute("SELECT tenant_id, id FROM erp.filial").fetchone()  # type: ignore[misc]
    catalog.contract_all_types(conn, tenant)
    (integration_id,) = conn.execute(
        "INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, intervalo_minutos, criada_por,"
        " atualizada_por) VALUES (%s, 'smarket', 'Smarket', 60, 's', 's') RETURNING id",
        (tenant,),
    ).fetchone()  # type: ignore[misc]
    conn.execute("INSERT INTO integracao.integracao_filial VALUES (%s, %s)", (integration_id, branch))
    return conn, int(integration_id), int(tenant)


def test_a_file_not_known_to_have_failed_is_never_rendered_again(smarket: Smarket) -> None:
    from include.connectors import smarket as connector

    conn, integration_id, tenant = smarket
    day = date.today() - timedelta(days=1)
    task = tasks.insert_pending(conn, integration_id, day - timedelta(days=1), day, "Sistema", Origin.SCHEDULED)
    info = run_steps._integration(conn, integration_id)
    scope = run_steps._scope(integration_id, info, task.start, task.end, task.code)
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
