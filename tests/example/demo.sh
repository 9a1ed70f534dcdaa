#!/usr/bin/env bash
# The main job on the bundled example: build vitprof, build wordfreq.c with
# the flags `vitprof flags` prints (call hooks and arc counters), run it,
# print the flat profile, the hottest branches and loops, and write the
# .vitprof JSON profile. Everything goes to build/example/.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
"$top/.ci/install-deps"
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$(nproc)" --target vitprof vitprof_rt >/dev/null
vitprof="$top/build/tools/vitprof"
out="$top/build/example"
mkdir -p "$out"
cd "$out"
gcc $("$vitprof" flags --compile) -O2 -c "$top/tests/example/wordfreq.c" -o wordfreq.o
gcc wordfreq.o $("$vitprof" flags --link) -o wordfreq
rm -f wordfreq.vitraw
VITPROF_FILE="$out/wordfreq.vitraw" ./wordfreq
echo
"$vitprof" show wordfreq.vitraw
echo
"$vitprof" show --branches --loops -n 8 wordfreq.vitraw
"$vitprof" export --format vitprof -o wordfreq.vitprof wordfreq.vitraw
echo
echo "wrote $out/wordfreq.vitraw (raw) and $out/wordfreq.vitprof (JSON profile)"
