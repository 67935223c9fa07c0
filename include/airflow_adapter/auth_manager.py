"""The deployment's auth manager: Flask-AppBuilder's, without a permission set per DAG.

FAB's auth manager makes every DAG a resource of its own: each parse of a DAG file looks up (and the first
time creates) 2 resources and 7 permissions per DAG, one query and one commit at a time. At 5,000
integrations that was 80-90 % of the dag-processor's time (cold start and every re-parse alike). The product
grants DAG access by role only (global "DAGs" / "DAG Runs" permissions, never `access_control`), so those rows
grant nothing: the roles' global permissions keep working unchanged.

Airflow 3.3 syncs the per-DAG rows only when `[core] auth_manager` names a class path containing
"FabAuthManager" (airflow/dag_processing/collection.py); this subclass is configured under another name, and
also answers the auth manager's own `sync_dag_perms` with nothing for the versions that call it instead.
tests/dags/test_auth_manager.py pins this behaviour of the installed Airflow. One more effect of the name:
`airflow db clean` no longer lists FAB's web-session table (`session`) among the tables it cleans.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.fab.auth_manager.fab_auth_manager import FabAuthManager


class IntegracoesAuthManager(FabAuthManager):  # type: ignore[misc]  # Airflow is not type-checked here
    @staticmethod
    def sync_dag_perms(dag: Any, *, session: Any) -> None:
        """No per-DAG resources or permissions: access to DAGs is granted by role."""
