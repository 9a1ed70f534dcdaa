# SPDX-License-Identifier: MIT
"""check_e2e.py CASE --bindir DIR --vitprof VITPROF --scratch DIR --proto PROTO

Trace mode end to end: the programs of tests/trace_e2e run in trace mode
by the real runtime, their files read by the real tool (replay, show,
exports) and real consumers (protoc against PROTO, speedscope in headless
Chromium), checked against the calls the programs make by construction
and the independent decoder tests/trace_rt/vptrace.py. Cases:

  filters          VITPROF_FILTER (GLOB, -GLOB, @MODULE, depth=, time=),
                   VITPROF_TRACE_START, vitprof_trace_stop/start: replay,
                   aggregate, chrome hold exactly the expected calls; show's
                   "not on the timeline" note
  marks            scopes, tags, instants, counters, thread names: replay
                   exactly, chrome events, perfetto track and event names
  real             bench/real/cjson: the trace's counts = count mode's;
                   replay, chrome, perfetto hold every call
  real_speedscope  speedscope shows cJSON's functions (skip: no browser)
  kill             SIGKILL at random instants (TRACE_E2E_SEED): the
                   decoder's events are the program's first ones; the tool
                   reads them and closes the open frames
  fork_exec        fork + exec: one session, processes and threads named
  corrupt          truncated / changed files: one error line or a clean
                   read, never a crash (TRACE_E2E_SEED)"""
import collections
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "trace_rt"))
from vptest import Checks, Scratch, arguments, clean_env  # noqa: E402

CASES = ("filters", "marks", "real", "real_speedscope", "kill", "fork_exec", "corrupt")
LINE = re.compile(r"^\s*(?:[0-9.]+\s+(?:us|ms|s))?\s*(?:\[\s*([0-9/]+)\])?\s*\| (.*)$")


def parse_replay(c, text, what):
    """The calls of a `vitprof replay` output: {tid: [(depth, name)]} in
    order, each call once (at its opening). Checks the nesting: every
    "} /* fn */" closes the innermost open fn of its thread, at the depth
    it opened, and nothing is left open at the end."""
    calls = collections.defaultdict(list)
    stacks = collections.defaultdict(list)
    for ln in text.splitlines():
        if ln.startswith("#") or not ln.strip():
            continue
        m = LINE.match(ln)
        if not c.expect(m, "%s: unparsed replay line %r" % (what, ln)):
            continue
        tid, body = m.group(1) or "-", m.group(2)
        depth = (len(body) - len(body.lstrip(" "))) // 2
        body = body.strip()
        st = stacks[tid]
        if body.startswith("/*"):
            continue
        mm = re.match(r"^\} /\* (.*?)(, cut)? \*/$", body)
        if mm:
            if c.expect(st and st[-1] == (depth, mm.group(1)),
                        "%s: %r closes %r" % (what, ln, st[-1] if st else None)):
                st.pop()
            continue
        name = re.match(r"^(scope \S+|[^\s(]+)", body).group(1)
        c.expect(depth == len(st), "%s: %r at depth %d, %d open" % (what, ln, depth, len(st)))
        calls[tid].append((depth, name))
        if re.search(r"\{( /\*.*\*/)?$", body):
            st.append((depth, name))
    for tid, st in stacks.items():
        c.expect(not st, "%s: thread %s ends with %s open" % (what, tid, st))
    return calls


class Env:
    def __init__(self, a, c):
        self.a, self.c = a, c
        self.vitprof = a.vitprof
        self.scratch = Scratch(a.scratch)

    def prog(self, name):
        return os.path.join(self.a.bindir, name)

    def record(self, prog, args=(), extra=None, tag="run", rc=0):
        """Runs prog in trace mode (more environment in extra) in a new
        scratch dir; returns (dir, sorted list of its raw files)."""
        d = self.scratch.newdir(tag)
        env = clean_env(dict({"VITPROF_MODE": "trace",
                              "VITPROF_FILE": os.path.join(d, "t.%p.vitraw")}, **(extra or {})),
                        drop=("VITPROF_FILTER", "VITPROF_TRACE_START", "VITPROF_TRACE_RING",
                              "VITPROF_TRACE_MAX"))
        self.c.sh([prog] + list(args), rc=rc, env=env, timeout=60)
        return d, sorted(f for f in glob.glob(os.path.join(d, "*.vitraw*"))
                         if not f.endswith(".lock"))

    def tool(self, *args, rc=0):
        return self.c.sh([self.vitprof] + [str(x) for x in args], rc=rc, timeout=120)

    def replay(self, files, *opts, what="replay"):
        p = self.tool("replay", *(list(opts) + list(files)))
        return parse_replay(self.c, p.stdout, what), p.stdout

    def show_calls(self, files):
        """{function: calls} of `vitprof export --format vitprof` (the
        trace's aggregate) of files."""
        p = self.tool("export", "--format", "vitprof", "-o", "-", *files)
        if p.returncode:
            return {}, ""
        return doc_calls(json.loads(p.stdout)), p


def doc_calls(doc):
    """{function name: calls} of a .vitprof document."""
    out = collections.Counter()
    for f in doc.get("functions", []):
        out[f.get("name")] += f.get("calls", 0)
    return dict(out)


FULL = collections.Counter({"main": 1, "keep_a": 3, "leaf": 9, "drop_b": 2, "lib_outer": 4,
                            "lib_inner": 8, "deep1": 1, "deep2": 1, "deep3": 1, "deep4": 1,
                            "slow": 1, "fast": 5, "start_here": 1, "shown": 2})


def case_filters(e, c):
    prog = e.prog("trace_e2e_filters")
    runs = [
        ("none", {}, FULL),
        ("include", {"VITPROF_FILTER": "keep_a"}, {"keep_a": 3, "leaf": 6}),
        ("exclude", {"VITPROF_FILTER": "-drop_b,-deep2"},
         FULL - collections.Counter({"drop_b": 2, "leaf": 2, "deep2": 1, "deep3": 1,
                                     "deep4": 1})),
        ("module", {"VITPROF_FILTER": "@libvpe2elib.so*"}, {"lib_outer": 4, "lib_inner": 8}),
        ("depth", {"VITPROF_FILTER": "depth=2"},
         {"main": 1, "keep_a": 3, "drop_b": 2, "lib_outer": 4, "deep1": 1, "slow": 1,
          "fast": 5, "start_here": 1, "shown": 2}),
        ("time", {"VITPROF_FILTER": "time=10ms"}, {"main": 1, "slow": 1}),
        ("start", {"VITPROF_TRACE_START": "start_here"},
         {"start_here": 1, "leaf": 1, "shown": 2}),
    ]
    for tag, extra, want in runs:
        want = dict(want)
        d, files = e.record(prog, extra=extra, tag=tag)
        if not c.expect(len(files) == 1, "%s: files %s" % (tag, files)):
            continue
        calls, text = e.replay(files, what=tag)
        got = collections.Counter(n for v in calls.values() for _, n in v)
        c.expect(dict(got) == want, "%s: replay calls %s, expected %s\n%s"
                 % (tag, dict(got), want, text))
        agg, _ = e.show_calls(files)
        agg = {k: v for k, v in agg.items() if v}
        c.expect(agg == want, "%s: aggregate calls %s, expected %s" % (tag, agg, want))
        # every call counted (the id tables: hidden x3 and the filtered
        # ones) that is not on the timeline is noted by show
        p = e.tool("show", files[0])
        m = re.search(r"note: (\d+) of (\d+) calls counted are not on the timeline", p.stdout)
        total = sum(FULL.values()) + 3
        off = total - sum(want.values())
        c.expect(m and (int(m.group(1)), int(m.group(2))) == (off, total),
                 "%s: show's note %r, expected %d of %d\n%s"
                 % (tag, m and m.group(0), off, total, p.stdout))
        # the chrome export holds the same calls
        j = os.path.join(d, "t.json")
        e.tool("export", "--format", "chrome", "-o", j, files[0])
        c.expect(chrome_calls(c, j, tag) == want, "%s: chrome calls %s" %
                 (tag, chrome_calls(c, j, tag)))


MARKS_MAIN = """main() {
  scope phase { /* tag: big */
    work() {
      leaf();
      leaf();
    } /* work */
    /* checkpoint */
    /* queue = 1 */
  } /* scope phase */
  blockfn() {
    scope block {
      leaf();
    } /* scope block */
  } /* blockfn */
  /* queue = 2 */
  blockfn() {
    scope block {
      leaf();
    } /* scope block */
  } /* blockfn */
  /* queue = 3 */
} /* main */"""
MARKS_WORKER = """worker() {
  scope wscope {
    leaf();
    leaf();
    leaf();
  } /* scope wscope */
  /* wdone */
} /* worker */"""
# (ph, cat, name, args) of each thread's chrome events but the function calls
MARKS_CHROME_MAIN = [
    ("M", None, "thread_name", {"name": "e2e-main"}),
    ("B", "scope", "phase", {"tag": "big"}), ("i", "mark", "checkpoint", None),
    ("C", "counter", "queue", {"value": 1}), ("E", "scope", "phase", None),
    ("B", "scope", "block", None), ("E", "scope", "block", None),
    ("C", "counter", "queue", {"value": 2}),
    ("B", "scope", "block", None), ("E", "scope", "block", None),
    ("C", "counter", "queue", {"value": 3})]
MARKS_CHROME_WORKER = [
    ("M", None, "thread_name", {"name": "e2e-worker"}),
    ("B", "scope", "wscope", None), ("E", "scope", "wscope", None),
    ("i", "mark", "wdone", None)]


def replay_bodies(text):
    """{tid: the replay's lines without the duration and tid columns}."""
    out = collections.defaultdict(list)
    for ln in text.splitlines():
        m = LINE.match(ln)
        if m and not ln.startswith("#"):
            out[m.group(1) or "-"].append(m.group(2).rstrip())
    return {k: "\n".join(v) for k, v in out.items()}


def case_marks(e, c):
    d, files = e.record(e.prog("trace_e2e_marks"), tag="marks")
    if not c.expect(len(files) == 1, "files %s" % files):
        return
    _, text = e.replay(files)
    bodies = sorted(replay_bodies(text).values())
    c.expect(bodies == sorted([MARKS_MAIN, MARKS_WORKER]),
             "replay:\n%s\nexpected the threads\n%s\n%s" % (text, MARKS_MAIN, MARKS_WORKER))
    # chrome: thread names, scopes with cat and tag, instants, counters
    j = os.path.join(d, "t.json")
    e.tool("export", "--format", "chrome", "-o", j, files[0])
    calls = chrome_calls(c, j, "marks")
    c.expect(calls == {"main": 1, "work": 1, "leaf": 7, "blockfn": 2, "worker": 1,
                       "phase": 1, "block": 2, "wscope": 1}, "chrome calls %s" % calls)
    doc = json.load(open(j))
    threads = collections.defaultdict(list)
    for ev in doc["traceEvents"]:
        if ev.get("cat") == "function" or ev.get("name") == "process_name":
            continue
        threads[ev["tid"]].append((ev["ph"], ev.get("cat"), ev["name"], ev.get("args")))
    got = sorted(threads.values(), key=len, reverse=True)
    c.expect(got == [MARKS_CHROME_MAIN, MARKS_CHROME_WORKER],
             "chrome marks %s\nexpected %s\n%s" % (got, MARKS_CHROME_MAIN, MARKS_CHROME_WORKER))
    for ev in doc["traceEvents"]:
        if ev["ph"] == "i":
            c.expect(ev.get("s") == "t", "instant not of thread scope: %s" % ev)
    # perfetto, decoded by protoc: the threads' tracks are named
    pf = os.path.join(d, "t.pftrace")
    e.tool("export", "--format", "perfetto", "-o", pf, files[0])
    trace = perfetto_decode(e, c, pf)
    names = set()
    scopes = collections.Counter()
    for pk in trace.get("packet", []):
        for td in pk.get("track_descriptor", []):
            for th in td.get("thread", []):
                names.update(th.get("thread_name", []))
        for inter in pk.get("interned_data", []):
            for en in inter.get("event_names", []):
                scopes.update(en.get("name", []))
    c.expect({"e2e-main", "e2e-worker"} <= names, "perfetto thread names %s" % names)
    c.expect({"phase", "block", "wscope", "checkpoint", "wdone", "leaf"} <= set(scopes),
             "perfetto interned names %s" % dict(scopes))


CJSON_ARGS = ("1", "100")


def case_real(e, c):
    prog = e.prog("trace_e2e_cjson")
    _, cfiles = e.record(prog, CJSON_ARGS, extra={"VITPROF_MODE": "count"}, tag="count")
    d, files = e.record(prog, CJSON_ARGS, tag="trace")
    if not c.expect(len(files) == 1 and len(cfiles) == 1, "files %s %s" % (files, cfiles)):
        return
    exact, _ = e.show_calls(cfiles)
    exact = {k: v for k, v in exact.items() if v}
    agg, _ = e.show_calls(files)
    agg = {k: v for k, v in agg.items() if v}
    total = sum(exact.values())
    c.log("%d calls into %d functions" % (total, len(exact)))
    c.expect(total > 50000 and "cJSON_Parse" in exact and "parse_value" in exact,
             "count mode: %d calls %s" % (total, sorted(exact)[:20]))
    diff = {k: (exact.get(k), agg.get(k)) for k in set(exact) | set(agg)
            if exact.get(k) != agg.get(k)}
    c.expect(not diff, "trace aggregate differs from count mode's exact counts: %s" % diff)
    p = e.tool("show", files[0])
    c.expect("not on the timeline" not in p.stdout and "lost" not in p.stdout,
             "show notes a loss:\n%s" % p.stdout[:2000])
    # replay: one line opening each call, well nested
    calls, _ = e.replay(files)
    rcalls = collections.Counter(n for v in calls.values() for _, n in v)
    c.expect(sum(rcalls.values()) == total and dict(rcalls) == exact,
             "replay: %d call lines, expected %d; differences %s"
             % (sum(rcalls.values()), total,
                {k: (exact.get(k), rcalls.get(k)) for k in set(exact) | set(rcalls)
                 if exact.get(k) != rcalls.get(k)}))
    j = os.path.join(d, "t.json")
    e.tool("export", "--format", "chrome", "-o", j, files[0])
    cc = chrome_calls(c, j, "real")
    c.expect(cc == exact, "chrome calls differ: %s" % {k: (exact.get(k), cc.get(k))
                                                       for k in set(exact) | set(cc)
                                                       if exact.get(k) != cc.get(k)})
    pf = os.path.join(d, "t.pftrace")
    e.tool("export", "--format", "perfetto", "-o", pf, files[0])
    trace = perfetto_decode(e, c, pf)
    slices = collections.Counter()
    for pk in trace.get("packet", []):
        for te in pk.get("track_event", []):
            slices[te.get("type", ["?"])[0]] += 1
    c.expect(slices.get("TYPE_SLICE_BEGIN") == total == slices.get("TYPE_SLICE_END"),
             "perfetto: %s, expected %d begins and ends" % (dict(slices), total))


def case_real_speedscope(e, c):
    import subprocess
    browser = os.path.join(HERE, "..", "browser")
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    import shutil
    if not shutil.which("node"):
        c.skip("node is not installed (Debian: nodejs)")
    if not os.access(chromium, os.X_OK):
        c.skip("%s is not installed (Debian: chromium)" % chromium)
    if not (os.path.isdir(os.path.join(browser, "node_modules", "speedscope"))
            and os.path.isdir(os.path.join(browser, "node_modules", "puppeteer-core"))):
        c.skip("%s/node_modules is missing (run: npm ci in it)" % browser)
    d, files = e.record(e.prog("trace_e2e_cjson"), ("1", "20"), tag="trace")
    if not c.expect(len(files) == 1, "files %s" % files):
        return
    j = os.path.join(d, "speedscope.json")
    e.tool("export", "--format", "chrome", "-o", j, files[0])
    pid = re.search(r"\.(\d+)\.vitraw", files[0]).group(1)
    p = subprocess.run(["node", os.path.join(browser, "speedscope_test.js"), j,
                        os.path.join(d, "speedscope.png"),
                        "trace_e2e_cjson (pid %s), trace_e2e_cjson (tid %s)" % (pid, pid),
                        "main", "cJSON_Parse", "parse_value", "print_value", "cJSON_Delete"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=100)
    c.expect(p.returncode == 0, "speedscope_test.js: exit %d\n%s" % (p.returncode, p.stdout))


def decoded(prog, path):
    """{tid: [(kind, name)]} of the enters and exits of each stream of the
    raw file path, decoded by vptrace (the exits named after their enter;
    None for a frame opened before the stream)."""
    import vptrace
    prof = vptrace.Profile(path)
    syms = vptrace.symbols(prog)
    b = vptrace.bias(prof, syms)
    out = {}
    for (shard, tid), cs in prof.streams().items():
        t = prof.tables[shard]
        out[tid] = [(ev[0], syms.get(t[ev[2]][1] - b, hex(t[ev[2]][1]))
                     if ev[2] is not None else None)
                    for ev in prof.events(cs) if ev[0] in ("enter", "exit")]
    return out


def chrome_seqs(path):
    """{tid: [(kind, name)]} of the B and E events of a Chrome export."""
    out = collections.defaultdict(list)
    for ev in json.load(open(path))["traceEvents"]:
        if ev["ph"] in ("B", "E"):
            out[ev["tid"]].append(("enter" if ev["ph"] == "B" else "exit", ev["name"]))
    return dict(out)


def kill_seq(n):
    """The first n enters and exits kill_prog makes."""
    out = [("enter", "main")]
    i = 0
    while len(out) < n:
        out += [("enter", "step"), ("enter", "a"), ("exit", "a"), ("enter", "b"),
                ("enter", "c"), ("exit", "c"), ("exit", "b")]
        if i % 50 == 49:
            out += [("enter", "nap"), ("exit", "nap")]
        out.append(("exit", "step"))
        i += 1
    return out[:n]


def case_kill(e, c):
    import random
    import signal
    import subprocess
    import time
    prog = e.prog("trace_e2e_kill")
    seed = int(os.environ.get("TRACE_E2E_SEED", time.time()))
    rnd = random.Random(seed)
    c.log("seed %d (TRACE_E2E_SEED)" % seed)
    for k in range(3):
        d = e.scratch.newdir("kill%d" % k)
        env = clean_env({"VITPROF_MODE": "trace", "VITPROF_FILE": os.path.join(d, "t.%p.vitraw")},
                        drop=("VITPROF_FILTER", "VITPROF_TRACE_START", "VITPROF_TRACE_RING",
                              "VITPROF_TRACE_MAX"))
        proc = subprocess.Popen([prog], env=env, stdout=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.1, 0.4))
        c.expect(proc.poll() is None, "kill %d: the program ended before the kill" % k)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        files = sorted(glob.glob(os.path.join(d, "*.vitraw")))
        if not c.expect(len(files) == 1, "kill %d: files %s" % (k, files)):
            continue
        dec = decoded(prog, files[0])
        if not c.expect(len(dec) == 1, "kill %d: streams %s" % (k, list(dec))):
            continue
        dseq = list(dec.values())[0]
        c.expect(len(dseq) > 1000, "kill %d: only %d events" % (k, len(dseq)))
        want = kill_seq(len(dseq))
        c.expect(dseq == want, "kill %d: the decoder's events are not the program's first %d: "
                 "first difference at %s" % (k, len(dseq), next(
                     (i for i, (x, y) in enumerate(zip(dseq, want)) if x != y), None)))
        calls, _ = e.replay(files, what="kill %d" % k)
        n = sum(len(v) for v in calls.values())
        c.expect(n == sum(1 for x in dseq if x[0] == "enter"),
                 "kill %d: replay %d calls, decoder %d enters"
                 % (k, n, sum(1 for x in dseq if x[0] == "enter")))
        j = os.path.join(d, "t.json")
        e.tool("export", "--format", "chrome", "-o", j, files[0])
        cseqs = chrome_calls(c, j, "kill %d" % k) and chrome_seqs(j)
        if not c.expect(len(cseqs) == 1, "kill %d: chrome threads %s" % (k, list(cseqs))):
            continue
        cseq = list(cseqs.values())[0]
        # the tool's events: the decoder's, then exits closing what was open
        c.expect(cseq[:len(dseq)] == dseq, "kill %d: chrome events differ from the "
                 "decoder's at %s" % (k, next((i for i, (x, y) in enumerate(zip(cseq, dseq))
                                               if x != y), len(cseq))))
        stack = []
        for kind, name in dseq:
            if kind == "enter":
                stack.append(name)
            else:
                stack.pop()
        tail = cseq[len(dseq):]
        c.expect(tail == [("exit", n) for n in reversed(stack)],
                 "kill %d: after the decoder's events %s, open %s" % (k, tail[:10], stack))
        c.log("kill %d: %d events, %d frames closed at the end" % (k, len(dseq), len(stack)))


def case_fork_exec(e, c):
    import vptrace
    image = e.prog("trace_e2e_marks")
    d, files = e.record(e.prog("trace_e2e_fork"), (image,), tag="fork")
    if not c.expect(len(files) == 3, "files %s, expected 3 (parent, child, image)" % files):
        return
    profs = [vptrace.Profile(f) for f in files]
    kinds = sorted(p.flags & (vptrace.FLAG_FORK_CHILD | vptrace.FLAG_EXEC) for p in profs)
    c.expect(kinds == [0, vptrace.FLAG_FORK_CHILD, vptrace.FLAG_EXEC], "flags %s" % kinds)
    c.expect(len({p.session for p in profs}) == 1 and profs[0].session != 0,
             "sessions %s" % [hex(p.session) for p in profs])
    parent = [p for p in profs if not p.flags & (vptrace.FLAG_FORK_CHILD | vptrace.FLAG_EXEC)]
    child = [p for p in profs if p.flags & vptrace.FLAG_FORK_CHILD]
    if len(parent) != 1 or len(child) != 1:
        return
    ppid, cpid = parent[0].pid, child[0].pid
    # each file replays alone; the fork child's frames open at the fork
    # are named and cut
    want = {"parent": {"main": 1, "forker": 1, "leaf": 1},
            "child": {"main": 1, "forker": 1, "child_work": 1, "leaf": 2},
            "image": {"main": 1, "work": 1, "leaf": 7, "blockfn": 2, "worker": 1,
                      "scope phase": 1, "scope block": 2, "scope wscope": 1}}
    for f, p in zip(files, profs):
        what = ("child" if p.flags & vptrace.FLAG_FORK_CHILD else
                "image" if p.flags & vptrace.FLAG_EXEC else "parent")
        calls, text = e.replay([f], what=what)
        got = dict(collections.Counter(n for v in calls.values() for _, n in v))
        c.expect(got == want[what], "%s: replay calls %s, expected %s\n%s"
                 % (what, got, want[what], text))
    calls, text = e.replay(files, what="all")
    tids = set(calls)
    c.expect(tids >= {"%d/%d" % (ppid, ppid), "%d/%d" % (cpid, cpid)} and len(tids) == 3,
             "replay of the session: threads %s" % tids)
    j = os.path.join(d, "all.json")
    e.tool("export", "--format", "chrome", "-o", j, *files)
    total = collections.Counter()
    for w in want.values():
        total.update({k[6:] if k.startswith("scope ") else k: v for k, v in w.items()})
    cc = chrome_calls(c, j, "fork_exec")
    c.expect(cc == dict(total), "chrome calls %s, expected %s" % (cc, dict(total)))
    meta = collections.defaultdict(set)
    for ev in json.load(open(j))["traceEvents"]:
        if ev["ph"] == "M":
            meta[(ev["name"], ev["pid"])].add((ev["tid"], ev["args"]["name"]))
    pnames = {k[1]: {n for _, n in v} for k, v in meta.items() if k[0] == "process_name"}
    c.expect(pnames == {ppid: {"trace_e2e_fork"}, cpid: {"trace_e2e_fork", "trace_e2e_marks"}},
             "process names %s (parent %d, child %d)" % (pnames, ppid, cpid))
    tnames = {n for _, n in meta.get(("thread_name", cpid), ())}
    c.expect({"e2e-main", "e2e-worker"} <= tnames, "child's thread names %s" % tnames)


def case_corrupt(e, c):
    import random
    import shutil
    import struct
    import time
    import vptrace
    d, files = e.record(e.prog("trace_e2e_marks"), tag="good")
    if not c.expect(len(files) == 1, "files %s" % files):
        return
    good = files[0]
    prof = vptrace.Profile(good)
    data = prof.data
    # a truncation may read fine only inside the last section's unused
    # tail (may_read None: either); a change in the event data may read
    # (a changed delta is still an event); none may crash.
    # sections: (offset, size); events: [(start, used end)] of each chunk
    secs = []
    off = struct.unpack_from("<Q", data, 0x18)[0]
    while off + 24 <= len(data):
        _m, _t, _o, size, _ = vptrace.SEC.unpack_from(data, off)
        if not size:
            break
        secs.append((off, size))
        off += size
    chunks = [(ch.off, ch.off + len(ch.events)) for ch in prof.chunks if len(ch.events) > 4]
    c.expect(chunks, "no chunk with events")
    last_off, last_size = secs[-1]
    last_used = max([u for s_, u in chunks if s_ >= last_off] or [last_off + 4096])
    seed = int(os.environ.get("TRACE_E2E_SEED", time.time()))
    rnd = random.Random(seed)
    c.log("seed %d (TRACE_E2E_SEED)" % seed)
    cases = []
    for at in sorted({100, 0x18 * 8, secs[0][0] + 8, secs[len(secs) // 2][0] + 40,
                      chunks[0][0] + (chunks[0][1] - chunks[0][0]) // 2, chunks[-1][1] - 1,
                      last_used + 16, len(data) - 8}):
        cases.append(("truncated at 0x%x" % at, data[:at],
                      None if last_used <= at and at >= last_off else False))
    for k in range(6):
        s_, u = chunks[k % len(chunks)]
        at = rnd.randrange(s_, u)
        b = bytearray(data)
        for i, v in enumerate((0xff, 0xff, 0xff, 0xff, 0x7f)[:max(1, min(5, u - at))]):
            b[at + i] = v if k % 2 == 0 else b[at + i] ^ 0x40
        cases.append(("bytes changed at 0x%x" % at, bytes(b), None))
    bad = os.path.join(d, "bad.vitraw")
    for what, blob, may_read in cases:
        with open(bad, "wb") as f:
            f.write(blob)
        for cmd in (["replay"], ["show"], ["export", "--format", "chrome", "-o", "-"],
                    ["export", "--format", "perfetto", "-o", os.path.join(d, "bad.pftrace")]):
            p = e.tool(*(cmd + [bad]), rc=None)
            name = "%s: %s" % (what, " ".join(cmd))
            if not c.expect(0 <= p.returncode < 128, "%s: exit %d (a crash)\n%s"
                            % (name, p.returncode, p.stderr[-3000:])):
                continue
            if p.returncode == 0:
                c.expect(may_read is not False, "%s: read without error" % name)
                if cmd == ["replay"]:
                    parse_replay(c, p.stdout, name)
                continue
            lines = p.stderr.splitlines()
            c.expect(len(lines) == 1 and re.match(
                r"^vitprof: %s: .*offset 0x[0-9a-f]+" % re.escape(bad), lines[0]),
                "%s: exit %d, expected one line naming the file and an offset:\n%s"
                % (name, p.returncode, p.stderr[-2000:]))


def perfetto_decode(e, c, path):
    """The Perfetto trace path decoded by protoc against the tests' subset
    of Perfetto's schema, parsed (check_perfetto.parse); skips when protoc
    is missing; an unknown field is a failure."""
    import shutil
    import subprocess
    sys.path.insert(0, os.path.join(HERE, "..", "trace_export"))
    import check_perfetto
    protoc = shutil.which("protoc")
    if not protoc:
        c.skip("protoc is not installed (Debian: protobuf-compiler)")
    proto = e.a.proto
    with open(path, "rb") as f:
        p = subprocess.run([protoc, "--proto_path", os.path.dirname(proto),
                            "--decode=perfetto.protos.Trace", os.path.basename(proto)],
                           stdin=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if not c.expect(p.returncode == 0, "protoc --decode %s: %s" % (path, p.stderr[-2000:])):
        return {}
    trace = check_perfetto.parse(p.stdout.decode("utf-8"))
    bad = []
    check_perfetto.unknown_fields(trace, "Trace", bad)
    c.expect(not bad, "%s: unknown fields %s" % (path, bad[:10]))
    return trace


def chrome_calls(c, path, what):
    """{name: calls} of a Chrome trace's complete spans ("X", or "B"/"E"
    pairs, checked balanced per thread)."""
    try:
        doc = json.load(open(path))
    except (OSError, ValueError) as err:
        c.fail("%s: %s: %s" % (what, path, err))
        return {}
    evs = doc["traceEvents"] if isinstance(doc, dict) else doc
    out = collections.Counter()
    stacks = collections.defaultdict(list)
    for ev in evs:
        ph, key = ev.get("ph"), (ev.get("pid"), ev.get("tid"))
        if ph == "X":
            out[ev["name"]] += 1
        elif ph == "B":
            out[ev["name"]] += 1
            stacks[key].append(ev["name"])
        elif ph == "E":
            st = stacks[key]
            if c.expect(st, "%s: E without B on %s" % (what, key)):
                st.pop()
    for k, st in stacks.items():
        c.expect(not st, "%s: %s left open on %s" % (what, st, k))
    return {(k[6:] if k.startswith("scope ") else k): v for k, v in out.items()}


def main():
    a = arguments(["--bindir", "--vitprof", "--scratch", "--proto"], cases=CASES)
    c = Checks("trace_e2e." + a.case)
    globals()["case_" + a.case](Env(a, c), c)
    c.finish()


if __name__ == "__main__":
    main()
