#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the benchmarks need (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
  g++ cmake make pkg-config git clang libfuzzer-14-dev
  libcli11-dev libboost-dev libtomlplusplus-dev nlohmann-json3-dev libopus-dev catch2
  libyaml-cpp-dev libssl-dev openssl libspdlog-dev libfmt-dev
  groff-base bash-completion systemd
  python3-websockets python3-aiohttp wrk prometheus etcd-server etcd-client
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
