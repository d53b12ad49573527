#!/usr/bin/env bash
# Fuzzing (issue 12): runs each libFuzzer target of tests/fuzz for a bounded time, one line each.
#
# Usage: bash bench/fuzz.sh [SECONDS] [TARGET...]
#   SECONDS   time per target (default 60)
#   TARGET    config_yaml config_toml config_json binary_frame device_message ota_request
#             compose http_head (default: all)
# Builds build/fuzz with clang (-DXIAOZHI_FUZZ=ON, -j$JOBS, JOBS=1 unless set) when needed.
# Each target starts from tests/fuzz/corpus/<target>; new corpus entries go to a scratch folder
# under $TMPDIR (removed at the end; add the interesting ones to the corpus by hand), crash, leak,
# timeout and out-of-memory inputs to $FINDINGS/<target>/ (default build/fuzz/findings), with the
# log beside them. Exit status: 0 nothing found, 1 a target found something, 2 usage error.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-60}
[ $# -gt 0 ] && shift
case $seconds in
  '' | *[!0-9]*) echo "usage: bash bench/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config_yaml config_toml config_json binary_frame
                                      device_message ota_request compose http_head)
build=$root/build/fuzz
findings=${FINDINGS:-$build/findings}

if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DXIAOZHI_FUZZ=ON -DXIAOZHI_TESTS=OFF -DXIAOZHI_WERROR=ON >/dev/null
fi
cmake --build "$build" --target "${targets[@]/#/fuzz_}" -j"${JOBS:-1}" >/dev/null

scratch=$(mktemp -d "${TMPDIR:-/tmp}/xiaozhi-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export UBSAN_OPTIONS=print_stacktrace=1
status=0
for target in "${targets[@]}"; do
  corpus=$root/tests/fuzz/corpus/$target
  [ -d "$corpus" ] || { echo "$target: no corpus folder $corpus" >&2; exit 2; }
  mkdir -p "$scratch/$target" "$findings/$target"
  log=$findings/$target/fuzz.log
  set +e
  "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$findings/$target/" "$scratch/$target" "$corpus" \
    >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1)
  found=$(find "$findings/$target" -maxdepth 1 -type f ! -name fuzz.log | wc -l)
  if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]; then
    result=ok
    rm -f "$log"
  else
    result="FOUND $found (exit $rc), see $findings/$target"
    status=1
  fi
  echo "$target: $result; ${execs:-?} execs in ${seconds}s, ${cov:-no coverage line}," \
    "$(find "$scratch/$target" -type f | wc -l) new corpus entries"
done
exit $status
