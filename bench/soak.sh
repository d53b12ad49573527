#!/usr/bin/env bash
# Soak benchmark (issue 12): `xiaozhi serve` under a mixed load for a long run, on 127.0.0.1.
# Talking devices, idle devices, OTA requests and firmware downloads, reconnect churn, and the
# attacks of issue 12 at a low rate (bench/soak/clients.py). Every --interval it prints serve's
# RSS and open descriptors; at the end the least-squares slopes over the second half of the run,
# whether serve is still alive, and the simulators' errors. Flat memory is the goal.
#
# Usage: bash bench/soak.sh [--duration 10m] [--binary PATH] [--devices-talking 20]
#            [--devices-idle 200] [--churn-rate 1] [--ota-rate 5] [--interval 30]
#            [--attacks LIST|none] [--admin-kinds LIST] [--settle 35] [--threads 2] [--keep]
#   --binary PATH   the xiaozhi to run (default: build a Release tree in build/release, -j$JOBS,
#                   JOBS=1 unless set)
#   --attacks LIST  clients.py tasks besides ota (default: opus_flood,bad_hello,nested_ws,
#                   nested_admin,slowloris,traversal)
#   --admin-kinds L the nested_admin bodies, in turn (default: toml_dotted,toml_inline_table,
#                   toml_array,json_object)
#   --settle S      seconds to wait after the load before the last sample (the HTTP request
#                   timeout is 30 s: slowloris connections are gone by then)
#   --keep          keep the work folder (serve's log, reports) and print its path
# Exit status: 0 serve survived, 1 serve died (or did not stop cleanly), 2 usage error.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

duration=10m binary="" talking=20 idle=200 churn_rate=1 ota_rate=5 interval=30 settle=35
attacks=opus_flood,bad_hello,nested_ws,nested_admin,slowloris,traversal threads=2 keep=""
admin_kinds=toml_dotted,toml_inline_table,toml_array,json_object
while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    --devices-talking) talking=$2; shift 2 ;;
    --devices-idle) idle=$2; shift 2 ;;
    --churn-rate) churn_rate=$2; shift 2 ;;
    --ota-rate) ota_rate=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --attacks) attacks=$2; shift 2 ;;
    --admin-kinds) admin_kinds=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
# Durations: 90, 90s, 10m, 1h.
seconds_of() {
  case $1 in
    *h) echo $((${1%h} * 3600)) ;; *m) echo $((${1%m} * 60)) ;; *s) echo "${1%s}" ;; *) echo "$1" ;;
  esac
}
dur=$(seconds_of "$duration")
[[ $dur =~ ^[0-9]+$ && $dur -ge 60 ]] || { echo "soak.sh: --duration of at least 1m" >&2; exit 2; }
/usr/bin/python3 -c 'import websockets' 2>/dev/null ||
  { echo "soak.sh: needs python3-websockets (apt-get install python3-websockets)" >&2; exit 2; }

if [ -z "$binary" ]; then
  cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DXIAOZHI_TESTS=OFF >/dev/null
  cmake --build build/release --target xiaozhi -j"${JOBS:-1}" >/dev/null
  binary=build/release/xiaozhi
fi
binary=$(realpath "$binary")
[ -x "$binary" ] || { echo "soak.sh: $binary is not executable" >&2; exit 2; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d /tmp/xiaozhi-soak.XXXXXX)
serve_pid="" load_pids=()
cleanup() {
  for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "$keep" ]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r ws_port http_port < <(/usr/bin/python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
admin_token=soak-$RANDOM$RANDOM
marker=SOAK-SECRET-$RANDOM$RANDOM
mkdir -p "$work/serve/data/bin"
cat >"$work/serve/xiaozhi.toml" <<EOF
# bench/soak.sh: idle devices stay connected for the whole run.
close_connection_no_voice_time = 86400
[server]
ip = "127.0.0.1"
port = $ws_port
http_port = $http_port
admin_token = "$admin_token"
max_connections = 5000
EOF
# A firmware image every OTA answer offers (the devices report 1.0.0), a file outside the
# folder and a symbolic link to it inside (the traversal attack looks for the marker).
{ printf '\xe9'; head -c 262143 /dev/urandom; } >"$work/serve/data/bin/bread-compact-wifi_2.0.0.bin"
echo "$marker" >"$work/serve/secret.txt"
ln -s ../../secret.txt "$work/serve/data/bin/evil_9.9.9.bin"

(cd "$work/serve" && exec "$binary" serve --no-probe --log-format text --log-level warn \
  --threads "$threads" xiaozhi.toml >"$work/serve.log" 2>&1) &
serve_pid=$!
ota=http://127.0.0.1:$http_port/xiaozhi/ota/
for ((i = 0; i < 200; i++)); do
  curl -sf -o /dev/null "http://127.0.0.1:$http_port/healthz" && break
  kill -0 "$serve_pid" 2>/dev/null || { echo "serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git status --porcelain 2>/dev/null)" ] && commit+=" with uncommitted work in progress"
echo "soak: $(date), $(nproc) cores, binary $binary (built $(date -r "$binary" "+%F %T %Z"); tree at start: commit $commit)"
echo "soak: duration ${dur}s, $talking talking + $idle idle devices, churn $churn_rate/s," \
  "OTA $ota_rate/s, attacks: $attacks; serve pid $serve_pid, ws $ws_port, http $http_port"

# ---- the load ---------------------------------------------------------------------------
bound=$((dur + 90))  # every client stops by itself at $dur; timeout is the safety net
sim() {
  local name=$1; shift
  timeout -s INT $bound "$binary" simulate-device --ota "$ota" --threads 1 \
    --report "$work/$name.json" "$@" >"$work/$name.txt" 2>&1 &
  load_pids+=($!)
}
[ "$talking" -gt 0 ] && sim talking --devices "$talking" --ramp 10s --turns 0 --duration "${dur}s" \
  --seed 1
[ "$idle" -gt 0 ] && sim idle --devices "$idle" --ramp 20s --idle --duration "${dur}s" --seed 2
churn_devices=$(awk -v r="$churn_rate" -v d="$dur" 'BEGIN { printf "%d", r * (d - 15) }')
[ "$churn_devices" -gt 0 ] && sim churn --devices "$churn_devices" --rate "$churn_rate" --turns 1 \
  --utterance 1s --duration "${dur}s" --seed 3
tasks=ota
[ "$attacks" != none ] && [ -n "$attacks" ] && tasks=ota,$attacks
timeout -s INT $bound /usr/bin/python3 "$root/bench/soak/clients.py" --ws "ws://127.0.0.1:$ws_port/xiaozhi/v1/" \
  --http-port "$http_port" --admin-token "$admin_token" --duration "$dur" --tasks "$tasks" \
  --ota-rate "$ota_rate" --admin-kinds "$admin_kinds" --secret-marker "$marker" --report "$work/clients.json" \
  >"$work/clients.txt" 2>"$work/clients.err" &
load_pids+=($!)

# ---- sampling -----------------------------------------------------------------------------
hz=$(getconf CLK_TCK)
samples=$work/samples.tsv
sample() {  # phase t
  local status fds sessions conns cpu
  status=/proc/$serve_pid/status
  [ -r "$status" ] || return 1
  fds=$(ls "/proc/$serve_pid/fd" 2>/dev/null | wc -l)
  cpu=$(awk -v hz="$hz" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$serve_pid/stat")
  sessions=$(curl -s -m 5 "http://127.0.0.1:$http_port/healthz" |
    /usr/bin/python3 -c 'import json,sys
try: print(json.load(sys.stdin)["sessions"])
except Exception: print("-")')
  conns=$(curl -s -m 5 "http://127.0.0.1:$http_port/metrics" |
    awk '/^xiaozhi_connections_open / { print $2; f = 1 } END { if (!f) print "-" }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" \
    "$(awk '/^VmRSS/ {print $2}' "$status")" "$fds" \
    "$(awk '/^Threads/ {print $2}' "$status")" "$sessions" "$conns" "$cpu" | tee -a "$samples" |
    awk -F'\t' '{ printf "%-7s %6s %10s %6s %7s %8s %10s %8s\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
}
# sessions: /healthz; http_conns: xiaozhi_connections_open of /metrics; cpu_s: serve's user+system
printf '%-7s %6s %10s %6s %7s %8s %10s %8s\n' phase t_s rss_kib fds threads sessions http_conns cpu_s
start=$(date +%s)
sample start 0
died_at=""
next=$interval
while :; do
  now=$(($(date +%s) - start))
  if [ "$now" -ge "$next" ]; then
    sample load "$now" || { died_at=$now; break; }
    [ "$next" -ge "$dur" ] && break
    next=$((next + interval))
  fi
  kill -0 "$serve_pid" 2>/dev/null || { died_at=$now; break; }
  sleep 1
done

if [ -n "$died_at" ]; then
  echo "soak: serve DIED at t=${died_at}s; stopping the load" >&2
  for pid in "${load_pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
fi
for pid in "${load_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
load_pids=()
if [ -z "$died_at" ]; then
  sleep "$settle"
  sample after "$(($(date +%s) - start))" || died_at="after the load"
fi

# ---- summary -------------------------------------------------------------------------------
echo
# The sample at t = duration is left out of the slopes: the devices are leaving then.
awk -F'\t' -v half=$((dur / 2)) -v dur="$dur" '
  $1 == "start" { rss0 = $3; fd0 = $4 }
  $1 == "load" { last_rss = $3; last_fd = $4; if ($3 > peak) peak = $3 }
  $1 == "load" && $2 >= half && $2 < dur { n++; x = $2 / 60; sx += x; sy += $3; sf += $4; sxx += x * x; sxy += x * $3; sxf += x * $4 }
  $1 == "after" { after_rss = $3; after_fd = $4 }
  END {
    d = n * sxx - sx * sx
    if (n >= 2 && d > 0) {
      printf "RSS slope, second half (%d <= t < %d s, %d samples): %+.1f KiB/min\n", half, dur, n, (n * sxy - sx * sy) / d
      printf "fd slope,  second half: %+.2f descriptors/min\n", (n * sxf - sx * sf) / d
    } else print "slopes: fewer than 2 samples in the second half"
    printf "RSS: start %d KiB, peak %d KiB, last under load %d KiB", rss0, peak, last_rss
    if (after_rss != "") printf ", after the load %d KiB", after_rss
    printf "\nfds: start %d, last under load %d", fd0, last_fd
    if (after_fd != "") printf ", after the load %d", after_fd
    printf "\n"
  }' "$samples"

report_line() {  # name
  [ -f "$work/$1.json" ] || { echo "$1: no report ($(tail -n 2 "$work/$1.txt" | tr '\n' ' '))"; return; }
  /usr/bin/python3 - "$work/$1.json" "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
e, t, lat = r.get("errors", {}), r.get("turns", {}), r.get("latency_ms", {})
def p99(k):
    v = lat.get(k, {}).get("p99")
    return "-" if v is None else f"{v:g} ms"
turns = ", ".join(f"{k} {v}" for k, v in t.items()) if isinstance(t, dict) else t
print(f"{sys.argv[2]}: errors {e.get('total')} of {e.get('operations')} operations"
      f" ({e.get('percent', 0):.2f} %) {json.dumps(e.get('by_class', {}))}; turns: {turns};"
      f" hello p99 {p99('hello')}, first_reply p99 {p99('first_reply')}")
EOF
}
for name in talking idle churn; do [ -f "$work/$name.txt" ] && report_line "$name"; done
if [ -f "$work/clients.json" ]; then
  echo "attack and OTA clients (bench/soak/clients.py), outcomes:"
  /usr/bin/python3 - "$work/clients.json" <<'EOF'
import json, sys
for task, entry in json.load(open(sys.argv[1])).items():
    print(f"  {task}:")
    for outcome, n in entry["outcomes"].items():
        print(f"    {n:6d}  {outcome}")
    for name, v in entry.items():
        if name != "outcomes":
            print(f"    {name}: p50 {v['p50']:g}, max {v['max']:g} ({v['count']} samples)")
EOF
else
  echo "attack clients: no report ($(tail -n 3 "$work/clients.err" | tr '\n' ' '))"
fi
echo "serve log, warnings and errors by kind:"
sed -E 's/^[0-9-]+ [0-9:.]+ +//; s/ (device|session|peer|detail|remote|address)=.*//' "$work/serve.log" |
  grep -E '^(warn|error|critical)|ERROR|Sanitizer' | sort | uniq -c | sort -rn | head -20 | sed 's/^/  /'

status=0
if [ -n "$died_at" ]; then
  echo "serve: DIED (t=$died_at); last lines of its log:"
  tail -n 20 "$work/serve.log" | sed 's/^/  /'
  wait "$serve_pid" 2>/dev/null && rc=0 || rc=$?
  echo "serve exit status $rc"
  serve_pid=""
  status=1
else
  kill -TERM "$serve_pid"
  rc=0
  timeout 60 tail --pid="$serve_pid" -f /dev/null || true
  wait "$serve_pid" 2>/dev/null || rc=$?
  serve_pid=""
  echo "serve: alive to the end; SIGTERM exit status $rc"
  grep -E 'LeakSanitizer|SUMMARY' "$work/serve.log" | head -5 | sed 's/^/  /' || true
  [ "$rc" -eq 0 ] || status=1
fi
exit $status
