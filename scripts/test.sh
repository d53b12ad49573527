#!/usr/bin/env bash
# Installs the packages, builds with AddressSanitizer + UndefinedBehaviorSanitizer and runs every test through ctest.
# Then builds the same tests as users and packagers do (Release, build/reltest) and runs them again.
# Then builds the libFuzzer targets with clang (build/fuzz: only the libraries they link) and
# runs each over its corpus once (regression mode; bench/fuzz.sh fuzzes for real).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DXIAOZHI_SANITIZE=ON -DXIAOZHI_WERROR=ON
cmake --build build/test -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build/test --output-on-failure -j"$(nproc)" "$@"
cmake -S . -B build/reltest -DCMAKE_BUILD_TYPE=Release -DXIAOZHI_WERROR=ON
cmake --build build/reltest -j"$(nproc)"
ctest --test-dir build/reltest --output-on-failure -j"$(nproc)" "$@"
CC=clang CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXIAOZHI_FUZZ=ON \
  -DXIAOZHI_TESTS=OFF -DXIAOZHI_WERROR=ON
cmake --build build/fuzz --target fuzz -j"$(nproc)"
ctest --test-dir build/fuzz --output-on-failure -j"$(nproc)"
