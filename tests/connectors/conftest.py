"""Shared fixtures of the connector tests: a migrated database with a small, fixed ERP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pytest

from include.connectors.base import RunScope
from include.integracoes import demo_data

# Fixed days, so every run of the suite renders the same bytes.
LAST_DAY = date(2026, 11, 20)
SIZE = demo_data.Size(tenants=1, branches_per_tenant=2, products=40, customers=20, days=3, sales_per_branch_day=6)


def sandbox_config(code: str) -> dict[str, str]:
    """The demo's configuration of a type (it points at the partner sandbox), over the catalog's defaults."""
    import os

    from include.connectors.catalog import CATALOG
    from scripts.demo_integrations import demo_registrations

    os.environ.setdefault("INTEGRACOES_SANDBOX_URL", "https://127.0.0.1:1")  # replaced by the sandbox fixture
    given = next(config for _, _, type_code, _, config in demo_registrations() if type_code == code)
    defaults = {key.key: key.default for key in CATALOG[code].keys if key.default is not None}
    return {**defaults, **given}


@dataclass(frozen=True)
class Erp:
    url: str
    tenant_id: int
    branches: tuple[int, ...]

    def scope(self, start: date = LAST_DAY, end: date = LAST_DAY, *, task_code: int = 7) -> RunScope:
        return RunScope(1, self.tenant_id, self.branches, start, end, task_code)


@pytest.fixture(scope="module")
def erp(pg_socket: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Erp]:
    """One migrated database with demo ERP data per test module (read-only for the tests)."""
    from psycopg import sql

    from include.integracoes import migrations
    from scripts import embedded_db

    name = "conn_" + tmp_path_factory.mktemp("erp").name.replace("-", "_").lower()[:40]
    admin = embedded_db.libpq_url(pg_socket, "postgres")  # type: ignore[arg-type]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = embedded_db.libpq_url(pg_socket, name)  # type: ignore[arg-type]
    with psycopg.connect(url, autocommit=True) as conn:
        migrations.migrate(conn)
        conn.autocommit = False
        demo_data.generate(conn, SIZE, end=LAST_DAY)
        conn.commit()
        tenant = conn.execute("SELECT min(id) FROM integracao.tenant").fetchone()
        assert tenant
        branches = tuple(
            r[0] for r in conn.execute("SELECT id FROM erp.filial WHERE tenant_id = %s ORDER BY id", tenant)
        )
    yield Erp(url, int(tenant[0]), branches)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass(frozen=True)
class PartnerSandbox:
    """The partner sandbox running as its own process (all protocols), and how to steer it."""

    url: str
    sftp_port: int
    s3_url: str
    smtp_port: int
    data: Path
    ca_bundle: Path

    def control(self, path: str, payload: dict[str, object] | None = None) -> object:
        import requests

        if payload is None:
            return requests.get(f"{self.url}/_sandbox/{path}", timeout=10, verify=str(self.ca_bundle)).json()
        return requests.post(f"{self.url}/_sandbox/{path}", json=payload, timeout=10, verify=str(self.ca_bundle)).json()

    def mode(self, partner: str, mode: str = "ok", **options: object) -> None:
        self.control(f"{partner}/mode", {"mode": mode, **options})

    def received(self, partner: str) -> list[dict[str, object]]:
        return self.control(f"{partner}/received")  # type: ignore[return-value]

    def environment(self) -> dict[str, str]:
        """What the stack gives the product when it runs with this sandbox."""
        return {
            "INTEGRACOES_SANDBOX_URL": self.url,
            "INTEGRACOES_SANDBOX_SFTP_PORT": str(self.sftp_port),
            "INTEGRACOES_SANDBOX_S3_URL": self.s3_url,
            "INTEGRACOES_PARTNER_HOSTS": "127.0.0.1,localhost",
            "REQUESTS_CA_BUNDLE": str(self.ca_bundle),
            "AWS_CA_BUNDLE": str(self.ca_bundle),
        }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def partner_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PartnerSandbox]:
    import os
    import subprocess
    import sys
    import time

    import requests

    data = tmp_path_factory.mktemp("sandbox")
    ports = {name: _free_port() for name in ("port", "sftp-port", "s3-port", "smtp-port")}
    args = [sys.executable, "-m", "sandbox", "--data", str(data)]
    for name, port in ports.items():
        args += [f"--{name}", str(port)]
    with open(data / "sandbox.log", "ab") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).parents[2])
    sandbox = PartnerSandbox(
        f"https://127.0.0.1:{ports['port']}", ports["sftp-port"], f"https://127.0.0.1:{ports['s3-port']}",
        ports["smtp-port"], data, data / "ca-bundle.pem",
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(f"{sandbox.url}/_sandbox/health", timeout=2, verify=str(sandbox.ca_bundle))
            break
        except (requests.RequestException, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError((data / "sandbox.log").read_text()[-3000:]) from None
            time.sleep(0.3)
    saved = {key: os.environ.get(key) for key in sandbox.environment()}
    os.environ.update(sandbox.environment())
    yield sandbox
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
