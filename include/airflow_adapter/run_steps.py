"""The Airflow tasks of every integration run: prepare, produce files, deliver — and, for a partner that
sends to us, receive and apply —; and the callback that ends a dead run's tasks.

They call the service layer (tasks, files, logs) and the integration's connector; XCom carries ids only.
A step that fails ends its domain tasks as "Falha no envio" with a catalogued reason: at once when
retrying cannot help (credentials refused, file rejected, data outside the layout, no connector), on the
last Airflow try otherwise; whatever else kills a run (an unexpected exception, a timeout, a lost worker)
is caught by `run_failed`, the failure callback of every step, and a run past its time limit by
`run_timed_out`, the DAG's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg

from include.connectors import export
from include.connectors.base import Confirmation, Connector, DataSet, Delivery, RunScope
from include.connectors.errors import ConnectorError
from include.connectors.inbound import Inbound, Target
from include.connectors.registry import connector_for
from include.connectors.types import IncrementalWindow
from include.integracoes import (
    alerts,
    completeness,
    db,
    failures,
    files,
    logs,
    metrics,
    notifications,
    receiving,
    run_scope,
    tasks,
)
from include.integracoes.integrations import decrypted_config
from include.integracoes.messages import DEFAULT_LANGUAGE, format_count, format_size
from include.integracoes.tasks import Status, Task

log = logging.getLogger(__name__)

TIMEZONE = tasks.SAO_PAULO


def _is_last_try(context: dict[str, Any]) -> bool:
    ti = context["ti"]
    return int(ti.try_number) > int(getattr(ti, "max_tries", 0) or 0)


def _task_ids(context: dict[str, Any]) -> list[int]:
    return list(context["ti"].xcom_pull(task_ids="preparar") or [])


def _fail_tasks(
    conn: psycopg.Connection,
    integration_id: int,
    task_ids: Sequence[int],
    failure: tasks.FailureClass,
    **params: object,
) -> None:
    for task_id in task_ids:
        if tasks.get_task(conn, task_id).status in (Status.PENDING, Status.SENT):
            ended = tasks.mark_failed(conn, task_id, failure, **params)
            logs.write(conn, integration_id, "log.task_failed", task_id=task_id, level="ERROR",
                       code=ended.code, reason=ended.failure_reason)  # fmt: skip
            _notify_failure(conn, integration_id, ended)


def _notify_failure(conn: psycopg.Connection, integration_id: int, task: Task) -> None:
    """The integration's notification addresses hear of a failed task (and of its alert, when it is the
    Nth failure in a row); a notice never fails the run."""
    try:
        config = decrypted_config(conn, integration_id)
        notifications.task_failed(conn, integration_id, config, task.code, task.failure_reason or "")
        alerts.after_task_ended(conn, integration_id, task.failure_class)
    except Exception:
        log.exception("Failure notice of task %s not sent", task.id)


def _end_on_error(
    conn: psycopg.Connection,
    integration: run_scope.Subject,
    integration_id: int,
    task_ids: Sequence[int],
    error: ConnectorError,
    context: dict[str, Any],
) -> None:
    """A connector error ends the tasks now when it is permanent or this was the last try; a permanent
    one also ends the Airflow task without retries."""
    log.warning("Step failed: %s", error)
    if not (error.permanent or _is_last_try(context)):
        return
    failure, params = failures.classify(error, attempts=int(context["ti"].try_number), type_name=integration.type_name)
    _fail_tasks(conn, integration_id, task_ids, failure, **params)
    if error.permanent:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(failure.reason(DEFAULT_LANGUAGE, **params)) from error


# --- prepare -------------------------------------------------------------------------------------


def prepare(integration_id: int, **context: Any) -> list[int]:
    """Open (scheduled) or claim (manual, reprocess: conf["task_id"]) the domain tasks of this run."""
    dag_run = context["dag_run"]
    conf = dict(getattr(dag_run, "conf", None) or {})
    with db.connect(autocommit=True) as conn:
        integration = run_scope.load(conn, integration_id)
        claimed = []
        if conf.get("task_id"):
            requested = tasks.find_task(conn, int(conf["task_id"]))
            if requested and requested.integration_id == integration_id and requested.status is not Status.PENDING:
                # Ended while this run waited in the queue (its integration was switched off, and the
                # reconciler ended it): nothing left to do.
                log.info("Task %s already ended (%s): nothing to run", requested.id, requested.status.value)
                return []
            claimed = [tasks.claim_task(conn, int(conf["task_id"]), integration_id, dag_run.dag_id, dag_run.run_id)]
        try:
            connector = connector_for(integration.type_code)
        except ConnectorError as error:
            _end_on_error(conn, integration, integration_id, [t.id for t in claimed], error, context)
            raise
        # Runs of one integration never interleave (max_active_runs=1): a pending task still attached
        # to an unfinished earlier run lost its worker. End it with a reason; its period is sent again.
        for orphan in tasks.end_orphans(conn, lambda _dag, run: run == dag_run.run_id, integration_id=integration_id):
            logs.write(conn, integration_id, "log.orphan_ended", task_id=orphan, level="WARNING",
                       code=tasks.get_task(conn, orphan).code)  # fmt: skip
        opened = claimed or _open_scheduled(conn, connector, integration_id, integration, dag_run)
        for task in opened:
            logs.write(conn, integration_id, "log.task_opened", task_id=task.id, code=task.code,
                       start=f"{task.start:%d/%m/%Y}", end=f"{task.end:%d/%m/%Y}")  # fmt: skip
            if task.origin is tasks.Origin.CORRECTION:
                logs.write(conn, integration_id, "log.correction_opened", task_id=task.id, code=task.code,
                           day=f"{task.start:%d/%m/%Y}")  # fmt: skip
    return [task.id for task in opened]


def _open_scheduled(
    conn: psycopg.Connection, connector: Connector, integration_id: int, integration: run_scope.Subject, dag_run: Any
) -> list[Task]:
    policy = connector.spec.window
    incremental = isinstance(policy, IncrementalWindow)

    def has_new_data(span: tasks.IncrementalSpan) -> bool:
        scope = run_scope.scope(integration_id, integration, span.start.date(), span.end.date(), 0, span)
        config = decrypted_config(conn, integration_id)
        return any(_has_rows(d, s) for d in connector.datasets for s in d.scopes(scope, config))

    def came_late(task: Task) -> bool:  # each delivered day's completeness is recorded on the way
        return completeness.verify(conn, connector, task, tenant_id=integration.tenant_id,
                                   branches=integration.branches) > 0  # fmt: skip

    opened = tasks.open_scheduled_tasks(
        conn, integration_id, dag_id=dag_run.dag_id, run_id=dag_run.run_id, policy=policy,
        now=datetime.now(TIMEZONE), first_day=run_scope.first_day(integration),
        has_new_data=has_new_data if incremental else None, came_late=None if incremental else came_late,
    )  # fmt: skip
    if not opened:
        logs.write_once(conn, integration_id, "log.nothing_new" if incremental else "log.nothing_to_send")
    return opened


def _has_rows(dataset: DataSet, scope: RunScope) -> bool:
    with psycopg.connect(db.database_url()) as reader:
        found = reader.execute(f"SELECT EXISTS ({dataset.sql()})", scope.query_params()).fetchone()
    return bool(found and found[0])


# --- extract + render + store --------------------------------------------------------------------


def produce_files(integration_id: int, **context: Any) -> list[int]:
    """For each task of the run and each data set of its partner: render the file into storage, record it."""
    task_ids = _task_ids(context)
    if not task_ids:
        return []
    with db.connect(autocommit=True) as conn:
        integration = run_scope.load(conn, integration_id)
        config = decrypted_config(conn, integration_id)
        file_ids: list[int] = []
        for task_id in task_ids:
            try:
                connector = connector_for(integration.type_code)  # inside: an error ends this task
                task = tasks.get_task(conn, task_id)
                scope = run_scope.scope(integration_id, integration, task.start, task.end, task.code, task)
                produced = (
                    _produce_one(conn, dataset, file_scope, task_id)
                    for dataset in connector.datasets
                    for file_scope in dataset.scopes(scope, config)
                )
                file_ids += [file_id for file_id in produced if file_id is not None]
            except ConnectorError as error:
                _end_on_error(conn, integration, integration_id, [task_id], error, context)
                raise
        return file_ids


def _produce_one(conn: psycopg.Connection, dataset: DataSet, scope: RunScope, task_id: int) -> int | None:
    """The file of one data set for one task, or None when an incremental window has nothing for it."""
    name = dataset.name_for(scope)
    # Reprocessing (or retrying) a task whose delivery may already have reached the partner sends the very
    # bytes it rendered then: rendering data changed since would send the partner a second, different file of
    # the period under the same name (SFTP and S3 refuse it for good), and overwrite the stored one.
    if (earlier := files.rendered_before(conn, task_id, name)) is not None:
        return earlier
    # An incremental window sends no empty file. A window of a busy chain often has orders of some branches only,
    # and a warehouse refuses an empty order file; a sale cancelled between the window's cut and its export
    # leaves it out, and an event partner gets no empty body. The task then ends with what it has, or with
    # nothing. A daily file of no rows is sent: for a daily partner it says nothing happened that day.
    if scope.snapshot_end is not None and not _has_rows(dataset, scope):
        return None
    with files.writer(scope.tenant_id, scope.integration_id, task_id, name) as (sink, path):
        result = export.export_dataset(db.database_url(), dataset, scope, sink)
    file_id = files.record(
        conn, task_id, name=name, uri=str(path), size=sink.size, sha256=sink.sha256.hexdigest(),
        rows=result.rows, totals=result.totals, dataset=dataset.name, content_type=dataset.content_type,
        snapshot=result.snapshot,
    )  # fmt: skip
    logs.write(conn, scope.integration_id, "log.exported", task_id=task_id, name=name,
               rows=format_count(result.rows), size=format_size(sink.size))  # fmt: skip
    return file_id


# --- deliver -------------------------------------------------------------------------------------


def deliver(integration_id: int, **context: Any) -> None:
    file_ids: list[int] = list(context["ti"].xcom_pull(task_ids="extrair_e_gerar_arquivo") or [])
    task_ids = _task_ids(context)
    with db.connect(autocommit=True) as conn:
        integration = run_scope.load(conn, integration_id)
        connector = connector_for(integration.type_code)
        config = decrypted_config(conn, integration_id)
        for file_id in file_ids:
            stored = files.get(conn, file_id)
            try:
                _deliver_one(conn, connector, integration_id, stored, config, integration.type_code)
            except ConnectorError as error:
                if error.permanent or _is_last_try(context):
                    failure, params = failures.classify(error, attempts=int(context["ti"].try_number))
                    files.set_status(conn, file_id, "failed", failure.reason(DEFAULT_LANGUAGE, **params))
                _end_on_error(conn, integration, integration_id, [stored.task_id], error, context)
                raise
        if connector.inbox is None:  # a partner that also sends to us: its tasks end after receiving
            for task_id in task_ids:
                _close(conn, connector, integration_id, task_id)


def _deliver_one(
    conn: psycopg.Connection,
    connector: Connector,
    integration_id: int,
    stored: files.StoredFile,
    config: dict[str, str],
    type_code: str,
) -> None:
    task = tasks.get_task(conn, stored.task_id)
    if stored.status == "sent" or files.delivered_before(conn, stored):
        files.set_status(conn, stored.id, "sent")
        logs.write(conn, integration_id, "log.already_delivered", task_id=task.id, name=stored.name)
        return
    # Idempotency key = integration + period + content: a retry or a crash never delivers twice.
    key = f"{integration_id}-{task.start:%Y%m%d}-{task.end:%Y%m%d}-{stored.sha256}"
    with files.open_stored(stored) as body:
        delivery = Delivery(
            body,
            stored.size,
            stored.name,
            stored.sha256,
            key,
            stored.content_type,
            stored.dataset,
            task.start,
            task.end,
        )
        started = time.monotonic()
        receipt = connector.deliver(delivery, config)
    metrics.delivered(type_code, time.monotonic() - started, stored.size, stored.rows)
    files.set_status(conn, stored.id, "sent")
    logs.write(conn, integration_id, "log.delivered", task_id=task.id, name=stored.name, protocol=receipt.protocol)


def _close(conn: psycopg.Connection, connector: Connector, integration_id: int, task_id: int) -> None:
    if tasks.get_task(conn, task_id).status is Status.PENDING:
        completeness.delivered(conn, connector, tasks.mark_sent(conn, task_id))
    if connector.confirmation is Confirmation.ON_DELIVERY:
        done = tasks.mark_completed(conn, task_id)
        logs.write(conn, integration_id, "log.task_completed", task_id=task_id, code=done.code)
    try:  # a delivery closes the integration's alert, if one was open ("back to normal")
        alerts.after_task_ended(conn, integration_id)
    except Exception:
        log.exception("Alert state of integration %s not updated", integration_id)


# --- receive + apply (partners that send to us) ----------------------------------------------------


def receive(integration_id: int, **context: Any) -> None:
    """Fetch, keep, apply and acknowledge what the partner offers; then end the run's tasks.

    Received files are listed under the run's task; a run that opened none (nothing to send) opens one
    when the first file arrives, so a wake-up with nothing offered leaves no empty task behind.
    """
    dag_run = context["dag_run"]
    task_ids = _task_ids(context)
    with db.connect(autocommit=True) as conn:
        integration = run_scope.load(conn, integration_id)
        connector = connector_for(integration.type_code)
        opened: list[int] = []

        def task_for() -> int:
            if task_ids or opened:
                return (task_ids or opened)[0]
            task = tasks.open_receiving_task(conn, integration_id, dag_id=dag_run.dag_id, run_id=dag_run.run_id,
                                             day=datetime.now(TIMEZONE).date())  # fmt: skip
            logs.write(conn, integration_id, "log.task_opened", task_id=task.id, code=task.code,
                       start=f"{task.start:%d/%m/%Y}", end=f"{task.end:%d/%m/%Y}")  # fmt: skip
            opened.append(task.id)
            return task.id

        config = decrypted_config(conn, integration_id)

        def after_applied(inbound: Inbound, target: Target) -> None:
            summary = inbound.summary(conn, target)
            if summary is not None:
                notifications.reconciliation_summary(conn, integration_id, config, *summary)

        receiver = receiving.Receiver(
            conn, connector, integration_id, integration.tenant_id, integration.branches, config, task_for,
            after_applied,
        )  # fmt: skip
        try:
            applied = receiver.receive_all()
        except ConnectorError as error:
            _end_on_error(conn, integration, integration_id, task_ids or opened, error, context)
            raise
        if not applied and not task_ids and not opened:
            logs.write_once(conn, integration_id, "log.nothing_received")
        for task_id in task_ids + opened:
            _close(conn, connector, integration_id, task_id)


# --- dead runs -----------------------------------------------------------------------------------


def run_failed(context: dict[str, Any]) -> None:
    """Failure callback of every step: end the run's open tasks now, with a truthful reason.

    Runs after the step's last try (in the worker, or in the dag-processor for a worker that died).
    Tasks a step already ended are left as they are; the reconciler is the safety net if this is lost.
    """
    dag_run, ti = context.get("dag_run"), context.get("ti")
    if dag_run is None or ti is None:
        return
    error = context.get("exception")
    failure, params = failures.classify(error, step=str(ti.task_id))
    end_run(dag_run.dag_id, dag_run.run_id, getattr(dag_run, "conf", None), failure, params)


def run_timed_out(context: dict[str, Any]) -> None:
    """Failure callback of the DAG: a run past its `dagrun_timeout` ends its open tasks with that reason.

    The scheduler ends such a run by skipping its unfinished steps — no step fails, so no step's callback
    runs — and asks the dag-processor to run this one, with reason "timed_out" and, when a step had started,
    that step as `ti`. Any other reason is a step's failure, whose own callback already ended the tasks.
    """
    if context.get("reason") != "timed_out":
        return
    dag_run, ti, dag = context.get("dag_run"), context.get("ti"), context.get("dag")
    dag_id = dag_run.dag_id if dag_run is not None else getattr(dag, "dag_id", None)
    run_id = dag_run.run_id if dag_run is not None else context.get("run_id")
    if not dag_id or not run_id:
        return
    step = failures.STEP_LABELS.get(str(ti.task_id), "execução") if ti is not None else "execução"
    end_run(dag_id, run_id, getattr(dag_run, "conf", None), tasks.FailureClass.RUN_TIMEOUT, {"step": step})


def end_run(
    dag_id: str, run_id: str, conf: dict[str, Any] | None, failure: tasks.FailureClass, params: dict[str, object]
) -> None:
    """End the open tasks of an Airflow run (or the pending task a manual run was asked for, if it never
    took it) as failed with `failure`: the integration's log, its notification addresses and its alert hear
    of each, as of any failed task."""
    with db.connect(autocommit=True) as conn:
        open_tasks = tasks.open_tasks_of_run(conn, dag_id, run_id)
        conf_task = (conf or {}).get("task_id")
        if conf_task and not open_tasks:
            # The task it was asked for, if it never took it. One it took and ended may be pending again by
            # now (Reprocessar, right after the failure, while this callback still ran): another run's task.
            task = tasks.find_task(conn, int(conf_task))
            never_taken = task is not None and not tasks.claimed_by_run(conn, task.id, dag_id, run_id)
            open_tasks = [task] if task and task.status is Status.PENDING and never_taken else []
        for task in open_tasks:
            _fail_tasks(conn, task.integration_id, [task.id], failure, **params)
