#!/usr/bin/env bash
# Benchmark: OTA answers per CPU second of serve with fleet mode off and on (a real etcd member), on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/process_figures.sh
source bench/process_figures.sh

usage() {
  cat <<'EOF'
Usage: bash bench/fleet.sh [OPTIONS]

One `xiaozhi serve` at a time answers device OTA requests (POST /xiaozhi/ota/ with Device-Id,
Client-Id and a firmware body) from wrk:
  plain   no fleet;
  fleet   fleet.etcd set to an etcd member started for the run (Debian's etcd, fresh data
          folder), with three more instances registered, so every answer reads the registry
          the instance keeps and picks the instance with the most free capacity.
Figure: OTA answers per CPU second of the answering serve (utime + stime of its process,
wrk and etcd not counted), each kind alternating over the rounds, the median.
Everything listens on 127.0.0.1 and stops by itself.

Options (defaults in brackets):
  --binary PATH    xiaozhi binary [build/reltest/xiaozhi]
  --rounds N       rounds [3]
  --seconds S      seconds of wrk per run [10]
  --connections N  wrk connections [50]
  -h, --help       this help
Needs: wrk and etcd (bash scripts/install-deps.sh installs both).
EOF
}

bin=build/reltest/xiaozhi rounds=3 seconds=10 connections=50
while [ $# -gt 0 ]; do
  case $1 in
    --binary) bin=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --connections) connections=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
bin=$(realpath "$bin")
command -v wrk >/dev/null || { echo "wrk is missing (bash scripts/install-deps.sh)" >&2; exit 3; }
command -v etcd >/dev/null || { echo "etcd is missing (bash scripts/install-deps.sh)" >&2; exit 3; }

work=$(mktemp -d /tmp/xiaozhi-fleet-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Waits for a listener on port $1; names the log $2 (if any) when none comes.
wait_port() {
  for ((i = 0; i < 100; i++)); do
    [ -n "$(ss -Htln "( sport = :$1 )")" ] && return 0
    sleep 0.1
  done
  echo "nothing listens on $1" >&2
  [ -n "${2:-}" ] && tail -5 "$2" >&2
  exit 3
}

etcd_port=$(free_port) etcd_peer=$(free_port)
etcd --name b1 --data-dir "$work/etcd" --logger zap --log-outputs "$work/etcd.log" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "b1=http://127.0.0.1:$etcd_peer" >/dev/null 2>&1 &
pids+=($!)
wait_port "$etcd_port"

# serve in $1 with its WebSocket on port $2 and HTTP on $3, the rest of the arguments after.
start_serve() {
  local dir=$1 port=$2 http=$3
  shift 3
  mkdir -p "$dir"
  (cd "$dir" && exec "$bin" serve --no-probe --log-level warn --log-format text \
    --set server.ip=127.0.0.1 --set server.port="$port" --set server.http_port="$http" "$@") \
    >>"$dir/serve.log" 2>&1 &
  echo $!
}

fleet_args() {
  printf '%s\n' --set "fleet.etcd=[\"http://127.0.0.1:$etcd_port\"]" --set fleet.name=bench \
    --set "fleet.instance=$1"
}

# Three more instances in the registry, so the answering one chooses among four.
for i in 1 2 3; do
  mapfile -t args < <(fleet_args "other-$i")
  pids+=("$(start_serve "$work/other-$i" "$(free_port)" "$(free_port)" "${args[@]}")")
done

cat >"$work/ota.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Device-Id"] = "aa:bb:cc:dd:ee:01"
wrk.headers["Client-Id"] = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"application":{"version":"1.0.0"},"board":{"type":"bread"}}'
LUA

declare -A figure
serve_pid=""
measured_pids() { [ -n "$serve_pid" ] && echo "$serve_pid"; }

run() {
  local kind=$1 round=$2 http cpu0 cpu1 answers args=()
  http=$(free_port)
  [ "$kind" = fleet ] && mapfile -t args < <(fleet_args "answering")
  serve_pid=$(start_serve "$work/$kind-$round" "$(free_port)" "$http" "${args[@]}")
  wait_port "$http" "$work/$kind-$round/serve.log"
  sleep 2  # a registry read in the fleet
  cpu0=$(cpu_ms)
  wrk -t1 -c"$connections" -d"${seconds}s" -s "$work/ota.lua" \
    "http://127.0.0.1:$http/xiaozhi/ota/" >"$work/wrk-$kind-$round.txt"
  cpu1=$(cpu_ms)
  answers=$(awk '/requests in/ {print $1}' "$work/wrk-$kind-$round.txt")
  if grep -q "Non-2xx" "$work/wrk-$kind-$round.txt"; then
    echo "  $kind round $round: answers other than 200, not counted" >&2
    answers=0
  fi
  kill "$serve_pid"
  wait "$serve_pid" 2>/dev/null || true
  figure[$kind,$round]=$(awk -v a="$answers" -v c=$((cpu1 - cpu0)) 'BEGIN { printf "%.0f", (c > 0 ? a * 1000 / c : 0) }')
  echo "  $kind round $round: $answers answers, $((cpu1 - cpu0)) ms CPU, ${figure[$kind,$round]} answers per CPU second"
}

for ((round = 1; round <= rounds; round++)); do
  run plain "$round"
  run fleet "$round"
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
plain=() fleet=()
for ((round = 1; round <= rounds; round++)); do
  plain+=("${figure[plain,$round]}")
  fleet+=("${figure[fleet,$round]}")
done
echo
echo "| figure | fleet off | fleet on (4 instances) |"
echo "|---|---|---|"
echo "| OTA answers per CPU second (median of $rounds) | $(median "${plain[@]}") | $(median "${fleet[@]}") |"
