"""S3 upload to a partner's bucket with a conditional write: a re-delivery can never overwrite a file.

The Airflow amazon provider's S3Hook builds the client, but its credentials only come from a stored Airflow
connection or the worker's own AWS identity; here they belong to the integration (its encrypted
configuration). So the hook is given an in-memory connection (never stored) through its `conn_config`.
TLS is verified; AWS_CA_BUNDLE lets a deployment add its own authority, as the local sandbox does.

Idempotency: a HEAD of the key first, so a re-delivery sends nothing; then `PutObject` with
`If-None-Match: *`, which fails (412) if the key appeared meanwhile. The object's `sha256` metadata tells a
re-delivery of the same file (`duplicate`) from a different file (refused, never overwritten). The body is
streamed (a single PUT: up to 5 GB) with its SHA-256 for the bucket to verify.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

from include.connectors import hosts
from include.connectors.base import Delivery, Receipt, Transport
from include.connectors.errors import (
    CredentialsRefusedError,
    DeliveryError,
    PartnerRejectedError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)

CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 120
MAX_ATTEMPTS = 3  # per request, by botocore (the task's own retries, with backoff, come on top)
DEFAULT_REGION = "sa-east-1"
_MAX_DETAIL = 200
KEYS = frozenset({"s3_bucket", "s3_prefixo", "aws_access_key_id", "aws_secret_access_key", "aws_regiao", "s3_endpoint"})
_CREDENTIALS = frozenset(
    {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken", "403"}
)
_NO_BUCKET = frozenset({"NoSuchBucket", "404"})
_WRONG_REGION = frozenset({"PermanentRedirect", "AuthorizationHeaderMalformed", "301", "IllegalLocationConstraint"})
# Worth another try later (ConditionalRequestConflict: another conditional write of the key is in flight).
_TRANSIENT = frozenset({"ConditionalRequestConflict", "SlowDown", "RequestTimeout", "InternalError", "BadDigest"})


@dataclass(frozen=True)
class S3Upload(Transport):
    """PutObject to `s3_bucket` at `s3_prefixo + name`, only if the key does not exist yet."""

    label: ClassVar[str] = "S3"

    def keys(self) -> frozenset[str]:
        return KEYS

    def deliver(self, delivery: Delivery, config: Mapping[str, str], headers: Mapping[str, str]) -> Receipt:
        client = _client(config)
        bucket, key = config["s3_bucket"], (config.get("s3_prefixo") or "") + delivery.name
        protocol = f"s3://{bucket}/{key}"
        # A cheap look first, so a re-delivery sends nothing; the conditional PUT still decides a race.
        existing = _head(client, bucket, key)
        if existing is None:
            try:
                client.put_object(
                    Bucket=bucket,
                    Key=key,
                    Body=delivery.body,
                    ContentLength=delivery.size,
                    ContentType=delivery.content_type,
                    ChecksumAlgorithm="SHA256",
                    ChecksumSHA256=base64.b64encode(bytes.fromhex(delivery.sha256)).decode(),
                    Metadata={"sha256": delivery.sha256, "idempotency-key": delivery.idempotency_key},
                    IfNoneMatch="*",
                )
                return Receipt(protocol)
            except _boto_errors() as error:
                if _code(error) != "PreconditionFailed":
                    raise _classify(error) from error
            # 412: the key appeared meanwhile (a concurrent delivery, or a retried PUT that had succeeded).
            existing = _head(client, bucket, key)
            if existing is None:
                raise PartnerRejectedError("arquivo já existe no bucket e as credenciais não permitem conferi-lo")
        if (
            existing.get("Metadata", {}).get("sha256") == delivery.sha256
            and existing.get("ContentLength") == delivery.size
        ):
            return Receipt(protocol, duplicate=True)
        raise PartnerRejectedError("arquivo já existe no bucket com outro conteúdo")

    def check(self, config: Mapping[str, str]) -> None:
        client = _client(config)
        try:
            client.head_bucket(Bucket=config["s3_bucket"])
        except _boto_errors() as error:
            raise _classify(error) from error


def _client(config: Mapping[str, str]) -> Any:
    """A boto3 S3 client from the provider's hook, with the integration's credentials and endpoint."""
    # Read strictly and checked (a partner's host, never internal) right before the client connects. boto3
    # resolves the name again itself: unlike HTTPS and SFTP, the address is not pinned (README, Security).
    parsed = hosts.partner_url(config["s3_endpoint"])
    hosts.destination(parsed.host, parsed.effective_port)
    endpoint = parsed.url()
    # Imported here: the module is imported when DAGs are parsed, the provider only when a task delivers.
    from airflow.providers.amazon.aws.utils.connection_wrapper import AwsConnectionWrapper
    from airflow.sdk import Connection
    from botocore.config import Config

    region = config.get("aws_regiao") or DEFAULT_REGION
    botocore_config = Config(
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        # A few quick retries of what is transient (5xx, throttling, a dropped connection); a conditional
        # PUT retried after a lost answer comes back 412 and is then recognised as our own file.
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
    )
    connection = Connection(
        conn_id="integracao-s3",  # a name for the provider's logs; nothing is stored under it
        conn_type="aws",
        login=config["aws_access_key_id"],
        password=config["aws_secret_access_key"],
        extra=json.dumps({"endpoint_url": endpoint}),
    )
    wrapper = AwsConnectionWrapper(conn=connection, region_name=region, botocore_config=botocore_config)
    return _hook_class()(wrapper, region_name=region, config=botocore_config).get_conn()


@cache
def _hook_class() -> Any:
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    class IntegrationS3Hook(S3Hook):  # type: ignore[misc]  # the provider is untyped here (follow_imports=skip)
        """S3Hook whose connection comes from the integration, not from Airflow's connection store."""

        def __init__(self, wrapper: Any, **kwargs: Any) -> None:
            self._integration_conn = wrapper
            super().__init__(aws_conn_id=None, **kwargs)

        @property
        def conn_config(self) -> Any:
            return self._integration_conn

    return IntegrationS3Hook


def _head(client: Any, bucket: str, key: str) -> dict[str, Any] | None:
    """The object's headers, or None when it does not exist or these credentials may not read it (a
    write-only drop bucket answers 403 here and still takes the PUT)."""
    try:
        return dict(client.head_object(Bucket=bucket, Key=key))
    except _boto_errors() as error:
        if _code(error) in ("404", "NoSuchKey", "403", "AccessDenied"):
            return None
        raise _classify(error) from error


def _boto_errors() -> tuple[type[Exception], ...]:
    """What boto3 raises for the partner's answers and for the network (everything else is a bug of ours)."""
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def _code(error: BaseException) -> str:
    response = getattr(error, "response", None)
    return str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""


def _classify(error: BaseException) -> DeliveryError:
    from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError

    if isinstance(error, ConnectTimeoutError | ReadTimeoutError | TimeoutError):
        return PartnerTimeoutError("o S3 não respondeu a tempo")
    if not isinstance(error, ClientError):
        # EndpointConnectionError (refused, DNS), SSLError, ConnectionClosedError...: no answer from S3.
        return PartnerUnavailableError("conexão", type(error).__name__)
    code = _code(error)
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    if code in _CREDENTIALS:
        return CredentialsRefusedError(f"S3 recusou as credenciais ({code})")
    if code in _NO_BUCKET:
        return PartnerRejectedError("bucket não encontrado")
    if code in _WRONG_REGION:
        return PartnerRejectedError("o bucket não está na região configurada")
    if code in _TRANSIENT or status >= 500 or status == 0:
        return PartnerUnavailableError(status or "s3", code)
    # Any other answer refuses this request as it is (e.g. a partner's endpoint that checks what it stores answers
    # 400 InvalidArgument with its reason): permanent, with the partner's own words when it gave them.
    message = str(error.response.get("Error", {}).get("Message") or "")[:_MAX_DETAIL]
    return PartnerRejectedError(
        f"S3 recusou o envio ({code}): {message}" if message else f"S3 recusou o envio ({code})"
    )
