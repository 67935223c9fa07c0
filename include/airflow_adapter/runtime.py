"""What the service layer and the connectors borrow from Airflow's runtime, each behind one function.

Airflow is imported inside each function: the service modules are imported by DAG files, the plugin and
scripts, and most of them never need these.
"""

from __future__ import annotations

from typing import Any


def fernet() -> Any:
    """Airflow's Fernet (MultiFernet with the configured keys, rotation included): it also encrypts the
    partners' credentials at rest."""
    from airflow.models.crypto import get_fernet

    return get_fernet()


def mask_secret(value: str) -> None:
    """Register a secret with Airflow's log masker: no log line of this process shows it."""
    from airflow.sdk.log import mask_secret as airflow_mask_secret

    airflow_mask_secret(value)


def stats() -> Any:
    """Airflow's metrics client (StatsD or OpenTelemetry, as `[metrics]` says; a no-op when metrics are off)."""
    from airflow.sdk.observability.stats import Stats

    return Stats


def object_storage_path(url: str, conn_id: str | None = None) -> Any:
    """A path on the file store (local folder, S3 …) through Airflow's ObjectStoragePath (fsspec)."""
    from airflow.sdk import ObjectStoragePath

    return ObjectStoragePath(url, conn_id=conn_id) if conn_id else ObjectStoragePath(url)


def is_step_timeout(error: object) -> bool:
    """The error is Airflow ending a step that outlasted its execution_timeout."""
    from airflow.sdk.exceptions import AirflowTaskTimeout

    return isinstance(error, AirflowTaskTimeout)
