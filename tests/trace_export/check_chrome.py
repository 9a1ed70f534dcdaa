# SPDX-License-Identifier: MIT
"""check_chrome.py KNOWN OUT.json - a Chrome Trace Event export of the
trace KNOWN describes (known_trace.py), parsed by python's json and
checked event by event: the document's shape (displayTimeUnit "ns",
traceEvents), process_name / thread_name metadata, and per thread exactly
the expected events in order (phase, name, category, ts in microseconds
with the nanoseconds as decimals, a scope's tag, a counter's value), B/E
balanced and ts never going back. Exit 0, or 1 after the differences."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import known_trace  # noqa: E402
from vptest import Checks  # noqa: E402


def main():
    known, path = sys.argv[1], sys.argv[2]
    c = Checks("chrome")
    procs = known_trace.read(known)
    with open(path, "rb") as f:
        raw = f.read()
    try:
        doc = json.loads(raw.decode("utf-8"))      # strict: valid UTF-8 and JSON
    except (UnicodeDecodeError, ValueError) as e:
        c.fail("not valid JSON: %s" % e)
        c.finish()
    c.expect(doc.get("displayTimeUnit") == "ns", "displayTimeUnit is not \"ns\"")
    events = doc.get("traceEvents")
    if not c.expect(isinstance(events, list), "no traceEvents array"):
        c.finish()
    meta = [e for e in events if e.get("ph") == "M"]
    by_thread = {}
    for e in events:
        for key in ("ph", "pid", "tid"):
            c.expect(key in e, "event without %s: %r" % (key, e))
        if e.get("ph") != "M":
            by_thread.setdefault((e.get("pid"), e.get("tid")), []).append(e)

    # metadata: each process named once, each named thread named
    want_meta = []
    for p in procs:
        want_meta.append(("process_name", p.pid, p.threads[0].tid, p.name))
        for t in p.threads:
            if t.name is not None:
                want_meta.append(("thread_name", p.pid, t.tid, t.name))
    got_meta = [(m.get("name"), m.get("pid"), m.get("tid"), (m.get("args") or {}).get("name"))
                for m in meta]
    c.expect(got_meta == want_meta, "metadata: got %r, expected %r" % (got_meta, want_meta))

    want_threads = {(p.pid, t.tid) for p in procs for t in p.threads}
    c.expect(set(by_thread) == want_threads,
             "threads: got %r, expected %r" % (sorted(by_thread), sorted(want_threads)))
    n = 0
    for p in procs:
        for t in p.threads:
            got = by_thread.get((p.pid, t.tid), [])
            where = "pid %d tid %d" % (p.pid, t.tid)
            c.expect(len(got) == len(t.events),
                     "%s: %d events, expected %d" % (where, len(got), len(t.events)))
            stack, last_ts = [], None
            for i, (g, w) in enumerate(zip(got, t.events)):
                at = "%s event %d" % (where, i)
                c.expect(g.get("ph") == w.kind, "%s: ph %r, expected %r" % (at, g.get("ph"), w.kind))
                c.expect(g.get("name") == w.name,
                         "%s: name %r, expected %r" % (at, g.get("name"), w.name))
                # ts: microseconds, three decimals of ns; exact after rounding
                ts = g.get("ts")
                c.expect(isinstance(ts, (int, float)) and round(ts * 1000) == w.ns,
                         "%s: ts %r, expected %.3f" % (at, ts, w.ns / 1000))
                if last_ts is not None and isinstance(ts, (int, float)):
                    c.expect(ts >= last_ts, "%s: ts %r goes back (from %r)" % (at, ts, last_ts))
                last_ts = ts
                cat = {"i": "mark", "C": "counter"}.get(w.kind, "scope" if w.scope else "function")
                c.expect(g.get("cat") == cat, "%s: cat %r, expected %r" % (at, g.get("cat"), cat))
                if w.kind == "B":
                    stack.append(w.name)
                    want_args = {"tag": w.tag} if w.tag is not None else None
                    c.expect(g.get("args") == want_args,
                             "%s: args %r, expected %r" % (at, g.get("args"), want_args))
                elif w.kind == "E":
                    c.expect(stack and stack[-1] == g.get("name"),
                             "%s: E %r does not close the open %r" %
                             (at, g.get("name"), stack[-1] if stack else None))
                    if stack:
                        stack.pop()
                elif w.kind == "i":
                    c.expect(g.get("s") == "t", "%s: instant scope %r, expected 't'" %
                             (at, g.get("s")))
                elif w.kind == "C":
                    c.expect(g.get("args") == {"value": w.value},
                             "%s: args %r, expected value %d" % (at, g.get("args"), w.value))
                n += 1
            c.expect(not stack, "%s: frames left open: %r" % (where, stack))
    c.log("%d events checked in %d threads" % (n, len(want_threads)))
    c.finish()


main()
