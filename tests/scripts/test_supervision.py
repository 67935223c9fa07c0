"""The local stack's supervision with a real supervisord and stand-in components: a crashed component is
restarted, logs are rotated, stop ends every component with its children, and a stale PID file never makes
`stop` signal a stranger (nothing is signalled by a number read from a file)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts import supervision
from tests.stack_fixtures import alive

SUPERVISORD = Path(sys.executable).parent / "supervisord"
# A component that starts a child of its own (like the scheduler's executor) and writes to its log.
COMPONENT = (
    "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']);"
    "[print('x' * 1000, flush=True) or time.sleep(0.01) for _ in range(3000)]; time.sleep(600)"
)


def _wait(what: str, probe: object, timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := probe():  # type: ignore[operator]
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _running(run: Path) -> dict[str, int]:
    return {p["name"]: int(p["pid"]) for p in supervision.processes(run) if p["statename"] == "RUNNING"}


@contextmanager
def _supervisord(tmp_path: Path, components: dict[str, list[str]]) -> Iterator[Path]:
    run, logs = tmp_path / "run", tmp_path / "logs"
    run.mkdir()
    logs.mkdir()
    environ = {**os.environ, "INTEGRACOES_LOG_MAX_MB": "1", "INTEGRACOES_LOG_BACKUPS": "2"}
    conf = run / "supervisord.conf"
    conf.write_text(supervision.config_text(components, cwd=tmp_path, run_dir=run, log_dir=logs, environ=environ))
    supervision.launch(SUPERVISORD, conf, run, environ)
    try:
        yield run
    finally:
        supervision.shutdown(run, timeout=60)


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[Path]:
    with _supervisord(tmp_path, {name: [sys.executable, "-c", COMPONENT] for name in ("first", "second")}) as run:
        yield run


def test_a_crashed_component_is_restarted_and_stop_leaves_nothing(supervised: Path) -> None:
    # RUNNING: up for startsecs, so each stand-in has started its child.
    first = _wait("both components running", lambda: len(p := _running(supervised)) == 2 and p)
    assert isinstance(first, dict)
    children = [int(c) for c in subprocess.check_output(["pgrep", "-g", str(first["first"])]).split()]
    assert len(children) >= 2, "the component and its own child share its process group"

    os.killpg(first["first"], signal.SIGKILL)

    def back() -> dict[str, int] | None:
        pids = supervision.running_pids(supervised)
        return pids if pids.get("first", first["first"]) != first["first"] else None

    restarted = _wait("the crashed component back", back, timeout=30)
    assert isinstance(restarted, dict)
    assert restarted["second"] == first["second"], "the others are untouched"

    daemon = int((supervised / "supervisord.pid").read_text())
    assert supervision.shutdown(supervised, timeout=60)
    leftovers = [pid for pid in [*restarted.values(), *children, daemon] if alive(pid)]
    assert not leftovers, f"processes left after stop: {leftovers}"
    assert not supervision.shutdown(supervised, timeout=5), "a second stop finds nothing to stop"


def test_stop_ends_each_wave_at_once_and_the_next_only_after_it(tmp_path: Path) -> None:
    """Like the stack's stop: the API's users (each slow to wind down) together, then the API, then the rest."""
    record = tmp_path / "stopped.txt"

    def winding_down(name: str, seconds: float) -> list[str]:
        # Writes when its SIGTERM arrives and when it has wound down: the order of the stop, not its wall time.
        note = f"open({str(record)!r}, 'a').write('{name} %s ' + repr(time.time()) + chr(10))"
        on_term = f"{note % 'got'}, time.sleep({seconds}), {note % 'ended'}"
        code = f"import signal, sys, time; signal.signal(signal.SIGTERM, lambda *_: ({on_term}, sys.exit(0)))"
        return [sys.executable, "-c", code + "; time.sleep(600)"]

    # Started users first: supervisord's own order (the reverse) would stop the sandbox and the API first.
    users = {"user1", "user2", "user3"}
    components = {name: winding_down(name, 2) for name in sorted(users)}
    components |= {"api": winding_down("api", 0), "sandbox": winding_down("sandbox", 0)}
    with _supervisord(tmp_path, components) as run:
        _wait("every component running", lambda: len(_running(run)) == 5)
        assert supervision.shutdown(run, timeout=60, first=[users, {"api"}])
    at = {(name, event): float(t) for name, event, t in (line.split() for line in record.read_text().splitlines())}
    assert {name for name, _ in at} == set(components), "each component wound down on SIGTERM"
    got, ended = ({name: at[name, event] for name in components} for event in ("got", "ended"))
    # Together: every user had its SIGTERM before the first of them had wound down (one after the other, the
    # second would get its SIGTERM only after the first had ended).
    assert max(got[user] for user in users) < min(ended[user] for user in users), at
    assert max(ended[user] for user in users) <= got["api"], "the API is stopped only after its users"
    assert ended["api"] <= got["sandbox"], "the sandbox after the API"


def test_a_component_that_misses_its_sigterm_gets_another_before_the_sigkill(tmp_path: Path) -> None:
    """The scheduler now and then drops its SIGTERM (SystemExit raised inside a GC callback is ignored)."""
    record = tmp_path / "signals.txt"
    on_term = f"seen.append(open({str(record)!r}, 'a').write('TERM' + chr(10))), len(seen) > 1 and sys.exit(0)"
    code = f"import signal, sys, time; seen = []; signal.signal(signal.SIGTERM, lambda *_: ({on_term}))"
    with _supervisord(tmp_path, {"stubborn": [sys.executable, "-c", code + "; time.sleep(600)"]}) as run:
        _wait("the component running", lambda: _running(run))
        started = time.monotonic()
        assert supervision.shutdown(run, timeout=60, first=[{"stubborn"}])
        took = time.monotonic() - started
    assert record.read_text().split() == ["TERM", "TERM"]
    assert supervision.RESIGNAL_AFTER_S <= took < supervision.STOP_WAIT_S, f"{took:.1f}s: not the second SIGTERM"


def test_logs_are_rotated(supervised: Path) -> None:
    logs = supervised.parent / "logs"
    # Each component prints ~3 MB; with 1 MB files and 2 backups at most ~3 MB stays per component.
    _wait("a rotated log", lambda: (logs / "first.log.1").exists(), timeout=60)
    _wait("the component done printing", lambda: (logs / "first.log.2").exists(), timeout=60)
    time.sleep(1)
    sizes = [f.stat().st_size for f in logs.glob("first.log*")]
    assert len(sizes) <= 3, sorted(logs.iterdir())
    assert max(sizes) <= 1024 * 1024 + 4096


def test_a_stale_pid_file_never_makes_stop_signal_a_stranger(tmp_path: Path) -> None:
    """After a crash or a reboot the number in supervisord.pid may belong to anyone: stop reads no PID file."""
    run = tmp_path / "run"
    run.mkdir()
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (run / "supervisord.pid").write_text(str(stranger.pid))
        (run / "supervisor.sock").touch()  # a socket file left behind, nobody listening
        assert not supervision.shutdown(run, timeout=5)
        assert stranger.poll() is None, "the stranger was signalled"
    finally:
        stranger.kill()
        stranger.wait()


def test_a_literal_percent_survives_supervisords_expansion(tmp_path: Path) -> None:
    text = supervision.config_text(
        {"worker-1": ["airflow", "celery", "worker", "--celery-hostname", "worker-1@%h"]},
        cwd=tmp_path, run_dir=tmp_path, log_dir=tmp_path, environ={},
    )  # fmt: skip
    assert "worker-1@%%h" in text


def test_a_long_data_folder_gets_a_short_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 120) / "run"
    assert len(str(supervision.socket_path(deep))) <= 100
    assert supervision.socket_path(deep) == supervision.socket_path(deep)
