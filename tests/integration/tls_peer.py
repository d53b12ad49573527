#!/usr/bin/python3
# TLS peer for the client tests: bench/peers/python_peer.py's OTA answer, hello and echo, served
# over https:// and wss:// with a test certificate.
# Usage: tls_peer.py --cert FILE --key FILE [--plain-http] [--ws-host HOST] [--lifetime SECONDS]
# Listens on 127.0.0.1, on two ports the kernel picks, then prints one JSON line on standard
# output: {"http_port": N, "ws_port": M, "ota_url": "...", "ws_url": "..."}. The OTA answer hands
# out ws_url (wss://HOST:M/xiaozhi/v1/). Exits when standard input closes (the test ended) or
# after --lifetime seconds.
import argparse
import asyncio
import json
import os
import ssl
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench",
                                "peers"))
import peer_process  # noqa: E402  (the listening socket, the end with standard input)
import python_peer  # noqa: E402  (the OTA handler and the device session)

import websockets  # noqa: E402
from aiohttp import web  # noqa: E402




def server_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    context.set_alpn_protocols(["http/1.1"])
    return context


def quiet_handshake_failures(loop, context):
    # A client that refuses the certificate aborts the handshake: expected here, not news.
    if isinstance(context.get("exception"), (ssl.SSLError, ConnectionError)):
        return
    loop.default_exception_handler(context)


async def main(args):
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(quiet_handshake_failures)
    tls = server_context(args.cert, args.key)
    http_sock, ws_sock = peer_process.listening_socket(), peer_process.listening_socket()
    http_port, ws_port = http_sock.getsockname()[1], ws_sock.getsockname()[1]
    ws_url = f"wss://{args.ws_host}:{ws_port}/xiaozhi/v1/"
    http_scheme = "http" if args.plain_http else "https"
    app = web.Application()
    app.router.add_post("/xiaozhi/ota/", python_peer.ota_handler(ws_url))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, http_sock, ssl_context=None if args.plain_http else tls).start()
    async with websockets.serve(python_peer.device_session, sock=ws_sock, ssl=tls):
        print(json.dumps({"http_port": http_port, "ws_port": ws_port,
                          "ota_url": f"{http_scheme}://127.0.0.1:{http_port}/xiaozhi/ota/",
                          "ws_url": ws_url}), flush=True)
        await peer_process.until_stdin_closes(args.lifetime)
    await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="OTA, hello and echo over TLS, for tests")
    parser.add_argument("--cert", required=True, help="certificate chain (PEM), leaf first")
    parser.add_argument("--key", required=True, help="its private key (PEM)")
    parser.add_argument("--plain-http", action="store_true",
                        help="serve OTA over plain http:// (the WebSocket stays wss://)")
    parser.add_argument("--ws-host", default="127.0.0.1",
                        help="host of the wss:// URL the OTA answer hands out")
    parser.add_argument("--lifetime", type=float, default=60.0,
                        help="seconds after which the peer exits by itself")
    asyncio.run(main(parser.parse_args()))
