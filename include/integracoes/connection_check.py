"""Testar conexão: reach the partner with a configuration (typed on the form or stored), send nothing,
and say in the agent's language what is wrong."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

from include.connectors.errors import (
    CredentialsRefusedError,
    DeliveryError,
    PartnerRejectedError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)
from include.connectors.registry import connector_for
from include.integracoes import integrations
from include.integracoes.integrations import ConfigInput
from include.integracoes.messages import DEFAULT_LANGUAGE, text
from include.integracoes.principal import Principal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


def check(
    conn: psycopg.Connection,
    principal: Principal,
    type_code: str | None,
    config: Sequence[ConfigInput],
    *,
    integration_id: int | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> CheckResult:
    """Agents only; Invalid (422) for a configuration that would not even save."""
    spec, values = integrations.config_for_check(conn, principal, type_code, config, integration_id)
    try:
        connector_for(spec.code).check_connection(values)
    except DeliveryError as error:
        log.info("Connection check of %s failed: %s", spec.code, type(error).__name__)
        return CheckResult(False, _explain(error, language))
    return CheckResult(True, text("check.ok", language, type=spec.name))


def _explain(error: DeliveryError, language: str) -> str:
    if isinstance(error, CredentialsRefusedError):
        return text("check.credentials", language)
    if isinstance(error, PartnerTimeoutError):
        return text("check.timeout", language)
    if isinstance(error, PartnerRejectedError):
        return text("check.rejected", language, detail=error.detail)
    if isinstance(error, PartnerUnavailableError):
        return text("check.unavailable", language, status=error.status, detail=error.detail or "-")
    return text("check.unavailable", language, status="?", detail="-")
