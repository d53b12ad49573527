#!/usr/bin/env bash
# Benchmark: `xiaozhi serve` beside a Python peer (websockets + aiohttp) on 127.0.0.1, driven by
# `xiaozhi simulate-device` and wrk: idle memory per device, streaming capacity, OTA requests/s.
# Usage: bash bench/serve-vs-peer.sh   (builds a release tree in build/bench; takes ~15 minutes)
# Knobs (environment): IDLE_COUNTS="1000 10000"  STEPS="50 100 200 400 1000 2000 4000 8000"
#                      STEP_RAMP=10  STEP_SECONDS=25  WRK_SECONDS=10  OTA_RUNS=3  SKIP_CAPACITY=1
#                      NO_BUILD=1 (use the build/bench/xiaozhi already there)
#                      CAPACITY_KINDS="serve" (the capacity steps of one server only)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
idle_counts=${IDLE_COUNTS-"1000 10000"}  # IDLE_COUNTS="" skips the memory runs
steps=${STEPS:-"50 100 200 400 1000 2000 4000 8000"}
step_ramp=${STEP_RAMP:-10}
step_seconds=${STEP_SECONDS:-25}
wrk_seconds=${WRK_SECONDS:-10}
ota_runs=${OTA_RUNS:-3}  # serve and peer alternately, this many times each

if [ -z "${NO_BUILD:-}" ]; then
  cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DXIAOZHI_TESTS=OFF >/dev/null
  flock /tmp/xiaozhi-build.lock cmake --build build/bench --target xiaozhi -j2 >/dev/null
fi
bin=$root/build/bench/xiaozhi
peer=$root/bench/peers/python_peer.py
/usr/bin/python3 -c 'import websockets, aiohttp' 2>/dev/null ||
  { echo "needs python3-websockets and python3-aiohttp (scripts/install-deps.sh)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "needs wrk (scripts/install-deps.sh)" >&2; exit 2; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fd_limit=$(ulimit -n)

work=$(mktemp -d)
server_pid=""
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

declare -A ws_port=([serve]=18000 [peer]=18100)
declare -A http_port=([serve]=18003 [peer]=18103)
declare -A result

ota_url() { echo "http://127.0.0.1:${http_port[$1]}/xiaozhi/ota/"; }
ws_url() { echo "ws://127.0.0.1:${ws_port[$1]}/xiaozhi/v1/"; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# User plus system CPU time of a process so far, in milliseconds.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }
established() { ss -Htn state established "( sport = :$1 )" | wc -l; }

# Starts a fresh server of kind serve|peer and waits until its OTA endpoint answers.
start_server() {
  local kind=$1
  mkdir -p "$work/$kind"
  if [ "$kind" = serve ]; then
    (cd "$work/$kind" && exec "$bin" serve --no-probe --log-level warn --log-format text \
      --set server.ip=127.0.0.1 --set server.port="${ws_port[serve]}" \
      --set server.http_port="${http_port[serve]}" --set server.max_connections=100000 \
      >"$work/serve.log" 2>&1) &
  else
    /usr/bin/python3 "$peer" "${ws_port[peer]}" "${http_port[peer]}" >"$work/peer.log" 2>&1 &
  fi
  server_pid=$!
  for ((i = 0; i < 100; i++)); do
    curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
      -H 'Device-Id: aa:bb:cc:dd:ee:ff' -H 'Client-Id: 3b3e2f5c-1111-4222-8333-444455556666' \
      -d '{"application":{"version":"1.0.0"}}' \
      "$(ota_url "$kind")" && return 0
    sleep 0.1
  done
  echo "$kind did not start:" >&2
  cat "$work/$kind.log" >&2
  exit 3
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# Idle devices (--idle: hello, then nothing until --duration ends). RSS is read while every
# device sits connected.
idle_memory() {
  local kind=$1 n=$2
  local ramp=$(((n + 499) / 500))
  start_server "$kind"
  sleep 1
  local before
  before=$(rss_kib "$server_pid")
  timeout $((ramp + 120)) "$bin" simulate-device --ws "$(ws_url "$kind")" --devices "$n" \
    --ramp "${ramp}s" --idle --duration "$((ramp + 15))s" \
    --report "$work/idle-$kind-$n.json" >"$work/idle-$kind-$n.txt" 2>&1 &
  sim_pid=$!
  local connected=0
  for ((i = 0; i < (ramp + 30) * 10; i++)); do
    connected=$(established "${ws_port[$kind]}")
    [ "$connected" -ge "$n" ] && break
    sleep 0.1
  done
  sleep 3
  connected=$(established "${ws_port[$kind]}")
  local after sim
  after=$(rss_kib "$server_pid")
  sim=$(rss_kib "$(pgrep -P "$sim_pid")")  # the simulator, child of timeout
  kill -INT "$sim_pid"
  wait "$sim_pid" 2>/dev/null || true
  sim_pid=""
  stop_server
  result[idle_connected_${kind}_$n]=$connected
  result[idle_before_${kind}_$n]=$before
  result[idle_after_${kind}_$n]=$after
  result[idle_per_${kind}_$n]=$(awk -v a="$after" -v b="$before" -v c="$connected" \
    'BEGIN { printf "%.1f", (c > 0 ? (a - b) / c : 0) }')
  result[sim_rss_${kind}_$n]=$sim
}

# Reads one figure from a simulate-device report.
report_value() {
  /usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    d = d[key]
print(d)' "$1" "$2"
}

# Streaming capacity: ever more devices talking in manual mode (one frame up every 60 ms,
# 1.8 s utterances, the echo back, 200 ms pauses) until an objective is breached.
capacity() {
  local kind=$1 best=0 failed_at="" n
  for n in $steps; do
    if [ "$n" -gt $((fd_limit - 100)) ]; then
      failed_at="$n (fd limit $fd_limit)"
      break
    fi
    start_server "$kind"
    local report=$work/cap-$kind-$n.json rc=0
    timeout $((step_ramp + step_seconds + 90)) "$bin" simulate-device --ota "$(ota_url "$kind")" \
      --devices "$n" --ramp "${step_ramp}s" --duration "${step_seconds}s" --turns 0 \
      --mode manual --pause 200ms --slo 'hello.p99<200ms' --slo 'first_reply.p99<300ms' \
      --slo 'errors<1' --report "$report" >"$work/cap-$kind-$n.txt" 2>&1 || rc=$?
    local server_cpu
    server_cpu=$(cpu_ms "$server_pid")
    stop_server
    if [ -f "$report" ]; then
      printf '  %-5s %5d devices: exit %d  hello p99 %s ms  first_reply p99 %s ms  errors %s  pacing p99 %s ms\n' \
        "$kind" "$n" "$rc" "$(report_value "$report" latency_ms.hello.p99)" \
        "$(report_value "$report" latency_ms.first_reply.p99)" \
        "$(report_value "$report" errors.total)" \
        "$(report_value "$report" latency_ms.pacing_lateness.p99)" >&2
    else
      printf '  %-5s %5d devices: exit %d, no report\n' "$kind" "$n" "$rc" >&2
    fi
    if [ "$rc" -ne 0 ]; then
      failed_at=$n
      break
    fi
    best=$n
    if [ -f "$report" ]; then
      result[cap_pacing_${kind}_$n]=$(report_value "$report" latency_ms.pacing_lateness.p99)
      local frames
      frames=$(($(report_value "$report" frames.sent) + $(report_value "$report" frames.received)))
      result[cap_cpu_${kind}_$n]=$(awk -v c="$server_cpu" -v f="$frames" \
        'BEGIN { printf "%.1f", (f > 0 ? c * 1000 / f : 0) }')
    fi
  done
  result[cap_$kind]=$best
  result[cap_fail_$kind]=${failed_at:-"none up to the last step"}
}

# The firmware's OTA POST, as a wrk script.
cat >"$work/post.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Device-Id"] = "aa:bb:cc:dd:ee:ff"
wrk.headers["Client-Id"] = "3b3e2f5c-1111-4222-8333-444455556666"
wrk.headers["User-Agent"] = "bread-compact-wifi/1.0.0"
wrk.body = '{"application":{"version":"1.0.0","name":"xiaozhi"},"board":{"type":"bread-compact-wifi"},"mac_address":"aa:bb:cc:dd:ee:ff","uuid":"3b3e2f5c-1111-4222-8333-444455556666"}'
EOF

# One wrk run against a fresh server of kind serve|peer; run number $2.
ota_rps() {
  local kind=$1 run=$2
  start_server "$kind"
  local out=$work/wrk-$kind-$run.txt
  wrk -t2 -c32 -d"${wrk_seconds}s" -s "$work/post.lua" "$(ota_url "$kind")" >"$out" 2>&1
  stop_server
  result[rps_${kind}_$run]=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$out")
  result[rps_bad_$kind]+=$(awk '/Non-2xx|Socket errors/ {print}' "$out" | tr '\n' ' ')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(date -u +%F)," \
  "fd limit $fd_limit, load average at start $(cut -d' ' -f1-3 /proc/loadavg)" >&2
counts=""
for n in $idle_counts; do
  if [ $((n + 200)) -gt "$fd_limit" ]; then
    echo "skipping $n idle devices: fd limit $fd_limit" >&2
    continue
  fi
  counts="$counts $n"
  for kind in serve peer; do
    echo "idle memory: $kind, $n devices" >&2
    idle_memory "$kind" "$n"
  done
done
for ((run = 1; run <= ota_runs; run++)); do
  for kind in serve peer; do
    echo "OTA requests/s: $kind, run $run of $ota_runs" >&2
    ota_rps "$kind" "$run"
  done
done
if [ -z "${SKIP_CAPACITY:-}" ]; then
  for kind in ${CAPACITY_KINDS:-serve peer}; do
    echo "streaming capacity: $kind" >&2
    capacity "$kind"
  done
fi

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo
echo "| what | serve | peer (Python websockets + aiohttp) | serve/peer |"
echo "|---|---|---|---|"
for n in $counts; do
  s=${result[idle_per_serve_$n]} p=${result[idle_per_peer_$n]}
  echo "| RSS per idle device, $n devices (KiB; connected: serve ${result[idle_connected_serve_$n]}, peer ${result[idle_connected_peer_$n]}) | $s | $p | $(ratio "$s" "$p") |"
  echo "| server RSS before -> after, $n devices (KiB) | ${result[idle_before_serve_$n]} -> ${result[idle_after_serve_$n]} | ${result[idle_before_peer_$n]} -> ${result[idle_after_peer_$n]} | |"
done
for n in $counts; do
  s=${result[sim_rss_serve_$n]}
  echo "| simulator RSS with $n idle devices (KiB, whole process; per device) | $s; $(awk -v s="$s" -v n="$n" 'BEGIN { printf "%.1f", s / n }') | ${result[sim_rss_peer_$n]} | |"
done
set -- $counts
if [ $# -ge 2 ]; then
  lo=$1 hi=${!#}
  echo "| simulator RSS per added device, $lo -> $hi (KiB) | $(awk -v a="${result[sim_rss_serve_$hi]}" -v b="${result[sim_rss_serve_$lo]}" -v n=$((hi - lo)) 'BEGIN { printf "%.1f", (a - b) / n }') | $(awk -v a="${result[sim_rss_peer_$hi]}" -v b="${result[sim_rss_peer_$lo]}" -v n=$((hi - lo)) 'BEGIN { printf "%.1f", (a - b) / n }') | |"
fi
if [ -z "${SKIP_CAPACITY:-}" ]; then
  echo "| streaming capacity: most devices talking with hello p99 < 200 ms, first_reply p99 < 300 ms, 0 errors (first failing step) | ${result[cap_serve]:-} (${result[cap_fail_serve]:-}) | ${result[cap_peer]:-} (${result[cap_fail_peer]:-}) | $(ratio "${result[cap_serve]:-0}" "${result[cap_peer]:-0}") |"
  for n in $steps; do
    s=${result[cap_cpu_serve_$n]:-} p=${result[cap_cpu_peer_$n]:-}
    [ -n "$s" ] && [ -n "$p" ] || continue
    echo "| server CPU per 1,000 WebSocket frames (up and down), $n talking devices (ms) | $s | $p | $(ratio "$s" "$p") |"
  done
  if [ -n "${result[cap_pacing_serve_1000]:-}" ]; then
    echo "| simulator pacing lateness p99, 1,000 talking devices (ms) | ${result[cap_pacing_serve_1000]} | ${result[cap_pacing_peer_1000]:-not reached} | |"
  fi
fi
serve_runs=() peer_runs=() ratios=()
for ((run = 1; run <= ota_runs; run++)); do
  serve_runs+=("${result[rps_serve_$run]}")
  peer_runs+=("${result[rps_peer_$run]}")
  ratios+=("$(ratio "${result[rps_serve_$run]}" "${result[rps_peer_$run]}")")
done
join() { local IFS=/; echo "$*" | sed 's|/| / |g'; }
echo "| OTA POST requests/s (wrk, 2 threads, 32 keep-alive connections, ${wrk_seconds} s; $ota_runs runs each, alternating) | $(join "${serve_runs[@]}") ${result[rps_bad_serve]:-} | $(join "${peer_runs[@]}") ${result[rps_bad_peer]:-} | $(join "${ratios[@]}") (median $(median "${ratios[@]}")) |"
