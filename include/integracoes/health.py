"""The health of integrations at a glance: the Painel (counts, recent failures, what needs attention), the
marks of the Integrações list, and an integration's tasks per day.

An integration is
- *inactive* when it is switched off;
- *failing* when the task that ended last failed;
- *late* when a type that delivers every day (or on its own timetable) has had no delivery for more than
  INTEGRACOES_LATE_AFTER_PERIODS of its periods — incremental types create tasks only when there is something
  new, so they are never late by silence;
- *never ran* when such a type, registered more than that long ago, never delivered;
- *healthy* otherwise.
All of it comes from `integracao.saude`, kept by the tasks' own status changes (migration 0012), so the
Painel never scans the tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from include import settings
from include.connectors.catalog import TYPES
from include.connectors.types import IncrementalWindow
from include.integracoes import integrations
from include.integracoes.messages import DEFAULT_LANGUAGE, text
from include.integracoes.principal import Principal

ATTENTION_LIMIT = 50
HISTORY = 20  # tasks shown as marks on each row of the list
DAILY_TYPES = [t.code for t in TYPES if not isinstance(t.window, IncrementalWindow)]


class Health(StrEnum):
    HEALTHY = "healthy"
    FAILING = "failing"
    LATE = "late"
    NEVER_RAN = "never_ran"
    INACTIVE = "inactive"

    def label(self, language: str = DEFAULT_LANGUAGE) -> str:
        return text(f"health.{self.value}", language)


def late_after() -> int:
    """Periods without a delivery before a daily integration counts as late (INTEGRACOES_LATE_AFTER_PERIODS)."""
    return settings.current().late_after_periods


# The rule, in SQL, over `i` (integracao) and `s` (saude, left-joined). A daily type's period is a day (or
# its interval, when longer); `health_case()` fills in the number of periods.
_HEALTH = sql.SQL("""
    CASE WHEN NOT i.ativa THEN 'inactive'
         WHEN s.ultima_situacao = 'failed' THEN 'failing'
         WHEN i.tipo_codigo <> ALL({daily}::text[]) THEN 'healthy'
         WHEN coalesce(s.ultimo_sucesso_em, i.criada_em)
              >= now() - make_interval(mins => greatest(i.intervalo_minutos, 1440) * {late}) THEN 'healthy'
         WHEN s.ultimo_sucesso_em IS NULL THEN 'never_ran'
         ELSE 'late' END""")


def health_case() -> sql.Composed:
    """An integration's health, in SQL over `i` and `s`."""
    return _HEALTH.format(daily=sql.Literal(DAILY_TYPES), late=sql.Literal(late_after()))


def late_without_alert() -> sql.Composed:
    """Active integrations that are late and have no alert open: (id, last delivery)."""
    return sql.SQL("""
    SELECT i.id, s.ultimo_sucesso_em FROM integracao.integracao i
    LEFT JOIN integracao.saude s ON s.integracao_id = i.id
    WHERE ({health}) IN ('late', 'never_ran') AND s.alerta_aberto IS NULL""").format(health=health_case())


def condition(wanted: Health) -> sql.Composable:
    """The list's filter by health (over `i` and `s`)."""
    return sql.SQL("({}) = {}").format(health_case(), sql.Literal(str(wanted)))


def tenant_scope(principal: Principal) -> tuple[sql.Composable, dict[str, Any]]:
    """The caller's integrations, as a condition over `i` (integracao) and its parameters."""
    if principal.is_support_agent:
        return sql.SQL("TRUE"), {}
    return sql.SQL("i.tenant_id = ANY(%(tenants)s::int[])"), {"tenants": sorted(principal.tenant_ids)}


@dataclass(frozen=True)
class Attention:
    integration_id: int
    description: str
    tenant: str
    type_name: str
    health: Health
    since: datetime | None  # the failure, or the last delivery (None: never delivered)
    consecutive_failures: int
    last_error: str | None


@dataclass(frozen=True)
class FailureCount:
    name: str
    last_24h: int
    last_7d: int


@dataclass(frozen=True)
class AlertSent:
    integration_id: int
    description: str
    kind: str
    sent_at: datetime
    recipients: int
    detail: str


@dataclass(frozen=True)
class Overview:
    counts: dict[Health, int]
    failures_by_type: list[FailureCount]
    failures_by_tenant: list[FailureCount]
    attention: list[Attention]
    alerts: list[AlertSent]


def overview(conn: psycopg.Connection, principal: Principal) -> Overview:
    where, params = tenant_scope(principal)
    with conn.cursor(row_factory=dict_row) as cur:
        counts = {
            Health(r["saude"]): int(r["n"])
            for r in cur.execute(
                sql.SQL("""SELECT {health} AS saude, count(*) AS n FROM integracao.integracao i
                           LEFT JOIN integracao.saude s ON s.integracao_id = i.id WHERE {where} GROUP BY 1""").format(
                    health=health_case(), where=where),
                params,
            )
        }  # fmt: skip
        attention = [
            Attention(
                r["id"],
                r["descricao"],
                r["tenant"],
                r["tipo"],
                Health(r["saude"]),
                r["desde"],
                int(r["falhas_seguidas"] or 0),
                r["ultimo_motivo"],
            )
            for r in cur.execute(
                sql.SQL("""SELECT * FROM (
                               SELECT i.id, i.descricao, t.nome AS tenant, ti.nome AS tipo, {health} AS saude,
                                      CASE WHEN s.ultima_situacao = 'failed' THEN s.ultimo_fim_em
                                           ELSE s.ultimo_sucesso_em END AS desde,
                                      s.falhas_seguidas, s.ultimo_motivo
                               FROM integracao.integracao i
                               JOIN integracao.tenant t ON t.id = i.tenant_id
                               JOIN integracao.tipo_integracao ti ON ti.codigo = i.tipo_codigo
                               LEFT JOIN integracao.saude s ON s.integracao_id = i.id
                               WHERE {where}) q
                           WHERE q.saude IN ('failing', 'late', 'never_ran')
                           ORDER BY array_position(ARRAY['failing', 'late', 'never_ran'], q.saude),
                                    q.desde DESC NULLS LAST, q.id
                           LIMIT %(limit)s""").format(health=health_case(), where=where),
                params | {"limit": ATTENTION_LIMIT},
            )
        ]
        failures = cur.execute(
            sql.SQL("""SELECT ti.nome AS tipo, t.nome AS tenant,
                              count(*) FILTER (WHERE f.atualizada_em > now() - interval '24 hours') AS dia,
                              count(*) AS semana
                       FROM integracao.tarefa f
                       JOIN integracao.integracao i ON i.id = f.integracao_id
                       JOIN integracao.tenant t ON t.id = i.tenant_id
                       JOIN integracao.tipo_integracao ti ON ti.codigo = i.tipo_codigo
                       WHERE f.situacao = 'failed' AND f.atualizada_em > now() - interval '7 days' AND {where}
                       GROUP BY 1, 2""").format(where=where),
            params,
        ).fetchall()
        alerts = [
            AlertSent(r["integracao_id"], r["descricao"], r["tipo"], r["enviado_em"], r["destinatarios"], r["detalhe"])
            for r in cur.execute(
                sql.SQL("""SELECT a.*, i.descricao FROM integracao.alerta a
                           JOIN integracao.integracao i ON i.id = a.integracao_id
                           WHERE {where} ORDER BY a.enviado_em DESC, a.id DESC LIMIT 20""").format(where=where),
                params,
            )
        ]
    return Overview(
        {h: counts.get(h, 0) for h in Health}, _by(failures, "tipo"), _by(failures, "tenant"), attention, alerts
    )


def _by(rows: list[dict[str, Any]], key: str) -> list[FailureCount]:
    totals: dict[str, list[int]] = {}
    for r in rows:
        pair = totals.setdefault(r[key], [0, 0])
        pair[0] += int(r["dia"])
        pair[1] += int(r["semana"])
    ordered = sorted(totals.items(), key=lambda item: (-item[1][1], item[0]))
    return [FailureCount(name, day, week) for name, (day, week) in ordered]


# --- the list's marks and the integration's chart -------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    code: int
    status: str
    start: date
    end: date
    at: datetime


@dataclass(frozen=True)
class RowHealth:
    health: Health
    last_success_at: datetime | None
    history: list[Mark]  # newest first


def for_rows(conn: psycopg.Connection, integration_ids: list[int]) -> dict[int, RowHealth]:
    """Health, last delivery and the last tasks of a page of the list (one query, index-backed)."""
    if not integration_ids:
        return {}
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            sql.SQL("""SELECT i.id, {health} AS saude, s.ultimo_sucesso_em,
                              coalesce(h.marcas, '[]'::json) AS marcas
                       FROM integracao.integracao i
                       LEFT JOIN integracao.saude s ON s.integracao_id = i.id
                       LEFT JOIN LATERAL (
                           SELECT json_agg(json_build_object('code', t.codigo, 'status', t.situacao,
                                  'start', t.data_inicial, 'end', t.data_final, 'at', t.atualizada_em)
                                  ORDER BY t.criada_em DESC) AS marcas
                           FROM (SELECT * FROM integracao.tarefa t WHERE t.integracao_id = i.id
                                 ORDER BY t.criada_em DESC LIMIT %(history)s) t) h ON true
                       WHERE i.id = ANY(%(ids)s::int[])""").format(health=health_case()),
            {"ids": integration_ids, "history": HISTORY},
        ).fetchall()
    return {
        r["id"]: RowHealth(
            Health(r["saude"]), r["ultimo_sucesso_em"],
            [Mark(m["code"], m["status"], date.fromisoformat(m["start"]), date.fromisoformat(m["end"]),
                  datetime.fromisoformat(m["at"])) for m in r["marcas"]],
        )
        for r in rows
    }  # fmt: skip


@dataclass(frozen=True)
class DayCount:
    day: date
    counts: dict[str, int]  # by task status


def tasks_per_day(
    conn: psycopg.Connection, principal: Principal, integration_id: int, days: int = 30
) -> list[DayCount]:
    """An integration's tasks per day (created, in the deployment's calendar) and status, oldest day first."""
    integrations.get(conn, principal, integration_id)  # NotFound for another tenant's
    rows = conn.execute(
        """SELECT d::date, t.situacao, count(t.id)
           FROM generate_series((now() AT TIME ZONE 'America/Sao_Paulo')::date - (%(days)s - 1),
                                (now() AT TIME ZONE 'America/Sao_Paulo')::date, interval '1 day') d
           LEFT JOIN integracao.tarefa t ON t.integracao_id = %(id)s
                AND (t.criada_em AT TIME ZONE 'America/Sao_Paulo')::date = d::date
           GROUP BY 1, 2 ORDER BY 1""",
        {"days": days, "id": integration_id},
    ).fetchall()
    per_day: dict[date, dict[str, int]] = {}
    for day, status, count in rows:
        per_day.setdefault(day, {})
        if status:
            per_day[day][status] = int(count)
    return [DayCount(day, counts) for day, counts in per_day.items()]
