# SPDX-License-Identifier: MIT
"""check_cli_filters.py VITPROF MKRAW KNOWN SCRATCH - the trace filters of
`vitprof export --format chrome|perfetto` on known.trace written as raw
trace profiles (trace_export_mkraw): each filter's export holds exactly
the events the filter keeps, worked out from KNOWN here; a bad filter
value or a filter with an aggregate format is a usage error (exit 2); the
default output name; a profile that is not a trace is refused with one
line naming it. Exit 0, or 1 after the differences."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import known_trace  # noqa: E402
from vptest import Checks, fresh_dir, run  # noqa: E402


def timeline(doc):
    """(pid, tid) -> [(ph, name, ns)] of a chrome export, metadata left out."""
    out = {}
    for e in doc["traceEvents"]:
        if e["ph"] != "M":
            out.setdefault((e["pid"], e["tid"]), []).append(
                (e["ph"], e["name"], round(e["ts"] * 1000)))
    return out


def expected(procs, keep_thread=lambda p, t: True, max_depth=None):
    out = {}
    for p in procs:
        for t in p.threads:
            if not keep_thread(p, t):
                continue
            ev = []
            for e in t.events:
                if max_depth is not None:
                    # a mark's depth: the frames open around it
                    d = e.depth
                    if d is None:
                        d = sum(1 if x.kind == "B" else -1 for x in t.events[:t.events.index(e)]
                                if x.kind in "BE") - 1
                    if d >= max_depth:
                        continue
                ev.append((e.kind, e.name, e.ns))
            out[(p.pid, t.tid)] = ev
    return out


def main():
    vitprof, mkraw, known, scratch = sys.argv[1:5]
    c = Checks("filters")
    d = fresh_dir(scratch)
    p = run([mkraw, known, d])
    if p.returncode != 0:
        c.fail("trace_export_mkraw: %s" % p.stderr)
        c.finish()
    raws = [os.path.join(d, "p4242.vitraw"), os.path.join(d, "p4300.vitraw")]
    procs = known_trace.read(known)

    def export(*opts, fmt="chrome", files=raws):
        out = os.path.join(d, "out.json")
        r = run([vitprof, "export", "--format", fmt, "-o", out] + list(opts) + files)
        if r.returncode != 0:
            c.fail("export %s: exit %d: %s" % (" ".join(opts), r.returncode, r.stderr))
            return None
        with open(out, encoding="utf-8") as f:
            return timeline(json.load(f))

    # no filter: everything
    got = export()
    c.expect(got == expected(procs), "no filter: %r" % got)
    # --tid: one thread (of the first process)
    got = export("--tid", "4243")
    c.expect(got == expected(procs, lambda p, t: t.tid == 4243), "--tid 4243: %r" % got)
    # --tid twice: two threads of two processes
    got = export("--tid", "4243", "--tid", "4300")
    c.expect(got == expected(procs, lambda p, t: t.tid in (4243, 4300)),
             "--tid 4243 --tid 4300: %r" % got)
    # --depth 1: the outermost frames, and the marks outside every other
    got = export("--depth", "1")
    want = expected(procs, max_depth=1)
    c.expect(got == want, "--depth 1: %r\nexpected %r" % (got, want))
    # --filter -compute: no compute frame nor what it calls
    got = export("--filter=-compute")
    names = {n for evs in (got or {}).values() for _, n, _ in evs}
    c.expect(got is not None and "compute" not in names and "main" in names,
             "--filter -compute: names %r" % sorted(names))
    c.expect(got is not None and
             sum(1 for _, n, _ in got.get((4242, 4242), []) if n == "leaf") == 0 and
             sum(1 for _, n, _ in got.get((4242, 4243), []) if n == "leaf") == 2,
             "--filter -compute: the leaf calls under compute are still there: %r" % got)
    # --until: the first 2 us, open frames cut at 2000 ns
    got = export("--until", "2us", "--tid", "4242")
    want = [("B", "main", 0), ("B", "phase", 1500), ("E", "phase", 2000), ("E", "main", 2000)]
    c.expect(got == {(4242, 4242): want}, "--until 2us: %r" % got)
    # perfetto takes the filters too
    out = os.path.join(d, "f.pftrace")
    r = run([vitprof, "export", "--format", "perfetto", "--tid", "4300", "-o", out] + raws)
    c.expect(r.returncode == 0 and os.path.getsize(out) > 0, "perfetto --tid: %s" % r.stderr)

    # usage errors: exit 2, one message
    for opts in (["--format", "chrome", "--depth", "x"], ["--format", "perfetto", "--tid", "0"],
                 ["--format", "chrome", "--min-duration", "5 parsecs"],
                 ["--format", "folded", "--tid", "4242"], ["--format", "chrome"]):
        r = run([vitprof, "export"] + opts + ([] if opts == ["--format", "chrome"] else raws))
        c.expect(r.returncode == 2 and r.stderr.startswith("vitprof: "),
                 "export %s: exit %d, stderr %r (expected a usage error)" %
                 (" ".join(opts), r.returncode, r.stderr))
    # the default output name, said on stderr
    r = run([vitprof, "export", "--format", "perfetto", raws[1]])
    c.expect(r.returncode == 0 and os.path.exists(os.path.join(d, "p4300.pftrace")) and
             "wrote" in r.stderr and "p4300.pftrace" in r.stderr,
             "default output: exit %d, %r" % (r.returncode, r.stderr))
    r = run([vitprof, "export", "--format", "chrome", raws[1]])
    c.expect(r.returncode == 0 and os.path.exists(os.path.join(d, "p4300.trace.json")),
             "default chrome output: exit %d, %r" % (r.returncode, r.stderr))
    # not a trace: refused, one line naming the file, nothing written
    junk = os.path.join(d, "junk.vitraw")
    with open(junk, "wb") as f:
        f.write(b"not a profile at all\n" * 10)
    out = os.path.join(d, "junk.json")
    r = run([vitprof, "export", "--format", "chrome", "-o", out, junk])
    c.expect(r.returncode == 1 and junk in r.stderr and len(r.stderr.splitlines()) == 1 and
             not os.path.exists(out),
             "a file that is not a trace: exit %d, %r" % (r.returncode, r.stderr))
    c.finish()


main()
