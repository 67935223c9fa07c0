"""Encryption at rest of secret configuration values, with Airflow's Fernet key (rotation included)."""

from __future__ import annotations

from typing import Any


class EncryptionNotConfiguredError(RuntimeError):
    """Airflow has no Fernet key: secrets would be stored in clear text, so nothing is stored."""


def _fernet() -> Any:
    from include.airflow_adapter.runtime import fernet as airflow_fernet

    fernet = airflow_fernet()
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
    from include.airflow_adapter.runtime import mask_secret

    mask_secret(value)


def rotate_stored(conn: Any) -> int:
    """Re-encrypt every stored secret with the first of Airflow's Fernet keys, in one transaction; returns how
    many. Rotation: put the new key first in `[core] fernet_key` ("new,old"), restart, run this, then drop the
    old key. A value no configured key can read stops the rotation with nothing changed."""
    fernet = _fernet()
    with conn.transaction():
        rows = conn.execute(
            "SELECT integracao_id, chave, valor_cifrado FROM integracao.integracao_config"
            " WHERE valor_cifrado IS NOT NULL ORDER BY 1, 2 FOR UPDATE"
        ).fetchall()
        for integration_id, key, token in rows:
            conn.execute(
                "UPDATE integracao.integracao_config SET valor_cifrado = %s WHERE integracao_id = %s AND chave = %s",
                (fernet.rotate(token.encode()).decode(), integration_id, key),
            )
    return len(rows)


def main() -> None:
    import argparse
    import logging

    from include.integracoes import db

    parser = argparse.ArgumentParser(description="Stored secrets of the integrations.")
    parser.add_argument("command", choices=["rotate"], help="re-encrypt every stored secret with the first key")
    parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with db.connect(autocommit=True) as conn:
        logging.getLogger(__name__).info("Re-encrypted %d stored secret(s) with the current key", rotate_stored(conn))


if __name__ == "__main__":
    main()
