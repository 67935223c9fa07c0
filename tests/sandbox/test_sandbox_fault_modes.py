"""The sandbox's modes for a client that dies mid-delivery: "stall" hangs an upload before the partner stores
anything, "stall_after_store" stores it whole and never answers; both limited to one credential ("credencial")
and read back through GET /_sandbox/<partner>/mode — over HTTPS, SFTP and S3."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.contracts import contract
from tests.sandbox_fixtures import PartnerSandbox, start_sandbox, stop_sandbox

SMARKET_HEADER = contract("smarket").header_line


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PartnerSandbox]:
    """A sandbox of its own: hung requests stay hung until it stops."""
    running, process = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    yield running
    stop_sandbox(process)


def post_smarket(sandbox: PartnerSandbox, token: str, name: str, timeout: float = 10) -> requests.Response:
    return requests.post(
        f"{sandbox.url}/smarket/v1/sellout",
        data=(SMARKET_HEADER + "\n").encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "X-Cliente": "T",
            "Idempotency-Key": f"k-{name}",
            "X-Arquivo": name,
            "Content-Type": "text/csv",
        },
        timeout=timeout,
        verify=str(sandbox.ca_bundle),
    )


def s3_client(sandbox: PartnerSandbox, key_id: str, **config: object) -> Any:
    """A client of one access key that tries once (botocore's own retries would use `times` up)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3", aws_access_key_id=key_id, aws_secret_access_key="segredo", region_name="sa-east-1",
        endpoint_url=sandbox.s3_url, verify=str(sandbox.ca_bundle),
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}, **config),  # type: ignore[arg-type]
    )  # fmt: skip


def received_names(sandbox: PartnerSandbox, partner: str) -> set[str]:
    return {r["name"] for r in sandbox.received(partner)}


def test_https_stall_after_store_keeps_the_upload_and_never_answers(sandbox: PartnerSandbox) -> None:
    sandbox.mode("smarket", "stall_after_store", times=1, credencial="token-morto")
    assert sandbox.control("smarket/mode?credencial=token-morto")["mode"] == "stall_after_store"
    assert sandbox.control("smarket/mode") == {"mode": "ok"}, "kept apart from the partner's own mode"
    other = f"outro-{uuid.uuid4().hex[:6]}.csv"
    assert post_smarket(sandbox, "token-vivo", other).status_code == 201, "another credential is not affected"
    hung = f"morto-{uuid.uuid4().hex[:6]}.csv"
    with pytest.raises(requests.Timeout):
        post_smarket(sandbox, "token-morto", hung, timeout=2)
    assert hung in received_names(sandbox, "smarket"), "stored before the answer that never came"
    assert sandbox.control("smarket/mode?credencial=token-morto") == {"mode": "ok"}, "times=1: used up"
    again = post_smarket(sandbox, "token-morto", hung)
    assert again.json().get("duplicado") is True, "the client's retry is recognised"


def test_https_stall_hangs_before_anything_is_stored(sandbox: PartnerSandbox) -> None:
    sandbox.mode("smarket", "stall", times=1, credencial="token-antes")
    name = f"antes-{uuid.uuid4().hex[:6]}.csv"
    with pytest.raises(requests.Timeout):
        post_smarket(sandbox, "token-antes", name, timeout=2)
    assert name not in received_names(sandbox, "smarket")
    assert sandbox.control("smarket/mode?credencial=token-antes") == {"mode": "ok"}


def test_sftp_stall_after_store_renames_and_records_then_never_answers(sandbox: PartnerSandbox) -> None:
    user = f"morto-{uuid.uuid4().hex[:6]}"
    sandbox.mode("trivio", "stall_after_store", times=1, credencial=user)
    with sandbox.sftp("farmaciavida") as client:  # another user in the same directory is not affected
        files = client.open_sftp()
        files.putfo(io.BytesIO(b"a;b\n"), "/vendas/.livre.csv.part")
        files.rename("/vendas/.livre.csv.part", f"/vendas/livre-{user}.csv")
    with sandbox.sftp(user) as client:
        files = client.open_sftp()
        files.putfo(io.BytesIO(b"a;b\n1;2\n"), "/vendas/.x.csv.part")
        files.get_channel().settimeout(2)
        with pytest.raises(TimeoutError):
            files.rename("/vendas/.x.csv.part", "/vendas/x.csv")
    with sandbox.sftp(user) as client:
        assert client.open_sftp().listdir("/vendas") == ["x.csv"], "the final name is in place, nothing partial"
    assert [r["name"] for r in sandbox.received("trivio") if r["user"] == user] == ["x.csv"]


def test_sftp_stall_for_one_user_hangs_its_upload_before_any_byte(sandbox: PartnerSandbox) -> None:
    user = f"antes-{uuid.uuid4().hex[:6]}"
    sandbox.mode("trivio", "stall", times=1, credencial=user)
    with sandbox.sftp(user) as client:
        files = client.open_sftp()
        files.get_channel().settimeout(2)
        with pytest.raises(TimeoutError):
            files.putfo(io.BytesIO(b"a;b\n"), "/vendas/.y.csv.part")
    with sandbox.sftp(user) as client:
        assert client.open_sftp().listdir("/vendas") == []


@pytest.mark.parametrize(("mode", "stored"), [("stall", False), ("stall_after_store", True)])
def test_s3_stalls_a_put_before_or_after_storing_it(sandbox: PartnerSandbox, mode: str, stored: bool) -> None:
    from botocore.exceptions import ReadTimeoutError

    key_id = f"AKIAMODO{uuid.uuid4().hex[:12].upper()}"
    sandbox.mode("propz", mode, times=1, credencial=key_id)
    sandbox.s3().put_object(Bucket="propz-sandbox", Key=f"livre-{key_id}.csv", Body=b"1")  # another key: no mode
    client = s3_client(sandbox, key_id, read_timeout=2)
    key = f"{mode}-{key_id}.csv"
    with pytest.raises(ReadTimeoutError):
        client.put_object(Bucket="propz-sandbox", Key=key, Body=b"a;b\n")
    listed = sandbox.s3().list_objects_v2(Bucket="propz-sandbox", Prefix=key).get("KeyCount")
    assert listed == (1 if stored else 0)
    assert (key in {r["key"] for r in sandbox.received("propz")}) is stored
    assert sandbox.control(f"propz/mode?credencial={key_id}") == {"mode": "ok"}


def test_s3_fail_answers_the_status_without_storing(sandbox: PartnerSandbox) -> None:
    from botocore.exceptions import ClientError

    key_id = f"AKIAFORA{uuid.uuid4().hex[:12].upper()}"
    sandbox.mode("propz", "fail", status=503, times=1, credencial=key_id)
    client = s3_client(sandbox, key_id)
    with pytest.raises(ClientError) as refused:
        client.put_object(Bucket="propz-sandbox", Key=f"fora-{key_id}.csv", Body=b"a;b\n")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    client.put_object(Bucket="propz-sandbox", Key=f"fora-{key_id}.csv", Body=b"a;b\n")  # times=1: back


def test_modes_of_two_credentials_of_one_partner_are_kept_apart(sandbox: PartnerSandbox) -> None:
    sandbox.mode("smarket", "stall", times=1, credencial="token-a")
    sandbox.mode("smarket", "fail", status=503, credencial="token-b")
    assert sandbox.control("smarket/mode?credencial=token-a")["mode"] == "stall"
    assert post_smarket(sandbox, "token-b", f"b-{uuid.uuid4().hex[:6]}.csv").status_code == 503
    sandbox.mode("smarket", "ok", credencial="token-b")
    assert sandbox.control("smarket/mode?credencial=token-a")["mode"] == "stall", "untouched by the other's reset"
    assert post_smarket(sandbox, "token-b", f"b-{uuid.uuid4().hex[:6]}.csv").status_code == 201
    sandbox.mode("smarket", "ok", credencial="token-a")
