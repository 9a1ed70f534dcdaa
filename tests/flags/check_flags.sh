#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `vitprof flags`: each flavour and compiler prints its exact flags, bad
# combinations are usage errors (exit 2), the link flags name the
# per-object archive before the shared runtime, and the static runtime
# exports exactly the hooks and the __gcov_* entry points of
# rt/vitprof_rt.map, as vitprof_instrument(STATIC) does.
#   check_flags.sh VITPROF VITPROF_RT_MAP "CMAKE_STATIC_EXPORTS;..."
set -uo pipefail
vp=$1 map=$2 cmake_exports=$3
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_prefix "ARGS" PREFIX: exit 0 and stdout starting with PREFIX -I.
expect_prefix() {
  local out
  out=$("$vp" flags $1 2>&1) || { fail "flags $1: exit $?: $out"; return; }
  case "$out" in "$2 -I"/*) echo "ok: flags $1";;
    *) fail "flags $1 printed '$out', expected '$2 -I...'";; esac
}
expect_prefix "--compile" "-g -finstrument-functions -fprofile-arcs -ftest-coverage -fdata-sections"
expect_prefix "--compile --compiler=gcc" "-g -finstrument-functions -fprofile-arcs -ftest-coverage -fdata-sections"
expect_prefix "--compile --arcs-only" "-g -fprofile-arcs -ftest-coverage -fdata-sections"
expect_prefix "--compile --calls-only" "-g -finstrument-functions"
expect_prefix "--compile --calls-only --compiler=clang" "-g -finstrument-functions-after-inlining"
expect_prefix "--compile --pgo" "-g -fprofile-generate -ftest-coverage -fdata-sections"
expect_prefix "--compile --compiler=clang" "-g -finstrument-functions-after-inlining -fprofile-arcs -ftest-coverage -fdata-sections"
expect_prefix "--compiler clang --compile" "-g -finstrument-functions-after-inlining -fprofile-arcs -ftest-coverage -fdata-sections"

# expect_usage "ARGS" MESSAGE: exit 2, MESSAGE on stderr, nothing on stdout.
expect_usage() {
  local out err rc
  out=$("$vp" flags $1 2>"$tmp") && rc=0 || rc=$?
  err=$(cat "$tmp")
  if [ "$rc" != 2 ] || [ -n "$out" ] || [[ "$err" != *"$2"* ]]; then
    fail "flags $1: exit $rc, stdout '$out', stderr '$err'; expected 2 and '$2'"
  else
    echo "ok: flags $1 refused"
  fi
}
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
expect_usage "--compile --pgo --arcs-only" "--arcs-only or --pgo?"
expect_usage "--compile --calls-only --arcs-only" "(one flavour)"
expect_usage "--link --pgo --calls-only" "(one flavour)"
expect_usage "--compile --compiler=clang --pgo" "--pgo is GCC's"
expect_usage "--link --compiler=clang --arcs-only" "--arcs-only is GCC's"
expect_usage "--compile --compiler=icc" "'icc' is neither gcc nor clang"
expect_usage "--compile --compiler" "bad option"
expect_usage "--pgo" "--compile or --link?"

link=$("$vp" flags --link) || fail "flags --link: exit $?"
case "$link" in
  *" -Wl,--undefined=__gcov_time_profiler_counter "*"-lvitprof_gcov -lvitprof_rt "*) echo "ok: --link";;
  *) fail "--link lacks --undefined=__gcov_time_profiler_counter ... -lvitprof_gcov -lvitprof_rt: $link";;
esac
for a in "--pgo" "--arcs-only" "--compiler=clang"; do
  [ "$("$vp" flags --link $a)" = "$link" ] || fail "--link $a differs from --link"
done
clink=$("$vp" flags --link --calls-only) || fail "flags --link --calls-only: exit $?"
case "$clink" in
  *vitprof_gcov*|*-Wl,-T,*|*--undefined*) fail "--link --calls-only names the gcov parts: $clink";;
  "-L/"*" -Wl,--push-state,--no-as-needed -lvitprof_rt -Wl,--pop-state -Wl,--build-id") echo "ok: --link --calls-only";;
  *) fail "--link --calls-only: $clink";;
esac
[ "$("$vp" flags --link --calls-only --compiler=clang)" = "$clink" ] ||
  fail "--link --calls-only --compiler=clang differs from --link --calls-only"
slink=$("$vp" flags --link --static) || fail "flags --link --static: exit $?"
[[ "$slink" != *vitprof_gcov* ]] || fail "--static names libvitprof_gcov (defined twice): $slink"
[ "$("$vp" flags --link --static --calls-only)" = "$slink" ] ||
  fail "--link --static --calls-only differs from --link --static"

sorted() { tr ' ;' '\n\n' | sed '/^$/d' | sort; }
want=$(sed -n 's/^ *\(__\(gcov\|cyg_profile\)_[A-Za-z0-9_]*\);.*/\1/p' "$map" | sorted)
[ "$(echo "$want" | wc -l)" -ge 30 ] || fail "too few entry points read from $map: $want"
got=$(echo "$slink" | grep -o 'export-dynamic-symbol=[^ ]*' | cut -d= -f2 | sorted)
[ "$got" = "$want" ] && echo "ok: --static exports = $map" ||
  fail "--static exports differ from $map: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
got=$(echo "$cmake_exports" | sorted)
[ "$got" = "$want" ] && echo "ok: vitprof_instrument(STATIC) exports = $map" ||
  fail "vitprof_instrument(STATIC) exports differ from $map: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"

for o in --pgo --calls-only; do
  "$vp" flags --help | grep -q -- "$o" || fail "--help does not name $o"
done
[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "check_flags passed"
