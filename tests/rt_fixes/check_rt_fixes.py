#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runtime fixes of issue 12 (items 2, 3, 4 and the VITPROF_MODE line).

  check_rt_fixes.py CASE --prog PROGRAM --vitprof TOOL --scratch DIR [--sanitized]

CASE:
  longjmp_prologue  ljprologue.c: after a longjmp out of jumper_X, main
                    calls worker_X (a deeper, equal or shallower frame):
                    context mode gives main;worker_X;leaf, never under
                    jumper_X; time mode charges leaf's 20 ms to worker_X,
                    not to jumper_X.
  preinit           preinit.c: the first instrumented call runs from
                    .preinit_array; VITPROF_FILE, VITPROF_MODE and
                    VITPROF_VERBOSE are each obeyed.
  tsd_threads       tsd_threads.c: threads whose TSD destructor runs
                    instrumented code: threads = N + 1, the destructor's
                    calls counted, nothing lost (N = 2 and 200).
  bad_mode          a misspelled VITPROF_MODE (times, flame, ...): one
                    vitprof: line naming it and the valid modes, count mode.
The truth is by construction of each program (see its header comment).
"""
import argparse
import os
import re
import subprocess
import sys

MS = 1000 * 1000
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402

CHECKS = vptest.Checks()
fail, expect, finish = CHECKS.fail, CHECKS.expect, CHECKS.finish


class Run:
    def __init__(self, a):
        self.a = a
        vptest.fresh_dir(a.scratch)
        self.n = 0

    def run(self, args, env, cwd=None, stderr_empty=True):
        """Runs the program with env (VITPROF_* cleared first); returns
        (CompletedProcess, scratch directory of this run)."""
        self.n += 1
        d = os.path.join(self.a.scratch, "run%d" % self.n)
        os.makedirs(d)
        e = {k: v for k, v in os.environ.items() if not k.startswith("VITPROF_")}
        e.update({k: v.replace("{dir}", d) for k, v in env.items()})
        cmd = [self.a.prog] + [str(x) for x in args]
        print("running: %s %s" % (" ".join("%s=%s" % kv for kv in sorted(env.items())),
                                  " ".join(cmd)), flush=True)
        cp = subprocess.run(cmd, env=e, cwd=cwd or d, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
        expect(cp.returncode == 0, "%s exited %d: %s" % (cmd, cp.returncode, cp.stderr[-1000:]))
        if stderr_empty:
            expect(cp.stderr == "", "%s wrote to stderr: %r" % (cmd, cp.stderr[-1000:]))
        return cp, d

    def raws(self, d):
        return sorted(os.path.join(d, f) for f in os.listdir(d) if ".vitraw" in f
                      and not f.endswith(".json"))

    def one_raw(self, d):
        r = self.raws(d)
        if len(r) != 1:
            fail("%s: %d raw profiles, expected 1: %s" % (d, len(r), r))
            finish()
        return r[0]

    def export(self, raw):
        doc, cp = vptest.export_doc(self.a.vitprof, raw)
        if doc is None:
            fail("vitprof export %s: %s" % (raw, cp.stderr))
            finish()
        return doc

    def folded(self, raw):
        cp = subprocess.run([self.a.vitprof, "export", "--format", "folded", "--no-coverage", "--keep-all",
                             "-o", "-", raw], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=120)
        if cp.returncode != 0:
            fail("vitprof export --format folded %s: %s" % (raw, cp.stderr))
            finish()
        out = {}
        for line in cp.stdout.splitlines():
            path, n = line.rsplit(" ", 1)
            out[path] = out.get(path, 0) + int(n)
        return out


def calls(doc):
    out = {}
    for f in doc["functions"]:
        if f.get("instrumented"):
            out[f["name"]] = out.get(f["name"], 0) + f.get("calls", 0)
    return out


def func(doc, name):
    fs = [f for f in doc["functions"] if f["name"] == name]
    return fs[0] if len(fs) == 1 else {}


def case_longjmp_prologue(r):
    for c in ("bigger", "equal", "smaller"):
        j, w = "jumper_" + c, "worker_" + c
        want_calls = {"main": 1, j: 1, w: 1, "leaf": 1}
        # Context mode: the exact tree.
        _, d = r.run([c], {"VITPROF_MODE": "context", "VITPROF_FILE": "{dir}/p.vitraw"})
        got = r.folded(r.one_raw(d))
        want = {"main": 1, "main;" + j: 1, "main;" + w: 1, "main;%s;leaf" % w: 1}
        expect(got == want, "%s, context: folded %s, expected %s" % (c, got, want))
        # Time mode: leaf's sleep is worker's, not jumper's.
        _, d = r.run([c], {"VITPROF_MODE": "time", "VITPROF_FILE": "{dir}/p.vitraw"})
        doc = r.export(r.one_raw(d))
        expect(calls(doc) == want_calls, "%s, time: calls %s, expected %s"
               % (c, calls(doc), want_calls))
        tot = {n: func(doc, n).get("total_ns", -1) for n in want_calls}
        print("%s, time: total_ns %s" % (c, tot), flush=True)
        expect(0 <= tot[j] < 5 * MS, "%s, time: %s total %d ns (it only longjmps; expected "
               "< 5 ms): the sleep after the longjmp was charged to the dead frame"
               % (c, j, tot[j]))
        for n in (w, "leaf"):
            expect(tot[n] >= 18 * MS, "%s, time: %s total %d ns, expected >= 18 ms"
                   % (c, n, tot[n]))
        bad = [e for e in doc["edges"] if e["caller_name"] == j]
        expect(not bad, "%s, time: edges from the dead %s: %s" % (c, j, bad))
        # context,time: the folded self time per path, on the same tree.
        _, d = r.run([c], {"VITPROF_MODE": "context,time", "VITPROF_FILE": "{dir}/p.vitraw"})
        got = r.folded(r.one_raw(d))
        print("%s, context,time: folded self ns %s" % (c, got), flush=True)
        expect(set(got) <= set(want) and got.get("main;%s;leaf" % w, 0) >= 18 * MS
               and got.get("main;" + j, 0) < 5 * MS,
               "%s, context,time: folded %s, expected the paths %s with >= 18 ms in "
               "main;%s;leaf" % (c, got, sorted(want), w))


def case_preinit(r):
    n = 10
    want = {"pre_init": 1, "early": 1, "main": 1, "work": n}
    # VITPROF_FILE: the file where asked, nothing in the current directory.
    cwd = os.path.join(r.a.scratch, "cwd")
    os.makedirs(cwd)
    cp, d = r.run([n], {"VITPROF_FILE": "{dir}/asked-%p.vitraw"}, cwd=cwd)
    expect(cp.stdout == "sink=%d\n" % (n + 1), "stdout %r" % cp.stdout)
    expect(os.listdir(cwd) == [], "VITPROF_FILE ignored: %s in the current directory"
           % os.listdir(cwd))
    names = [os.path.basename(x) for x in r.raws(d)]
    if expect(len(names) == 1 and re.fullmatch(r"asked-\d+\.vitraw", names[0]),
              "VITPROF_FILE: %s in %s, expected asked-<pid>.vitraw" % (names, d)):
        doc = r.export(r.one_raw(d))
        expect(calls(doc) == want, "calls %s, expected %s" % (calls(doc), want))
        expect(doc["program"]["mode"] == "count", "mode %r" % doc["program"]["mode"])
    # VITPROF_MODE=time: a time profile, work's n sleeps of 1 ms timed.
    _, d = r.run([n], {"VITPROF_FILE": "{dir}/p.vitraw", "VITPROF_MODE": "time"})
    if r.raws(d):
        doc = r.export(r.one_raw(d))
        expect(doc["program"]["mode"] == "time", "VITPROF_MODE=time ignored: mode %r"
               % doc["program"]["mode"])
        expect(calls(doc) == want, "time: calls %s, expected %s" % (calls(doc), want))
        expect(func(doc, "work").get("total_ns", 0) >= n * MS,
               "time: work total %s ns, expected >= %d ms" % (func(doc, "work").get("total_ns"), n))
    else:
        fail("VITPROF_MODE=time: no profile at the VITPROF_FILE path")
    # VITPROF_VERBOSE=1: the "writing" and "profile complete" lines.
    cp, d = r.run([n], {"VITPROF_FILE": "{dir}/p.vitraw", "VITPROF_VERBOSE": "1"},
                  stderr_empty=False)
    lines = cp.stderr.splitlines()
    expect(any(l.startswith("vitprof: writing ") and l.endswith("/p.vitraw") for l in lines)
           and any(l.startswith("vitprof: profile complete:") for l in lines),
           "VITPROF_VERBOSE=1 ignored: stderr %r" % cp.stderr[-1000:])
    expect(all(l.startswith("vitprof:") for l in lines), "stderr: %r" % cp.stderr[-1000:])
    # VITPROF_MODE=time with the other two unset: still read.
    cwd2 = os.path.join(r.a.scratch, "cwd2")
    os.makedirs(cwd2)
    r.run([n], {"VITPROF_MODE": "time"}, cwd=cwd2)
    raws = r.raws(cwd2)
    if expect(len(raws) == 1, "default name: %s" % os.listdir(cwd2)):
        doc = r.export(raws[0])
        expect(doc["program"]["mode"] == "time", "default name: mode %r" % doc["program"]["mode"])


def case_tsd_threads(r):
    for n, mode in ((2, "count"), (200, "count"), (2, "time"), (200, "context")):
        cp, d = r.run([n], {"VITPROF_FILE": "{dir}/p.vitraw", "VITPROF_MODE": mode})
        expect(cp.stdout == "sink=%d\n" % (3 * n + 1), "stdout %r" % cp.stdout)
        doc = r.export(r.one_raw(d))
        prog = doc["program"]
        want = {"main": 1, "body": n + 1, "thread_main": n, "dtor": n, "in_dtor": n}
        expect(prog["threads"] == n + 1, "%d threads, %s mode: threads %d, expected %d"
               % (n, mode, prog["threads"], n + 1))
        expect(calls(doc) == want, "%d threads, %s mode: calls %s, expected %s"
               % (n, mode, calls(doc), want))
        expect(prog["lost_calls"] == 0, "%d threads: lost_calls %d" % (n, prog["lost_calls"]))


def case_bad_mode(r):
    want = {"pre_init": 1, "early": 1, "main": 1, "work": 2}
    for mode in ("times", "flame", "Time", "context time", "\x1b[2Jcount"):
        cp, d = r.run([2], {"VITPROF_FILE": "{dir}/p.vitraw", "VITPROF_MODE": mode},
                      stderr_empty=False)
        lines = cp.stderr.splitlines()
        shown = mode.replace("\x1b", "\\x1b")
        expect(len(lines) == 1 and lines[0].startswith("vitprof: ")
               and ("'%s'" % shown) in lines[0]
               and all(m in lines[0] for m in ("count", "time", "context", "context,time")),
               "VITPROF_MODE=%r: stderr %r, expected one vitprof: line naming it and the "
               "valid modes" % (mode, cp.stderr))
        doc = r.export(r.one_raw(d))
        expect(doc["program"]["mode"] == "count" and calls(doc) == want,
               "VITPROF_MODE=%r: mode %r calls %s" % (mode, doc["program"]["mode"], calls(doc)))
    # Valid values (and count, empty) print nothing.
    for mode in ("count", "", "time", "context", "context,time", "time,context"):
        r.run([2], {"VITPROF_FILE": "{dir}/p.vitraw", "VITPROF_MODE": mode})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--prog", required=True)
    ap.add_argument("--vitprof", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--sanitized", action="store_true")
    a = ap.parse_args()
    a.prog = os.path.abspath(a.prog)
    r = Run(a)
    globals()["case_" + a.case](r)
    finish()


if __name__ == "__main__":
    main()
