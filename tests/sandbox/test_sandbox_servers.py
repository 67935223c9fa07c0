"""The partner sandbox as the stack starts it (`python -m sandbox` with every port): SFTP, S3 and SMTP next to
HTTPS in one process, steered through the HTTP control API; and how scripts/stack.py wires it."""

from __future__ import annotations

import io
import json
import smtplib
import ssl
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sandbox_fixtures import PartnerSandbox, start_sandbox, stop_sandbox
from tests.stack_fixtures import free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PartnerSandbox]:
    """A sandbox of its own: these tests steer modes and read folders the other tests must not see."""
    running, process = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    yield running
    stop_sandbox(process)


def test_one_process_serves_every_protocol_once_https_answers(sandbox: PartnerSandbox) -> None:
    assert sandbox.control("health") == {"status": "ok"}
    with sandbox.sftp("farmaciavida") as client:
        assert client.open_sftp().listdir("/")
    sandbox.s3().head_bucket(Bucket="propz-sandbox")
    with smtplib.SMTP("127.0.0.1", sandbox.smtp_port, timeout=10) as smtp:
        assert smtp.noop()[0] == 250


def test_sftp_home_is_a_chroot_with_every_partner_directory(sandbox: PartnerSandbox) -> None:
    with sandbox.sftp("farmaciavida") as client:
        files = client.open_sftp()
        root = sorted(files.listdir("/"))
        assert root == ["audit", "exact", "fisoft", "iqvia", "pbm", "sellout", "vendas"]
        assert sorted(files.listdir("/../../..")) == root, "a path above the home stays in the home"
        assert files.listdir("/pbm") == ["entrada"]
        with pytest.raises(FileNotFoundError):
            files.stat("/../../etc/passwd")


@pytest.mark.parametrize("user", ["..", ".ssh", "a/b"])
def test_sftp_refuses_users_that_would_name_a_folder_outside_the_homes(sandbox: PartnerSandbox, user: str) -> None:
    import paramiko

    with pytest.raises(paramiko.AuthenticationException):
        sandbox.sftp(user)


def test_sftp_host_key_is_generated_once_and_kept_private(sandbox: PartnerSandbox) -> None:
    key_file = sandbox.data / "sftp_host_key"
    assert key_file.stat().st_mode & 0o077 == 0
    with sandbox.sftp("a") as first, sandbox.sftp("b") as second:
        first_key, second_key = (c.get_transport().get_remote_server_key() for c in (first, second))
        assert first_key.get_fingerprint() == second_key.get_fingerprint()


def test_a_finished_sftp_upload_is_recorded_for_its_partner(sandbox: PartnerSandbox) -> None:
    name = f"vendas_{uuid.uuid4().hex[:8]}.csv"
    with sandbox.sftp("farmaciavida") as client:
        files = client.open_sftp()
        files.putfo(io.BytesIO(b"a;b\n1;2\n"), f"/pbm/entrada/.{name}.part")
        received = sandbox.control("beneficios_unifabra/received")
        assert all(r["name"] != name for r in received), "a temporary name is not a received file"
        files.rename(f"/pbm/entrada/.{name}.part", f"/pbm/entrada/{name}")
    [entry] = [r for r in sandbox.control("beneficios_unifabra/received") if r["name"] == name]
    assert entry["path"] == f"/pbm/entrada/{name}"
    assert entry["user"] == "farmaciavida"
    assert entry["size"] == 8


def test_sftp_modes_are_set_per_user_through_the_http_control_api(sandbox: PartnerSandbox) -> None:
    import paramiko

    sandbox.control("modo-teste/mode", {"mode": "fail", "status": 401, "times": 1})
    with pytest.raises(paramiko.AuthenticationException):
        sandbox.sftp("modo-teste")
    with sandbox.sftp("modo-teste") as client:  # times=1: only the first login was refused
        client.open_sftp().listdir("/vendas")
    sandbox.control("modo-escrita/mode", {"mode": "fail", "status": 503})
    with sandbox.sftp("modo-escrita") as client, pytest.raises(OSError, match="falha simulada"):
        client.open_sftp().putfo(io.BytesIO(b"a;b\n"), "/vendas/.x.part")
    sandbox.control("modo-escrita/mode", {"mode": "ok"})


def test_s3_demo_buckets_exist_and_conditional_writes_hold(sandbox: PartnerSandbox) -> None:
    from botocore.exceptions import ClientError

    client = sandbox.s3()
    for bucket in ("propz-drogaria-saude", "propz-farmacia-vida", "propz-sandbox"):
        client.head_bucket(Bucket=bucket)
    key = f"vendas/{uuid.uuid4().hex}.csv"
    client.put_object(Bucket="propz-farmacia-vida", Key=key, Body=b"1", IfNoneMatch="*")
    with pytest.raises(ClientError, match="PreconditionFailed"):
        client.put_object(Bucket="propz-farmacia-vida", Key=key, Body=b"2", IfNoneMatch="*")
    [entry] = [r for r in sandbox.control("propz/received") if r["key"] == key]
    assert entry["bucket"] == "propz-farmacia-vida"
    assert entry["size"] == 1


@pytest.mark.parametrize(
    ("credentials", "code"),
    [({"secret": "recusado"}, "SignatureDoesNotMatch"), ({"key": "AKIARECUSADA000000"}, "InvalidAccessKeyId")],
)
def test_s3_refuses_the_documented_credentials(sandbox: PartnerSandbox, credentials: dict[str, str], code: str) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as refused:
        sandbox.s3(**credentials).put_object(Bucket="propz-sandbox", Key="recusado.csv", Body=b"x" * 100_000)
    assert refused.value.response["Error"]["Code"] == code
    assert sandbox.s3().list_objects_v2(Bucket="propz-sandbox", Prefix="recusado.csv").get("KeyCount") == 0


def test_smtp_records_each_message_with_an_eml(sandbox: PartnerSandbox) -> None:
    context = ssl.create_default_context(cafile=str(sandbox.ca_bundle))
    with smtplib.SMTP("127.0.0.1", sandbox.smtp_port, timeout=10) as smtp:
        smtp.starttls(context=context)
        smtp.login("avisos", "segredo")
        smtp.sendmail("a@farmacia.com.br", ["b@parceiro.com.br"], b"Subject: teste sandbox\r\n\r\ncorpo\r\n")
    index = sandbox.data / "received" / "email" / "index.jsonl"
    [entry] = [json.loads(line) for line in index.read_text().splitlines() if "teste sandbox" in line]
    assert entry["to"] == ["b@parceiro.com.br"]
    assert entry["authenticated"] is True
    assert b"corpo" in (index.parent / entry["file"]).read_bytes()


def test_the_stack_remembers_distinct_sandbox_ports_and_passes_them_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scripts import stack

    monkeypatch.setenv("INTEGRACOES_DATA", str(tmp_path))
    monkeypatch.setenv("INTEGRACOES_PORT", str(free_port()))
    monkeypatch.setenv("AIRFLOW_DATABASE_URL", "postgresql+psycopg2://a@localhost/airflow")
    monkeypatch.setenv("INTEGRACOES_DATABASE_URL", "postgresql://a@localhost/integracoes")
    first = stack.load_stack()
    ports = (first.sandbox_port, first.sandbox_sftp_port, first.sandbox_s3_port, first.sandbox_smtp_port)
    assert len(set(ports)) == 4
    assert stack.load_stack() == first, "ports chosen once are remembered"
    state = json.loads((tmp_path / "state.json").read_text())
    assert (state["sandbox_sftp_port"], state["sandbox_s3_port"], state["sandbox_smtp_port"]) == ports[1:]

    command = [arg.format(**vars(first)) for arg in stack.COMPONENTS["sandbox"]]
    for flag, port in zip(("--port", "--sftp-port", "--s3-port", "--smtp-port"), ports, strict=True):
        assert command[command.index(flag) + 1] == str(port)

    env = stack.airflow_environment(first)
    assert env["INTEGRACOES_SANDBOX_SFTP_PORT"] == str(first.sandbox_sftp_port)
    assert env["INTEGRACOES_SANDBOX_S3_URL"] == f"https://127.0.0.1:{first.sandbox_s3_port}"
    assert env["INTEGRACOES_SANDBOX_SMTP_PORT"] == str(first.sandbox_smtp_port)
    assert env["INTEGRACOES_PARTNER_HOSTS"] == "127.0.0.1,localhost"
    assert env["AWS_CA_BUNDLE"] == env["REQUESTS_CA_BUNDLE"]
