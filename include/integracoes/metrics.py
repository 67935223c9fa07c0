"""The product's metrics, sent through Airflow's own client (StatsD or OpenTelemetry, as `[metrics]` of the
Airflow configuration says; nothing is sent when metrics are off). Names (prefixed by `[metrics]
statsd_prefix`, "airflow" by default), documented in the README:

- `integracoes.tarefa.<situacao>.<tipo>` (counter): tasks that moved to sent, completed or failed (or back to
  pending: a reprocessing);
- `integracoes.falha.<classe>.<tipo>` (counter): failed tasks by reason class (partner_unavailable, ...);
- `integracoes.entrega.<tipo>` (timer, ms): how long one file took to reach the partner;
- `integracoes.bytes.<tipo>`, `integracoes.linhas.<tipo>` (counters): what was delivered.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def _stats() -> object:
    from include.airflow_adapter.runtime import stats

    return stats()


def task_moved(type_code: str, status: str, failure: str | None) -> None:
    _send("incr", f"integracoes.tarefa.{status}.{type_code}")
    if failure:
        _send("incr", f"integracoes.falha.{failure}.{type_code}")


def delivered(type_code: str, seconds: float, size: int, rows: int) -> None:
    _send("timing", f"integracoes.entrega.{type_code}", seconds * 1000)
    _send("incr", f"integracoes.bytes.{type_code}", size)
    _send("incr", f"integracoes.linhas.{type_code}", rows)


def _send(kind: str, name: str, value: float = 1) -> None:
    """A metric never fails the work it measures."""
    try:
        getattr(_stats(), kind)(name, value)
    except Exception:
        log.debug("Metric %s not sent", name, exc_info=True)
