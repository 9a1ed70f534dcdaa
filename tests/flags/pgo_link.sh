#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `vitprof flags --pgo` end to end: pgo_main.c and pgo_plugin.c compiled
# with the PGO training flags, linked with the shared and the static runtime
# (flags after and before the objects, and one-step gcc), run; each must
# print what the uninstrumented build prints and leave a raw profile.
#   - shared runtime: the executable and a plugin linked with the flags each
#     hold their own per-object state (libvitprof_gcov.a, hidden: defined,
#     not exported);
#   - static runtime: no duplicate symbols (rt_gcov_object.c is in
#     libvitprof_rt.a too), and a plugin linked with nothing loads with
#     RTLD_NOW: every __gcov_* it needs is exported by the executable;
#   - one-step gcc: the driver's -lgcov contributes no member.
#   pgo_link.sh VITPROF SOURCE_DIR SCRATCH [CC]
set -euo pipefail
vp=$1 src=$2 w=$3 cc=${4:-gcc}
rm -rf "$w"; mkdir -p "$w"; cd "$w"
fail() { echo "FAIL: $*"; exit 1; }

compile=$("$vp" flags --compile --pgo)
link=$("$vp" flags --link)
slink=$("$vp" flags --link --static)
case "$compile" in "-g -fprofile-generate -ftest-coverage -fdata-sections -I"*) ;;
  *) fail "--compile --pgo printed: $compile";; esac
[ "$("$vp" flags --link --pgo)" = "$link" ] || fail "--link differs with --pgo"
[ "$("$vp" flags --link --static --pgo)" = "$slink" ] || fail "--link --static differs with --pgo"

# Ground truth: the same sources, not instrumented.
"$cc" -O2 -shared -fPIC "$src/pgo_plugin.c" -o plain_plugin.so
"$cc" -O2 "$src/pgo_main.c" -o plain -ldl
want_plugin=$(./plain 3000 "$w/plain_plugin.so")
want_alone=$(./plain 3000)

"$cc" $compile -O2 -c "$src/pgo_main.c" -o main.o
"$cc" $compile -O2 -fPIC -c "$src/pgo_plugin.c" -o plugin.o
# Else this tests nothing: the objects call value profilers and use the
# per-object state.
for s in __gcov_indirect_call __gcov_time_profiler_counter __gcov_indirect_call_profiler_v4 \
         __gcov_topn_values_profiler __gcov_merge_topn __gcov_interval_profiler \
         __gcov_pow2_profiler; do
  nm -u plugin.o | grep -qw "$s" || fail "pgo_plugin.o does not use $s"
done
[ -e main.gcno ] && [ -e plugin.gcno ] || fail "no .gcno notes"

# run NAME BINARY [PLUGIN]: same output as the plain build, a raw profile,
# nothing on stderr.
run() {
  local out want=$want_alone
  [ -z "${3:-}" ] || want=$want_plugin
  out=$(VITPROF_FILE="$w/$1.vitraw" "./$2" 3000 ${3:+"$w/$3"} 2>"$1.err") ||
    fail "$1: exit status $?: $(cat "$1.err")"
  [ "$out" = "$want" ] || fail "$1: printed $out, expected $want"
  [ ! -s "$1.err" ] || fail "$1: stderr: $(cat "$1.err")"
  [ "$(head -c 7 "$1.vitraw")" = VITPRAW ] || fail "$1: no raw profile"
  echo "ok: $1"
}
# hidden_state FILE: what libgcov links into each object (the time
# profiler's clock, the value profilers) is defined in FILE, hidden, not
# exported; the indirect-call pair is process-wide, as libgcov's (exported
# there), so FILE takes it from the runtime.
hidden_state() {
  local s
  for s in __gcov_time_profiler_counter __gcov_indirect_call_profiler_v4 \
           __gcov_topn_values_profiler __gcov_interval_profiler __gcov_pow2_profiler; do
    nm --defined-only "$1" | grep -qw "$s" || fail "$1: $s not defined in it"
    if nm -D --defined-only "$1" | grep -qw "$s"; then fail "$1: $s exported"; fi
  done
  if nm --defined-only "$1" | grep -qw __gcov_indirect_call; then
    fail "$1: __gcov_indirect_call defined in it"
  fi
}

# Shared runtime; the plugin linked with the flags too, no undefined symbol.
"$cc" -shared plugin.o $link -Wl,-z,defs -o plugin_linked.so
hidden_state plugin_linked.so
"$cc" main.o $link -ldl -o shared_after
hidden_state shared_after
run shared_after shared_after plugin_linked.so
"$cc" $link main.o -ldl -o shared_before
hidden_state shared_before
run shared_before shared_before

# Static runtime, flags after and before the objects: no duplicate
# definitions, and the plugin linked with nothing finds all it needs.
"$cc" -shared plugin.o -o plugin_bare.so
"$cc" main.o $slink -ldl -o static_after
run static_after static_after plugin_bare.so
"$cc" $slink main.o -ldl -o static_before
run static_before static_before plugin_bare.so
for s in $(nm -u plugin_bare.so | awk '$2 ~ /^__(gcov|cyg)_/ {print $2}'); do
  nm -D --defined-only static_after | grep -qw "$s" || fail "static_after does not export $s"
done

# One step: the driver adds -lgcov after everything; nothing may come from it.
"$cc" $compile $link -O2 "$src/pgo_main.c" -ldl -o onestep -Wl,-Map,onestep.map
if grep -q 'libgcov\.a(' onestep.map; then
  fail "one-step link pulled members of libgcov.a: $(grep 'libgcov\.a(' onestep.map | head -3)"
fi
run onestep onestep
echo "pgo_link passed"
