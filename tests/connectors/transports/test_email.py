"""EmailSender against the sandbox's SMTP sink: STARTTLS, login, the message arrives; failures classified."""

from __future__ import annotations

import email
import json
import uuid
from email.policy import default

import pytest

from include.connectors.errors import CredentialsRefusedError, PartnerUnavailableError
from include.connectors.transports.email import EmailSender
from tests.sandbox_fixtures import PartnerSandbox
from tests.stack_fixtures import free_port


@pytest.fixture
def sender(partner_sandbox: PartnerSandbox) -> EmailSender:
    return EmailSender(
        "127.0.0.1",
        partner_sandbox.smtp_port,
        "integracoes@farmaciavida.com.br",
        username="avisos",
        password="segredo-smtp-teste",
        cafile=str(partner_sandbox.ca_bundle),
    )


def test_the_message_arrives_with_its_subject_recipients_and_body(
    partner_sandbox: PartnerSandbox, sender: EmailSender
) -> None:
    subject = f"Integração Trivio parada {uuid.uuid4().hex[:8]}"
    message_id = sender.send(
        subject, "A integração falhou três vezes.\nVeja o painel.", ["gerente@farmaciavida.com.br"]
    )
    index = partner_sandbox.data / "received" / "email" / "index.jsonl"
    entries = [e for e in map(json.loads, index.read_text().splitlines()) if e["subject"] == subject]
    assert [(e["from"], e["to"], e["authenticated"]) for e in entries] == [
        ("integracoes@farmaciavida.com.br", ["gerente@farmaciavida.com.br"], True)
    ]
    received = email.message_from_bytes((index.parent / entries[0]["file"]).read_bytes(), policy=default)
    assert received["Message-ID"] == message_id
    body = received.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert body.decode().replace("\r\n", "\n").strip() == "A integração falhou três vezes.\nVeja o painel."


def test_a_refused_login_is_a_permanent_credentials_error(sender: EmailSender) -> None:
    wrong = EmailSender(sender.host, sender.port, sender.sender, "avisos", "recusada", cafile=sender.cafile)
    with pytest.raises(CredentialsRefusedError) as refused:
        wrong.send("assunto", "corpo", ["a@b.com.br"])
    assert refused.value.permanent


def test_an_untrusted_certificate_is_never_accepted(sender: EmailSender) -> None:
    untrusted = EmailSender(sender.host, sender.port, sender.sender, "avisos", "segredo-smtp-teste")
    with pytest.raises(PartnerUnavailableError):
        untrusted.send("assunto", "corpo", ["a@b.com.br"])


def test_an_unreachable_server_is_unavailable() -> None:
    with pytest.raises(PartnerUnavailableError) as unavailable:
        EmailSender("127.0.0.1", free_port(), "a@b.com.br", security="none").send("assunto", "corpo", ["c@d.com.br"])
    assert not unavailable.value.permanent


def test_credentials_are_never_sent_without_tls() -> None:
    with pytest.raises(ValueError, match="TLS"):
        EmailSender("127.0.0.1", 25, "a@b.com.br", username="u", password="p", security="none")


def test_a_subject_cannot_inject_headers(sender: EmailSender) -> None:
    with pytest.raises(ValueError, match=r"linefeed|carriage"):
        sender.send("assunto\r\nBcc: todos@exemplo.com", "corpo", ["a@b.com.br"])
