#!/usr/bin/env bash
# Installs vitprof into a scratch prefix and builds the example three ways a
# user would: `vitprof flags` (Make), find_package + vitprof_instrument
# (CMake, shared and static runtime), pkg-config. Each build must run and
# leave a raw profile that the installed tool reads, with wordfreq's
# functions in it. Each route also builds GCC's PGO training flavour
# (-fprofile-generate): it must run, print what an uninstrumented build
# prints and leave a raw profile, with libgcov's per-object state its own
# (shared runtime) or every __gcov_* entry point exported (static). With
# clang installed, the CMake consumer is also built by clang (hooks with
# -finstrument-functions-after-inlining, no arc counters).
#   install_test.sh BUILD_DIR SOURCE_DIR SCRATCH
set -euo pipefail
build=$1 src=$2 w=$3
rm -rf "$w"; mkdir -p "$w"
cmake --install "$build" --prefix "$w/prefix" >/dev/null
P="$w/prefix"
for f in bin/vitprof lib/libvitprof_rt.so lib/libvitprof_rt.a lib/libvitprof_gcov.a include/vitprof.h \
         lib/cmake/vitprof/vitprofConfig.cmake lib/pkgconfig/vitprof.pc \
         share/man/man1/vitprof.1 share/bash-completion/completions/vitprof; do
  [ -e "$P/$f" ] || { echo "not installed: $f"; exit 1; }
done
# The page reads (man finds it by name under the prefix) and the
# completion, sourced, completes the installed vitprof's commands.
if command -v man >/dev/null; then
  MANPATH="$P/share/man" MANWIDTH=80 man vitprof 2>&1 | grep -q "VITPROF FLAMEGRAPH" ||
    { echo "man vitprof: no page under $P/share/man"; exit 1; }
fi
got=$(PATH="$P/bin:$PATH" bash -c 'source "$1"; COMP_WORDS=(vitprof fl); COMP_CWORD=1; _vitprof;
  echo "${COMPREPLY[*]}"' - "$P/share/bash-completion/completions/vitprof")
[ "$got" = "flags flamegraph" ] || { echo "completion of 'vitprof fl': '$got'"; exit 1; }

check() {  # check NAME BINARY: run it and read its profile with the installed tool
  local raw="$w/$1.vitraw"
  VITPROF_FILE="$raw" "$2" 2000 >/dev/null
  "$P/bin/vitprof" show "$raw" > "$w/$1.txt"
  grep -q "add_word" "$w/$1.txt" || { echo "$1: add_word missing from profile"; cat "$w/$1.txt"; exit 1; }
  grep -q "wordfreq.c" "$w/$1.txt" || { echo "$1: no source file in profile"; cat "$w/$1.txt"; exit 1; }
  echo "ok: $1"
}

# The reference output of the PGO builds (the tool cannot read their value
# profiles yet: the raw profile is checked for its magic only).
gcc -O2 "$src/tests/example/wordfreq.c" -o "$w/wordfreq_plain"
want=$("$w/wordfreq_plain" 2000)
check_pgo() {  # check_pgo NAME BINARY shared|static
  local raw="$w/$1.vitraw" s
  [ "$(VITPROF_FILE="$raw" "$2" 2000)" = "$want" ] || { echo "$1: output differs"; exit 1; }
  [ "$(head -c 7 "$raw")" = VITPRAW ] || { echo "$1: no raw profile"; exit 1; }
  if [ "$3" = shared ]; then
    nm --defined-only "$2" | grep -qw __gcov_time_profiler_counter &&
      ! nm -D --defined-only "$2" | grep -qw __gcov_time_profiler_counter ||
      { echo "$1: per-object state not its own"; exit 1; }
  else
    for s in __gcov_pow2_profiler __gcov_topn_values_profiler __gcov_merge_topn \
             __gcov_indirect_call __gcov_time_profiler_counter; do
      nm -D --defined-only "$2" | grep -qw "$s" || { echo "$1: $s not exported"; exit 1; }
    done
  fi
  echo "ok: $1"
}

# 1. Make users: the flags printed by the installed tool, absolute paths.
compile=$("$P/bin/vitprof" flags --compile)
link=$("$P/bin/vitprof" flags --link)
case "$compile $link" in *"$P"*) ;; *) echo "flags do not name the prefix: $compile $link"; exit 1;; esac
gcc $compile -O2 -c "$src/tests/example/wordfreq.c" -o "$w/wordfreq.o"
gcc "$w/wordfreq.o" $link -o "$w/wordfreq_flags"
check flags "$w/wordfreq_flags"
# Flags named before the objects must work too (as pkg-config users write).
gcc $("$P/bin/vitprof" flags --link --static) "$w/wordfreq.o" -o "$w/wordfreq_flags_static"
check flags_static "$w/wordfreq_flags_static"
gcc $("$P/bin/vitprof" flags --compile --pgo) -O2 -c "$src/tests/example/wordfreq.c" \
    -o "$w/wordfreq_pgo.o"
gcc "$w/wordfreq_pgo.o" $link -o "$w/wordfreq_flags_pgo"
check_pgo flags_pgo "$w/wordfreq_flags_pgo" shared
gcc $("$P/bin/vitprof" flags --link --static) "$w/wordfreq_pgo.o" -o "$w/wordfreq_flags_pgo_static"
check_pgo flags_pgo_static "$w/wordfreq_flags_pgo_static" static

# 2. CMake users.
cmake -S "$src/tests/install" -B "$w/consumer" -DCMAKE_PREFIX_PATH="$P" \
      -DWORDFREQ_SOURCE="$src/tests/example/wordfreq.c" >/dev/null
cmake --build "$w/consumer" >/dev/null
check cmake "$w/consumer/wordfreq"
check cmake_static "$w/consumer/wordfreq_static"
check_pgo cmake_pgo "$w/consumer/wordfreq_pgo" shared
check_pgo cmake_pgo_static "$w/consumer/wordfreq_pgo_static" static
if command -v clang >/dev/null; then
  cmake -S "$src/tests/install" -B "$w/consumer_clang" -DCMAKE_PREFIX_PATH="$P" \
        -DCMAKE_C_COMPILER=clang -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
        -DWORDFREQ_SOURCE="$src/tests/example/wordfreq.c" >/dev/null
  # clang's hooks spelling, and clang's arc counters (llvm_gcda_*, served)
  grep -q -- "-finstrument-functions-after-inlining -fprofile-arcs" \
       "$w/consumer_clang/compile_commands.json" ||
    { echo "cmake_clang: not clang's flags:"; cat "$w/consumer_clang/compile_commands.json"; exit 1; }
  cmake --build "$w/consumer_clang" >/dev/null
  check cmake_clang "$w/consumer_clang/wordfreq"
fi

# 3. pkg-config users.
PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs vitprof > "$w/pc.txt"
gcc $(cat "$w/pc.txt") "$src/tests/example/wordfreq.c" -o "$w/wordfreq_pc"
check pkgconfig "$w/wordfreq_pc"
gcc $(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --variable=cflags_pgo vitprof) -O2 \
    "$src/tests/example/wordfreq.c" \
    $(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --libs vitprof) -o "$w/wordfreq_pc_pgo"
check_pgo pkgconfig_pgo "$w/wordfreq_pc_pgo" shared
# The calls-only flavour: hooks, no arc counters, the runtime alone.
gcc $(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --variable=cflags_calls_only vitprof) -O2 \
    "$src/tests/example/wordfreq.c" \
    $(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --variable=libs_calls_only vitprof) \
    -o "$w/wordfreq_pc_calls"
check pkgconfig_calls_only "$w/wordfreq_pc_calls"
! nm "$w/wordfreq_pc_calls" | grep -q __gcov || { echo "pkgconfig_calls_only: gcov symbols"; exit 1; }
! grep -q "^arc counters" "$w/pkgconfig_calls_only.txt" ||
  { echo "pkgconfig_calls_only: arc counters in the profile"; exit 1; }
echo "install test passed"
