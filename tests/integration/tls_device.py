#!/usr/bin/python3
# A device over TLS for the serve tests: OTA over https://, then hello and one listen turn over
# the wss:// URL the answer hands out, with Python's ssl trusting the test CA.
# Usage: tls_device.py --ota URL --ca FILE [--server-name NAME] [--hold-until FILE]
#                      [--connect-only]
# Prints one JSON line: {"ota": <answer>, "websocket_url": ..., "hello": <server hello>,
# "turn_texts": [...], "turn_audio": N, "fingerprint": <sha256 hex of the WebSocket peer's
# certificate>, "ota_fingerprint": ..., "error": "..." on failure}. With --hold-until it says
# hello, prints {"held": true, ...} and waits until FILE exists before the turn. With
# --connect-only it only completes the TLS handshake on the OTA URL's port and prints the
# certificate's fingerprint. Every step is bounded in time; exit status 0 when it all worked.
import argparse
import asyncio
import hashlib
import json
import os
import ssl
import sys
import urllib.parse

import websockets

DEVICE_ID = "aa:bb:cc:00:00:71"
CLIENT_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3371"
HELLO = {"type": "hello", "version": 1, "transport": "websocket",
         "audio_params": {"format": "opus", "sample_rate": 16000, "channels": 1,
                          "frame_duration": 60}}
# An Opus packet (a silent 20 ms CELT frame) the echo server hands back as it is.
OPUS_SILENCE = bytes([0xF8, 0xFF, 0xFE])


def fingerprint(der):
    return hashlib.sha256(der).hexdigest().upper()


async def https_post(url, context, server_name, body):
    parts = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(parts.hostname, parts.port or 443, ssl=context,
                                server_hostname=server_name or parts.hostname), 10)
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    payload = json.dumps(body).encode()
    request = (f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
               f"Device-Id: {DEVICE_ID}\r\nClient-Id: {CLIENT_ID}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
               f"Connection: close\r\n\r\n").encode() + payload
    writer.write(request)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body_bytes = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    return status, json.loads(body_bytes or b"null"), fingerprint(der)


async def handshake_only(url, context, server_name):
    parts = urllib.parse.urlsplit(url)
    _, writer = await asyncio.wait_for(
        asyncio.open_connection(parts.hostname, parts.port or 443, ssl=context,
                                server_hostname=server_name or parts.hostname), 10)
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    writer.close()
    return fingerprint(der)


async def turn(ws):
    await ws.send(json.dumps({"type": "listen", "state": "start", "mode": "manual"}))
    for _ in range(5):
        await ws.send(OPUS_SILENCE)
        await asyncio.sleep(0.06)
    await ws.send(json.dumps({"type": "listen", "state": "stop"}))
    texts, audio = [], 0
    while True:
        message = await asyncio.wait_for(ws.recv(), 10)
        if isinstance(message, bytes):
            audio += 1
            continue
        texts.append(json.loads(message))
        if texts[-1].get("type") == "tts" and texts[-1].get("state") == "stop":
            return texts, audio


async def run(args):
    context = ssl.create_default_context(cafile=args.ca)
    result = {}
    if args.connect_only:
        result["fingerprint"] = await handshake_only(args.ota, context, args.server_name)
        return result
    body = {"application": {"version": "1.0.0"}, "board": {"type": "bread"}}
    if args.pad:
        body["padding"] = "x" * args.pad
    status, answer, ota_fingerprint = await https_post(args.ota, context, args.server_name, body)
    result.update(ota_status=status, ota=answer, ota_fingerprint=ota_fingerprint)
    url = answer["websocket"]["url"]
    result["websocket_url"] = url
    headers = {"Device-Id": DEVICE_ID, "Client-Id": CLIENT_ID, "Protocol-Version": "1"}
    token = answer["websocket"].get("token")
    if token:
        headers["Authorization"] = "Bearer " + token
    async with websockets.connect(url, ssl=context, extra_headers=headers, open_timeout=10,
                                  server_hostname=args.server_name) as ws:
        result["fingerprint"] = fingerprint(
            ws.transport.get_extra_info("ssl_object").getpeercert(binary_form=True))
        await ws.send(json.dumps(HELLO))
        result["hello"] = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if args.hold_until:
            print(json.dumps({"held": True, "fingerprint": result["fingerprint"]}), flush=True)
            for _ in range(600):
                if os.path.exists(args.hold_until):
                    break
                await asyncio.sleep(0.1)
        result["turn_texts"], result["turn_audio"] = await turn(ws)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ota", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--server-name")
    parser.add_argument("--hold-until")
    parser.add_argument("--connect-only", action="store_true")
    parser.add_argument("--pad", type=int, default=0, help="bytes of padding in the OTA body")
    args = parser.parse_args()
    try:
        result = asyncio.run(asyncio.wait_for(run(args), 90))
    except Exception as error:  # reported to the test as data, never a trace
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}), flush=True)
        return 1
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
