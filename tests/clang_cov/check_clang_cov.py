#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_clang_cov.py - clang --coverage on vitprof's runtime against
compiler-rt's profile runtime.

    check_clang_cov.py --clang CC --llvm-cov LLVM_COV --vitprof TOOL
                       --rt-dir DIR --src DIR --work DIR CASE OPT

Compiles tests/clang_cov/main.c and util.c once with `CC -g -OPT --coverage
-fdata-sections` and links the same objects twice: with compiler-rt
(`CC --coverage` at link time) and with libvitprof_rt.so.

  gcda  Runs both; the vitprof run must write no .gcda itself, and
        `vitprof gcda` of its raw profile must equal compiler-rt's .gcda
        files byte for byte; then every line's count and every branch
        count of `vitprof export --format vitprof` must equal what
        `LLVM_COV gcov -b -c` prints for compiler-rt's run, and
        `vitprof show --branches` must list each conditional branch line.
  kill  Runs the vitprof build linked without the fragment in its endless
        mode, kills it with SIGKILL mid-run: its counters are copied at exit
        only, so `vitprof gcda` must name them as unknown and write nothing.
  killinplace  The same linked with the fragment: clang's counters are
        mapped in place, and the killed run's .gcda files are written.
Exit 0 when everything matches, 1 with the differences.
"""
import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402

SOURCES = ["main.c", "util.c"]
ARGS = ["a", "b"]           # argc 3: scan(argc) runs too


def run(cmd, cwd, env=None, ok=(0,)):
    return vptest.must(cmd, cwd=cwd, env=env, ok=ok, timeout=120)


def build(a, work):
    objs = []
    for src in SOURCES:
        obj = os.path.join(work, src[:-2] + ".o")
        run([a.clang, "-g", "-" + a.opt, "--coverage", "-fdata-sections", "-c",
             os.path.join(a.src, src), "-o", obj], work)
        objs.append(obj)
    run([a.clang, "--coverage"] + objs + ["-o", "prog_crt"], work)
    run([a.clang] + objs + ["-o", "prog_vp", "-L", a.rt_dir, "-lvitprof_rt",
                            "-Wl,-rpath," + a.rt_dir, "-Wl,--build-id"], work)
    # with the linker-script fragment: clang's counters mapped in place
    run([a.clang] + objs + ["-o", "prog_inplace", "-L", a.rt_dir, "-lvitprof_gcov",
                            "-lvitprof_rt", "-Wl,-rpath," + a.rt_dir, "-Wl,--build-id",
                            "-Wl,-T," + os.path.join(a.src, "..", "..", "rt",
                                                     "vitprof_arcs.ld")], work)
    return [o[:-2] for o in objs]


def vp_env(raw):
    env = dict(os.environ)
    env["VITPROF_FILE"] = raw
    env.pop("GCOV_PREFIX", None)
    env.pop("GCOV_PREFIX_STRIP", None)
    return env


TEXT = re.compile(r"^\s*([0-9]+|#####|=====|-)\*?:\s*(\d+):")
BRANCH = re.compile(r"^branch\s+(\d+)\s+(taken (\d+)|never executed)")


def llvm_cov_view(a, work, stems):
    """Per (file, line): count and branch counts, from `llvm-cov gcov -b -c`."""
    lines = collections.OrderedDict()
    for stem in stems:
        out = run([a.llvm_cov, "gcov", "-b", "-c", "-t", stem + ".gcda"], work).stdout
        src, cur = None, None
        for text in out.splitlines():
            m = TEXT.match(text)
            if m:
                count, no = m.group(1), int(m.group(2))
                if no == 0:
                    if ":Source:" in text:
                        src = os.path.basename(text.split(":Source:", 1)[1])
                    cur = None
                    continue
                if count == "-":
                    cur = None
                    continue
                cur = (src, no)
                e = lines.setdefault(cur, [0, []])
                e[0] += 0 if count in ("#####", "=====") else int(count)
                continue
            m = BRANCH.match(text)
            if m and cur:
                lines[cur][1].append(int(m.group(3)) if m.group(3) else 0)
    return lines


def vitprof_view(a, work, raw):
    out = os.path.join(work, "export.json")
    run([a.vitprof, "export", "--format", "vitprof", "-o", out, raw], work)
    with open(out) as f:
        doc = json.load(f)
    lines = collections.OrderedDict()
    for ln in doc["lines"]:
        lines[(os.path.basename(ln["file"]), ln["line"])] = [ln["count"], []]
    for br in doc["branches"]:
        key = (os.path.basename(br["file"]), br["line"])
        lines.setdefault(key, [None, []])[1] += [o["count"] for o in br["outcomes"]]
    return lines


def case_gcda(a, work, stems):
    run(["./prog_crt"] + ARGS, work)
    crt = os.path.join(work, "crt")
    os.makedirs(crt)
    for stem in stems:
        shutil.move(stem + ".gcda", crt)
    raw = os.path.join(work, "run.vitraw")
    run(["./prog_vp"] + ARGS, work, env=vp_env(raw))
    for stem in stems:
        if os.path.exists(stem + ".gcda"):
            sys.exit("FAIL: the vitprof run wrote %s.gcda itself" % stem)
    vp = os.path.join(work, "vp")
    run([a.vitprof, "gcda", "-o", vp, raw], work)
    fails = []
    for stem in stems:
        name = os.path.basename(stem) + ".gcda"
        p = run(["cmp", os.path.join(crt, name), os.path.join(vp, name)], work, ok=None)
        if p.returncode != 0:
            fails.append("%s differs from compiler-rt's: %s" % (name, p.stdout.strip()))
    # llvm-cov reads compiler-rt's files beside the .gcno
    for stem in stems:
        shutil.copy(os.path.join(crt, os.path.basename(stem) + ".gcda"), stem + ".gcda")
    want = llvm_cov_view(a, work, stems)
    got = vitprof_view(a, work, raw)
    n_branches = 0
    for key, (count, branches) in want.items():
        g = got.get(key)
        if g is None:
            fails.append("%s:%d: llvm-cov %d, not in vitprof's export" % (key + (count,)))
            continue
        if g[0] != count:
            fails.append("%s:%d: count: llvm-cov %d, vitprof %s" % (key + (count, g[0])))
        if g[1] != branches:
            fails.append("%s:%d: branches: llvm-cov %s, vitprof %s" % (key + (branches, g[1])))
        n_branches += len(branches)
    for key in got:
        if key not in want and key[0] in SOURCES:
            fails.append("%s:%d: in vitprof's export only" % key)
    show = run([a.vitprof, "show", "--branches", "-n", "0", raw], work).stdout
    for key, (count, branches) in want.items():
        if branches and "%s:%d " % key not in show:
            fails.append("%s:%d: not in vitprof show --branches" % key)
    if fails:
        print("\n".join("FAIL: " + f for f in fails))
        return 1
    print("ok: %d .gcda files identical to compiler-rt's; %d lines and %d branch counts"
          " equal llvm-cov gcov's" % (len(stems), len(want), n_branches))
    return 0


def spin_and_kill(work, prog, raw):
    ready = os.path.join(work, "ready")
    if os.path.exists(ready):
        os.unlink(ready)
    p = subprocess.Popen(["./" + prog, "spin", ready], cwd=work, env=vp_env(raw),
                         stdout=subprocess.DEVNULL)
    deadline = time.time() + 30
    while not os.path.exists(ready) and p.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    if not os.path.exists(ready):
        p.kill()
        sys.exit("FAIL: the spinning program never got ready")
    os.kill(p.pid, signal.SIGKILL)
    p.wait()


def case_killinplace(a, work, stems):
    """In place (the fragment gathers __llvm_gcov_ctr*): a SIGKILLed run's
    counters are in the file; every .gcda is written and llvm-cov reads it."""
    raw = os.path.join(work, "inplace.vitraw")
    spin_and_kill(work, "prog_inplace", raw)
    show = run([a.vitprof, "show", raw], work).stdout
    if "mapped in place" not in show or "0 mapped in place" in show:
        print("FAIL: clang's counters not mapped in place:\n" + show)
        return 1
    out_dir = os.path.join(work, "vpk")
    run([a.vitprof, "gcda", "-o", out_dir, raw], work)
    for stem in stems:
        g = os.path.join(out_dir, os.path.basename(stem) + ".gcda")
        if not os.path.exists(g):
            print("FAIL: %s not written from the killed in-place run" % g)
            return 1
    print("ok: killed in-place run: %d .gcda written from the mapped counters" % len(stems))
    return 0


def case_kill(a, work, stems):
    raw = os.path.join(work, "run.vitraw")
    spin_and_kill(work, "prog_vp", raw)
    out = run([a.vitprof, "gcda", "-o", os.path.join(work, "vp"), raw], work, ok=(0, 1))
    text = out.stdout + out.stderr
    fails = []
    for stem in stems:
        if not re.search(re.escape(stem) + r"\.gcda: counts unknown", text):
            fails.append("%s.gcda not named as unknown:\n%s" % (stem, text))
        if os.path.exists(os.path.join(work, "vp", os.path.basename(stem) + ".gcda")):
            fails.append("%s.gcda written from unknown counts" % stem)
    if fails:
        print("\n".join("FAIL: " + f for f in fails))
        return 1
    print("ok: killed copy-mode run: %d units named unknown, nothing written" % len(stems))
    return 0


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--clang", "--llvm-cov", "--vitprof", "--rt-dir", "--src", "--work"):
        ap.add_argument(opt, required=True)
    ap.add_argument("case", choices=["gcda", "kill", "killinplace"])
    ap.add_argument("opt", choices=["O0", "O2"])
    a = ap.parse_args()
    work = vptest.fresh_dir(a.work)
    a.src = os.path.abspath(a.src)
    stems = build(a, work)
    cases = {"gcda": case_gcda, "kill": case_kill, "killinplace": case_killinplace}
    sys.exit(cases[a.case](a, work, stems))


if __name__ == "__main__":
    main()
