"""The type catalog as the product serves it: synced into the database from the connectors' declarations."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import psycopg

from include.connectors import registry
from include.connectors.catalog import TYPES
from include.connectors.config import ConfigKey, IntRange, Pattern
from include.connectors.types import DailyWindow, IncrementalWindow, IntegrationType, OwnTimetable, WindowPolicy
from include.integracoes.messages import DEFAULT_LANGUAGE, text
from include.integracoes.principal import Principal


def describe_window(window: WindowPolicy, language: str = DEFAULT_LANGUAGE) -> str:
    if isinstance(window, DailyWindow):
        return text("catalog.window_daily", language, days=window.days_back)
    if isinstance(window, IncrementalWindow):
        return text("catalog.window_incremental", language)
    return text("catalog.window_own", language, description=window.describe(language))


def transport_and_format(spec: IntegrationType) -> tuple[str, str]:
    """How a type reaches its partner and in which format: from its connector's declarations when one
    implements it (they cannot disagree), else the catalog's planned contract (SPEC §8)."""
    connector = registry.CONNECTORS.get(spec.code)
    if connector is None:
        return spec.transport, spec.file_format
    formats = dict.fromkeys(
        [d.format.label + (" gzip" if d.gzip else "") for d in connector.datasets]
        + ([connector.inbound.reader.label] if connector.inbound else [])
    )  # ordered, without repeats
    side = connector.transport or connector.inbox
    return (side.label if side else spec.transport), " + ".join(formats)


def sync_catalog(conn: psycopg.Connection) -> None:
    """Make the database catalog equal the declarations (types upserted, keys replaced). Idempotent."""
    with conn.transaction():
        for order, spec in enumerate(TYPES):
            transport, file_format = transport_and_format(spec)
            conn.execute(
                """INSERT INTO integracao.tipo_integracao AS t (codigo, nome, execucao_manual, negocio, dados, formato,
                       transporte, direcao, janela, vagas_parceiro, ordem, disponivel)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                   ON CONFLICT (codigo) DO UPDATE SET nome = EXCLUDED.nome, execucao_manual = EXCLUDED.execucao_manual,
                       negocio = EXCLUDED.negocio, dados = EXCLUDED.dados, formato = EXCLUDED.formato,
                       transporte = EXCLUDED.transporte, direcao = EXCLUDED.direcao, janela = EXCLUDED.janela,
                       vagas_parceiro = EXCLUDED.vagas_parceiro, ordem = EXCLUDED.ordem,
                       disponivel = EXCLUDED.disponivel""",
                (
                    spec.code, spec.name, spec.manual_run_allowed, spec.business, spec.data, file_format, transport,
                    str(spec.direction),
                    describe_window(spec.window), spec.partner_slots, order, is_available(spec.code),
                ),
            )  # fmt: skip
            conn.execute("DELETE FROM integracao.tipo_chave WHERE tipo_codigo = %s", (spec.code,))
            with conn.cursor() as cur:
                cur.executemany(
                    """INSERT INTO integracao.tipo_chave (tipo_codigo, chave, rotulo, ordem, obrigatoria, secreta,
                           padrao, validacao, ajuda) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                    [
                        (
                            spec.code, key.key, key.label, position, key.required, key.secret, key.default,
                            json.dumps([rule.describe() for rule in key.rules]), key.help,
                        )
                        for position, key in enumerate(spec.keys)
                    ],
                )  # fmt: skip


def contract_all_types(conn: psycopg.Connection, tenant_id: int) -> None:
    """Demo tenants have every service contracted."""
    conn.execute(
        "INSERT INTO integracao.servico_contratado (tenant_id, tipo_codigo)"
        " SELECT %s, codigo FROM integracao.tipo_integracao ON CONFLICT DO NOTHING",
        (tenant_id,),
    )


@dataclass(frozen=True)
class KeyView:
    """A configuration key as a form (or an API user) needs it, in the caller's language."""

    key: str
    label: str
    required: bool
    secret: bool
    default: str | None
    help: str | None
    widget: str = "text"  # text, password, select, number, email, url or digits
    options: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    several: bool = False  # several e-mails, separated by semicolons
    json_schema: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TypeView:
    code: str
    name: str
    manual_run_allowed: bool
    keys: tuple[KeyView, ...]
    window: str
    transport: str
    file_format: str
    direction: str
    available: bool
    own_schedule: str | None = None  # a timetable of the type's own replaces the registration's interval
    incremental: bool = False  # sends what is new since the last delivery: the form asks from when it starts


def list_types(principal: Principal, language: str = DEFAULT_LANGUAGE) -> list[TypeView]:
    """The catalog for a caller, in its language: default values are shown to support agents only."""
    return [_view(spec, with_defaults=principal.is_support_agent, language=language) for spec in TYPES]


def _key_view(key: ConfigKey, *, with_defaults: bool, language: str) -> KeyView:
    widget = key.widget
    return KeyView(
        key.key, key.localized_label(language), key.required, key.secret, key.default if with_defaults else None,
        key.localized_help(language), widget.kind, tuple(widget.options), widget.min, widget.max, widget.several,
        _schema(key, language),
    )  # fmt: skip


def _schema(key: ConfigKey, language: str) -> dict[str, Any]:
    """The key's JSON Schema, with the message a value that breaks its rule is told (as the save would)."""
    schema = key.json_schema()
    for rule in key.rules:
        if isinstance(rule, Pattern):
            schema["x-message"] = text(rule.message, language)
        elif isinstance(rule, IntRange):
            schema["x-message"] = text("validation.int_range", language, min=rule.min, max=rule.max)
    return schema


def is_available(type_code: str) -> bool:
    """A connector implements the type: only then can an integration of it be registered or run."""
    return registry.is_available(type_code)


def _view(spec: IntegrationType, *, with_defaults: bool, language: str) -> TypeView:
    keys = tuple(_key_view(k, with_defaults=with_defaults, language=language) for k in spec.keys)
    transport, file_format = transport_and_format(spec)
    return TypeView(
        spec.code, spec.name, spec.manual_run_allowed, keys, describe_window(spec.window, language), transport,
        file_format, str(spec.direction), is_available(spec.code),
        spec.window.describe(language) if isinstance(spec.window, OwnTimetable) else None,
        isinstance(spec.window, IncrementalWindow),
    )  # fmt: skip
