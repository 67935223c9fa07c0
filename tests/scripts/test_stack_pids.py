"""A PID file is trusted only for the process that wrote it: `make stop` never signals a stranger that
reuses the number of a component that died (a crash, a reboot)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts import stack


class _Stack:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def pid_file(self, component: str) -> Path:
        return self.folder / f"{component}.pid"


@pytest.fixture
def child() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process
    process.kill()
    process.wait()


def test_the_process_that_wrote_its_pid_file_is_found(tmp_path: Path, child: subprocess.Popen[bytes]) -> None:
    fake = _Stack(tmp_path)
    fake.pid_file("scheduler").write_text(str(child.pid))
    assert stack._running_pid(fake, "scheduler") == child.pid  # type: ignore[arg-type]


def test_a_process_younger_than_the_pid_file_is_a_stranger(tmp_path: Path, child: subprocess.Popen[bytes]) -> None:
    fake = _Stack(tmp_path)
    path = fake.pid_file("scheduler")
    path.write_text(str(child.pid))
    an_hour_ago = time.time() - 3600  # the file outlived its process; the number now belongs to another one
    os.utime(path, (an_hour_ago, an_hour_ago))
    assert stack._running_pid(fake, "scheduler") is None  # type: ignore[arg-type]


def test_a_dead_process_or_a_broken_file_is_not_running(tmp_path: Path) -> None:
    fake = _Stack(tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    fake.pid_file("api-server").write_text(str(dead.pid))
    fake.pid_file("triggerer").write_text("not a pid")
    assert stack._running_pid(fake, "api-server") is None  # type: ignore[arg-type]
    assert stack._running_pid(fake, "triggerer") is None  # type: ignore[arg-type]
    assert stack._running_pid(fake, "dag-processor") is None  # type: ignore[arg-type]


def test_the_start_time_comes_from_proc() -> None:
    started = stack.process_start_time(os.getpid())
    assert started is not None
    assert time.time() - 3600 * 24 * 365 < started <= time.time()
