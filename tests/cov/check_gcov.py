#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_gcov.py - vitprof's coverage solver against gcov itself.

    check_gcov.py --cov-dump PATH --src DIR --work DIR CASE VARIANT

Builds the sample program CASE (tests/cov/*.c) with gcc -g, the VARIANT's
flags (O0, O2, O0-finstr, O2-finstr: -finstrument-functions added) and
-fprofile-arcs -ftest-coverage, runs it (several times for some cases, so
that the .gcda sums runs), then compares, for every line of every source
file, the count, unexecuted_block and the branch list (count, fallthrough,
throw) that `gcov -b --json-format --stdout` prints for each object with
what cov_dump (tools/gcno_read.c, gcda_read.c, cov_solve.c) computes from
the same .gcno and .gcda files; also each function's execution count,
blocks and blocks executed; and each line's count and unexecuted_block
with what `gcov -t` prints given all objects at once. For loops.c at -O0, each loop's entries and
iterations must equal the LOOP(entries, iterations) comments in the source.
Exit 0 when everything matches, 1 with a list of differences.
"""
import argparse
import collections
import json
import os
import re
import sys

CASES = {
    # sources (the first holds main), runs (argument lists), expected exit
    "branches": (["branches.c"], [[], ["a", "b", "c", "d", "e"], ["x"]], 0),
    "loops": (["loops.c"], [[]], 0),
    "noreturn": (["noreturn.c"], [[], ["1", "2", "3"]], None),
    "shared": (["shared_main.c", "shared_a.c", "shared_b.c"], [[], []], 0),
    # random_programs.py --seed: written into the work directory
    "random": (["random.c"], [[]], 0),
    "throw": (["throw.cc"], [[]], 0),
}
VARIANTS = {
    "O0": ["-O0"],
    "O2": ["-O2"],
    "O0-finstr": ["-O0", "-finstrument-functions"],
    "O2-finstr": ["-O2", "-finstrument-functions"],
    # clang writing GCC 11's layout (lengths in words, padded strings):
    # the reference is then `llvm-cov gcov`, line counts only
    "clang-B11": ["-O0", "-Xclang", "-coverage-version=B11*"],
}
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402

LOOP_RE = re.compile(r"LOOP\((\d+), (\d+)\)")


def run(cmd, cwd, ok_codes=(0,)):
    return vptest.must(cmd, cwd=cwd, ok=ok_codes, timeout=120).stdout


def gcov_view(work, objects):
    """Per (file, line): count, unexecuted_block, branches; and functions,
    from gcov's JSON, entries of several objects summed in object order."""
    lines = collections.OrderedDict()
    functions = []
    for obj in objects:
        out = run(["gcov", "-b", "--json-format", "--stdout", obj + ".gcda"], work)
        for doc in out.splitlines():
            if not doc.strip():
                continue
            root = json.loads(doc)
            for f in root["files"]:
                name = os.path.normpath(os.path.join(work, f["file"]))
                for fn in f["functions"]:
                    functions.append((name, fn["name"], fn["start_line"],
                                      fn["execution_count"], fn["blocks"],
                                      fn["blocks_executed"]))
                for ln in f["lines"]:
                    key = (name, ln["line_number"])
                    e = lines.setdefault(key, [0, False, []])
                    e[0] += ln["count"]
                    e[1] = e[1] or ln["unexecuted_block"]
                    e[2] += [(b["count"], b["fallthrough"], b["throw"])
                             for b in ln["branches"]]
    return lines, functions


TEXT_LINE = re.compile(r"^\s*([0-9]+|#####|=====|-)(\*?):\s*(\d+):")


def gcov_text_view(work, objects, tool="gcov"):
    """Per (file, line): [count, unexecuted_block] from gcov's text output
    with every object given at once (gcov sums objects itself then); the
    first entry of a line is the summed one, group functions follow it."""
    if tool == "gcov":
        out = run(["gcov", "-t"] + [o + ".gcda" for o in objects], work)
    else:
        out = "".join(run([tool, "gcov", "-t", o + ".gcda"], work) for o in objects)
    lines, src = {}, None
    for text in out.splitlines():
        m = TEXT_LINE.match(text)
        if not m:
            continue
        count, star, no = m.group(1), m.group(2), int(m.group(3))
        if no == 0:
            if ":Source:" in text:
                src = os.path.normpath(os.path.join(work, text.split(":Source:", 1)[1]))
            continue
        if count == "-":
            continue
        if (src, no) in lines:
            if tool != "gcov" and count[0].isdigit():     # llvm-cov: per object
                lines[(src, no)][0] += int(count)
            continue
        # "*" (a block never ran) is only printed after a count above 0
        lines[(src, no)] = [0 if count in ("#####", "=====") else int(count),
                            star == "*" if count[0].isdigit() else None]
    return lines


def ours_view(cov_dump, work, objects):
    out = run([cov_dump] + [o + ".gcno" for o in objects], work)
    doc = json.loads(out)
    lines = collections.OrderedDict()
    for ln in doc["lines"]:
        key = (os.path.normpath(os.path.join(work, ln["file"])), ln["line"])
        if key in lines:
            sys.exit("FAIL: cov_dump lists %s:%d twice" % key)
        lines[key] = [ln["count"], ln["unexecuted_block"],
                      [(b["count"], b["fallthrough"], b["throw"]) for b in ln["branches"]]]
    functions = [(os.path.normpath(os.path.join(work, f["file"])), f["name"],
                  f["start_line"], f["execution_count"], f["blocks"],
                  f["blocks_executed"]) for f in doc["functions"]]
    return lines, functions, doc["loops"]


def expected_loops(path):
    want = collections.Counter()
    with open(path) as f:
        for no, text in enumerate(f, 1):
            for m in LOOP_RE.finditer(text):
                want[(no, int(m.group(1)), int(m.group(2)))] += 1
    return want


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cov-dump", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("case", choices=sorted(CASES))
    ap.add_argument("variant", choices=sorted(VARIANTS))
    ap.add_argument("--seed", type=int, default=1, help="random case: the program")
    a = ap.parse_args()

    sources, runs, exit_code = CASES[a.case]
    samples = src = os.path.abspath(a.src)
    name = a.case + ("%d" % a.seed if a.case == "random" else "")
    work = vptest.fresh_dir(os.path.join(a.work, "%s-%s" % (name, a.variant)))
    if a.case == "random":
        sys.path.insert(0, src)
        import random_programs
        src = work
        with open(os.path.join(work, "random.c"), "w") as f:
            f.write(random_programs.Gen(a.seed).program())
    flags = ["-g"] + VARIANTS[a.variant]
    objects = []
    for s in sources:
        obj = os.path.splitext(s)[0]
        cc = "g++" if s.endswith(".cc") else "gcc"
        if a.variant.startswith("clang"):
            cc = "clang"
        run([cc] + flags + ["-fprofile-arcs", "-ftest-coverage", "-c",
                               os.path.join(src, s), "-o", obj + ".o"], work)
        objects.append(obj)
    link = [o + ".o" for o in objects]
    if "-finstrument-functions" in flags:
        run(["gcc", "-O2", "-c", os.path.join(samples, "cyg_stubs.c"), "-o", "cyg_stubs.o"],
            work)
        link.append("cyg_stubs.o")
    cc = "g++" if any(s.endswith(".cc") for s in sources) else "gcc"
    if a.variant.startswith("clang"):
        cc = "clang"
    run([cc, "-fprofile-arcs"] + link + ["-o", "prog"], work)
    for args in runs:
        run(["./prog"] + args, work, None if exit_code is None else (exit_code,))

    ours, our_fns, loops = ours_view(os.path.abspath(a.cov_dump), work, objects)
    diffs = []
    if a.variant.startswith("clang"):
        # gcov 12 cannot read GCC 11's layout: llvm-cov's line counts
        text = gcov_text_view(work, objects, "llvm-cov")
        for key in sorted(set(text) | set(ours)):
            t, o = text.get(key), ours.get(key)
            if t is None or o is None or t[0] != o[0]:
                diffs.append("%s:%d: llvm-cov %s, vitprof %s" % (key[0], key[1],
                                                                 t and t[0], o and o[0]))
        if diffs:
            print("FAIL %s %s: %d differences" % (name, a.variant, len(diffs)))
            for d in diffs:
                print("  " + d)
            return 1
        print("ok %s %s: %d line counts identical to llvm-cov gcov's"
              % (name, a.variant, len(text)))
        return 0

    theirs, their_fns = gcov_view(work, objects)
    for key in sorted(set(theirs) | set(ours)):
        t, o = theirs.get(key), ours.get(key)
        if t is None or o is None:
            diffs.append("%s:%d: gcov %s, vitprof %s" % (key[0], key[1], t, o))
        elif t != o:
            diffs.append("%s:%d:\n    gcov    %s\n    vitprof %s" % (key[0], key[1], t, o))
    # gcov's text mode, all objects at once: the line counts summed by gcov
    text = gcov_text_view(work, objects)
    for key in sorted(set(text) | set(ours)):
        t, o = text.get(key), ours.get(key)
        if t is not None and o is not None and t[1] is None:
            t = [t[0], o[1]]
        if t is None or o is None or t != o[:2]:
            diffs.append("%s:%d: gcov -t %s, vitprof %s" % (key[0], key[1], t,
                                                            o and o[:2]))
    if sorted(their_fns) != sorted(our_fns):
        diffs.append("functions differ:\n    gcov    %s\n    vitprof %s"
                     % (sorted(their_fns), sorted(our_fns)))

    n_loops = 0
    if a.case == "loops" and a.variant.startswith("O0"):
        path = os.path.join(src, "loops.c")
        want = expected_loops(path)
        got = collections.Counter((l["line"], l["entries"], l["iterations"])
                                  for l in loops
                                  if os.path.basename(l["file"]) == "loops.c")
        n_loops = sum(got.values())
        if want != got:
            diffs.append("loops differ:\n    expected %s\n    vitprof  %s"
                         % (sorted(want.elements()), sorted(got.elements())))
        depths = sorted(l["depth"] for l in loops)
        if depths.count(2) != 2:
            diffs.append("loop depths: expected two loops at depth 2, got %s" % depths)

    if diffs:
        print("FAIL %s %s: %d differences" % (name, a.variant, len(diffs)))
        for d in diffs:
            print("  " + d)
        return 1
    n_branches = sum(len(v[2]) for v in theirs.values())
    print("ok %s %s: %d lines, %d branches, %d functions, %d loops identical"
          " (lines also against gcov -t on all objects at once)"
          % (name, a.variant, len(theirs), n_branches, len(their_fns), n_loops))
    return 0


if __name__ == "__main__":
    sys.exit(main())
