"""The sandbox HTTPS server: partner endpoints that enforce our contracts, record what they receive, and
can be told to fail, stall or answer garbage.

    python -m sandbox --data DIR --port PORT

Control (loopback only, no auth): POST /_sandbox/<partner>/mode {"mode": "ok|fail|stall|garbage",
"status": 503, "times": 3}; GET /_sandbox/<partner>/received; GET /_sandbox/health.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox import certs

SMARKET_HEADER = (
    "filial;cnpj_filial;data;cupom;item;ean;descricao;quantidade;preco_unitario;desconto;valor_total;codigo_promocao"
)
MAX_BODY = 512 * 1024 * 1024


@dataclass
class Mode:
    mode: str = "ok"
    status: int = 503
    times: int = 0  # 0 = until changed


class Sandbox:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.modes: dict[str, Mode] = {}
        self.protocols: dict[str, str] = {}

    def index(self, partner: str) -> Path:
        return self.data / "received" / partner / "index.jsonl"

    def received(self, partner: str) -> list[dict[str, Any]]:
        path = self.index(partner)
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    async def misbehave(self, partner: str) -> web.Response | None:
        """Apply the partner's current failure mode, if any (counting down `times`)."""
        mode = self.modes.get(partner)
        if mode is None or mode.mode == "ok":
            return None
        if mode.times:
            mode.times -= 1
            if mode.times == 0:
                self.modes.pop(partner)
        if mode.mode == "stall":
            await asyncio.sleep(3600)
        if mode.mode == "garbage":
            return web.Response(status=200, text="<html>surpresa</html>", content_type="text/html")
        return web.json_response({"mensagem": "Serviço indisponível"}, status=mode.status)

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


def _bad(message: str, status: int = 422) -> web.Response:
    return web.json_response({"mensagem": message}, status=status)


async def smarket_sellout(request: web.Request) -> web.Response:
    sandbox: Sandbox = request.app["sandbox"]
    if (failure := await sandbox.misbehave("smarket")) is not None:
        return failure
    auth = request.headers.get("Authorization", "")
    if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ").strip() in ("", "recusado"):
        return _bad("token inválido", 401)
    if not request.headers.get("X-Cliente"):
        return _bad("cabeçalho X-Cliente ausente", 400)
    key, name = request.headers.get("Idempotency-Key", ""), request.headers.get("X-Arquivo", "")
    if not key or not name or "/" in name:
        return _bad("Idempotency-Key e X-Arquivo são obrigatórios", 400)
    if not request.content_type.startswith("text/csv"):
        return _bad("envie text/csv", 415)
    body = await request.read()
    first_line = body.split(b"\r\n", 1)[0].decode("utf-8", errors="replace")
    if first_line != SMARKET_HEADER:
        return _bad(f"cabeçalho do arquivo fora do layout: {first_line[:80]}")
    answer = sandbox.record("smarket", name, body, key)
    return web.json_response(answer, status=200 if answer.get("duplicado") else 201)


async def set_mode(request: web.Request) -> web.Response:
    payload = await request.json()
    request.app["sandbox"].modes[request.match_info["partner"]] = Mode(
        str(payload.get("mode", "ok")), int(payload.get("status", 503)), int(payload.get("times", 0))
    )
    return web.json_response({"ok": True})


async def received(request: web.Request) -> web.Response:
    return web.json_response(request.app["sandbox"].received(request.match_info["partner"]))


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(data: Path) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app["sandbox"] = Sandbox(data)
    app.add_routes(
        [
            web.post("/smarket/v1/sellout", smarket_sellout),
            web.post("/_sandbox/{partner}/mode", set_mode),
            web.get("/_sandbox/{partner}/received", received),
            web.get("/_sandbox/health", health),
        ]
    )
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    cert, key, _ = certs.ensure(args.data)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    web.run_app(create_app(args.data), host="127.0.0.1", port=args.port, ssl_context=context, print=None)
