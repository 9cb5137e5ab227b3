#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (tests/fuzz) with Debian's clang into build-fuzz and runs each for
# SECONDS (default 30), seeded from the scenario library, tests/bad and tests/fuzz/corpus.
# Exits non-zero on any finding (crash, hang past -timeout, leak, sanitizer report, broken message
# form); the input that caused it is left in build-fuzz/findings/. docs/fuzzing.md says more.
#   scripts/fuzz.sh [SECONDS]      environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_JOBS,
#                                  FUZZ_TIMEOUT (seconds one input may take before it counts as a
#                                  hang; default 30: the largest seeds take a few seconds under the
#                                  sanitizers, and a loaded machine must not turn that into a finding)
set -euo pipefail
secs="${1:-30}"
case "$secs" in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${FUZZ_JOBS:-2}"
timeout="${FUZZ_TIMEOUT:-30}"
bash "$root/scripts/deps.sh" clang libclang-rt-14-dev
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSTOPSIM_FUZZ=ON -DSTOPSIM_TESTS=OFF -DSTOPSIM_WERROR=ON >/dev/null
fi
cmake --build "$build" -j"$jobs" --target fuzz_scenario fuzz_overrides >/dev/null
mkdir -p "$build/findings" "$build/corpus/scenario" "$build/corpus/overrides"
status=0
run() {
  local name="$1" max_len="$2"; shift 2
  echo "fuzz: $name for ${secs}s" >&2
  # The first corpus directory is the working one (new inputs go there); the others only seed.
  if ! "$build/tests/fuzz/fuzz_$name" "$build/corpus/$name" "$@" -max_total_time="$secs" -max_len="$max_len" \
      -timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/findings/$name-" \
      > "$build/fuzz_$name.log" 2>&1; then
    echo "fuzz: $name FOUND A PROBLEM (log: $build/fuzz_$name.log, input: $build/findings/)" >&2
    tail -n 40 "$build/fuzz_$name.log" >&2
    status=1
  fi
  grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$build/fuzz_$name.log" | \
    sed "s/^/fuzz: $name /" >&2 || true
}
# A scenario file is at most 1 MiB, but every finding so far fitted in a few KiB: 64 KiB lets
# the fuzzer reach the node, error and nesting limits without slowing each run down.
run scenario 65536 "$root/tests/fuzz/corpus/scenario" "$root/scenarios/arm64" "$root/scenarios/x86" \
  "$root/scenarios/riscv" "$root/tests/bad"
run overrides 4096 "$root/tests/fuzz/corpus/overrides"
exit "$status"
