"""The local stack's components under supervisord: it starts them, restarts one that crashes, rotates their logs
and stops them with their children, so the stack script keeps no PID files of its own.

supervisord is reached only through its UNIX socket in the data folder (XML-RPC): a stale PID file can never
make `stop` signal a process that is not ours, because nothing is signalled by a number read from a file.
Components inherit the environment of the `start` that launched supervisord; a changed setting needs a stop.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import shlex
import signal
import socket
import subprocess
import time
import xmlrpc.client
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from include import settings

STOP_WAIT_S = 30  # SIGTERM, then this long before SIGKILL to the component's process group
START_WAIT_S = 30
_SOCKET_MAX = 100  # sun_path holds 108 bytes


def socket_path(run_dir: Path) -> Path:
    """The control socket: in the data folder, or under /tmp when that path is too long for a UNIX socket."""
    path = run_dir / "supervisor.sock"
    if len(str(path)) <= _SOCKET_MAX:
        return path
    digest = hashlib.sha256(str(run_dir).encode()).hexdigest()[:16]
    return Path("/tmp") / f"integracoes-supervisor-{digest}.sock"  # noqa: S108 (private: 0700 and ours)


def config_text(
    components: dict[str, list[str]], *, cwd: Path, run_dir: Path, log_dir: Path, environ: dict[str, str]
) -> str:
    """supervisord.conf for these components (started in this order, stopped in the reverse one), which run with
    `environ`. Each component's log is rotated at INTEGRACOES_LOG_MAX_MB, keeping INTEGRACOES_LOG_BACKUPS old files
    (data/logs/<component>.log.N)."""
    given = settings.of(environ)
    max_mb, backups = given.log_max_mb, given.log_backups
    control = socket_path(run_dir)
    lines = [
        "[unix_http_server]",
        f"file={_escaped(str(control))}",
        "chmod=0700",
        "",
        "[supervisord]",
        f"logfile={_escaped(str(log_dir / 'supervisord.log'))}",
        "logfile_maxbytes=10MB",
        "logfile_backups=3",
        f"pidfile={_escaped(str(run_dir / 'supervisord.pid'))}",
        f"directory={_escaped(str(cwd))}",
        f"childlogdir={_escaped(str(log_dir))}",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{_escaped(str(control))}",
    ]
    for order, (name, command) in enumerate(components.items(), start=1):
        lines += [
            "",
            f"[program:{name}]",
            f"command={_escaped(shlex.join(command))}",
            f"directory={_escaped(str(cwd))}",
            f"priority={order * 10}",
            "autostart=true",
            # Restarted whenever it ends without being asked to; one that dies within startsecs of every start
            # (a port taken, a broken configuration) is given up after startretries: FATAL, and `start` says so.
            "autorestart=true",
            "startsecs=5",
            "startretries=3",
            "stopsignal=TERM",
            f"stopwaitsecs={STOP_WAIT_S}",
            # Signals go to the component's process group: its workers and task processes end with it.
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            f"stdout_logfile={_escaped(str(log_dir / f'{name}.log'))}",
            f"stdout_logfile_maxbytes={max_mb}MB",
            f"stdout_logfile_backups={backups}",
        ]
    return "\n".join(lines) + "\n"


def _escaped(value: str) -> str:
    """supervisord expands %(name)s in its values: a literal % is written %%."""
    return value.replace("%", "%%")


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: Path, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(str(self._path))


class _UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path: Path, timeout: float) -> None:
        super().__init__()
        self._path, self._timeout = path, timeout

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        return _UnixConnection(self._path, self._timeout)


def rpc(run_dir: Path, timeout: float = 10) -> Any:
    """supervisord's XML-RPC interface, over its socket."""
    return xmlrpc.client.ServerProxy("http://localhost", transport=_UnixTransport(socket_path(run_dir), timeout))


def answering(run_dir: Path) -> bool:
    """Whether this data folder's supervisord runs (its socket answers, not a PID file)."""
    if not socket_path(run_dir).exists():
        return False
    try:
        return bool(rpc(run_dir, timeout=5).supervisor.getState()["statename"] == "RUNNING")
    except (OSError, xmlrpc.client.Error):
        return False


def launch(binary: Path, conf: Path, run_dir: Path, env: dict[str, str]) -> None:
    """Start supervisord (it daemonizes; the components inherit `env`) and wait until it answers."""
    subprocess.run([str(binary), "-c", str(conf)], env=env, check=True, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + START_WAIT_S
    while not answering(run_dir):
        if time.monotonic() > deadline:
            raise RuntimeError(f"supervisord did not answer on {socket_path(run_dir)}; see its log")
        time.sleep(0.2)


def reload(run_dir: Path) -> None:
    """Apply a rewritten configuration to a running supervisord: new components start, removed ones stop,
    changed ones restart; then start any that were stopped."""
    server = rpc(run_dir, timeout=120)
    added, changed, removed = server.supervisor.reloadConfig()[0]
    for name in removed + changed:
        server.supervisor.stopProcessGroup(name, True)
        server.supervisor.removeProcessGroup(name)
    for name in added + changed:
        server.supervisor.addProcessGroup(name)
    server.supervisor.startAllProcesses(True)


def processes(run_dir: Path) -> list[dict[str, Any]]:
    """name, statename, pid (0 when not running), description — of every component."""
    if not answering(run_dir):
        return []
    return list(rpc(run_dir).supervisor.getAllProcessInfo())


def running_pids(run_dir: Path) -> dict[str, int]:
    """The components that have a process now, by name (each leads its process group)."""
    return {p["name"]: int(p["pid"]) for p in processes(run_dir) if p["pid"]}


def shutdown(run_dir: Path, timeout: float, *, first: Sequence[Collection[str]] = ()) -> bool:
    """Stop every component, then supervisord: the components of each set in `first` at once, one set after the
    other, then the rest in the reverse of their start order (SIGKILL to a group still there after STOP_WAIT_S).
    False when no supervisord answered for this data folder."""
    if not answering(run_dir):
        return False
    server = rpc(run_dir)
    for names in first:
        _stop_together(server, set(names))
    pid = int(server.supervisor.getPID())
    server.supervisor.shutdown()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)  # the number came from the live supervisord itself, a moment ago
        except ProcessLookupError:
            return True
        time.sleep(0.3)
    raise RuntimeError(f"supervisord (pid {pid}) still running {timeout:.0f}s after shutdown")


_LIVE = {"STARTING", "RUNNING", "BACKOFF", "STOPPING"}
# Airflow's components exit from their SIGTERM handler by raising SystemExit, and Python drops an exception that
# lands inside a garbage-collector callback ("Exception ignored in ..."): now and then the scheduler keeps
# running after SIGTERM until the SIGKILL. One more SIGTERM after this long ends it.
RESIGNAL_AFTER_S = 10


def _stop_together(server: Any, names: set[str]) -> None:
    """Ask supervisord to stop these components without waiting for each, then wait for all of them."""

    def live() -> dict[str, dict[str, Any]]:
        return {
            p["name"]: p
            for p in server.supervisor.getAllProcessInfo()
            if p["statename"] in _LIVE and p["name"] in names
        }

    for name in sorted(live()):
        try:
            server.supervisor.stopProcess(name, False)
        except xmlrpc.client.Fault as fault:
            if "NOT_RUNNING" not in fault.faultString:  # it ended by itself meanwhile
                raise
    started = time.monotonic()
    resignalled = False
    while remaining := live():
        waited = time.monotonic() - started
        if waited > STOP_WAIT_S + 10:  # supervisord SIGKILLs the group after STOP_WAIT_S
            raise RuntimeError(f"{', '.join(sorted(remaining))} still running {waited:.0f}s after stop")
        if waited > RESIGNAL_AFTER_S and not resignalled:
            for process in remaining.values():
                if process["statename"] == "STOPPING" and process["pid"]:
                    with contextlib.suppress(ProcessLookupError):  # the pid came from supervisord a moment ago
                        os.kill(int(process["pid"]), signal.SIGTERM)
            resignalled = True
        time.sleep(0.3)
