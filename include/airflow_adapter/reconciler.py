"""Desired state (application database) -> Airflow: partner pools exist, DAG pause state follows Situação.

Runs at start (`python -m include.airflow_adapter.reconciler`, from the stack's prepare step) and after every
save, in processes that may read and write Airflow's metadata (the api-server, the CLI; through `control`),
never in task code. With `--watch` it keeps running as the slow safety sweep (`end_dead_runs`): the
scheduler's own run-ended events close a run's tasks at once (`listeners`); this catches what they miss.
A DAG that does not exist yet is tolerated: the factory creates it paused or not from the same flag, and
the next reconciliation applies any later change.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import psycopg

from include import settings
from include.airflow_adapter import control
from include.connectors.catalog import CATALOG, TYPES
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


def partner_pools() -> list[control.PoolSpec]:
    """A pool per partner (its deliveries from every client), and the ERP extraction pool (an explicit setting
    always wins over the slots it has)."""
    slots = extraction_slots()
    return [
        *(control.PoolSpec(pool_for(spec.code), spec.partner_slots,
                           f"Entregas simultâneas ao parceiro {spec.name} (todos os clientes)") for spec in TYPES),
        control.PoolSpec(EXTRACTION_POOL, slots or DEFAULT_EXTRACTION_SLOTS,
                         "Extrações simultâneas do banco do ERP (todas as integrações)", resize=slots is not None),
    ]  # fmt: skip


def ensure_pools() -> list[str]:
    """Create the missing partner pools; existing ones keep the slots an operator may have tuned."""
    created = control.ensure_pools(partner_pools())
    if created:
        log.info("Created or sized pools: %s", ", ".join(created))
    return created


def request_reparse(integration_id: int) -> None:
    """Ask the dag-processor to parse the integration's shard file next (seconds, not the periodic interval)."""
    control.request_reparse(f"integracoes_shard_{shard_of(integration_id)}.py")


class AirflowReconciler:
    """The service layer's hook after an integration is saved."""

    def integration_saved(self, integration: Integration) -> None:
        # Its partner's pool exists: every type's is created when the stack starts (reconcile_all).
        request_reparse(integration.id)
        control.set_paused({integration.dag_id: not integration.runs})


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
    return len(states), control.set_paused(states)


def reconcile_all(conn: psycopg.Connection) -> None:
    """Pools exist; DAG pause state follows Situação (an integration whose type has no connector has no
    DAG to run: the registry skips it and its page says why)."""
    ensure_pools()
    reconciled, missing = sync_pause_state(conn)
    log.info("Reconciled %d integration(s); %d DAG(s) not parsed yet", reconciled, len(missing))


# A run's own failure callback ends its tasks with the precise reason; the safety net waits this long
# after the run ended before it steps in with its generic one (INTEGRACOES_DEAD_RUN_GRACE_S), and looks every
# INTEGRACOES_RECONCILE_EVERY_S seconds.
def dead_run_grace() -> timedelta:
    return timedelta(seconds=settings.current().dead_run_grace_s)


def watch_interval_s() -> float:
    return settings.current().reconcile_every_s


EXPIRY_EVERY_S = 3600.0  # files expire by the day: an hourly pass is plenty


def end_dead_runs(conn: psycopg.Connection, *, now: datetime | None = None) -> list[int]:
    """End pending tasks whose Airflow runs all ended (failed, succeeded without closing them) or vanished.

    The safety net of the dead-run rule: whatever kills a run, and even if its failure callback was
    lost, its tasks stop blocking the client within a minute instead of waiting for the next run.
    """
    limit = (now or datetime.now(UTC)) - dead_run_grace()
    seen: dict[tuple[str, str], control.RunState | None] = {}

    def state_of(dag_id: str, run_id: str) -> control.RunState | None:
        """The run's state, read once per pass."""
        if (dag_id, run_id) not in seen:
            seen[dag_id, run_id] = control.run_state(dag_id, run_id)
        return seen[dag_id, run_id]

    def run_is_alive(dag_id: str, run_id: str) -> bool:
        """Queued, running, or ended within the grace (its own callbacks may still be closing its tasks)."""
        found = state_of(dag_id, run_id)
        return found is not None and (found.state in ("queued", "running") or (found.ended or limit) > limit)

    def run_ended(dag_id: str, run_id: str) -> bool:
        """It exists and ended longer ago than the grace."""
        found = state_of(dag_id, run_id)
        return found is not None and found.state in ("success", "failed") and (found.ended or limit) <= limit

    def timed_out(dag_id: str, run_id: str) -> bool:
        """Failed after running as long as its integration's run limit: ended by dagrun_timeout."""
        found = state_of(dag_id, run_id)
        if not found or found.state != "failed" or not found.started or not found.ended:
            return False
        allowed = run_limit(dag_id)
        return allowed is not None and found.ended - found.started >= allowed

    ended_tasks = tasks.end_orphans(conn, run_is_alive, timed_out=timed_out)
    ended_tasks += tasks.end_unclaimed(conn, run_ended)
    # A queued run requested for one of these tasks finds it ended when its integration is reactivated, and
    # does nothing (run_steps.prepare).
    ended_tasks += tasks.end_inactive(conn, deactivated_before=limit)
    report_ended(conn, ended_tasks)
    if ended_tasks:
        log.info("Ended %d task(s) of dead runs", len(ended_tasks))
    return ended_tasks


def report_ended(conn: psycopg.Connection, task_ids: Iterable[int]) -> None:
    """What a task ended from outside its run leaves: a line in the integration's log, and its alert."""
    for task_id in task_ids:
        task = tasks.get_task(conn, task_id)
        logs.write(conn, task.integration_id, "log.task_failed", task_id=task_id, level="ERROR",
                   code=task.code, reason=task.failure_reason)  # fmt: skip
        alerts.after_task_ended(conn, task.integration_id)


def run_limit(dag_id: str) -> timedelta | None:
    """The run time limit (dagrun_timeout) of an integration's DAG, from its partner type."""
    from include.airflow_adapter.dag_factory import time_limits

    spec = CATALOG.get(type_of_dag(dag_id))
    return time_limits(spec)[1] if spec else None


def watch(interval_s: float | None = None, expiry_every_s: float = EXPIRY_EVERY_S) -> None:
    """The stack's reconciler process: the dead-run safety net and the late integrations' alerts every
    `interval_s` seconds; every `expiry_every_s`, the files and Airflow's logs past their retention periods, and
    the completeness of switched-off integrations' delivered days."""
    from include.airflow_adapter import task_logs
    from include.integracoes import completeness, db, files

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
