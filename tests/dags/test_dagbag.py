"""Every file in dags/ imports cleanly, and every DAG it builds follows the deployment's policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"


@pytest.fixture(scope="module")
def dagbag() -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS), safe_mode=False)


def test_no_import_errors(dagbag: Any) -> None:
    assert dagbag.import_errors == {}


def test_every_python_file_in_dags_was_parsed(dagbag: Any) -> None:
    python_files = {str(p) for p in DAGS.rglob("*.py") if "__pycache__" not in p.parts}
    assert python_files <= set(dagbag.file_last_changed), python_files - set(dagbag.file_last_changed)


def test_dag_policy(dagbag: Any) -> None:
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        assert dag.max_active_runs == 1, f"{dag_id}: runs of one integration must never interleave"
        assert not dag.catchup, f"{dag_id}: catch-up is the connector's window policy, not Airflow's"
        for task in dag.tasks:
            assert task.retries >= 1, f"{dag_id}.{task.task_id} has no retries"
            assert task.execution_timeout is not None, f"{dag_id}.{task.task_id} may run forever"
