"""The audit trail: one row per change anybody made through the product, searchable by support agents.

Rows are only ever inserted (the database refuses UPDATE, DELETE and TRUNCATE on the table). Secret values
never reach a row: writers pass snapshots with secrets already redacted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from include.integracoes.errors import Invalid
from include.integracoes.messages import CATALOG, text
from include.integracoes.paging import Page, check_paging
from include.integracoes.periods import FIRST_DAY, LAST_DAY
from include.integracoes.principal import Principal
from include.integracoes.spreadsheet import CsvLines
from include.problems import Problem

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
# A CSV export is capped so one request cannot stream the whole history; filters narrow it.
CSV_LIMIT = 100_000


def record(
    conn: psycopg.Connection,
    username: str,
    action: str,
    entity: str,
    entity_id: object,
    *,
    tenant_id: int | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Append one row (inside the caller's transaction: the change and its record commit together)."""
    conn.execute(
        """INSERT INTO integracao.auditoria (username, acao, entidade, entidade_id, antes, depois, tenant_id)
           VALUES (%s, %s, %s, %s, %s, %s, %s)""",
        (
            username, action, entity, str(entity_id), Jsonb(before) if before is not None else None,
            Jsonb(after) if after is not None else None, tenant_id,
        ),
    )  # fmt: skip


@dataclass(frozen=True)
class Filters:
    tenant_id: int | None = None
    username: str = ""
    entity: str = ""
    entity_id: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    username: str
    tenant_id: int | None
    tenant_name: str | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def action_label(self, language: str) -> str:
        key = f"audit.action.{self.action}"
        return text(key, language) if key in CATALOG else self.action

    def entity_label(self, language: str) -> str:
        key = f"audit.entity.{self.entity}"
        return text(key, language) if key in CATALOG else self.entity


def _where(filters: Filters) -> tuple[sql.Composable, dict[str, Any]]:
    problems: dict[str, Problem] = {}
    for field, day in (("start", filters.start), ("end", filters.end)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            problems[field] = Problem("audit.invalid_date")
    if filters.start and filters.end and filters.start > filters.end:
        problems["end"] = Problem("audit.reversed_period")
    if problems:
        raise Invalid(problems, key="http.validation")
    clauses: list[sql.Composable] = [sql.SQL("true")]
    params: dict[str, Any] = {}
    if filters.tenant_id is not None:
        clauses.append(sql.SQL("a.tenant_id = %(tenant)s"))
        params["tenant"] = filters.tenant_id
    for column, name, value in (
        ("username", "user", filters.username), ("entidade", "entity", filters.entity),
        ("entidade_id", "entity_id", filters.entity_id), ("acao", "action", filters.action),
    ):  # fmt: skip
        if value.strip():
            clauses.append(sql.SQL("a.{} = %({})s").format(sql.Identifier(column), sql.SQL(name)))
            params[name] = value.strip()
    # Days are São Paulo calendar days, as the user reads them on the page.
    if filters.start:
        clauses.append(sql.SQL("a.registrado_em >= %(from)s"))
        params["from"] = datetime.combine(filters.start, datetime.min.time(), SAO_PAULO)
    if filters.end:
        clauses.append(sql.SQL("a.registrado_em < %(until)s"))
        params["until"] = datetime.combine(filters.end + timedelta(days=1), datetime.min.time(), SAO_PAULO)
    return sql.SQL(" AND ").join(clauses), params


_SELECT = sql.SQL(
    """SELECT a.id, a.registrado_em, a.username, a.tenant_id, t.nome, a.acao, a.entidade, a.entidade_id,
              a.antes, a.depois
       FROM integracao.auditoria a LEFT JOIN integracao.tenant t ON t.id = a.tenant_id
       WHERE {where} ORDER BY a.registrado_em DESC, a.id DESC"""
)


def search(
    conn: psycopg.Connection, principal: Principal, filters: Filters, *, page: int = 1, page_size: int = 25
) -> Page[Entry]:
    principal.require_agent()
    check_paging(page, page_size)
    where, params = _where(filters)
    total_row = conn.execute(
        sql.SQL("SELECT count(*) FROM integracao.auditoria a WHERE {}").format(where), params
    ).fetchone()
    total = int(total_row[0]) if total_row else 0
    rows = conn.execute(
        sql.SQL("{} LIMIT %(limit)s OFFSET %(offset)s").format(_SELECT.format(where=where)),
        {**params, "limit": page_size, "offset": (page - 1) * page_size},
    ).fetchall()
    return Page([Entry(*row) for row in rows], total, page, page_size)


def entities(conn: psycopg.Connection, principal: Principal) -> list[str]:
    """The kinds of object the trail holds (the page's filter)."""
    principal.require_agent()
    return [r[0] for r in conn.execute("SELECT DISTINCT entidade FROM integracao.auditoria ORDER BY 1")]


def check_export(principal: Principal, filters: Filters) -> None:
    """What `csv_lines` would refuse, raised before a response starts streaming."""
    principal.require_agent()
    _where(filters)


CSV_COLUMNS = ("id", "registrado_em", "usuario", "rede_id", "rede", "acao", "objeto", "objeto_id", "antes", "depois")


def csv_lines(conn: psycopg.Connection, principal: Principal, filters: Filters, language: str) -> Iterator[str]:
    """The filtered trail as CSV lines (`;`-separated, as spreadsheets in pt-BR expect), newest first,
    read with a server-side cursor: the export never holds the whole trail in memory."""
    principal.require_agent()
    where, params = _where(filters)
    line = CsvLines().line
    yield line(CSV_COLUMNS)
    query = sql.SQL("{} LIMIT %(limit)s").format(_SELECT.format(where=where))
    with conn.cursor(name="audit_csv") as cursor:
        cursor.execute(query, {**params, "limit": CSV_LIMIT})
        for row in cursor:
            entry = Entry(*row)
            yield line(
                [
                    entry.id, entry.at.astimezone(SAO_PAULO).isoformat(timespec="seconds"), entry.username,
                    entry.tenant_id or "", entry.tenant_name or "", entry.action_label(language),
                    entry.entity_label(language), entry.entity_id,
                    json.dumps(entry.before, ensure_ascii=False, sort_keys=True) if entry.before is not None else "",
                    json.dumps(entry.after, ensure_ascii=False, sort_keys=True) if entry.after is not None else "",
                ]
            )  # fmt: skip
