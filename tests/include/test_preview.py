"""The data team's preview: a partner's files for an integration and a period, rendered byte for byte as the run
renders them, stored and delivered nowhere, compared with what was delivered for the period — for a partner of
each file format — and its command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from include.airflow_adapter import run_steps
from include.connectors.registry import connector_for
from include.integracoes import files, preview, run_scope, tasks
from include.integracoes.errors import NotFound
from include.integracoes.principal import Principal, Tenant
from include.integracoes.tasks import SAO_PAULO, Origin, Status
from tests.include.factories import integration_over_demo_erp

# One partner of each file format, and what the first lines of its file look like.
FORMATS: dict[str, Callable[[tuple[str, ...]], bool]] = {
    "smarket": lambda head: head[0].startswith("filial;"),  # CSV, with its header
    "iqvia": lambda head: len({len(line) for line in head}) == 1,  # fixed width: every record as wide
    "iqvia_api": lambda head: head[0].startswith("{"),  # JSON
    "dito": lambda head: all(isinstance(json.loads(line), dict) for line in head),  # JSON Lines
    "linx_wms": lambda head: head[0].startswith("<?xml"),  # XML
}


@pytest.fixture
def world(
    migrated_db: psycopg.Connection, app_database_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> psycopg.Connection:
    monkeypatch.setenv("INTEGRACOES_FILES_URL", f"file://{tmp_path / 'arquivos'}")
    return migrated_db


def delivered(conn: psycopg.Connection, integration_id: int, day: date) -> list[files.StoredFile]:
    """What a run renders for the day, as its file step does; the task then ends Concluída."""
    task = tasks.insert_pending(conn, integration_id, day, day, "Sistema", Origin.SCHEDULED)
    subject = run_scope.load(conn, integration_id)
    scope = run_scope.scope(integration_id, subject, day, day, task.code)
    config = {"codigo_painel": "P01"}
    ids = [
        run_steps._produce_one(conn, dataset, file_scope, task.id)
        for dataset in connector_for(subject.type_code).datasets
        for file_scope in dataset.scopes(scope, config)
    ]
    conn.execute("UPDATE integracao.tarefa SET situacao = %s WHERE id = %s", (Status.COMPLETED.value, task.id))
    return [files.get(conn, file_id) for file_id in ids if file_id is not None]  # fmt: skip


@pytest.mark.parametrize("type_code", sorted(FORMATS))
def test_a_preview_is_the_runs_file_and_writes_nothing(world: psycopg.Connection, type_code: str) -> None:
    conn = world
    _, _, integration_id = integration_over_demo_erp(conn, type_code, interval_minutes=60, sales_per_branch_day=6)
    conn.execute(  # the panel's code for the pharmacy, which IQVIA's file carries (the others bind nothing)
        "INSERT INTO integracao.integracao_config (integracao_id, chave, valor) VALUES (%s, 'codigo_painel', 'P01')",
        (integration_id,),
    )
    day = datetime.now(SAO_PAULO).date() - timedelta(days=1)
    counts = "SELECT (SELECT count(*) FROM integracao.arquivo), (SELECT count(*) FROM integracao.tarefa)"
    before = conn.execute(counts).fetchone()

    shown = preview.render(conn, preview.SYSTEM, integration_id, day, day)

    assert conn.execute(counts).fetchone() == before, "a preview records no file and no task"
    assert shown, "every partner sends at least one file for a day"
    for file in shown:
        assert file.delivered is None
        assert file.head, file
        assert FORMATS[type_code](file.head), file.head
    assert sum(file.rows for file in shown) > 0, "the day's sales, orders or events"

    sent = delivered(conn, integration_id, day)
    again = preview.render(conn, preview.SYSTEM, integration_id, day, day, diff=True)
    assert [(f.rows, f.sha256) for f in again] == [(f.rows, f.sha256) for f in sent], "the same bytes as the run"
    assert [(f.delivered.name if f.delivered else None) for f in again] == [f.name for f in sent]
    assert all(f.same_as_delivered for f in again)
    assert [f.totals for f in again] == [{k: str(v) for k, v in f.totals.items()} for f in sent]


def test_the_diff_shows_what_changed_since_the_delivery(world: psycopg.Connection) -> None:
    conn = world
    _, _, integration_id = integration_over_demo_erp(conn, "smarket", interval_minutes=60, sales_per_branch_day=6)
    day = datetime.now(SAO_PAULO).date() - timedelta(days=1)
    (sent,) = delivered(conn, integration_id, day)
    # A sale of the day cancelled since: the partner's file for the day loses its lines.
    conn.execute(
        """UPDATE erp.venda SET cancelada = true WHERE id = (
               SELECT min(id) FROM erp.venda WHERE emitida_em >= %s AND emitida_em < %s)""",
        (datetime.combine(day, datetime.min.time(), SAO_PAULO), datetime.combine(day + timedelta(days=1),
                                                                                 datetime.min.time(), SAO_PAULO)),
    )  # fmt: skip

    (file,) = preview.render(conn, preview.SYSTEM, integration_id, day, day, diff=True)

    assert file.same_as_delivered is False
    assert file.rows < sent.rows
    assert file.removed == sent.rows - file.rows
    assert file.added == 0
    assert file.diff is not None
    assert file.delivered is not None
    assert file.diff[0] == f"--- entregue (tarefa {file.delivered.task_code})"
    assert any(line.startswith("-") and not line.startswith("---") for line in file.diff)
    text = "\n".join(preview.report([file]))
    assert "differs" in text
    assert f"lines: +0 -{file.removed}" in text


def test_another_tenants_integration_is_not_found(world: psycopg.Connection) -> None:
    conn = world
    _, _, integration_id = integration_over_demo_erp(conn, "smarket", interval_minutes=60, sales_per_branch_day=1)
    stranger = Principal("cliente", ("Cliente",), False, (Tenant(999_999, "Outra"),))
    day = datetime.now(SAO_PAULO).date() - timedelta(days=1)
    with pytest.raises(NotFound):
        preview.render(conn, stranger, integration_id, day, day)


def test_the_command_prints_the_files_and_refuses_bad_input(
    world: psycopg.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = world
    _, _, integration_id = integration_over_demo_erp(conn, "smarket", interval_minutes=60, sales_per_branch_day=2)
    day = (datetime.now(SAO_PAULO).date() - timedelta(days=1)).isoformat()

    assert preview.main([str(integration_id), "--from", day, "--to", day, "--lines", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("sellout: smarket_sellout_")
    assert "first 2 line(s):\n    filial;" in out
    assert "last delivered: none for this period" in out

    assert preview.main([str(integration_id + 1000), "--from", day, "--to", day]) == 2
    assert "not found" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        preview.main([str(integration_id), "--from", "31/12/2026", "--to", day])
    with pytest.raises(SystemExit):
        preview.main([str(integration_id), "--from", day, "--to", "2000-01-01"])
