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
from include.connectors.transports.sftp import HOST_KEY, HostKeyChangedError, HostKeyNotConfirmedError
from include.integracoes import integrations
from include.integracoes.integrations import ConfigInput
from include.integracoes.messages import DEFAULT_LANGUAGE, text
from include.integracoes.principal import Principal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OfferedKey:
    """An SFTP server's host key as the check saw it; `confirmed` when it is the integration's confirmed one."""

    kind: str
    fingerprint: str
    confirmed: bool


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str
    host_key: OfferedKey | None = None


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
    except HostKeyNotConfirmedError as error:
        key = OfferedKey(error.offered.kind, error.offered.fingerprint, confirmed=False)
        return CheckResult(False, text("check.host_key_new", language, **vars(error.offered)), key)
    except HostKeyChangedError as error:
        key = OfferedKey(error.offered.kind, error.offered.fingerprint, confirmed=False)
        expected = values.get(HOST_KEY, "")
        return CheckResult(
            False, text("check.host_key_changed", language, expected=expected, **vars(error.offered)), key
        )
    except DeliveryError as error:
        # The technical detail (which socket error, which TLS alert) stays in the log: shown to a person it
        # would tell which ports of a host are open.
        log.info("Connection check of %s failed: %s (%s)", spec.code, error, error.__cause__)
        return CheckResult(False, _explain(error, language))
    confirmed = values.get(HOST_KEY)
    shown = OfferedKey("", confirmed, confirmed=True) if confirmed else None
    return CheckResult(True, text("check.ok", language, type=spec.name), shown)


def _explain(error: DeliveryError, language: str) -> str:
    """The product's own class of the failure, in the agent's language."""
    if isinstance(error, CredentialsRefusedError):
        return text("check.credentials", language)
    if isinstance(error, PartnerTimeoutError):
        return text("check.timeout", language)
    if isinstance(error, PartnerRejectedError):
        return text("check.rejected", language, detail=error.detail)
    if isinstance(error, PartnerUnavailableError) and error.status == "certificado":
        return text("check.certificate", language)
    if isinstance(error, PartnerUnavailableError) and isinstance(error.status, int):
        return text("check.partner_error", language, status=error.status)
    return text("check.unreachable", language)
