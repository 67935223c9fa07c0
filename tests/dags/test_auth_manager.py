"""The configured auth manager is FAB's, and Airflow writes no permission rows per DAG for it."""

from __future__ import annotations

import inspect


def _configured() -> str:
    """The class path as Airflow's own rule reads it (tests/conftest.py points Airflow at config/airflow.cfg)."""
    from airflow.configuration import conf

    return str(conf.get("core", "auth_manager"))


def test_the_configured_auth_manager_is_fabs() -> None:
    from airflow.api_fastapi.app import get_auth_manager_cls
    from airflow.providers.fab.auth_manager.fab_auth_manager import FabAuthManager

    assert issubclass(get_auth_manager_cls(), FabAuthManager)


def test_parsing_syncs_no_per_dag_permissions_for_it() -> None:
    """Airflow 3.3 writes FAB's per-DAG resources (2 + 7 permissions per DAG, one commit each) only for an auth
    manager path containing "FabAuthManager": the class path configured must not; an upgrade that changes the
    rule fails here."""
    from airflow.dag_processing import collection

    source = inspect.getsource(collection._serialize_dag_capturing_errors)
    assert '"FabAuthManager" in conf.get("core", "auth_manager")' in source
    assert "FabAuthManager" not in _configured()


def test_it_syncs_nothing_when_asked_directly() -> None:
    from airflow.api_fastapi.app import get_auth_manager_cls

    cls = get_auth_manager_cls()
    assert cls.sync_dag_perms(object(), session=None) is None  # no session used: nothing to write
