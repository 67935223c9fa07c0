"""The partner sandbox as its own process (HTTPS, SFTP, S3 and SMTP), shared by every test that needs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.stack_fixtures import free_port

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PartnerSandbox:
    """A running sandbox: its ports, and how to steer and inspect it."""

    data: Path
    https_port: int
    sftp_port: int
    s3_port: int
    smtp_port: int

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def s3_url(self) -> str:
        return f"https://127.0.0.1:{self.s3_port}"

    @property
    def sftp_host_key(self) -> str:
        """The fingerprint of the SFTP server's host key (what an agent confirms with "Testar conexão")."""
        from sandbox import certs

        return certs.ssh_host_key(self.data)[1]

    @property
    def ca_bundle(self) -> Path:
        return self.data / "ca-bundle.pem"

    def control(self, path: str, payload: dict[str, object] | None = None) -> Any:
        url, trust = f"{self.url}/_sandbox/{path}", str(self.ca_bundle)
        if payload is None:
            return requests.get(url, timeout=10, verify=trust).json()
        return requests.post(url, json=payload, timeout=10, verify=trust).json()

    def mode(self, partner: str, mode: str = "ok", **options: object) -> None:
        self.control(f"{partner}/mode", {"mode": mode, **options})

    def received(self, partner: str) -> list[dict[str, Any]]:
        return list(self.control(f"{partner}/received"))

    def environment(self) -> dict[str, str]:
        """What the stack gives the product when it runs with this sandbox."""
        return {
            "INTEGRACOES_SANDBOX_URL": self.url,
            "INTEGRACOES_SANDBOX_SFTP_PORT": str(self.sftp_port),
            "INTEGRACOES_SANDBOX_SFTP_HOST_KEY": self.sftp_host_key,
            "INTEGRACOES_SANDBOX_S3_URL": self.s3_url,
            "INTEGRACOES_PARTNER_HOSTS": "127.0.0.1,localhost",
            "REQUESTS_CA_BUNDLE": str(self.ca_bundle),
            "AWS_CA_BUNDLE": str(self.ca_bundle),
        }

    def sftp(self, user: str, password: str = "segredo") -> Any:
        import paramiko

        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # noqa: S507 (the sandbox, on loopback)
        client.connect("127.0.0.1", self.sftp_port, user, password, timeout=10, look_for_keys=False, allow_agent=False)
        return client

    def s3(self, secret: str = "segredo", key: str = "AKIATESTE000000000") -> Any:
        import boto3

        return boto3.client(
            "s3", aws_access_key_id=key, aws_secret_access_key=secret, region_name="sa-east-1",
            endpoint_url=self.s3_url, verify=str(self.ca_bundle),
        )  # fmt: skip


def start_sandbox(data: Path) -> tuple[PartnerSandbox, subprocess.Popen[bytes]]:
    """`python -m sandbox` with every protocol on free ports, once it answers."""
    sandbox = PartnerSandbox(data, *(free_port() for _ in range(4)))
    args = [sys.executable, "-m", "sandbox", "--data", str(data), "--port", str(sandbox.https_port)]
    args += ["--sftp-port", str(sandbox.sftp_port), "--s3-port", str(sandbox.s3_port)]
    args += ["--smtp-port", str(sandbox.smtp_port)]
    with open(data / "sandbox.log", "ab") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    deadline = time.monotonic() + 60
    while True:
        try:
            sandbox.control("health")
            return sandbox, process
        except (requests.RequestException, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError((data / "sandbox.log").read_text()[-3000:]) from None
            time.sleep(0.3)


def stop_sandbox(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def partner_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PartnerSandbox]:
    """One sandbox for the session; the product code under test is pointed at it through the environment."""
    sandbox, process = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    saved = {key: os.environ.get(key) for key in sandbox.environment()}
    os.environ.update(sandbox.environment())
    yield sandbox
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    stop_sandbox(process)
