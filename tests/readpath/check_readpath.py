#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_readpath.py - what the reading commands load and what they say.

    check_readpath.py CASE --vitprof TOOL --src tests/readpath --scratch DIR
                      [--cc CC] [--sanitized]

Cases (issue 12):
  returns-O0, returns-O2  gcov_functions[].returns against gcov -b's
                          "returned" (and entry_count against its "called")
                          for functions that always longjmp out, sometimes
                          do, call exit() or return (returns.c)
  entry-setjmp            entry_count is gcov's "called": protect() is called
                          6 times and longjmped back into 3 times (protect.c):
                          at -O2 gcov says 9, the hooks 6
  gcda-rebuilt            vitprof gcda refuses a profile whose program was
                          rebuilt since the run (as show does), writes nothing;
                          on success it says what it wrote in one line, -q not
  documents               show, report, export (every format) and flamegraph
                          on a .vitprof document (export's and merge's) against
                          the same raw profile: same flat counts; what a
                          document lacks is refused in one line
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vptest import Checks, clean_env, fresh_dir, san_flags  # noqa: E402

CHECKS = Checks("readpath")
log, fail, expect = CHECKS.log, CHECKS.fail, CHECKS.expect


class Ctx:
    def __init__(self, a):
        self.a = a
        self.src = os.path.abspath(a.src)
        self.d = fresh_dir(a.scratch)
        self.san = san_flags(a.sanitized)

    def env(self, extra=None):
        return clean_env(extra)

    def sh(self, cmd, rc=0, env=None):
        return CHECKS.sh(cmd, rc=rc, env=env or self.env(), cwd=self.d)

    def vp(self, *args, rc=0):
        return self.sh([self.a.vitprof] + list(args), rc=rc)

    def flags(self, *what):
        return shlex.split(self.vp("flags", *what).stdout)

    def build_vp(self, src, out, opt, extra=(), arcs_only=False):
        self.sh([self.a.cc] + self.flags("--compile", "--link",
                                         *(["--arcs-only"] if arcs_only else []))
                + [opt] + self.san + list(extra)
                + [os.path.join(self.src, src), "-o", os.path.join(self.d, out)])

    def build_gcov(self, src, out, opt):
        """Plain gcc --coverage (libgcov), in its own directory: d/out/."""
        w = os.path.join(self.d, out)
        os.makedirs(w, exist_ok=True)
        shutil.copy(os.path.join(self.src, src), w)
        p = subprocess.run([self.a.cc, "-g", opt, "--coverage"] + self.san + [src, "-o", "prog"],
                           cwd=w, capture_output=True, text=True, timeout=120)
        expect(p.returncode == 0, "gcc --coverage: %s" % p.stderr)
        return w

    def run(self, prog, raw, args=(), mode=None, rc=0, cwd=None):
        extra = {"VITPROF_FILE": raw}
        if mode:
            extra["VITPROF_MODE"] = mode
        p = subprocess.run([prog] + list(args), cwd=cwd or self.d, env=self.env(extra),
                           capture_output=True, text=True, timeout=120)
        expect(p.returncode == rc, "%s: exit %d\n%s" % (prog, p.returncode, p.stderr))
        return p


def gcov_functions(w, prog_gcda):
    """function name -> (called, returned %) from gcov -b -c."""
    p = subprocess.run(["gcov", "-b", "-c", prog_gcda], cwd=w, capture_output=True, text=True,
                       timeout=120)
    expect(p.returncode == 0, "gcov -b: %s" % p.stderr)
    out = {}
    for name in os.listdir(w):
        if not name.endswith(".gcov"):
            continue
        with open(os.path.join(w, name)) as f:
            for ln in f:
                m = re.match(r"function (\S+) called (\d+) returned (\d+)%", ln)
                if m:
                    out[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return out


def gcov_percent(top, bottom):
    """gcov's format_gcov(top, bottom, 0): a rounded percentage, 1% for a
    small non-zero share, 99% for a share just short of all."""
    if not bottom:
        return 0
    r = 100.0 * top / bottom
    if 0 < r < 0.5:
        return 1
    if 99.5 <= r < 100:
        return 99
    return int(round(r))


def doc_of(c, raw, name):
    out = os.path.join(c.d, name)
    c.vp("export", "-o", out, raw)
    with open(out) as f:
        return out, json.load(f)


def case_returns(c, opt):
    c.build_vp("returns.c", "ret_vp", opt)
    raw = os.path.join(c.d, "ret.vitraw")
    c.run(os.path.join(c.d, "ret_vp"), raw)
    _, doc = doc_of(c, raw, "ret.vitprof")
    ours = {f["name"]: f for f in doc["gcov_functions"]}
    w = c.build_gcov("returns.c", "gcov", opt)
    subprocess.run(["./prog"], cwd=w, capture_output=True, timeout=60, env=c.env())
    theirs = gcov_functions(w, "prog-returns.gcda")
    expect(set(theirs) >= {"always_throw", "sometimes_throw", "plain", "maybe_exit", "main"},
           "gcov -b lists %s" % sorted(theirs))
    for name, (called, pct) in sorted(theirs.items()):
        f = ours.get(name)
        if not expect(f is not None, "%s: not in gcov_functions" % name):
            continue
        expect(f["entry_count"] == called, "%s: entry_count %d, gcov called %d"
               % (name, f["entry_count"], called))
        expect(gcov_percent(f["returns"], f["entry_count"]) == pct,
               "%s: returns %d of %d entries, gcov -b says returned %d%%"
               % (name, f["returns"], f["entry_count"], pct))
        log("%s %s: called %d, returns %d (gcov: returned %d%%)"
            % (opt, name, called, f["returns"], pct))
    # by construction: always_throw never returns, main ends in exit()
    expect(ours["always_throw"]["returns"] == 0, "always_throw returns %d, not 0"
           % ours["always_throw"]["returns"])
    expect(ours["main"]["returns"] == 0, "main returns %d, not 0" % ours["main"]["returns"])
    expect(ours["maybe_exit"]["returns"] == ours["maybe_exit"]["entry_count"] - 1,
           "maybe_exit: returns %d, entries %d" % (ours["maybe_exit"]["returns"],
                                                   ours["maybe_exit"]["entry_count"]))


def case_entry_setjmp(c):
    c.build_vp("protect.c", "protect_vp", "-O2")
    raw = os.path.join(c.d, "protect.vitraw")
    c.run(os.path.join(c.d, "protect_vp"), raw)
    _, doc = doc_of(c, raw, "protect.vitprof")
    fn = [f for f in doc["functions"] if f["name"] == "protect"]
    gf = [f for f in doc["gcov_functions"] if f["name"] == "protect"]
    if not expect(fn and gf, "protect missing from the document"):
        return
    w = c.build_gcov("protect.c", "gcov", "-O2")
    subprocess.run(["./prog"], cwd=w, capture_output=True, timeout=60, env=c.env())
    called = gcov_functions(w, "prog-protect.gcda").get("protect", (None, None))[0]
    log("protect: calls %d, entry_count %s, gcov called %s"
        % (fn[0]["calls"], fn[0].get("entry_count"), called))
    expect(fn[0]["calls"] == 6, "protect: calls %d, not 6" % fn[0]["calls"])
    expect(fn[0].get("entry_count") == called == gf[0]["entry_count"],
           "protect: entry_count %s, gcov called %s" % (fn[0].get("entry_count"), called))
    expect(called == 9, "gcov says protect called %s (6 calls + 3 longjmps expected at -O2)"
           % called)
    expect(gf[0]["returns"] == 6, "protect returns %d, not 6" % gf[0]["returns"])


def case_gcda_rebuilt(c):
    c.build_vp("returns.c", "prog", "-O2", arcs_only=True)
    raw = os.path.join(c.d, "run.vitraw")
    c.run(os.path.join(c.d, "prog"), raw)
    out = os.path.join(c.d, "out")
    p = c.vp("gcda", "-o", out, raw)
    files = sorted(os.listdir(out)) if os.path.isdir(out) else []
    expect(files == ["prog-returns.gcda"], "wrote %s" % files)
    expect(p.stderr == "vitprof: wrote 1 .gcda file (1 run) under %s\n" % out,
           "closing line %r" % p.stderr)
    p = c.vp("gcda", "-q", "-o", out, raw)
    expect(p.stderr == "", "-q: %r" % p.stderr)
    shutil.rmtree(out)
    # the same sources rebuilt (a macro more: another build-id, another .gcno)
    c.build_vp("returns.c", "prog", "-O2", extra=["-DREBUILT=1"], arcs_only=True)
    p = c.vp("gcda", "-o", out, raw, rc=1)
    expect("rebuilt since the run" in p.stderr and len(p.stderr.splitlines()) == 1,
           "gcda on a rebuilt program: %r" % p.stderr)
    expect(not os.path.exists(out), "gcda wrote %s for a rebuilt program" % out)
    p = c.vp("show", raw, rc=1)
    expect("rebuilt since the run" in p.stderr, "show on a rebuilt program: %r" % p.stderr)
    os.unlink(os.path.join(c.d, "prog"))
    p = c.vp("gcda", "-o", out, raw, rc=1)
    expect("cannot open" in p.stderr and len(p.stderr.splitlines()) == 1,
           "gcda with the program removed: %r" % p.stderr)
    log("gcda: refused a rebuilt and a removed program, as show")


def flat(text):
    """The rows of a flat table: (count, function) pairs, header lines out."""
    rows = []
    for ln in text.splitlines():
        m = re.match(r"\s*(?:[\d.]+\s+)?(\d+)\s+(?:[\d.]+\s+){0,4}(\S+)\s+(/\S+:\d+|\?\?)$", ln)
        if m:
            rows.append((m.group(2), int(m.group(1))))
    return sorted(rows)


def case_documents(c, mode):
    c.build_vp("returns.c", "prog", "-O0")
    raw = os.path.join(c.d, "run.vitraw")
    c.run(os.path.join(c.d, "prog"), raw, mode=mode)
    doc_path, doc = doc_of(c, raw, "run.vitprof")
    merged = os.path.join(c.d, "merged.vitprof")
    p = c.vp("merge", "-o", merged, raw, raw)
    expect(p.stderr == "vitprof: wrote %s: 2 profiles merged, as a .vitprof document\n"
           % merged, "merge: %r" % p.stderr)
    calls = {f["name"]: f["calls"] for f in doc["functions"] if f["instrumented"]}
    expect(calls.get("plain") == 8 and calls.get("always_throw") == 4,
           "hooked calls %s" % calls)

    # show: the same table
    s_raw, s_doc = c.vp("show", "-n", "0", raw), c.vp("show", "-n", "0", doc_path)
    expect(s_doc.stderr == "", "show DOC: %r" % s_doc.stderr)
    expect(flat(s_raw.stdout) == flat(s_doc.stdout) and flat(s_raw.stdout),
           "show: raw %s, document %s" % (flat(s_raw.stdout), flat(s_doc.stdout)))
    expect(sorted(flat(s_doc.stdout)) == sorted(calls.items()),
           "show DOC %s, document %s" % (flat(s_doc.stdout), calls))
    s_m = c.vp("show", "-n", "0", merged)
    expect(flat(s_m.stdout) == [(n, 2 * k) for n, k in flat(s_raw.stdout)],
           "show of merge(raw, raw): %s" % flat(s_m.stdout))
    # report: the same flat profile and graph
    r_raw, r_doc = c.vp("report", raw), c.vp("report", doc_path)
    body = lambda t: t.split("\n", 1)[1]  # noqa: E731 (first line names the file)
    expect(body(r_raw.stdout) == body(r_doc.stdout),
           "report differs:\n%s\n---\n%s" % (r_raw.stdout, r_doc.stdout))
    # export: every format but folded (no contexts) gives the same output
    for fmt in ("callgrind", "dot", "csv", "prometheus", "sample-profile", "link-order"):
        a, b = os.path.join(c.d, "a." + fmt), os.path.join(c.d, "b." + fmt)
        c.vp("export", "--no-coverage", "-f", fmt, "-o", a, raw)
        c.vp("export", "-f", fmt, "-o", b, doc_path)
        with open(a) as fa, open(b) as fb:
            ta, tb = fa.read(), fb.read()
        expect(ta == tb and ta, "export -f %s: raw and document differ" % fmt)
    again = os.path.join(c.d, "again.vitprof")
    c.vp("export", "-o", again, doc_path)
    with open(again) as f:
        d2 = json.load(f)
    gkey = lambda d: sorted((g["name"], g["entry_count"], g["returns"])  # noqa: E731
                            for g in d["gcov_functions"])
    expect({f["name"]: f["calls"] for f in d2["functions"] if f["instrumented"]} == calls
           and gkey(d2) == gkey(doc) and gkey(doc) and d2["lines"] == doc["lines"],
           "export of a document lost something")
    # what a document lacks: one line, exit 1
    for args in (["flamegraph", "-o", os.path.join(c.d, "x.svg")],
                 ["export", "-f", "folded", "-o", os.path.join(c.d, "x.folded")],
                 ["show", "--branches"], ["show", "--loops"],
                 ["gcda", "-o", os.path.join(c.d, "gcda")]):
        p = c.vp(*(args + [doc_path]), rc=1)
        expect(len(p.stderr.splitlines()) == 1 and
               p.stderr.startswith("vitprof: %s: a .vitprof document " % doc_path),
               "%s on a document: %r" % (args[0], p.stderr))
    log("%s mode: show, report, export on a document = on the raw profile" % mode)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["returns-O0", "returns-O2", "entry-setjmp",
                                     "gcda-rebuilt", "documents-count", "documents-time"])
    ap.add_argument("--vitprof", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--sanitized", action="store_true")
    a = ap.parse_args()
    if shutil.which("gcov") is None:
        print("SKIPPED: no gcov")
        sys.exit(77)
    c = Ctx(a)
    if a.case.startswith("returns-"):
        case_returns(c, "-" + a.case.split("-")[1])
    elif a.case == "entry-setjmp":
        case_entry_setjmp(c)
    elif a.case == "gcda-rebuilt":
        case_gcda_rebuilt(c)
    else:
        case_documents(c, a.case.split("-")[1])
    CHECKS.finish()


if __name__ == "__main__":
    main()
