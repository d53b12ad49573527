#!/usr/bin/env bash
# Benchmark: serve beside Python, Node.js and Go peers and a C floor on 127.0.0.1: CPU per echoed frame, CPU per OTA answer, RSS per idle device.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/process_figures.sh
source bench/process_figures.sh

usage() {
  cat <<'EOF'
Usage: bash bench/compare.sh [OPTIONS]

Runs `xiaozhi serve`, bench/peers/python_peer.py, bench/peers/node (ws), bench/peers/go
(gorilla/websocket) and bench/floor (C, epoll) one after another, a fresh process for every
measurement, the servers alternating in each round, and prints a Markdown table:
  (a) server CPU seconds (utime + stime, /proc/PID/stat) per 1,000 echoed frames, with a fixed
      number of devices talking (simulate-device --mode manual --pause 200ms, 1 frame up per
      60 ms, the echo paced back at 60 ms);
  (b) server CPU seconds per 1,000 OTA answers at a fixed request rate: h2load (nghttp2-client)
      --h1 with --rps per keep-alive connection, so every server gets the same requests per
      second and none is driven to saturation (Debian's wrk 4 has no fixed rate: with wrk each
      server would run at its own maximum, where batching changes the CPU per answer);
  (c) server RSS per connected idle device (simulate-device --idle): VmRSS while all are
      connected minus VmRSS before, both after one warm-up device's turn.
Threads: serve 2, Go GOMAXPROCS = cores, Python, Node and the floor one event loop each; the
simulator, h2load and the server share this machine's cores.
TLS: serve-tls is serve terminating TLS itself (server.tls.port); nginx is Debian's nginx (one
worker) terminating TLS in front of a plain serve, the set-up operators use today: its figures
are nginx and serve together (CPU and RSS summed over every process). Both use the same EC P-256
certificate of a CA made for the run, and the simulator trusts that CA (--ca). For TLS servers
(d) measures handshakes: server CPU seconds per 1,000 full handshakes (openssl s_time -new,
TLS 1.3) and the handshakes per second that client reached.
CPU comes in clock ticks (10 ms): runs are sized to take seconds of server CPU.
A figure counts only when its run had zero errors and zero loss (every sent frame echoed once,
none lost, unmatched or duplicated; every OTA request answered 2xx; every idle device said hello).
Figures of several rounds: the median. Everything listens on 127.0.0.1 and stops by itself.

Options (defaults in brackets):
  --binary PATH        xiaozhi binary [build build/bench at -j1 and use build/bench/xiaozhi]
  --servers LIST       which servers, in this order ["serve python node go floor"];
                       also serve-tls and nginx (see TLS)
  --parts LIST         which measurements ["idle talk ota"]; also handshake
  --base KIND          the server the others' ratios are to [serve]
  --handshake-seconds S  seconds of openssl s_time per handshake run [10]
  --rounds N           rounds of talk and OTA runs, servers alternating in each [3]
  --talk-devices N     talking devices [400]
  --talk-seconds S     seconds after the ramp during which turns start [30]
  --talk-ramp S        ramp of the talking devices [10]
  --ota-rate R         OTA requests per second, all clients together [2000]
  --ota-clients C      keep-alive connections of h2load [20]
  --ota-seconds S      seconds of OTA load [20]
  --idle-counts LIST   idle device counts ["2000 10000"]
  --keep               keep the work folder (logs, simulator reports) and print its path
  -h, --help           this help
Needs: bash bench/install-bench-deps.sh once (nodejs, npm packages, Go, gorilla, h2load, ...).
Example: bash bench/compare.sh --binary build/bench/xiaozhi
TLS:     bash bench/compare.sh --servers "serve-tls nginx serve" --base serve-tls \
           --parts "idle talk handshake"
EOF
}

binary="" servers="serve python node go floor" parts="idle talk ota" rounds=3
talk_devices=400 talk_seconds=30 talk_ramp=10 ota_rate=2000 ota_clients=20 ota_seconds=20
idle_counts="2000 10000" keep="" base=serve handshake_seconds=10
while [ $# -gt 0 ]; do
  case $1 in
    --binary) binary=$2; shift ;;
    --servers) servers=$2; shift ;;
    --parts) parts=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --talk-devices) talk_devices=$2; shift ;;
    --talk-seconds) talk_seconds=$2; shift ;;
    --talk-ramp) talk_ramp=$2; shift ;;
    --ota-rate) ota_rate=$2; shift ;;
    --ota-clients) ota_clients=$2; shift ;;
    --ota-seconds) ota_seconds=$2; shift ;;
    --idle-counts) idle_counts=$2; shift ;;
    --base) base=$2; shift ;;
    --handshake-seconds) handshake_seconds=$2; shift ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
has() { [[ " $1 " == *" $2 "* ]]; }

work=$(mktemp -d)
server_pid="" proxy_pid="" load_pid=""
cleanup() {
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "$keep" ]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Tools and servers ---
if [ -z "$binary" ]; then
  cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DXIAOZHI_TESTS=OFF >/dev/null
  flock /tmp/xiaozhi-build.lock cmake --build build/bench --target xiaozhi -j1 >/dev/null
  binary=build/bench/xiaozhi
fi
bin=$(realpath "$binary")
need() { command -v "$1" >/dev/null || { echo "needs $1: bash bench/install-bench-deps.sh" >&2; exit 2; }; }
need h2load
need curl
has "$servers" python && { /usr/bin/python3 -c 'import websockets, aiohttp' 2>/dev/null ||
  { echo "needs python3-websockets and python3-aiohttp: bash bench/install-bench-deps.sh" >&2; exit 2; }; }
if has "$servers" node; then
  need node
  [ -d bench/peers/node/node_modules/ws ] || { echo "needs bench/peers/node/node_modules: bash bench/install-bench-deps.sh" >&2; exit 2; }
fi
if has "$servers" go; then
  need go
  GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS='' go build -o "$work/go_peer" ./bench/peers/go
fi
if has "$servers" floor; then
  need cc
  cc -O2 -o "$work/floor" bench/floor/floor.c -lcrypto
fi
tls_kind() { [ "$1" = serve-tls ] || [ "$1" = nginx ]; }
if has "$servers" nginx; then need nginx; fi
if has "$servers" serve-tls || has "$servers" nginx; then
  need openssl
  mkdir -p "$work/tls"
  (cd "$work/tls" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key \
      -out ca.pem -days 90 -subj /CN=bench-ca &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key \
      -out server.csr -subj /CN=localhost &&
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext &&
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 90 \
      -extfile san.ext -out server.pem) >"$work/tls/openssl.log" 2>&1 ||
    { cat "$work/tls/openssl.log" >&2; exit 3; }
fi
curl_trust=()
if [ -f "$work/tls/ca.pem" ]; then curl_trust=(--cacert "$work/tls/ca.pem"); fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fd_limit=$(ulimit -n)

declare -A base_port=([serve]=18000 [python]=18100 [node]=18200 [go]=18300 [floor]=18400
  [serve-tls]=18500 [nginx]=18600)
declare -A label=([serve]="serve" [python]="Python websockets+aiohttp" [node]="Node ws+http"
  [go]="Go gorilla+net/http" [floor]="C epoll floor" [serve-tls]="serve, TLS"
  [nginx]="nginx TLS + serve")
ws_port() { echo "${base_port[$1]}"; }
http_port() { echo $((${base_port[$1]} + 3)); }
tls_port() { echo $((${base_port[$1]} + 5)); }
# The port devices connect to: the TLS one for TLS servers.
device_port() { if tls_kind "$1"; then tls_port "$1"; else ws_port "$1"; fi; }
ota_url() {
  if tls_kind "$1"; then echo "https://127.0.0.1:$(tls_port "$1")/xiaozhi/ota/"
  else echo "http://127.0.0.1:$(http_port "$1")/xiaozhi/ota/"; fi
}
ws_url() {
  if tls_kind "$1"; then echo "wss://127.0.0.1:$(tls_port "$1")/xiaozhi/v1/"
  else echo "ws://127.0.0.1:$(ws_port "$1")/xiaozhi/v1/"; fi
}
# simulate-device's trust for a TLS server.
trust() { if tls_kind "$1"; then echo "--ca $work/tls/ca.pem"; fi; }
for kind in $servers; do
  [ -n "${base_port[$kind]:-}" ] || { echo "unknown server $kind" >&2; exit 2; }
  for port in "$(ws_port "$kind")" "$(http_port "$kind")" "$(tls_port "$kind")"; do
    if [ -n "$(ss -Htln "( sport = :$port )")" ]; then echo "port $port is in use" >&2; exit 2; fi
  done
done

# The processes measured (bench/process_figures.sh): serve or the peer, and nginx's master and
# workers.
measured_pids() {
  echo "$server_pid"
  if [ -n "$proxy_pid" ]; then echo "$proxy_pid"; pgrep -P "$proxy_pid" || true; fi
}

# Starts a fresh server of one kind and waits until its OTA endpoint answers.
start_server() {
  local kind=$1 ws http log=$work/$1.log
  ws=$(ws_port "$kind") http=$(http_port "$kind")
  case $kind in
    serve | nginx) mkdir -p "$work/serve-state"
      (cd "$work/serve-state" && exec "$bin" serve --no-probe --log-level warn --log-format text \
        --set server.ip=127.0.0.1 --set server.port="$ws" --set server.http_port="$http" \
        --set server.max_connections=100000) >>"$log" 2>&1 & ;;
    serve-tls) mkdir -p "$work/serve-state"
      (cd "$work/serve-state" && exec "$bin" serve --no-probe --log-level warn --log-format text \
        --set server.ip=127.0.0.1 --set server.port="$ws" --set server.http_port="$http" \
        --set server.max_connections=100000 --set server.tls.cert="$work/tls/server.pem" \
        --set server.tls.key="$work/tls/server.key" --set server.tls.port="$(tls_port "$kind")") \
        >>"$log" 2>&1 & ;;
    python) /usr/bin/python3 bench/peers/python_peer.py "$ws" "$http" >>"$log" 2>&1 & ;;
    node) node bench/peers/node/peer.js "$ws" "$http" >>"$log" 2>&1 & ;;
    go) "$work/go_peer" "$ws" "$http" >>"$log" 2>&1 & ;;
    floor) "$work/floor" "$ws" "$http" >>"$log" 2>&1 & ;;
  esac
  server_pid=$!
  [ "$kind" = nginx ] && start_nginx "$kind"
  for ((i = 0; i < 100; i++)); do
    curl -sf "${curl_trust[@]}" -o /dev/null -X POST -H 'Content-Type: application/json' -H 'Device-Id: aa:bb:cc:dd:ee:ff' \
      -H 'Client-Id: 3b3e2f5c-1111-4222-8333-444455556666' -d @"$work/body.json" "$(ota_url "$kind")" && return 0
    sleep 0.1
  done
  echo "$kind did not start:" >&2
  cat "$log" >&2
  exit 3
}

# nginx terminating TLS in front of the plain serve, as its documentation and the reference's
# deployment guides set it up (Upgrade and Connection passed on for the WebSocket).
start_nginx() {
  local kind=$1 dir=$work/nginx
  mkdir -p "$dir/logs"
  cat >"$dir/nginx.conf" <<NGINX
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 65000; }
worker_rlimit_nofile 65536;
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
  ssl_session_tickets off;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:$(tls_port "$kind") ssl;
    ssl_certificate $work/tls/server.pem;
    ssl_certificate_key $work/tls/server.key;
    location /xiaozhi/v1/ {
      proxy_pass http://127.0.0.1:$(ws_port "$kind");
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_read_timeout 3600s;
    }
    location / {
      proxy_pass http://127.0.0.1:$(http_port "$kind");
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
NGINX
  nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >>"$work/nginx.log" 2>&1 &
  proxy_pid=$!
}

stop_server() {
  local pid
  for pid in $server_pid $proxy_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $server_pid $proxy_pid; do wait "$pid" 2>/dev/null || true; done
  server_pid="" proxy_pid=""
}

declare -A fig ok why  # fig[part,kind,run or count], ok[...]=1 when the run counts, why[...] otherwise

# (c) RSS per idle device: RSS read while every device sits connected after its hello.
idle_run() {
  local kind=$1 n=$2 key=idle,$1,$2 ramp=$((($2 + 499) / 500)) out=$work/idle-$1-$2
  start_server "$kind"
  # One device's turn first: what a server sets up on its first connection is not counted per device.
  # shellcheck disable=SC2046  # trust: nothing, or --ca and its file
  timeout 30 "$bin" simulate-device --ws "$(ws_url "$kind")" $(trust "$kind") --devices 1 --turns 1 >"$out-warm.txt" 2>&1 || true
  sleep 1
  local before after connected=0
  before=$(rss_kib)
  # shellcheck disable=SC2046
  timeout $((ramp + 90)) "$bin" simulate-device --ws "$(ws_url "$kind")" $(trust "$kind") --devices "$n" \
    --ramp "${ramp}s" --idle --duration "$((ramp + 12))s" --report "$out.json" >"$out.txt" 2>&1 &
  load_pid=$!
  for ((i = 0; i < (ramp + 10) * 10; i++)); do
    connected=$(established "$(device_port "$kind")")
    [ "$connected" -ge "$n" ] && break
    sleep 0.1
  done
  sleep 3
  connected=$(established "$(device_port "$kind")")
  after=$(rss_kib)
  local rc=0
  wait "$load_pid" || rc=$?
  load_pid=""
  stop_server
  fig[$key]=$(awk -v a="$after" -v b="$before" -v c="$connected" 'BEGIN { printf "%.1f", (c > 0 ? (a - b) / c : 0) }')
  local r hello errors failed
  mapfile -t r < <(report "$out.json" devices.hello_ok errors.total devices.failed 2>/dev/null || true)
  hello=${r[0]:-} errors=${r[1]:-} failed=${r[2]:-}
  why[$key]="hello $hello/$n, connected $connected, errors $errors, failed $failed, exit $rc"
  [ "$rc" = 0 ] && [ "${hello:-0}" = "$n" ] && [ "$connected" -ge "$n" ] && [ "$errors" = 0 ] && ok[$key]=1
  printf '  idle %-6s %6d devices: %s KiB/device (RSS %s -> %s KiB), %s\n' "$kind" "$n" "${fig[$key]}" "$before" "$after" "${why[$key]}" >&2
}

# (a) CPU per 1,000 echoed frames: the server's CPU over the whole simulator run.
talk_run() {
  local kind=$1 run=$2 key=talk,$1,$2 out=$work/talk-$1-$2
  start_server "$kind"
  local cpu0 cpu1 rc=0
  cpu0=$(cpu_ms)
  # shellcheck disable=SC2046
  timeout $((talk_ramp + talk_seconds + 90)) "$bin" simulate-device --ws "$(ws_url "$kind")" $(trust "$kind") \
    --devices "$talk_devices" --ramp "${talk_ramp}s" --duration "$((talk_ramp + talk_seconds))s" \
    --turns 0 --mode manual --pause 200ms --report "$out.json" >"$out.txt" 2>&1 &
  load_pid=$!
  wait "$load_pid" || rc=$?
  load_pid=""
  cpu1=$(cpu_ms)
  stop_server
  local r sent echoed lost unmatched duplicated errors gap
  mapfile -t r < <(report "$out.json" frames.sent echo.echoed echo.lost echo.unmatched \
    echo.duplicated errors.total latency_ms.downlink_gap.p99 2>/dev/null || true)
  sent=${r[0]:-} echoed=${r[1]:-} lost=${r[2]:-} unmatched=${r[3]:-} duplicated=${r[4]:-} errors=${r[5]:-} gap=${r[6]:-}
  fig[$key]=$(awk -v c=$((cpu1 - cpu0)) -v e="${echoed:-0}" 'BEGIN { printf "%.4f", (e > 0 ? c / e : 0) }')
  why[$key]="echoed $echoed of $sent sent, lost $lost, unmatched $unmatched, duplicated $duplicated, errors $errors, downlink gap p99 $gap ms, exit $rc"
  [ "$rc" = 0 ] && [ "${echoed:-0}" -gt 0 ] && [ "$echoed" = "$sent" ] && [ "$lost" = 0 ] &&
    [ "$unmatched" = 0 ] && [ "$duplicated" = 0 ] && [ "$errors" = 0 ] && ok[$key]=1
  printf '  talk %-6s run %d: %s CPU s per 1,000 echoed frames (%d ms CPU), %s\n' "$kind" "$run" "${fig[$key]}" $((cpu1 - cpu0)) "${why[$key]}" >&2
}

# (b) CPU per 1,000 OTA answers at a fixed rate: h2load --rps per keep-alive connection.
ota_run() {
  local kind=$1 run=$2 key=ota,$1,$2 out=$work/ota-$1-$2.txt
  start_server "$kind"
  local cpu0 cpu1 rc=0
  cpu0=$(cpu_ms)
  timeout $((ota_seconds + 30)) h2load --h1 -c "$ota_clients" --rps "$per_client_rps" -D "$ota_seconds" \
    -d "$work/body.json" -H 'Content-Type: application/json' -H 'Device-Id: aa:bb:cc:dd:ee:ff' \
    -H 'Client-Id: 3b3e2f5c-1111-4222-8333-444455556666' -H 'User-Agent: bread-compact-wifi/1.0.0' \
    "$(ota_url "$kind")" >"$out" 2>&1 &
  load_pid=$!
  wait "$load_pid" || rc=$?
  load_pid=""
  cpu1=$(cpu_ms)
  stop_server
  local done2xx failed errored timeouts
  failed=$(awk '/^requests:/ { print $10 }' "$out") errored=$(awk '/^requests:/ { print $12 }' "$out")
  timeouts=$(awk '/^requests:/ { print $14 }' "$out") done2xx=$(awk '/^status codes:/ { print $3 }' "$out")
  local expected=$((per_client_rps * ota_clients * ota_seconds))
  fig[$key]=$(awk -v c=$((cpu1 - cpu0)) -v a="${done2xx:-0}" 'BEGIN { printf "%.4f", (a > 0 ? c / a : 0) }')
  why[$key]="answered 2xx $done2xx of $expected at the rate, failed $failed, errored $errored, timeout $timeouts, exit $rc"
  [ "$rc" = 0 ] && [ "${failed:-1}" = 0 ] && [ "${errored:-1}" = 0 ] && [ "${timeouts:-1}" = 0 ] &&
    [ "${done2xx:-0}" -ge $((expected * 95 / 100)) ] && ok[$key]=1
  printf '  ota  %-6s run %d: %s CPU s per 1,000 answers (%d ms CPU), %s\n' "$kind" "$run" "${fig[$key]}" $((cpu1 - cpu0)) "${why[$key]}" >&2
}

# (d) CPU per 1,000 full TLS handshakes: openssl s_time -new, one handshake after another.
handshake_run() {
  local kind=$1 run=$2 key=handshake,$1,$2 out=$work/handshake-$1-$2.txt
  if ! tls_kind "$kind"; then return; fi
  start_server "$kind"
  local cpu0 cpu1 rc=0
  cpu0=$(cpu_ms)
  timeout $((handshake_seconds + 30)) openssl s_time -connect "127.0.0.1:$(tls_port "$kind")" -new \
    -time "$handshake_seconds" -CAfile "$work/tls/ca.pem" -verify 1 >"$out" 2>&1 || rc=$?
  cpu1=$(cpu_ms)
  stop_server
  local count seconds
  count=$(awk '/connections in [0-9]+ real seconds/ { print $1 }' "$out")
  seconds=$(awk '/connections in [0-9]+ real seconds/ { print $4 }' "$out")
  fig[$key]=$(awk -v c=$((cpu1 - cpu0)) -v n="${count:-0}" 'BEGIN { printf "%.4f", (n > 0 ? c / n : 0) }')
  why[$key]="$count handshakes in $seconds s ($(awk -v n="${count:-0}" -v s="${seconds:-0}" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')/s, client-bound), exit $rc"
  [ "$rc" = 0 ] && [ "${count:-0}" -gt 0 ] && ok[$key]=1
  printf '  hs   %-6s run %d: %s CPU s per 1,000 handshakes (%d ms CPU), %s\n' "$kind" "$run" "${fig[$key]}" $((cpu1 - cpu0)) "${why[$key]}" >&2
}

echo '{"application":{"version":"1.0.0","name":"xiaozhi"},"board":{"type":"bread-compact-wifi"},"mac_address":"aa:bb:cc:dd:ee:ff","uuid":"3b3e2f5c-1111-4222-8333-444455556666"}' >"$work/body.json"
per_client_rps=$(((ota_rate + ota_clients - 1) / ota_clients))
node_extra=$(cd bench/peers/node && node -p 'try { /native code/.test(require("bufferutil").mask) ? "bufferutil native" : "bufferutil in JS" } catch { "no bufferutil" }' 2>/dev/null) || true
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(date -u '+%F %H:%M UTC')," \
  "fd limit $fd_limit, load average at start $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "versions: $("$bin" --version 2>/dev/null | head -1); python $(/usr/bin/python3 -c 'import sys, websockets, aiohttp; print(sys.version.split()[0], "websockets", websockets.__version__, "aiohttp", aiohttp.__version__)' 2>/dev/null);" \
  "node $(node --version 2>/dev/null) ws $(node -p 'require("./bench/peers/node/node_modules/ws/package.json").version' 2>/dev/null) ($node_extra);" \
  "$(go version 2>/dev/null | cut -d' ' -f3) gorilla $(dpkg-query -W -f='${Version}' golang-github-gorilla-websocket-dev 2>/dev/null); $(h2load --version 2>/dev/null | head -1)" >&2

counts=""
if has "$parts" idle; then
  for n in $idle_counts; do
    if [ $((n + 200)) -gt "$fd_limit" ]; then echo "skipping $n idle devices: fd limit $fd_limit" >&2; continue; fi
    counts="$counts $n"
    for kind in $servers; do idle_run "$kind" "$n"; done
  done
fi
for ((run = 1; run <= rounds; run++)); do
  if has "$parts" talk; then for kind in $servers; do talk_run "$kind" "$run"; done; fi
done
for ((run = 1; run <= rounds; run++)); do
  if has "$parts" ota; then for kind in $servers; do ota_run "$kind" "$run"; done; fi
done
for ((run = 1; run <= rounds; run++)); do
  if has "$parts" handshake; then for kind in $servers; do handshake_run "$kind" "$run"; done; fi
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# --- The table ---
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A value  # value[row,kind]: the figure when every run of it counted, else empty
declare -A note
cell_of() {  # part kind keys...: sets value and note for one row
  local part=$1 kind=$2 row=$3; shift 3
  local all=() k bad=""
  for k in "$@"; do
    all+=("${fig[$part,$kind,$k]:-0}")
    [ -n "${ok[$part,$kind,$k]:-}" ] || bad="${bad:+$bad; }${why[$part,$kind,$k]:-no run}"
  done
  if [ -z "$bad" ]; then value[$row,$kind]=$(median "${all[@]}"); note[$row,$kind]=""
  else value[$row,$kind]=""; note[$row,$kind]="NOT COUNTED ($bad)"; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
rows=()
mapfile -t runs < <(seq 1 "$rounds")
if has "$parts" talk; then
  rows+=("talk|server CPU s per 1,000 echoed frames, $talk_devices devices talking (median of $rounds)")
  for kind in $servers; do cell_of talk "$kind" talk "${runs[@]}"; done
fi
if has "$parts" handshake; then
  rows+=("handshake|server CPU s per 1,000 full TLS handshakes, openssl s_time -new (median of $rounds)")
  for kind in $servers; do tls_kind "$kind" && cell_of handshake "$kind" handshake "${runs[@]}"; done
fi
if has "$parts" ota; then
  rows+=("ota|server CPU s per 1,000 OTA answers at $((per_client_rps * ota_clients))/s over $ota_clients connections (median of $rounds)")
  for kind in $servers; do cell_of ota "$kind" ota "${runs[@]}"; done
fi
for n in $counts; do
  rows+=("idle$n|server RSS per idle connected device, $n devices (KiB)")
  for kind in $servers; do cell_of idle "$kind" "idle$n" "$n"; done
done
header="| what |" rule="|---|"
for kind in $servers; do header="$header ${label[$kind]} |"; rule="$rule---|"; done
has "$servers" serve && has "$servers" floor && { header="$header serve/floor |"; rule="$rule---|"; }
echo
echo "$header"
echo "$rule"
for entry in "${rows[@]}"; do
  row=${entry%%|*} line="| ${entry#*|} |"
  for kind in $servers; do
    v=${value[$row,$kind]:-}
    if [ -z "$v" ]; then line="$line ${note[$row,$kind]:-n/a} |"
    elif [ "$kind" = "$base" ] || ! has "$servers" "$base"; then line="$line $v |"
    else line="$line $v ($(ratio "$v" "${value[$row,$base]:-}")x $base) |"; fi
  done
  has "$servers" serve && has "$servers" floor && line="$line $(ratio "${value[$row,serve]}" "${value[$row,floor]}") |"
  echo "$line"
done
verdict() { if [ -n "${ok[$1]:-}" ]; then echo ok; else echo "NOT COUNTED"; fi; }
echo
echo "Counted only runs with zero errors and zero loss; per run:"
for entry in "${rows[@]}"; do
  row=${entry%%|*}
  for kind in $servers; do
    case $row in
      handshake) tls_kind "$kind" || continue
        for run in "${runs[@]}"; do echo "- $row $kind run $run: $(verdict "$row,$kind,$run"): ${why[$row,$kind,$run]:-}"; done ;;
      talk | ota) for run in "${runs[@]}"; do echo "- $row $kind run $run: $(verdict "$row,$kind,$run"): ${why[$row,$kind,$run]:-}"; done ;;
      idle*) n=${row#idle}; echo "- idle $n $kind: $(verdict "idle,$kind,$n"): ${why[idle,$kind,$n]:-}" ;;
    esac
  done
done
