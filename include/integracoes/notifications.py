"""E-mails to the addresses an integration names in its `email_notificacao` key: the summary of each
reconciliation the partner answered, and a task that ended *Falha no envio*.

Sent through the deployment's SMTP relay (settings below), after the fact: never inside a transaction, and
never able to fail a run — a notification that cannot be sent is logged in the integration's log instead.

Settings: INTEGRACOES_SMTP_HOST (unset: notifications off), INTEGRACOES_SMTP_PORT (587),
INTEGRACOES_SMTP_SENDER, INTEGRACOES_SMTP_USER / INTEGRACOES_SMTP_PASSWORD, INTEGRACOES_SMTP_SECURITY
(starttls | ssl | none), INTEGRACOES_SMTP_CAFILE (an extra certificate authority).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import psycopg

from include import settings
from include.connectors.config import split_addresses
from include.connectors.errors import DeliveryError
from include.connectors.transports.email import EmailSender
from include.integracoes import logs
from include.integracoes.messages import text

log = logging.getLogger(__name__)

ADDRESS_KEY = "email_notificacao"
LANGUAGE = "pt-BR"


def mailer() -> EmailSender | None:
    current = settings.current()
    if not current.smtp_host:
        return None
    return EmailSender(
        host=current.smtp_host,
        port=current.smtp_port,
        sender=current.smtp_sender,
        username=current.smtp_user,
        password=current.smtp_password.get_secret_value() if current.smtp_password else None,
        security=current.smtp_security,
        cafile=current.smtp_cafile,
    )


def addresses(config: Mapping[str, str]) -> list[str]:
    """The integration's notification addresses (its `email_notificacao` key)."""
    return split_addresses(config.get(ADDRESS_KEY, ""))


def send(conn: psycopg.Connection, integration_id: int, recipients: list[str], subject: str, body: str) -> int:
    """One e-mail about an integration, logged in its log; how many addresses it went to (0: not sent)."""
    sender = mailer()
    if not recipients or sender is None:
        return 0
    try:
        sender.send(subject, body, recipients)
    except DeliveryError as error:
        log.warning("Notification of integration %s not sent: %s", integration_id, error)
        logs.write(conn, integration_id, "log.notification_failed", level="WARNING", subject=subject)
        return 0
    logs.write(conn, integration_id, "log.notification_sent", subject=subject, count=len(recipients))
    return len(recipients)


def names(conn: psycopg.Connection, integration_id: int) -> tuple[str, str]:
    """(description, tenant) of the integration, as the e-mails name it."""
    row = conn.execute(
        "SELECT i.descricao, t.nome FROM integracao.integracao i JOIN integracao.tenant t ON t.id = i.tenant_id"
        " WHERE i.id = %s",
        (integration_id,),
    ).fetchone()
    return (str(row[0]), str(row[1])) if row else (str(integration_id), "")


def reconciliation_summary(
    conn: psycopg.Connection, integration_id: int, config: Mapping[str, str], day: str, counts: Mapping[str, int]
) -> None:
    """After a reconciliation answer was applied: how many sales were sent, reconciled, divergent, not found,
    and how many of the integration's tasks failed in the last 24 hours."""
    failed = conn.execute(
        "SELECT count(*) FROM integracao.tarefa WHERE integracao_id = %s AND situacao = 'failed'"
        " AND atualizada_em > now() - interval '24 hours'",
        (integration_id,),
    ).fetchone()
    params = {
        "integration": names(conn, integration_id)[0],
        "day": day,
        "sent": sum(counts.values()),
        "reconciled": counts.get("conciliada", 0),
        "divergent": counts.get("divergente", 0),
        "not_found": counts.get("nao_encontrada", 0),
        "failures": int(failed[0]) if failed else 0,
    }
    subject = text("notification.reconciliation.subject", LANGUAGE, **params)
    send(conn, integration_id, addresses(config), subject, text("notification.reconciliation.body", LANGUAGE, **params))


def task_failed(
    conn: psycopg.Connection, integration_id: int, config: Mapping[str, str], code: int, reason: str
) -> None:
    params = {"integration": names(conn, integration_id)[0], "code": code, "reason": reason}
    subject = text("notification.task_failed.subject", LANGUAGE, **params)
    send(conn, integration_id, addresses(config), subject, text("notification.task_failed.body", LANGUAGE, **params))
