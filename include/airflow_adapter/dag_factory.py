"""The one DAG factory: a registered integration -> its Airflow DAG (ARCHITECTURE "Runs").

Each run has three Airflow tasks: prepare (open or claim the domain tasks), extract+render+store
(one streaming step), deliver (on the partner's pool); a partner that sends to us adds a fourth, receive
and apply (on the same pool). XCom carries task ids, never rows. Definitions are
deterministic (no now(), sorted input), so re-parsing an unchanged registry serializes identical DAGs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from include import settings
from include.airflow_adapter import schedules
from include.connectors.catalog import CATALOG
from include.connectors.registry import is_available
from include.connectors.types import DailyWindow, Direction, IntegrationType, OwnTimetable
from include.integracoes.integrations import EXTRACTION_POOL, dag_id_for, pool_for
from include.integracoes.registry import RegisteredIntegration, read_shard, strict

log = logging.getLogger(__name__)

TIMEZONE = ZoneInfo("America/Sao_Paulo")
# Fixed and in the past: with catchup off, the scheduler starts from the latest interval.
START_DATE = datetime(2026, 1, 1, tzinfo=TIMEZONE)
RUN_STEPS = "include.airflow_adapter.run_steps"


def default_args() -> dict[str, Any]:
    """Every step's retries: the first after INTEGRACOES_RETRY_DELAY_S (the test stack shortens it to keep failure
    tests quick), then exponential backoff."""
    return {
        "owner": "integracoes",
        "retries": 3,
        "retry_delay": timedelta(seconds=settings.current().retry_delay_s),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=15),
    }


def time_limits(spec: IntegrationType) -> tuple[timedelta, timedelta]:
    """(step, run) limits of the partner's runs: its contract's, under the deployment's caps
    (INTEGRACOES_STEP_TIMEOUT_MIN, INTEGRACOES_RUN_TIMEOUT_MIN; unset = the partner's); a step never outlasts its
    run. A step that hangs (a partner that never answers, a lock in the ERP) is ended, retried, then failed with its
    reason; a whole run never holds its integration (max_active_runs=1) longer than its run limit."""
    current = settings.current()
    step_cap, run_cap = current.step_timeout_min, current.run_timeout_min
    run = min(spec.run_timeout_min, run_cap or spec.run_timeout_min)
    step = min(spec.step_timeout_min, step_cap or spec.step_timeout_min, run)
    return timedelta(minutes=step), timedelta(minutes=run)


def _schedule(integration: RegisteredIntegration) -> Any:
    """Own timetable (cron, the connector's contract), a daily send time, or the interval — each integration on
    a stable phase of its own (include/airflow_adapter/schedules.py)."""
    window = CATALOG[integration.type_code].window
    if isinstance(window, OwnTimetable):
        from airflow.sdk import CronTriggerTimetable, MultipleCronTriggerTimetable

        if len(window.crons) == 1:
            return CronTriggerTimetable(window.crons[0], timezone=str(TIMEZONE))
        return MultipleCronTriggerTimetable(*window.crons, timezone=str(TIMEZONE))
    if isinstance(window, DailyWindow):
        return schedules.daily_timetable(
            integration.id,
            integration.interval_minutes,
            send_at_s=schedules.daily_send_at(),
            spread_s=schedules.daily_spread_s(),
        )
    return schedules.interval_timetable(integration.id, integration.interval_minutes)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def _text(value: str) -> str:
    """A user's text inside the DAG's Markdown doc as text only: no link, image, HTML or heading can be made."""
    return _MARKDOWN.sub(r"\\\1", " ".join(value.split()))


def _doc(integration: RegisteredIntegration) -> str:
    spec = CATALOG[integration.type_code]
    return (
        f"### {_text(integration.description)}\n\n"
        f"Cliente **{_text(integration.tenant_name)}** · tipo **{spec.name}**"
        f" ({spec.transport}, {spec.file_format}).\n\n"
        f"Cadastro e tarefas: Integrações → integração {integration.id}."
    )


def build_dag(integration: RegisteredIntegration) -> Any:
    """The DAG of one integration."""
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import DAG

    from include.airflow_adapter import run_steps

    spec = CATALOG[integration.type_code]
    step_timeout, run_timeout = time_limits(spec)
    with DAG(
        dag_id=dag_id_for(integration.id, integration.type_code),
        schedule=_schedule(integration),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        dagrun_timeout=run_timeout,
        # Airflow ends a run past its timeout by skipping its steps: no step's failure callback runs, this does.
        on_failure_callback=run_steps.run_timed_out,
        is_paused_upon_creation=not integration.active,
        tags=[f"cliente:{integration.tenant_id}", f"tipo:{integration.type_code}", "integracoes"],
        doc_md=_doc(integration),
        description=integration.description[:200],
        default_args={**default_args(), "execution_timeout": step_timeout},
    ) as dag:
        arguments = {"integration_id": integration.id}
        # Every step ends the run's open tasks when it finally fails (run_steps.run_failed).
        on_failure = {"on_failure_callback": run_steps.run_failed}
        prepare = PythonOperator(
            task_id="preparar", python_callable=run_steps.prepare, op_kwargs=arguments, **on_failure
        )
        produce = PythonOperator(
            task_id="extrair_e_gerar_arquivo", python_callable=run_steps.produce_files, op_kwargs=arguments,
            pool=EXTRACTION_POOL, **on_failure,
        )  # fmt: skip
        deliver = PythonOperator(
            task_id="entregar",
            python_callable=run_steps.deliver,
            op_kwargs=arguments,
            pool=pool_for(spec.code),
            **on_failure,
        )
        prepare >> produce >> deliver
        if spec.direction is not Direction.OUT:  # the partner also sends to us (warehouse returns, catalogues)
            receive = PythonOperator(
                task_id="receber_e_aplicar", python_callable=run_steps.receive, op_kwargs=arguments,
                pool=pool_for(spec.code), **on_failure,
            )  # fmt: skip
            deliver >> receive
    return dag


def build_dags(integrations: Iterable[RegisteredIntegration]) -> dict[str, Any]:
    """DAGs by dag_id, sorted; one broken registration never hides the others (unless strict). A setting that
    cannot be read fails them all, naming it (an import error of the shard file), before any is built."""
    settings.current()
    dags: dict[str, Any] = {}
    for integration in sorted(integrations, key=lambda item: item.id):
        if integration.type_code in CATALOG and not is_available(integration.type_code):
            continue  # no connector implements the type: nothing could run (the integration shows why)
        try:
            if integration.type_code not in CATALOG:
                raise LookupError(f"unknown integration type {integration.type_code!r}")
            dag = build_dag(integration)
        except Exception:
            if strict():
                raise
            log.exception("Integration %s could not become a DAG; the others are unaffected", integration.id)
            continue
        dags[dag.dag_id] = dag
    return dags


def dags_of_shard(shard: int) -> dict[str, Any]:
    """What a shard file exposes: the DAGs of its integrations (only the one being run, at run time)."""
    from airflow.sdk import get_parsing_context

    wanted = get_parsing_context().dag_id
    integrations = read_shard(shard)
    if wanted:  # a task process needs one DAG: skip building the others
        integrations = [i for i in integrations if dag_id_for(i.id, i.type_code) == wanted]
    return build_dags(integrations)
