#!/usr/bin/python3
# A fake of the management API's OTA endpoint (aiohttp) for the OTA pass-through tests: it records
# each request and answers what the real one answers for a device that still needs activation.
# Usage: fake_management_api.py --record FILE [--status S] [--not-json] [--delay SECONDS]
# Listens on 127.0.0.1 on a port the kernel picks, then prints {"port": N}. POST /xiaozhi/ota/ gets
# an answer with activation, firmware, server_time, a websocket section of its own
# (ws://10.9.8.7:8000/xiaozhi/v1/, token "upstream-token") and an unknown field; --status S
# answers S instead, --not-json answers 200 with a text body, --delay waits first. FILE gets one
# JSON line per request: {"method", "path_qs", "headers" (lower-case names), "body"}. Exits when
# standard input closes.
import argparse
import asyncio
import json

import peer_process

from aiohttp import web




ANSWER = {
    "server_time": {"timestamp": 1700000000000, "timeZone": "Asia/Shanghai",
                    "timezone_offset": 480},
    "activation": {"code": "123456", "message": "xiaozhi.me\n123456", "challenge": "abc-challenge"},
    "firmware": {"version": "1.9.0", "url": "http://192.0.2.10:8002/xiaozhi/otaMag/download/x"},
    "websocket": {"url": "ws://10.9.8.7:8000/xiaozhi/v1/", "token": "upstream-token"},
    "unknown_field": {"kept": True},
}


async def main(args):
    async def ota(request):
        body = await request.text()
        entry = {"method": request.method, "path_qs": request.path_qs,
                 "headers": {name.lower(): value for name, value in request.headers.items()},
                 "body": body}
        with open(args.record, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")
        if args.delay:
            await asyncio.sleep(args.delay)
        if args.status:
            return web.json_response({"error": "upstream says no"}, status=args.status)
        if args.not_json:
            return web.Response(text="<html>maintenance</html>", content_type="text/html")
        return web.json_response(ANSWER)

    app = web.Application()
    app.router.add_post("/xiaozhi/ota/", ota)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = peer_process.listening_socket()
    await web.SockSite(runner, sock).start()
    print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
    await peer_process.until_stdin_closes(args.lifetime)
    await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", required=True)
    parser.add_argument("--status", type=int, default=0)
    parser.add_argument("--not-json", action="store_true")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--lifetime", type=float, default=120.0)
    asyncio.run(main(parser.parse_args()))
