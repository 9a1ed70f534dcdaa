#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vitprof_instrument() with either signature of target_link_libraries (the
# plain one, `target_link_libraries(app m)`, and the keyword one), called
# before or after the project's own call, the static runtime, an
# instrumented static library linked plainly, and the CALLS_ONLY flavour
# (tests/install/signatures/CMakeLists.txt). Each program must configure,
# build, run with the project's libm, and give exact call counts:
# fib(N) makes C(N) calls, C(0) = C(1) = 1, C(n) = 1 + C(n-1) + C(n-2),
# computed here; wave() N calls. CALLS_ONLY: no arc counters anywhere (no
# __gcov symbol in the objects or the program, no gcov_objects in the
# profile) and the same exact counts.
#   signatures.sh BUILD_DIR SOURCE_DIR SCRATCH
set -euo pipefail
build=$1 src=$2 w=$3
rm -rf "$w"; mkdir -p "$w"
cmake --install "$build" --prefix "$w/prefix" >/dev/null
P="$w/prefix"
fail() { echo "FAIL: $*"; exit 1; }

if ! cmake -S "$src/tests/install/signatures" -B "$w/consumer" -DCMAKE_PREFIX_PATH="$P" \
     >"$w/configure.log" 2>&1; then
  cat "$w/configure.log"; fail "configure"
fi
cmake --build "$w/consumer" >"$w/build.log" 2>&1 || { cat "$w/build.log"; fail "build"; }

n=12
calls() {  # C(n), iteratively
  local a=1 b=1 i t
  for ((i = 2; i <= $1; i++)); do t=$((1 + a + b)); a=$b; b=$t; done
  echo "$b"
}
want_fib=$(calls $n)

# check NAME FUNCTION=CALLS...: run NAME, export its profile, compare.
check() {
  local t=$1 raw="$w/$1.vitraw" doc="$w/$1.vitprof"
  shift
  VITPROF_FILE="$raw" "$w/consumer/$t" $n >"$w/$t.out" || fail "$t: exit $?"
  "$P/bin/vitprof" export -o "$doc" "$raw" || fail "$t: export"
  python3 - "$doc" "$t" "$@" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
t = sys.argv[2]
calls = {f["name"]: f["calls"] for f in doc["functions"] if f["instrumented"]}
for want in sys.argv[3:]:
    name, n = want.split("=")
    if calls.get(name) != int(n):
        sys.exit(f"FAIL: {t}: {name} calls {calls.get(name)}, expected {n} ({calls})")
if t == "calls_only" and "gcov_objects" in doc:
    sys.exit(f"FAIL: {t}: the profile has arc counters: {doc['gcov_objects']}")
if t != "calls_only" and not doc.get("gcov_objects"):
    sys.exit(f"FAIL: {t}: no arc counters in the profile")
print(f"ok: {t}")
PY
}
for t in plain_before plain_after keyword_before keyword_after plain_static calls_only; do
  check "$t" "fib=$want_fib" "wave=$n" main=1
done
check lib_user lib_twice=$n

# CALLS_ONLY: not one gcov symbol in the object files or the program, so
# it links without libgcov's (or the runtime's) __gcov_* entry points.
objs=$(find "$w/consumer" -path '*calls_only.dir*' -name '*.o')
[ -n "$objs" ] || fail "calls_only: no object files found"
# shellcheck disable=SC2086
! nm $objs "$w/consumer/calls_only" | grep -q '__gcov' ||
  fail "calls_only: gcov symbols: $(nm $objs "$w/consumer/calls_only" | grep __gcov | head -3)"
# shellcheck disable=SC2086
gcc $objs -o "$w/calls_only_bare" -L"$P/lib" -Wl,-rpath,"$P/lib" -lvitprof_rt -lm ||
  fail "calls_only: objects do not link with the runtime alone"
echo "signatures test passed"
