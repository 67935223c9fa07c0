"""The running product, started once per test session with the README's start command (`make demo`)."""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
# include.integracoes.schedules' timezone; not imported from there: that module imports Airflow, whose
# configuration must not be read before a test module points it at its own.
SEND_AT_TIMEZONE = ZoneInfo("America/Sao_Paulo")
START_TIMEOUT_S = 600
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", REPO / "test-artifacts"))


def days_ago(n: int) -> str:
    """A day relative to today in the product's timezone (UTC's date is already tomorrow there after 21:00)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    return (datetime.now(ZoneInfo("America/Sao_Paulo")).date() - timedelta(days=n)).isoformat()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MetricsSink:
    """A StatsD collector on a UDP port of its own: what the stack's components send (the product's own
    metrics only are kept, Airflow's are many)."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])
        self.lines: list[str] = []
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        while True:
            try:
                datagram = self.socket.recv(65535)
            except OSError:  # closed
                return
            self.lines += [line for line in datagram.decode(errors="replace").splitlines() if ".integracoes." in line]

    def close(self) -> None:
        self.socket.close()


@dataclass
class RunningStack:
    url: str
    data: Path
    env: dict[str, str]
    start_output: str
    _tokens: dict[str, str] = field(default_factory=dict)
    metrics: MetricsSink | None = None

    def make(self, target: str, timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", target], cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def token(self, username: str, password: str | None = None) -> str:
        """A JWT from Airflow's own login endpoint (demo passwords equal the usernames)."""
        if username not in self._tokens:
            response = httpx.post(
                f"{self.url}/auth/token", json={"username": username, "password": password or username}, timeout=30
            )
            assert response.status_code == 201, response.text
            self._tokens[username] = response.json()["access_token"]
        return self._tokens[username]

    def client(self, username: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token(username)}"} if username else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    @property
    def artifacts(self) -> Path:
        """Screenshots and component logs kept for a person to look at after the run."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        return ARTIFACTS

    @property
    def sandbox_url(self) -> str:
        return f"https://127.0.0.1:{json.loads((self.data / 'state.json').read_text())['sandbox_port']}"

    def sandbox(self) -> httpx.Client:
        """A client of the partner sandbox's control API (it trusts the sandbox's own certificate)."""
        trust = ssl.create_default_context(cafile=str(self.data / "sandbox" / "sandbox.crt"))
        return httpx.Client(base_url=self.sandbox_url, verify=trust, timeout=30)

    @property
    def database_url(self) -> str:
        """The application database of this stack (for tests that set up state the API reads)."""
        for line in (self.data / "airflow.env").read_text().splitlines():
            if line.startswith("export INTEGRACOES_DATABASE_URL="):
                return line.split("=", 1)[1].strip("'")
        raise LookupError("INTEGRACOES_DATABASE_URL not in airflow.env")

    def pids(self) -> dict[str, int]:
        """The running components' process ids, as supervisord knows them (each leads its process group)."""
        from scripts import supervision

        return supervision.running_pids(self.data / "run")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with started_stack(tmp_path_factory.mktemp("stack") / "data") as running:
        yield running


def send_time_behind_the_session(now: datetime | None = None) -> str:
    """Three hours ago (midnight at the latest, so that it is today's): the next wake-up of a daily
    integration with an interval of 12 h or more is then at least 9 h away."""
    now = now or datetime.now(SEND_AT_TIMEZONE)
    return max(now - timedelta(hours=3), now.replace(hour=0, minute=0, second=0, microsecond=0)).strftime("%H:%M")


@contextmanager
def started_stack(data: Path, **settings: str) -> Iterator[RunningStack]:
    """The product started with `make demo` on its own data folder and port, with the test settings below
    (and `settings` on top: a test that needs a stack of its own, e.g. with a separate database), then
    stopped, checking that no process is left behind."""
    env = {
        **os.environ,
        "INTEGRACOES_DATA": str(data),
        "INTEGRACOES_PORT": str(free_port()),
        # The browser tests log in many times a minute from one address; FAB's default limit
        # (5 per 40 s, kept in the product) would turn them away.
        "AIRFLOW__FAB__AUTH_RATE_LIMIT": "300 per 1 minute",
        # Failure-path tests wait for every retry; seconds instead of the production half-minute.
        "INTEGRACOES_RETRY_DELAY_S": "1",
        # Small enough for the oversize test's file to pass it without generating megabytes.
        "INTEGRACOES_INBOUND_MAX_BYTES": str(256 * 1024),
        # Alerts after two failures in a row (three in production), to the support team's test address.
        "INTEGRACOES_ALERT_FAILURES": "2",
        "INTEGRACOES_SUPPORT_EMAIL": "suporte@integracoes.example.com",
        # Live log streams re-check access every 2 s (30 in production), at most 3 per user (5).
        "INTEGRACOES_STREAM_RECHECK_S": "2",
        "INTEGRACOES_MAX_LOG_STREAMS": "3",
        # Daily partners wake up at the send time and, under a day's interval, every interval after it; with
        # 06:00 a test registering at 18:25 met its integration's second run of the day (a retry of the
        # day its first run failed) mid-test. The send time is put behind the session: an integration of a
        # 12 h interval or more runs once at registration (at once, for the grid point missed), then not
        # again by itself for at least 9 h.
        "INTEGRACOES_DAILY_SEND_AT": send_time_behind_the_session(),
        "INTEGRACOES_DAILY_SPREAD_MIN": "0",
    }
    # Airflow's StatsD client in every component sends to the test's collector (the product's metrics).
    sink = MetricsSink()
    env.update(
        {
            "AIRFLOW__METRICS__STATSD_ON": "True",
            "AIRFLOW__METRICS__STATSD_HOST": "127.0.0.1",
            "AIRFLOW__METRICS__STATSD_PORT": str(sink.port),
        }
    )
    env.update(settings)
    for name in ("AIRFLOW_DATABASE_URL", "INTEGRACOES_DATABASE_URL", "AIRFLOW_HOME", "AIRFLOW_CONFIG"):
        if name not in settings:
            env.pop(name, None)
    started = subprocess.run(
        ["make", "demo"], cwd=REPO, env=env, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False
    )
    port = json.loads((data / "state.json").read_text())["port"] if (data / "state.json").exists() else 0
    running = RunningStack(f"http://127.0.0.1:{port}", data, env, started.stdout + started.stderr, metrics=sink)
    try:
        assert started.returncode == 0, f"`make demo` failed:\n{running.start_output[-6000:]}"
        yield running
    finally:
        sink.close()
        pids = running.pids()
        stopped = running.make("stop", timeout=180)
        _keep_logs(data)
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
            time.sleep(0.5)
        survivors = {name: pid for name, pid in pids.items() if alive(pid)}
        assert not survivors, f"`make stop` left processes running: {survivors}"
        assert not running.pids(), "supervisord still answering after `make stop`"
        assert not (data / "postgres" / "postmaster.pid").exists(), "embedded PostgreSQL still running"


def _keep_logs(data: Path) -> None:
    """Keep the tail of each component log for a person to read after the run."""
    target = ARTIFACTS / "stack-logs"
    target.mkdir(parents=True, exist_ok=True)
    for log_file in (data / "logs").glob("*.log"):
        (target / log_file.name).write_bytes(log_file.read_bytes()[-2_000_000:])
