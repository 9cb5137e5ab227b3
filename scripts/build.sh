#!/usr/bin/env bash
# Installs what is missing, configures and builds stopsim into ./build (extra args go to cmake).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j"$(nproc)"
