#!/usr/bin/env bash
# Installs, from Debian 12's archive, whatever stopsim needs that is not there yet: the build
# dependencies, plus any further package names given as arguments (scripts/test.sh adds the test
# tools). Idempotent: when every package is present it changes nothing and needs no network.
set -euo pipefail
pkgs=(g++ cmake make pkg-config libsystemc-dev libboost-program-options-dev libspdlog-dev
      catch2 libyaml-cpp-dev nlohmann-json3-dev libssl-dev python3 gnuplot-nox parallel "$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
