#!/usr/bin/env bash
# Checks packaging/fleet: check-ports passes each instance's files, systemd-analyze accepts the
# template unit, and three instances started from the files (etcd, address and ports moved to
# free loopback ones) pass check-ports --fleet against each other on a real etcd member while
# a fourth configuration with a taken port does not. Usage: fleet_example.sh BINARY SOURCE_DIR
set -euo pipefail
binary=$(realpath "$1")
example=$2/packaging/fleet

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "fleet_example.sh: $*" >&2; exit 1; }

for i in a b c; do
  "$binary" check-ports "$example/fleet.toml" "$example/$i.toml" --no-probe > "$work/check-$i" ||
    fail "check-ports fails on fleet.toml + $i.toml: $(cat "$work/check-$i")"
done

root=$work/root
mkdir -p "$root/usr/bin" "$root/usr/lib/systemd" "$root/etc/systemd/system"
ln -s usr/bin "$root/bin"
cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
cp "$binary" "$root/usr/bin/xiaozhi"
cp /bin/kill "$root/usr/bin/kill"
cp "$example/xiaozhi@.service" "$root/etc/systemd/system/"
output=$(systemd-analyze verify --man=no --root="$root" xiaozhi@a.service 2>&1) ||
  fail "systemd-analyze verify xiaozhi@a.service failed: $output"
[[ -z $output ]] || fail "systemd-analyze verify xiaozhi@a.service: $output"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
client=$(free_port) peer=$(free_port)
etcd --name example --data-dir "$work/etcd" --logger zap --log-outputs "$work/etcd.log" \
  --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "example=http://127.0.0.1:$peer" > /dev/null 2>&1 &
pids+=($!)
# POSTs $2 to etcd's gateway path $1 and prints the answer ("" when it does not answer).
etcd_post() {
  /usr/bin/python3 - "$client" "$1" "$2" <<'PY' 2>/dev/null || true
import sys, urllib.request
answer = urllib.request.urlopen("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]),
                                data=sys.argv[3].encode(), timeout=2)
print(answer.read().decode())
PY
}
for ((n = 0; n < 100; n++)); do
  [[ -n $(etcd_post /v3/kv/range '{"key":"eA=="}') ]] && break
  sleep 0.2
done

sed -e "s|http://127.0.0.1:2379|http://127.0.0.1:$client|" -e 's|0.0.0.0|127.0.0.1|' \
  -e 's|192.0.2.10|127.0.0.1|' "$example/fleet.toml" > "$work/fleet.toml"
for i in a b c; do
  sed -e "s|^port = .*|port = $(free_port)|" -e "s|^http_port = .*|http_port = $(free_port)|" \
    "$example/$i.toml" > "$work/$i.toml"
done
for i in a b; do
  mkdir -p "$work/run-$i"
  (cd "$work/run-$i" && exec "$binary" serve "$work/fleet.toml" "$work/$i.toml" > log 2>&1) &
  pids+=($!)
done
for ((n = 0; n < 150; n++)); do
  count=$(etcd_post /v3/kv/range \
    '{"key":"L3hpYW96aGkvZXhhbXBsZS9pbnN0YW5jZXMv","range_end":"L3hpYW96aGkvZXhhbXBsZS9pbnN0YW5jZXMw","count_only":true}' |
    /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read() or "{}").get("count","0"))')
  [[ $count == 2 ]] && break
  sleep 0.2
done
[[ $count == 2 ]] || fail "instances a and b did not register: $(cat "$work"/run-*/log)"

"$binary" check-ports "$work/fleet.toml" "$work/c.toml" --no-probe --fleet "http://127.0.0.1:$client" \
  > "$work/check-c-fleet" || fail "check-ports --fleet fails on c: $(cat "$work/check-c-fleet")"
# c with a's port: the registry names a.
a_port=$(sed -n 's/^port = //p' "$work/a.toml")
sed -e "s|^port = .*|port = $a_port|" "$work/c.toml" > "$work/c-taken.toml"
status=0
"$binary" check-ports "$work/fleet.toml" "$work/c-taken.toml" --no-probe \
  --fleet "http://127.0.0.1:$client" > "$work/check-taken" || status=$?
[[ $status == 1 ]] || fail "check-ports --fleet with a's port exited $status, not 1"
grep -q "fleet.port-conflict" "$work/check-taken" || fail "no fleet.port-conflict: $(cat "$work/check-taken")"
grep -q "fleet instance a" "$work/check-taken" || fail "the finding does not name a"
echo "fleet_example.sh: ok"
