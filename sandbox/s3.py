"""The sandbox S3 endpoint: moto's S3 over TLS with the sandbox certificate, in a thread of its own.

Moto accepts any credentials, so a thin WSGI layer in front of it plays the partner's refusals: an access
key ID containing "RECUSAD" gets 403 InvalidAccessKeyId, and a request signed with the secret "recusado" or
"recusada" gets 403 SignatureDoesNotMatch (the signature is checked against those secrets only). It also
records each object written into `<data>/received/<partner>/index.jsonl` (partner = the bucket name up to
its first "-": `propz-farmacia-vida` -> `propz`), like the other sandbox servers. Objects live in moto's
in-memory backend (lost on restart), which is all a stand-in partner bucket needs.

An object written under the name of one of the partner's data sets must follow the layout its connector declares
(sandbox/contracts.py): one that does not is refused before it is stored, with 400 InvalidArgument and the
partner's reason (pt-BR) as the error's message.

Failure modes share the HTTP control API's object (`POST /_sandbox/<partner>/mode`, `"credencial"`: an access key
ID) and apply to object writes (PUT) only: "fail" answers `status` (503 SlowDown) without storing, "stall" hangs
before storing anything, "stall_after_store" stores and records the object and then never answers.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import posixpath
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterable, MutableMapping
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

from sandbox import certs, contracts
from sandbox.state import STALL_S, Mode, take_mode

# Partners' buckets, and the bucket where a stack started with INTEGRACOES_FILES_URL=s3://integracoes-arquivos/
# keeps its generated files (the sandbox stands in for the deployment's S3-compatible store too).
DEMO_BUCKETS = ("propz-drogaria-saude", "propz-farmacia-vida", "propz-sandbox", "integracoes-arquivos")
REGION = "sa-east-1"
REFUSED_KEY_MARK = "RECUSAD"
REFUSED_SECRETS = ("recusado", "recusada")
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request,\s*"
    r"SignedHeaders=(?P<headers>[^,]+),\s*Signature=(?P<signature>[0-9a-f]+)"
)
_ERROR = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Partner:
    """WSGI layer in front of moto: the partner's refusals, its failure modes, and the record of what it
    received."""

    def __init__(self, app: WsgiApp, data: Path, modes: MutableMapping[str, Mode] | None = None) -> None:
        self.app = app
        self.data = data
        self.modes: MutableMapping[str, Mode] = {} if modes is None else modes

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        signed = _AUTHORIZATION.match(environ.get("HTTP_AUTHORIZATION", ""))
        if signed and REFUSED_KEY_MARK in signed["key"]:
            return _refuse(environ, start_response, "InvalidAccessKeyId", "The AWS Access Key Id does not exist")
        if signed and any(_signed_with(environ, signed, secret) for secret in REFUSED_SECRETS):
            return _refuse(environ, start_response, "SignatureDoesNotMatch", "The signature does not match")
        write = _object_write(environ)
        partner = write[0].split("-", 1)[0] if write else ""
        credential = signed["key"] if signed else ""
        if write and (mode := take_mode(self.modes, partner, credential=credential)):
            if mode.mode == "stall":
                time.sleep(STALL_S)  # a thread of its own per request (werkzeug's threaded server)
            return _refuse(environ, start_response, "SlowDown", "Please reduce your request rate", mode.status)
        if write and (reason := _off_contract(environ, partner, write[1])):
            return _refuse(environ, start_response, "InvalidArgument", reason, 400)
        statuses: list[str] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            statuses.append(status)
            return start_response(status, headers, exc_info)

        answer = self.app(environ, capture)  # Flask has answered (and called start_response) on return
        if environ["REQUEST_METHOD"] == "PUT" and statuses[-1:] and statuses[-1].startswith("200"):
            self._record(environ)
            if write and take_mode(self.modes, partner, credential=credential, after_store=True):
                time.sleep(STALL_S)  # stored and recorded; the answer (sent on return) never comes
        return answer

    def _record(self, environ: dict[str, Any]) -> None:
        parts = urlsplit(environ.get("RAW_URI") or environ.get("PATH_INFO", ""))
        bucket, _, key = unquote(parts.path).lstrip("/").partition("/")
        stored = get_object(bucket, key) if key and not parts.query else None  # ?tagging, ?acl... are not files
        if stored is None:
            return
        body, metadata = stored
        entry = {
            "name": posixpath.basename(key),
            "bucket": bucket,
            "key": key,
            "sha256": hashlib.sha256(body).hexdigest(),
            "size": len(body),
            "idempotency_key": metadata.get("x-amz-meta-idempotency-key", ""),
            "received_at": time.time(),
        }
        index = self.data / "received" / bucket.split("-", 1)[0] / "index.jsonl"
        index.parent.mkdir(parents=True, exist_ok=True)
        with index.open("a") as handle:
            handle.write(json.dumps(entry) + "\n")


def _off_contract(environ: dict[str, Any], partner: str, key: str) -> str | None:
    """Why the partner refuses the object a PUT writes (named as one of its data sets, off its declared layout);
    None when it takes it, or when the name is none of its data sets'."""
    contract = contracts.contract_for(partner, posixpath.basename(key))
    if contract is None:
        return None
    content = _content(environ)
    return None if content is None else contract.problem(content)


def _content(environ: dict[str, Any]) -> bytes | None:
    """The object a PUT carries, without the aws-chunked framing botocore streams it in; the request keeps its
    bytes for moto. None when the framing is broken (moto answers that)."""
    stream = environ["wsgi.input"]
    whole = environ.get("wsgi.input_terminated") or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    raw = stream.read() if whole else stream.read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(raw)
    if not environ.get("HTTP_X_AMZ_CONTENT_SHA256", "").startswith("STREAMING-"):
        return bytes(raw)
    # <hex size>[;chunk-signature=...]\r\n<data>\r\n ... then a chunk of size 0 and the trailers.
    content, position = bytearray(), 0
    try:
        while True:
            end = raw.index(b"\r\n", position)
            size = int(raw[position:end].split(b";", 1)[0], 16)
            if size == 0:
                return bytes(content)
            content += raw[end + 2 : end + 2 + size]
            position = end + 2 + size + 2
    except ValueError:
        return None


def _object_write(environ: dict[str, Any]) -> tuple[str, str] | None:
    """(bucket, key) of a PUT that writes an object (not `?tagging`, `?acl`...), else None."""
    if environ["REQUEST_METHOD"] != "PUT" or environ.get("QUERY_STRING"):
        return None
    path = unquote(urlsplit(environ.get("RAW_URI") or environ.get("PATH_INFO", "")).path)
    bucket, _, key = path.lstrip("/").partition("/")
    return (bucket, key) if key else None


def _refuse(
    environ: dict[str, Any], start_response: Callable[..., Any], code: str, message: str, status: int = 403
) -> list[bytes]:
    _drain(environ)  # closing on a client still sending its body would break the TLS stream before our answer
    # A HEAD answer has no body; clients then see the bare status (403), as with AWS.
    error = _ERROR.format(code=code, message=escape(message)).encode()
    body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else error
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    start_response(f"{status} {reason}", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [body]


def _signed_with(environ: dict[str, Any], signed: re.Match[str], secret: str) -> bool:
    """Whether the request's SigV4 signature was made with `secret` (botocore recomputes it)."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    names = signed["headers"].split(";")
    headers = {name: _header(environ, name) for name in names}
    url = f"https://{environ.get('HTTP_HOST', '')}{environ.get('RAW_URI') or environ.get('PATH_INFO', '')}"
    request = AWSRequest(method=environ["REQUEST_METHOD"], url=url, headers=headers)
    request.context["timestamp"] = headers.get("x-amz-date", "")
    auth = S3SigV4Auth(Credentials(signed["key"], secret), signed["service"], signed["region"])
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    return hmac.compare_digest(str(expected), signed["signature"])


def _header(environ: dict[str, Any], name: str) -> str:
    if name in ("content-type", "content-length"):
        return str(environ.get(name.upper().replace("-", "_"), ""))
    return str(environ.get("HTTP_" + name.upper().replace("-", "_"), ""))


def _drain(environ: dict[str, Any]) -> None:
    """Read and drop the request body (sized, or chunked as boto3 streams it)."""
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    remaining = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    while chunked or remaining > 0:
        chunk = stream.read(64 * 1024 if chunked else min(remaining, 64 * 1024))
        if not chunk:
            return
        remaining -= len(chunk)


class S3Sandbox:
    """moto's S3 application behind a TLS werkzeug server; start() returns once it listens."""

    def __init__(
        self, data: Path, host: str = "127.0.0.1", port: int = 0, modes: MutableMapping[str, Mode] | None = None
    ) -> None:
        self.data = data
        self.host = host
        self.port = port
        self.modes: MutableMapping[str, Mode] = {} if modes is None else modes
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"

    def start(self, buckets: Iterable[str] = DEMO_BUCKETS) -> None:
        # Imported here: moto and Flask are heavy, and only the sandbox process needs them.
        from moto.moto_server.werkzeug_app import MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        cert, key, _ = certs.ensure(self.data)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        # Only the S3 backend is served: the sandbox stands in for a bucket, not for all of AWS.
        app = _Partner(create_backend_app("s3"), self.data, self.modes)
        self._server = make_server(
            self.host, self.port, app, threaded=True, request_handler=MotoRequestHandler, ssl_context=context
        )
        self.port = int(self._server.server_address[1])
        for bucket in buckets:
            create_bucket(bucket)
        self._thread = threading.Thread(target=self._server.serve_forever, name="sandbox-s3", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)


def _backend() -> Any:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


def create_bucket(name: str, region: str = REGION) -> None:
    """Create a bucket in moto's backend (idempotent), as the partner would have done for its clients."""
    if name not in _backend().buckets:
        _backend().create_bucket(name, region)


def get_object(bucket: str, key: str) -> tuple[bytes, dict[str, str]] | None:
    """(body, metadata headers) of a stored object, or None."""
    found = _backend().buckets.get(bucket)
    stored = found.keys.get(key) if found is not None else None
    if stored is None:
        return None
    return bytes(stored.value), dict(stored.metadata)
