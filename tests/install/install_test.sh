#!/usr/bin/env bash
# Installs vitprof into a scratch prefix and builds the example three ways a
# user would: `vitprof flags` (Make), find_package + vitprof_instrument
# (CMake, shared and static runtime), pkg-config. Each build must run and
# leave a raw profile that the installed tool reads, with wordfreq's
# functions in it.
#   install_test.sh BUILD_DIR SOURCE_DIR SCRATCH
set -euo pipefail
build=$1 src=$2 w=$3
rm -rf "$w"; mkdir -p "$w"
cmake --install "$build" --prefix "$w/prefix" >/dev/null
P="$w/prefix"
for f in bin/vitprof lib/libvitprof_rt.so lib/libvitprof_rt.a include/vitprof.h \
         lib/cmake/vitprof/vitprofConfig.cmake lib/pkgconfig/vitprof.pc; do
  [ -e "$P/$f" ] || { echo "not installed: $f"; exit 1; }
done

check() {  # check NAME BINARY: run it and read its profile with the installed tool
  local raw="$w/$1.vitraw"
  VITPROF_FILE="$raw" "$2" 2000 >/dev/null
  "$P/bin/vitprof" show "$raw" > "$w/$1.txt"
  grep -q "add_word" "$w/$1.txt" || { echo "$1: add_word missing from profile"; cat "$w/$1.txt"; exit 1; }
  grep -q "wordfreq.c" "$w/$1.txt" || { echo "$1: no source file in profile"; cat "$w/$1.txt"; exit 1; }
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

# 2. CMake users.
cmake -S "$src/tests/install" -B "$w/consumer" -DCMAKE_PREFIX_PATH="$P" \
      -DWORDFREQ_SOURCE="$src/tests/example/wordfreq.c" >/dev/null
cmake --build "$w/consumer" >/dev/null
check cmake "$w/consumer/wordfreq"
check cmake_static "$w/consumer/wordfreq_static"

# 3. pkg-config users.
PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs vitprof > "$w/pc.txt"
gcc $(cat "$w/pc.txt") "$src/tests/example/wordfreq.c" -o "$w/wordfreq_pc"
check pkgconfig "$w/wordfreq_pc"
echo "install test passed"
