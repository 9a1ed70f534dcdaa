#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The calls-only flavour (`vitprof flags --compile --calls-only`): hooks
# without arc counters. A program built with it, linked with
# `--link --calls-only` (the runtime alone) and with the full `--link`,
# gives exact call counts by construction (fib(N) makes C(N) calls,
# C(0) = C(1) = 1, C(n) = 1 + C(n-1) + C(n-2), computed here; each of its
# two recursive call sites runs once per call with n >= 2, the inner nodes
# of a full binary tree of C(N) nodes: (C(N) - 1) / 2), its object
# references no __gcov symbol, the runtime-only program has none, and the
# profile has no arc counters.
#   calls_only.sh VITPROF SCRATCH CC
# VP_CONSUMER_CFLAGS: extra flags for the program (the sanitizers, when the
# runtime is built with them).
set -euo pipefail
vp=$1 w=$2 cc=$3
rm -rf "$w"; mkdir -p "$w"; cd "$w"
fail() { echo "FAIL: $*"; exit 1; }
extra=${VP_CONSUMER_CFLAGS:-}

cat >fib.c <<'C'
#include <stdlib.h>
static int __attribute__((noinline)) fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int main(int argc, char **argv) { return fib(argc > 1 ? atoi(argv[1]) : 10) > 0 ? 0 : 1; }
C
n=15
calls() {  # C(n), iteratively
  local a=1 b=1 i t
  for ((i = 2; i <= $1; i++)); do t=$((1 + a + b)); a=$b; b=$t; done
  echo "$b"
}
want=$(calls $n)

compile=$("$vp" flags --compile --calls-only)
# shellcheck disable=SC2086
$cc $compile -O2 $extra -c fib.c -o fib.o
! nm fib.o | grep -q __gcov || fail "the object references gcov: $(nm fib.o | grep __gcov)"
nm fib.o | grep -q ' U __cyg_profile_func_enter$' || fail "the object has no hooks"

for link in calls-only full; do
  if [ $link = calls-only ]; then flags=$("$vp" flags --link --calls-only); else flags=$("$vp" flags --link); fi
  # shellcheck disable=SC2086
  $cc fib.o $extra $flags -o fib-$link
  if [ $link = calls-only ] && nm fib-$link | grep -q __gcov; then
    fail "$link: the program has gcov symbols: $(nm fib-$link | grep __gcov | head -3)"
  fi
  VITPROF_FILE="$w/fib-$link.vitraw" ASAN_OPTIONS=detect_leaks=0 ./fib-$link $n
  "$vp" show "fib-$link.vitraw" >show-$link.txt
  ! grep -q '^arc counters' show-$link.txt || fail "$link: arc counters in the profile: $(cat show-$link.txt)"
  "$vp" export -o fib-$link.vitprof "fib-$link.vitraw"
  python3 - fib-$link.vitprof "$link" "$want" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
link, want = sys.argv[2], int(sys.argv[3])
fns = {f["name"]: f for f in doc["functions"]}
assert "gcov_objects" not in doc, f"{link}: arc counters: {doc['gcov_objects']}"
assert fns["fib"]["calls"] == want, (link, fns["fib"]["calls"], want)
assert fns["main"]["calls"] == 1, (link, fns["main"])
rec = sorted(e["count"] for e in doc["edges"]
             if e["caller"] == fns["fib"]["id"] and e["callee"] == fns["fib"]["id"])
inner = (want - 1) // 2
assert rec == [inner, inner], (link, rec, inner)
main_fib = [e["count"] for e in doc["edges"]
            if e["caller"] == fns["main"]["id"] and e["callee"] == fns["fib"]["id"]]
assert main_fib == [1], (link, main_fib)
print(f"ok: {link}: fib {want} calls, the two recursive sites {inner} each, no arc counters")
PY
done
echo "calls_only passed"
