#!/usr/bin/env bash
# Benchmark: serve's relay beside nginx as a WebSocket reverse proxy, both in front of the same echo upstream, on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/process_figures.sh
source bench/process_figures.sh

usage() {
  cat <<'EOF'
Usage: bash bench/relay.sh [OPTIONS]

One upstream, a plain `xiaozhi serve` (echo backend), and in front of it, one after another:
  relay   xiaozhi serve with server.backend = "relay" and that upstream in upstream.websocket;
  nginx   Debian's nginx (one worker) with proxy_pass and the Upgrade/Connection headers, the
          set-up operators use today in front of the reference server;
  direct  no proxy: the devices talk to the upstream itself (the latency baseline).
Figures, each from a fresh proxy process, the kinds alternating in each round:
  (a) proxy CPU seconds (utime + stime of the proxy's processes, not the upstream's) per 1,000
      echoed frames, with a fixed number of devices talking (simulate-device --mode manual
      --pause 200ms: 1 frame up per 60 ms, the echo paced back by the upstream);
  (b) the round trip through the proxy at p50 and p99: the simulator's first_reply latency (the
      turn's last frame and `listen stop` sent -> the first echoed frame back, both crossing the
      proxy), and what the proxy adds to the direct figure;
  (c) proxy RSS per relayed idle session (simulate-device --idle): VmRSS of the proxy while all
      are connected minus before, both after one warm-up device's turn.
A figure counts only when its run had zero errors and zero loss. Several rounds: the median.
Everything listens on 127.0.0.1 and stops by itself.

Options (defaults in brackets):
  --binary PATH        xiaozhi binary [build/reltest/xiaozhi]
  --kinds LIST         ["relay nginx direct"]
  --parts LIST         ["talk idle"]
  --rounds N           rounds of talk runs [3]
  --talk-devices N     talking devices [1000]
  --talk-seconds S     seconds after the ramp [30]
  --talk-ramp S        ramp of the talking devices [10]
  --idle-count N       idle sessions [2000]
  --relay-threads N    the relay's --threads (nginx runs one worker) [serve's default: one per core]
  --keep               keep the work folder and print its path
  -h, --help           this help
Needs: nginx (bash bench/install-bench-deps.sh installs it).
EOF
}

bin=build/reltest/xiaozhi kinds="relay nginx direct" parts="talk idle" rounds=3
talk_devices=1000 talk_seconds=30 talk_ramp=10 idle_count=2000 keep=0 relay_threads=""
while [ $# -gt 0 ]; do
  case $1 in
    --binary) bin=$2; shift ;;
    --kinds) kinds=$2; shift ;;
    --parts) parts=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --talk-devices) talk_devices=$2; shift ;;
    --talk-seconds) talk_seconds=$2; shift ;;
    --talk-ramp) talk_ramp=$2; shift ;;
    --idle-count) idle_count=$2; shift ;;
    --relay-threads) relay_threads=$2; shift ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
has() { [[ " $1 " == *" $2 "* ]]; }
[ -x "$bin" ] || { echo "no xiaozhi binary at $bin (--binary)" >&2; exit 2; }
if has "$kinds" nginx; then command -v nginx >/dev/null || { echo "nginx is missing" >&2; exit 2; }; fi
bin=$(realpath "$bin")
work=$(mktemp -d /tmp/xiaozhi-relay-bench-XXXXXX)
upstream_pid="" proxy_pid="" load_pid=""
cleanup() {
  for pid in $load_pid $proxy_pid $upstream_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$keep" = 1 ]; then echo "work folder: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

upstream_port=19000 relay_port=19100 nginx_port=19200
for port in $upstream_port $((upstream_port + 3)) $relay_port $((relay_port + 3)) $nginx_port; do
  if [ -n "$(ss -Htln "( sport = :$port )")" ]; then echo "port $port is in use" >&2; exit 2; fi
done
device_port() {
  case $1 in relay) echo $relay_port ;; nginx) echo $nginx_port ;; direct) echo $upstream_port ;; esac
}
ws_url() { echo "ws://127.0.0.1:$(device_port "$1")/xiaozhi/v1/"; }

# The processes measured (bench/process_figures.sh): the proxy's (nginx: master and worker);
# for direct, none.
measured_pids() {
  [ -n "$proxy_pid" ] || return 0
  echo "$proxy_pid"
  pgrep -P "$proxy_pid" || true
}

serve_cmd() {
  local dir=$1 port=$2
  shift 2
  mkdir -p "$dir"
  (cd "$dir" && exec "$bin" serve --no-probe --log-level warn --log-format text \
    --set server.ip=127.0.0.1 --set server.port="$port" --set server.http_port=$((port + 3)) \
    --set server.max_connections=100000 "$@") >>"$dir/serve.log" 2>&1 &
}
wait_port() {
  for ((i = 0; i < 100; i++)); do
    [ -n "$(ss -Htln "( sport = :$1 )")" ] && return 0
    sleep 0.1
  done
  echo "nothing listens on $1" >&2
  exit 3
}

start_upstream() {
  serve_cmd "$work/upstream" $upstream_port
  upstream_pid=$!
  wait_port $upstream_port
}

start_proxy() {
  case $1 in
    relay)
      mkdir -p "$work/relay"
      printf '[server]\nbackend = "relay"\n\n[upstream]\nwebsocket = ["ws://127.0.0.1:%d/xiaozhi/v1/"]\n' \
        $upstream_port >"$work/relay/relay.toml"
      serve_cmd "$work/relay" $relay_port relay.toml ${relay_threads:+--threads "$relay_threads"}
      proxy_pid=$! ;;
    nginx)
      local dir=$work/nginx
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
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:$nginx_port;
    location /xiaozhi/v1/ {
      proxy_pass http://127.0.0.1:$upstream_port;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_read_timeout 3600s;
    }
  }
}
NGINX
      nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >>"$work/nginx.log" 2>&1 &
      proxy_pid=$! ;;
    direct) proxy_pid="" ; return 0 ;;
  esac
  wait_port "$(device_port "$1")"
}
stop_proxy() {
  [ -n "$proxy_pid" ] || return 0
  kill "$proxy_pid" 2>/dev/null || true
  wait "$proxy_pid" 2>/dev/null || true
  proxy_pid=""
}

declare -A fig ok why

# (a) and (b): CPU per 1,000 echoed frames and the round trip, one run.
talk_run() {
  local kind=$1 run=$2 out=$work/talk-$1-$2 rc=0 cpu0 cpu1
  start_proxy "$kind"
  cpu0=$(cpu_ms)
  timeout $((talk_ramp + talk_seconds + 90)) "$bin" simulate-device --ws "$(ws_url "$kind")" \
    --devices "$talk_devices" --ramp "${talk_ramp}s" --duration "$((talk_ramp + talk_seconds))s" \
    --turns 0 --mode manual --pause 200ms --report "$out.json" >"$out.txt" 2>&1 &
  load_pid=$!
  wait "$load_pid" || rc=$?
  load_pid=""
  cpu1=$(cpu_ms)
  stop_proxy
  local r
  mapfile -t r < <(report "$out.json" frames.sent echo.echoed echo.lost echo.unmatched \
    echo.duplicated errors.total latency_ms.first_reply.p50 latency_ms.first_reply.p99 2>/dev/null || true)
  local sent=${r[0]:-} echoed=${r[1]:-0} lost=${r[2]:-} unmatched=${r[3]:-} duplicated=${r[4]:-} errors=${r[5]:-}
  fig[cpu,$kind,$run]=$(awk -v c=$((cpu1 - cpu0)) -v e="$echoed" 'BEGIN { printf "%.4f", (e > 0 ? c / e : 0) }')
  fig[p50,$kind,$run]=${r[6]:-0} fig[p99,$kind,$run]=${r[7]:-0}
  why[talk,$kind,$run]="echoed $echoed of $sent, lost $lost, unmatched $unmatched, duplicated $duplicated, errors $errors, exit $rc"
  [ "$rc" = 0 ] && [ "$echoed" -gt 0 ] && [ "$echoed" = "$sent" ] && [ "$lost" = 0 ] &&
    [ "$unmatched" = 0 ] && [ "$duplicated" = 0 ] && [ "$errors" = 0 ] && ok[talk,$kind,$run]=1
  printf '  talk %-6s run %d: %s CPU s per 1,000 frames (%d ms), first reply p50 %s p99 %s ms, %s\n' "$kind" "$run" \
    "${fig[cpu,$kind,$run]}" $((cpu1 - cpu0)) "${fig[p50,$kind,$run]}" "${fig[p99,$kind,$run]}" "${why[talk,$kind,$run]}" >&2
}

# (c): RSS per relayed idle session.
idle_run() {
  local kind=$1 n=$idle_count ramp=$(((idle_count + 499) / 500)) out=$work/idle-$1 rc=0
  start_proxy "$kind"
  timeout 30 "$bin" simulate-device --ws "$(ws_url "$kind")" --devices 1 --turns 1 >"$out-warm.txt" 2>&1 || true
  sleep 1
  local before after connected=0
  before=$(rss_kib)
  timeout $((ramp + 90)) "$bin" simulate-device --ws "$(ws_url "$kind")" --devices "$n" --ramp "${ramp}s" \
    --idle --duration "$((ramp + 12))s" --report "$out.json" >"$out.txt" 2>&1 &
  load_pid=$!
  for ((i = 0; i < (ramp + 10) * 10; i++)); do
    connected=$(established "$(device_port "$kind")")
    [ "$connected" -ge "$n" ] && break
    sleep 0.1
  done
  sleep 3
  connected=$(established "$(device_port "$kind")")
  after=$(rss_kib)
  wait "$load_pid" || rc=$?
  load_pid=""
  stop_proxy
  fig[idle,$kind]=$(awk -v a="$after" -v b="$before" -v c="$connected" 'BEGIN { printf "%.1f", (c > 0 ? (a - b) / c : 0) }')
  local r
  mapfile -t r < <(report "$out.json" devices.hello_ok errors.total 2>/dev/null || true)
  why[idle,$kind]="hello ${r[0]:-}/$n, connected $connected, errors ${r[1]:-}, exit $rc"
  [ "$rc" = 0 ] && [ "${r[0]:-0}" = "$n" ] && [ "${r[1]:-}" = 0 ] && ok[idle,$kind]=1
  printf '  idle %-6s %d sessions: %s KiB each (RSS %s -> %s KiB), %s\n' "$kind" "$n" "${fig[idle,$kind]}" \
    "$before" "$after" "${why[idle,$kind]}" >&2
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The median of a figure over the counted runs of one kind.
median_of() {
  local name=$1 kind=$2 run
  for ((run = 1; run <= rounds; run++)); do
    [ -n "${ok[talk,$kind,$run]:-}" ] && echo "${fig[$name,$kind,$run]}"
  done | median
}

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); nginx $(nginx -v 2>&1 | sed 's/.*\///')" >&2
start_upstream
if has "$parts" talk; then
  for ((run = 1; run <= rounds; run++)); do
    for kind in $kinds; do talk_run "$kind" "$run"; done
  done
fi
if has "$parts" idle; then
  for kind in $kinds; do [ "$kind" = direct ] || idle_run "$kind"; done
fi

echo
echo "| figure | $(for kind in $kinds; do printf '%s | ' "$kind"; done)"
echo "|---|$(for _ in $kinds; do printf -- '---|'; done)"
if has "$parts" talk; then
  declare -A med
  for kind in $kinds; do
    for name in cpu p50 p99; do med[$name,$kind]=$(median_of "$name" "$kind"); done
  done
  echo "| proxy CPU s per 1,000 echoed frames, $talk_devices devices talking | $(for kind in $kinds; do printf '%s | ' "${med[cpu,$kind]}"; done)"
  echo "| round trip (first reply) p50 ms | $(for kind in $kinds; do printf '%s | ' "${med[p50,$kind]}"; done)"
  echo "| round trip (first reply) p99 ms | $(for kind in $kinds; do printf '%s | ' "${med[p99,$kind]}"; done)"
  if has "$kinds" direct; then
    echo "| added p99 ms over direct | $(for kind in $kinds; do
      awk -v a="${med[p99,$kind]}" -v d="${med[p99,direct]}" 'BEGIN { if (a == "-" || d == "-") printf "- | "; else printf "%.2f | ", a - d }'
    done)"
  fi
fi
if has "$parts" idle; then
  echo "| proxy KiB per idle relayed session, $idle_count sessions | $(for kind in $kinds; do printf '%s | ' "${fig[idle,$kind]:--}"; done)"
fi
echo
for key in "${!why[@]}"; do
  [ -n "${ok[$key]:-}" ] || echo "not counted: $key: ${why[$key]}"
done
