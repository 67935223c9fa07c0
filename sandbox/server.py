"""The sandbox HTTPS server: partner endpoints that enforce our contracts, record what they receive, and
can be told to fail, stall or answer garbage.

    python -m sandbox --data DIR --port PORT

Control (loopback only, no auth): POST /_sandbox/<partner>/mode {"mode": "ok|fail|stall|garbage|
stall_after_store", "status": 503, "times": 3, "rota": "confirmacao", "credencial": "token-x"}; GET the same
path (?credencial=) reads the mode still set ({"mode": "ok"} once a `times` mode is used up);
POST /_sandbox/modes/reset (every mode back to "ok"); GET /_sandbox/<partner>/received; GET /_sandbox/health;
POST /_sandbox/sftp/servidores and POST /_sandbox/sftp/servidores/<porta>/chave (another SFTP server with a key
of its own, and that key replaced: sandbox/sftp.py); any method on /_sandbox/redirecionar/...?para=URL answers
a redirect to URL. "stall" hangs a request before the partner reads or stores anything; "stall_after_store"
stores the upload completely (recorded, visible to the partner) and then never answers — the two sides of a
client that dies mid-delivery. "credencial" limits a mode to the requests of one credential (Bearer token, API
key, Basic user; the SFTP user; the S3 access key ID) and keeps it apart from the partner's other modes, so a
test never disturbs another integration of the type, nor another test of the same partner.

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
import ssl
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox import boavista, certs, inbound_routes, partners, proffer, twins
from sandbox.state import Mode, Sandbox, clear_modes, mode_key

MAX_BODY = 512 * 1024 * 1024


async def set_mode(request: web.Request) -> web.Response:
    payload = await request.json()
    credential = str(payload.get("credencial", ""))
    request.app["sandbox"].modes[mode_key(request.match_info["partner"], credential)] = Mode(
        str(payload.get("mode", "ok")),
        int(payload.get("status", 503)),
        int(payload.get("times", 0)),
        str(payload.get("rota", "")),
        credential,
    )
    return web.json_response({"ok": True})


async def redirect(request: web.Request) -> web.Response:
    """A partner's address that answers every request with a redirect to `?para=` (a client must not follow it
    to a host nobody checked)."""
    target = request.query.get("para", "")
    return web.Response(status=307, headers={"Location": target})


async def reset_modes(request: web.Request) -> web.Response:
    """Every mode of every partner and credential back to "ok" at once (a test's clean-up)."""
    clear_modes(request.app["sandbox"].modes)
    return web.json_response({"ok": True})


async def get_mode(request: web.Request) -> web.Response:
    """The mode still set (?credencial=: the one of that credential); a test waits for a `times` mode to be
    used up: its request has reached it."""
    key = mode_key(request.match_info["partner"], request.query.get("credencial", ""))
    mode = request.app["sandbox"].modes.get(key)
    if mode is None:
        return web.json_response({"mode": "ok"})
    fields = {"mode": mode.mode, "status": mode.status, "times": mode.times, "rota": mode.route}
    return web.json_response({**fields, "credencial": mode.credential})


async def received(request: web.Request) -> web.Response:
    return web.json_response(request.app["sandbox"].received(request.match_info["partner"]))


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(data: Path) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app["sandbox"] = Sandbox(data)
    app.add_routes(
        [
            *twins.ROUTES,
            *partners.ROUTES,
            *inbound_routes.ROUTES,
            *proffer.ROUTES,
            *boavista.ROUTES,
            web.post("/_sandbox/modes/reset", reset_modes),
            web.route("*", "/_sandbox/redirecionar/{rest:.*}", redirect),
            web.post("/_sandbox/{partner}/mode", set_mode),
            web.get("/_sandbox/{partner}/mode", get_mode),
            web.get("/_sandbox/{partner}/received", received),
            web.get("/_sandbox/health", health),
            web.post("/_sandbox/sftp/servidores", start_sftp_server),
            web.post("/_sandbox/sftp/servidores/{porta}/chave", replace_sftp_key),
        ]
    )
    return app


async def start_sftp_server(request: web.Request) -> web.Response:
    """Another SFTP server on a free port, with a key of its own (sandbox/sftp.py, ExtraServers)."""
    return web.json_response(await request.app["sandbox"].extra_sftp.start())


async def replace_sftp_key(request: web.Request) -> web.Response:
    servers = request.app["sandbox"].extra_sftp
    port = int(request.match_info["porta"]) if request.match_info["porta"].isdigit() else 0
    if port not in servers.servers:
        return web.json_response({"erro": "servidor desconhecido"}, status=404)
    return web.json_response(servers.replace_key(port))


def main() -> None:
    from collections.abc import AsyncIterator

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    # Loopback on one machine; every address in a container, where the partners' clients are other containers.
    parser.add_argument("--host", default="127.0.0.1")
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
        # Imported here: the SFTP and SMTP servers' libraries are loaded by the sandbox process only.
        from sandbox import s3, sftp, smtp

        servers: list[Any] = []
        if args.sftp_port:
            # The HTTP control API's modes dict is the SFTP server's too: POST /_sandbox/<user>/mode.
            sftp_server = sftp.SftpSandbox(args.data, app["sandbox"].modes)
            servers.append(await sftp_server.listen(args.host, args.sftp_port))
            app["sandbox"].extra_sftp = sftp.ExtraServers(sftp_server)
            servers.append(app["sandbox"].extra_sftp)
        if args.smtp_port:
            servers.append(await smtp.SmtpSink(args.data).listen(args.host, args.smtp_port))
        # The S3 server takes its modes from the same dict: POST /_sandbox/<bucket's partner>/mode.
        bucket = s3.S3Sandbox(args.data, port=args.s3_port, modes=app["sandbox"].modes) if args.s3_port else None
        if bucket is not None:
            await asyncio.to_thread(bucket.start)  # moto's WSGI server runs in a thread of its own
        yield
        for server in servers:
            server.close()
        if bucket is not None:
            await asyncio.to_thread(bucket.stop)

    app.cleanup_ctx.append(partner_protocols)
    web.run_app(app, host=args.host, port=args.port, ssl_context=context, print=None)
