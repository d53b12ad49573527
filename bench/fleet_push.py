#!/usr/bin/python3
"""Benchmark: time from a push through one fleet instance to every instance answering OTA with
the new address (N instances of `xiaozhi serve` on one etcd member, all on 127.0.0.1).

For each N (default 3 and 10) it starts a fresh etcd member and N instances, then pushes
--pushes changes through instance 0, alternating server.advertise_host between "localhost"
and "127.0.0.1", with X-Xiaozhi-Wait: 0 (the answer comes right after etcd's commit, not
after the instances report). One poller thread per instance asks its OTA endpoint every
2 ms; a push's convergence time is from sending the PUT until the last instance's answer
carries the new host. Reports p50 and max of the convergence time, and the PUT's own answer
time, per N. Everything stops by itself; exit 1 when a push did not converge in 10 s.
"""
import argparse
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TOKEN = "bench-admin-token"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, headers=None, body=None, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


OTA_HEADERS = {"Device-Id": "aa:bb:cc:dd:ee:01", "Client-Id": "bench",
               "Content-Type": "application/json"}
OTA_BODY = b'{"application":{"version":"1.0.0"}}'


def ota_host(connection):
    """The host of the WebSocket URL an OTA answer hands out, over a kept-alive connection
    (a fresh connection per poll would fill the host with TIME_WAIT sockets, which every
    instance's host probe then reads)."""
    connection.request("POST", "/xiaozhi/ota/", body=OTA_BODY, headers=OTA_HEADERS)
    answer = connection.getresponse()
    body = answer.read()
    if answer.status != 200:
        return None
    url = json.loads(body)["websocket"]["url"]
    return url.split("//", 1)[1].rsplit(":", 1)[0]


def wait_until(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit("timed out waiting for " + what)


class Etcd:
    def __init__(self, work):
        self.port = free_port()
        peer = free_port()
        self.process = subprocess.Popen(
            ["etcd", "--name", "bench", "--data-dir", os.path.join(work, "etcd"),
             "--listen-client-urls", f"http://127.0.0.1:{self.port}",
             "--advertise-client-urls", f"http://127.0.0.1:{self.port}",
             "--listen-peer-urls", f"http://127.0.0.1:{peer}",
             "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
             "--initial-cluster", f"bench=http://127.0.0.1:{peer}",
             "--logger", "zap", "--log-outputs", os.path.join(work, "etcd.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: request(self.port, "POST", "/v3/kv/range",
                                   body=b'{"key":"eA=="}')[0] == 200, 30, "etcd")


def start_instances(binary, work, etcd_port, count):
    instances = []
    for i in range(count):
        folder = os.path.join(work, f"i{i}")
        os.makedirs(folder)
        ws, http_port = free_port(), free_port()
        with open(os.path.join(folder, "xiaozhi.toml"), "w") as config:
            config.write(f'[server]\nip = "127.0.0.1"\nport = {ws}\nhttp_port = {http_port}\n'
                         f'admin_token = "{TOKEN}"\n[fleet]\netcd = ["http://127.0.0.1:{etcd_port}"]\n'
                         f'name = "bench"\ninstance = "i{i}"\nlease_ttl = 10\n')
        log = open(os.path.join(folder, "log"), "w")
        process = subprocess.Popen([binary, "serve", "xiaozhi.toml", "--threads", "1",
                                    "--log-format", "json"], cwd=folder, stdout=log, stderr=log)
        instances.append((process, http_port))
    for process, port in instances:
        wait_until(lambda: request(port, "GET", "/healthz")[0] == 200, 30, f"serve on {port}")
    # All of them registered before the first push.
    prefix = b"/xiaozhi/bench/instances/"
    query = json.dumps({"key": base64.b64encode(prefix).decode(),
                        "range_end": base64.b64encode(prefix[:-1] + b"0").decode(),
                        "count_only": True}).encode()
    wait_until(lambda: json.loads(request(etcd_port, "POST", "/v3/kv/range", body=query)[2])
               .get("count") == str(count), 30, "every instance in the registry")
    return instances


def run(binary, count, pushes, keep):
    work = tempfile.mkdtemp(prefix="xiaozhi-fleet-push.")
    processes = []
    try:
        etcd = Etcd(work)
        processes.append(etcd.process)
        instances = start_instances(binary, work, etcd.port, count)
        processes.extend(process for process, _ in instances)
        ports = [port for _, port in instances]
        revision = "0"
        converged, answered = [], []
        for n in range(pushes):
            host = "localhost" if n % 2 == 0 else "127.0.0.1"
            seen = [None] * count
            stop = threading.Event()

            def poll(index):
                connection = http.client.HTTPConnection("127.0.0.1", ports[index], timeout=5)
                try:
                    while not stop.is_set():
                        try:
                            if ota_host(connection) == host:
                                seen[index] = time.monotonic()
                                return
                        except (OSError, http.client.HTTPException):
                            connection.close()
                        time.sleep(0.002)
                finally:
                    connection.close()

            started = time.monotonic()
            status, headers, body = request(ports[0], "PUT", "/xiaozhi/admin/remote", {
                "Authorization": "Bearer " + TOKEN, "If-Match": revision,
                "Content-Type": "application/json", "X-Xiaozhi-Wait": "0"},
                json.dumps({"server": {"advertise_host": host}}).encode())
            answered_at = time.monotonic()
            if status != 200:
                raise SystemExit(f"push {n} answered {status}: {body[:300]!r}")
            revision = json.loads(body)["revision"]
            pollers = [threading.Thread(target=poll, args=(i,)) for i in range(count)]
            for poller in pollers:
                poller.start()
            for poller in pollers:
                poller.join(10)
            stop.set()
            if any(t is None for t in seen):
                print(f"N={count} push {n}: not every instance converged within 10 s", file=sys.stderr)
                return None
            answered.append(answered_at - started)
            converged.append(max(seen) - started)
        return converged, answered
    finally:
        # The instances first (etcd is the first process), so they leave the registry
        # while etcd still answers.
        for group in (processes[1:], processes[:1]):
            for process in group:
                process.send_signal(signal.SIGTERM)
            for process in group:
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        if keep:
            print(f"N={count}: logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="build/reltest/xiaozhi")
    parser.add_argument("--instances", default="3,10", help="instance counts [3,10]")
    parser.add_argument("--pushes", type=int, default=20, help="pushes per count [20]")
    parser.add_argument("--keep", action="store_true", help="keep the folders with the logs")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    if shutil.which("etcd") is None:
        raise SystemExit("etcd is missing (bash scripts/install-deps.sh)")
    failed = False
    print("instances  pushes  converged p50 ms  converged max ms  answer p50 ms")
    for count in (int(n) for n in options.instances.split(",")):
        result = run(binary, count, options.pushes, options.keep)
        if result is None:
            failed = True
            continue
        converged, answered = result
        print(f"{count:9d}  {len(converged):6d}  {1000 * statistics.median(converged):16.1f}"
              f"  {1000 * max(converged):16.1f}  {1000 * statistics.median(answered):13.1f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
