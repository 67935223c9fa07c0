"""SftpUpload against the sandbox's SFTP server: atomic upload, idempotent re-delivery, classified failures."""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
from datetime import date
from pathlib import Path

import pytest

from include.connectors.base import Delivery, Receipt
from include.connectors.errors import (
    CredentialsRefusedError,
    PartnerRejectedError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)
from include.connectors.transports import sftp
from include.connectors.transports.sftp import SftpUpload
from tests.sandbox_fixtures import PartnerSandbox
from tests.stack_fixtures import free_port

CSV = b"filial;ean;quantidade\r\n1;7891234567890;2\r\n"
DAY = date(2026, 11, 20)


def delivery(body: bytes, name: str) -> Delivery:
    digest = hashlib.sha256(body).hexdigest()
    return Delivery(io.BytesIO(body), len(body), name, digest, f"teste-{digest}", "text/csv", "vendas", DAY, DAY)


def unique(suffix: str = ".csv") -> str:
    return f"vendas_{uuid.uuid4().hex[:12]}{suffix}"


@pytest.fixture(autouse=True)
def sandbox_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_PARTNER_HOSTS", "127.0.0.1,localhost")


@pytest.fixture
def user() -> str:
    """A user of its own per test: failure modes set for it touch no other test."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def config(partner_sandbox: PartnerSandbox, user: str) -> dict[str, str]:
    return {
        "sftp_host": "127.0.0.1",
        "sftp_porta": str(partner_sandbox.sftp_port),
        "sftp_usuario": user,
        "sftp_senha": "segredo-sftp-teste",
        "sftp_diretorio": "/vendas",
        "sftp_chave_host": partner_sandbox.sftp_host_key,
    }


def remote_files(sandbox: PartnerSandbox, user: str, directory: str = "vendas") -> list[str]:
    folder = sandbox.data / "sftp" / user / directory
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_upload_lands_under_its_final_name_and_the_partner_records_the_same_sha256(
    partner_sandbox: PartnerSandbox, config: dict[str, str], user: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    name = unique()
    sent = delivery(CSV, name)
    assert SftpUpload().deliver(sent, config, {}) == Receipt(f"/vendas/{name}")
    recorded = [r for r in partner_sandbox.received("trivio") if r["name"] == name]
    assert [(r["sha256"], r["size"], r["user"]) for r in recorded] == [(sent.sha256, len(CSV), user)]
    assert remote_files(partner_sandbox, user) == [name], "no temporary .part file may be left behind"
    assert config["sftp_senha"] not in caplog.text


def test_redelivery_sends_nothing_and_is_a_duplicate(
    partner_sandbox: PartnerSandbox, config: dict[str, str], user: str
) -> None:
    name = unique()
    first = SftpUpload().deliver(delivery(CSV, name), config, {})
    stored = partner_sandbox.data / "sftp" / user / "vendas" / name
    written = stored.stat().st_mtime_ns
    again = delivery(CSV, name)
    second = SftpUpload().deliver(again, config, {})
    assert second == Receipt(first.protocol, duplicate=True)
    assert again.body.tell() == 0, "the file was read (sent) again"
    assert stored.stat().st_mtime_ns == written
    assert len([r for r in partner_sandbox.received("trivio") if r["name"] == name]) == 1


def test_another_file_under_the_same_name_is_refused_not_overwritten(
    partner_sandbox: PartnerSandbox, config: dict[str, str], user: str
) -> None:
    name = unique()
    SftpUpload().deliver(delivery(CSV, name), config, {})
    changed = CSV.replace(b";2", b";3")  # same size, other content: only the sha256 tells them apart
    with pytest.raises(PartnerRejectedError, match="outro conteúdo") as refused:
        SftpUpload().deliver(delivery(changed, name), config, {})
    assert refused.value.permanent
    assert (partner_sandbox.data / "sftp" / user / "vendas" / name).read_bytes() == CSV


def test_a_csv_without_semicolons_is_refused_with_the_partners_reason(
    partner_sandbox: PartnerSandbox, config: dict[str, str], user: str
) -> None:
    with pytest.raises(PartnerRejectedError, match="';'"):
        SftpUpload().deliver(delivery(b"filial,ean\r\n1,789\r\n", unique()), config, {})
    assert remote_files(partner_sandbox, user) == [], "neither the file nor its .part may stay"


def test_an_empty_file_is_refused(config: dict[str, str]) -> None:
    with pytest.raises(PartnerRejectedError, match="vazio"):
        SftpUpload().deliver(delivery(b"", unique(".txt")), config, {})


def test_a_missing_directory_is_refused_on_delivery_and_on_check(config: dict[str, str]) -> None:
    missing = {**config, "sftp_diretorio": "/nao-existe"}
    with pytest.raises(PartnerRejectedError, match="/nao-existe"):
        SftpUpload().deliver(delivery(CSV, unique()), missing, {})
    with pytest.raises(PartnerRejectedError, match="/nao-existe"):
        SftpUpload().check(missing)


def test_check_authenticates_and_lists_without_sending(
    partner_sandbox: PartnerSandbox, config: dict[str, str], user: str
) -> None:
    SftpUpload().check(config)
    assert remote_files(partner_sandbox, user) == []


def test_a_refused_password_is_a_permanent_credentials_error(
    config: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = {**config, "sftp_senha": "recusada"}
    with pytest.raises(CredentialsRefusedError) as refused:
        SftpUpload().deliver(delivery(CSV, unique()), wrong, {})
    assert refused.value.permanent
    with pytest.raises(CredentialsRefusedError):
        SftpUpload().check(wrong)
    assert "recusada" not in caplog.text


def test_an_unreachable_server_is_unavailable_and_retried(config: dict[str, str]) -> None:
    closed = {**config, "sftp_porta": str(free_port())}
    with pytest.raises(PartnerUnavailableError) as unavailable:
        SftpUpload().deliver(delivery(CSV, unique()), closed, {})
    assert not unavailable.value.permanent
    with pytest.raises(PartnerUnavailableError):
        SftpUpload().check(closed)


def test_an_unknown_host_name_is_unavailable(config: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_PARTNER_HOSTS", "sftp.parceiro.invalid")
    with pytest.raises(PartnerUnavailableError, match="não encontrado"):
        SftpUpload().check({**config, "sftp_host": "sftp.parceiro.invalid"})


def test_a_host_outside_the_partners_is_never_contacted(
    config: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTEGRACOES_PARTNER_HOSTS", "")
    with pytest.raises(PartnerRejectedError, match="não pertence"):
        SftpUpload().deliver(delivery(CSV, unique()), config, {})


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ({"mode": "fail", "status": 401}, CredentialsRefusedError),
        ({"mode": "fail", "status": 503}, PartnerUnavailableError),
        ({"mode": "reset"}, PartnerUnavailableError),
        ({"mode": "stall"}, PartnerTimeoutError),
    ],
    ids=["login-refused", "write-failure", "reset", "stall"],
)
def test_failure_modes_of_the_control_api_map_to_their_errors(
    mode: dict[str, object],
    error: type[Exception],
    partner_sandbox: PartnerSandbox,
    config: dict[str, str],
    user: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sftp, "READ_TIMEOUT_S", 1)
    partner_sandbox.mode(user, **mode, times=1)  # type: ignore[arg-type]
    with pytest.raises(error):
        SftpUpload().deliver(delivery(CSV, unique()), config, {})
    assert SftpUpload().deliver(delivery(CSV, unique()), config, {}).protocol, "times=1: the next one goes through"


def test_a_mode_set_for_the_partner_applies_to_its_directory(
    partner_sandbox: PartnerSandbox, config: dict[str, str]
) -> None:
    audit = {**config, "sftp_diretorio": "/audit"}
    partner_sandbox.mode("audit", "fail", status=503, times=1)
    with pytest.raises(PartnerUnavailableError):
        SftpUpload().deliver(delivery(CSV, unique()), audit, {})
    assert not SftpUpload().deliver(delivery(CSV, unique()), audit, {}).duplicate


def test_the_key_the_server_offers_is_what_check_shows(partner_sandbox: PartnerSandbox, config: dict[str, str]) -> None:
    offered = sftp.offered_key(config)
    assert (offered.kind, offered.fingerprint) == ("ssh-ed25519", partner_sandbox.sftp_host_key)


def test_nothing_is_sent_to_a_server_whose_key_was_never_confirmed(
    partner_sandbox: PartnerSandbox, config: dict[str, str], user: str
) -> None:
    unconfirmed = {**config, "sftp_chave_host": ""}
    for attempt in (lambda: SftpUpload().deliver(delivery(CSV, unique()), unconfirmed, {}),
                    lambda: SftpUpload().check(unconfirmed)):  # fmt: skip
        with pytest.raises(sftp.HostKeyNotConfirmedError) as refused:
            attempt()
        assert refused.value.permanent
        assert refused.value.offered.fingerprint == partner_sandbox.sftp_host_key
    # Not even the password went out: the sandbox makes a user's home at its first login.
    assert not (partner_sandbox.data / "sftp" / user).exists()


def test_a_server_that_changed_its_key_is_refused_before_the_login(
    partner_sandbox: PartnerSandbox, config: dict[str, str], user: str
) -> None:
    """A second server of the sandbox, with a key of its own that is then replaced: the partner's server after
    a key change (or someone on the path)."""
    server = partner_sandbox.control("sftp/servidores", {})
    moved = {**config, "sftp_porta": str(server["porta"]), "sftp_chave_host": server["chave"]}
    assert SftpUpload().deliver(delivery(CSV, unique()), moved, {}).protocol
    replaced = partner_sandbox.control(f"sftp/servidores/{server['porta']}/chave", {})
    assert replaced["chave"] != server["chave"]
    name = unique()
    with pytest.raises(sftp.HostKeyChangedError) as refused:
        SftpUpload().deliver(delivery(CSV, name), moved, {})
    assert refused.value.permanent
    assert server["chave"] in refused.value.detail
    assert replaced["chave"] in refused.value.detail
    assert name not in remote_files(partner_sandbox, user)


def test_keys_are_the_catalogs_sftp_keys() -> None:
    from include.connectors.config import sftp_keys

    assert SftpUpload().keys() == {key.key for key in sftp_keys()}


def test_the_module_imports_no_provider_at_parse_time() -> None:
    import subprocess
    import sys

    code = "import sys, include.connectors.transports.sftp; print('airflow' in sys.modules, 'paramiko' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[3]
    )
    assert out.stdout.split() == ["False", "False"]
