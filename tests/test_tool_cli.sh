#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End-to-end tests of the `vitprof` command line (tests/tool.cmake runs one
# case per ctest entry):
#
#   test_tool_cli.sh CASE VITPROF MKRAW SOURCE_DIR SCRATCH_DIR
#
# Error paths check the exit status and that stderr is one line naming the
# file; the success paths check the report and validate the JSON document
# against docs/vitprof.schema.json (python3-jsonschema) and exact counts.
set -euo pipefail
case=$1 vitprof=$2 mkraw=$3 src=$4
dir=$5/$case
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"

fail() {
  echo "FAIL ($case): $*" >&2
  exit 1
}

# expect STATUS PATTERN CMD...: runs CMD; its exit status must be STATUS and
# its stderr must match the extended regex PATTERN (unless PATTERN is "").
expect() {
  local want=$1 pat=$2 rc=0
  shift 2
  "$@" >out.txt 2>err.txt || rc=$?
  sed 's/^/  stderr: /' err.txt >&2
  [ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want"
  [ -z "$pat" ] || grep -Eq -- "$pat" err.txt || fail "stderr of '$*' does not match: $pat"
}

# expect_error PATTERN CMD...: exit status 1 and exactly one stderr line.
expect_error() {
  expect 1 "$@"
  [ "$(wc -l <err.txt)" -eq 1 ] || fail "'${*:2}' printed more than one line"
}

# check_doc FILE PYTHON: validates FILE against the schema and the
# cross-references, then runs PYTHON with doc, fn(name) and edges(a, b).
check_doc() {
  python3 - "$src/docs/vitprof.schema.json" "$1" "$2" <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.Draft202012Validator(schema).validate(doc)
funcs = doc["functions"]
assert [f["id"] for f in funcs] == list(range(len(funcs))), "ids not dense"
module_ids = {m["id"] for m in doc["modules"]}
for f in funcs:
    assert f["module"] is None or f["module"] in module_ids, f
for e in doc["edges"]:
    assert e["caller"] < len(funcs) and e["callee"] < len(funcs), e
    assert e["caller_name"] == funcs[e["caller"]]["name"], e
    assert e["callee_name"] == funcs[e["callee"]]["name"], e
for h in doc["hot_spots"]:
    assert h < len(funcs), h
for f in funcs:
    into = sum(e["count"] for e in doc["edges"] if e["callee"] == f["id"])
    assert into == f["calls"], (f, into)
def fn(name):
    found = [f for f in funcs if f["name"] == name]
    assert len(found) == 1, (name, found)
    return found[0]
def edges(a, b):
    return sorted((e for e in doc["edges"] if e["caller"] == fn(a)["id"] and e["callee"] == fn(b)["id"]),
                  key=lambda e: e["count"])
exec(sys.argv[3])
EOF
}

case $case in
missing)
  expect_error "^vitprof: $dir/nope.vitraw: cannot open: No such file or directory$" \
    "$vitprof" show "$dir/nope.vitraw"
  expect_error "^vitprof: nope.vitraw: cannot open" "$vitprof" export -o x.vitprof nope.vitraw
  [ ! -e x.vitprof ] || fail "export left an output file"
  ;;
truncated)
  "$mkraw" truncated t.vitraw
  expect_error "^vitprof: t.vitraw: truncated: .* at offset 0x[0-9a-f]+$" "$vitprof" show t.vitraw
  expect_error "^vitprof: t.vitraw: truncated" "$vitprof" export -o - t.vitraw
  head -c 100 t.vitraw >short.vitraw
  expect_error "^vitprof: short.vitraw: truncated inside the header" "$vitprof" show short.vitraw
  ;;
version)
  "$mkraw" version v.vitraw
  expect_error "^vitprof: v.vitraw: raw profile version 2, this vitprof reads version 1$" \
    "$vitprof" show v.vitraw
  ;;
swapped)
  "$mkraw" swapped s.vitraw
  expect_error "^vitprof: s.vitraw: .*other byte order.* at offset 0xc$" "$vitprof" show s.vitraw
  ;;
zeroed)
  "$mkraw" zeroed z.vitraw
  expect_error "^vitprof: z.vitraw: not a vitprof raw profile .* at offset 0x0$" \
    "$vitprof" show z.vitraw
  # random bytes after one that is neither '{' nor white space: a file
  # starting with '{' is read as a .vitprof document (and refused as JSON)
  { printf '\001'; head -c 4999 /dev/urandom; } >r.vitraw
  expect_error "^vitprof: r.vitraw: not a vitprof raw profile" "$vitprof" show r.vitraw
  printf '{\001' >d.vitraw
  expect_error "^vitprof: d.vitraw: invalid JSON" "$vitprof" show d.vitraw
  expect_error "^vitprof: $dir: not a regular file$" "$vitprof" show "$dir"
  ;;
missing_exe)
  "$mkraw" valid m.vitraw
  expect_error "^vitprof: m.vitraw: .*/fake/prog" "$vitprof" show m.vitraw
  expect_error "/fake/prog" "$vitprof" export -o m.vitprof m.vitraw
  [ ! -e m.vitprof ] || fail "export left an output file"
  ;;
usage)
  "$mkraw" self ok.vitraw
  expect 2 "usage: vitprof COMMAND" "$vitprof"
  expect 2 "unknown command 'bogus'" "$vitprof" bogus
  expect 2 "which raw profile" "$vitprof" show
  expect 2 "one raw profile at a time" "$vitprof" show a.vitraw b.vitraw
  expect 2 "bad option '--frobnicate'" "$vitprof" show --frobnicate ok.vitraw
  expect 2 "-n wants a number" "$vitprof" show -n x ok.vitraw
  expect 2 "--sort wants calls, self or total" "$vitprof" show --sort name ok.vitraw
  expect 2 "--sort self needs a time-mode profile" "$vitprof" show --sort self ok.vitraw
  expect 2 "unknown format 'xml'" "$vitprof" export --format xml ok.vitraw
  expect 2 "--compile or --link" "$vitprof" flags
  expect 2 "no command 'bogus'" "$vitprof" help bogus
  expect 0 "" "$vitprof" --version
  grep -qx "vitprof [0-9]*\.[0-9]*\.[0-9]*" out.txt || fail "--version: $(cat out.txt)"
  for c in "help" "help show" "help export" "help flags" "show --help"; do
    # shellcheck disable=SC2086
    expect 0 "" "$vitprof" $c
    grep -q "usage: vitprof" out.txt || fail "'vitprof $c' printed no usage"
  done
  ;;
self)
  "$mkraw" self p.vitraw
  expect 0 "" "$vitprof" show p.vitraw
  cat out.txt
  grep -Eq "^program .*test_tool_mkraw, pid [0-9]+, exited, count mode, 2 threads$" out.txt ||
    fail "show: header line"
  grep -Eq "^ +22 +84\.62  mk_leaf " out.txt || fail "show: mk_leaf calls, share"
  grep -Eq "^ +3 +11\.54  mk_work " out.txt || fail "show: mk_work calls, share"
  grep -Eq "^total: 26 calls into 3 functions$" out.txt || fail "show: totals"
  [ "$(grep -Ec '^ +[0-9]+ +[0-9]+\.[0-9]+  ' out.txt)" -eq 3 ] || fail "show: 3 instrumented functions"
  expect 0 "" "$vitprof" show -n 1 p.vitraw
  grep -q "mk_leaf" out.txt && ! grep -q "mk_work" out.txt || fail "show -n 1"
  expect 0 "" "$vitprof" export --format vitprof -o p.vitprof p.vitraw
  check_doc p.vitprof '
assert doc["format"] == "vitprof" and doc["version"] == 2
assert doc["program"]["mode"] == "count" and doc["program"]["threads"] == 2
assert doc["program"]["path"].endswith("test_tool_mkraw")
assert fn("mk_leaf")["calls"] == 22 and fn("mk_leaf")["instrumented"]
assert fn("mk_work")["calls"] == 3 and fn("main")["calls"] == 1
assert [e["count"] for e in edges("mk_work", "mk_leaf")] == [5, 17]
assert [e["count"] for e in edges("main", "mk_work")] == [3]
a, b = edges("mk_work", "mk_leaf")
assert a["site"] != b["site"]
assert fn("mk_leaf")["module"] == 0
callers = [f for f in funcs if any(e["caller"] == f["id"] and e["callee"] == fn("main")["id"] for e in doc["edges"])]
assert len(callers) == 1 and not callers[0]["instrumented"] and callers[0]["calls"] == 0
assert callers[0]["module"] != 0
for f in (fn("mk_leaf"), fn("mk_work")):
    assert f["file"] is None or f["file"].endswith("test_tool_mkraw.c"), f
assert doc["hot_spots"][:3] == [fn("mk_leaf")["id"], fn("mk_work")["id"], fn("main")["id"]]
assert "self_ns" not in fn("mk_leaf")
'
  # default output name, and standard output
  expect 0 "" "$vitprof" export p.vitraw
  cmp -s p.vitprof <("$vitprof" export -o - p.vitraw) || fail "export -o - differs"
  [ -s p.vitprof ] || fail "default output name"
  ;;
selftime)
  "$mkraw" selftime p.vitraw
  expect 0 "" "$vitprof" show p.vitraw
  cat out.txt
  grep -Eq "^ +calls +% self +self ms +total ms +self/call us +function +file:line$" out.txt ||
    fail "show: time columns"
  head -4 out.txt | grep -Eq "^ +22 +44\.00 +0\.002 +0\.002 +0\.100 +mk_leaf " || fail "show: self sort"
  expect 0 "" "$vitprof" show --sort total p.vitraw
  sed -n 4p out.txt | grep -Eq " main " || fail "show --sort total"
  expect 0 "" "$vitprof" export -o p.vitprof p.vitraw
  check_doc p.vitprof '
assert doc["program"]["mode"] == "time" and doc["program"]["time_available"]
leaf, work, main = fn("mk_leaf"), fn("mk_work"), fn("main")
assert (leaf["self_ns"], leaf["total_ns"]) == (2200, 2200), leaf
assert (work["self_ns"], work["total_ns"]) == (1800, 3000), work
assert (main["self_ns"], main["total_ns"]) == (1000, 4000), main
a, b = edges("mk_work", "mk_leaf")
assert (a["count"], a["self_ns"], a["total_ns"]) == (5, 500, 500), a
assert (b["count"], b["self_ns"], b["total_ns"]) == (17, 1700, 1700), b
assert doc["hot_spots"][:3] == [leaf["id"], work["id"], main["id"]]
'
  ;;
flags_build)
  # Build a real program with the flags vitprof prints, run it, read it.
  cat >fib.c <<'EOF'
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int main(void) { return fib(10) == 55 ? 0 : 1; }
EOF
  cc=${CC:-cc}
  compile=$("$vitprof" flags --compile)
  [ "$(wc -l <<<"$compile")" -eq 1 ] || fail "flags --compile: one line"
  for kind in shared static; do
    if [ $kind = static ]; then link=$("$vitprof" flags --link --static); else link=$("$vitprof" flags --link); fi
    # shellcheck disable=SC2086
    $cc $compile -O0 ${VP_CONSUMER_CFLAGS:-} -o fib-$kind fib.c $link ${VP_CONSUMER_CFLAGS:-}
    VITPROF_FILE="$dir/fib-$kind.vitraw" ASAN_OPTIONS=detect_leaks=0 ./fib-$kind
    expect 0 "" "$vitprof" show "fib-$kind.vitraw"
    cat out.txt
    grep -Eq "^ +177 +[0-9.]+  fib " out.txt || fail "$kind: fib calls"
    expect 0 "" "$vitprof" export -o "fib-$kind.vitprof" "fib-$kind.vitraw"
    check_doc "fib-$kind.vitprof" '
assert fn("fib")["calls"] == 177 and fn("main")["calls"] == 1
assert sorted(e["count"] for e in edges("fib", "fib")) == [88, 88]
assert doc["modules"][0]["build_id"]
assert doc["program"]["state"] == "exited"
'
  done
  ;;
special_output)
  # An output path that is not a regular file (a FIFO here; /dev/null in
  # practice) is written in place, never replaced by a rename; a write
  # error on it is reported.
  "$mkraw" self p.vitraw
  mkfifo out.fifo
  cat out.fifo >fifo.json &
  reader=$!
  expect 0 "" "$vitprof" export -o out.fifo p.vitraw
  if [ ! -p out.fifo ]; then
    kill "$reader" 2>/dev/null || true
    fail "the FIFO was replaced"   # (and /dev/full would be: not tried)
  fi
  wait "$reader"
  check_doc fifo.json '
assert fn("mk_leaf")["calls"] == 22
'
  [ -z "$(ls | grep '\.tmp\.')" ] || fail "a temporary file was left"
  if [ -c /dev/full ]; then
    expect_error "^vitprof: /dev/full: cannot write: No space left on device$" \
      "$vitprof" export -o /dev/full p.vitraw
    [ -c /dev/full ] || fail "/dev/full was replaced"
  fi
  ;;
doc_example)
  # The example in docs/vitprof-format.md is a valid document.
  awk '/^```json$/ {on = 1; next} /^```$/ {on = 0} on' "$src/docs/vitprof-format.md" >example.vitprof
  [ -s example.vitprof ] || fail "no json example in docs/vitprof-format.md"
  check_doc example.vitprof '
assert fn("fib")["calls"] == 21891 and doc["program"]["time_available"]
'
  ;;
*)
  fail "unknown case"
  ;;
esac
echo "ok ($case)"
