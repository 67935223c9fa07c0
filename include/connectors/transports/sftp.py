"""SFTP to a partner's server: upload, and an inbox folder for what it sends us (SftpInbox). An upload goes
to a temporary name, then a rename, so the partner never picks up half a file.

Connects through the Airflow SFTP provider's hook with the integration's own host and credentials (the hook
takes them as arguments; no Airflow connection is stored or looked up). Host keys are not pinned: the
catalog has no key for a partner's host key yet, so the hook accepts the key it is shown, unless the worker's
~/.ssh/known_hosts knows the host under another key (the host itself must still be one of the partner's,
see `hosts.ensure_allowed`).

Idempotency: a file that already has the final name with our size and, when the server lets us read it
back, our sha256, is a previous delivery of the same file: nothing is sent again. On a write-only server
the size is all the evidence there is. A different file under the name is refused, never overwritten
(SFTP's plain rename does not replace an existing file either).
"""

from __future__ import annotations

import hashlib
import posixpath
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, ClassVar

from include.connectors import hosts
from include.connectors.base import Delivery, Inbox, Receipt, ReceivedFile, Transport
from include.connectors.errors import (
    CredentialsRefusedError,
    DeliveryError,
    PartnerRejectedError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)

CONNECT_TIMEOUT_S = 10
AUTH_TIMEOUT_S = 30
READ_TIMEOUT_S = 120  # one SFTP request without an answer (a stalled server)
_MAX_DETAIL = 200
_CHUNK = 1024 * 1024
KEYS = frozenset({"sftp_host", "sftp_porta", "sftp_usuario", "sftp_senha", "sftp_diretorio"})


@dataclass(frozen=True)
class SftpUpload(Transport):
    """Put the file in `sftp_diretorio` as `.<name>.part`, then rename it to `<name>`."""

    label: ClassVar[str] = "SFTP"

    def keys(self) -> frozenset[str]:
        return KEYS

    def deliver(self, delivery: Delivery, config: Mapping[str, str], headers: Mapping[str, str]) -> Receipt:
        directory = _directory(config)
        final = posixpath.join(directory, delivery.name)
        part = posixpath.join(directory, f".{delivery.name}.part")
        with _session(config) as sftp:
            existing = _stat(sftp, final)
            if existing is None:
                _upload(sftp, delivery, part, directory)
                existing = _publish(sftp, part, final)
                if existing is None:
                    return Receipt(final)
            # The name is taken: by an earlier delivery of this very file, or by something else.
            if _same_file(sftp, final, existing, delivery):
                return Receipt(final, duplicate=True)
            raise PartnerRejectedError("arquivo já existe no servidor com outro conteúdo")

    def check(self, config: Mapping[str, str]) -> None:
        directory = _directory(config)
        with _session(config) as sftp:
            try:
                sftp.listdir(directory)
            except FileNotFoundError as error:
                raise PartnerRejectedError(f"o diretório {directory} não existe no servidor") from error
            except PermissionError as error:
                raise PartnerRejectedError(f"sem permissão no diretório {directory}") from error


@dataclass(frozen=True)
class SftpInbox(Inbox):
    """Files the partner leaves in `{sftp_diretorio}/{folder}` (oldest first; names starting with "." are
    uploads in progress); a file applied is moved into `{folder}/{processed}` — only after the commit, so a
    crash in between re-offers a file the product already knows it applied, and nothing is lost."""

    folder: str = "retorno"
    processed: str = "processados"
    label: ClassVar[str] = "SFTP"

    def keys(self) -> frozenset[str]:
        return KEYS

    def check(self, config: Mapping[str, str]) -> None:
        with _session(config) as sftp:
            self._entries(sftp, config)

    def receive(self, config: Mapping[str, str], limit: int) -> Iterator[ReceivedFile]:
        with _session(config) as sftp:
            inbox = self._inbox(config)
            for entry in self._entries(sftp, config)[:limit]:
                with sftp.open(posixpath.join(inbox, entry.filename), "rb") as remote:
                    remote.prefetch(entry.st_size)
                    yield ReceivedFile(entry.filename, entry.filename, remote, entry.st_size)

    def acknowledge(self, received: ReceivedFile, config: Mapping[str, str]) -> None:
        inbox = self._inbox(config)
        source = posixpath.join(inbox, received.partner_id)
        target = posixpath.join(inbox, self.processed, received.partner_id)
        with _session(config) as sftp:
            try:
                sftp.posix_rename(source, target)  # replaces a file of the same name processed before
            except FileNotFoundError:
                if _stat(sftp, target) is None:
                    raise  # neither here nor processed: someone else took it
            except PermissionError as error:
                raise PartnerRejectedError(f"sem permissão para mover o arquivo para {self.processed}") from error

    def _inbox(self, config: Mapping[str, str]) -> str:
        return posixpath.join(_directory(config), self.folder)

    def _entries(self, sftp: Any, config: Mapping[str, str]) -> list[Any]:
        import stat

        inbox = self._inbox(config)
        try:
            entries = sftp.listdir_attr(inbox)
        except FileNotFoundError as error:
            raise PartnerRejectedError(f"o diretório {inbox} não existe no servidor") from error
        except PermissionError as error:
            raise PartnerRejectedError(f"sem permissão no diretório {inbox}") from error
        files = [e for e in entries if stat.S_ISREG(e.st_mode or 0) and not e.filename.startswith(".")]
        return sorted(files, key=lambda e: (e.st_mtime or 0, e.filename))


def _directory(config: Mapping[str, str]) -> str:
    return (config.get("sftp_diretorio") or "/").strip().rstrip("/") or "/"


@contextmanager
def _session(config: Mapping[str, str]) -> Iterator[Any]:
    """An authenticated paramiko SFTPClient; every transport-level failure comes out classified."""
    host = config["sftp_host"].strip()
    hosts.ensure_allowed(host)
    # Imported here: the module is imported when DAGs are parsed, the provider only when a task delivers.
    import paramiko
    from airflow.providers.sftp.hooks.sftp import SFTPHook

    hook = SFTPHook(
        ssh_conn_id=None,
        remote_host=host,
        port=int(config.get("sftp_porta") or 22),
        username=config["sftp_usuario"],
        password=config["sftp_senha"],
        conn_timeout=CONNECT_TIMEOUT_S,
        banner_timeout=CONNECT_TIMEOUT_S,
        auth_timeout=AUTH_TIMEOUT_S,
        conn_retry_attempts=1,  # the task's own retries (with backoff) handle an unavailable partner
        no_host_key_check=True,
    )
    # Offer the partner only the password: never the worker's own SSH keys (~/.ssh), which would also
    # spend the server's allowance of failed attempts before the password is tried.
    hook.look_for_keys = False
    try:
        with hook.get_managed_conn() as sftp:
            sftp.get_channel().settimeout(READ_TIMEOUT_S)
            yield sftp
    except (OSError, EOFError, paramiko.SSHException) as error:
        raise _classify(error) from error


def _classify(error: BaseException) -> DeliveryError:
    import paramiko

    if isinstance(error, paramiko.AuthenticationException):
        return CredentialsRefusedError("usuário ou senha recusados pelo servidor SFTP")
    if isinstance(error, paramiko.BadHostKeyException):
        # Known to this worker (~/.ssh/known_hosts) under another key: a person must find out why.
        return PartnerRejectedError("a chave do servidor SFTP mudou")
    if isinstance(error, TimeoutError):
        return PartnerTimeoutError("o servidor SFTP não respondeu a tempo")
    if isinstance(error, socket.gaierror):
        return PartnerUnavailableError("conexão", "servidor SFTP não encontrado")
    if isinstance(error, PermissionError):
        return PartnerRejectedError("sem permissão no servidor SFTP")
    if isinstance(error, FileNotFoundError):
        return PartnerRejectedError("caminho não encontrado no servidor SFTP")
    if isinstance(error, paramiko.ssh_exception.NoValidConnectionsError | ConnectionError):
        return PartnerUnavailableError("conexão", "conexão recusada ou interrompida pelo servidor SFTP")
    if isinstance(error, paramiko.SSHException | EOFError):
        return PartnerUnavailableError("conexão", "conexão SFTP interrompida")
    # Any other status of an SFTP request (SSH_FX_FAILURE...): the server's own words, bounded.
    return PartnerUnavailableError("sftp", str(error)[:_MAX_DETAIL])


def _stat(sftp: Any, path: str) -> Any | None:
    """The path's attributes, or None when it does not exist (or this user may not see it)."""
    try:
        return sftp.stat(path)
    except (FileNotFoundError, PermissionError):
        return None


def _upload(sftp: Any, delivery: Delivery, part: str, directory: str) -> None:
    try:
        # putfo streams the body in chunks; confirm=True compares the remote size with what was sent.
        sftp.putfo(delivery.body, part, file_size=delivery.size, confirm=True)
    except PermissionError as error:
        raise PartnerRejectedError(f"sem permissão de escrita em {directory}") from error
    except FileNotFoundError as error:
        raise PartnerRejectedError(f"o diretório {directory} não existe no servidor") from error


def _publish(sftp: Any, part: str, final: str) -> Any | None:
    """Rename the uploaded file to its final name: None when done, or the attributes of a file that got
    the name first (a concurrent or earlier delivery)."""
    try:
        sftp.rename(part, final)
        return None
    except OSError as error:
        existing = _stat(sftp, final)
        with suppress(OSError):
            sftp.remove(part)
        if existing is not None:
            return existing
        if isinstance(error, PermissionError):
            # Servers check the finished file at this step (the sandbox refuses a malformed CSV here).
            reason = (error.strerror or "permissão negada")[:_MAX_DETAIL]
            raise PartnerRejectedError(f"o servidor SFTP recusou o arquivo: {reason}") from error
        raise


def _same_file(sftp: Any, path: str, attrs: Any, delivery: Delivery) -> bool:
    if attrs.st_size != delivery.size:
        return False
    digest = hashlib.sha256()
    try:
        with sftp.open(path, "rb") as remote:
            remote.prefetch(delivery.size)  # pipelined reads: one round trip per window, not per chunk
            for chunk in iter(lambda: remote.read(_CHUNK), b""):
                digest.update(chunk)
    except PermissionError:
        return True  # a write-only drop box: the same name and size is all it lets us compare
    return digest.hexdigest() == delivery.sha256
