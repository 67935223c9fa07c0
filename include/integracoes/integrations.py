"""Registered integrations: create, update, get and list, with every registration rule in one place.

Rules: support agents write, everybody reads only their tenants' rows (another tenant's integration is
NotFound); description required and unique per tenant; a contracted type; a positive interval; at least
one branch, all of the integration's tenant; configuration keys known to the type, each value valid, the
required ones present; secret values encrypted, never returned, kept when an update omits them; every
change audited with secrets redacted.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from include import settings
from include.connectors import addresses, hosts
from include.connectors.base import TIMEZONE
from include.connectors.catalog import CATALOG
from include.connectors.config import ConfigKey, Host, Url
from include.connectors.registry import is_available
from include.connectors.transports.sftp import HOST_KEY
from include.connectors.types import IncrementalWindow, IntegrationType
from include.integracoes import audit, secrets
from include.integracoes.errors import Invalid, NotFound
from include.integracoes.paging import Page, check_paging
from include.integracoes.principal import Principal
from include.integracoes.text import has_hidden
from include.problems import Problem

MAX_DESCRIPTION = 120
MAX_INTERVAL_MINUTES = 43_200  # 30 days
REDACTED = "***"


def dag_id_for(integration_id: int, type_code: str) -> str:
    """The Airflow DAG of an integration; the plugin and the DAG factory both name it through here."""
    return f"integracao_{integration_id}_{type_code}"


def type_of_dag(dag_id: str) -> str:
    """The partner type an integration's DAG id names (the inverse of `dag_id_for`'s naming)."""
    return dag_id.split("_", 2)[-1]


def integration_of_dag(dag_id: str) -> int | None:
    """The integration whose DAG this is (the inverse of `dag_id_for`); None for a DAG that is not one."""
    prefix, _, rest = dag_id.partition("_")
    number = rest.partition("_")[0]
    return int(number) if prefix == "integracao" and number.isdigit() else None


def pool_for(type_code: str) -> str:
    """The Airflow pool that caps simultaneous deliveries to one partner across all tenants."""
    return f"parceiro_{type_code}"


# The pool of the extraction step of every integration: how many exports read the ERP database at once.
EXTRACTION_POOL = "extracao_erp"
DEFAULT_EXTRACTION_SLOTS = 4


def extraction_slots() -> int | None:
    """The operator's setting for the extraction pool (INTEGRACOES_EXTRACTION_SLOTS), if any (None: keep what the
    pool has)."""
    return settings.current().extraction_slots


# --- input and output ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigInput:
    key: str
    value: str | None


@dataclass(frozen=True)
class IntegrationInput:
    """Fields of a create (all) or an update (those not None)."""

    tenant_id: int | None = None
    description: str | None = None
    type_code: str | None = None
    active: bool | None = None
    interval_minutes: int | None = None
    branches: Sequence[int] | None = None
    config: Sequence[ConfigInput] | None = None
    # "Enviar a partir de" (incremental types): AAAA-MM-DD as typed; "" on an update returns to the default.
    send_from: str | None = None


@dataclass(frozen=True)
class ConfigValue:
    key: str
    label: str
    value: str | None  # always None for secrets
    secret: bool
    is_set: bool
    required: bool


@dataclass(frozen=True)
class Integration:
    id: int
    tenant_id: int
    tenant_name: str
    description: str
    type_code: str
    type_name: str
    active: bool
    interval_minutes: int
    created_at: datetime
    updated_at: datetime
    updated_by: str
    branches: tuple[int, ...] = ()
    config: tuple[ConfigValue, ...] = ()
    # A deactivated tenant pauses its integrations; their own Situação is kept for when it comes back.
    tenant_active: bool = True
    # The first day an incremental integration sends (None: the day it was registered).
    send_from: date | None = None

    @property
    def dag_id(self) -> str:
        return dag_id_for(self.id, self.type_code)

    @property
    def runs(self) -> bool:
        """Whether its DAG is unpaused: active, of an active tenant."""
        return self.active and self.tenant_active


class Reconciler(Protocol):
    """Brings Airflow in line with a saved integration (pools, pause state)."""

    def integration_saved(self, integration: Integration) -> None: ...


@dataclass
class _Stored:
    """The integration's configuration as stored: plain values and encrypted tokens."""

    plain: dict[str, str] = field(default_factory=dict)
    encrypted: dict[str, str] = field(default_factory=dict)


# --- reads ---------------------------------------------------------------------------------------

_SELECT = sql.SQL("""
    SELECT i.id, i.tenant_id, t.nome AS tenant_name, i.descricao, i.tipo_codigo, ti.nome AS type_name,
           i.ativa, i.intervalo_minutos, i.criada_em, i.atualizada_em, i.atualizada_por, t.ativo AS tenant_ativo,
           i.enviar_a_partir_de
             FROM integracao.integracao i
             JOIN integracao.tenant t ON t.id = i.tenant_id
             JOIN integracao.tipo_integracao ti ON ti.codigo = i.tipo_codigo""")


def _row_to_integration(row: Mapping[str, Any], **extra: Any) -> Integration:
    return Integration(
        row["id"], row["tenant_id"], row["tenant_name"], row["descricao"], row["tipo_codigo"], row["type_name"],
        row["ativa"], row["intervalo_minutos"], row["criada_em"], row["atualizada_em"], row["atualizada_por"],
        tenant_active=row["tenant_ativo"], send_from=row["enviar_a_partir_de"], **extra,
    )  # fmt: skip


def _scope(principal: Principal) -> tuple[sql.Composable, list[Any]]:
    """The tenant filter of every read: agents see all tenants, everybody else their memberships."""
    if principal.is_support_agent:
        return sql.SQL("TRUE"), []
    return sql.SQL("i.tenant_id = ANY(%s)"), [sorted(principal.tenant_ids)]


def get(conn: psycopg.Connection, principal: Principal, integration_id: int) -> Integration:
    where, params = _scope(principal)
    with conn.cursor(row_factory=dict_row) as cur:
        query = sql.SQL("{} WHERE i.id = %s AND {}").format(_SELECT, where)
        row = cur.execute(query, [integration_id, *params]).fetchone()
    if row is None:
        raise NotFound("integration.not_found")
    branches = tuple(
        r[0]
        for r in conn.execute(
            "SELECT filial_id FROM integracao.integracao_filial WHERE integracao_id = %s ORDER BY filial_id",
            (integration_id,),
        )
    )
    return _row_to_integration(
        row, branches=branches,
        config=_config_view(row["tipo_codigo"], _stored(conn, row["id"]), agent=principal.is_support_agent),
    )  # fmt: skip


def get_of_types(
    conn: psycopg.Connection, principal: Principal, integration_id: int, type_codes: Sequence[str], missing_key: str
) -> Integration:
    """An integration the caller can see, of one of these types (the pages only some partners have);
    NotFound(`missing_key`) otherwise."""
    integration = get(conn, principal, integration_id)
    if integration.type_code not in type_codes:
        raise NotFound(missing_key)
    return integration


def active_of_types(
    conn: psycopg.Connection, principal: Principal, type_codes: Sequence[str]
) -> list[tuple[int, str, str]]:
    """(id, description, chain) of the caller's active integrations of these types (e.g. the entries of the
    pages only some partners have: price changes, sales reconciliation)."""
    tenant_ids = None if principal.is_support_agent else sorted(principal.tenant_ids)
    rows = conn.execute(
        """SELECT i.id, i.descricao, t.nome FROM integracao.integracao i JOIN integracao.tenant t ON t.id = i.tenant_id
           WHERE i.tipo_codigo = ANY(%s) AND i.ativa AND (%s::int[] IS NULL OR i.tenant_id = ANY(%s::int[]))
           ORDER BY t.nome, i.descricao, i.id""",
        (list(type_codes), tenant_ids, tenant_ids),
    ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def list_page(
    conn: psycopg.Connection,
    principal: Principal,
    *,
    search: str = "",
    page: int = 1,
    page_size: int = 10,
    health: sql.Composable | None = None,
    tenant_id: int | None = None,
) -> Page[Integration]:
    """A page of integrations whose description starts with `search` (case- and accent-insensitive) and,
    with `health`, that satisfy it (a condition over `i` and its `s`, integracao.saude); with `tenant_id`,
    of that tenant only (a user of a group of pharmacies filters by one; another tenant's is a 404)."""
    check_paging(page, page_size)
    where, params = _scope(principal)
    if tenant_id is not None:
        if not principal.can_see_tenant(tenant_id):
            raise NotFound("tenant.not_found")
        where = sql.SQL("{} AND i.tenant_id = %s").format(where)
        params.append(tenant_id)
    if health is not None:
        where = sql.SQL("{} AND {}").format(where, health)
    search = search.strip()
    if search:
        where = sql.SQL("{} AND i.descricao_busca LIKE integracao.normalizar_busca(%s) || '%%'").format(where)
        params.append(search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
    count = sql.SQL(
        "SELECT count(*) FROM integracao.integracao i LEFT JOIN integracao.saude s ON s.integracao_id = i.id WHERE {}"
    ).format(where)
    total_row = conn.execute(count, params).fetchone()
    total = int(total_row[0]) if total_row else 0
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            sql.SQL(
                "{} LEFT JOIN integracao.saude s ON s.integracao_id = i.id"
                " WHERE {} ORDER BY i.descricao_busca, i.id LIMIT %s OFFSET %s"
            ).format(_SELECT, where),
            [*params, page_size, (page - 1) * page_size],
        ).fetchall()
    return Page([_row_to_integration(r) for r in rows], total, page, page_size)


def _stored(conn: psycopg.Connection, integration_id: int) -> _Stored:
    stored = _Stored()
    for key, value, token in conn.execute(
        "SELECT chave, valor, valor_cifrado FROM integracao.integracao_config WHERE integracao_id = %s",
        (integration_id,),
    ):
        if token is not None:
            stored.encrypted[key] = token
        elif value is not None:
            stored.plain[key] = value
    return stored


def _config_view(type_code: str, stored: _Stored, *, agent: bool) -> tuple[ConfigValue, ...]:
    """The configuration as a caller may read it: never a secret's value, and values the support team sets
    for the client (Proffer's margins and rounding) only for agents — a client sees that they are set."""
    spec = CATALOG[type_code]
    return tuple(
        ConfigValue(
            k.key, k.label, None if k.secret or (k.agents_only and not agent) else stored.plain.get(k.key),
            k.secret, k.key in (stored.encrypted if k.secret else stored.plain), k.required,
        )
        for k in spec.keys
    )  # fmt: skip


def decrypted_config(conn: psycopg.Connection, integration_id: int) -> dict[str, str]:
    """Every configuration value in clear, for the connector of a run (never for a response)."""
    stored = _stored(conn, integration_id)
    return {**stored.plain, **{key: secrets.decrypt(token) for key, token in stored.encrypted.items()}}


def config_for_check(
    conn: psycopg.Connection,
    principal: Principal,
    type_code: str | None,
    given: Sequence[ConfigInput],
    integration_id: int | None = None,
) -> tuple[IntegrationType, dict[str, str]]:
    """The configuration a connection check should try, validated like a save (nothing is written):
    the form's values over the stored ones (a blank secret keeps the stored secret) over the defaults."""
    principal.require_agent()
    errors: dict[str, Problem] = {}
    stored = _Stored()
    if integration_id is not None:
        current = get(conn, principal, integration_id)
        spec: IntegrationType | None = CATALOG[current.type_code]
        stored = _stored(conn, integration_id)
    else:
        spec = CATALOG.get(type_code or "")
    if spec is None:
        raise Invalid({"type_code": Problem("integration.type_unknown" if type_code else "integration.type_required")})
    if not is_available(spec.code):
        errors["type_code"] = Problem("integration.type_unavailable", {"type": spec.name})
    merged = _merge_config(spec, stored, given, errors, creating=integration_id is None)
    # An SFTP server's key is what a first check discovers: it runs without one (and then sends no credential).
    if errors.get(f"config.{HOST_KEY}") == Problem("validation.host_key") and not _given(given, HOST_KEY):
        del errors[f"config.{HOST_KEY}"]
    if errors:
        raise Invalid(errors)
    return spec, {**merged.plain, **{key: secrets.decrypt(token) for key, token in merged.encrypted.items()}}


# --- writes --------------------------------------------------------------------------------------


def create(
    conn: psycopg.Connection, principal: Principal, data: IntegrationInput, reconciler: Reconciler | None = None
) -> Integration:
    principal.require_agent()
    errors: dict[str, Problem] = {}
    spec = _validate_type(conn, data.tenant_id, data.type_code, errors)
    _validate_common(data, errors, creating=True)
    _validate_branches(conn, data.tenant_id, data.branches, errors, required=True)
    stored = _merge_config(spec, _Stored(), data.config or (), errors, creating=True) if spec else _Stored()
    send_from = _send_from(spec, data.send_from, errors) if spec else None
    if errors:
        raise Invalid(errors)
    assert spec is not None
    assert data.tenant_id is not None
    assert data.description is not None
    with _description_must_be_unique(), conn.transaction():
        row = conn.execute(
            """INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, ativa, intervalo_minutos,
                   criada_por, atualizada_por, enviar_a_partir_de) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
               RETURNING id""",
            (
                data.tenant_id, spec.code, clean_description(data.description),
                data.active if data.active is not None else True,
                data.interval_minutes, principal.username, principal.username, send_from,
            ),
        ).fetchone()  # fmt: skip
        assert row is not None
        integration_id = int(row[0])
        _write_branches(conn, integration_id, data.branches or ())
        _write_config(conn, integration_id, stored)
        saved = get(conn, principal, integration_id)
        _audit(conn, principal, "cadastrada", saved, before=None, secrets_changed=sorted(stored.encrypted))
    if reconciler:
        reconciler.integration_saved(saved)
    return saved


def update(
    conn: psycopg.Connection,
    principal: Principal,
    integration_id: int,
    data: IntegrationInput,
    reconciler: Reconciler | None = None,
) -> Integration:
    current = get(conn, principal, integration_id)  # NotFound first: never reveal other tenants' ids
    principal.require_agent()
    errors: dict[str, Problem] = {}
    if data.tenant_id is not None and data.tenant_id != current.tenant_id:
        errors["tenant_id"] = Problem("integration.tenant_immutable")
    if data.type_code is not None and data.type_code != current.type_code:
        errors["type_code"] = Problem("integration.type_immutable")
    if data.active and not is_available(current.type_code):
        errors["active"] = Problem("integration.type_unavailable", {"type": current.type_name})
    elif data.active and not current.active and not _contracted(conn, current.tenant_id, current.type_code):
        errors["active"] = Problem("integration.type_not_contracted", {"type": current.type_name})
    _validate_common(data, errors, creating=False)
    if data.branches is not None:
        _validate_branches(conn, current.tenant_id, data.branches, errors, required=True)
    before_stored = _stored(conn, integration_id)
    stored = _merge_config(CATALOG[current.type_code], before_stored, data.config or (), errors, creating=False)
    send_from = _send_from(CATALOG[current.type_code], data.send_from, errors)
    if errors:
        raise Invalid(errors)
    with _description_must_be_unique(), conn.transaction():
        conn.execute(
            """UPDATE integracao.integracao SET descricao = coalesce(%s, descricao), ativa = coalesce(%s, ativa),
                   intervalo_minutos = coalesce(%s, intervalo_minutos), atualizada_em = now(), atualizada_por = %s,
                   enviar_a_partir_de = CASE WHEN %s THEN %s ELSE enviar_a_partir_de END
               WHERE id = %s""",
            (
                clean_description(data.description) if data.description is not None else None, data.active,
                data.interval_minutes, principal.username, data.send_from is not None, send_from, integration_id,
            ),
        )  # fmt: skip
        if data.branches is not None:
            conn.execute("DELETE FROM integracao.integracao_filial WHERE integracao_id = %s", (integration_id,))
            _write_branches(conn, integration_id, data.branches)
        if data.config is not None:
            conn.execute("DELETE FROM integracao.integracao_config WHERE integracao_id = %s", (integration_id,))
            _write_config(conn, integration_id, stored)
        saved = get(conn, principal, integration_id)
        changed = sorted(k for k in stored.encrypted if stored.encrypted[k] != before_stored.encrypted.get(k))
        changed += sorted(set(before_stored.encrypted) - set(stored.encrypted))
        _audit(conn, principal, "alterada", saved, before=current, secrets_changed=changed)
    if reconciler:
        reconciler.integration_saved(saved)
    return saved


def _validate_type(
    conn: psycopg.Connection, tenant_id: int | None, type_code: str | None, errors: dict[str, Problem]
) -> IntegrationType | None:
    if tenant_id is None:
        errors["tenant_id"] = Problem("integration.tenant_required")
    elif not conn.execute("SELECT 1 FROM integracao.tenant WHERE id = %s", (tenant_id,)).fetchone():
        errors["tenant_id"] = Problem("integration.tenant_unknown")
    if not type_code:
        errors["type_code"] = Problem("integration.type_required")
        return None
    spec = CATALOG.get(type_code)
    if spec is None:
        errors["type_code"] = Problem("integration.type_unknown")
        return None
    if not is_available(type_code):
        errors["type_code"] = Problem("integration.type_unavailable", {"type": spec.name})
    if "tenant_id" not in errors and not _contracted(conn, tenant_id, type_code):
        errors["type_code"] = Problem("integration.type_not_contracted", {"type": spec.name})
    return spec


# How far "Enviar a partir de" may reach: a year of history back (an initial sync), a year ahead.
SEND_FROM_DAYS = 366


def _send_from(spec: IntegrationType, value: str | None, errors: dict[str, Problem]) -> date | None:
    """The first day an incremental integration sends, as given (None: not given, or back to the default)."""
    if value is None or not value.strip():
        return None
    if not isinstance(spec.window, IncrementalWindow):
        errors["send_from"] = Problem("integration.send_from_incremental")
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        errors["send_from"] = Problem("integration.send_from_invalid")
        return None
    today = datetime.now(TIMEZONE).date()
    earliest, latest = today - timedelta(days=SEND_FROM_DAYS), today + timedelta(days=SEND_FROM_DAYS)
    if not earliest <= day <= latest:
        errors["send_from"] = Problem(
            "integration.send_from_range", {"min": f"{earliest:%d/%m/%Y}", "max": f"{latest:%d/%m/%Y}"}
        )
        return None
    return day


def _contracted(conn: psycopg.Connection, tenant_id: int | None, type_code: str) -> bool:
    return bool(
        conn.execute(
            "SELECT 1 FROM integracao.servico_contratado WHERE tenant_id = %s AND tipo_codigo = %s",
            (tenant_id, type_code),
        ).fetchone()
    )


def clean_description(value: str) -> str:
    """The description as stored and compared: trimmed, in Unicode NFC (so "é" typed as e + accent is "é")."""
    return unicodedata.normalize("NFC", value.strip())


def _validate_common(data: IntegrationInput, errors: dict[str, Problem], *, creating: bool) -> None:
    if creating or data.description is not None:
        description = clean_description(data.description or "")
        if not description:
            errors["description"] = Problem("integration.description_required")
        elif has_hidden(description):
            errors["description"] = Problem("integration.description_characters")
        elif len(description) > MAX_DESCRIPTION:
            errors["description"] = Problem("integration.description_too_long", {"max": MAX_DESCRIPTION})
    if creating or data.interval_minutes is not None:
        interval = data.interval_minutes
        if not isinstance(interval, int) or isinstance(interval, bool) or not 1 <= interval <= MAX_INTERVAL_MINUTES:
            errors["interval_minutes"] = Problem("integration.interval_invalid", {"max": MAX_INTERVAL_MINUTES})
    if data.active is not None and not isinstance(data.active, bool):
        errors["active"] = Problem("integration.active_invalid")


def _validate_branches(
    conn: psycopg.Connection,
    tenant_id: int | None,
    branches: Sequence[int] | None,
    errors: dict[str, Problem],
    *,
    required: bool,
) -> None:
    if not branches:
        if required:
            errors["branches"] = Problem("integration.branches_required")
        return
    if tenant_id is None:
        return
    wanted = set(branches)
    found = {
        r[0]
        for r in conn.execute(
            "SELECT id FROM erp.filial WHERE tenant_id = %s AND id = ANY(%s)", (tenant_id, sorted(wanted))
        )
    }
    if found != wanted:
        errors["branches"] = Problem("integration.branches_foreign")


def _merge_config(
    spec: IntegrationType,
    stored: _Stored,
    given: Sequence[ConfigInput],
    errors: dict[str, Problem],
    *,
    creating: bool,
) -> _Stored:
    """The configuration after applying `given` to `stored`, validating every key of the type."""
    by_key = _given_by_key(spec, given, errors)
    merged = _Stored()
    for key in spec.keys:
        given_value = by_key.get(key.key)
        if key.secret and given_value is None and key.key in stored.encrypted:
            merged.encrypted[key.key] = stored.encrypted[key.key]  # omitted or null keeps the secret
            continue
        if key.key in by_key and not (key.secret and given_value is None):
            value = given_value
        else:
            value = key.default if creating else stored.plain.get(key.key)
        problem = key.problem(value) or _host_problem(spec, key, value)
        if problem:
            errors[f"config.{key.key}"] = problem
        elif value and value.strip():
            if key.secret:
                merged.encrypted[key.key] = secrets.encrypt(value.strip())
            else:
                merged.plain[key.key] = value.strip()
    return merged


def _host_problem(spec: IntegrationType, key: ConfigKey, value: str | None) -> Problem | None:
    """Addresses (URLs, SFTP hosts) must be the partner's own: never an arbitrary or internal host."""
    if not value or not any(isinstance(rule, Url | Host) for rule in key.rules):
        return None
    is_url = any(isinstance(r, Url) for r in key.rules)
    # The rules of the key passed (they run first), so the strict reading succeeds here.
    host = addresses.parse_url(value).host if is_url else addresses.parse_host(value)
    if hosts.host_allowed(host, spec.domains):
        return None
    return Problem("validation.partner_host", {"domains": ", ".join(spec.domains)})


def _given(given: Sequence[ConfigInput], key: str) -> bool:
    return any(item.key == key and (item.value or "").strip() for item in given)


def _given_by_key(
    spec: IntegrationType, given: Sequence[ConfigInput], errors: dict[str, Problem]
) -> dict[str, str | None]:
    by_key: dict[str, str | None] = {}
    for item in given:
        if item.key in by_key:
            errors[f"config.{item.key}"] = Problem("integration.config_duplicate_key")
        elif spec.key(item.key) is None:
            errors[f"config.{item.key}"] = Problem("integration.config_unknown_key")
        by_key[item.key] = item.value
    return by_key


@contextmanager
def _description_must_be_unique() -> Iterator[None]:
    """The unique index decides (two agents may save at once); its violation becomes a field error."""
    try:
        yield
    except psycopg.errors.UniqueViolation as error:
        if error.diag.constraint_name != "integracao_descricao_unica":
            raise
        raise Invalid({"description": Problem("integration.description_taken")}) from None


def _write_branches(conn: psycopg.Connection, integration_id: int, branches: Sequence[int]) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO integracao.integracao_filial (integracao_id, filial_id) VALUES (%s, %s)",
            [(integration_id, b) for b in sorted(set(branches))],
        )


def _write_config(conn: psycopg.Connection, integration_id: int, stored: _Stored) -> None:
    rows: list[tuple[int, str, str | None, str | None]] = [
        (integration_id, k, v, None) for k, v in stored.plain.items()
    ]
    rows += [(integration_id, k, None, token) for k, token in stored.encrypted.items()]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO integracao.integracao_config (integracao_id, chave, valor, valor_cifrado)"
            " VALUES (%s, %s, %s, %s)",
            rows,
        )


def _snapshot(integration: Integration) -> dict[str, Any]:
    return {
        "descricao": integration.description,
        "tipo": integration.type_code,
        "ativa": integration.active,
        "intervalo_minutos": integration.interval_minutes,
        "filiais": list(integration.branches),
        "enviar_a_partir_de": integration.send_from.isoformat() if integration.send_from else None,
        "configuracao": {c.key: (REDACTED if c.is_set else None) if c.secret else c.value for c in integration.config},
    }


def _audit(
    conn: psycopg.Connection,
    principal: Principal,
    action: str,
    saved: Integration,
    *,
    before: Integration | None,
    secrets_changed: list[str],
) -> None:
    after = {**_snapshot(saved), "segredos_alterados": secrets_changed}
    audit.record(
        conn, principal.username, f"integracao.{action}", "integracao", saved.id, tenant_id=saved.tenant_id,
        before=_snapshot(before) if before else None, after=after,
    )  # fmt: skip
