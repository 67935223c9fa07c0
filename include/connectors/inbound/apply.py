"""Appliers: a received file's records, checked value by value, written to a temporary table with COPY,
checked as a whole in SQL (duplicates, unknown branches and products, movements already applied), then
applied to the ERP data with a few set-based statements — all inside the caller's transaction, so a file is
applied whole or not at all. Every ERP row changed gets an audit row naming the file (before and after).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql

from include.connectors.errors import ReceivedFileRefusedError
from include.connectors.inbound.records import Record, RecordReader, refuse

TIMEZONE = ZoneInfo("America/Sao_Paulo")
SYSTEM_USER = "Sistema"


@dataclass(frozen=True)
class Target:
    """Whose data a received file may change: one tenant, the integration's branches."""

    tenant_id: int
    integration_id: int
    branch_ids: tuple[int, ...]
    file_id: int


@dataclass(frozen=True)
class Applied:
    records: int  # lines (movements, products) in the file
    changes: int  # ERP rows it changed


# --- value checks --------------------------------------------------------------------------------

Check = Callable[[str], Any]


def _digits(low: int, high: int, what: str) -> Check:
    pattern = re.compile(rf"\d{{{low},{high}}}")

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{what} deve ter {low if low == high else f'{low} a {high}'} dígitos")
        return value

    return check


def _text(high: int) -> Check:
    def check(value: str) -> str:
        value = value.strip()
        if not value or len(value) > high:
            raise ValueError(f"deve ter de 1 a {high} caracteres")
        return value

    return check


def _quantity(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"quantidade inválida {value!r} (use ponto como separador decimal)") from None
    if not number.is_finite() or number <= 0 or number >= Decimal("1e9"):
        raise ValueError(f"quantidade fora do intervalo: {value}")
    if number.as_tuple().exponent < -3:  # type: ignore[operator]
        raise ValueError(f"quantidade com mais de 3 casas decimais: {value}")
    return number


def _moment(value: str) -> datetime:
    """ISO 8601 with an offset, or AAAAMMDDHHMMSS in the deployment's time zone (fixed-width layouts)."""
    try:
        if re.fullmatch(r"\d{14}", value):
            return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=TIMEZONE)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"data e hora inválida {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"data e hora sem fuso horário: {value}")
    if not 2000 <= moment.year <= 2100:
        raise ValueError(f"data fora do intervalo: {value}")
    return moment


def _choice(*allowed: str) -> Check:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"deve ser {' ou '.join(allowed)}, não {value!r}")
        return value

    return check


def _optional(check: Check) -> Check:
    return lambda value: check(value) if value else None


def gs1_ean(value: str) -> str:
    """An EAN/GTIN (8, 12, 13 or 14 digits) whose check digit is right."""
    if not re.fullmatch(r"\d{8}|\d{12,14}", value):
        raise ValueError(f"EAN {value} inválido (8, 12, 13 ou 14 dígitos)")
    body, digit = value[:-1], int(value[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    if (10 - total % 10) % 10 != digit:
        raise ValueError(f"EAN {value} inválido (dígito verificador)")
    return value


# --- the appliers --------------------------------------------------------------------------------


class Inbound(ABC):
    """One kind of received data: its reader, its value checks, the temporary table, the apply."""

    label: ClassVar[str]
    table: ClassVar[str]  # the temporary table's name
    columns: ClassVar[tuple[tuple[str, str, Check], ...]]  # (field, SQL type, check)

    reader: RecordReader
    # An answer to a query may rightly be empty (no card sales that day); a file a partner chose to send may not.
    may_be_empty: ClassVar[bool] = False

    def apply(self, conn: psycopg.Connection, stream: Any, target: Target) -> Applied:
        """Read, check and apply a received file inside the caller's transaction."""
        count = self._load(conn, self.reader.records(stream))
        if count == 0 and not self.may_be_empty:
            raise refuse("", "arquivo sem registros")
        for problem in self._problems(target):
            found = conn.execute(problem.query, problem.params).fetchone()
            if found:
                raise refuse(found[0], problem.message.format(*found[1:]))
        return Applied(count, self._write(conn, target))

    def _load(self, conn: psycopg.Connection, records: Iterator[Record]) -> int:
        table = sql.Identifier(self.table)
        definition = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind)) for name, kind, _ in self.columns
        )
        names = sql.SQL(", ").join(sql.Identifier(name) for name, _, _ in self.columns)
        # Dropped first as well: inside a caller's savepoint ON COMMIT has not happened yet.
        conn.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(table))
        conn.execute(
            sql.SQL("CREATE TEMP TABLE {} (numero int, onde text, {}) ON COMMIT DROP").format(table, definition)
        )
        count = 0
        with conn.cursor().copy(sql.SQL("COPY {} (numero, onde, {}) FROM STDIN").format(table, names)) as copy:
            for record in records:
                copy.write_row((record.number, record.where, *self._checked(record)))
                count += 1
        conn.execute(sql.SQL("ANALYZE {}").format(table))
        return count

    def _checked(self, record: Record) -> list[Any]:
        values = []
        for name, _, check in self.columns:
            try:
                values.append(check(record.values.get(name, "")))
            except ValueError as error:
                raise refuse(record.where, f"{name}: {error}") from None
        return values

    def summary(self, conn: psycopg.Connection, target: Target) -> tuple[str, dict[str, int]] | None:
        """What is worth telling people after the file was applied — (the day it is about, counts) — or None."""
        return None

    @abstractmethod
    def _problems(self, target: Target) -> Sequence[Problem]:
        """Checks over the whole file: each query returns (where, *message args) of the first offence."""

    @abstractmethod
    def _write(self, conn: psycopg.Connection, target: Target) -> int:
        """Apply the checked rows; the number of ERP rows changed."""


@dataclass(frozen=True)
class InboundKinds:
    """A partner that sends several kinds of files (a reconciliation answer, a payments report): each kind of
    the inbox has its own reader and applier."""

    kinds: tuple[tuple[str, Inbound], ...]

    def for_kind(self, kind: str) -> Inbound:
        return dict(self.kinds)[kind]

    @property
    def reader(self) -> RecordReader:  # the format, for the catalog
        return self.kinds[0][1].reader


def inbound_for(connector: Any, kind: str) -> Inbound:
    """The applier of a received file of `kind` (partners with one kind ignore it)."""
    inbound = connector.inbound
    if inbound is None:
        raise TypeError(f"{connector.code} receives nothing")
    return inbound.for_kind(kind) if isinstance(inbound, InboundKinds) else inbound


@dataclass(frozen=True)
class Problem:
    query: sql.Composed
    params: dict[str, Any]
    message: str


def _sql(statement: str, table: sql.Identifier, **parts: sql.Composable) -> sql.Composed:
    """A statement over the temporary table `{t}` (its name composed as an identifier), with shared parts."""
    return sql.SQL(statement).format(t=table, **parts)


def _params(target: Target) -> dict[str, Any]:
    return {
        "tenant": target.tenant_id,
        "integration": target.integration_id,
        "branches": list(target.branch_ids),
        "file": target.file_id,
        "who": SYSTEM_USER,
    }


@dataclass(frozen=True)
class StockMovements(Inbound):
    """Warehouse returns: entries (E) and exits (S) per branch and product; stock changes by their sum.
    Each movement id is applied once per integration, whatever file carries it."""

    reader: RecordReader
    label: ClassVar[str] = "movimentos de estoque"
    table: ClassVar[str] = "recebido_movimento"
    columns: ClassVar[tuple[tuple[str, str, Check], ...]] = (
        ("id", "text", lambda v: _matching(v, r"[A-Za-z0-9._-]{1,40}", "deve ter de 1 a 40 letras, dígitos, . _ -")),
        ("cnpj_filial", "text", _digits(14, 14, "o CNPJ")),
        ("ean", "text", _digits(8, 14, "o EAN")),
        ("tipo", "char(1)", _choice("E", "S")),
        ("quantidade", "numeric(12,3)", _quantity),
        ("ocorrido_em", "timestamptz", _moment),
        ("pedido", "bigint", _optional(lambda v: int(_digits(1, 18, "o pedido")(v)))),
    )

    def _problems(self, target: Target) -> Sequence[Problem]:
        params = _params(target)
        t = sql.Identifier(self.table)
        return (
            Problem(_sql("""SELECT r.onde, r.id FROM {t} r WHERE EXISTS (
                           SELECT 1 FROM {t} o WHERE o.id = r.id AND o.numero < r.numero)
                        ORDER BY r.numero LIMIT 1""", t),
                    params, "movimento {} repetido no arquivo"),
            Problem(_sql("""SELECT r.onde, r.cnpj_filial FROM {t} r WHERE NOT EXISTS (
                           SELECT 1 FROM erp.filial f WHERE f.cnpj = r.cnpj_filial AND f.tenant_id = %(tenant)s
                             AND f.id = ANY(%(branches)s::int[])) ORDER BY r.numero LIMIT 1""", t),
                    params, "filial de CNPJ {} não faz parte desta integração"),
            Problem(_sql("""SELECT r.onde, r.ean FROM {t} r WHERE NOT EXISTS (
                           SELECT 1 FROM erp.produto p WHERE p.tenant_id = %(tenant)s AND p.ean = r.ean)
                        ORDER BY r.numero LIMIT 1""", t),
                    params, "EAN {} não cadastrado"),
            Problem(_sql("""SELECT r.onde, r.id, m.arquivo_id FROM {t} r JOIN erp.movimento_estoque m
                          ON m.integracao_id = %(integration)s AND m.id_parceiro = r.id
                        ORDER BY r.numero LIMIT 1""", t),
                    params, "movimento {} já aplicado (arquivo {})"),
        )  # fmt: skip

    def _write(self, conn: psycopg.Connection, target: Target) -> int:
        params = _params(target)
        t = sql.Identifier(self.table)
        conn.execute(
            _sql(
                """CREATE TEMP TABLE recebido_estoque ON COMMIT DROP AS
                SELECT f.id AS filial_id, p.id AS produto_id,
                       sum(CASE r.tipo WHEN 'E' THEN r.quantidade ELSE -r.quantidade END) AS variacao
                FROM {t} r
                JOIN erp.filial f ON f.tenant_id = %(tenant)s AND f.cnpj = r.cnpj_filial
                JOIN erp.produto p ON p.tenant_id = %(tenant)s AND p.ean = r.ean
                GROUP BY 1, 2""",
                t,
            ),
            params,
        )
        conn.execute(
            _sql(
                """INSERT INTO erp.movimento_estoque (tenant_id, filial_id, produto_id, tipo, quantidade, ocorrido_em,
                    pedido, integracao_id, id_parceiro, arquivo_id)
                SELECT %(tenant)s, f.id, p.id, r.tipo, r.quantidade, r.ocorrido_em, r.pedido, %(integration)s, r.id,
                       %(file)s
                FROM {t} r
                JOIN erp.filial f ON f.tenant_id = %(tenant)s AND f.cnpj = r.cnpj_filial
                JOIN erp.produto p ON p.tenant_id = %(tenant)s AND p.ean = r.ean
                ORDER BY r.numero""",
                t,
            ),
            params,
        )
        try:
            changed = conn.execute(
                """WITH before AS (
                       SELECT e.filial_id, e.produto_id, e.quantidade FROM erp.estoque e
                       JOIN recebido_estoque v USING (filial_id, produto_id)),
                   changed AS (
                       INSERT INTO erp.estoque AS e (filial_id, produto_id, quantidade)
                       SELECT filial_id, produto_id, variacao FROM recebido_estoque WHERE variacao <> 0
                       ON CONFLICT (filial_id, produto_id) DO UPDATE
                           SET quantidade = e.quantidade + excluded.quantidade, atualizado_em = now()
                       RETURNING e.filial_id, e.produto_id, e.quantidade)
                   INSERT INTO integracao.auditoria (username, acao, entidade, entidade_id, antes, depois, arquivo_id)
                   SELECT %(who)s, 'estoque.movimentos_recebidos', 'erp.estoque', c.filial_id || ':' || c.produto_id,
                          CASE WHEN b.quantidade IS NULL THEN NULL
                               ELSE jsonb_build_object('quantidade', b.quantidade) END,
                          jsonb_build_object('quantidade', c.quantidade), %(file)s
                   FROM changed c LEFT JOIN before b USING (filial_id, produto_id)""",
                params,
            ).rowcount
        except psycopg.errors.NumericValueOutOfRange:
            raise ReceivedFileRefusedError("o estoque resultante ultrapassa o limite de quantidade") from None
        return changed


def _matching(value: str, pattern: str, problem: str) -> str:
    if not re.fullmatch(pattern, value):
        raise ValueError(problem)
    return value


_PRODUCT_FIELDS = ("descricao", "marca", "fabricante", "ncm", "categoria")


@dataclass(frozen=True)
class ProductCatalog(Inbound):
    """Product master data by EAN: unknown EANs become products of the tenant, known ones are updated
    when something differs (an identical line changes nothing and audits nothing)."""

    reader: RecordReader
    label: ClassVar[str] = "dados de produtos"
    table: ClassVar[str] = "recebido_produto"
    columns: ClassVar[tuple[tuple[str, str, Check], ...]] = (
        ("ean", "text", gs1_ean),
        ("descricao", "text", _text(120)),
        ("marca", "text", _text(60)),
        ("fabricante", "text", _text(60)),
        ("ncm", "text", _digits(8, 8, "o NCM")),
        ("categoria", "text", _text(60)),
    )

    def _problems(self, target: Target) -> Sequence[Problem]:
        t = sql.Identifier(self.table)
        return (
            Problem(_sql("""SELECT r.onde, r.ean FROM {t} r WHERE EXISTS (
                           SELECT 1 FROM {t} o WHERE o.ean = r.ean AND o.numero < r.numero)
                        ORDER BY r.numero LIMIT 1""", t),
                    _params(target), "EAN {} repetido no arquivo"),
        )  # fmt: skip

    def _write(self, conn: psycopg.Connection, target: Target) -> int:
        fields = sql.SQL(", ").join(map(sql.Identifier, _PRODUCT_FIELDS))
        current = sql.SQL(", ").join(sql.SQL("p.{}").format(sql.Identifier(f)) for f in _PRODUCT_FIELDS)
        proposed = sql.SQL(", ").join(sql.SQL("excluded.{}").format(sql.Identifier(f)) for f in _PRODUCT_FIELDS)
        assignments = sql.SQL(", ").join(
            sql.SQL("{0} = excluded.{0}").format(sql.Identifier(f)) for f in _PRODUCT_FIELDS
        )

        def snapshot(alias: str) -> sql.Composable:
            return sql.SQL("jsonb_build_object({})").format(
                sql.SQL(", ").join(
                    sql.SQL("{}, {}.{}").format(sql.Literal(f), sql.Identifier(alias), sql.Identifier(f))
                    for f in _PRODUCT_FIELDS
                )
            )

        statement = sql.SQL(
            """WITH before AS (
                   SELECT p.* FROM erp.produto p JOIN {table} r ON p.tenant_id = %(tenant)s AND p.ean = r.ean),
               changed AS (
                   INSERT INTO erp.produto AS p (tenant_id, ean, {fields})
                   SELECT %(tenant)s, ean, {fields} FROM {table} ORDER BY numero
                   ON CONFLICT (tenant_id, ean) DO UPDATE SET {assignments}, atualizado_em = now()
                       WHERE ({current}) IS DISTINCT FROM ({proposed})
                   RETURNING p.*)
               INSERT INTO integracao.auditoria (username, acao, entidade, entidade_id, antes, depois, arquivo_id)
               SELECT %(who)s, CASE WHEN b.id IS NULL THEN 'produto.criado' ELSE 'produto.atualizado' END,
                      'erp.produto', c.id::text,
                      CASE WHEN b.id IS NULL THEN NULL ELSE {before} END, {after}, %(file)s
               FROM changed c LEFT JOIN before b ON b.ean = c.ean"""
        ).format(
            table=sql.Identifier(self.table), fields=fields, assignments=assignments, current=current,
            proposed=proposed, before=snapshot("b"), after=snapshot("c"),
        )  # fmt: skip
        return conn.execute(statement, _params(target)).rowcount


def _price(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"preço inválido {value!r} (use ponto como separador decimal)") from None
    if not number.is_finite() or number <= 0 or number >= Decimal("1e10"):
        raise ValueError(f"preço fora do intervalo: {value}")
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(f"preço com mais de 2 casas decimais: {value}")
    return number


@dataclass(frozen=True)
class PriceSuggestions(Inbound):
    """Suggested prices per product and price zone (a price-recommendation partner): stored for people to
    review and apply on the price-change screen; nothing in the ERP changes here."""

    reader: RecordReader
    label: ClassVar[str] = "sugestões de preço"
    table: ClassVar[str] = "recebido_sugestao"
    columns: ClassVar[tuple[tuple[str, str, Check], ...]] = (
        ("ean", "text", _digits(8, 14, "o EAN")),
        ("zona", "text", _text(60)),
        ("preco_atual", "numeric(12,2)", _price),
        ("preco_sugerido", "numeric(12,2)", _price),
    )

    def _problems(self, target: Target) -> Sequence[Problem]:
        params = _params(target)
        t = sql.Identifier(self.table)
        return (
            Problem(_sql("""SELECT r.onde, r.ean FROM {t} r WHERE NOT EXISTS (
                           SELECT 1 FROM erp.produto p WHERE p.tenant_id = %(tenant)s AND p.ean = r.ean)
                        ORDER BY r.numero LIMIT 1""", t),
                    params, "EAN {} não cadastrado"),
            Problem(_sql("""SELECT r.onde, r.zona FROM {t} r WHERE NOT EXISTS (
                           SELECT 1 FROM erp.zona_preco z WHERE z.tenant_id = %(tenant)s AND z.nome = r.zona)
                        ORDER BY r.numero LIMIT 1""", t),
                    params, "zona de preço {} não cadastrada"),
            Problem(_sql("""SELECT r.onde, r.ean, r.zona FROM {t} r WHERE EXISTS (
                           SELECT 1 FROM {t} o WHERE o.ean = r.ean AND o.zona = r.zona AND o.numero < r.numero)
                        ORDER BY r.numero LIMIT 1""", t),
                    params, "EAN {} repetido para a zona {}"),
        )  # fmt: skip

    def _write(self, conn: psycopg.Connection, target: Target) -> int:
        statement = _sql(
            """INSERT INTO integracao.sugestao_preco (integracao_id, arquivo_id, produto_id, zona_preco_id,
                   preco_base, preco_sugerido)
               SELECT %(integration)s, %(file)s, p.id, z.id, r.preco_atual, r.preco_sugerido
               FROM {t} r
               JOIN erp.produto p ON p.tenant_id = %(tenant)s AND p.ean = r.ean
               JOIN erp.zona_preco z ON z.tenant_id = %(tenant)s AND z.nome = r.zona
               ORDER BY r.numero""",
            sql.Identifier(self.table),
        )
        return conn.execute(statement, _params(target)).rowcount


def _money(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"valor inválido {value!r} (use ponto como separador decimal)") from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        raise ValueError(f"valor fora do intervalo: {value}")
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(f"valor com mais de 2 casas decimais: {value}")
    return number


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"data inválida {value!r} (use AAAA-MM-DD)") from None
    if not 2000 <= day.year <= 2100:
        raise ValueError(f"data fora do intervalo: {value}")
    return day


def _sale_problems(table: str, target: Target, key: tuple[str, ...]) -> tuple[Problem, ...]:
    """What the partner says of a sale must name a branch of the integration and one of its sales."""
    params, t = _params(target), sql.Identifier(table)
    same = sql.SQL(" AND ").join(sql.SQL("o.{0} = r.{0}").format(sql.Identifier(k)) for k in key)
    return (
        Problem(_sql("""SELECT r.onde, r.cnpj_filial FROM {t} r WHERE NOT EXISTS (
                       SELECT 1 FROM erp.filial f WHERE f.cnpj = r.cnpj_filial AND f.tenant_id = %(tenant)s
                         AND f.id = ANY(%(branches)s::int[])) ORDER BY r.numero LIMIT 1""", t),
                params, "filial de CNPJ {} não faz parte desta integração"),
        Problem(_sql("""SELECT r.onde, r.cupom, r.cnpj_filial FROM {t} r WHERE NOT EXISTS (
                       SELECT 1 FROM erp.venda v JOIN erp.filial f ON f.id = v.filial_id
                       WHERE f.cnpj = r.cnpj_filial AND v.numero = r.cupom AND v.tenant_id = %(tenant)s)
                    ORDER BY r.numero LIMIT 1""", t),
                params, "venda {} da filial {} não encontrada"),
        Problem(sql.SQL("""SELECT r.onde, r.cupom, r.nsu FROM {t} r WHERE EXISTS (
                       SELECT 1 FROM {t} o WHERE {same} AND o.numero < r.numero) ORDER BY r.numero LIMIT 1""").format(
                    t=t, same=same),
                params, "venda {} (NSU {}) repetida no arquivo"),
    )  # fmt: skip


# The sale a line of the partner names: the branch by CNPJ, the sale by its number in the branch.
_SALE = sql.SQL("""JOIN erp.filial f ON f.tenant_id = %(tenant)s AND f.cnpj = r.cnpj_filial
                   JOIN erp.venda v ON v.filial_id = f.id AND v.numero = r.cupom""")


@dataclass(frozen=True)
class SalesReconciliation(Inbound):
    """The partner's answer on the card sales we sent (reconciled, divergent, not found, with its amount),
    stored per sale: a later answer on the same sale replaces the earlier one."""

    reader: RecordReader
    label: ClassVar[str] = "vendas conciliadas"
    table: ClassVar[str] = "recebido_conciliacao"
    may_be_empty: ClassVar[bool] = True
    columns: ClassVar[tuple[tuple[str, str, Check], ...]] = (
        ("cnpj_filial", "text", _digits(14, 14, "o CNPJ")),
        ("cupom", "bigint", lambda v: int(_digits(1, 18, "o cupom")(v))),
        ("nsu", "text", _digits(1, 12, "o NSU")),
        ("valor_informado", "numeric(14,2)", _money),
        ("valor_boavista", "numeric(14,2)", _optional(_money)),
        ("situacao", "text", _choice("conciliada", "divergente", "nao_encontrada")),
    )

    def _problems(self, target: Target) -> Sequence[Problem]:
        return _sale_problems(self.table, target, ("cnpj_filial", "cupom", "nsu"))

    def _write(self, conn: psycopg.Connection, target: Target) -> int:
        statement = _sql(
            """INSERT INTO integracao.conciliacao_venda AS c (integracao_id, venda_id, nsu, filial_id, data_venda,
                   valor_enviado, valor_parceiro, situacao, arquivo_id)
               SELECT %(integration)s, v.id, r.nsu, f.id, (v.emitida_em AT TIME ZONE 'America/Sao_Paulo')::date,
                      r.valor_informado, r.valor_boavista, r.situacao, %(file)s
               FROM {t} r {sale}
               ON CONFLICT (integracao_id, venda_id, nsu) DO UPDATE
                   SET valor_enviado = excluded.valor_enviado, valor_parceiro = excluded.valor_parceiro,
                       situacao = excluded.situacao, consultada_em = now(), arquivo_id = excluded.arquivo_id""",
            sql.Identifier(self.table),
            sale=_SALE,
        )
        return conn.execute(statement, _params(target)).rowcount

    def summary(self, conn: psycopg.Connection, target: Target) -> tuple[str, dict[str, int]] | None:
        """The day and the counts by status of the answer just applied (None when it had no sales)."""
        rows = conn.execute(
            """SELECT to_char(min(data_venda), 'DD/MM/YYYY'), situacao, count(*) FROM integracao.conciliacao_venda
               WHERE arquivo_id = %s GROUP BY situacao""",
            (target.file_id,),
        ).fetchall()
        return (str(rows[0][0]), {str(status): int(count) for _, status, count in rows}) if rows else None


@dataclass(frozen=True)
class CardPayments(Inbound):
    """Payments the acquirers made for our card sales, as the partner reports them (gross, fee, net)."""

    reader: RecordReader
    label: ClassVar[str] = "pagamentos recebidos"
    table: ClassVar[str] = "recebido_pagamento"
    may_be_empty: ClassVar[bool] = True
    columns: ClassVar[tuple[tuple[str, str, Check], ...]] = (
        ("cnpj_filial", "text", _digits(14, 14, "o CNPJ")),
        ("cupom", "bigint", lambda v: int(_digits(1, 18, "o cupom")(v))),
        ("nsu", "text", _digits(1, 12, "o NSU")),
        ("data_venda", "date", _day),
        ("data_pagamento", "date", _day),
        ("valor_bruto", "numeric(14,2)", _money),
        ("taxa", "numeric(14,2)", _money),
        ("valor_liquido", "numeric(14,2)", _money),
    )

    def _problems(self, target: Target) -> Sequence[Problem]:
        return _sale_problems(self.table, target, ("cnpj_filial", "cupom", "nsu", "data_pagamento"))

    def _write(self, conn: psycopg.Connection, target: Target) -> int:
        statement = _sql(
            """INSERT INTO integracao.pagamento_recebido (integracao_id, venda_id, nsu, filial_id, data_venda,
                   data_pagamento, valor_bruto, taxa, valor_liquido, arquivo_id)
               SELECT %(integration)s, v.id, r.nsu, f.id, r.data_venda, r.data_pagamento, r.valor_bruto, r.taxa,
                      r.valor_liquido, %(file)s
               FROM {t} r {sale}
               ON CONFLICT (integracao_id, venda_id, nsu, data_pagamento) DO UPDATE
                   SET valor_bruto = excluded.valor_bruto, taxa = excluded.taxa,
                       valor_liquido = excluded.valor_liquido, arquivo_id = excluded.arquivo_id""",
            sql.Identifier(self.table),
            sale=_SALE,
        )
        return conn.execute(statement, _params(target)).rowcount
