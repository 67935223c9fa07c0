"""DAG control: the product's every read and write of Airflow's metadata database, each behind one function.

Used by the api-server (the plugin) and the stack's reconciler process, never by task code (which has no
metadata access). Airflow's public surface for these is its REST API, which needs a user's token: the product's
own processes have none to give it, so they use the ORM here, and tests/include/test_airflow_surface.py lists
each private name, so that an upgrade of Airflow re-checks exactly this module.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from include.integracoes.errors import ServiceError

log = logging.getLogger(__name__)

# The DAG bundle of the dags/ folder (Airflow's default local bundle).
DAGS_BUNDLE = "dags-folder"


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


@dataclass(frozen=True)
class PoolSpec:
    name: str
    slots: int
    description: str
    resize: bool = False  # an explicit setting: applied even when the pool exists


def ensure_pools(pools: Iterable[PoolSpec]) -> list[str]:
    """Create the missing pools (existing ones keep the slots an operator may have tuned, unless `resize`)."""
    from airflow.models.pool import Pool
    from airflow.utils.session import create_session

    created = []
    with create_session() as session:
        for pool in pools:
            if pool.resize or Pool.get_pool(pool.name, session=session) is None:
                Pool.create_or_update_pool(
                    pool.name, pool.slots, pool.description, include_deferred=False, session=session
                )
                created.append(pool.name)
    return created


def set_paused(states: dict[str, bool]) -> list[str]:
    """Pause or unpause existing DAGs (dag_id -> paused); return the dag_ids that do not exist yet."""
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        found = {dm.dag_id: dm for dm in session.scalars(select(DagModel).where(DagModel.dag_id.in_(list(states))))}
        for dag_id, paused in states.items():
            model = found.get(dag_id)
            if model is not None and model.is_paused != paused:
                model.is_paused = paused
                log.info("%s DAG %s", "Paused" if paused else "Unpaused", dag_id)
    return sorted(set(states) - set(found))


# Airflow drops a priority request for a file that is being parsed at that moment (that parse may have
# read the registry before the save): asking again a little later closes that window.
REPARSE_FOLLOW_UPS_S = (3.0, 15.0)


def request_reparse(relative: str, *, follow_ups: tuple[float, ...] = REPARSE_FOLLOW_UPS_S) -> None:
    """Ask the dag-processor to parse a file of dags/ next (seconds, not the periodic interval)."""
    _insert_reparse_request(relative)
    for delay in follow_ups:
        timer = threading.Timer(delay, _insert_reparse_request, args=(relative,))
        timer.daemon = True
        timer.start()


def _insert_reparse_request(relative: str) -> None:
    from airflow.models.dagbag import DagPriorityParsingRequest
    from airflow.utils.session import create_session

    request_id = hashlib.md5(f"{DAGS_BUNDLE}:{relative}".encode(), usedforsecurity=False).hexdigest()
    try:
        with create_session() as session:
            if session.get(DagPriorityParsingRequest, request_id) is None:
                session.add(DagPriorityParsingRequest(bundle_name=DAGS_BUNDLE, relative_fileloc=relative))
    except Exception:  # a lost request only delays the change until the periodic parse
        log.warning("Could not request a re-parse of %s", relative, exc_info=True)


@dataclass(frozen=True)
class RunState:
    state: str  # queued, running, success, failed
    started: datetime | None
    ended: datetime | None


def run_state(dag_id: str, run_id: str) -> RunState | None:
    """The state of an Airflow run; None when it does not exist."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        found = session.execute(
            select(DagRun.state, DagRun.start_date, DagRun.end_date).where(
                DagRun.dag_id == dag_id, DagRun.run_id == run_id
            )
        ).first()
    return RunState(str(found[0]), found[1], found[2]) if found else None
