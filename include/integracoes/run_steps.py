"""The three Airflow tasks of every integration run: prepare, produce files, deliver.

They call the service layer (tasks, files, logs) and the integration's connector; XCom carries ids only.
Failures end the domain task as "Falha no envio" with a catalogued reason: at once when retrying cannot
help (credentials refused, file rejected), on the last Airflow try otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import psycopg

from include.connectors.base import Connector, Delivery, RunScope
from include.connectors.catalog import CATALOG, IncrementalWindow, OwnTimetable
from include.connectors.errors import (
    CredentialsRefusedError,
    DeliveryError,
    PartnerRejectedError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)
from include.connectors.registry import CONNECTORS
from include.integracoes import db, files, logs, tasks
from include.integracoes.integrations import decrypted_config
from include.integracoes.messages import format_count, format_size
from include.integracoes.tasks import FailureClass, Status, Task

log = logging.getLogger(__name__)

TIMEZONE = tasks.SAO_PAULO
_FETCH_ROWS = 5_000


# --- helpers -------------------------------------------------------------------------------------


def _connector(type_code: str) -> Connector:
    connector = CONNECTORS.get(type_code)
    if connector is None:
        raise LookupError(f"no connector implemented for type {type_code!r}")
    return connector()


def _integration(conn: psycopg.Connection, integration_id: int) -> dict[str, Any]:
    row = conn.execute(
        """SELECT i.tipo_codigo, i.tenant_id, (i.criada_em AT TIME ZONE 'America/Sao_Paulo')::date,
                  array(SELECT filial_id FROM integracao.integracao_filial f WHERE f.integracao_id = i.id ORDER BY 1)
           FROM integracao.integracao i WHERE i.id = %s""",
        (integration_id,),
    ).fetchone()
    if row is None:
        raise LookupError(f"integration {integration_id} no longer exists")
    return {"type_code": row[0], "tenant_id": row[1], "created_on": row[2], "branches": tuple(row[3])}


def _is_last_try(context: dict[str, Any]) -> bool:
    ti = context["ti"]
    return int(ti.try_number) > int(getattr(ti, "max_tries", 0) or 0)


def _task_ids(context: dict[str, Any]) -> list[int]:
    return list(context["ti"].xcom_pull(task_ids="preparar") or [])


def _fail_all(
    conn: psycopg.Connection, integration_id: int, task_ids: Sequence[int], failure: FailureClass, **params: object
) -> None:
    for task_id in task_ids:
        task = tasks.get_task(conn, task_id)
        if task.status in (Status.PENDING, Status.SENT):
            ended = tasks.mark_failed(conn, task_id, failure, **params)
            logs.write(conn, integration_id, "log.task_failed", task_id=task_id, level="ERROR",
                       code=ended.code, reason=ended.failure_reason)  # fmt: skip


# --- prepare -------------------------------------------------------------------------------------


def prepare(integration_id: int, **context: Any) -> list[int]:
    """Open (scheduled) or claim (manual, reprocess: conf["task_id"]) the domain tasks of this run."""
    dag_run = context["dag_run"]
    conf = dict(getattr(dag_run, "conf", None) or {})
    with db.connect(autocommit=True) as conn:
        info = _integration(conn, integration_id)
        claimed = []
        if conf.get("task_id"):
            claimed = [tasks.claim_task(conn, int(conf["task_id"]), integration_id, dag_run.dag_id, dag_run.run_id)]
        # Runs of one integration never interleave (max_active_runs=1): a pending task still attached
        # to an unfinished earlier run lost its worker. End it with a reason; its period is sent again.
        for orphan in tasks.end_orphans(conn, lambda _dag, run: run == dag_run.run_id, integration_id=integration_id):
            logs.write(conn, integration_id, "log.orphan_ended", task_id=orphan, level="WARNING",
                       code=tasks.get_task(conn, orphan).code)  # fmt: skip
        opened = claimed or _open_scheduled(conn, integration_id, info, dag_run)
        if not opened:
            logs.write(conn, integration_id, "log.nothing_to_send")
        for task in opened:
            logs.write(conn, integration_id, "log.task_opened", task_id=task.id, code=task.code,
                       start=f"{task.start:%d/%m/%Y}", end=f"{task.end:%d/%m/%Y}")  # fmt: skip
    return [task.id for task in opened]


def _open_scheduled(conn: psycopg.Connection, integration_id: int, info: dict[str, Any], dag_run: Any) -> list[Task]:
    policy = CATALOG[info["type_code"]].window
    days_back = 0 if isinstance(policy, IncrementalWindow) else policy.days_back
    first_day: date = info["created_on"] - timedelta(days=days_back)
    return tasks.open_scheduled_tasks(
        conn, integration_id, dag_id=dag_run.dag_id, run_id=dag_run.run_id, policy=policy,
        now=datetime.now(TIMEZONE), first_day=first_day,
    )  # fmt: skip


# --- extract + render + store --------------------------------------------------------------------


def _stream(conn: psycopg.Connection, sql: str, params: dict[str, Any]) -> tuple[list[str], Iterator[Sequence[Any]]]:
    """A server-side cursor: rows arrive in batches, memory stays flat whatever the period."""
    cursor = conn.cursor(name="extracao")
    cursor.itersize = _FETCH_ROWS
    cursor.execute(sql, params)
    columns = [c.name for c in cursor.description or ()]
    return columns, iter(cursor)


def produce_files(integration_id: int, **context: Any) -> list[int]:
    """For each task of the run: extract its period, render the partner's file into storage, record it."""
    task_ids = _task_ids(context)
    if not task_ids:
        return []
    with db.connect(autocommit=True) as conn:
        info = _integration(conn, integration_id)
        connector = _connector(info["type_code"])
        try:
            return [_produce_one(conn, connector, integration_id, info, task_id) for task_id in task_ids]
        except Exception:
            if _is_last_try(context):
                _fail_all(conn, integration_id, task_ids, FailureClass.INTERNAL_ERROR)
            raise


def _produce_one(
    conn: psycopg.Connection, connector: Connector, integration_id: int, info: dict[str, Any], task_id: int
) -> int:
    task = tasks.get_task(conn, task_id)
    scope = RunScope(integration_id, info["tenant_id"], info["branches"], task.start, task.end, task.code)
    name = connector.file_name(scope)
    # One snapshot for the rows and their totals, even while the ERP keeps selling.
    with psycopg.connect(db.database_url()) as reader:
        reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        columns, rows = _stream(reader, connector.sql(), scope.query_params())
        with files.writer(info["tenant_id"], integration_id, task_id, name) as (sink, path):
            result = connector.render(columns, rows, sink)
    file_id = files.record(
        conn, task_id, name=name, uri=str(path), size=sink.size, sha256=sink.sha256.hexdigest(),
        rows=result.rows, totals=result.totals,
    )  # fmt: skip
    logs.write(conn, integration_id, "log.extracted", task_id=task_id, rows=format_count(result.rows),
               branches=len(info["branches"]))  # fmt: skip
    logs.write(conn, integration_id, "log.file_generated", task_id=task_id, name=name, size=format_size(sink.size))
    return file_id


# --- deliver -------------------------------------------------------------------------------------


def deliver(integration_id: int, **context: Any) -> None:
    file_ids: list[int] = list(context["ti"].xcom_pull(task_ids="extrair_e_gerar_arquivo") or [])
    task_ids = _task_ids(context)
    with db.connect(autocommit=True) as conn:
        info = _integration(conn, integration_id)
        connector = _connector(info["type_code"])
        config = decrypted_config(conn, integration_id)
        for file_id in file_ids:
            _deliver_one(conn, connector, integration_id, file_id, config, context)
        for task_id in task_ids:
            if tasks.get_task(conn, task_id).status is Status.PENDING:
                tasks.mark_sent(conn, task_id)
            # No partner of this kind confirms later: delivered means done.
            if not isinstance(CATALOG[info["type_code"]].window, OwnTimetable):
                done = tasks.mark_completed(conn, task_id)
                logs.write(conn, integration_id, "log.task_completed", task_id=task_id, code=done.code)


def _deliver_one(
    conn: psycopg.Connection,
    connector: Connector,
    integration_id: int,
    file_id: int,
    config: dict[str, str],
    context: dict[str, Any],
) -> None:
    stored = files.get(conn, file_id)
    task = tasks.get_task(conn, stored.task_id)
    if stored.status == "sent" or files.delivered_before(conn, stored):
        files.set_status(conn, file_id, "sent")
        logs.write(conn, integration_id, "log.already_delivered", task_id=task.id, name=stored.name)
        return
    key = f"{integration_id}-{task.start:%Y%m%d}-{task.end:%Y%m%d}-{stored.sha256}"
    try:
        with files.open_stored(stored) as body:
            protocol = connector.deliver(Delivery(body, stored.size, stored.name, stored.sha256, key), config)
    except DeliveryError as error:
        log.warning("Delivery of %s failed: %s", stored.name, error)
        if error.permanent or _is_last_try(context):
            failure, params = _classify(error, int(context["ti"].try_number))
            reason = failure.reason("pt-BR", **params)
            files.set_status(conn, file_id, "failed", reason)
            _fail_all(conn, integration_id, [task.id], failure, **params)
            if error.permanent:
                from airflow.sdk.exceptions import AirflowFailException

                raise AirflowFailException(reason) from error
        raise
    files.set_status(conn, file_id, "sent")
    logs.write(conn, integration_id, "log.delivered", task_id=task.id, name=stored.name, protocol=protocol)


def _classify(error: DeliveryError, attempts: int) -> tuple[FailureClass, dict[str, object]]:
    if isinstance(error, CredentialsRefusedError):
        return FailureClass.CREDENTIALS_REFUSED, {}
    if isinstance(error, PartnerRejectedError):
        return FailureClass.PARTNER_REJECTED, {"detail": error.detail}
    if isinstance(error, PartnerTimeoutError):
        return FailureClass.TIMEOUT, {"attempts": attempts}
    if isinstance(error, PartnerUnavailableError):
        return FailureClass.PARTNER_UNAVAILABLE, {"status": error.status, "attempts": attempts}
    return FailureClass.INTERNAL_ERROR, {}
