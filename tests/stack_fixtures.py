"""The running product, started once per test session with the README's start command (`make demo`)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
# include.airflow_adapter.schedules' timezone; not imported from there: that module imports Airflow, whose
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


class MetricsLog:
    """What the stack's components sent to the test's StatsD collector (the product's own metrics only; the
    collector runs in the stack's session process, tests/stack_session.py, and appends them to a file)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def lines(self) -> list[str]:
        return self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []


@dataclass
class RunningStack:
    url: str
    data: Path
    env: dict[str, str]
    start_output: str
    _tokens: dict[str, str] = field(default_factory=dict)
    metrics: MetricsLog | None = None
    # The application database's own embedded PostgreSQL (its data folder), when the stack was given one.
    app_pgdata: Path | None = None

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

    @contextmanager
    def partner_mode(self, partner: str, credential: str, mode: str, **options: object) -> Iterator[None]:
        """A failure mode of the sandbox's partner for the requests of one credential only (a token, API key,
        user or access key): other tests running meanwhile, with other credentials, never meet it."""
        with self.sandbox() as sandbox:
            answer = sandbox.post(f"/_sandbox/{partner}/mode", json={"mode": mode, "credencial": credential, **options})
            assert answer.status_code < 300, answer.text
            try:
                yield
            finally:
                sandbox.post(f"/_sandbox/{partner}/mode", json={"mode": "ok", "credencial": credential})

    @property
    def sftp_host_key(self) -> str:
        """The fingerprint of the sandbox SFTP server's host key (what an agent confirms with "Testar conexão")."""
        from sandbox import certs

        return certs.ssh_host_key(self.data / "sandbox")[1]

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


def send_time_behind_the_session(now: datetime | None = None) -> str:
    """Three hours ago (midnight at the latest, so that it is today's): the next wake-up of a daily
    integration with an interval of 12 h or more is then at least 9 h away."""
    now = now or datetime.now(SEND_AT_TIMEZONE)
    return max(now - timedelta(hours=3), now.replace(hour=0, minute=0, second=0, microsecond=0)).strftime("%H:%M")


def test_settings(data: Path) -> dict[str, str]:
    """The test stack's settings: production's, made faster or smaller where a test would otherwise wait."""
    return {
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
        # The dead-run safety net looks every 5 s and steps in 10 s after a run ended (30 and 20 in production):
        # tests of dead runs wait for it.
        "INTEGRACOES_RECONCILE_EVERY_S": "5",
        "INTEGRACOES_DEAD_RUN_GRACE_S": "10",
        # The demo ERP stands still unless a test writes into it (or runs the simulator itself): tests count
        # what partners receive.
        "INTEGRACOES_ERP_SIMULATOR": "0",
        # Demo incremental integrations wake every 30 minutes, not every 5: a test's own run finds what it wrote.
        "INTEGRACOES_DEMO_INCREMENTAL_MINUTES": "30",
    }


class StackSession:
    """A test stack owned by its own process (tests/stack_session.py), started in the background by the first
    test process that asks and shared by every test process of the session through its folder: `launch` is
    idempotent across processes (a file lock), `wait` returns the running stack, `stop` ends it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / "launch.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    @property
    def launched(self) -> bool:
        return (self.folder / "session.pid").exists()

    def launch(self, *, own_app_database: bool = False, **settings: str) -> None:
        """Start the stack's session process unless a process of this session already did."""
        with self._locked():
            if self.launched:
                return
            environment = {**test_settings(self.folder / "data"), **settings}
            document = {"environment": environment, "own_app_database": own_app_database}
            (self.folder / "settings.json").write_text(json.dumps(document))
            with (self.folder / "session.log").open("ab") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "tests.stack_session", str(self.folder)],
                    cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                )  # fmt: skip
            (self.folder / "session.pid").write_text(str(process.pid))

    def wait(self, timeout: float = START_TIMEOUT_S + 60) -> RunningStack:
        """The running stack once `make demo` ended; fails with its output if it failed."""
        boot_file = self.folder / "boot.json"
        deadline = time.monotonic() + timeout
        while not boot_file.exists():
            if time.monotonic() > deadline or not alive(self._session_pid()):
                raise AssertionError(f"the test stack did not start:\n{self._session_log()}")
            time.sleep(0.5)
        boot = json.loads(boot_file.read_text())
        env = json.loads((self.folder / "env.json").read_text())
        data = Path(env["INTEGRACOES_DATA"])
        port = json.loads((data / "state.json").read_text())["port"] if (data / "state.json").exists() else 0
        running = RunningStack(
            f"http://127.0.0.1:{port}", data, env, boot["output"], metrics=MetricsLog(self.folder / "metrics.log"),
            app_pgdata=self.folder / "appdb" if (self.folder / "appdb").exists() else None,
        )  # fmt: skip
        assert boot["returncode"] == 0, f"`make demo` failed:\n{running.start_output[-6000:]}"
        return running

    @property
    def boot_seconds(self) -> float | None:
        """How long `make demo` took, once it ended."""
        boot = self.folder / "boot.json"
        return json.loads(boot.read_text()).get("seconds") if boot.exists() else None

    def stop(self) -> list[str]:
        """`make stop`, then what must hold after it (no process left, the databases stopped); the problems."""
        if not self.launched:
            return []
        problems: list[str] = []
        try:
            running = self.wait()
        except AssertionError as error:
            problems.append(str(error)[-3000:])
            running = None
        env_file = self.folder / "env.json"
        if running is None and env_file.exists():  # it failed to start: stop what it started all the same
            env = json.loads(env_file.read_text())
            running = RunningStack("", Path(env["INTEGRACOES_DATA"]), env, "")
        if running is not None:
            problems += _stopped(running)
        pid = self._session_pid()
        if alive(pid):
            os.kill(pid, signal.SIGTERM)
        return problems

    def _session_pid(self) -> int:
        return int((self.folder / "session.pid").read_text())

    def _session_log(self) -> str:
        return (self.folder / "session.log").read_text(errors="replace")[-6000:]


def _stopped(running: RunningStack) -> list[str]:
    pids = running.pids()
    stopped = running.make("stop", timeout=180)
    _keep_logs(running.data)
    problems = [] if stopped.returncode == 0 else [stopped.stdout + stopped.stderr]
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.5)
    survivors = {name: pid for name, pid in pids.items() if alive(pid)}
    if survivors:
        problems.append(f"`make stop` left processes running: {survivors}")
    if running.pids():
        problems.append("supervisord still answering after `make stop`")
    if (running.data / "postgres" / "postmaster.pid").exists():
        problems.append("embedded PostgreSQL still running")
    if running.app_pgdata is not None:
        from scripts import embedded_db

        embedded_db.stop(running.app_pgdata)
    return problems


SESSION_FOLDER_ENV = "INTEGRACOES_TEST_SESSION"
BOOT_SECONDS = pytest.StashKey[float | None]()


def session_stack() -> StackSession:
    """The stack shared by every test process of this session (its folder is chosen by the first process)."""
    return StackSession(Path(os.environ[SESSION_FOLDER_ENV]) / "stack")


def pytest_configure(config: pytest.Config) -> None:
    """The session's folder, chosen once by the main process; pytest-xdist workers inherit it."""
    if SESSION_FOLDER_ENV not in os.environ:
        os.environ[SESSION_FOLDER_ENV] = tempfile.mkdtemp(prefix="integracoes-tests-")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Boot the stack in the background as soon as a collected test needs it: the tests that need none run
    meanwhile (they are ordered first, see conftest.py)."""
    if any(item.get_closest_marker("stack") and not item.get_closest_marker("distributed") for item in items):
        session_stack().launch(own_app_database=True)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The main process ends the shared stack once every test process is done, and fails the session if the
    stop left anything behind."""
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the main process stops it
        return
    folder = Path(os.environ[SESSION_FOLDER_ENV])
    shared = session_stack()
    if shared.launched:
        session.config.stash[BOOT_SECONDS] = shared.boot_seconds
    problems = shared.stop()
    if not problems:  # kept otherwise, for a person to look at what was left
        shutil.rmtree(folder, ignore_errors=True)
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.section("stopping the test stack", red=True)
            for problem in problems:
                reporter.write_line(problem)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def stack() -> RunningStack:
    """The running product of this session, started with the README's start command (`make demo`) on a
    scratch data folder and port with the test settings, and an application database of its own."""
    shared = session_stack()
    shared.launch(own_app_database=True)
    return shared.wait()


@contextmanager
def started_stack(data: Path, **settings: str) -> Iterator[RunningStack]:
    """A stack of the test's own (e.g. another topology), started and stopped around the block, checking that
    no process is left behind."""
    own = StackSession(data.parent / "session")
    own.launch(INTEGRACOES_DATA=str(data), **settings)
    try:
        yield own.wait()
    finally:
        problems = own.stop()
        assert not problems, "\n".join(problems)


# --- one stack, many test processes ----------------------------------------------------------------------
# Tests of the stack run side by side (pytest-xdist workers), each module holding a shared turn on the stack;
# the modules marked `stack_alone` (they restart or stop a part of the stack, or check that nothing at all was
# written meanwhile) hold it alone, from the first of them a process runs to the last (tests/scheduling.py hands
# them to one process together). A writer-preferring lock over two files: once an alone turn is asked for, new
# shared turns wait behind it, so it is not starved.


@contextmanager
def stack_turn(alone: bool) -> Iterator[None]:
    folder = Path(os.environ[SESSION_FOLDER_ENV])
    with (folder / "turnstile.lock").open("w") as turnstile, (folder / "stack-turn.lock").open("w") as turn:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(turn, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        finally:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(turn, fcntl.LOCK_UN)


class _AloneTurn:
    """This process's alone turn, held from the first alone module it runs to the last."""

    held: ExitStack | None = None

    @classmethod
    def take(cls) -> None:
        if cls.held is None:
            cls.held = ExitStack()
            cls.held.enter_context(stack_turn(alone=True))

    @classmethod
    def give_back(cls) -> None:
        if cls.held is not None:
            cls.held.close()
            cls.held = None


@pytest.fixture(scope="module", autouse=True)
def _turn_on_the_stack(request: pytest.FixtureRequest) -> Iterator[None]:
    marked = request.node.get_closest_marker
    if not marked("stack") or marked("distributed"):
        yield
    elif marked("stack_alone"):
        _AloneTurn.take()  # given back after the last alone module (pytest_runtest_teardown)
        yield
    else:
        with stack_turn(alone=False):
            yield


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if nextitem is None or not nextitem.get_closest_marker("stack_alone"):
        _AloneTurn.give_back()


def _keep_logs(data: Path) -> None:
    """Keep the tail of each component log for a person to read after the run."""
    target = ARTIFACTS / "stack-logs"
    target.mkdir(parents=True, exist_ok=True)
    for log_file in (data / "logs").glob("*.log"):
        (target / log_file.name).write_bytes(log_file.read_bytes()[-2_000_000:])
