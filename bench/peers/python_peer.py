#!/usr/bin/python3
# Peer server for bench/serve-vs-peer.sh: the protocol subset of `xiaozhi serve` (OTA answer,
# hello, echo of a listen turn, v1 framing) on what the reference Python server is built on:
# Debian's python3-aiohttp for HTTP and python3-websockets for the device WebSocket.
# Usage: python_peer.py WS_PORT HTTP_PORT   (listens on 127.0.0.1; prints nothing per connection)
import asyncio
import json
import sys
import time
import uuid

import websockets
from aiohttp import web

FRAME_MS = 60
DOWNLINK = {"format": "opus", "sample_rate": 24000, "channels": 1, "frame_duration": FRAME_MS}


def ota_handler(ws_url):
    async def handle(request):
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            body = {}
        application = body.get("application") if isinstance(body, dict) else None
        version = "1.0.0"
        if isinstance(application, dict) and isinstance(application.get("version"), str):
            version = application["version"]
        return web.json_response({
            "server_time": {"timestamp": int(time.time() * 1000), "timezone_offset": 480},
            "firmware": {"version": version, "url": ""},
            "websocket": {"url": ws_url},
        })
    return handle


async def reply(ws, session_id, packets):
    seconds = len(packets) * FRAME_MS / 1000.0
    await ws.send(json.dumps({"type": "stt", "session_id": session_id,
                              "text": f"heard {seconds:.1f} s of audio in {len(packets)} frames"}))
    await ws.send(json.dumps({"type": "tts", "session_id": session_id, "state": "start"}))
    await ws.send(json.dumps({"type": "tts", "session_id": session_id,
                              "state": "sentence_start", "text": f"echo of {seconds:.1f} s"}))
    loop = asyncio.get_running_loop()
    start = loop.time()
    for index, packet in enumerate(packets):
        delay = start + index * FRAME_MS / 1000.0 - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await ws.send(packet)
    await ws.send(json.dumps({"type": "tts", "session_id": session_id, "state": "stop"}))


async def device_session(ws):
    if ws.path.split("?")[0].rstrip("/") != "/xiaozhi/v1":
        await ws.close(1008, "unknown path")
        return
    session_id = None
    heard = None  # packets of the turn in progress, None outside a turn
    speaking = None  # the reply task
    try:
        async for message in ws:
            if isinstance(message, bytes):
                if heard is not None and message:
                    heard.append(message)
                continue
            try:
                text = json.loads(message)
            except ValueError:
                continue
            if not isinstance(text, dict):
                continue
            kind = text.get("type")
            if kind == "hello":
                if session_id is None:
                    session_id = str(uuid.uuid4())
                await ws.send(json.dumps({"type": "hello", "version": 1, "transport": "websocket",
                                          "session_id": session_id, "audio_params": DOWNLINK}))
            elif kind == "listen" and text.get("state") == "start":
                heard = []
            elif kind == "listen" and text.get("state") == "stop" and heard is not None:
                packets, heard = heard, None
                if packets:
                    speaking = asyncio.create_task(reply(ws, session_id, packets))
            elif kind == "abort" and speaking is not None:
                speaking.cancel()
                await ws.send(json.dumps({"type": "tts", "session_id": session_id,
                                          "state": "stop"}))
    except websockets.ConnectionClosed:
        pass
    finally:
        if speaking is not None:
            speaking.cancel()


async def main(ws_port, http_port):
    app = web.Application()
    app.router.add_post("/xiaozhi/ota/", ota_handler(f"ws://127.0.0.1:{ws_port}/xiaozhi/v1/"))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", http_port, backlog=4096).start()
    async with websockets.serve(device_session, "127.0.0.1", ws_port, backlog=4096):
        await asyncio.Future()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python_peer.py WS_PORT HTTP_PORT")
    try:
        asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
    except KeyboardInterrupt:
        pass
