"""The integrations' timetables, registered so that the scheduler, the api-server and the dag-processor can
read back the schedules the DAG files declare (Airflow only deserializes custom timetables of plugins).

Kept apart from the application's plugin: it imports one small module, never the web application.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from include.airflow_adapter.schedules import DailySendTimetable, StaggeredIntervalTimetable


class IntegracoesTimetablesPlugin(AirflowPlugin):  # type: ignore[misc]  # Airflow is not type-checked here
    name = "integracoes_timetables"
    timetables = [StaggeredIntervalTimetable, DailySendTimetable]  # noqa: RUF012
