"""Triggering DAG runs and reading what they did, from the api-server (which may use Airflow's ORM; task code
never does)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from include.integracoes.errors import ServiceError

log = logging.getLogger(__name__)


class DagUnavailable(ServiceError):
    """The integration's DAG is not registered (yet) or not runnable: try again shortly."""


class AirflowRuns:
    """Checks that a DAG can run, and triggers runs with deterministic run ids (a retry never doubles a run)."""

    def ensure_runnable(self, dag_id: str) -> None:
        from airflow.models.dag import DagModel
        from airflow.utils.session import create_session

        with create_session() as session:
            model = session.get(DagModel, dag_id)
            # trigger_dag itself accepts stale and paused DAGs, whose runs would wait forever.
            if model is None or model.is_stale:
                raise DagUnavailable("manual.dag_unavailable")
            if model.is_paused:
                # The integration is active (checked before): the pause is a lag of the reconciler.
                model.is_paused = False
                log.info("Unpaused %s to run an active integration's request", dag_id)

    def trigger(self, dag_id: str, run_id: str, conf: dict[str, Any], username: str) -> None:
        from airflow.api.common.trigger_dag import trigger_dag
        from airflow.exceptions import DagRunAlreadyExists
        from airflow.utils.types import DagRunTriggeredByType

        try:
            trigger_dag(
                dag_id,
                triggered_by=DagRunTriggeredByType.REST_API,
                triggering_user_name=username,
                run_id=run_id,
                conf=conf,
            )
        except DagRunAlreadyExists:
            log.info("Run %s of %s already exists (retried request)", run_id, dag_id)


def log_steps(runs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The step of each Airflow run whose log explains it: the one that failed, else the last one started."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState
    from sqlalchemy import select, tuple_

    wanted = list(runs)
    if not wanted:
        return {}
    with create_session() as session:
        rows = session.execute(
            select(TaskInstance.dag_id, TaskInstance.run_id, TaskInstance.task_id, TaskInstance.state,
                   TaskInstance.start_date)
            .where(tuple_(TaskInstance.dag_id, TaskInstance.run_id).in_(wanted), TaskInstance.start_date.is_not(None))
        ).all()  # fmt: skip
    best: dict[tuple[str, str], tuple[bool, datetime, str]] = {}
    for dag_id, run_id, task_id, state, started in rows:
        rank = (state == TaskInstanceState.FAILED, started, task_id)
        if (dag_id, run_id) not in best or rank > best[(dag_id, run_id)]:
            best[(dag_id, run_id)] = rank
    return {run: rank[2] for run, rank in best.items()}
