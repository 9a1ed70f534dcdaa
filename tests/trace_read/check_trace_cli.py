# SPDX-License-Identifier: MIT
"""check_trace_cli.py - the trace commands end to end on traces that
test_tool_mkraw writes with known events (its self_trace(): a trace of
itself, so that every function is symbolized for real):

  replay     `vitprof replay` output, exact
  filters    every trace filter (--tid, --depth, --filter, --min-duration,
             --since/--until) and --time, exact
  aggregate  show, report, export --format vitprof|folded|callgrind,
             flamegraph and overlap read the trace: counts and inclusive/self
             times equal the known ones, the scope named from the NAMES
             section; show's notes on lost events and calls off the timeline
  multi      two files of one session: processes interleaved, pid/tid
  clocks     a TSC trace replays as the CLOCK_MONOTONIC one (conversion)
  ring       a flight recorder: frames begun before the surviving chunks
  corrupt    each corruption refused with one line naming file and offset,
             by replay and by show; a non-trace profile refused by replay
  memory     (label long) a trace of N calls streamed through replay and
             show: max RSS far below the trace size; events per second

usage: check_trace_cli.py CASE --vitprof V --mkraw M --scratch DIR [--calls N]
"""
import os
import re
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vptest import Checks, Scratch, arguments, export_doc, must, run  # noqa: E402

CASES = ("replay", "filters", "aggregate", "multi", "clocks", "ring", "corrupt", "memory")

REPLAY = """\
# DURATION      TID    FUNCTION
            [  5001] | main() {
            [  5001] |   mk_work() { /* tag: job */
   0.300 us [  5001] |     mk_leaf();
   0.100 us [  5002] | mk_leaf();
            [  5002] | mk_leaf() {
   0.050 us [  5001] |     mk_leaf();
            [  5002] |   /* checkpoint */
   0.350 us [  5002] | } /* mk_leaf, cut */
   0.900 us [  5001] |   } /* mk_work */
            [  5001] |   /* checkpoint */
            [  5001] |   scope phase {
            [  5001] |     mk_work() {
   0.100 us [  5001] |       mk_leaf();
   0.300 us [  5001] |     } /* mk_work */
            [  5001] |     /* queue = 3 */
   0.900 us [  5001] |   } /* scope phase */
   3.000 us [  5001] | } /* main */
"""

FILTERS = [
    (["--tid", "5002"], """\
# DURATION    FUNCTION
   0.100 us | mk_leaf();
            | mk_leaf() {
            |   /* checkpoint */
   0.350 us | } /* mk_leaf, cut */
"""),
    (["--depth", "2", "--tid", "5001"], """\
# DURATION    FUNCTION
            | main() {
   0.900 us |   mk_work(); /* tag: job */
            |   /* checkpoint */
            |   scope phase {
            |     /* queue = 3 */
   0.900 us |   } /* scope phase */
   3.000 us | } /* main */
"""),
    (["-F", "mk_work", "--filter", "-mk_leaf"], """\
# DURATION      TID    FUNCTION
   0.900 us [  5001] | mk_work(); /* tag: job */
   0.300 us [  5001] | mk_work();
"""),
    (["--filter", "-ph*", "--tid", "5001"], """\
# DURATION    FUNCTION
            | main() {
            |   mk_work() { /* tag: job */
   0.300 us |     mk_leaf();
   0.050 us |     mk_leaf();
   0.900 us |   } /* mk_work */
            |   /* checkpoint */
   3.000 us | } /* main */
"""),
    (["--min-duration", "0.2us"], None),      # refused: not a time
    (["--min-duration", "200ns", "--tid", "5001"], """\
# DURATION    FUNCTION
            | main() {
            |   mk_work() { /* tag: job */
   0.300 us |     mk_leaf();
   0.900 us |   } /* mk_work */
            |   /* checkpoint */
            |   scope phase {
   0.300 us |     mk_work();
            |     /* queue = 3 */
   0.900 us |   } /* scope phase */
   3.000 us | } /* main */
"""),
    (["--since", "1000", "--until", "1500ns", "--tid", "5001"], """\
# DURATION    FUNCTION
            | main() { /* cut */
            |   /* checkpoint */
            |   scope phase {
            |     mk_work() {
   0.100 us |       mk_leaf();
   0.300 us |     } /* mk_work, cut */
   0.400 us |   } /* scope phase, cut */
   0.500 us | } /* main, cut */
"""),
    (["--time", "--tid", "5001", "--until", "1us"], """\
#   TIMESTAMP      FUNCTION
     0.000000000 | main() {
     0.000000100 |   mk_work() { /* tag: job */
     0.000000200 |     mk_leaf();
     0.000000600 |     mk_leaf();
     0.000001000 |   } /* mk_work, cut */
     0.000001000 | } /* main, cut */
"""),
]

# name: (calls, self ns, total ns) of the trace's aggregates
AGGREGATES = {
    "main": (1, 1200, 3000),
    "mk_work": (2, 750, 1200),
    "mk_leaf": (5, 900, 900),
    "phase": (1, 600, 900),
}

FOLDED = """\
main 1200
main;mk_work 550
main;mk_work;mk_leaf 350
main;phase 600
main;phase;mk_work 200
main;phase;mk_work;mk_leaf 100
mk_leaf 450
"""

RING = """\
# DURATION      TID    FUNCTION
            [  5001] | main() { /* cut */
            [  5001] |   mk_work() { /* cut */
   0.100 us [  5002] | mk_leaf();
            [  5002] | mk_leaf() {
   0.050 us [  5001] |     mk_leaf();
            [  5002] |   /* checkpoint */
   0.350 us [  5002] | } /* mk_leaf, cut */
   0.900 us [  5001] |   } /* mk_work */
            [  5001] |   /* checkpoint */
            [  5001] |   scope phase {
            [  5001] |     mk_work() {
   0.100 us [  5001] |       mk_leaf();
   0.300 us [  5001] |     } /* mk_work */
            [  5001] |     /* queue = 3 */
   0.900 us [  5001] |   } /* scope phase */
   3.000 us [  5001] | } /* main */
"""

# kind: what the one line says (the offset is checked to be there)
CORRUPT = {
    "tag": "reserved event tag 3",
    "id": "an event names id 9, not in the shard's table (ids 1..5)",
    "exit": "an EXIT with no open frame (thread 5002, shard 2)",
    "varint": "an event runs past the chunk's 22 used bytes",
    "used": "trace chunk of shard 1: 30 bytes used of 22",
    "shard": "trace chunk of shard 9: the file has no live edge table of that shard",
}


def mk(a, kind, out, *extra):
    must([a.mkraw, kind, out] + list(extra))
    return out


def expect_output(c, cmd, want, what):
    p = c.sh(cmd)
    if p.returncode == 0 and p.stdout != want:
        c.fail("%s: output differs\n--- got:\n%s--- wanted:\n%s" % (what, p.stdout, want))
    c.expect(p.stderr == "", "%s: stderr: %s" % (what, p.stderr))


def case_replay(a, c, d):
    t = mk(a, "trace", os.path.join(d, "t.vitraw"))
    expect_output(c, [a.vitprof, "replay", t], REPLAY, "replay")


def case_filters(a, c, d):
    t = mk(a, "trace", os.path.join(d, "t.vitraw"))
    for opts, want in FILTERS:
        if want is None:
            p = c.sh([a.vitprof, "replay"] + opts + [t], rc=2)
            c.expect("not a time" in p.stderr, "%s: %s" % (opts, p.stderr))
            continue
        expect_output(c, [a.vitprof, "replay"] + opts + [t], want, " ".join(opts))
    p = c.sh([a.vitprof, "replay", "--since", "2us", "--until", "1us", t], rc=2)
    c.expect("--until must be after --since" in p.stderr, p.stderr)


def case_aggregate(a, c, d):
    t = mk(a, "trace", os.path.join(d, "t.vitraw"))
    doc, p = export_doc(a.vitprof, t)
    if c.expect(doc is not None, "export --format vitprof: %s" % p.stderr):
        c.expect(doc["program"]["mode"] == "time", "document mode %s" % doc["program"]["mode"])
        got = {f["name"]: (f.get("calls"), f.get("self_ns"), f.get("total_ns"))
               for f in doc["functions"] if f.get("calls")}
        c.expect(got == AGGREGATES, "aggregates %s, expected %s" % (got, AGGREGATES))
        scope = [f for f in doc["functions"] if f["name"] == "phase"]
        c.expect(len(scope) == 1 and scope[0]["module"] is None and scope[0]["file"] is None
                 and scope[0]["address"] == 1, "the scope in the document: %s" % scope)
    # the document a trace makes is one every document reader takes
    c.sh([a.vitprof, "overlap", t, t])
    p = c.sh([a.vitprof, "export", "--format", "folded", "-o", "-", t])
    c.expect(p.stdout == FOLDED, "folded:\n%s--- wanted:\n%s" % (p.stdout, FOLDED))
    p = c.sh([a.vitprof, "show", "-n", "0", t])
    rows = {}
    for line in p.stdout.splitlines():
        m = re.match(r"\s+(\d+)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(\S+)\s+(\S+)", line)
        if m:
            rows[m.group(2)] = (int(m.group(1)), m.group(3))
    c.expect(rows.get("phase") == (1, "(scope)"), "show: phase row %s\n%s" % (rows.get("phase"),
                                                                             p.stdout))
    c.expect(rows.get("mk_leaf", (0,))[0] == 5, "show: mk_leaf row %s" % (rows.get("mk_leaf"),))
    c.expect("trace mode, 2 threads" in p.stdout, "show header:\n%s" % p.stdout)
    c.expect("note:" not in p.stdout, "show: notes on a whole trace:\n%s" % p.stdout)
    lost = mk(a, "tracelost", os.path.join(d, "lost.vitraw"))
    p = c.sh([a.vitprof, "show", lost])
    for note in ("note: 7 trace events could not be recorded",
                 "note: 4 of 13 calls counted are not on the timeline"):
        c.expect(note in p.stdout, "show: no '%s':\n%s" % (note, p.stdout))
    p = c.sh([a.vitprof, "report", t])
    c.expect(re.search(r"phase \[\d+\]\s+\(scope\)", p.stdout) is not None,
             "report: the scope's call-graph entry:\n%s" % p.stdout)
    cg = os.path.join(d, "callgrind.out")
    c.sh([a.vitprof, "export", "--format", "callgrind", "-o", cg, t])
    if os.path.exists(cg):
        text = open(cg).read()
        c.expect(re.search(r"^c?fn=\(\d+\) phase$", text, re.M) is not None,
                 "callgrind: no function 'phase'")
    svg = os.path.join(d, "flame.svg")
    c.sh([a.vitprof, "flamegraph", "-o", svg, t])
    if os.path.exists(svg):
        text = open(svg).read()
        c.expect("phase" in text and "mk_leaf" in text, "flamegraph: frames missing")


def case_multi(a, c, d):
    t1 = mk(a, "trace", os.path.join(d, "a.vitraw"), "4242")
    t2 = mk(a, "trace", os.path.join(d, "b.vitraw"), "4343")
    p = c.sh([a.vitprof, "replay", "--tid", "5002", t1, t2])
    want = """\
# DURATION          PID/TID   FUNCTION
   0.100 us [    4242/5002] | mk_leaf();
   0.100 us [    4343/5002] | mk_leaf();
            [    4242/5002] | mk_leaf() {
            [    4343/5002] | mk_leaf() {
            [    4242/5002] |   /* checkpoint */
   0.350 us [    4242/5002] | } /* mk_leaf, cut */
            [    4343/5002] |   /* checkpoint */
   0.350 us [    4343/5002] | } /* mk_leaf, cut */
"""
    c.expect(p.stdout == want, "multi:\n%s--- wanted:\n%s" % (p.stdout, want))
    p = c.sh([a.vitprof, "replay", t1, t2])
    c.expect(len(p.stdout.splitlines()) == 2 * (len(REPLAY.splitlines()) - 1) + 1,
             "multi: %d lines" % len(p.stdout.splitlines()))


def case_clocks(a, c, d):
    t = mk(a, "tracetsc", os.path.join(d, "s.vitraw"))
    expect_output(c, [a.vitprof, "replay", t], REPLAY, "replay of the TSC trace")


def case_ring(a, c, d):
    t = mk(a, "tracering", os.path.join(d, "r.vitraw"))
    expect_output(c, [a.vitprof, "replay", t], RING, "replay of the ring")


def case_corrupt(a, c, d):
    for kind, what in sorted(CORRUPT.items()):
        t = mk(a, "tracebad-" + kind, os.path.join(d, kind + ".vitraw"))
        for cmd in (["replay"], ["show"]):
            p = c.sh([a.vitprof] + cmd + [t], rc=1)
            lines = p.stderr.splitlines()
            ok = (len(lines) == 1 and lines[0].startswith("vitprof: %s: " % t) and
                  what in lines[0] and re.search(r" at offset 0x[0-9a-f]+$", lines[0]))
            c.expect(ok, "%s %s: stderr %r, wanted one line with %r" % (cmd[0], kind,
                                                                       p.stderr, what))
    t = mk(a, "valid", os.path.join(d, "count.vitraw"))
    p = c.sh([a.vitprof, "replay", t], rc=1)
    c.expect("a count-mode profile has no timeline" in p.stderr, p.stderr)
    p = c.sh([a.vitprof, "replay"], rc=2)


def max_rss_kb(cmd, out):
    """Runs cmd with stdout to out; (exit status, max RSS in KiB, seconds)."""
    t0 = time.time()
    with open(out, "wb") as f:
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status) if hasattr(
        os, "waitstatus_to_exitcode") else status >> 8
    return proc.returncode, ru.ru_maxrss, time.time() - t0


def case_memory(a, c, d):
    n = int(a.calls)
    small = mk(a, "tracebig", os.path.join(d, "small.vitraw"), "1000")
    t = mk(a, "tracebig", os.path.join(d, "big.vitraw"), str(n))
    size = os.path.getsize(t)
    events = 2 * n + 2
    for cmd, out in ((["replay"], os.devnull), (["show"], os.path.join(d, "show.txt"))):
        rc, base, _ = max_rss_kb([a.vitprof] + cmd + [small], os.devnull)
        c.expect(rc == 0, "%s of the small trace: exit %d" % (cmd[0], rc))
        rc, rss, secs = max_rss_kb([a.vitprof] + cmd + [t], out)
        c.expect(rc == 0, "%s exit %d" % (cmd[0], rc))
        c.log("%s: %d events (%.1f MB trace) in %.2f s: %.1f M events/s, max RSS %.1f MB"
              " (%.1f MB on a 2000-event trace)" % (cmd[0], events, size / 1e6, secs,
                                                   events / secs / 1e6, rss / 1024,
                                                   base / 1024))
        # what the events add: a few windows and frames, not the trace
        c.expect((rss - base) * 1024 < max(1 << 20, min(size / 8, 4 << 20)),
                 "%s: max RSS %d KiB on %d bytes of trace, %d KiB on a small one"
                 % (cmd[0], rss, size, base))
    text = open(os.path.join(d, "show.txt")).read()
    c.expect(re.search(r"^\s+%d\s.*mk_leaf" % n, text, re.M) is not None,
             "show: mk_leaf is not called %d times:\n%s" % (n, text))


def main():
    a = arguments(["--vitprof", "--mkraw", "--scratch"], cases=CASES,
                  defaults={"--calls": "10000000"}, sanitized=False)
    c = Checks(a.case)
    d = Scratch(os.path.join(a.scratch, a.case)).newdir(a.case)
    globals()["case_" + a.case](a, c, d)
    c.finish()


if __name__ == "__main__":
    main()
