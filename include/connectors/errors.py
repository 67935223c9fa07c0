"""What can go wrong in a connector, in classes the task lifecycle turns into a client's reason.

`permanent` errors are not retried (retrying cannot help); the others are retried with backoff.
Messages of `detail` are shown to the client after the class's own text, so they are short pt-BR.
"""

from __future__ import annotations


class ConnectorError(Exception):
    permanent = False


class DeliveryError(ConnectorError):
    """A delivery (or a connection check) did not go through."""


class PartnerUnavailableError(DeliveryError):
    def __init__(self, status: int | str, detail: str = "") -> None:
        super().__init__(f"partner unavailable ({status}) {detail}".strip())
        self.status = status
        self.detail = detail


class PartnerTimeoutError(DeliveryError):
    pass


class CredentialsRefusedError(DeliveryError):
    permanent = True


class PartnerRejectedError(DeliveryError):
    permanent = True

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class DataCheckError(ConnectorError):
    """The file and its totals disagree: nothing half-right is ever sent."""

    permanent = True

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class LayoutMismatchError(DataCheckError):
    """Our own data does not fit the partner's layout (columns, widths, encoding): a fix on our side."""


class ConnectorUnavailableError(ConnectorError):
    """No connector implements the integration's type (or it could not be loaded)."""

    permanent = True


class ReceivedFileRefusedError(ConnectorError):
    """A file the partner sent us is refused whole (layout, unknown branch or product, duplicates, encoding,
    truncation, size): nothing of it is applied and it is not acknowledged, so the partner offers it again."""

    permanent = True

    def __init__(self, detail: str, file_name: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.file_name = file_name
