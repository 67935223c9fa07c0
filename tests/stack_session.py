"""The process that owns a test stack: `python -m tests.stack_session FOLDER`.

Started in the background by the first test process that needs the stack (see `tests/stack_fixtures.py`), so
that the stack boots while the tests that need none run, and shared by every test process of the session
(pytest-xdist workers included). It:

1. collects the stack's StatsD metrics on a UDP port of its own (the product's lines only, appended to
   `metrics.log`: any test process reads them);
2. starts, when asked (`settings.json`: "own_app_database"), an embedded PostgreSQL for the application
   database, so that a test may stop and restart it under the running stack;
3. writes the stack's environment to `env.json`, runs the README's start command (`make demo`) and writes its
   exit status and output to `boot.json`;
4. keeps collecting metrics until it is terminated (after `make stop`, by the process that ends the session).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 600
_NOT_INHERITED = {"AIRFLOW_DATABASE_URL", "INTEGRACOES_DATABASE_URL", "AIRFLOW_HOME", "AIRFLOW_CONFIG"}


def main(folder: Path) -> None:
    settings = json.loads((folder / "settings.json").read_text())
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    # The test process's own Airflow settings (conftest points AIRFLOW_HOME at a scratch folder) never leak in:
    # the stack has its own, and its databases are the embedded ones unless the settings name others.
    env = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    env.update(settings["environment"])
    env.update(
        {
            # Airflow's StatsD client in every component sends to this process (the product's metrics).
            "AIRFLOW__METRICS__STATSD_ON": "True",
            "AIRFLOW__METRICS__STATSD_HOST": "127.0.0.1",
            "AIRFLOW__METRICS__STATSD_PORT": str(sink.getsockname()[1]),
        }
    )
    if settings.get("own_app_database"):
        env["INTEGRACOES_DATABASE_URL"] = _own_app_database(folder / "appdb")
    _write(folder / "env.json", env)
    started_at = time.monotonic()
    try:
        started = subprocess.run(
            ["make", "demo"], cwd=REPO, env=env, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False
        )
        boot = {"returncode": started.returncode, "output": started.stdout + started.stderr,
                "seconds": round(time.monotonic() - started_at, 1)}  # fmt: skip
    except subprocess.TimeoutExpired as error:
        boot = {"returncode": -1, "output": f"`make demo` timed out after {START_TIMEOUT_S}s:\n{error.stdout or ''}"}
    _write(folder / "boot.json", boot)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with (folder / "metrics.log").open("a", encoding="utf-8") as log:
        while True:
            datagram = sink.recv(65535)
            lines = [line for line in datagram.decode(errors="replace").splitlines() if ".integracoes." in line]
            if lines:
                log.write("\n".join(lines) + "\n")
                log.flush()


def _own_app_database(pgdata: Path) -> str:
    from scripts import embedded_db

    socket_dir = embedded_db.start(pgdata)
    embedded_db.ensure_database(socket_dir, "integracoes")
    return embedded_db.libpq_url(socket_dir, "integracoes")


def _write(path: Path, document: dict[str, object]) -> None:
    """Written whole, then renamed: a reader never sees half a file."""
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(document))
    partial.rename(path)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
