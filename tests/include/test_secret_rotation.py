"""Rotating the Fernet key of stored secrets: with "new,old" configured, `python -m include.integracoes.secrets
rotate` re-encrypts every stored value with the new key, after which the old key can go; a value no key can
read stops the rotation with nothing changed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import psycopg
import pytest
from cryptography.fernet import Fernet, InvalidToken

from include.integracoes import secrets
from tests.include.factories import make_integration

UseKeys = Callable[..., None]


@pytest.fixture
def use_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[UseKeys]:
    from airflow.models import crypto

    def use(*keys: bytes) -> None:
        monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", ",".join(k.decode() for k in keys))
        crypto.get_fernet.cache_clear()

    yield use
    crypto.get_fernet.cache_clear()


def stored(conn: psycopg.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT chave, valor_cifrado FROM integracao.integracao_config ORDER BY 1").fetchall())


def test_rotation_re_encrypts_every_secret_with_the_new_key(migrated_db: psycopg.Connection, use_keys: UseKeys) -> None:
    conn = migrated_db
    _, integration = make_integration(conn)
    old, new = Fernet.generate_key(), Fernet.generate_key()
    use_keys(old)
    for key, value in (("token", "segredo-1"), ("api_secret", "segredo-2")):
        conn.execute("INSERT INTO integracao.integracao_config VALUES (%s, %s, NULL, %s)",
                     (integration, key, secrets.encrypt(value)))  # fmt: skip
    before = stored(conn)

    use_keys(new, old)
    assert secrets.rotate_stored(conn) == 2
    after = stored(conn)
    assert all(after[key] != before[key] for key in before)

    use_keys(new)  # the old key is gone: every value still reads
    assert {key: secrets.decrypt(token) for key, token in after.items()} == {"api_secret": "segredo-2",
                                                                            "token": "segredo-1"}  # fmt: skip
    with pytest.raises(InvalidToken):
        Fernet(old).decrypt(after["token"].encode())


def test_a_value_no_key_can_read_changes_nothing(migrated_db: psycopg.Connection, use_keys: UseKeys) -> None:
    conn = migrated_db
    _, integration = make_integration(conn)
    lost, new = Fernet.generate_key(), Fernet.generate_key()
    use_keys(new)
    conn.execute("INSERT INTO integracao.integracao_config VALUES (%s, 'token', NULL, %s)",
                 (integration, secrets.encrypt("bom")))  # fmt: skip
    conn.execute("INSERT INTO integracao.integracao_config VALUES (%s, 'senha', NULL, %s)",
                 (integration, Fernet(lost).encrypt(b"perdido").decode()))  # fmt: skip
    before = stored(conn)
    with pytest.raises(InvalidToken):
        secrets.rotate_stored(conn)
    assert stored(conn) == before
