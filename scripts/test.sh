#!/usr/bin/env bash
# The whole test suite, as CI runs it (README's second command; .ci/run calls exactly this):
#  1. installs what is missing (build dependencies and the test tools: clang and its sanitizer
#     runtime for the fuzzers, GNU parallel for the sharding test, Debian's kernel source packages
#     for source mode, unpacked only as far as the manifests need, cached);
#  2. builds with warnings as errors and runs every test through CTest;
#  3. builds again under AddressSanitizer + UndefinedBehaviorSanitizer and runs the scenario
#     library and the CLI tests once more;
#  4. fuzzes the scenario loader and the --set/sweep-spec parsers for a short while.
# Environment: STOPSIM_TEST_SANITIZE=0 skips step 3, STOPSIM_FUZZ_SECONDS (default 30 per target,
# 0 skips) sets step 4. Idempotent; each step reuses its build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"

scripts/deps.sh clang libclang-rt-14-dev parallel
scripts/kernel-trees.sh

echo "== build (-Werror) and the whole suite" >&2
scripts/build.sh -DSTOPSIM_WERROR=ON
ctest --test-dir build --output-on-failure -j"$jobs"

if [ "${STOPSIM_TEST_SANITIZE:-1}" != 0 ]; then
  echo "== ASan + UBSan: the scenario library and the CLI tests" >&2
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DSTOPSIM_SANITIZE=ON -DSTOPSIM_WERROR=ON >/dev/null
  cmake --build build-asan -j"$jobs" --target stopsim
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -R '^(scenario/|cli/|determinism$)'
fi

if [ "${STOPSIM_FUZZ_SECONDS:-30}" != 0 ]; then
  echo "== fuzzing" >&2
  scripts/fuzz.sh "${STOPSIM_FUZZ_SECONDS:-30}"
fi
