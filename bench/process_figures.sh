# Sourced by the benchmarks: what they read of processes, sockets and simulator reports.

# Resident memory of the processes whose PIDs `measured_pids` prints, together, in KiB.
rss_kib() {
  local pid total=0
  for pid in $(measured_pids); do total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status"))); done
  echo "$total"
}

# User plus system CPU time of those processes so far, in milliseconds.
cpu_ms() {
  local pid total=0
  for pid in $(measured_pids); do
    total=$((total + $(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat")))
  done
  echo "$total"
}

# Established TCP connections whose local port is $1.
established() { ss -Htn state established "( sport = :$1 )" | wc -l; }

# Prints the listed figures of a simulate-device report ($1), one a line ("a.b" paths).
report() {
  /usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for path in sys.argv[2:]:
    v = d
    for key in path.split("."):
        v = v[key]
    print(v)' "$@"
}
