"""What can go wrong while delivering to a partner, in classes the task lifecycle turns into reasons."""

from __future__ import annotations


class DeliveryError(Exception):
    """A delivery did not go through. `permanent` errors are not retried (retrying cannot help)."""

    permanent = False


class PartnerUnavailableError(DeliveryError):
    def __init__(self, status: int | str, detail: str = "") -> None:
        super().__init__(f"partner unavailable ({status}) {detail}".strip())
        self.status = status


class PartnerTimeoutError(DeliveryError):
    pass


class CredentialsRefusedError(DeliveryError):
    permanent = True


class PartnerRejectedError(DeliveryError):
    permanent = True

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
