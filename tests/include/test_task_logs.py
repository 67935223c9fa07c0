"""Airflow's logs past their retention period are removed from the log folder; recent ones and the folder stay."""

from __future__ import annotations

import os
import time
from pathlib import Path

from include.airflow_adapter import task_logs

DAY = 86_400


def _file(path: Path, age_days: float, now: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("log")
    os.utime(path, (now - age_days * DAY, now - age_days * DAY))
    return path


def test_old_logs_and_the_folders_they_leave_empty_are_removed(tmp_path: Path) -> None:
    now = time.time()
    old_run = tmp_path / "dag_id=integracao_1_smarket" / "run_id=scheduled__2026-01-01" / "task_id=entregar"
    old = _file(old_run / "attempt=1.log", 31, now)
    kept_run = tmp_path / "dag_id=integracao_1_smarket" / "run_id=scheduled__2026-11-28" / "task_id=entregar"
    recent = _file(kept_run / "attempt=1.log", 2, now)
    mixed = tmp_path / "dag_processor" / "2026-10-01"
    _file(mixed / "old.log", 40, now)
    young_in_mixed = _file(mixed / "young.log", 1, now)

    assert task_logs.prune(tmp_path, 30, now=now) == 2
    assert not old.exists()
    assert not old_run.parent.exists(), "the run's folder, left empty, is removed"
    assert recent.exists()
    assert young_in_mixed.exists()
    assert tmp_path.is_dir()
    assert task_logs.prune(tmp_path, 30, now=now) == 0


def test_zero_days_keeps_everything(tmp_path: Path) -> None:
    now = time.time()
    kept = _file(tmp_path / "a" / "attempt=1.log", 400, now)
    assert task_logs.prune(tmp_path, 0, now=now) == 0
    assert kept.exists()
    assert task_logs.prune(tmp_path / "missing", 30, now=now) == 0
