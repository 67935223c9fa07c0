"""The sandbox SFTP server (asyncssh): password login, a chrooted home per user, checked final files, failure modes.

Any user logs in with any password except "recusada"/"recusado"; each lands in `<data>/sftp/<user>/`, which
holds the partners' directories. A file counts as received when a rename gives it its final name (how careful
clients, ours included, finish an upload): it is checked and recorded in `<data>/received/<partner>/index.jsonl`,
the partner being the directory's owner in the catalog (`/vendas` -> `trivio`, `/pbm/entrada` -> `beneficios_unifabra`).
The check refuses the rename with permission denied and the partner's reason (pt-BR): an empty file, a `.csv` whose
first line has no `;`, and a file named as one of the partner's data sets that does not follow the layout its
connector declares (sandbox/contracts.py). A refused file never gets its final name.

The WMS partners take orders too (`/exact`, `/fisoft`): an order file off the contract's layout is refused the
same way, and an accepted one yields a movement file in `<dir>/retorno/` (see `sandbox.inbound`). Renaming a
file from there into `<dir>/retorno/processados/` acknowledges it: no upload check, no record, and a file of
the same name there is replaced.

Failure modes share the HTTP control API's object. `POST /_sandbox/<user>/mode` applies to that user's next
connections (`times` counts logins): "fail" with status 401/403 refuses the login, any other "fail" refuses
writes, "stall" never answers, "reset" drops the connection. `POST /_sandbox/<partner>/mode` does the same
for uploads and listings in that partner's directory, and downloads of its returns (`times` counts those; a
login cannot be refused there, since the directory is not known yet, so 401/403 refuse the write instead);
`"credencial": "<user>"` limits it to that user. "stall_after_store" lets the upload's rename happen (the final
file is in place and recorded) and then never answers it — a client that dies there has delivered without
knowing it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import posixpath
import time
from collections.abc import AsyncIterator, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncssh

from sandbox import certs, contracts, inbound
from sandbox.inbound import SFTP_USER, ReturnFile
from sandbox.state import STALL_S, Mode, take_mode
from sandbox.wms_layouts import LayoutError

# Each partner's directory (the default `sftp_diretorio` its connector declares) -> the partner's code.
PARTNERS = {
    "vendas": "trivio",
    "audit": "audit",
    "iqvia": "iqvia",
    "sellout": "linked_farma",
    "pbm/entrada": "beneficios_unifabra",
    "exact": "exact_wms",
    "fisoft": "fisoft_wms",
    **inbound.RETURN_DIRECTORIES,  # <dir>/retorno and <dir>/retorno/processados of the WMS partners
}
DIRECTORIES = tuple(PARTNERS)
REFUSED_PASSWORDS = ("recusada", "recusado")  # the documented triggers of a refused login, not secrets
_FIRST_LINE_MAX = 64 * 1024
_AUTH_REFUSALS = (401, 403)


class SftpSandbox:
    """State shared by every connection: the data folder and the failure modes (the HTTP server's dict)."""

    def __init__(self, data: Path, modes: MutableMapping[str, Mode] | None = None) -> None:
        self.data = data
        self.modes: MutableMapping[str, Mode] = {} if modes is None else modes

    def home(self, user: str) -> Path:
        root = self.data / "sftp" / user
        for directory in DIRECTORIES:
            (root / directory).mkdir(parents=True, exist_ok=True)
        return root

    def set_mode(self, key: str, mode: str = "ok", status: int = 503, times: int = 0) -> None:
        """What `POST /_sandbox/<user or partner>/mode` does, for in-process callers."""
        self.modes[key] = Mode(mode, status, times)

    def take_mode(self, key: str, user: str = "", *, after_store: bool = False) -> Mode | None:
        """The failure mode set for a user or a partner, for one use (counting down `times`), or None (a mode
        for one HTTP route is not the server's)."""
        return take_mode(self.modes, key, credential=user, after_store=after_store)

    def index(self, folder: str) -> Path:
        return self.data / "received" / folder / "index.jsonl"

    def received(self, folder: str) -> list[dict[str, Any]]:
        path = self.index(folder)
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def record(self, user: str, remote: str, local: Path) -> dict[str, Any]:
        """Append a received file to its partner's index (like the HTTPS sandbox's `record`)."""
        folder = partner_of(remote)
        digest = hashlib.sha256()
        with local.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        entry = {
            "name": posixpath.basename(remote),
            "path": remote,
            "user": user,
            "sha256": digest.hexdigest(),
            "size": local.stat().st_size,
            "received_at": time.time(),
        }
        self.index(folder).parent.mkdir(parents=True, exist_ok=True)
        with self.index(folder).open("a") as handle:
            handle.write(json.dumps(entry) + "\n")
        return entry

    async def listen(self, host: str, port: int, key_name: str = "sftp_host_key") -> asyncssh.SSHAcceptor:
        """Serve on `port` with the host key kept as `key_name` in the data folder (one per server)."""
        key_path, _ = certs.ssh_host_key(self.data, key_name)
        return await asyncssh.listen(
            host,
            port,
            server_factory=lambda: _Server(self),
            server_host_keys=[asyncssh.read_private_key(str(key_path))],
            sftp_factory=lambda chan: _Files(chan, self),
            allow_scp=False,
        )


class ExtraServers:
    """SFTP servers started on request beside the main one, sharing its files and modes, each with a key of its
    own that a test may replace: a partner's server that changed its key, without touching the server every
    other integration of the session trusts.

        POST /_sandbox/sftp/servidores                -> {"porta", "chave"}   (a new server on a free port)
        POST /_sandbox/sftp/servidores/{porta}/chave  -> {"porta", "chave"}   (that server's key replaced)
    """

    def __init__(self, sandbox: SftpSandbox) -> None:
        self.sandbox = sandbox
        self.servers: dict[int, tuple[asyncssh.SSHAcceptor, str]] = {}  # port -> (server, its key's file name)

    async def start(self) -> dict[str, Any]:
        key_name = f"sftp_host_key_extra_{len(self.servers)}"
        acceptor = await self.sandbox.listen("127.0.0.1", 0, key_name=key_name)
        port = int(acceptor.sockets[0].getsockname()[1])
        self.servers[port] = (acceptor, key_name)
        return {"porta": port, "chave": certs.ssh_host_key(self.sandbox.data, key_name)[1]}

    def replace_key(self, port: int) -> dict[str, Any]:
        acceptor, key_name = self.servers[port]
        (self.sandbox.data / key_name).unlink(missing_ok=True)
        path, fingerprint = certs.ssh_host_key(self.sandbox.data, key_name)
        acceptor.update(server_host_keys=[asyncssh.read_private_key(str(path))])  # for the connections to come
        return {"porta": port, "chave": fingerprint}

    def close(self) -> None:
        for acceptor, _ in self.servers.values():
            acceptor.close()


def partner_of(remote: str) -> str:
    """The partner whose directory holds `remote` (a path inside a user's home); "sftp" for the others."""
    directory = posixpath.dirname(posixpath.normpath(posixpath.join("/", remote))).strip("/")
    return PARTNERS.get(directory) or "sftp-" + (directory.replace("/", "-") or "raiz")


def problem(name: str, local: Path) -> str | None:
    """Why the sandbox refuses a final file (pt-BR, as a partner's server would say), or None."""
    if local.stat().st_size == 0:
        return "arquivo vazio"
    if name.lower().endswith(".csv"):
        with local.open("rb") as handle:
            first = handle.readline(_FIRST_LINE_MAX)
        if b";" not in first:
            return "arquivo CSV sem separador ';' na primeira linha"
    return None


def contract_problem(partner: str, name: str, local: Path) -> str | None:
    """Why the partner refuses a file named as one of its data sets, off the layout its connector declares."""
    contract = contracts.contract_for(partner, name)
    if contract is None:
        return None
    with local.open("rb") as handle:
        return contract.problem(handle)


class _Server(asyncssh.SSHServer):
    def __init__(self, sandbox: SftpSandbox) -> None:
        self.sandbox = sandbox
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        if not SFTP_USER.fullmatch(username) or password in REFUSED_PASSWORDS:
            return False
        mode = self.sandbox.take_mode(username)
        if mode is not None and mode.mode == "fail" and mode.status in _AUTH_REFUSALS:
            return False
        if self.conn is not None:
            self.conn.set_extra_info(sandbox_mode=mode)
        return True


class _Files(asyncssh.SFTPServer):
    """One SFTP session, chrooted in the user's home (asyncssh maps every path inside it)."""

    def __init__(self, chan: asyncssh.SSHServerChannel[bytes], sandbox: SftpSandbox) -> None:
        self.user = str(chan.get_extra_info("username"))
        self.sandbox = sandbox
        self.mode: Mode | None = chan.get_connection().get_extra_info("sandbox_mode")
        super().__init__(chan, chroot=os.fsencode(sandbox.home(self.user)))

    async def _misbehave(self, path: bytes) -> None:
        """Apply the connection's mode (set for the user), else the mode set for the directory's partner."""
        mode = self.mode or self.sandbox.take_mode(partner_of(os.fsdecode(path)), self.user)
        if mode is None:
            return
        if mode.mode == "stall":
            await asyncio.sleep(STALL_S)
        if mode.mode == "reset":
            self.connection.abort()
            raise asyncssh.SFTPConnectionLost("conexão encerrada")
        if mode.mode == "fail" and mode.status in _AUTH_REFUSALS:
            raise asyncssh.SFTPPermissionDenied("acesso negado (simulado)")
        if mode.mode == "fail":
            raise asyncssh.SFTPFailure("falha simulada do servidor do parceiro")

    async def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        if pflags & asyncssh.FXF_WRITE or inbound.is_return_file(_remote(path)):
            await self._misbehave(path)  # a partner that fails fails downloads of its returns too
        return super().open(path, pflags, attrs)

    async def scandir(self, path: bytes) -> AsyncIterator[asyncssh.SFTPName]:
        await self._misbehave(path + b"/.")  # the listed directory itself decides the partner
        async for name in super().scandir(path):
            yield name

    async def rename(self, oldpath: bytes, newpath: bytes) -> None:
        if self._acknowledge(oldpath, newpath):
            return
        returns = await asyncio.to_thread(self._check, oldpath, newpath)  # reads the whole file: off the loop
        super().rename(oldpath, newpath)
        self._record(newpath, returns)
        await self._stored(newpath)

    async def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        if self._acknowledge(oldpath, newpath):
            return
        returns = await asyncio.to_thread(self._check, oldpath, newpath)
        super().posix_rename(oldpath, newpath)
        self._record(newpath, returns)
        await self._stored(newpath)

    async def _stored(self, newpath: bytes) -> None:
        """`stall_after_store` (set for the user, or for the partner): the file has its final name, the answer
        never comes."""
        partner = partner_of(os.fsdecode(newpath))
        if self.sandbox.take_mode(self.user, after_store=True) or self.sandbox.take_mode(
            partner, self.user, after_store=True
        ):
            await asyncio.sleep(STALL_S)

    def _acknowledge(self, oldpath: bytes, newpath: bytes) -> bool:
        """A move into `<dir>/retorno/processados/` is the client confirming a return file, not an upload;
        confirming a name twice keeps the newest file (plain SFTP rename would refuse the clash)."""
        if not inbound.is_acknowledgement(_remote(newpath)):
            return False
        os.replace(self.map_path(oldpath), self.map_path(newpath))
        return True

    def _check(self, oldpath: bytes, newpath: bytes) -> ReturnFile | None:
        """Refuse a final file the partner would refuse; for an order file, the movement file it yields."""
        local = Path(os.fsdecode(self.map_path(oldpath)))
        name = posixpath.basename(os.fsdecode(newpath))
        if not local.is_file() or name.startswith("."):
            return None
        if reason := problem(name, local) or contract_problem(partner_of(_remote(newpath)), name, local):
            raise asyncssh.SFTPPermissionDenied(reason)
        partner = inbound.order_partner(_remote(newpath))
        if partner is None:
            return None
        try:
            return inbound.plan_returns(partner, name, local.read_bytes(), datetime.now(UTC))
        except LayoutError as error:
            raise asyncssh.SFTPPermissionDenied(str(error)) from None

    def _record(self, newpath: bytes, returns: ReturnFile | None) -> None:
        local = Path(os.fsdecode(self.map_path(newpath)))
        remote = _remote(newpath)
        if local.is_file() and not posixpath.basename(remote).startswith("."):
            self.sandbox.record(self.user, remote, local)
            if returns is not None:
                inbound.offer_returns(self.sandbox.data, self.user, returns)


def _remote(path: bytes) -> str:
    """A client's path as an absolute path inside its home."""
    return "/" + posixpath.normpath(posixpath.join("/", os.fsdecode(path))).lstrip("/")
