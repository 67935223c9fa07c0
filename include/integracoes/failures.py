"""Connector errors -> the task's failure class and its parameters (the client's "Motivo falha")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from include.connectors.errors import (
    ConnectorError,
    ConnectorUnavailableError,
    CredentialsRefusedError,
    DataCheckError,
    LayoutMismatchError,
    PartnerRejectedError,
    PartnerTimeoutError,
    PartnerUnavailableError,
    ReceivedFileRefusedError,
)
from include.connectors.transports.sftp import HostKeyChangedError, HostKeyNotConfirmedError
from include.integracoes.tasks import FailureClass

# The Airflow steps of a run, as a client reads them in a reason.
STEP_LABELS = {
    "preparar": "preparação",
    "extrair_e_gerar_arquivo": "geração do arquivo",
    "entregar": "entrega ao parceiro",
    "receber_e_aplicar": "recebimento do parceiro",
}


def classify(
    error: BaseException | str | None, *, attempts: int = 1, step: str = "", type_name: str = ""
) -> tuple[FailureClass, dict[str, object]]:
    """The reason class of whatever ended a step (an exception, or the scheduler's message for a lost worker)."""
    step_label = STEP_LABELS.get(step, step or "execução")
    if isinstance(error, ConnectorError):
        return _connector_failure(error, attempts, type_name)
    if _is_timeout(error):
        return FailureClass.RUN_TIMEOUT, {"step": step_label}
    if error is None or isinstance(error, str):
        # No exception object: the worker died or the run was ended from outside (scheduler, operator).
        return FailureClass.RUN_LOST, {}
    return FailureClass.RUN_FAILED, {"step": step_label}


def _is_timeout(error: BaseException | str | None) -> bool:
    from include.airflow_adapter.runtime import is_step_timeout

    return is_step_timeout(error)


# The first class an error is an instance of decides (subclasses before their parents); the parameters of its
# reason come from the error.
_Params = Callable[[Any, int, str], dict[str, object]]
_CONNECTOR_FAILURES: tuple[tuple[type[ConnectorError], FailureClass, _Params], ...] = (
    (ReceivedFileRefusedError, FailureClass.RECEIVED_REFUSED,
     lambda e, _, __: {"detail": e.detail, "name": e.file_name}),
    (CredentialsRefusedError, FailureClass.CREDENTIALS_REFUSED, lambda *_: {}),
    (HostKeyChangedError, FailureClass.HOST_KEY_CHANGED, lambda e, _, __: {"detail": e.detail}),
    (HostKeyNotConfirmedError, FailureClass.HOST_KEY_UNCONFIRMED, lambda *_: {}),
    (PartnerRejectedError, FailureClass.PARTNER_REJECTED, lambda e, _, __: {"detail": e.detail}),
    (LayoutMismatchError, FailureClass.LAYOUT_MISMATCH, lambda e, _, __: {"detail": e.detail}),
    (DataCheckError, FailureClass.DATA_CHECK_FAILED, lambda e, _, __: {"detail": e.detail}),
    (PartnerTimeoutError, FailureClass.TIMEOUT, lambda _, attempts, __: {"attempts": attempts}),
    (PartnerUnavailableError, FailureClass.PARTNER_UNAVAILABLE,
     lambda e, attempts, _: {"status": e.status, "attempts": attempts}),
    (ConnectorUnavailableError, FailureClass.CONNECTOR_UNAVAILABLE, lambda _, __, type_name: {"type": type_name}),
)  # fmt: skip


def _connector_failure(error: ConnectorError, attempts: int, type_name: str) -> tuple[FailureClass, dict[str, object]]:
    for kind, failure, params in _CONNECTOR_FAILURES:
        if isinstance(error, kind):
            return failure, params(error, attempts, type_name)
    return FailureClass.INTERNAL_ERROR, {}
