#!/usr/bin/env bash
# Benchmark: conflict detection on 5,000 listeners, in-process and through the real CLI.
# Usage: bash bench/check-ports.sh [LISTENERS]   (builds a release tree in build/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-5000}
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DXIAOZHI_TESTS=OFF >/dev/null
cmake --build build/bench -j"$(nproc)" --target xiaozhi conflict_detection >/dev/null

echo "== in-process: analysis vs naive pairwise scan =="
./build/bench/bench/conflict_detection "$count"

echo
echo "== end to end: xiaozhi check-ports on a compose file publishing $count ports =="
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'server:\n  ip: 0.0.0.0\n  port: 8000\n  http_port: 8003\n' > "$work/config.yaml"
{
  echo "services:"
  for ((s = 0; s < count / 2; s++)); do
    echo "  svc$s:"
    echo "    image: example/svc"
    echo "    ports:"
    echo "      - \"$((20000 + 2 * s)):8000\""
    echo "      - \"$((20000 + 2 * s + 1)):8003\""
  done
} > "$work/docker-compose.yml"
runs=5
best=999999
for ((r = 0; r < runs; r++)); do
  start=$(date +%s%N)
  ./build/bench/xiaozhi check-ports --no-probe --format json "$work" > "$work/out.json" || true
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  (( ms < best )) && best=$ms
done
echo "check-ports, best of $runs: ${best} ms ($(grep -c '"rule"' "$work/out.json") findings)"
start=$(date +%s%N)
/usr/bin/python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$work/docker-compose.yml" 2>/dev/null \
  && { end=$(date +%s%N); echo "peer: PyYAML only parsing the same compose file: $(( (end - start) / 1000000 )) ms"; } \
  || echo "peer: python3-yaml not installed (apt-get install python3-yaml)"
