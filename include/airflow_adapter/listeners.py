"""The scheduler's run-ended events (Airflow listeners): a run's tasks are closed the moment Airflow ends it.

- A run past its time limit (`dagrun_timeout`): the scheduler skips its unfinished steps, so no step's failure
  callback runs; its tasks end here as the DAG's own failure callback ends them (the time-limit reason naming
  the step that was running; the log, the notification addresses, the alert), without waiting for that callback
  to run in the dag-processor, which then finds them already ended.
- A run that succeeded while a task it took is still Pendente (a step that returned without finishing it):
  that task ends as lost, instead of blocking its period until the sweep.
- A run that failed otherwise is left to its failed step's callback: it knows the precise reason, and runs
  after the scheduler may already have seen the failure.

The reconciler's sweep (`reconciler.end_dead_runs`) stays as the slow safety net for what no event reports: a
killed scheduler, a lost event. Registered by plugins/integracoes_listeners.py; this module is imported by
every Airflow process that loads plugins, so it imports the product only when a run ends.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.listeners import hookimpl

log = logging.getLogger(__name__)

TIMED_OUT = "timed_out"  # the scheduler's message for a run ended by its dagrun_timeout


@hookimpl  # type: ignore[untyped-decorator]  # pluggy's marker, untyped
def on_dag_run_success(dag_run: Any, msg: str) -> None:
    close_run(dag_run.dag_id, dag_run.run_id)


@hookimpl  # type: ignore[untyped-decorator]  # pluggy's marker, untyped
def on_dag_run_failed(dag_run: Any, msg: str) -> None:
    if msg != TIMED_OUT:
        return
    try:  # what the DAG's own failure callback does, at once: reason, log, notification addresses, alert
        from include.airflow_adapter import run_steps
        from include.integracoes.integrations import integration_of_dag
        from include.integracoes.tasks import FailureClass

        if integration_of_dag(dag_run.dag_id) is not None:
            step = _running_step(dag_run) or "execução"
            conf = getattr(dag_run, "conf", None)
            run_steps.end_run(dag_run.dag_id, dag_run.run_id, conf, FailureClass.RUN_TIMEOUT, {"step": step})
    except Exception:  # the DAG's callback and the sweep end them later
        log.exception("Could not end the tasks of timed-out run %s of %s", dag_run.run_id, dag_run.dag_id)


def close_run(dag_id: str, run_id: str) -> list[int]:
    """End the Pendente tasks whose only unfinished attempt is this run, which Airflow has just ended, as lost;
    returns their ids. Never raises: the scheduler calls it."""
    from include.integracoes.integrations import integration_of_dag

    integration_id = integration_of_dag(dag_id)
    if integration_id is None:
        return []
    try:
        from include.airflow_adapter.reconciler import report_ended
        from include.integracoes import db, tasks

        def alive(dag: str, run: str) -> bool:  # every run but this one, which Airflow has just ended
            return (dag, run) != (dag_id, run_id)

        with db.connect(autocommit=True) as conn:
            ended = tasks.end_orphans(conn, alive, integration_id=integration_id)
            report_ended(conn, ended)
    except Exception:  # the sweep ends them later
        log.exception("Could not close the tasks of run %s of %s", run_id, dag_id)
        return []
    if ended:
        log.info("Ended %d task(s) of run %s of %s as it ended", len(ended), run_id, dag_id)
    return ended


def _running_step(dag_run: Any) -> str | None:
    """The label of the step that had started last in the run (the one the time limit cut short)."""
    from include.integracoes.failures import STEP_LABELS

    try:
        started = [ti for ti in dag_run.get_task_instances() if ti.start_date is not None]
    except Exception:  # the step is a detail of the reason: the whole run is named instead
        return None
    if not started:
        return None
    last = max(started, key=lambda ti: ti.start_date).task_id
    return STEP_LABELS.get(str(last), str(last))
