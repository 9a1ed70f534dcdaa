#!/bin/bash
# SPDX-License-Identifier: MIT
# The 1000-profile figure of docs/merge.md ("Speed"):
#   tests/merge/bench_merge.sh BUILD_DIR [RUNS]
# runs BUILD_DIR/tests/merge-bin/mergeprog RUNS times (default 1000), then
# times `vitprof merge` of the raw profiles into a raw profile and into a
# .vitprof document. Scratch files go to a temporary directory, removed.
set -euo pipefail
build=$(cd "$1" && pwd)
runs=${2:-1000}
prog=$build/tests/merge-bin/mergeprog
vitprof=$build/tools/vitprof
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for i in $(seq 1 "$runs"); do
	VITPROF_FILE=$dir/r-$i.vitraw "$prog" $((i % 50 + 1)) > /dev/null
done
echo "$runs raw profiles, $(du -sh "$dir" | cut -f1)"
/usr/bin/time -f "raw -> raw:     %e s wall, %U s user, %S s sys, %M KB" \
	"$vitprof" merge -o "$dir/m.vitraw" "$dir"/r-*.vitraw
/usr/bin/time -f "raw -> vitprof: %e s wall, %U s user, %S s sys, %M KB" \
	"$vitprof" merge -o "$dir/m.vitprof" "$dir"/r-*.vitraw
