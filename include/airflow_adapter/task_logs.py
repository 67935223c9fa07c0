"""Airflow's own logs (one file per task try, the dag-processor's per file and day) are never removed by Airflow:
past their retention period the reconciler removes them, as the log groomer of Airflow's Helm chart does.

The product's run log (what clients read) lives in the application database and is not touched here.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from include import settings


def retention_days() -> int:
    """How long Airflow's logs are kept (days; 0 = forever): INTEGRACOES_TASK_LOG_RETENTION_DAYS."""
    return settings.current().task_log_retention_days


def base_folder() -> Path:
    from airflow.configuration import conf

    return Path(conf.get("logging", "base_log_folder"))


def prune(folder: Path, days: int, *, now: float | None = None) -> int:
    """Remove the files under `folder` last written more than `days` ago, then the folders left empty (never
    `folder` itself); returns how many files were removed. Streams the tree: no listing is held in memory."""
    if days <= 0 or not folder.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - days * 86_400
    removed = 0
    for current, _dirs, names in os.walk(folder, topdown=False):
        for name in names:
            path = os.path.join(current, name)
            try:
                if os.lstat(path).st_mtime < cutoff:
                    os.unlink(path)
                    removed += 1
            except FileNotFoundError:  # removed meanwhile (another reconciler)
                continue
        if current != str(folder):
            # Only succeeds when empty: a folder a running task writes to keeps its file.
            with contextlib.suppress(OSError):
                os.rmdir(current)
    return removed
