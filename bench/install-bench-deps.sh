#!/usr/bin/env bash
# Installs what bench/compare.sh needs beyond scripts/install-deps.sh: Node.js + npm packages, Go + gorilla/websocket, h2load, nginx, a C compiler and libcrypto.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update
packages=(golang-go golang-github-gorilla-websocket-dev nghttp2-client gcc libssl-dev curl
  python3-websockets python3-aiohttp iproute2 nginx openssl procps)
# A Node.js that is already there (possibly with its own npm) stays; else Debian's.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
apt-get install -y --no-install-recommends "${packages[@]}"
# ws, and bufferutil when it installs (optional: ws runs without it).
(cd peers/node && npm ci --no-audit --no-fund)
