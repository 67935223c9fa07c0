"""Desired state (application database) -> Airflow: partner pools exist, DAG pause state follows Situação.

Runs at start (`python -m include.integracoes.reconciler`, from the stack's prepare step) and after every
save, in processes that may use Airflow's ORM (the api-server, the CLI), never in task code. With
`--watch` it keeps running as the dead-run safety net (`end_dead_runs`).
A DAG that does not exist yet is tolerated: the factory creates it paused or not from the same flag, and
the next reconciliation applies any later change.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from include.connectors.catalog import CATALOG, TYPES, IntegrationType
from include.integracoes import alerts, logs, tasks
from include.integracoes.integrations import (
    DEFAULT_EXTRACTION_SLOTS,
    EXTRACTION_POOL,
    Integration,
    dag_id_for,
    extraction_slots,
    pool_for,
    type_of_dag,
)
from include.integracoes.registry import shard_of

log = logging.getLogger(__name__)

# The DAG bundle of the dags/ folder (Airflow's default local bundle).
DAGS_BUNDLE = "dags-folder"


def ensure_pools(types: Iterable[IntegrationType] = TYPES) -> list[str]:
    """Create the missing partner pools; existing ones keep the slots an operator may have tuned."""
    from airflow.models.pool import Pool
    from airflow.utils.session import create_session

    created = []
    with create_session() as session:
        for spec in types:
            name = pool_for(spec.code)
            if Pool.get_pool(name, session=session) is None:
                Pool.create_or_update_pool(
                    name,
                    spec.partner_slots,
                    f"Entregas simultâneas ao parceiro {spec.name} (todos os clientes)",
                    include_deferred=False,
                    session=session,
                )
                created.append(name)
        # The extraction pool: created with the setting (or the default); an explicit setting always wins.
        slots = extraction_slots()
        if slots is not None or Pool.get_pool(EXTRACTION_POOL, session=session) is None:
            Pool.create_or_update_pool(
                EXTRACTION_POOL,
                slots or DEFAULT_EXTRACTION_SLOTS,
                "Extrações simultâneas do banco do ERP (todas as integrações)",
                include_deferred=False,
                session=session,
            )
            created.append(EXTRACTION_POOL)
    if created:
        log.info("Created or sized pools: %s", ", ".join(created))
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


def request_reparse(integration_id: int, *, follow_ups: tuple[float, ...] = REPARSE_FOLLOW_UPS_S) -> None:
    """Ask the dag-processor to parse the integration's shard file next (seconds, not the periodic interval)."""
    relative = f"integracoes_shard_{shard_of(integration_id)}.py"
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


class AirflowReconciler:
    """The service layer's hook after an integration is saved."""

    def integration_saved(self, integration: Integration) -> None:
        ensure_pools([CATALOG[integration.type_code]])
        request_reparse(integration.id)
        set_paused({integration.dag_id: not integration.runs})


def sync_pause_state(conn: psycopg.Connection, tenant_id: int | None = None) -> tuple[int, list[str]]:
    """DAG pause state follows Situação and the tenant's (all integrations, or one tenant's); returns how
    many were reconciled and the DAGs not parsed yet."""
    states = {
        dag_id_for(row[0], row[1]): not row[2]
        for row in conn.execute(
            "SELECT i.id, i.tipo_codigo, i.ativa AND t.ativo FROM integracao.integracao i"
            " JOIN integracao.tenant t ON t.id = i.tenant_id WHERE %(tenant)s::int IS NULL OR i.tenant_id = %(tenant)s",
            {"tenant": tenant_id},
        )
    }
    return len(states), set_paused(states)


def reconcile_all(conn: psycopg.Connection) -> None:
    """Pools exist; DAG pause state follows Situação (an integration whose type has no connector has no
    DAG to run: the registry skips it and its page says why)."""
    ensure_pools()
    reconciled, missing = sync_pause_state(conn)
    log.info("Reconciled %d integration(s); %d DAG(s) not parsed yet", reconciled, len(missing))


# A run's own failure callback ends its tasks with the precise reason; the safety net waits this long
# after the run ended before it steps in with its generic one (INTEGRACOES_DEAD_RUN_GRACE_S), and looks every
# INTEGRACOES_RECONCILE_EVERY_S seconds.
DEAD_RUN_GRACE = timedelta(seconds=20)
WATCH_INTERVAL_S = 30.0


def dead_run_grace() -> timedelta:
    return timedelta(seconds=float(os.environ.get("INTEGRACOES_DEAD_RUN_GRACE_S") or DEAD_RUN_GRACE.total_seconds()))


def watch_interval_s() -> float:
    return float(os.environ.get("INTEGRACOES_RECONCILE_EVERY_S") or WATCH_INTERVAL_S)


EXPIRY_EVERY_S = 3600.0  # files expire by the day: an hourly pass is plenty


def end_dead_runs(conn: psycopg.Connection, *, now: datetime | None = None) -> list[int]:
    """End pending tasks whose Airflow runs all ended (failed, succeeded without closing them) or vanished.

    The safety net of the dead-run rule: whatever kills a run, and even if its failure callback was
    lost, its tasks stop blocking the client within a minute instead of waiting for the next run.
    """
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    limit = (now or datetime.now(UTC)) - dead_run_grace()
    with create_session() as session:
        seen: dict[tuple[str, str], tuple[str, datetime | None, datetime | None] | None] = {}

        def state_of(dag_id: str, run_id: str) -> tuple[str, datetime | None, datetime | None] | None:
            """(state, start, end) of the run, read once per pass."""
            if (dag_id, run_id) not in seen:
                found = session.execute(
                    select(DagRun.state, DagRun.start_date, DagRun.end_date).where(
                        DagRun.dag_id == dag_id, DagRun.run_id == run_id
                    )
                ).first()
                seen[dag_id, run_id] = (str(found[0]), found[1], found[2]) if found else None
            return seen[dag_id, run_id]

        def run_is_alive(dag_id: str, run_id: str) -> bool:
            """Queued, running, or ended within the grace (its own callbacks may still be closing its tasks)."""
            found = state_of(dag_id, run_id)
            return found is not None and (found[0] in ("queued", "running") or (found[2] or limit) > limit)

        def run_ended(dag_id: str, run_id: str) -> bool:
            """It exists and ended longer ago than the grace."""
            found = state_of(dag_id, run_id)
            return found is not None and found[0] in ("success", "failed") and (found[2] or limit) <= limit

        def timed_out(dag_id: str, run_id: str) -> bool:
            """Failed after running as long as its integration's run limit: ended by dagrun_timeout."""
            found = state_of(dag_id, run_id)
            if not found or found[0] != "failed" or not found[1] or not found[2]:
                return False
            allowed = run_limit(dag_id)
            return allowed is not None and found[2] - found[1] >= allowed

        ended_tasks = tasks.end_orphans(conn, run_is_alive, timed_out=timed_out)
        ended_tasks += tasks.end_unclaimed(conn, run_ended)
        inactive = tasks.end_inactive(conn, deactivated_before=limit)
        _fail_queued_runs(session, inactive)
        ended_tasks += inactive
    for task_id in ended_tasks:
        task = tasks.get_task(conn, task_id)
        logs.write(conn, task.integration_id, "log.task_failed", task_id=task_id, level="ERROR",
                   code=task.code, reason=task.failure_reason)  # fmt: skip
        alerts.after_task_ended(conn, task.integration_id)
    if ended_tasks:
        log.info("Ended %d task(s) of dead runs", len(ended_tasks))
    return ended_tasks


def run_limit(dag_id: str) -> timedelta | None:
    """The run time limit (dagrun_timeout) of an integration's DAG, from its partner type."""
    from include.integracoes.dag_factory import time_limits

    spec = CATALOG.get(type_of_dag(dag_id))
    return time_limits(spec)[1] if spec else None


def _fail_queued_runs(session: Any, task_ids: list[int]) -> None:
    """The queued runs requested for tasks ended because their integration is inactive: failed, so that
    reactivating it does not start runs for tasks that already ended (its paused DAG kept them queued)."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.state import DagRunState
    from sqlalchemy import select

    if not task_ids:
        return
    wanted = set(task_ids)
    for run in session.scalars(select(DagRun).where(DagRun.state == DagRunState.QUEUED)):
        if (run.conf or {}).get("task_id") in wanted:
            run.set_state(DagRunState.FAILED)
    session.commit()


def watch(interval_s: float | None = None, expiry_every_s: float = EXPIRY_EVERY_S) -> None:
    """The stack's reconciler process: the dead-run safety net and the late integrations' alerts every
    `interval_s` seconds; every `expiry_every_s`, the files and Airflow's logs past their retention periods, and
    the completeness of switched-off integrations' delivered days."""
    from include.integracoes import completeness, db, files, task_logs

    interval_s = interval_s or watch_interval_s()
    next_expiry = 0.0
    while True:
        try:
            with db.connect(autocommit=True) as conn:
                end_dead_runs(conn)
                alerts.check_late(conn)
                if time.monotonic() >= next_expiry:
                    if expired := files.expire_old(conn, files.retention_days()):
                        log.info("Expired %d file(s) past %d days", expired, files.retention_days())
                    if pruned := task_logs.prune(task_logs.base_folder(), task_logs.retention_days()):
                        log.info("Removed %d Airflow log file(s) past %d days", pruned, task_logs.retention_days())
                    if short := completeness.sweep(conn):
                        log.info("Alerted %d delivered day(s) short of rows that nothing will correct", short)
                    next_expiry = time.monotonic() + expiry_every_s
        except Exception:  # a database or metadata blip: try again next round
            log.exception("Dead-run reconciliation failed")
        time.sleep(interval_s)


def main() -> None:
    from include.integracoes import db

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--watch", action="store_true", help="keep running: end dead runs' tasks periodically")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    with db.connect() as conn:
        reconcile_all(conn)
    if args.watch:
        watch()


if __name__ == "__main__":
    main()
