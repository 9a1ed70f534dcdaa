#!/usr/bin/env bash
# Builds vitprof and runs the whole test suite (unit and end-to-end), then
# the same suite built with AddressSanitizer and UBSan.
#   tests/run.sh            both
#   tests/run.sh --plain    the normal build only
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/.ci/install-deps"
jobs=$(nproc)
run() {
  local dir=$1; shift
  cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  ctest --test-dir "$dir" --output-on-failure -j"$jobs"
}
run "$top/build"
if [ "${1:-}" != "--plain" ]; then
  echo "=== the same suite under AddressSanitizer + UBSan ==="
  ASAN_OPTIONS=detect_leaks=1 run "$top/build-asan" -DVITPROF_SANITIZE=ON
fi
