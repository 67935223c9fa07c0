"""The sandbox SMTP sink (aiosmtpd): accepts every message and records it under `<data>/received/email/`.

STARTTLS is offered with the sandbox certificate; AUTH (only after STARTTLS, as real servers demand) accepts
any user whose password is not "recusada" (or "recusado"). Each message is kept as an .eml file plus a line of
`index.jsonl` (sender, recipients, subject, size, sha256).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import ssl
import time
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from sandbox import certs

REFUSED_PASSWORDS = (b"recusada", b"recusado")
FOLDER = "email"


class SmtpSink:
    """aiosmtpd handler that keeps every message, plus the server that uses it."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.folder = data / "received" / FOLDER

    def received(self) -> list[dict[str, Any]]:
        index = self.folder / "index.jsonl"
        return [json.loads(line) for line in index.read_text().splitlines()] if index.exists() else []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=default_policy)
        self.folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(content).hexdigest()
        eml = self.folder / f"{time.time_ns()}-{digest[:12]}.eml"
        eml.write_bytes(content)
        entry = {
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "subject": str(message.get("Subject", "")),
            "size": len(content),
            "sha256": digest,
            "file": eml.name,
            "authenticated": bool(session.authenticated),
            "received_at": time.time(),
        }
        with (self.folder / "index.jsonl").open("a") as handle:
            handle.write(json.dumps(entry) + "\n")
        return "250 Message accepted for delivery"

    async def listen(self, host: str, port: int) -> asyncio.Server:
        cert, key, _ = certs.ensure(self.data)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        loop = asyncio.get_running_loop()
        # A fixed hostname: aiosmtpd would otherwise ask DNS for the machine's FQDN on every connection.
        return await loop.create_server(
            lambda: SMTP(
                self,
                hostname="sandbox.localhost",
                tls_context=context,
                authenticator=_authenticate,
                auth_require_tls=True,
                loop=loop,
            ),
            host,
            port,
        )


def _authenticate(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
    if isinstance(data, LoginPassword) and data.password not in REFUSED_PASSWORDS:
        return AuthResult(success=True, auth_data=data.login)
    return AuthResult(success=False, handled=False)
