"""SFTP to a partner's server: upload, and an inbox folder for what it sends us (SftpInbox). An upload goes
to a temporary name, then a rename, so the partner never picks up half a file.

Connects with paramiko to the address checked for the integration's host (`hosts.destination`: one of the
partner's, never internal), and sends nothing — not even the password — before the server proves the host key
an agent confirmed for the integration (`sftp_chave_host`, the SHA-256 fingerprint "Testar conexão" shows). A
server offering another key is refused with both fingerprints in the reason.

Idempotency: a file that already has the final name with our size and, when the server lets us read it
back, our sha256, is a previous delivery of the same file: nothing is sent again. On a write-only server
the size is all the evidence there is. A different file under the name is refused, never overwritten
(SFTP's plain rename does not replace an existing file either).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
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
HOST_KEY = "sftp_chave_host"
KEYS = frozenset({"sftp_host", "sftp_porta", "sftp_usuario", "sftp_senha", "sftp_diretorio", HOST_KEY})


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


@dataclass(frozen=True)
class HostKey:
    """The key a server offered, as `ssh` shows it: its type and SHA-256 fingerprint (`SHA256:<base64>`)."""

    kind: str
    fingerprint: str


class HostKeyNotConfirmedError(PartnerRejectedError):
    """The integration has no confirmed key for its server: nothing is sent (the password included) until an
    agent confirms the one offered, as `ssh` asks on a first connection."""

    def __init__(self, offered: HostKey) -> None:
        super().__init__("a chave do servidor SFTP ainda não foi confirmada (use Testar conexão)")
        self.offered = offered


class HostKeyChangedError(PartnerRejectedError):
    """The server offered another key than the one confirmed: someone on the path, or a server that changed
    its key — a person must find out which before any customer data goes there."""

    def __init__(self, expected: str, offered: HostKey) -> None:
        super().__init__(
            f"a chave do servidor SFTP mudou (confirmada {expected}, apresentada {offered.fingerprint}); nada foi"
            " enviado — confirme a nova chave com o parceiro"
        )
        self.offered = offered


def fingerprint(key: Any) -> HostKey:
    """OpenSSH's form of a paramiko key's fingerprint."""
    digest = base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")
    return HostKey(key.get_name(), f"SHA256:{digest}")


@contextmanager
def _session(config: Mapping[str, str]) -> Iterator[Any]:
    """An authenticated paramiko SFTPClient to the checked address, after the server proved the confirmed host
    key; every transport-level failure comes out classified.

    paramiko directly rather than the SFTP provider's hook: the hook reads a pinned key only from a stored
    Airflow connection and connects to a name it resolves itself, and "Testar conexão" needs the key a server
    offers before any credential is sent. Only the password is offered: never the worker's own SSH keys."""
    target = hosts.destination(config["sftp_host"], _port(config))
    import paramiko  # imported here: the module is imported when DAGs are parsed

    transport = None
    try:
        sock = socket.create_connection((target.address, target.port), timeout=CONNECT_TIMEOUT_S)
        transport = paramiko.Transport(sock)
        transport.banner_timeout = CONNECT_TIMEOUT_S
        transport.auth_timeout = AUTH_TIMEOUT_S
        transport.start_client(timeout=CONNECT_TIMEOUT_S)
        _verify(transport.get_remote_server_key(), config.get(HOST_KEY, "").strip())
        transport.auth_password(config["sftp_usuario"], config["sftp_senha"])
        sftp = paramiko.SFTPClient.from_transport(transport)
        if sftp is None:
            raise paramiko.SSHException("no SFTP subsystem")
        sftp.get_channel().settimeout(READ_TIMEOUT_S)
        yield sftp
    except (OSError, EOFError, paramiko.SSHException) as error:
        raise _classify(error) from error
    finally:
        if transport is not None:
            transport.close()


def offered_key(config: Mapping[str, str]) -> HostKey:
    """The key the integration's server offers now (no login): what "Testar conexão" shows to be confirmed."""
    target = hosts.destination(config["sftp_host"], _port(config))
    import paramiko

    try:
        with socket.create_connection((target.address, target.port), timeout=CONNECT_TIMEOUT_S) as sock:
            transport = paramiko.Transport(sock)
            try:
                transport.banner_timeout = CONNECT_TIMEOUT_S
                transport.start_client(timeout=CONNECT_TIMEOUT_S)
                return fingerprint(transport.get_remote_server_key())
            finally:
                transport.close()
    except (OSError, EOFError, paramiko.SSHException) as error:
        raise _classify(error) from error


def _verify(key: Any, expected: str) -> None:
    offered = fingerprint(key)
    if not expected:
        raise HostKeyNotConfirmedError(offered)
    if not hmac.compare_digest(offered.fingerprint, expected):
        raise HostKeyChangedError(expected, offered)


def _port(config: Mapping[str, str]) -> int:
    port = (config.get("sftp_porta") or "22").strip()
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise PartnerRejectedError("a porta SFTP configurada é inválida")
    return int(port)


def _classify(error: BaseException) -> DeliveryError:
    import paramiko

    if isinstance(error, paramiko.AuthenticationException):
        return CredentialsRefusedError("usuário ou senha recusados pelo servidor SFTP")
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
