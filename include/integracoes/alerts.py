"""Alerts: when an integration fails INTEGRACOES_ALERT_FAILURES times in a row, becomes late, or meets an SFTP server
whose host key changed (at the first failure), one e-mail to its
notification addresses and to the support team; one "back to normal" e-mail when it delivers again. Never one
per failed retry or per failed task after the first alert: `integracao.saude.alerta_aberto` is claimed by a
single conditional UPDATE, so only one process ever sends a given alert. Every alert is recorded (the
Painel lists them), also when there was nobody to send it to.

Settings: INTEGRACOES_ALERT_FAILURES (3), INTEGRACOES_SUPPORT_EMAIL (the support team's addresses, `;`).
"""

from __future__ import annotations

import logging

import psycopg

from include import settings
from include.integracoes import health, notifications
from include.integracoes.integrations import decrypted_config
from include.integracoes.messages import text

log = logging.getLogger(__name__)

LANGUAGE = "pt-BR"


def failures_to_alert() -> int:
    return settings.current().alert_failures


def support_addresses() -> list[str]:
    return list(settings.current().support_email)


def after_task_ended(conn: psycopg.Connection, integration_id: int, failure: str | None = None) -> None:
    """Called when a task of the integration ended (failed, with its failure class, or delivered): open or
    close its alert. A changed SFTP host key alerts at once: it is a security event, not a flaky partner."""
    if failure == "host_key_changed":
        claimed = conn.execute(
            "UPDATE integracao.saude SET alerta_aberto = 'chave_sftp' WHERE integracao_id = %s"
            " AND alerta_aberto IS DISTINCT FROM 'chave_sftp' RETURNING ultimo_motivo",
            (integration_id,),
        ).fetchone()
        if claimed:
            send(conn, integration_id, "chave_sftp", reason=claimed[0] or "")
        return
    opened = conn.execute(
        """UPDATE integracao.saude SET alerta_aberto = 'falhas'
           WHERE integracao_id = %s AND alerta_aberto IS NULL AND ultima_situacao = 'failed'
             AND falhas_seguidas >= %s
           RETURNING falhas_seguidas, ultimo_motivo""",
        (integration_id, failures_to_alert()),
    ).fetchone()
    if opened:
        send(conn, integration_id, "falhas", count=opened[0], reason=opened[1] or "")
        return
    closed = conn.execute(
        """UPDATE integracao.saude SET alerta_aberto = NULL
           WHERE integracao_id = %s AND alerta_aberto IS NOT NULL AND ultima_situacao = 'completed'
           RETURNING ultimo_sucesso_em""",
        (integration_id,),
    ).fetchone()
    if closed:
        send(conn, integration_id, "normalizado", at=f"{closed[0]:%d/%m/%Y %H:%M}")


def check_late(conn: psycopg.Connection) -> int:
    """Open the alert of every integration that became late (the reconciler calls it periodically)."""
    rows = conn.execute(health.late_without_alert()).fetchall()
    for integration_id, last in rows:
        conn.execute(
            "INSERT INTO integracao.saude (integracao_id) VALUES (%s) ON CONFLICT DO NOTHING", (integration_id,)
        )
        claimed = conn.execute(
            "UPDATE integracao.saude SET alerta_aberto = 'atraso' WHERE integracao_id = %s AND alerta_aberto IS NULL"
            " RETURNING 1",
            (integration_id,),
        ).fetchone()
        if claimed:
            send(conn, integration_id, "atraso", since=f"{last:%d/%m/%Y %H:%M}" if last else "—")
    return len(rows)


def send(conn: psycopg.Connection, integration_id: int, kind: str, **params: object) -> None:
    """One alert of `kind` about the integration, to its notification addresses and the support team, recorded."""
    description, tenant = notifications.names(conn, integration_id)
    values = {"integration": description, "tenant": tenant, "failures": failures_to_alert(), **params}
    subject = text(f"alert.{kind}.subject", LANGUAGE, **values)
    try:
        config = decrypted_config(conn, integration_id)
    except Exception:  # a configuration that cannot be read still alerts the support team
        log.exception("Configuration of integration %s unreadable for its alert", integration_id)
        config = {}
    recipients = list(dict.fromkeys(notifications.addresses(config) + support_addresses()))
    sent = notifications.send(conn, integration_id, recipients, subject, text(f"alert.{kind}.body", LANGUAGE, **values))
    conn.execute(
        "INSERT INTO integracao.alerta (integracao_id, tipo, destinatarios, detalhe) VALUES (%s, %s, %s, %s)",
        (integration_id, kind, sent, subject),
    )
