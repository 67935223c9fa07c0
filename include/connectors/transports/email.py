"""One plain-text e-mail through an SMTP relay (notifications to pharmacies and partners).

Plain smtplib rather than the SMTP provider's SmtpHook: the hook reads host, port, TLS and login only from a
stored Airflow connection (`get_conn` looks it up by id), while these settings are given explicitly here.
TLS is required whenever there is a login (STARTTLS by default, or implicit TLS), and certificates are
verified (`cafile` adds an authority, e.g. the local sandbox's).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal

from include.connectors.errors import (
    CredentialsRefusedError,
    DeliveryError,
    PartnerRejectedError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)

log = logging.getLogger(__name__)
TIMEOUT_S = 30
_MAX_DETAIL = 200


@dataclass(frozen=True)
class EmailSender:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    security: Literal["starttls", "ssl", "none"] = "starttls"
    cafile: str | None = None
    timeout: float = TIMEOUT_S

    def __post_init__(self) -> None:
        if self.username and self.security == "none":
            raise ValueError("SMTP credentials are never sent without TLS")

    def send(self, subject: str, body: str, recipients: Sequence[str]) -> str:
        """Send one message; returns its Message-ID. Raises classified DeliveryErrors."""
        message = EmailMessage()
        message["Subject"] = subject  # the default policy refuses line breaks (header injection)
        message["From"] = self.sender
        message["To"] = ", ".join(recipients)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(body)
        try:
            refused = self._deliver(message)
        except smtplib.SMTPException as error:
            raise _classify(error) from error
        except TimeoutError as error:
            raise PartnerTimeoutError("o servidor de e-mail não respondeu a tempo") from error
        except OSError as error:  # refused, unreachable, DNS, TLS handshake
            raise PartnerUnavailableError("conexão", type(error).__name__) from error
        if refused:
            # Accepted for the others: raising would make a retry send it to them twice.
            log.warning(
                "E-mail %s refused for %d of %d recipients", message["Message-ID"], len(refused), len(recipients)
            )
        return str(message["Message-ID"])

    def _deliver(self, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
        context = ssl.create_default_context(cafile=self.cafile)
        smtp: smtplib.SMTP
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            return smtp.send_message(message)


def _classify(error: smtplib.SMTPException) -> DeliveryError:
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return CredentialsRefusedError("usuário ou senha recusados pelo servidor de e-mail")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return PartnerRejectedError("destinatários recusados pelo servidor de e-mail")
    if isinstance(error, smtplib.SMTPSenderRefused):
        return PartnerRejectedError("remetente recusado pelo servidor de e-mail")
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return PartnerRejectedError("o servidor de e-mail não oferece o necessário (STARTTLS ou login)")
    if isinstance(error, smtplib.SMTPResponseException):
        said = error.smtp_error
        text = (said.decode("utf-8", "replace") if isinstance(said, bytes) else said)[:_MAX_DETAIL]
        if 500 <= error.smtp_code < 600:
            return PartnerRejectedError(f"o servidor de e-mail recusou a mensagem: {text}")
        return PartnerUnavailableError(error.smtp_code, text)
    return PartnerUnavailableError("conexão", type(error).__name__)
