#!/usr/bin/env bash
# Checks packaging/xiaozhi.service with `systemd-analyze verify` in a scratch root holding the
# built binary as /usr/bin/xiaozhi: any message (an unknown key, an unparsable value, a command
# that is not executable) fails. Usage: systemd_unit.sh BINARY SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
unit=$source_dir/packaging/xiaozhi.service

command -v systemd-analyze > /dev/null || {
    echo "systemd_unit.sh: systemd-analyze not found (Debian package: systemd)" >&2
    exit 1
}
[[ -f $unit ]] || { echo "systemd_unit.sh: missing $unit" >&2; exit 1; }
[[ -d /usr/lib/systemd/system ]] || {
    echo "systemd_unit.sh: no /usr/lib/systemd/system to take the standard targets from" >&2
    exit 1
}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/bin" "$root/usr/lib/systemd" "$root/etc/systemd/system"
ln -s usr/bin "$root/bin"
cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
cp "$binary" "$root/usr/bin/xiaozhi"
cp /bin/kill "$root/usr/bin/kill"
cp "$unit" "$root/etc/systemd/system/xiaozhi.service"

status=0
output=$(systemd-analyze verify --man=no --root="$root" xiaozhi.service 2>&1) || status=$?
if [[ $status -ne 0 || -n $output ]]; then
    echo "systemd_unit.sh: systemd-analyze verify failed (exit $status):" >&2
    echo "$output" >&2
    exit 1
fi
echo "systemd_unit.sh: ok"
