"""The configured auth manager is FAB's, and Airflow writes no permission rows per DAG for it."""

from __future__ import annotations

import configparser
import importlib
import inspect
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def _configured() -> str:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO / "config" / "airflow.cfg")
    return parser.get("core", "auth_manager")


def import_string(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_the_configured_auth_manager_is_fabs() -> None:
    from airflow.providers.fab.auth_manager.fab_auth_manager import FabAuthManager

    assert issubclass(import_string(_configured()), FabAuthManager)


def test_parsing_syncs_no_per_dag_permissions_for_it() -> None:
    """Airflow 3.3 writes FAB's per-DAG resources (2 + 7 permissions per DAG, one commit each) only for an auth
    manager path containing "FabAuthManager": the class path configured must not; an upgrade that changes the
    rule fails here."""
    from airflow.dag_processing import collection

    source = inspect.getsource(collection._serialize_dag_capturing_errors)
    assert '"FabAuthManager" in conf.get("core", "auth_manager")' in source
    assert "FabAuthManager" not in _configured()


def test_it_syncs_nothing_when_asked_directly() -> None:
    cls = import_string(_configured())
    assert cls.sync_dag_perms(object(), session=None) is None  # no session used: nothing to write
