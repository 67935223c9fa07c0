"""The conformance suite, transport side: every registered connector delivers its files to the partner
sandbox over its own protocol, idempotently, and maps every failure of the partner to the right error."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from include.connectors import export
from include.connectors.base import Connector, Delivery, Receipt
from include.connectors.catalog import CATALOG
from include.connectors.errors import (
    CredentialsRefusedError,
    DeliveryError,
    PartnerRejectedError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)
from include.connectors.formats import Csv, FileFormat, Json, Xml
from include.connectors.registry import CONNECTORS
from include.connectors.transports import http_auth, https
from tests.connectors.conftest import Erp, sandbox_config
from tests.sandbox_fixtures import PartnerSandbox

CODES = sorted(code for code, connector in CONNECTORS.items() if connector.transport is not None)
HTTPS_CODES = [code for code in CODES if isinstance(CONNECTORS[code].transport, https.HttpsUpload)]
MALFORMED_TASK = 9901  # a task code of its own: the malformed files' names are no other test's


def secret_values(code: str, config: dict[str, str]) -> list[str]:
    return [config[key.key] for key in CATALOG[code].keys if key.secret and config.get(key.key)]


@pytest.fixture
def files(erp: Erp, tmp_path: Path, partner_sandbox: PartnerSandbox) -> Iterator[Any]:
    """Render a connector's files for the test day into tmp_path; yields a function code -> deliveries."""
    opened: list[Any] = []

    def deliveries(code: str, *, salt: str = "", task_code: int = 7) -> list[Delivery]:
        connector = CONNECTORS[code]()
        out: list[Delivery] = []
        scope = erp.scope(task_code=task_code)
        for dataset in connector.datasets:
            for file_scope in dataset.scopes(scope, sandbox_config(code)):
                path = tmp_path / dataset.name_for(file_scope)
                with path.open("wb") as sink:
                    export.export_dataset(erp.url, dataset, file_scope, sink)
                body = path.open("rb")
                opened.append(body)
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                key = f"conformidade-{code}-{digest}{salt}"
                out.append(Delivery(body, path.stat().st_size, path.name, digest, key, dataset.content_type,
                                    dataset.name, scope.start, scope.end))  # fmt: skip
        return out

    yield deliveries
    for body in opened:
        body.close()


@pytest.fixture(autouse=True)
def partner_back_to_normal(partner_sandbox: PartnerSandbox) -> Iterator[None]:
    yield
    partner_sandbox.control("modes/reset", {})
    http_auth._TOKENS.clear()


@pytest.mark.parametrize("code", CODES)
def test_delivers_over_its_protocol_and_the_partner_receives_the_same_bytes(
    code: str, files: Any, partner_sandbox: PartnerSandbox
) -> None:
    connector: Connector = CONNECTORS[code]()
    for delivery in files(code):
        receipt = connector.deliver(delivery, sandbox_config(code))
        assert isinstance(receipt, Receipt)
        assert receipt.protocol
        recorded = [r for r in partner_sandbox.received(code) if r["name"] == delivery.name]
        assert [r["sha256"] for r in recorded] == [delivery.sha256]


@pytest.mark.parametrize("code", CODES)
def test_redelivery_is_idempotent(code: str, files: Any, partner_sandbox: PartnerSandbox) -> None:
    connector: Connector = CONNECTORS[code]()
    delivery = files(code, salt="-again")[-1]

    def received() -> int:
        return len([r for r in partner_sandbox.received(code) if r["name"] == delivery.name])

    before = received()
    first = connector.deliver(delivery, sandbox_config(code))
    after_first = received()
    delivery.body.seek(0)
    second = connector.deliver(delivery, sandbox_config(code))
    assert second.duplicate
    assert second.protocol == first.protocol
    assert after_first - before <= 1
    assert received() == after_first, "a re-delivery must not reach the partner twice"


@pytest.mark.parametrize("code", CODES)
def test_check_connection_right_and_wrong(code: str, partner_sandbox: PartnerSandbox) -> None:
    connector: Connector = CONNECTORS[code]()
    config = sandbox_config(code)
    connector.check_connection(config)
    wrong = {**config, **{key.key: "recusado" for key in CATALOG[code].keys if key.secret}}
    with pytest.raises(CredentialsRefusedError):
        connector.check_connection(wrong)


@pytest.mark.parametrize("code", CODES)
def test_an_address_outside_the_partner_is_never_reached(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_PARTNER_HOSTS", "")
    with pytest.raises(DeliveryError) as refused:
        CONNECTORS[code]().check_connection(sandbox_config(code))
    assert refused.value.permanent


FAILURES = [
    ({"mode": "fail", "status": 503}, PartnerUnavailableError, False),
    ({"mode": "fail", "status": 422}, PartnerRejectedError, True),
    ({"mode": "fail", "status": 401}, CredentialsRefusedError, True),
    ({"mode": "garbage"}, PartnerUnavailableError, False),
    ({"mode": "stall"}, PartnerTimeoutError, False),
]


@pytest.mark.parametrize("code", HTTPS_CODES)
@pytest.mark.parametrize(("mode", "error", "permanent"), FAILURES, ids=lambda v: str(v))
def test_each_failure_mode_maps_to_its_error_and_permanence(
    code: str,
    mode: dict[str, object],
    error: type[DeliveryError],
    permanent: bool,
    files: Any,
    partner_sandbox: PartnerSandbox,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(https, "READ_TIMEOUT_S", 1)
    config = sandbox_config(code)
    delivery = files(code, salt=f"-{mode}")[0]
    connector: Connector = CONNECTORS[code]()
    if isinstance(connector.transport.auth, http_auth.OAuth2ClientCredentials):
        connector.check_connection(config)  # a token first: the failure mode is for the API, not the login
    partner_sandbox.mode(code, **mode)  # type: ignore[arg-type]
    caplog.set_level(logging.DEBUG)
    with pytest.raises(error) as raised:
        connector.deliver(delivery, config)
    assert raised.value.permanent is permanent
    for secret in secret_values(code, config):
        assert secret not in caplog.text, "a secret value reached a log line"
        assert secret not in str(raised.value)


OAUTH2 = [
    code
    for code, c in CONNECTORS.items()
    if isinstance(getattr(c.transport, "auth", None), http_auth.OAuth2ClientCredentials)
]


@pytest.mark.parametrize("code", OAUTH2)
def test_an_expired_oauth2_token_is_renewed_once(code: str, files: Any, partner_sandbox: PartnerSandbox) -> None:
    connector: Connector = CONNECTORS[code]()
    config = sandbox_config(code)
    connector.check_connection(config)
    partner_sandbox.control(f"{code}/expire-tokens", {})
    assert connector.deliver(files(code, salt="-renew")[0], config).protocol


def test_a_file_outside_the_partners_schema_is_rejected_with_its_reason(
    files: Any, partner_sandbox: PartnerSandbox
) -> None:
    broken = b'<?xml version="1.0"?><mensagemSNGPC xmlns="urn:integracoes:sngpc:v1"><x/></mensagemSNGPC>'
    delivery = files("sngpc", salt="-broken")[0]
    digest = hashlib.sha256(broken).hexdigest()
    bad = Delivery(io.BytesIO(broken), len(broken), "quebrado.xml", digest, "conformidade-quebrado",
                   "application/xml", "movimentacoes", delivery.start, delivery.end)  # fmt: skip
    with pytest.raises(PartnerRejectedError) as rejected:
        CONNECTORS["sngpc"]().deliver(bad, sandbox_config("sngpc"))
    assert "layout" in rejected.value.detail


def malformed(code: str, delivery: Delivery) -> Delivery:
    """The delivery's file broken in its format's plainest way, under the same name: a JSON document without its
    declared root, XML cut before the root closes, a CSV record one field short, a fixed-width or JSON Lines line
    one character short (the second line, or the only one); a gzip file holds the broken text."""
    dataset = CONNECTORS[code]().dataset(delivery.dataset)
    body = delivery.body.read()
    text = gzip.decompress(body) if dataset.gzip else body
    broken = _broken(dataset.format, text)
    assert broken != text
    body = gzip.compress(broken, mtime=0) if dataset.gzip else broken
    digest = hashlib.sha256(body).hexdigest()
    return replace(delivery, body=io.BytesIO(body), size=len(body), sha256=digest,
                   idempotency_key=f"conformidade-malformado-{digest}")  # fmt: skip


def _broken(file_format: FileFormat, text: bytes) -> bytes:
    if isinstance(file_format, Json):
        rows = json.loads(text)
        return json.dumps(rows[file_format.root] if file_format.root else {"dados": rows}).encode()
    if isinstance(file_format, Xml):
        return text[: text.rindex(b"</")]
    lines = text.split(b"\n")
    target = 1 if len(lines) > 2 else 0
    if isinstance(file_format, Csv):
        lines[target] = lines[target].rsplit(file_format.delimiter.encode(), 1)[0]
    else:
        lines[target] = lines[target][:-1]
    return b"\n".join(lines)


@pytest.mark.parametrize("code", CODES)
def test_the_partner_refuses_a_malformed_file_and_the_refusal_carries_its_reason(
    code: str, files: Any, partner_sandbox: PartnerSandbox
) -> None:
    connector: Connector = CONNECTORS[code]()
    config = sandbox_config(code)
    good = files(code, salt="-malformado", task_code=MALFORMED_TASK)[0]
    bad = malformed(code, good)
    good.body.seek(0)
    with pytest.raises(PartnerRejectedError) as rejected:
        connector.deliver(bad, config)
    assert rejected.value.permanent
    assert rejected.value.detail.strip()
    assert bad.name not in [r["name"] for r in partner_sandbox.received(code)], "a refused file was recorded"
    # Nothing of the refused file stays in the way: the good file of the same name goes through.
    assert not connector.deliver(good, config).duplicate
    assert [r["sha256"] for r in partner_sandbox.received(code) if r["name"] == good.name] == [good.sha256]
