#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`vitprof merge` of context-mode profiles and `vitprof overlap` of two
builds (docs/merge.md), on tests/merge_ctx/recprog.c whose counts are known
by construction (simulated here, never taken from vitprof's output).

  ctx_raw       context runs merged as raw profiles: the merge is a
                context profile whose folded export is the sum of the
                inputs' (weights too), byte-identical whatever the order
                and grouping; count runs merged: exact per-site counts;
                a context run among count or time runs is refused with
                one line, nothing written.
  ctx_doc       the same as .vitprof documents (and raw inputs merged into
                a document).
  builds        overlap of two builds of recprog.c, the second with one
                line inserted at the top (every address and line moves):
                100% for identical runs, the fraction computed from the
                known counts for runs that differ, the same figures as
                for one build, and one line saying that the builds
                differ.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402

CHECKS = vptest.Checks()
check = CHECKS.expect


def run(cmd, env=None, want=0):
    r = vptest.run(cmd, env=env)
    if want is not None and r.returncode != want:
        print(" ".join(cmd), "->", r.returncode, r.stderr)
    return r


# ---- ground truth by construction --------------------------------------

def truth(n):
    """Per-site call counts and calling-context paths of `recprog n`."""
    sites = {"SITE_A": 0, "SITE_B": 0, "SITE_MAIN_REC": n, "SITE_LEAF3": 3, "SITE_LEAF5": 5}
    for w in range(n):
        for _ in range(4):      # rec(4, w) .. rec(1, .) each call rec once more
            sites["SITE_A" if w & 1 else "SITE_B"] += 1
            w >>= 1
    paths = {"main": 1, "main;leaf": 8}
    for depth in range(1, 6):
        paths[";".join(["main"] + ["rec"] * depth)] = n
    return sites, paths


def site_lines(src):
    lines = {}
    for i, text in enumerate(open(src), 1):
        m = re.search(r"/\* (SITE_\w+) \*/", text)
        if m:
            lines[m.group(1)] = i
    return lines


class Ctx:
    def __init__(self, a):
        self.a = a
        self.vp = a.vitprof
        self.scratch = a.scratch
        vptest.fresh_dir(self.scratch)
        self.n = 0

    def path(self, name):
        return os.path.join(self.scratch, name)

    def record(self, prog, mode, arg=None, tag=None):
        self.n += 1
        raw = self.path("%s-%d.vitraw" % (tag or mode.replace(",", "_"), self.n))
        env = dict(os.environ, VITPROF_FILE=raw, VITPROF_MODE=mode)
        r = run([prog] + ([str(arg)] if arg is not None else []), env=env)
        check(r.returncode == 0 and os.path.exists(raw), "%s run writes %s" % (mode, raw))
        return raw

    def folded(self, raw):
        r = run([self.vp, "export", "--format", "folded", "--no-coverage", "--keep-all", "-o", "-", raw])
        check(r.returncode == 0, "folded export of %s" % raw)
        out = {}
        for line in r.stdout.splitlines():
            p, _, v = line.rpartition(" ")
            out[p] = out.get(p, 0) + int(v)
        return out

    def doc(self, path, coverage=False):
        """The document of path (a raw profile is exported first)."""
        if not path.endswith(".vitprof"):
            out = path + ".vitprof"
            r = run([self.vp, "export"] + ([] if coverage else ["--no-coverage"]) +
                    ["-o", out, path])
            check(r.returncode == 0, "export %s" % path)
            path = out
        return json.load(open(path))

    def merge(self, out, *inputs, want=0):
        r = run([self.vp, "merge", "-o", out] + list(inputs), want=want)
        return r


def edges(doc, lines):
    """{(caller, callee, SITE or line): count} and {(caller, callee): count}."""
    fn = {f["id"]: f["name"] for f in doc["functions"]}
    by_line = {v: k for k, v in lines.items()}
    site, pair = {}, {}
    for e in doc["edges"]:
        a, b = fn[e["caller"]], fn[e["callee"]]
        if a not in ("main", "rec") or b not in ("rec", "leaf"):
            continue
        k = (a, b, by_line.get(e["line"], e["line"]))
        site[k] = site.get(k, 0) + e["count"]
        pair[(a, b)] = pair.get((a, b), 0) + e["count"]
    return site, pair


def truth_edges(n, runs):
    s, _ = truth(n)
    site = {("rec", "rec", "SITE_A"): s["SITE_A"], ("rec", "rec", "SITE_B"): s["SITE_B"],
            ("main", "rec", "SITE_MAIN_REC"): s["SITE_MAIN_REC"],
            ("main", "leaf", "SITE_LEAF3"): 3, ("main", "leaf", "SITE_LEAF5"): 5}
    site = {k: v * runs for k, v in site.items() if v}
    pair = {}
    for (a, b, _), v in site.items():
        pair[(a, b)] = pair.get((a, b), 0) + v
    return site, pair


def add(*dicts, weights=None):
    out = {}
    for i, d in enumerate(dicts):
        w = weights[i] if weights else 1
        for k, v in d.items():
            out[k] = out.get(k, 0) + w * v
    return out


def refused(c, out, inputs, what):
    r = c.merge(out, *inputs, want=None)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1, "%s: exit status 1, not %d" % (what, r.returncode))
    check(len(lines) == 1 and lines[0].startswith("vitprof: ") and "context" in lines[0],
          "%s: one line naming the context mode: %r" % (what, r.stderr))
    check(not os.path.exists(out), "%s: nothing written" % what)


# ---- cases ---------------------------------------------------------------

def case_ctx_raw(c):
    a = c.a
    lines = site_lines(a.src)
    n = 16
    _, tpaths = truth(n)
    ctx = [c.record(a.prog, "context", n) for _ in range(3)]
    cnt = [c.record(a.prog, "count", n) for _ in range(2)]
    tim = c.record(a.prog, "time", n)
    ctime = [c.record(a.prog, "context,time", n) for _ in range(2)]

    for raw in ctx:
        check(c.folded(raw) == tpaths, "one context run's tree is the known one")

    # count runs: exact per-site counts, summed
    m = c.path("count.vitraw")
    check(c.merge(m, *cnt).returncode == 0, "merge of count runs")
    site, pair = edges(c.doc(m), lines)
    tsite, tpair = truth_edges(n, 2)
    check(site == tsite, "count merge: per-site counts %s == %s" % (site, tsite))

    # context runs: the trees are merged
    m = c.path("ctx.vitraw")
    check(c.merge(m, *ctx).returncode == 0, "merge of context runs")
    d = c.doc(m)
    check(d["program"]["mode"] == "context", "the merge is a context profile: %s"
          % d["program"]["mode"])
    want = add(*[c.folded(x) for x in ctx])
    got = c.folded(m)
    check(got == want, "folded(merge) == sum of folded(inputs):\n  %s\n  %s" % (got, want))
    check(got == {k: 3 * v for k, v in tpaths.items()}, "folded(merge) is 3 x the known tree")
    site, pair = edges(d, lines)
    tsite, tpair = truth_edges(n, 3)
    check(pair == tpair, "context merge: caller -> callee counts %s == %s" % (pair, tpair))
    isite = add(*[edges(c.doc(x), lines)[0] for x in ctx])
    check(site == isite, "context merge: per-site edges are the sum of the inputs' %s == %s"
          % (site, isite))

    # weights
    mw = c.path("ctx-w.vitraw")
    check(run([c.vp, "merge", "-w", "3," + ctx[0], ctx[1], "-o", mw]).returncode == 0,
          "weighted merge of context runs")
    check(c.folded(mw) == add(c.folded(ctx[0]), c.folded(ctx[1]), weights=[3, 1]),
          "folded(-w 3,a b) == 3 folded(a) + folded(b)")

    # merged again, any order and grouping: the same bytes
    ab, bc = c.path("ab.vitraw"), c.path("bc.vitraw")
    x, y, z = c.path("x.vitraw"), c.path("y.vitraw"), c.path("z.vitraw")
    ok = all(r.returncode == 0 for r in (
        c.merge(ab, ctx[0], ctx[1]), c.merge(bc, ctx[1], ctx[2]),
        c.merge(x, ab, ctx[2]), c.merge(y, ctx[0], bc), c.merge(z, ctx[2], ctx[1], ctx[0])))
    check(ok, "merges of merges succeed")
    if ok:
        data = [open(p, "rb").read() for p in (m, x, y, z)]
        check(all(v == data[0] for v in data), "merge(a,b,c) == merge(merge(a,b),c) == "
              "merge(a,merge(b,c)) == merge(c,b,a), byte for byte")
        check(c.folded(x) == want, "folded(merge(merge(a,b),c)) == the sum")

    # context,time runs: trees with times; with a context run, counts only
    mt = c.path("ctxtime.vitraw")
    check(c.merge(mt, *ctime).returncode == 0, "merge of context,time runs")
    dt = c.doc(mt)
    check(dt["program"]["mode"] == "context,time", "context,time runs merge into a "
          "context,time profile: %s" % dt["program"]["mode"])
    got, want = c.folded(mt), add(*[c.folded(x) for x in ctime])
    check(set(got) == set(want) and
          all(abs(got[k] - want[k]) <= 2 for k in got),
          "context,time: folded self ns of the merge == the sum (within rounding)\n"
          "  %s\n  %s" % (got, want))
    mct = c.path("ctx-ctxtime.vitraw")
    check(c.merge(mct, ctx[0], ctime[0]).returncode == 0, "merge of context and context,time")
    check(c.doc(mct)["program"]["mode"] == "context", "context + context,time: context mode")
    check(c.folded(mct) == {k: 2 * v for k, v in tpaths.items()},
          "context + context,time: the counts of both trees")

    # mixing modes: refused, one line, nothing written
    refused(c, c.path("mix1.vitraw"), [ctx[0], cnt[0]], "context + count")
    refused(c, c.path("mix2.vitraw"), [cnt[0], ctx[0]], "count + context")
    refused(c, c.path("mix3.vitraw"), [tim, ctx[0]], "time + context")
    refused(c, c.path("mix4.vitraw"), [ctime[0], tim], "context,time + time")
    refused(c, c.path("mix5.vitraw"), [m, cnt[0]], "merged context + count")


def case_ctx_doc(c):
    a = c.a
    lines = site_lines(a.src)
    n = 16
    ctx = [c.record(a.prog, "context", n) for _ in range(3)]
    cnt = c.record(a.prog, "count", n)
    docs = []
    for raw in ctx + [cnt]:
        c.doc(raw)
        docs.append(raw + ".vitprof")
    m = c.path("ctx.vitprof")
    check(c.merge(m, *docs[:3]).returncode == 0, "merge of context documents")
    d = json.load(open(m))
    check(d["program"]["mode"] == "context", "merged document mode %s" % d["program"]["mode"])
    site, pair = edges(d, lines)
    tsite, tpair = truth_edges(n, 3)
    check(pair == tpair, "context documents: caller -> callee %s == %s" % (pair, tpair))
    isite = add(*[edges(json.load(open(x)), lines)[0] for x in docs[:3]])
    check(site == isite, "context documents: per-site edges are the sum of the inputs'")
    # raw inputs into a document: merged as raw (trees), exported once
    mr = c.path("ctx-raw.vitprof")
    check(c.merge(mr, *ctx).returncode == 0, "merge of context runs into a document")
    dr = json.load(open(mr))
    check(dr["program"]["mode"] == "context", "raw -> document: mode %s" % dr["program"]["mode"])
    check(edges(dr, lines) == (site, pair), "raw -> document: the same edges")
    # a document and a raw profile
    mx = c.path("ctx-mixed.vitprof")
    check(c.merge(mx, docs[0], ctx[1], ctx[2]).returncode == 0, "document + raw context")
    check(edges(json.load(open(mx)), lines) == (site, pair), "document + raw: the same edges")
    refused(c, c.path("mix1.vitprof"), [docs[0], docs[3]], "context + count documents")
    refused(c, c.path("mix2.vitprof"), [docs[3], docs[0]], "count + context documents")
    refused(c, c.path("mix3.vitprof"), [docs[0], cnt], "context document + count raw")


# ---- overlap of two builds -----------------------------------------------

def build(c, src_text, tag):
    """Compiles recprog.c from the same source path (as a rebuild after an
    edit does) into its own directory; returns the program."""
    a = c.a
    srcdir = c.path("src")
    os.makedirs(srcdir, exist_ok=True)
    src = os.path.join(srcdir, "recprog.c")
    open(src, "w").write(src_text)
    out = c.path(tag)
    os.makedirs(out, exist_ok=True)
    flags = run([c.vp, "flags", "--compile", "--link"]).stdout.split()
    san = ["-fsanitize=address,undefined"] if a.sanitized else []
    r = run([a.cc, "-O0", "-g"] + san + [src] + flags + ["-o", os.path.join(out, "recprog")])
    check(r.returncode == 0, "build %s" % tag)
    return os.path.join(out, "recprog")


def overlap(c, x, y):
    r = run([c.vp, "overlap", "-n", "0", x, y])
    check(r.returncode == 0, "overlap %s %s" % (x, y))
    cats, note = {}, []
    for line in r.stdout.splitlines():
        f = line.split()
        if f and f[0] in ("functions", "edges", "branches", "lines"):
            cats[f[0]] = None if f[1] == "n/a" else float(f[1].rstrip("%"))
        if "builds differ" in line:
            note.append(line)
    return cats, note


def overlap_truth(na, nb):
    """Functions and edges overlap (percent) of `recprog na` vs `recprog nb`
    from the known counts: calls of main 1 (from the C library's start),
    rec 5n, leaf 8; edges as in truth()."""
    def cats(n):
        s, _ = truth(n)
        fns = {"main": 1, "rec": 5 * n, "leaf": 8}
        eds = dict(s)
        eds["START_MAIN"] = 1
        return fns, {k: v for k, v in eds.items() if v}

    out = {}
    for i, name in enumerate(("functions", "edges")):
        a, b = cats(na)[i], cats(nb)[i]
        ta, tb = sum(a.values()), sum(b.values())
        out[name] = 100.0 * sum(min(a.get(k, 0) / ta, b.get(k, 0) / tb) for k in set(a) | set(b))
    return out


def case_builds(c):
    a = c.a
    text = open(a.src).read()
    p1 = build(c, text, "v1")
    r1a = c.record(p1, "count", 16, tag="v1")
    r1b = c.record(p1, "count", 16, tag="v1")
    r1c = c.record(p1, "count", 6, tag="v1")
    # the edit: one line at the top; every function and call site moves by
    # one line and the code by some bytes
    p2 = build(c, "/* one inserted line */\n" + text, "v2")
    r2a = c.record(p2, "count", 16, tag="v2")
    r2c = c.record(p2, "count", 6, tag="v2")
    # the first build's documents, while its binary and .gcno are there
    d1 = {}
    for r in (r1a, r1b, r1c):
        c.doc(r, coverage=True)
        d1[r] = r + ".vitprof"

    r = run([c.vp, "merge", "-o", c.path("v12.vitraw"), r1a, r2a], want=1)
    check(r.returncode == 1, "merge refuses two builds")

    same, note = overlap(c, d1[r1a], d1[r1b])
    check(all(v == 100.0 for v in same.values() if v is not None) and
          same.get("functions") == 100.0 and same.get("lines") == 100.0,
          "one build, identical runs: 100%% everywhere: %s" % same)
    check(not note, "one build: no 'builds differ' line")

    for x, y, what in ((d1[r1a], r2a, "document"), (r1a, r2a, "raw")):
        got, note = overlap(c, x, y)
        check(all(v == 100.0 for v in got.values()) and len(got) == 4,
              "two builds (%s), identical runs: 100%% in every category: %s" % (what, got))
        check(len(note) == 1, "two builds: one line says the builds differ: %s" % note)

    want = overlap_truth(16, 6)
    ref, _ = overlap(c, d1[r1a], d1[r1c])
    got, note = overlap(c, d1[r1a], r2c)
    for cat in ("functions", "edges"):
        check(abs(got[cat] - want[cat]) < 0.006,
              "two builds, 16 vs 6: %s %.2f%% == %.2f%% by construction" % (cat, got[cat],
                                                                          want[cat]))
        check(abs(ref[cat] - want[cat]) < 0.006,
              "one build, 16 vs 6: %s %.2f%% == %.2f%%" % (cat, ref[cat], want[cat]))
    check(got == ref, "two builds give the figures of one build: %s == %s" % (got, ref))
    check(got["lines"] is not None and got["lines"] < 100.0, "lines differ: %s" % got)


CASES = {"ctx_raw": case_ctx_raw, "ctx_doc": case_ctx_doc, "builds": case_builds}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(CASES))
    ap.add_argument("--vitprof", required=True)
    ap.add_argument("--prog", required=True)
    ap.add_argument("--src", required=True, help="tests/merge_ctx/recprog.c")
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--cc", default="cc")
    ap.add_argument("--sanitized", action="store_true")
    a = ap.parse_args()
    CASES[a.case](Ctx(a))
    CHECKS.finish()


if __name__ == "__main__":
    main()
