#!/usr/bin/python3
"""Soak load and attack clients for `xiaozhi serve` (bench/soak.sh), one asyncio loop.

Every task loops at a low, fixed rate until --duration ends, then the script writes a JSON
report of outcome counts per task (--report) and a summary on standard output. Tasks:

  ota          OTA POSTs (firmware headers and body, a fresh device each time), every 10th
               also downloads the firmware image the answer offers; GET /metrics now and then
  opus_flood   hello, listen start (manual), then 64 KiB binary frames whose Opus TOC byte says
               one 2.5 ms CELT frame (config 16: 0x80), as fast as the server reads them
  bad_hello    hello with audio_params.frame_duration 0 or -60 (and other bad values)
  nested_ws    after hello, a text message nested 10,000 levels deep (arrays or objects)
  nested_admin PUT /xiaozhi/admin/remote with nested TOML (toml_dotted: a.a.a...=1, 10,000
               levels; toml_inline_table, toml_array) and nested JSON (json_object), If-Match "*"
  slowloris    TCP connections held open on both ports: silent ones and ones trickling a
               partial request head, each held by us at most --hold seconds
  traversal    GET of firmware download names that try to leave the folder

Only the standard library and python3-websockets are used; HTTP is written by hand so that
traversal paths reach the server exactly as written.
"""
import argparse
import asyncio
import json
import random
import sys
import time
import urllib.parse

import websockets

NEST = 10_000
TOC_2_5_MS = 0x80  # Opus TOC: config 16 (CELT-only, narrowband, 2.5 ms), mono, code 0 (1 frame)
FRAME_BYTES = 64 * 1024


class Stats:
    def __init__(self):
        self.counts = {}
        self.values = {}

    def count(self, task, outcome, n=1):
        self.counts.setdefault(task, {})
        self.counts[task][outcome] = self.counts[task].get(outcome, 0) + n

    def value(self, task, name, v):
        self.values.setdefault(task, {}).setdefault(name, []).append(v)

    def report(self):
        out = {}
        for task in sorted(set(self.counts) | set(self.values)):
            entry = {"outcomes": dict(sorted(self.counts.get(task, {}).items()))}
            for name, vs in self.values.get(task, {}).items():
                vs = sorted(vs)
                entry[name] = {
                    "count": len(vs),
                    "min": round(vs[0], 3),
                    "p50": round(vs[len(vs) // 2], 3),
                    "p99": round(vs[min(len(vs) - 1, int(len(vs) * 0.99))], 3),
                    "max": round(vs[-1], 3),
                }
            out[task] = entry
        return out


def device_ids(rng):
    mac = ":".join(f"{rng.randrange(256):02x}" for _ in range(6))
    uuid = "%08x-%04x-4%03x-8%03x-%012x" % (
        rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(12),
        rng.getrandbits(48))
    return mac, uuid


async def http_request(host, port, method, path, headers=None, body=b"", timeout=10.0):
    """One request on a fresh connection (Connection: close); (status, headers, body)."""
    async def run():
        reader, writer = await asyncio.open_connection(host, port)
        try:
            head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
            for k, v in (headers or {}).items():
                head.append(f"{k}: {v}")
            if body or method in ("POST", "PUT"):
                head.append(f"Content-Length: {len(body)}")
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            await writer.drain()
            data = await reader.read()
        finally:
            writer.close()
        head_bytes, _, rest = data.partition(b"\r\n\r\n")
        lines = head_bytes.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
        hdrs = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        return status, hdrs, rest
    return await asyncio.wait_for(run(), timeout)


class Soak:
    def __init__(self, args):
        self.args = args
        self.stats = Stats()
        self.deadline = time.monotonic() + args.duration
        self.rng = random.Random(args.seed)
        ws = urllib.parse.urlparse(args.ws)
        self.ws_host, self.ws_port = ws.hostname, ws.port
        self.http_host, self.http_port = args.http_host, args.http_port
        self.secret_marker = args.secret_marker.encode() if args.secret_marker else None

    def left(self):
        return self.deadline - time.monotonic()

    async def every(self, period, body, jitter=0.2):
        """Runs body() every period seconds (+-jitter) until the deadline; errors counted."""
        task = body.__name__
        await asyncio.sleep(self.rng.uniform(0, min(period, 5)))
        while self.left() > 0:
            start = time.monotonic()
            try:
                await asyncio.wait_for(body(), max(5.0, period * 4))
            except asyncio.TimeoutError:
                self.stats.count(task, "client_timeout")
            except (ConnectionError, OSError) as e:
                self.stats.count(task, f"connect_error:{type(e).__name__}")
            except websockets.exceptions.InvalidStatusCode as e:
                self.stats.count(task, f"upgrade_status:{e.status_code}")
            except websockets.exceptions.WebSocketException as e:
                self.stats.count(task, f"ws_error:{type(e).__name__}")
            except Exception as e:  # noqa: BLE001 - a soak client keeps going
                self.stats.count(task, f"client_exception:{type(e).__name__}")
            wait = period * self.rng.uniform(1 - jitter, 1 + jitter) - (time.monotonic() - start)
            await asyncio.sleep(max(0.0, min(wait, self.left())))

    # A WebSocket session with the firmware's headers, after the server's hello (or None and
    # the close seen instead).
    async def session(self, audio_params=None):
        mac, uuid = device_ids(self.rng)
        ws = await websockets.connect(
            self.args.ws, open_timeout=10, close_timeout=3, max_size=None, ping_interval=None,
            extra_headers={"Device-Id": mac, "Client-Id": uuid, "Protocol-Version": "1",
                           "Authorization": "Bearer soak"})
        hello = {"type": "hello", "version": 1, "transport": "websocket",
                 "audio_params": audio_params or {"format": "opus", "sample_rate": 16000,
                                                  "channels": 1, "frame_duration": 60}}
        await ws.send(json.dumps(hello))
        try:
            while True:
                message = await asyncio.wait_for(ws.recv(), 10)
                if isinstance(message, str) and json.loads(message).get("type") == "hello":
                    return ws, None
        except websockets.exceptions.ConnectionClosed as e:
            return ws, e

    @staticmethod
    def close_text(e):
        rcvd = getattr(e, "rcvd", None)
        if rcvd is None:
            return "closed_no_close_frame"
        return f"closed_{rcvd.code}:{rcvd.reason[:40]}"

    # ---- ota -------------------------------------------------------------------------------
    async def ota(self):
        mac, uuid = device_ids(self.rng)
        body = json.dumps({
            "version": 2, "flash_size": 16777216, "mac_address": mac, "uuid": uuid,
            "chip_model_name": "esp32s3",
            "application": {"name": "xiaozhi", "version": "1.0.0"},
            "board": {"type": "bread-compact-wifi", "name": "bread-compact-wifi"}}).encode()
        start = time.monotonic()
        status, _, answer = await http_request(
            self.http_host, self.http_port, "POST", "/xiaozhi/ota/",
            {"Device-Id": mac, "Client-Id": uuid, "Content-Type": "application/json",
             "User-Agent": "bread-compact-wifi/1.0.0", "Accept-Language": "zh-CN"}, body)
        self.stats.value("ota", "latency_ms", (time.monotonic() - start) * 1000)
        self.stats.count("ota", f"post_{status}")
        self.ota_n = getattr(self, "ota_n", 0) + 1
        if status == 200 and self.ota_n % 10 == 0:
            url = json.loads(answer).get("firmware", {}).get("url", "")
            if url:
                path = urllib.parse.urlparse(url).path
                status, hdrs, data = await http_request(self.http_host, self.http_port, "GET",
                                                        path, timeout=30)
                ok = status == 200 and str(len(data)) == hdrs.get("content-length")
                self.stats.count("ota", f"download_{status}" + ("" if ok or status != 200
                                                                else "_short"))
            else:
                self.stats.count("ota", "no_firmware_offered")
        if self.ota_n % 50 == 0:
            status, _, _ = await http_request(self.http_host, self.http_port, "GET", "/metrics")
            self.stats.count("ota", f"metrics_{status}")

    # ---- opus_flood ------------------------------------------------------------------------
    async def opus_flood(self):
        ws, closed = await self.session()
        if closed:
            self.stats.count("opus_flood", "hello_refused:" + self.close_text(closed))
            return
        frame = bytes([TOC_2_5_MS]) + self.rng.randbytes(FRAME_BYTES - 1)
        sent = 0
        outcome = None
        try:
            await ws.send(json.dumps({"type": "listen", "state": "start", "mode": "manual"}))
            start = time.monotonic()
            while sent < self.args.flood_frames and time.monotonic() - start < 20:
                await ws.send(frame)
                sent += 1
            self.stats.value("opus_flood", "send_seconds", time.monotonic() - start)
            await ws.send(json.dumps({"type": "listen", "state": "stop"}))
            # What comes back: the server's reply to a flood of "2.5 ms" frames.
            down_frames = down_bytes = 0
            end = time.monotonic() + 8
            try:
                while time.monotonic() < end:
                    message = await asyncio.wait_for(ws.recv(), end - time.monotonic())
                    if isinstance(message, bytes):
                        down_frames += 1
                        down_bytes += len(message)
                    elif json.loads(message).get("state") == "stop":
                        break
            except asyncio.TimeoutError:
                pass
            self.stats.value("opus_flood", "echoed_frames", down_frames)
            self.stats.value("opus_flood", "echoed_kib", down_bytes / 1024)
            outcome = "session_survived"
        except websockets.exceptions.ConnectionClosed as e:
            outcome = self.close_text(e)
        finally:
            self.stats.value("opus_flood", "frames_sent", sent)
            await ws.close()
        self.stats.count("opus_flood", outcome)

    # ---- bad_hello -------------------------------------------------------------------------
    async def bad_hello(self):
        self.bad_n = getattr(self, "bad_n", 0) + 1
        value = [0, -60, 0, -60, 2.5, 1e12][self.bad_n % 6]
        ws, closed = await self.session({"format": "opus", "sample_rate": 16000, "channels": 1,
                                         "frame_duration": value})
        tag = f"frame_duration={value:g}"
        if closed:
            self.stats.count("bad_hello", f"{tag} refused:" + self.close_text(closed))
        else:
            self.stats.count("bad_hello", f"{tag} accepted(hello answered)")
        await ws.close()

    # ---- nested_ws ---------------------------------------------------------------------------
    async def nested_ws(self):
        self.nest_n = getattr(self, "nest_n", 0) + 1
        kind = ["array", "object"][self.nest_n % 2]
        text = "[" * NEST + "]" * NEST if kind == "array" else '{"a":' * NEST + "1" + "}" * NEST
        ws, closed = await self.session()
        if closed:
            self.stats.count("nested_ws", "hello_refused:" + self.close_text(closed))
            return
        try:
            await ws.send(text)
            # Still serving? A listen start and stop with no audio must leave the session open.
            await ws.send(json.dumps({"type": "listen", "state": "detect", "text": "hi"}))
            await asyncio.wait_for(ws.recv(), 1.5)
            self.stats.count("nested_ws", f"{kind}: session_survived(answered)")
        except asyncio.TimeoutError:
            self.stats.count("nested_ws", f"{kind}: session_survived")
        except websockets.exceptions.ConnectionClosed as e:
            self.stats.count("nested_ws", f"{kind}: " + self.close_text(e))
        finally:
            await ws.close()

    # ---- nested_admin ----------------------------------------------------------------------
    async def nested_admin(self):
        self.admin_n = getattr(self, "admin_n", 0) + 1
        kinds = self.args.admin_kinds.split(",")
        kind = kinds[self.admin_n % len(kinds)]
        if kind == "toml_dotted":
            body, ctype = "a." * (NEST - 1) + "a = 1\n", "application/toml"
        elif kind == "toml_inline_table":
            body, ctype = "x = " + "{a = " * NEST + "1" + "}" * NEST + "\n", "application/toml"
        elif kind == "toml_array":
            body, ctype = "x = " + "[" * NEST + "1" + "]" * NEST + "\n", "application/toml"
        else:
            body, ctype = '{"a":' * NEST + "1" + "}" * NEST, "application/json"
        status, _, answer = await http_request(
            self.http_host, self.http_port, "PUT", "/xiaozhi/admin/remote",
            {"Authorization": f"Bearer {self.args.admin_token}", "Content-Type": ctype,
             "If-Match": "*", "X-Xiaozhi-Author": "soak", "X-Xiaozhi-Message": kind},
            body.encode(), timeout=20)
        self.stats.count("nested_admin", f"{kind}: " + (str(status) if status else
                                                         "no answer (connection closed)"))
        if status == 200:  # accepted: put an empty layer back so the next one starts clean
            await http_request(self.http_host, self.http_port, "PUT", "/xiaozhi/admin/remote",
                               {"Authorization": f"Bearer {self.args.admin_token}",
                                "Content-Type": "application/json", "If-Match": "*"}, b"{}")

    # ---- slowloris -------------------------------------------------------------------------
    async def slowloris_one(self, slot):
        port = [self.http_port, self.ws_port][slot % 2]
        trickle = slot % 4 >= 2
        where = f"{'http' if port == self.http_port else 'ws'}_port"
        kind = f"{where}_{'partial_head' if trickle else 'silent'}"
        while self.left() > 0:
            try:
                reader, writer = await asyncio.open_connection(self.http_host, port)
            except OSError as e:
                self.stats.count("slowloris", f"{kind}: connect_error:{type(e).__name__}")
                await asyncio.sleep(5)
                continue
            start = time.monotonic()
            hold = min(self.args.hold, self.left())
            closed_by_server = False
            try:
                if trickle:
                    path = "/xiaozhi/v1/" if port == self.ws_port else "/xiaozhi/ota/"
                    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n".encode())
                    await writer.drain()
                end = start + hold
                while time.monotonic() < end:
                    try:
                        data = await asyncio.wait_for(reader.read(4096),
                                                      min(5, end - time.monotonic()))
                        if not data:
                            closed_by_server = True
                            break
                    except asyncio.TimeoutError:
                        if trickle:  # one more header line, never the end of the head
                            writer.write(f"X-Slow-{int(time.monotonic())}: 1\r\n".encode())
                            await writer.drain()
            except (ConnectionError, OSError):
                closed_by_server = True
            held = time.monotonic() - start
            writer.close()
            if closed_by_server:
                self.stats.count("slowloris", f"{kind}: closed_by_server")
                self.stats.value("slowloris", f"{kind}_server_closed_after_s", held)
            elif hold < self.args.hold:
                self.stats.count("slowloris", f"{kind}: open_at_end_of_run")
            else:
                self.stats.count("slowloris", f"{kind}: held_to_our_limit")
            await asyncio.sleep(1)

    # ---- traversal -------------------------------------------------------------------------
    TRAVERSALS = [
        "../../secret.txt", "..%2F..%2Fsecret.txt", "%2e%2e/%2e%2e/secret.txt",
        "%2E%2E%2F%2E%2E%2Fsecret.txt", "..\\..\\secret.txt", "....//....//secret.txt",
        "/etc/passwd", "%2Fetc%2Fpasswd", "..%00/secret.txt", "evil_9.9.9.bin",
        "..", ".", "%2e%2e",
    ]

    async def traversal(self):
        self.trav_n = getattr(self, "trav_n", 0) + 1
        name = self.TRAVERSALS[self.trav_n % len(self.TRAVERSALS)]
        status, _, data = await http_request(self.http_host, self.http_port, "GET",
                                             "/xiaozhi/ota/download/" + name)
        leaked = (self.secret_marker and self.secret_marker in data) or b"root:x:0:0" in data
        self.stats.count("traversal", f"{name}: {status}" + (" LEAKED" if leaked else ""))

    async def run(self):
        tasks = set(self.args.tasks.split(","))
        jobs = []
        if "ota" in tasks:
            jobs.append(self.every(1 / self.args.ota_rate, self.ota))
        if "opus_flood" in tasks:
            jobs.append(self.every(30, self.opus_flood))
        if "bad_hello" in tasks:
            jobs.append(self.every(10, self.bad_hello))
        if "nested_ws" in tasks:
            jobs.append(self.every(15, self.nested_ws))
        if "nested_admin" in tasks:
            jobs.append(self.every(30, self.nested_admin))
        if "slowloris" in tasks:
            jobs.extend(self.slowloris_one(slot) for slot in range(self.args.slowloris))
        if "traversal" in tasks:
            jobs.append(self.every(5, self.traversal))
        await asyncio.gather(*jobs)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ws", required=True, help="WebSocket URL, ws://127.0.0.1:PORT/xiaozhi/v1/")
    p.add_argument("--http-host", default="127.0.0.1")
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--admin-token", default="")
    p.add_argument("--duration", type=float, required=True, help="seconds")
    p.add_argument("--tasks", default="ota,opus_flood,bad_hello,nested_ws,nested_admin,"
                                      "slowloris,traversal")
    p.add_argument("--ota-rate", type=float, default=5.0, help="OTA requests per second")
    p.add_argument("--flood-frames", type=int, default=64,
                   help="64 KiB frames per opus_flood turn")
    p.add_argument("--admin-kinds", default="toml_dotted,toml_inline_table,toml_array,json_object",
                   help="nested_admin bodies, in turn")
    p.add_argument("--slowloris", type=int, default=8, help="connections held at a time")
    p.add_argument("--hold", type=float, default=90.0, help="longest we hold one, seconds")
    p.add_argument("--secret-marker", default="", help="text of the file outside the folder")
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--report", help="JSON report file")
    args = p.parse_args()
    soak = Soak(args)
    try:
        asyncio.run(soak.run())
    except KeyboardInterrupt:
        pass
    report = soak.stats.report()
    if args.report:
        with open(args.report, "w") as f:
            json.dump(report, f, indent=1, sort_keys=True)
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
