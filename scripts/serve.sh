#!/usr/bin/env bash
# Installs the packages, builds a release binary and runs `xiaozhi serve` on built-in defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DXIAOZHI_TESTS=OFF
cmake --build build/release -j"$(nproc)"
# The server runs in a working folder of its own: with no config file there it serves on
# built-in defaults (WebSocket 8000, HTTP 8003), and its state (data/state) and firmware
# (data/bin) stay out of the source tree. Arguments go to `xiaozhi serve`, relative to that folder.
mkdir -p build/serve
cd build/serve
exec ../release/xiaozhi serve "$@"
