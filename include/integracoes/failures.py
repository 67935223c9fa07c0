"""Connector errors -> the task's failure class and its parameters (the client's "Motivo falha")."""

from __future__ import annotations

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
    from airflow.sdk.exceptions import AirflowTaskTimeout

    return isinstance(error, AirflowTaskTimeout)


def _connector_failure(error: ConnectorError, attempts: int, type_name: str) -> tuple[FailureClass, dict[str, object]]:
    if isinstance(error, ReceivedFileRefusedError):
        return FailureClass.RECEIVED_REFUSED, {"detail": error.detail, "name": error.file_name}
    if isinstance(error, CredentialsRefusedError):
        return FailureClass.CREDENTIALS_REFUSED, {}
    if isinstance(error, PartnerRejectedError):
        return FailureClass.PARTNER_REJECTED, {"detail": error.detail}
    if isinstance(error, LayoutMismatchError):
        return FailureClass.LAYOUT_MISMATCH, {"detail": error.detail}
    if isinstance(error, DataCheckError):
        return FailureClass.DATA_CHECK_FAILED, {"detail": error.detail}
    if isinstance(error, PartnerTimeoutError):
        return FailureClass.TIMEOUT, {"attempts": attempts}
    if isinstance(error, PartnerUnavailableError):
        return FailureClass.PARTNER_UNAVAILABLE, {"status": error.status, "attempts": attempts}
    if isinstance(error, ConnectorUnavailableError):
        return FailureClass.CONNECTOR_UNAVAILABLE, {"type": type_name}
    return FailureClass.INTERNAL_ERROR, {}
