"""S3Upload against the sandbox's S3 (moto over TLS): conditional write, idempotent re-delivery, classified failures."""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import uuid
from datetime import date
from typing import Any

import pytest

from include.connectors.base import Delivery, Receipt
from include.connectors.errors import CredentialsRefusedError, PartnerRejectedError, PartnerUnavailableError
from include.connectors.transports import s3
from include.connectors.transports.s3 import S3Upload
from tests.sandbox_fixtures import PartnerSandbox
from tests.stack_fixtures import free_port

CSV = b"loja,ean,quantidade\n1,7891234567890,2\n"
DAY = date(2026, 11, 20)
BUCKET = "propz-sandbox"


def delivery(body: bytes, name: str) -> Delivery:
    digest = hashlib.sha256(body).hexdigest()
    return Delivery(io.BytesIO(body), len(body), name, digest, f"teste-{digest}", "text/csv", "vendas", DAY, DAY)


@pytest.fixture(autouse=True)
def sandbox_environment(partner_sandbox: PartnerSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_PARTNER_HOSTS", "127.0.0.1,localhost")
    monkeypatch.setenv("AWS_CA_BUNDLE", str(partner_sandbox.ca_bundle))


@pytest.fixture
def config(partner_sandbox: PartnerSandbox) -> dict[str, str]:
    return {
        "s3_bucket": BUCKET,
        "s3_prefixo": f"testes/{uuid.uuid4().hex[:10]}/",
        "aws_access_key_id": "AKIATESTE000000000",
        "aws_secret_access_key": "segredo-s3-teste",
        "aws_regiao": "sa-east-1",
        "s3_endpoint": partner_sandbox.s3_url,
    }


def bucket_client(sandbox: PartnerSandbox) -> Any:
    import boto3

    return boto3.client(
        "s3",
        aws_access_key_id="AKIATESTE000000000",
        aws_secret_access_key="leitura",
        region_name="sa-east-1",
        endpoint_url=sandbox.s3_url,
        verify=str(sandbox.ca_bundle),
    )


def test_upload_is_stored_with_its_sha256_and_recorded_by_the_partner(
    partner_sandbox: PartnerSandbox, config: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sent = delivery(CSV, "vendas_20261120.csv")
    key = config["s3_prefixo"] + sent.name
    assert S3Upload().deliver(sent, config, {}) == Receipt(f"s3://{BUCKET}/{key}")
    stored = bucket_client(partner_sandbox).get_object(Bucket=BUCKET, Key=key)
    assert hashlib.sha256(stored["Body"].read()).hexdigest() == sent.sha256
    assert stored["Metadata"] == {"sha256": sent.sha256, "idempotency-key": sent.idempotency_key}
    recorded = [r for r in partner_sandbox.received("propz") if r["key"] == key]
    assert [(r["sha256"], r["idempotency_key"]) for r in recorded] == [(sent.sha256, sent.idempotency_key)]
    assert config["aws_secret_access_key"] not in caplog.text


def test_redelivery_sends_nothing_and_is_a_duplicate(partner_sandbox: PartnerSandbox, config: dict[str, str]) -> None:
    first = S3Upload().deliver(delivery(CSV, "vendas.csv"), config, {})
    again = delivery(CSV, "vendas.csv")
    assert S3Upload().deliver(again, config, {}) == Receipt(first.protocol, duplicate=True)
    assert again.body.tell() == 0, "the file was read (sent) again"
    key = config["s3_prefixo"] + "vendas.csv"
    assert len([r for r in partner_sandbox.received("propz") if r["key"] == key]) == 1


def test_the_conditional_write_decides_a_race_for_the_same_key(
    partner_sandbox: PartnerSandbox, config: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key appears between our look and our PUT: If-None-Match makes the PUT fail, nothing is overwritten."""
    key = config["s3_prefixo"] + "corrida.csv"
    theirs = CSV.replace(b",2", b",9")
    bucket_client(partner_sandbox).put_object(
        Bucket=BUCKET, Key=key, Body=theirs, Metadata={"sha256": hashlib.sha256(theirs).hexdigest()}
    )
    looks = iter([None])
    real_head = s3._head
    monkeypatch.setattr(s3, "_head", lambda *args: next(looks, None) or real_head(*args))
    with pytest.raises(PartnerRejectedError, match="outro conteúdo"):
        S3Upload().deliver(delivery(CSV, "corrida.csv"), config, {})
    assert bucket_client(partner_sandbox).get_object(Bucket=BUCKET, Key=key)["Body"].read() == theirs

    looks = iter([None])
    ours = delivery(theirs, "corrida.csv")  # the same file as the one that won: a duplicate, not an error
    assert S3Upload().deliver(ours, config, {}).duplicate


def test_another_file_under_the_same_key_is_refused(partner_sandbox: PartnerSandbox, config: dict[str, str]) -> None:
    S3Upload().deliver(delivery(CSV, "vendas.csv"), config, {})
    with pytest.raises(PartnerRejectedError, match="outro conteúdo") as refused:
        S3Upload().deliver(delivery(CSV.replace(b",2", b",3"), "vendas.csv"), config, {})
    assert refused.value.permanent


def test_moto_honours_if_none_match(partner_sandbox: PartnerSandbox) -> None:
    from botocore.exceptions import ClientError

    client, key = bucket_client(partner_sandbox), f"testes/{uuid.uuid4().hex}"
    client.put_object(Bucket=BUCKET, Key=key, Body=b"1", IfNoneMatch="*")
    with pytest.raises(ClientError) as failed:
        client.put_object(Bucket=BUCKET, Key=key, Body=b"2", IfNoneMatch="*")
    assert failed.value.response["Error"]["Code"] == "PreconditionFailed"
    assert client.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"1"


def test_the_sha256_is_sent_for_the_bucket_to_verify(config: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    sent: dict[str, str] = {}
    real_client = s3._client

    def keep(request: Any, **_: Any) -> None:
        sent.update({k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()})

    def spying(config: dict[str, str]) -> Any:
        client = real_client(config)
        client.meta.events.register("before-send.s3.PutObject", keep)
        return client

    monkeypatch.setattr(s3, "_client", spying)
    S3Upload().deliver(delivery(CSV, "soma.csv"), config, {})
    assert sent["x-amz-checksum-sha256"] == base64.b64encode(hashlib.sha256(CSV).digest()).decode()
    assert sent["If-None-Match"] == "*"


@pytest.mark.parametrize(
    "wrong",
    [{"aws_secret_access_key": "recusado"}, {"aws_access_key_id": "AKIARECUSADA000000"}],
    ids=["secret", "access-key"],
)
def test_refused_credentials_are_a_permanent_error(config: dict[str, str], wrong: dict[str, str]) -> None:
    refused_config = {**config, **wrong}
    with pytest.raises(CredentialsRefusedError) as refused:
        S3Upload().deliver(delivery(CSV, "vendas.csv"), refused_config, {})
    assert refused.value.permanent
    with pytest.raises(CredentialsRefusedError):
        S3Upload().check(refused_config)


def test_a_missing_bucket_is_rejected(config: dict[str, str]) -> None:
    missing = {**config, "s3_bucket": "propz-nao-existe"}
    with pytest.raises(PartnerRejectedError, match="bucket"):
        S3Upload().deliver(delivery(CSV, "vendas.csv"), missing, {})
    with pytest.raises(PartnerRejectedError, match="bucket"):
        S3Upload().check(missing)


def test_check_reaches_the_bucket(config: dict[str, str]) -> None:
    S3Upload().check(config)


def test_an_unreachable_endpoint_is_unavailable_and_retried(
    config: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(s3, "MAX_ATTEMPTS", 1)
    closed = {**config, "s3_endpoint": f"https://127.0.0.1:{free_port()}"}
    with pytest.raises(PartnerUnavailableError) as unavailable:
        S3Upload().deliver(delivery(CSV, "vendas.csv"), closed, {})
    assert not unavailable.value.permanent
    with pytest.raises(PartnerUnavailableError):
        S3Upload().check(closed)


def test_an_endpoint_outside_the_partners_is_never_contacted(
    config: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTEGRACOES_PARTNER_HOSTS", "")
    with pytest.raises(PartnerRejectedError, match="não pertence"):
        S3Upload().check(config)


def test_keys_are_the_catalogs_s3_keys() -> None:
    from include.connectors.config import s3_keys

    assert S3Upload().keys() == {key.key for key in s3_keys()}
