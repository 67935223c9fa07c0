"""The sandbox HTTPS server: partner endpoints that enforce our contracts, record what they receive, and
can be told to fail, stall or answer garbage.

    python -m sandbox --data DIR --port PORT

Control (loopback only, no auth): POST /_sandbox/<partner>/mode {"mode": "ok|fail|stall|garbage",
"status": 503, "times": 3}; GET /_sandbox/<partner>/received; GET /_sandbox/health.

Inbound partners (linx_wms, delage_wms, exact_wms, fisoft_wms, cosmos, proffer; see sandbox/inbound_routes.py
and sandbox/proffer.py for their own routes) offer files per credential (Bearer token, Basic user name or SFTP
user):
    GET  /_sandbox/<partner>/inbox?credencial=X       every file offered to X: [{id, nome, tamanho, sha256,
                                                      confirmado}]
    GET  /_sandbox/<partner>/inbox/<id>?credencial=X  a file's full bytes (even when served cut short)
    POST /_sandbox/<partner>/inbox       {"credencial", "nome", "conteudo_base64", "truncar_em"?} -> {"id", "nome"}
    POST /_sandbox/<partner>/inbox/ruim  {"credencial", "tipo", "tamanho"?} -> {"id", "nome"} (sandbox/bad_files.py)
    POST /_sandbox/cosmos/catalogo       {"credencial", "eans": [...]} -> {"id", "nome"}

BoaVista (sandbox/boavista.py) keeps the sales it receives per access key and answers reconciliation and
payments queries from them: GET /_sandbox/boavista/vendas?chave=X lists the stored sales of key X.
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

from sandbox import boavista, certs, inbound_routes, partners, proffer

SMARKET_HEADER = (
    "filial;cnpj_filial;data;cupom;item;ean;descricao;quantidade;preco_unitario;desconto;valor_total;codigo_promocao"
)
MAX_BODY = 512 * 1024 * 1024


@dataclass
class Mode:
    mode: str = "ok"
    status: int = 503
    times: int = 0  # 0 = until changed
    route: str = ""  # only this kind of request (e.g. "confirmacao"); empty: every request of the partner


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

    async def misbehave(self, partner: str, route: str = "") -> web.Response | None:
        """Apply the partner's current failure mode, if any (counting down `times`); a mode set for one
        route (`"rota"`) leaves the partner's other requests alone."""
        mode = self.modes.get(partner)
        if mode is None or mode.mode == "ok" or (mode.route and mode.route != route):
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
    if (refused := partners.credential_refused(request, bearer=True)) is not None:
        return refused
    if not request.headers.get("X-Cliente"):
        return _bad("cabeçalho X-Cliente ausente", 400)
    key, name = request.headers.get("Idempotency-Key", ""), request.headers.get("X-Arquivo", "")
    if not key or not name or "/" in name:
        return _bad("Idempotency-Key e X-Arquivo são obrigatórios", 400)
    if not request.content_type.startswith("text/csv"):
        return _bad("envie text/csv", 415)
    body = await request.read()
    first_line = body.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", errors="replace")
    if first_line != SMARKET_HEADER:
        return _bad(f"cabeçalho do arquivo fora do layout: {first_line[:80]}")
    answer = sandbox.record("smarket", name, body, key)
    return web.json_response(answer, status=200 if answer.get("duplicado") else 201)


async def smarket_ping(request: web.Request) -> web.Response:
    """Connection check: authenticates, receives nothing."""
    sandbox: Sandbox = request.app["sandbox"]
    if (failure := await sandbox.misbehave("smarket")) is not None:
        return failure
    return partners.credential_refused(request, bearer=True) or web.json_response({"status": "ok"})


async def set_mode(request: web.Request) -> web.Response:
    payload = await request.json()
    request.app["sandbox"].modes[request.match_info["partner"]] = Mode(
        str(payload.get("mode", "ok")),
        int(payload.get("status", 503)),
        int(payload.get("times", 0)),
        str(payload.get("rota", "")),
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
            web.get("/smarket/v1/ping", smarket_ping),
            *partners.ROUTES,
            *inbound_routes.ROUTES,
            *proffer.ROUTES,
            *boavista.ROUTES,
            web.post("/_sandbox/{partner}/mode", set_mode),
            web.get("/_sandbox/{partner}/received", received),
            web.get("/_sandbox/health", health),
        ]
    )
    return app


def main() -> None:
    from collections.abc import AsyncIterator

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    # The other partner protocols; a port left out (0) means that server is not started.
    parser.add_argument("--sftp-port", type=int, default=0)
    parser.add_argument("--s3-port", type=int, default=0)
    parser.add_argument("--smtp-port", type=int, default=0)
    args = parser.parse_args()
    cert, key, _ = certs.ensure(args.data)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    app = create_app(args.data)

    async def partner_protocols(app: web.Application) -> AsyncIterator[None]:
        # Imported here: `sandbox.sftp` imports this module, and moto is only loaded when S3 is asked for.
        from sandbox import s3, sftp, smtp

        servers: list[Any] = []
        if args.sftp_port:
            # The HTTP control API's modes dict is the SFTP server's too: POST /_sandbox/<user>/mode.
            sftp_server = sftp.SftpSandbox(args.data, app["sandbox"].modes)
            servers.append(await sftp_server.listen("127.0.0.1", args.sftp_port))
        if args.smtp_port:
            servers.append(await smtp.SmtpSink(args.data).listen("127.0.0.1", args.smtp_port))
        bucket = s3.S3Sandbox(args.data, port=args.s3_port) if args.s3_port else None
        if bucket is not None:
            await asyncio.to_thread(bucket.start)  # moto's WSGI server runs in a thread of its own
        yield
        for server in servers:
            server.close()
        if bucket is not None:
            await asyncio.to_thread(bucket.stop)

    app.cleanup_ctx.append(partner_protocols)
    web.run_app(app, host="127.0.0.1", port=args.port, ssl_context=context, print=None)
