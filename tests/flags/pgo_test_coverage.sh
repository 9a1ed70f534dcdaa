#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Why `vitprof flags --pgo` may keep -ftest-coverage: with the compiler here
# it only writes the .gcno notes. pgo_main.c is compiled with the --pgo
# flags and with the same flags minus -ftest-coverage, in two directories
# (same file names), both linked with libgcov (the reference) and run.
# Required: the same code (disassembly), .gcda files equal but for the
# stamp (so equal function checksums), and a `gcc -O2 -fprofile-use` build
# that accepts each .gcda (coverage-mismatch and missing-profile are
# errors) and gives the same object from both.
#   pgo_test_coverage.sh VITPROF SOURCE_DIR SCRATCH [CC]
set -euo pipefail
vp=$1 src=$2 w=$3 cc=${4:-gcc}
rm -rf "$w"; mkdir -p "$w"
fail() { echo "FAIL: $*"; exit 1; }

with=$("$vp" flags --compile --pgo)
without=${with/ -ftest-coverage/}
[ "$with" != "$without" ] || fail "--pgo has no -ftest-coverage: $with"
for v in with without; do
  mkdir -p "$w/$v/use"
  cp "$src/pgo_main.c" "$w/$v/"
  cp "$src/pgo_main.c" "$w/$v/use/"
done
(cd "$w/with" && "$cc" $with -O2 -c pgo_main.c -o pgo_main.o)
(cd "$w/without" && "$cc" $without -O2 -c pgo_main.c -o pgo_main.o)
[ -e "$w/with/pgo_main.gcno" ] || fail "no .gcno with -ftest-coverage"
[ ! -e "$w/without/pgo_main.gcno" ] || fail ".gcno without -ftest-coverage"
for v in with without; do
  (cd "$w/$v" &&
   "$cc" pgo_main.o -fprofile-generate -ldl -o pgo_main &&
   ./pgo_main 3000 >/dev/null &&
   objdump -d pgo_main.o | tail -n +4 > ../$v.dis &&
   cp pgo_main.gcda use/)
done
cmp -s "$w/with.dis" "$w/without.dis" || fail "-ftest-coverage changes the code: diff $w/with.dis $w/without.dis"
# .gcda: magic, version, stamp (bytes 8-11), then the functions'
# checksums and counters.
python3 - "$w/with/pgo_main.gcda" "$w/without/pgo_main.gcda" <<'PY' || fail ".gcda files differ beyond the stamp"
import sys
a, b = (open(p, "rb").read() for p in sys.argv[1:3])
sys.exit(0 if len(a) == len(b) and len(a) > 12 and a[:8] == b[:8] and a[12:] == b[12:] else 1)
PY
for v in with without; do
  (cd "$w/$v/use" &&
   "$cc" -O2 -fprofile-use -Werror=coverage-mismatch -Werror=missing-profile -c pgo_main.c \
         -o pgo_main.o) || fail "gcc -fprofile-use refused the .gcda of the build $v -ftest-coverage"
done
cmp -s "$w/with/use/pgo_main.o" "$w/without/use/pgo_main.o" ||
  fail "-fprofile-use builds differ"
echo "pgo_test_coverage passed"
