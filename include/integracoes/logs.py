"""The integration log: short lines a client reads (pt-BR), per integration, in order, never with secrets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

from include.integracoes import integrations
from include.integracoes.messages import text
from include.integracoes.principal import Principal

MAX_PAGE = 500


@dataclass(frozen=True)
class LogLine:
    cursor: int
    ts: datetime
    level: str
    task_code: int | None
    message: str


def write_once(conn: psycopg.Connection, integration_id: int, key: str) -> None:
    """Append a line unless it is already the integration's latest one: "nothing new" at every wake-up
    would bury the lines that matter."""
    last = conn.execute(
        "SELECT mensagem FROM integracao.log_integracao WHERE integracao_id = %s ORDER BY id DESC LIMIT 1",
        (integration_id,),
    ).fetchone()
    if last is None or last[0] != text(key, "pt-BR"):
        write(conn, integration_id, key)


def write(
    conn: psycopg.Connection,
    integration_id: int,
    key: str,
    *,
    task_id: int | None = None,
    level: str = "INFO",
    **params: object,
) -> None:
    """Append a catalogued line (rendered in pt-BR, the product's language, at write time)."""
    conn.execute(
        "INSERT INTO integracao.log_integracao (integracao_id, tarefa_id, nivel, mensagem) VALUES (%s, %s, %s, %s)",
        (integration_id, task_id, level, text(key, "pt-BR", **params)),
    )


def read(
    conn: psycopg.Connection, principal: Principal, integration_id: int, *, after: int = 0, limit: int = 100
) -> tuple[list[LogLine], int]:
    """Lines after a cursor, oldest first, and the cursor to ask from next time."""
    integrations.get(conn, principal, integration_id)  # NotFound for other tenants
    rows = conn.execute(
        """SELECT l.id, l.registrado_em, l.nivel, t.codigo, l.mensagem
           FROM integracao.log_integracao l LEFT JOIN integracao.tarefa t ON t.id = l.tarefa_id
           WHERE l.integracao_id = %s AND l.id > %s ORDER BY l.id LIMIT %s""",
        (integration_id, max(after, 0), min(max(limit, 1), MAX_PAGE)),
    ).fetchall()
    lines = [LogLine(int(r[0]), r[1], str(r[2]), r[3], str(r[4])) for r in rows]
    return lines, (lines[-1].cursor if lines else max(after, 0))
