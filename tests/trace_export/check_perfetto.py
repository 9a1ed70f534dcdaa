# SPDX-License-Identifier: MIT
"""check_perfetto.py KNOWN OUT.pftrace START_NS PROTO - a Perfetto export
of the trace KNOWN describes (known_trace.py), decoded by
`protoc --decode=perfetto.protos.Trace PROTO` (perfetto_subset.proto:
Perfetto's field numbers) and checked packet by packet:

  - no unknown field (every field the writer emits has Perfetto's number);
  - one packet sequence per thread, in order: its first packet clears the
    incremental state and holds the clock snapshot (clock 64 incremental
    and CLOCK_MONOTONIC, both at START_NS; MONOTONIC primary), the
    defaults (timestamps in clock 64, the thread's track) and the
    interned categories; then the process's track descriptor (once per
    process), the thread's (parent the process, pid, tid, name);
  - every event: timestamps accumulated from START_NS give exactly the
    expected ns; names through name_iid resolved from the sequence's
    interned names (each name interned once per sequence, before or with
    its first use); slices nest (each END closes the innermost BEGIN);
    scopes' category and tag; counters on their process's counter track.

Exit 0, 1 after the differences, 77 (skip) when protoc is missing."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import known_trace  # noqa: E402
from vptest import Checks  # noqa: E402

TYPES = {"B": "TYPE_SLICE_BEGIN", "E": "TYPE_SLICE_END", "i": "TYPE_INSTANT",
         "C": "TYPE_COUNTER"}


def unescape(s):
    """A text-format string literal's body (C escapes, octal bytes) as text."""
    out, i = bytearray(), 0
    simple = {"n": 10, "t": 9, "r": 13, '"': 34, "'": 39, "\\": 92, "a": 7, "b": 8,
              "f": 12, "v": 11, "?": 63}
    while i < len(s):
        ch = s[i]
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
            continue
        nxt = s[i + 1]
        if nxt in simple:
            out.append(simple[nxt])
            i += 2
        elif nxt == "x":
            j = i + 2
            while j < len(s) and j < i + 4 and s[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(int(s[i + 2:j], 16))
            i = j
        else:
            j = i + 1
            while j < len(s) and j < i + 4 and s[j] in "01234567":
                j += 1
            out.append(int(s[i + 1:j], 8))
            i = j
    return out.decode("utf-8")


def parse(text):
    """protoc's text format as nested dicts: key -> [values], a value being
    an int, a str (string literal or enum name) or a dict."""
    root = {}
    stack = [root]
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line == "}":
            stack.pop()
        elif line.endswith("{"):
            d = {}
            stack[-1].setdefault(line[:-1].strip(), []).append(d)
            stack.append(d)
        else:
            key, _, v = line.partition(": ")
            if v.startswith('"'):
                v = unescape(v[1:-1])
            elif v.lstrip("-").isdigit():
                v = int(v)
            stack[-1].setdefault(key, []).append(v)
    return root


def one(d, key, default=None):
    v = d.get(key)
    return v[0] if v else default


def unknown_fields(d, path, found):
    for k, vs in d.items():
        if k.isdigit():
            found.append("%s.%s" % (path, k))
        for v in vs:
            if isinstance(v, dict):
                unknown_fields(v, path + "." + k, found)


def main():
    known, path, start, proto = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    c = Checks("perfetto")
    protoc = shutil.which("protoc")
    if not protoc:
        c.skip("protoc is not installed (Debian: protobuf-compiler)")
    with open(path, "rb") as f:
        p = subprocess.run([protoc, "--proto_path", os.path.dirname(os.path.abspath(proto)),
                            "--decode=perfetto.protos.Trace", os.path.basename(proto)],
                           stdin=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        c.fail("protoc --decode failed: %s" % p.stderr.decode(errors="replace"))
        c.finish()
    trace = parse(p.stdout.decode("utf-8"))
    bad = []
    unknown_fields(trace, "Trace", bad)
    c.expect(not bad, "unknown fields (wrong field numbers?): %s" % bad[:10])
    packets = trace.get("packet", [])
    procs = known_trace.read(known)

    seqs = {}
    order = []
    for pk in packets:
        sid = one(pk, "trusted_packet_sequence_id")
        if not c.expect(sid is not None, "packet without trusted_packet_sequence_id: %r" % pk):
            continue
        if sid not in seqs:
            seqs[sid] = []
            order.append(sid)
        seqs[sid].append(pk)
    threads = [(pr, t) for pr in procs for t in pr.threads]
    c.expect(len(order) == len(threads),
             "%d sequences, expected one per thread (%d)" % (len(order), len(threads)))

    process_uuid = {}
    counters = {}          # uuid -> (parent, name)
    n_events = 0
    for sid, (pr, t) in zip(order, threads):
        where = "sequence %d (tid %d)" % (sid, t.tid)
        pks = seqs[sid]
        first = pks[0]
        c.expect(one(first, "sequence_flags") == 1,
                 "%s: first packet does not clear the incremental state" % where)
        snap = one(first, "clock_snapshot", {})
        clocks = {one(k, "clock_id"): k for k in snap.get("clocks", [])}
        c.expect(set(clocks) == {64, 3}, "%s: clock snapshot of clocks %r" % (where, sorted(clocks)))
        c.expect(one(clocks.get(64, {}), "is_incremental") == "true" and
                 one(clocks.get(64, {}), "timestamp") == start and
                 one(clocks.get(3, {}), "timestamp") == start,
                 "%s: clock snapshot %r" % (where, snap))
        c.expect(one(snap, "primary_trace_clock") == "BUILTIN_CLOCK_MONOTONIC",
                 "%s: primary clock %r" % (where, one(snap, "primary_trace_clock")))
        defaults = one(first, "trace_packet_defaults", {})
        c.expect(one(defaults, "timestamp_clock_id") == 64,
                 "%s: default clock %r" % (where, one(defaults, "timestamp_clock_id")))
        track = one(one(defaults, "track_event_defaults", {}), "track_uuid")
        cats = {one(e, "iid"): one(e, "name")
                for e in one(first, "interned_data", {}).get("event_categories", [])}
        c.expect(cats.get(1) == "scope" and cats.get(2) == "mark",
                 "%s: interned categories %r" % (where, cats))

        names = {}
        clock = start
        stack = []
        events = []
        thread_desc = None
        for pk in pks[1:]:
            td = one(pk, "track_descriptor")
            if td is not None:
                if "process" in td:
                    pd = one(td, "process")
                    c.expect(one(pd, "pid") == pr.pid and one(pd, "process_name") == pr.name,
                             "%s: process descriptor %r" % (where, pd))
                    c.expect(pr.pid not in process_uuid,
                             "%s: process %d described twice" % (where, pr.pid))
                    process_uuid[pr.pid] = one(td, "uuid")
                elif "thread" in td:
                    thread_desc = td
                elif "counter" in td:
                    counters[one(td, "uuid")] = (one(td, "parent_uuid"), one(td, "name"))
                else:
                    c.fail("%s: track descriptor of no known kind: %r" % (where, td))
                continue
            for e in one(pk, "interned_data", {}).get("event_names", []):
                iid, name = one(e, "iid"), one(e, "name")
                c.expect(iid not in names and name not in names.values(),
                         "%s: %r interned twice" % (where, name))
                names[iid] = name
            te = one(pk, "track_event")
            if not c.expect(te is not None, "%s: packet with no event: %r" % (where, pk)):
                continue
            c.expect(one(pk, "sequence_flags") == 2,
                     "%s: event packet without SEQ_NEEDS_INCREMENTAL_STATE" % where)
            ts = one(pk, "timestamp")
            c.expect(ts is not None and ts >= 0, "%s: event without a timestamp" % where)
            clock += ts or 0
            events.append((te, clock - start))
        c.expect(thread_desc is not None, "%s: no thread descriptor" % where)
        if thread_desc is not None:
            tdd = one(thread_desc, "thread")
            c.expect(one(thread_desc, "uuid") == track,
                     "%s: thread track %r is not the default track %r" %
                     (where, one(thread_desc, "uuid"), track))
            c.expect(one(thread_desc, "parent_uuid") == process_uuid.get(pr.pid),
                     "%s: thread track's parent is not its process's" % where)
            c.expect(one(tdd, "pid") == pr.pid and one(tdd, "tid") == t.tid and
                     one(tdd, "thread_name") == t.name,
                     "%s: thread descriptor %r, expected pid %d tid %d name %r" %
                     (where, tdd, pr.pid, t.tid, t.name))
        c.expect(len(events) == len(t.events),
                 "%s: %d events, expected %d" % (where, len(events), len(t.events)))
        for i, ((te, ns), w) in enumerate(zip(events, t.events)):
            at = "%s event %d" % (where, i)
            c.expect(one(te, "type") == TYPES[w.kind],
                     "%s: type %r, expected %s" % (at, one(te, "type"), TYPES[w.kind]))
            c.expect(ns == w.ns, "%s: at %d ns after accumulation, expected %d" % (at, ns, w.ns))
            if w.kind in "Bi":
                iid = one(te, "name_iid")
                c.expect(names.get(iid) == w.name,
                         "%s: name_iid %r = %r, expected %r" % (at, iid, names.get(iid), w.name))
                want_cat = [2] if w.kind == "i" else [1] if w.scope else []
                c.expect(te.get("category_iids", []) == want_cat,
                         "%s: categories %r, expected %r" % (at, te.get("category_iids"), want_cat))
            if w.kind == "B":
                tags = {one(a, "name"): one(a, "string_value")
                        for a in te.get("debug_annotations", [])}
                c.expect(tags == ({"tag": w.tag} if w.tag is not None else {}),
                         "%s: annotations %r, expected tag %r" % (at, tags, w.tag))
                stack.append(w.name)
            elif w.kind == "E":
                c.expect(bool(stack), "%s: END with no open slice" % at)
                if stack:
                    c.expect(stack.pop() == w.name, "%s: END does not close %r" % (at, w.name))
            elif w.kind == "C":
                uuid = one(te, "track_uuid")
                parent, cname = counters.get(uuid, (None, None))
                c.expect(cname == w.name and parent == process_uuid.get(pr.pid),
                         "%s: counter track %r (%r), expected %r of the process" %
                         (at, uuid, cname, w.name))
                c.expect(one(te, "counter_value") == w.value,
                         "%s: value %r, expected %d" % (at, one(te, "counter_value"), w.value))
            n_events += 1
        c.expect(not stack, "%s: slices left open: %r" % (where, stack))
    c.log("%d packets, %d events checked in %d sequences" % (len(packets), n_events, len(order)))
    c.finish()


if __name__ == "__main__":
    main()
