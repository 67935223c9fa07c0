"""Encryption at rest of secret configuration values, with Airflow's Fernet key (rotation included)."""

from __future__ import annotations

from typing import Any


class EncryptionNotConfiguredError(RuntimeError):
    """Airflow has no Fernet key: secrets would be stored in clear text, so nothing is stored."""


def _fernet() -> Any:
    from airflow.models.crypto import get_fernet

    fernet = get_fernet()
    if not getattr(fernet, "is_encrypted", False):
        raise EncryptionNotConfiguredError("[core] fernet_key is not set; refusing to store secrets unencrypted")
    return fernet


def encrypt(value: str) -> str:
    return str(_fernet().encrypt(value.encode()).decode())


def decrypt(token: str) -> str:
    """Decrypt a stored value; also registers it with Airflow's log masker so it never reaches a log."""
    value = str(_fernet().decrypt(token.encode()).decode())
    mask(value)
    return value


def mask(value: str) -> None:
    from airflow.sdk.log import mask_secret

    mask_secret(value)
