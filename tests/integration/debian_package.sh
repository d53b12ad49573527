#!/usr/bin/env bash
# Builds the Debian package with `cpack -G DEB` from the build tree of BINARY and checks that it
# holds the binary, the man pages, the completions and the systemd unit, under /usr.
# Usage: debian_package.sh BINARY SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
build_dir=$(dirname "$binary")

command -v dpkg-deb > /dev/null || { echo "debian_package.sh: dpkg-deb not found" >&2; exit 1; }
[[ -f $build_dir/CPackConfig.cmake ]] || {
    echo "debian_package.sh: no CPackConfig.cmake in $build_dir" >&2
    exit 1
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$build_dir" && cpack -G DEB -B "$out" > "$out/cpack.log" 2>&1) || {
    cat "$out/cpack.log" >&2
    echo "debian_package.sh: cpack failed" >&2
    exit 1
}
shopt -s nullglob
debs=("$out"/xiaozhi_*.deb)
[[ ${#debs[@]} -eq 1 ]] || { echo "debian_package.sh: expected one xiaozhi_*.deb in $out" >&2; exit 1; }

contents=$(dpkg-deb -c "${debs[0]}")
status=0
expected=(./usr/bin/xiaozhi ./usr/lib/systemd/system/xiaozhi.service
          ./usr/share/bash-completion/completions/xiaozhi)
for page in "$source_dir"/man/*.1; do
    expected+=("./usr/share/man/man1/$(basename "$page")")
done
for path in "${expected[@]}"; do
    grep -qF -- " $path" <<< "$contents" || { echo "debian_package.sh: the package lacks $path" >&2; status=1; }
done
[[ $(dpkg-deb -f "${debs[0]}" Package) == xiaozhi ]] || { echo "debian_package.sh: wrong package name" >&2; status=1; }
[[ $status -eq 0 ]] && echo ok
exit $status
