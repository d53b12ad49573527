#!/usr/bin/python3
# An upstream conversation server for the relay tests, on the reference's own stack (websockets):
# it records what each connection's upgrade carried, answers hello as the reference does and
# echoes every other message unchanged; a plain GET gets 200 "Server is running".
# Usage: relay_upstream.py --record FILE [--session-prefix TEXT] [--close-after N --close-code C]
#                          [--refuse-status S] [--flood N [--flood-size B]] [--lifetime SECONDS]
# Listens on 127.0.0.1 on a port the kernel picks, then prints {"port": N} on standard output.
# FILE gets one JSON line per connection: {"path": ..., "headers": {lower-case name: value}}.
# --close-after N closes each session with code C (reason "upstream says bye") after N messages
# it received. --refuse-status S answers every upgrade with HTTP status S. --flood N sends N
# binary messages of B bytes (4096) right after the hello answer (a device that does not read them
# fills serve's send queue). Exits when standard
# input closes (the test ended) or after --lifetime seconds.
import argparse
import asyncio
import http
import json

import peer_process

import websockets




async def main(args):
    connections = 0

    def record(path, headers):
        entry = {"path": path, "headers": {name.lower(): value for name, value in headers.raw_items()}}
        with open(args.record, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")

    async def process_request(path, headers):
        if headers.get("Upgrade", "").lower() != "websocket":
            return http.HTTPStatus.OK, [], b"Server is running\n"
        record(path, headers)
        if args.refuse_status:
            return http.HTTPStatus(args.refuse_status), [], b"refused\n"
        return None

    async def session(websocket, path):
        nonlocal connections
        connections += 1
        session_id = f"{args.session_prefix}-{connections}"
        received = 0
        async for message in websocket:
            received += 1
            if isinstance(message, str):
                try:
                    parsed = json.loads(message)
                except ValueError:
                    parsed = {}
                if isinstance(parsed, dict) and parsed.get("type") == "hello":
                    await websocket.send(json.dumps({
                        "type": "hello", "version": 1, "transport": "websocket",
                        "session_id": session_id,
                        "audio_params": {"format": "opus", "sample_rate": 24000, "channels": 1,
                                         "frame_duration": 60}}))
                    for _ in range(args.flood):
                        await websocket.send(bytes(args.flood_size))
                else:
                    await websocket.send(message)
            else:
                await websocket.send(message)
            if args.close_after and received >= args.close_after:
                await websocket.close(args.close_code, "upstream says bye")
                return

    sock = peer_process.listening_socket()
    async with websockets.serve(session, sock=sock, process_request=process_request,
                                max_size=1 << 20, ping_interval=None):
        print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
        await peer_process.until_stdin_closes(args.lifetime)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", required=True)
    parser.add_argument("--session-prefix", default="py")
    parser.add_argument("--close-after", type=int, default=0)
    parser.add_argument("--close-code", type=int, default=4000)
    parser.add_argument("--refuse-status", type=int, default=0)
    parser.add_argument("--flood", type=int, default=0)
    parser.add_argument("--flood-size", type=int, default=4096)
    parser.add_argument("--lifetime", type=float, default=120.0)
    asyncio.run(main(parser.parse_args()))
