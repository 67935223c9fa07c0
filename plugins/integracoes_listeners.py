"""The scheduler's run-ended events, heard by the product: a run's tasks close the moment Airflow ends it
(include/airflow_adapter/listeners.py).

Kept apart from the application's plugin: it imports one small module, never the web application.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from include.airflow_adapter import listeners


class IntegracoesListenersPlugin(AirflowPlugin):  # type: ignore[misc]  # Airflow is not type-checked here
    name = "integracoes_listeners"
    listeners = [listeners]  # noqa: RUF012
