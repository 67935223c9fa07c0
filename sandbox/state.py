"""What the sandbox's partners share: the failure modes the control API sets (POST /_sandbox/<partner>/mode),
taken by the HTTPS routes and by the SFTP and S3 servers, and the uploads each partner recorded.

Below sandbox/server.py, which assembles the app: the route modules and the other protocols' servers import
this, and the server imports them.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import threading
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

STALL_AFTER_STORE = "stall_after_store"
STALL_S = 3600
_MODES_LOCK = threading.Lock()  # the S3 server takes modes from its own threads


@dataclass
class Mode:
    mode: str = "ok"
    status: int = 503
    times: int = 0  # 0 = until changed
    route: str = ""  # only this kind of request (e.g. "confirmacao"); empty: every request of the partner
    credential: str = ""  # only the requests of this credential; empty: every client of the partner


def take_mode(
    modes: MutableMapping[str, Mode], key: str, *, route: str = "", credential: str = "", after_store: bool = False
) -> Mode | None:
    """The failure mode set for `key` that applies to this request, counting down `times`; None when there is
    none, it is for another route or credential, or for the other moment of the request (`stall_after_store`
    applies once the upload is stored, every other mode before anything is read)."""
    with _MODES_LOCK:
        for slot in (mode_key(key, credential), key) if credential else (key,):
            mode = modes.get(slot)
            if mode is None or mode.mode == "ok" or (mode.route and mode.route != route):
                continue
            if (mode.credential and mode.credential != credential) or (mode.mode == STALL_AFTER_STORE) != after_store:
                continue
            if mode.times:
                mode.times -= 1
                if mode.times == 0:
                    modes.pop(slot, None)
            return mode
        return None


def mode_key(partner: str, credential: str) -> str:
    """Where a mode is kept: one per partner, and one per credential of it (tests of one partner in parallel)."""
    return f"{partner}/{credential}" if credential else partner


def bearer_token(request: web.Request) -> str:
    """The token of `Authorization: Bearer`, or ""."""
    auth = request.headers.get("Authorization", "")
    return auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""


def basic_pair(request: web.Request) -> tuple[str, str]:
    """The user and password of `Authorization: Basic`, or two "" when missing or malformed."""
    auth = request.headers.get("Authorization", "")
    if not auth.startswith("Basic "):
        return "", ""
    try:
        user, _, password = base64.b64decode(auth.removeprefix("Basic "), validate=True).decode().partition(":")
    except ValueError:  # binascii.Error and UnicodeDecodeError
        return "", ""
    return user, password


def credential_of(request: web.Request) -> str:
    """Who is calling, for modes limited to one credential: a Bearer token, an API key or a Basic user."""
    return bearer_token(request) or basic_pair(request)[0] or request.headers.get("X-Api-Key", "")


def clear_modes(modes: MutableMapping[str, Mode]) -> None:
    """Every mode of every partner and credential back to "ok" at once."""
    with _MODES_LOCK:
        modes.clear()


class Sandbox:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.modes: dict[str, Mode] = {}
        self.extra_sftp: Any = None  # sftp.ExtraServers, once the SFTP server listens
        self.protocols: dict[str, str] = {}

    def index(self, partner: str) -> Path:
        return self.data / "received" / partner / "index.jsonl"

    def received(self, partner: str) -> list[dict[str, Any]]:
        path = self.index(partner)
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    async def misbehave(self, partner: str, route: str = "", request: web.Request | None = None) -> web.Response | None:
        """Apply the partner's current failure mode, if any (counting down `times`); a mode set for one
        route (`"rota"`) or one credential (`"credencial"`) leaves the partner's other requests alone."""
        credential = credential_of(request) if request is not None else ""
        mode = take_mode(self.modes, partner, route=route, credential=credential)
        if mode is None:
            return None
        if mode.mode == "stall":
            await asyncio.sleep(STALL_S)
        if mode.mode == "garbage":
            return web.Response(status=200, text="<html>surpresa</html>", content_type="text/html")
        return web.json_response({"mensagem": "Serviço indisponível"}, status=mode.status)

    async def stored(self, partner: str, request: web.Request, route: str = "") -> None:
        """After an upload is stored and recorded: `stall_after_store` never answers (the partner has the
        file; the client does not know it)."""
        if take_mode(self.modes, partner, route=route, credential=credential_of(request), after_store=True):
            await asyncio.sleep(STALL_S)

    def record(self, partner: str, name: str, body: bytes, key: str) -> dict[str, Any]:
        if key in self.protocols:
            return {"protocolo": self.protocols[key], "duplicado": True}
        folder = self.data / "received" / partner
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
        protocol = str(len(self.received(partner)) + 8812)
        entry = {
            "name": name,
            "sha256": hashlib.sha256(body).hexdigest(),
            "size": len(body),
            "idempotency_key": key,
            "protocol": protocol,
            "received_at": time.time(),
        }
        with self.index(partner).open("a") as handle:
            handle.write(json.dumps(entry) + "\n")
        self.protocols[key] = protocol
        return {"protocolo": protocol}
