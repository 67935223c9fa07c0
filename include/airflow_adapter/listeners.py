"""The scheduler's run-ended events (Airflow listeners): a run's tasks are closed the moment Airflow ends it.

- A run past its time limit (`dagrun_timeout`): the scheduler skips its unfinished steps, so no step's failure
  callback runs; its tasks end here with the time-limit reason and the step that was running. (The DAG's own
  failure callback says the same later, from the dag-processor, and finds them already ended.)
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
    if msg == TIMED_OUT:
        close_run(dag_run.dag_id, dag_run.run_id, timed_out_in=_running_step(dag_run))


def close_run(dag_id: str, run_id: str, *, timed_out_in: str | None = None) -> list[int]:
    """End the Pendente tasks whose only unfinished attempt is this run, which Airflow has just ended (as lost,
    or past its time limit when `timed_out_in` names the step that was running); returns their ids. Never
    raises: the scheduler calls it."""
    from include.integracoes.integrations import integration_of_dag

    integration_id = integration_of_dag(dag_id)
    if integration_id is None:
        return []
    try:
        from include.airflow_adapter.reconciler import report_ended
        from include.integracoes import db, tasks

        with db.connect(autocommit=True) as conn:
            ended = tasks.end_orphans(
                conn,
                lambda dag, run: (dag, run) != (dag_id, run_id),
                integration_id=integration_id,
                timed_out=lambda _dag, _run: timed_out_in is not None,
                timeout_step=timed_out_in,
            )
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
