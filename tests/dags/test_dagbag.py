"""Every file in dags/ imports cleanly and builds one DAG per registered integration, following policy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet

from include.airflow_adapter import dag_factory, run_steps, schedules
from include.connectors.catalog import CATALOG
from include.connectors.types import DailyWindow, Direction, OwnTimetable
from include.integracoes import catalog, demo_data, registry, tasks
from include.integracoes.registry import RegisteredIntegration

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"


@pytest.fixture
def registered(
    migrated_db: psycopg.Connection, fresh_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[int]]:
    """The demo registrations in a scratch database, read by the DAG files in strict mode."""
    from airflow.models import crypto

    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("INTEGRACOES_DATABASE_URL", fresh_database)
    monkeypatch.setenv("INTEGRACOES_DATA", str(tmp_path))
    monkeypatch.setenv("INTEGRACOES_DAGS_STRICT", "1")
    monkeypatch.setenv("INTEGRACOES_SANDBOX_URL", "https://127.0.0.1:1")
    monkeypatch.setenv("INTEGRACOES_PARTNER_HOSTS", "127.0.0.1")
    monkeypatch.setenv("INTEGRACOES_SANDBOX_SFTP_HOST_KEY", "SHA256:" + "A" * 43)  # a key confirmed for the sandbox
    crypto.get_fernet.cache_clear()
    from scripts import demo_integrations

    catalog.sync_catalog(migrated_db)
    migrated_db.autocommit = False
    demo_data.generate(migrated_db, demo_data.Size(products=5, customers=5, days=1, sales_per_branch_day=1))
    migrated_db.commit()
    demo_integrations.seed(migrated_db)
    migrated_db.commit()
    migrated_db.autocommit = True
    yield [r[0] for r in migrated_db.execute("SELECT id FROM integracao.integracao ORDER BY id")]
    crypto.get_fernet.cache_clear()


@pytest.fixture
def dagbag(registered: list[int]) -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS), safe_mode=True)


def test_shard_files_match_the_shard_count() -> None:
    expected = sorted(f"integracoes_shard_{n}.py" for n in range(registry.SHARDS))
    assert sorted(p.name for p in DAGS.glob("*.py")) == expected
    for n in range(registry.SHARDS):
        assert f"dags_of_shard({n})" in (DAGS / f"integracoes_shard_{n}.py").read_text()


def test_no_import_errors_and_one_dag_per_integration(dagbag: Any, registered: list[int]) -> None:
    assert dagbag.import_errors == {}
    assert len(dagbag.dags) == len(registered) >= 2


def test_dag_policy(dagbag: Any, migrated_db: psycopg.Connection) -> None:
    rows = migrated_db.execute("SELECT id, tipo_codigo, ativa, intervalo_minutos, tenant_id FROM integracao.integracao")
    for integration_id, type_code, active, interval, tenant_id in rows:
        dag = dagbag.dags[f"integracao_{integration_id}_{type_code}"]
        assert dag.max_active_runs == 1, "runs of one integration must never interleave"
        assert not dag.catchup, "catch-up is the connector's window policy, not Airflow's"
        assert dag.is_paused_upon_creation is (not active)
        assert {f"cliente:{tenant_id}", f"tipo:{type_code}"} <= set(dag.tags)
        assert dag.doc_md
        window = CATALOG[type_code].window
        if isinstance(window, OwnTimetable):
            assert "Cron" in type(dag.timetable).__name__
        elif isinstance(window, DailyWindow):  # the send time of day; the interval is the retry cadence or days
            assert isinstance(dag.timetable, schedules.DailySendTimetable)
            assert (dag.timetable.repeat_s, dag.timetable.every_days) == (
                (interval * 60, 1) if interval < 1440 else (0, interval // 1440)
            )
        else:  # the interval, on the integration's own phase
            assert isinstance(dag.timetable, schedules.StaggeredIntervalTimetable)
            assert dag.timetable.interval_s == timedelta(minutes=interval).total_seconds()
            assert dag.timetable.phase_s == schedules.phase_seconds(integration_id, interval * 60)
        steps = ["preparar", "extrair_e_gerar_arquivo", "entregar"]
        if CATALOG[type_code].direction is not Direction.OUT:  # the partner also sends to us
            steps.append("receber_e_aplicar")
            assert dag.get_task("receber_e_aplicar").upstream_task_ids == {"entregar"}
            assert dag.get_task("receber_e_aplicar").pool == f"parceiro_{type_code}"
        assert [t.task_id for t in dag.tasks] == steps
        for task in dag.tasks:
            assert task.retries >= 1
            assert task.execution_timeout is not None
            assert task.retry_exponential_backoff
        assert dag.get_task("entregar").pool == f"parceiro_{type_code}"
        assert dag.get_task("extrair_e_gerar_arquivo").pool == "extracao_erp"
        assert dag.dagrun_timeout == timedelta(minutes=CATALOG[type_code].run_timeout_min)
        assert all(
            task.execution_timeout == timedelta(minutes=CATALOG[type_code].step_timeout_min) for task in dag.tasks
        )
        assert all(task.execution_timeout <= dag.dagrun_timeout for task in dag.tasks)
        assert dag.on_failure_callback is run_steps.run_timed_out, "a run past its time limit ends its tasks"


def test_definitions_are_deterministic(registered: list[int]) -> None:
    from airflow.serialization.serialized_objects import DagSerialization

    def serialized() -> list[str]:
        dags = dag_factory.build_dags(i for shard in range(registry.SHARDS) for i in registry.read_shard(shard))
        return [str(DagSerialization.to_dict(dag)) for dag in dags.values()]

    assert serialized() == serialized()


def test_a_broken_registration_does_not_hide_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_DAGS_STRICT", "0")
    good = RegisteredIntegration(1, "smarket", 1, "T", "ok", True, 60, "2026-11-01")
    broken = RegisteredIntegration(2, "no_such_type", 1, "T", "broken", True, 60, "2026-11-01")
    assert list(dag_factory.build_dags([broken, good])) == ["integracao_1_smarket"]
    monkeypatch.setenv("INTEGRACOES_DAGS_STRICT", "1")
    with pytest.raises(LookupError):
        dag_factory.build_dags([broken, good])


def test_types_without_a_connector_become_no_dag(monkeypatch: pytest.MonkeyPatch) -> None:
    """A registration of a type no connector implements (saved before the rule) cannot run: no DAG."""
    monkeypatch.setenv("INTEGRACOES_DAGS_STRICT", "1")
    monkeypatch.setattr(dag_factory, "is_available", lambda code: code != "boavista")  # every type has one today
    good = RegisteredIntegration(1, "smarket", 1, "T", "ok", True, 60, "2026-11-01")
    unavailable = RegisteredIntegration(2, "boavista", 1, "T", "sem conector", True, 240, "2026-11-01")
    assert list(dag_factory.build_dags([unavailable, good])) == ["integracao_1_smarket"]


def test_every_step_ends_the_runs_tasks_when_it_finally_fails(dagbag: Any) -> None:
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            assert run_steps.run_failed in (task.on_failure_callback or []), (dag.dag_id, task.task_id)


def test_a_timed_out_run_ends_its_tasks_through_airflows_dag_callback(
    dagbag: Any, migrated_db: psycopg.Connection
) -> None:
    """What the dag-processor does with the scheduler's request after a run passed its dagrun_timeout (the
    scheduler skips the run's steps, so no step's failure callback runs): the DAG's callback ends the tasks."""
    import structlog
    from airflow.callbacks.callback_requests import DagCallbackRequest
    from airflow.dag_processing.processor import _execute_dag_callbacks

    dag = next(d for d in dagbag.dags.values() if d.is_paused_upon_creation is False)
    integration_id = int(dag.dag_id.split("_")[1])
    task = tasks.insert_pending(migrated_db, integration_id, date(2026, 1, 5), date(2026, 1, 5), "Sistema",
                                tasks.Origin.SCHEDULED)  # fmt: skip
    tasks.claim_task(migrated_db, task.id, integration_id, dag.dag_id, "scheduled__2026-01-06T09:00:00+00:00")
    request = DagCallbackRequest(
        filepath=Path(dag.fileloc).name, bundle_name="dags-folder", bundle_version=None, dag_id=dag.dag_id,
        run_id="scheduled__2026-01-06T09:00:00+00:00", is_failure_callback=True, msg="timed_out",
    )  # fmt: skip
    _execute_dag_callbacks(dagbag, request, structlog.get_logger())
    ended = tasks.get_task(migrated_db, task.id)
    assert ended.status is tasks.Status.FAILED
    assert ended.failure_class == tasks.FailureClass.RUN_TIMEOUT
    assert (ended.failure_reason or "").startswith("O processamento excedeu o tempo máximo")


def test_a_registry_blip_serves_the_last_snapshot(registered: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    shard = registry.shard_of(registered[0])
    before = registry.read_shard(shard)
    monkeypatch.setenv("INTEGRACOES_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("INTEGRACOES_DAGS_STRICT", "0")
    assert registry.read_shard(shard) == before
    monkeypatch.setenv("INTEGRACOES_DAGS_STRICT", "1")
    with pytest.raises(registry.RegistryUnavailableError):
        registry.read_shard(shard)


def test_a_description_reaches_the_dag_doc_as_text_only() -> None:
    """Markdown in a description (a link, an image, HTML) must not become one in Airflow's DAG docs."""
    hostile = RegisteredIntegration(
        3, "smarket", 1, "T <img src=x>", "Smarket [clique](http://evil.example) ![x](http://i) <b>oi</b>", True, 60,
        "2026-11-01",
    )  # fmt: skip
    doc = dag_factory.build_dag(hostile).doc_md
    unescaped = re.compile(r"(?<!\\)[\[\]()<>!]")  # a Markdown or HTML character without its backslash
    user_text = doc.split("\n\n")[0] + doc.split("\n\n")[1].split("·")[0]
    assert not unescaped.search(user_text.removeprefix("### ").replace("**", "")), doc
    assert "\\[clique\\]" in doc
