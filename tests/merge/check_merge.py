# SPDX-License-Identifier: MIT
"""End-to-end tests of `vitprof merge` and `vitprof overlap` (tests/merge.cmake).

    python3 check_merge.py CASE --vitprof TOOL --prog PROG --variant PROG2 \
                           --scratch DIR --schema docs/vitprof.schema.json

PROG is tests/merge/mergeprog.c built with hooks and arc counters; PROG2 the
same source built with -DVARIANT (another build). Counts are known by
construction (see mergeprog.c): for runs with arguments N1..Nk, the merged
profile must hold the sums, or the weighted sums.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402

CHECKS = vptest.Checks()
fail, expect = CHECKS.fail, CHECKS.expect


def run(args, ok=True, **kw):
    return vptest.must(args, ok=(0,) if ok else None, **kw)


class Ctx:
    def __init__(self, a):
        self.a = a
        self.tool = a.vitprof
        self.scratch = vptest.fresh_dir(a.scratch)
        self.validator = None
        try:
            import jsonschema
            schema = json.load(open(a.schema))
            cls = jsonschema.validators.validator_for(schema)
            self.validator = cls(schema)
        except ImportError:
            print("python3 jsonschema missing: schema validation skipped")

    def path(self, name):
        return os.path.join(self.scratch, name)

    def run_prog(self, n, prog=None, tag=None):
        """Runs the program with argument n; returns its raw profile's path."""
        prog = prog or self.a.prog
        out = self.path("%s-%d.vitraw" % (tag or "run", n))
        env = dict(os.environ, VITPROF_FILE=out)
        run([prog, str(n)], env=env, cwd=self.scratch)
        expect(os.path.exists(out), "no raw profile %s" % out)
        return out

    def vitprof(self, *args, ok=True):
        return run([self.tool] + list(args), ok=ok)

    def export(self, raw):
        out = raw + ".vitprof"
        self.vitprof("export", "-o", out, raw)
        return self.load(out)

    def load(self, path):
        doc = json.load(open(path))
        if self.validator:
            errs = sorted(self.validator.iter_errors(doc), key=lambda e: list(e.path))
            for e in errs[:5]:
                fail("%s: schema: %s at %s" % (path, e.message, list(e.path)))
        return doc


def counts(doc):
    """The counts the tests know: calls per function, edges, lines, loops."""
    fn = {f["name"]: f for f in doc["functions"]}
    c = {}
    for name in ("main", "step", "odd", "rare"):
        c["calls." + name] = fn[name]["calls"] if name in fn else 0
        if name in fn and "entry_count" in fn[name]:
            c["entry." + name] = fn[name]["entry_count"]
    for e in doc["edges"]:
        key = "edge.%s>%s:%d" % (e["caller_name"], e["callee_name"], e["line"])
        if e["caller_name"] in fn and fn[e["caller_name"]]["instrumented"]:
            c[key] = c.get(key, 0) + e["count"]
    for l in doc.get("lines", []):
        if l["file"].endswith("mergeprog.c"):
            c["line.%d" % l["line"]] = l["count"]
    for b in doc.get("branches", []):
        if b["file"].endswith("mergeprog.c"):
            c["branch.%d" % b["line"]] = [o["count"] for o in b["outcomes"]]
    for l in doc.get("loops", []):
        c["loop.%s.%d" % (l["function"], l["line"])] = (l["entries"], l["iterations"])
    return c


def expected(ns, weights=None):
    weights = weights or [1] * len(ns)
    sw = sum(weights)
    tot = sum(w * n for w, n in zip(weights, ns))
    rare = sum(w * ((n + 2) // 3) for w, n in zip(weights, ns))
    return {"calls.main": sw, "calls.step": tot, "calls.odd": tot, "calls.rare": rare,
            "entry.main": sw, "entry.step": tot, "entry.odd": tot, "entry.rare": rare}


def check_known(doc, ns, weights=None, what=""):
    c = counts(doc)
    for k, v in expected(ns, weights).items():
        expect(c.get(k) == v, "%s %s = %s, expected %s" % (what, k, c.get(k), v))
    loops = [v for k, v in c.items() if k.startswith("loop.step")]
    tot = sum((weights or [1] * len(ns))[i] * n for i, n in enumerate(ns))
    expect(loops == [(tot, tot)], "%s loop in step: %s, expected %s" % (what, loops, (tot, tot)))
    return c


def case_raw(x):
    """Raw runs merged into a raw profile: sums, show and export read it."""
    ns = [1, 2, 5, 7]
    raws = [x.run_prog(n) for n in ns]
    singles = [counts(x.export(r)) for r in raws]
    out = x.path("merged.vitraw")
    x.vitprof("merge", "-o", out, *raws)
    doc = x.export(out)
    c = check_known(doc, ns, what="raw merge:")
    # Everything the single runs had is summed, key by key.
    for k in c:
        if k.startswith(("line.", "edge.")):
            expect(c[k] == sum(s.get(k, 0) for s in singles),
                   "raw merge: %s = %s, runs sum to %s" % (k, c[k], [s.get(k) for s in singles]))
        if k.startswith("branch."):
            want = [sum(v) for v in zip(*[s[k] for s in singles])]
            expect(c[k] == want, "raw merge: %s = %s, expected %s" % (k, c[k], want))
    show = x.vitprof("show", out).stdout
    expect("step" in show and "odd" in show, "show of the merged profile: %s" % show[:300])
    x.vitprof("show", "--branches", "--loops", out)


def case_time(x):
    """Time mode: times converted to ns per run, then summed (and weighted)."""
    os.environ["VITPROF_MODE"] = "time"
    try:
        raws = [x.run_prog(n, tag="time") for n in (20, 40, 60)]
    finally:
        del os.environ["VITPROF_MODE"]
    singles = [x.export(r) for r in raws]
    if not all(d["program"]["time_available"] for d in singles):
        print("time not available on this machine: only counts checked")
    out = x.path("time.vitraw")
    x.vitprof("merge", "-w", "2," + raws[0], raws[1], raws[2], "-o", out)
    doc = x.export(out)
    check_known(doc, [20, 40, 60], [2, 1, 1], what="time:")
    expect(doc["program"]["mode"] == "time" and doc["program"]["time_available"],
           "merged time-mode runs: %s" % doc["program"])
    fn = {f["name"]: f for f in doc["functions"]}
    for name in ("main", "step", "odd"):
        for key in ("self_ns", "total_ns"):
            want = sum(w * {f["name"]: f for f in d["functions"]}[name][key]
                       for w, d in zip((2, 1, 1), singles))
            got = fn[name][key]
            # Each run's ticks are converted per edge before the sum: a few
            # ns of rounding per edge and run.
            expect(abs(got - want) <= 64, "time: %s %s = %d, runs sum to %d" %
                   (name, key, got, want))
    # A count-mode run among them: counts only.
    mixed = x.path("mixed-time.vitraw")
    x.vitprof("merge", raws[0], x.run_prog(5), "-o", mixed)
    d = x.export(mixed)
    expect(d["program"]["mode"] == "count" and not d["program"]["time_available"],
           "time + count runs: %s" % d["program"])
    check_known(d, [20, 5], what="time+count:")


def case_weights(x):
    """-w and --weighted-input multiply; the .vitprof path agrees."""
    a, b, c = x.run_prog(3), x.run_prog(4), x.run_prog(10)
    out = x.path("w.vitraw")
    x.vitprof("merge", "-w", "3,%s" % a, "--weighted-input=2,%s" % b, c, "-o", out)
    check_known(x.export(out), [3, 4, 10], [3, 2, 1], what="weighted raw:")
    docs = [a + ".vitprof", b + ".vitprof", c + ".vitprof"]
    for r in (a, b, c):
        x.export(r)
    outd = x.path("w.vitprof")
    x.vitprof("merge", "-w", "3," + docs[0], "-w", "2," + docs[1], docs[2], "-o", outd)
    check_known(x.load(outd), [3, 4, 10], [3, 2, 1], what="weighted doc:")
    # Mixed: raw and .vitprof inputs give a document.
    outm = x.path("mixed.vitprof")
    x.vitprof("merge", "-w", "3," + a, "-w", "2," + docs[1], c, "-o", outm)
    check_known(x.load(outm), [3, 4, 10], [3, 2, 1], what="mixed:")
    # Raw inputs into a document (OUT ends in .vitprof).
    outr = x.path("raw-to-doc.vitprof")
    x.vitprof("merge", a, b, c, "-o", outr)
    check_known(x.load(outr), [3, 4, 10], what="raw to doc:")
    for bad in ("0," + a, "x," + a, "3", ",", "-1," + a):
        p = x.vitprof("merge", "-w", bad, "-o", x.path("bad"), ok=False)
        expect(p.returncode == 2, "-w %s: exit %d" % (bad, p.returncode))


def case_doc(x):
    """.vitprof documents merged: the same counts as the raw merge."""
    ns = [2, 3, 9]
    raws = [x.run_prog(n) for n in ns]
    for r in raws:
        x.export(r)
    out = x.path("merged.vitprof")
    x.vitprof("merge", "-o", out, *[r + ".vitprof" for r in raws])
    doc = x.load(out)
    c = check_known(doc, ns, what="doc merge:")
    x.vitprof("merge", "-o", x.path("m.vitraw"), *raws)
    craw = counts(x.export(x.path("m.vitraw")))
    expect(c == craw, "doc merge and raw merge differ:\n%s\n%s" % (c, craw))
    expect(doc["program"]["pid"] == min(x.load(r + ".vitprof")["program"]["pid"] for r in raws),
           "pid is not the smallest")


def case_assoc(x):
    """merge(a, merge(b, c)) == merge(merge(a, b), c) == merge(c, b, a), byte for byte."""
    a, b, c = x.run_prog(1), x.run_prog(4), x.run_prog(6)
    for ext, conv in ((".vitraw", lambda r: r), (".vitprof", lambda r: r + ".vitprof")):
        if ext == ".vitprof":
            for r in (a, b, c):
                x.export(r)
        A, B, C = conv(a), conv(b), conv(c)
        bc, ab = x.path("bc" + ext), x.path("ab" + ext)
        l, r, f = x.path("l" + ext), x.path("r" + ext), x.path("f" + ext)
        x.vitprof("merge", "-o", bc, B, C)
        x.vitprof("merge", "-o", ab, A, B)
        x.vitprof("merge", "-o", l, A, bc)
        x.vitprof("merge", "-o", r, ab, C)
        x.vitprof("merge", "-o", f, C, B, A)
        dl, dr, df = (open(p, "rb").read() for p in (l, r, f))
        expect(dl == dr, "%s: merge(a, merge(b, c)) != merge(merge(a, b), c)" % ext)
        expect(dl == df, "%s: merge(a, merge(b, c)) != merge(c, b, a)" % ext)


def case_mismatch(x):
    """Another build, corrupt files, wrong documents: one line, exit 1."""
    a = x.run_prog(3)
    v = x.run_prog(3, prog=x.a.variant, tag="variant")
    bad = {}
    with open(a, "rb") as f:
        data = f.read()
    bad["truncated.vitraw"] = data[:5000]
    bad["zeroed.vitraw"] = data[:4096] + b"\0" * (len(data) - 4096)
    bad["invalid.vitprof"] = b'{"format": "vitprof", "version": 2, "program": '
    bad["version.vitprof"] = b'{"format": "vitprof", "version": 1}'
    bad["other.vitprof"] = b'{"format": "something"}'
    bad["empty.vitprof"] = b""
    for name, content in bad.items():
        p = x.path(name)
        with open(p, "wb") as f:
            f.write(content)
        r = x.vitprof("merge", "-o", x.path("out.vitprof"), a, p, ok=False)
        lines = r.stderr.strip().splitlines()
        expect(r.returncode == 1 and len(lines) == 1 and lines[0].startswith("vitprof: " + p + ": "),
               "%s: exit %d, stderr %r" % (name, r.returncode, r.stderr))
        r = x.vitprof("overlap", a, p, ok=False)
        expect(r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1,
               "overlap %s: exit %d, stderr %r" % (name, r.returncode, r.stderr))
    for args in (["-o", x.path("o.vitraw"), a, v], ["-o", x.path("o.vitprof"), a, v]):
        r = x.vitprof("merge", *args, ok=False)
        lines = r.stderr.strip().splitlines()
        expect(r.returncode == 1 and len(lines) == 1 and "another program" in lines[0]
               and lines[0].startswith("vitprof: " + v + ": "),
               "other build: exit %d, stderr %r" % (r.returncode, r.stderr))
    x.export(v)
    x.export(a)
    r = x.vitprof("merge", "-o", x.path("o.vitprof"), a + ".vitprof", v + ".vitprof", ok=False)
    expect(r.returncode == 1 and "another program" in r.stderr,
           "other build (docs): exit %d, stderr %r" % (r.returncode, r.stderr))
    r = x.vitprof("merge", "--format", "raw", "-o", x.path("o.vitraw"), a, a + ".vitprof",
                  ok=False)
    expect(r.returncode == 2, "a document into a raw profile: exit %d" % r.returncode)


def doc_with(funcs, edges=(), branches=()):
    """A minimal valid document: funcs = [(name, calls)], edges = [(caller,
    callee, line, count)], branches = [(line, [counts])]."""
    fs = []
    for i, (name, calls) in enumerate(funcs):
        fs.append({"id": i, "name": name, "linkage_name": name, "file": "/s/a.c", "line": i + 1,
                   "module": 0, "address": 16 * (i + 1), "instrumented": True, "calls": calls})
    ids = {n: i for i, (n, _) in enumerate(funcs)}
    es = [{"caller": ids[a], "callee": ids[b], "caller_name": a, "callee_name": b,
           "file": "/s/a.c", "line": line, "site": 1000 + line, "count": n}
          for a, b, line, n in edges]
    d = {"format": "vitprof", "version": 2, "producer": "test",
         "program": {"path": "/s/p", "pid": 1, "ppid": 0, "host": "h", "mode": "count",
                     "state": "exited", "fork_child": False, "threads": 1, "start_time_ns": 0,
                     "end_time_ns": None, "lost_calls": 0, "lost_frames": 0,
                     "lost_sections": 0, "time_unit": "ns", "time_available": False},
         "modules": [{"id": 0, "path": "/s/p", "build_id": "aa", "load_bias": 0,
                      "same_as": None}],
         "functions": fs, "edges": es, "hot_spots": []}
    if branches:
        d.update({"gcov_objects": [], "gcov_functions": [], "lines": [], "loops": [],
                  "branches": [{"file": "/s/a.c", "line": line,
                                "outcomes": [{"count": c, "fallthrough": k == 0, "branch": 0}
                                             for k, c in enumerate(cs)]}
                               for line, cs in branches]})
    return d


def overlap_table(x, a, b):
    out = x.vitprof("overlap", a, b).stdout
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] in ("functions", "edges", "branches", "lines"):
            rows[parts[0]] = parts[1]
    return rows, out


def case_overlap(x):
    """Identical: 100%; disjoint: 0%; a partial case computed by hand."""
    def write(name, doc):
        p = x.path(name)
        with open(p, "w") as f:
            json.dump(doc, f)
        x.load(p)
        return p

    a = write("a.vitprof", doc_with([("f", 30), ("g", 10), ("h", 0)],
                                    [("h", "f", 5, 30), ("h", "g", 6, 10)],
                                    [(7, [3, 1])]))
    b = write("b.vitprof", doc_with([("f", 10), ("g", 10), ("h", 0)],
                                    [("h", "f", 5, 10), ("h", "g", 6, 10)],
                                    [(7, [1, 3])]))
    d = write("d.vitprof", doc_with([("p", 5), ("q", 5)], [("p", "q", 9, 5)],
                                    [(8, [1, 1])]))
    rows, out = overlap_table(x, a, a)
    expect(rows == {"functions": "100.00%", "edges": "100.00%", "branches": "100.00%",
                    "lines": "n/a"}, "identical: %s\n%s" % (rows, out))
    rows, out = overlap_table(x, a, d)
    expect(rows["functions"] == "0.00%" and rows["edges"] == "0.00%" and
           rows["branches"] == "0.00%", "disjoint: %s\n%s" % (rows, out))
    # functions: A f .75 g .25; B f .5 g .5 -> min .5 + .25 = 75%.
    # edges: the same shares -> 75%. branches: A .75/.25, B .25/.75 -> 50%.
    rows, out = overlap_table(x, a, b)
    expect(rows == {"functions": "75.00%", "edges": "75.00%", "branches": "50.00%",
                    "lines": "n/a"}, "partial: %s\n%s" % (rows, out))
    expect("f (/s/a.c:1)" in out, "top differing functions missing:\n" + out)
    # Real runs: a run against itself, and against a merge of itself.
    r = x.run_prog(5)
    rows, out = overlap_table(x, r, r)
    expect(all(v == "100.00%" for v in rows.values()), "run vs itself: %s\n%s" % (rows, out))
    m = x.path("twice.vitraw")
    x.vitprof("merge", "-o", m, r, r)
    rows, out = overlap_table(x, r, m)
    expect(all(v == "100.00%" for v in rows.values()), "run vs 2x run: %s\n%s" % (rows, out))
    r2 = x.run_prog(30)
    rows, out = overlap_table(x, r, r2)
    expect(rows["functions"] != "100.00%", "N=5 vs N=30 should differ: %s" % rows)


def case_identity(x):
    """One writer: a document merged alone, or exported, is itself byte for
    byte (count and time mode, arc counters); a raw profile's document read
    as a merge input is the one export writes, in canonical order."""
    def read(p):
        with open(p, "rb") as f:
            return f.read()
    for mode in ("count", "time"):
        os.environ["VITPROF_MODE"] = mode
        try:
            raw = x.run_prog(7, tag="id-" + mode)
        finally:
            del os.environ["VITPROF_MODE"]
        x.export(raw)
        exported = raw + ".vitprof"
        once, twice, again = (x.path("id-%s-%s.vitprof" % (mode, n))
                              for n in ("once", "twice", "again"))
        x.vitprof("merge", "-o", once, exported)
        x.load(once)
        x.vitprof("merge", "-o", twice, once)
        x.vitprof("export", "-o", again, once)
        expect(read(twice) == read(once), "%s: merge of a merged document differs from it" % mode)
        expect(read(again) == read(once), "%s: export of a merged document differs from it" % mode)
        # the raw profile as a merge input: the same as its exported document
        fromraw = x.path("id-%s-raw.vitprof" % mode)
        x.vitprof("merge", "--format", "vitprof", "-o", fromraw, exported, raw)
        x.vitprof("merge", "-o", twice, exported, exported)
        expect(read(fromraw) == read(twice), "%s: a raw input is not its exported document" % mode)


CASES = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    a = vptest.arguments(("--vitprof", "--prog", "--variant", "--scratch", "--schema"), CASES,
                         sanitized=False)
    CASES[a.case](Ctx(a))
    CHECKS.finish()


if __name__ == "__main__":
    main()
