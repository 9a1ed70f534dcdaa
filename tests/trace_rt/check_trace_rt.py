# SPDX-License-Identifier: MIT
"""trace_rt: trace-mode recording (rt/rt_trace.c). Runs trace_prog.c's
cases in VITPROF_MODE=trace and decodes their raw files with vptrace.py,
an independent decoder: the exact ENTER/EXIT sequences (known by
construction), exact counts, bytes per call, SIGKILL prefixes, the
VITPROF_TRACE_MAX and full-disk losses, the flight recorder, threads,
fork and exec, longjmp, signals, deep recursion, merging refused."""
import glob
import os
import random
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import vptest  # noqa: E402
import vptrace  # noqa: E402

CASES = ("marks", "seq", "counts", "bytes", "kill", "max", "ring", "threads8", "threads64",
         "fork_exec", "longjmp", "signal", "deep", "merge_refused", "full_disk")


class Run:
    """The program, its symbols and a scratch directory."""

    def __init__(self, args, c):
        self.prog, self.vitprof, self.c = args.prog, args.vitprof, c
        self.dir = vptest.fresh_dir(args.scratch)
        self.syms = vptrace.symbols(self.prog)
        self.n = 0

    def env(self, extra=None):
        e = vptest.clean_env({"VITPROF_MODE": "trace"}, drop=(
            "VITPROF_TRACE_MAX", "VITPROF_TRACE_RING", "VITPROF_SESSION", "VITPROF_FILTER",
            "VITPROF_TRACE_START"))
        e.update(extra or {})
        return e

    def newdir(self):
        self.n += 1
        d = os.path.join(self.dir, "run%d" % self.n)
        os.makedirs(d)
        return d

    def run(self, args, extra=None, rc=0, d=None):
        d = d or self.newdir()
        env = self.env(extra)
        env.setdefault("VITPROF_FILE", os.path.join(d, "t.%p.vitraw"))
        p = self.c.sh([self.prog] + [str(a) for a in args], rc=rc, env=env, timeout=60)
        return p, d

    def profiles(self, d):
        return [vptrace.Profile(f) for f in sorted(glob.glob(os.path.join(d, "*.vitraw*")))
                if not f.endswith(".lock")]

    def one(self, d):
        ps = self.profiles(d)
        if len(ps) != 1:
            sys.exit("FAIL: %d profiles in %s, expected 1" % (len(ps), d))
        return ps[0]

    def namer(self, prof):
        """fn address -> name, through the executable's load bias."""
        b = vptrace.bias(prof, self.syms)
        return lambda fn: self.syms.get(fn - b, hex(fn))

    def named(self, prof, shard, events):
        """(kind, name) of the enters and exits of events."""
        name = self.namer(prof)
        t = prof.tables[shard]
        return [(e[0], name(t[e[2]][1]) if e[2] is not None else None)
                for e in events if e[0] in ("enter", "exit")]

    def streams_named(self, prof):
        """{(shard, tid): [(kind, name)]} of every stream of prof."""
        return {k: self.named(prof, k[0], prof.events(cs)) for k, cs in prof.streams().items()}

    def counts(self, prof):
        name = self.namer(prof)
        out = {}
        for t in prof.tables.values():
            for (_s, fn, count, _f) in t.values():
                out[name(fn)] = out.get(name(fn), 0) + count
        return out


def call(name, *inner):
    return [("enter", name)] + [e for x in inner for e in x] + [("exit", name)]


def loop_steps(i0, n):
    """The events of steps i0 .. i0 + n - 1 of case_loop."""
    out = []
    for i in range(i0, i0 + n):
        inner = [call("leaf")]
        if i % 4 == 0:
            inner.append(call("odd", call("leaf")))
        out += call("step", *inner)
    return out


def loop_seq(n):
    return call("main", call("case_loop", loop_steps(0, n)))


def loop_counts(n):
    odd = (n + 3) // 4
    return {"main": 1, "case_loop": 1, "step": n, "leaf": n + odd, "odd": odd}


def check_prefix(c, what, got, expected_fn):
    """got is a prefix of the expected sequence (expected_fn(k): its first
    k events)."""
    exp = expected_fn(len(got))
    for i, (g, e) in enumerate(zip(got, exp)):
        if g != e:
            c.fail("%s: event %d is %r, expected %r" % (what, i, g, e))
            return False
    return c.expect(len(exp) >= len(got), "%s: %d events, more than expected" % (what, len(got)))


def forever_prefix(k):
    """The first k events of case_forever (main, case_forever, steps)."""
    head = [("enter", "main"), ("enter", "case_forever")]
    out = list(head)
    i = 0
    while len(out) < k:
        out += loop_steps(i, 64)
        i += 64
    return out[:k]


def case_seq(r, c):
    p, d = r.run(["seq"])
    prof = r.one(d)
    st = r.streams_named(prof)
    c.expect(len(st) == 1, "%d streams, expected 1" % len(st))
    got = list(st.values())[0]
    b = call("b", call("leaf"))
    exp = call("main", call("case_seq", call("a", b, b),
                            call("rec", call("rec", call("rec", call("rec")))),
                            call("a"), call("leaf")))
    c.expect(got == exp, "sequence\n%r\nexpected\n%r" % (got, exp))
    c.expect(r.counts(prof) == {"main": 1, "case_seq": 1, "a": 2, "b": 2, "leaf": 3,
                                "rec": 4}, "counts %r" % r.counts(prof))
    c.expect(prof.session != 0 and not prof.flags & vptrace.FLAG_EXEC,
             "session %x flags %x" % (prof.session, prof.flags))
    c.expect(prof.anchor > 0 and abs(prof.anchor - time.time() * 1e9) < 600e9,
             "anchor_realtime_ns %d is not about now" % prof.anchor)
    ev = prof.events(list(prof.streams().values())[0])
    ticks = [e[1] for e in ev]
    c.expect(ticks == sorted(ticks), "timestamps decrease")
    # "trace,count" is a synonym
    p, d = r.run(["seq"], {"VITPROF_MODE": "trace,count"})
    c.expect(list(r.streams_named(r.one(d)).values())[0] == exp, "trace,count sequence")


def case_marks(r, c):
    p, d = r.run(["marks"])
    prof = r.one(d)
    (k, cs), = prof.streams().items()
    ev = prof.events(cs)
    name = r.namer(prof)
    t = prof.tables[k[0]]
    got = [(e[0], name(t[e[2]][1])) if e[0] in ("enter", "exit") else e[:1] + e[2:]
           for e in ev]
    b = call("b", call("leaf"))
    exp = ([("enter", "main"), ("enter", "case_marks")] + call("a", b) +
           [("instant", 7), ("counter", 8, -5), ("counter", 8, 1 << 40),
            ("enter", "tagged"), ("tag", 9)] + call("leaf") + [("exit", "tagged"),
                                                               ("enter", "stopper"),
                                                               ("exit", "stopper")] +
           call("leaf") + [("exit", "case_marks"), ("exit", "main")])
    c.expect(got == exp, "marks sequence\n%r\nexpected\n%r" % (got, exp))
    c.expect(r.counts(prof) == {"main": 1, "case_marks": 1, "a": 2, "b": 2, "leaf": 5,
                                "tagged": 1, "stopper": 1}, "counts %r" % r.counts(prof))


def case_counts(r, c):
    n = 100000
    p, d = r.run(["loop", n])
    prof = r.one(d)
    c.expect(p.stdout == "done\n", "output %r" % p.stdout)
    got = list(r.streams_named(prof).values())[0]
    c.expect(got == loop_seq(n), "loop sequence differs (%d events, expected %d)"
             % (len(got), len(loop_seq(n))))
    c.expect(r.counts(prof) == loop_counts(n), "counts %r" % r.counts(prof))
    c.expect(prof.lost_events == 0, "lost_events %d" % prof.lost_events)


def stream_bytes(prof):
    return sum(ch.used for ch in prof.chunks)


def case_bytes(r, c):
    n = 2000000
    p, d = r.run(["loop", n])
    prof = r.one(d)
    calls = sum(loop_counts(n).values())
    bpc = stream_bytes(prof) / calls
    c.log("%.2f bytes per call (%d calls, %d bytes of events)" % (bpc, calls,
                                                                  stream_bytes(prof)))
    c.expect(bpc <= 8, "%.2f bytes per call, goal 8" % bpc)
    c.expect(os.path.getsize(glob.glob(os.path.join(d, "*.vitraw"))[0]) / calls <= 10,
             "the file takes more than 10 bytes per call")


def case_kill(r, c):
    rnd = random.Random(int(os.environ.get("TRACE_RT_SEED", time.time())))
    for k in range(4):
        d = r.newdir()
        env = r.env({"VITPROF_FILE": os.path.join(d, "t.%p.vitraw")})
        proc = subprocess.Popen([r.prog, "forever"], env=env, stdout=subprocess.PIPE,
                                universal_newlines=True)
        line = proc.stdout.readline()
        c.expect(line == "ready\n", "kill %d: %r before the kill" % (k, line))
        time.sleep(rnd.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        prof = r.one(d)
        c.expect(prof.state == 1, "kill %d: state %d, expected running" % (k, prof.state))
        st = r.streams_named(prof)
        got = list(st.values())[0]
        c.expect(len(got) > 1000 * 4, "kill %d: only %d events" % (k, len(got)))
        check_prefix(c, "kill %d" % k, got, forever_prefix)
        c.log("kill %d: %d events, all a prefix of the run's sequence" % (k, len(got)))


def case_max(r, c):
    n = 300000
    p, d = r.run(["loop", n], {"VITPROF_TRACE_MAX": "256k"})
    c.expect(p.stdout == "done\n", "output %r" % p.stdout)
    lines = p.stderr.splitlines()
    c.expect(len(lines) == 1 and "trace events were not recorded" in lines[0]
             and "VITPROF_TRACE_MAX" in lines[0], "stderr %r, expected one line" % p.stderr)
    prof = r.one(d)
    got = list(r.streams_named(prof).values())[0]
    calls = sum(loop_counts(n).values())
    c.expect(prof.lost_events > 0 and prof.lost_events == sum(prof.table_lost.values()),
             "lost_events %d, tables %r" % (prof.lost_events, prof.table_lost))
    c.expect(len(got) + prof.lost_events == 2 * calls, "%d events + %d lost != 2 x %d calls"
             % (len(got), prof.lost_events, calls))
    check_prefix(c, "max", got, lambda k: loop_seq(n)[:k])
    c.expect(stream_bytes(prof) <= 256 * 1024, "%d bytes of events past the limit"
             % stream_bytes(prof))
    c.expect(r.counts(prof) == loop_counts(n), "counts %r" % r.counts(prof))
    # the same without the limit: the program's output and status unchanged
    p2, _ = r.run(["loop", n])
    c.expect(p2.stdout == p.stdout and p2.stderr == "", "unlimited run: %r %r"
             % (p2.stdout, p2.stderr))


def case_ring(r, c):
    n = 300000
    p, d = r.run(["loop", n], {"VITPROF_TRACE_RING": "256k"})
    prof = r.one(d)
    c.expect(all(ch.flags & vptrace.TRACE_RING for ch in prof.chunks), "chunk flags")
    total = sum(ch.used + 128 for ch in prof.chunks)
    c.expect(total <= 320 * 1024, "%d bytes of chunks for a 256k ring" % total)
    (k, cs), = prof.streams().items()
    c.expect(cs[0].seq > 1, "the ring was not reused (first seq %d)" % cs[0].seq)
    ev = prof.events(cs)
    name = r.namer(prof)
    t = prof.tables[k[0]]
    opens = [name(t[e[2]][1]) for e in ev if e[0] == "open"]
    got = [(e[0], name(t[e[2]][1])) for e in ev if e[0] in ("enter", "exit")]
    full = loop_seq(n)
    tail = full[len(full) - len(got):]
    c.expect(got == tail, "the ring's events are not the run's last %d" % len(got))
    # the OPEN marks are the frames open where the kept events begin
    stack = []
    for kind, nm in full[:len(full) - len(got)]:
        if kind == "enter":
            stack.append(nm)
        else:
            stack.pop()
    c.expect(opens == stack, "OPEN marks %r, open frames %r" % (opens, stack))
    c.log("ring kept the last %d of %d events, %d chunks" % (len(got), len(full), len(cs)))


def case_threads(r, c, t):
    n = 20000
    p, d = r.run(["threads", t, n])
    c.expect(p.stdout == "joined %d\n" % t, "output %r" % p.stdout)
    prof = r.one(d)
    st = r.streams_named(prof)
    workers = [v for v in st.values() if v and v[0] == ("enter", "work")]
    c.expect(len(workers) == t, "%d worker streams, expected %d" % (len(workers), t))
    exp = call("work", *[call("leaf")] * n)
    c.expect(all(w == exp for w in workers), "a worker's sequence differs")
    tids = {k[1] for k in st}
    c.expect(len(tids) == t + 1, "%d thread ids, expected %d" % (len(tids), t + 1))
    c.expect(r.counts(prof).get("leaf") == t * n, "leaf count %r" % r.counts(prof).get("leaf"))
    c.expect(prof.n_threads == t + 1, "n_threads %d" % prof.n_threads)


def case_fork_exec(r, c):
    p, d = r.run(["fork"])
    c.expect(p.stdout == "child 0\n", "output %r" % p.stdout)
    ps = r.profiles(d)
    c.expect(len(ps) == 3, "%d profiles, expected 3 (parent, child, exec'd image)" % len(ps))
    if len(ps) != 3:
        return
    parent = [x for x in ps if not x.flags & (vptrace.FLAG_FORK_CHILD | vptrace.FLAG_EXEC)]
    child = [x for x in ps if x.flags & vptrace.FLAG_FORK_CHILD]
    image = [x for x in ps if x.flags & vptrace.FLAG_EXEC]
    if not c.expect(len(parent) == len(child) == len(image) == 1,
                    "flags %r" % [x.flags for x in ps]):
        return
    parent, child, image = parent[0], child[0], image[0]
    c.expect(parent.session == child.session == image.session != 0,
             "sessions %x %x %x" % (parent.session, child.session, image.session))
    c.expect(child.ppid == parent.pid and image.pid == child.pid,
             "pids: parent %d, child %d (ppid %d), image %d" % (parent.pid, child.pid,
                                                                child.ppid, image.pid))
    got = list(r.streams_named(parent).values())[0]
    c.expect(got == call("main", call("forker", call("leaf"))), "parent %r" % got)
    (k, cs), = child.streams().items()
    ev = child.events(cs)
    name = r.namer(child)
    t = child.tables[k[0]]
    opens = [name(t[e[2]][1]) for e in ev if e[0] == "open"]
    c.expect(opens == ["main", "forker"], "child's OPEN marks %r" % opens)
    got = r.named(child, k[0], ev)
    c.expect(got == call("child_work", call("leaf"), call("leaf")), "child %r" % got)
    c.expect(r.counts(child).get("main", 0) == 0 and r.counts(child)["child_work"] == 1,
             "child counts %r" % r.counts(child))
    got = list(r.streams_named(image).values())[0]
    c.expect(got == call("main", *[call("leaf")] * 3), "exec'd image %r" % got)


def case_longjmp(r, c):
    rr, dd = 50, 5
    p, d = r.run(["longjmp", rr, dd])
    prof = r.one(d)
    got = list(r.streams_named(prof).values())[0]

    def dive(k):
        return [("enter", "dive")] * k

    one = ([("enter", "catcher"), ("enter", "thrower")] + dive(dd) +
           [("exit", "dive")] * dd + [("exit", "thrower"), ("exit", "catcher")] +
           call("after_jump", call("leaf")))
    exp = [("enter", "main"), ("enter", "case_longjmp")] + one * rr + \
        [("exit", "case_longjmp"), ("exit", "main")]
    c.expect(got == exp, "longjmp sequence differs:\n%r" % got[:40])


def case_signal(r, c):
    n = 100000
    p, d = r.run(["signal", n])
    nsig = int(p.stdout.split()[1]) if p.stdout.startswith("signals ") else -1
    prof = r.one(d)
    got = list(r.streams_named(prof).values())[0]
    sub = call("handler", call("sig_leaf"))
    rest, handled, i = [], 0, 0
    while i < len(got):
        if got[i] == ("enter", "handler"):
            if got[i:i + 4] != sub:
                c.fail("a handler's events at %d: %r" % (i, got[i:i + 4]))
                return
            handled += 1
            i += 4
        else:
            rest.append(got[i])
            i += 1
    c.expect(rest == call("main", call("case_signal", loop_steps(0, n))),
             "without the handlers the sequence differs")
    c.log("%d signals: %d handled on the timeline" % (nsig, handled))
    c.expect(nsig > 0 and handled <= nsig, "signals %d handled %d" % (nsig, handled))
    counts = r.counts(prof)
    c.expect(counts.get("handler", 0) == handled, "handler count %r, %d on the timeline"
             % (counts.get("handler"), handled))


def case_deep(r, c):
    n = 1000000
    p, d = r.run(["deep", n])
    c.expect(p.stdout == "deep %d\n" % n, "output %r" % p.stdout)
    prof = r.one(d)
    st = r.streams_named(prof)
    deep = [v for v in st.values() if v and v[0] == ("enter", "deep_thread")]
    if not c.expect(len(deep) == 1, "no deep thread stream"):
        return
    exp = [("enter", "deep_thread")] + [("enter", "rec")] * (n + 1) + \
        [("exit", "rec")] * (n + 1) + [("exit", "deep_thread")]
    c.expect(deep[0] == exp, "deep sequence differs")
    c.expect(prof.lost_events == 0, "lost_events %d" % prof.lost_events)


def case_merge_refused(r, c):
    d = r.newdir()
    p, _ = r.run(["seq"], {"VITPROF_FILE": os.path.join(d, "pool.%m.vitraw")}, d=d)
    lines = p.stderr.splitlines()
    c.expect(len(lines) == 1 and "trace-mode profiles are not merged" in lines[0],
             "stderr %r" % p.stderr)
    own = [f for f in glob.glob(os.path.join(d, "*")) if not f.endswith(".lock")]
    c.expect(len(own) == 1, "files %r, expected the run's own" % own)
    if own:
        vptrace.Profile(own[0])
        m = c.sh([r.vitprof, "merge", own[0], own[0], "-o", os.path.join(d, "m.vitraw")],
                 rc=None)
        # Refused with one line naming the file: by the merge core ("a
        # trace-mode profile cannot be merged"), or before it by a reader
        # that does not know trace profiles ("unknown mode 5").
        c.expect(m.returncode != 0 and len(m.stderr.splitlines()) == 1 and own[0] in m.stderr
                 and ("trace-mode profile cannot be merged" in m.stderr
                      or "mode 5" in m.stderr), "vitprof merge: %d %r"
                 % (m.returncode, m.stderr))


def case_full_disk(r, c):
    if os.geteuid() != 0:
        c.skip("mounting a small tmpfs needs root")
    d = r.newdir()
    m = vptest.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", d])
    if m.returncode != 0:
        c.skip("cannot mount a tmpfs: %s" % m.stderr.strip())
    try:
        n = 300000
        p, _ = r.run(["loop", n], d=d)
        c.expect(p.stdout == "done\n", "output %r" % p.stdout)
        c.expect(len(p.stderr.splitlines()) == 1, "stderr %r, expected one line" % p.stderr)
        prof = r.one(d)
        calls = sum(loop_counts(n).values())
        got = list(r.streams_named(prof).values())[0]
        c.expect(prof.lost_events > 0 and len(got) + prof.lost_events == 2 * calls,
                 "%d events + %d lost != 2 x %d calls" % (len(got), prof.lost_events, calls))
        check_prefix(c, "full disk", got, lambda k: loop_seq(n)[:k])
    finally:
        vptest.run(["umount", d])


def main():
    args = vptest.arguments(["--prog", "--vitprof", "--scratch"], cases=CASES,
                            sanitized=False)
    c = vptest.Checks(args.case)
    r = Run(args, c)
    try:
        if args.case.startswith("threads"):
            case_threads(r, c, int(args.case[len("threads"):]))
        else:
            globals()["case_" + args.case](r, c)
    except vptrace.Malformed as e:
        c.fail("malformed trace: %s" % e)
    c.finish()


if __name__ == "__main__":
    main()
