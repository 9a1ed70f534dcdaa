# SPDX-License-Identifier: MIT
"""The runtime under faults (tests/faults.cmake, label `faults`).

    check_faults.py CASE --prog PROGRAM --vitprof TOOL --scratch DIR \
                    --schema docs/vitprof.schema.json --src tests [...]

One case per ctest entry (faults.CASE). Each runs its program under a
fault (SIGKILL, a full or read-only file system, no descriptors left, many
threads or children, signals inside hooks, ...) and checks that the
program behaves as without the fault (stdout, exit status, at most one
"vitprof:" line on stderr) and that every profile left behind is readable
and never claims more than the truth, which each case knows by
construction. The e2e helpers (tests/e2e/vpcheck.py) run, export, validate
against the schema and compare. Every case logs what it measured; exit 0
pass, 1 fail, 77 skipped (with the reason printed).
"""
import collections
import json
import os
import random
import re
import signal
import stat
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from vpcheck import Checker, Profile  # noqa: E402

ARGV = list(sys.argv)                       # before main() takes the case out
MODES = ("count", "time", "context")
NF = 640                                    # tests/faults/fns.h
FNS = ["fn_%03d" % k for k in range(NF)]


def sweep_sum(x):
    return NF * x + 1000 * NF + NF * (NF - 1) // 2


# ---- shared helpers ---------------------------------------------------------

def work_truth(threads, rounds, forks=False):
    """Calls of work.c's instrumented functions in the parent."""
    t = {"main": 1, "worker": threads, "sweep": threads * rounds, "tail": 1}
    if forks:
        t["fork_children"] = 1
    for f in FNS:
        t[f] = threads * rounds
    return t


def work_stdout(threads, rounds):
    total = rounds * sum(sweep_sum(t) for t in range(threads))
    return "sum %d ok\n" % total


def vitprof_lines(c, what, stderr, n=1):
    """stderr must be exactly n lines (n: a number or a tuple of the
    numbers allowed), each starting with 'vitprof:'."""
    lines = stderr.splitlines()
    ok = (len(lines) in (n if isinstance(n, tuple) else (n,))
          and all(l.startswith("vitprof:") for l in lines)
          and (not lines or stderr.endswith("\n")))
    c.expect(ok, "%s: stderr should be %s line(s) starting with 'vitprof:', got %r"
             % (what, n, stderr[-3000:]))
    if lines:
        c.log("%s: stderr: %s" % (what, lines[0]))
    return lines


def export_any(c, raw):
    """Exports raw; returns (doc or None, CompletedProcess)."""
    cp = c.tool(["export", "--format", "vitprof", "-o", "-", raw])
    if cp.returncode != 0:
        return None, cp
    try:
        return json.loads(cp.stdout), cp
    except ValueError as e:
        c.fail("%s: export succeeded but printed no JSON: %s" % (raw, e))
        return None, cp


def at_most(c, what, truth, got):
    """Every counted value <= the truth; returns the total deficit."""
    over = {k: (v, truth.get(k, 0)) for k, v in got.items() if v > truth.get(k, 0)}
    c.expect(not over, "%s: counts above the truth (counted, true): %s" % (what, over))
    return sum(truth[k] - got.get(k, 0) for k in truth)


def fs_mount(c, d, opts):
    """Mounts a tmpfs on d with opts; False when this process cannot."""
    os.makedirs(d, exist_ok=True)
    cp = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", d],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        universal_newlines=True)
    if cp.returncode != 0:
        c.log("mount -t tmpfs -o %s on %s failed: %s" % (opts, d, cp.stdout.strip()))
        return False
    c.mounts.append(d)
    return True


def can_mount(c):
    """True when this process can mount a tmpfs. Otherwise the checker is
    re-run inside `unshare -rm` (a user and mount namespace where it is
    root) when that works; else False, after saying why."""
    d = os.path.join(c.scratch, "probe-mnt")
    if fs_mount(c, d, "size=64k"):
        return True
    if os.environ.get("FAULTS_IN_USERNS") != "1":
        try:
            probe = subprocess.run(["unshare", "-rm", "true"], stderr=subprocess.PIPE,
                                   universal_newlines=True)
            why = probe.stderr.strip() if probe.returncode else None
        except OSError as e:
            why = str(e)
        if why is None:
            c.log("re-running inside unshare -rm (user + mount namespace)")
            env = dict(os.environ, FAULTS_IN_USERNS="1")
            cp = subprocess.run(["unshare", "-rm", sys.executable, "-B"] + ARGV, env=env)
            sys.exit(cp.returncode)
        c.log("SKIPPED: the tmpfs parts: cannot mount (not root) and unshare -rm "
              "fails: %s" % why)
        return False
    c.log("SKIPPED: the tmpfs parts: cannot mount even in a user+mount namespace")
    return False


def unmount_all(c):
    for d in reversed(c.mounts):
        subprocess.run(["umount", "-l", d])
    c.mounts = []


# ---- faults.sigkill_random ------------------------------------------------------

PROGRESS_WORDS = 5 + NF
PHASES = {0: "before the program's constructor (exec, loader)",
          1: "startup (constructor ran, main's enter hook not done)",
          2: "main working",
          3: "exit: the atexit handler making calls",
          4: "exit: after the program's destructor (rt_fini may be running)"}


def progress_truth(words):
    t = {"main": words[1], "sweep": words[2], "ticker": words[3], "tick": words[4]}
    for k in range(NF):
        t[FNS[k]] = words[5 + k]
    return t


def torn_frames(doc):
    """A killed time-mode profile: the functions whose total_ns is below
    their self_ns. rt_frame_pop (rt/rt_internal.h) charges the function's
    total before the edge's total and self, so a SIGKILL between the stores
    can never leave self above total for a non-recursive function (progress.c
    has no recursion): this must stay 0."""
    if doc["program"]["mode"] != "time" or doc["program"]["state"] != "running":
        return 0
    return sum(1 for f in doc["functions"] if f.get("self_ns", 0) > f.get("total_ns", 0))


def sigkill_one(c, prog, mode, rounds, delay, d, tag):
    """Runs prog, kills it after delay seconds; returns (rc, progress words,
    raws, elapsed)."""
    os.makedirs(d)
    pfile = os.path.join(d, "progress")
    with open(pfile, "wb") as f:
        f.write(b"\0" * 8 * PROGRESS_WORDS)
    env = dict(os.environ, FAULTS_PROGRESS=pfile, VITPROF_MODE=mode,
               VITPROF_FILE=os.path.join(d, "%e.%p.vitraw"))
    env.pop("VITPROF_VERBOSE", None)
    t0 = time.monotonic()
    p = subprocess.Popen([prog, str(rounds)], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    if delay is not None:
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
    err = p.communicate(timeout=120)[1]
    elapsed = time.monotonic() - t0
    if p.returncode == 0 or delay is None:
        c.expect(not err.strip(), "%s: stderr %r" % (tag, err))
    with open(pfile, "rb") as f:
        words = struct.unpack("<%dQ" % PROGRESS_WORDS, f.read(8 * PROGRESS_WORDS))
    return p.returncode, words, c.raw_files(d), elapsed


def case_sigkill_random(c):
    runs = 100
    rounds = 300
    seed = int(os.environ.get("FAULTS_SEED", "0")) or random.SystemRandom().randrange(1, 1 << 30)
    rng = random.Random(seed)
    c.log("seed %d (FAULTS_SEED=%d reproduces the delays)" % (seed, seed))
    progs = [("hooks", c.prog), ("arcs", c.args.arcs_prog)]

    # Uninterrupted runs: exact counts, and how long a run takes.
    dur = {}
    for pname, prog in progs:
        for mode in MODES:
            tag = "%s-%s-full" % (pname, mode)
            rc, words, raws, el = sigkill_one(c, prog, mode, rounds, None,
                                              os.path.join(c.scratch, tag), tag)
            c.expect(rc == 0 and words[0] == 4, "%s: exit %d, phase %d" % (tag, rc, words[0]))
            p = c.export(c.one_raw(raws), show=False)
            c.compare(tag + ": calls", progress_truth(words), p.calls())
            c.expect(p.program["state"] == "exited", "%s: state %s" % (tag, p.program["state"]))
            dur[(pname, mode)] = el
            c.log("%s: %.1f ms, %d calls" % (tag, el * 1000, sum(words[1:])))

    torn = 0
    phases = collections.Counter()
    outcome = collections.Counter()
    deficits = collections.Counter()
    for i in range(runs):
        pname, prog = progs[1] if i % 4 == 3 else progs[0]
        mode = MODES[i % 3]
        full = dur[(pname, mode)]
        if rng.random() < 0.2:
            delay = rng.uniform(0, 0.004)             # startup: exec, loader, init
        else:
            delay = rng.uniform(0, 1.05 * full)       # the last quarter is exit
        tag = "run%03d-%s-%s" % (i, pname, mode)
        d = os.path.join(c.scratch, tag)
        rc, words, raws, _ = sigkill_one(c, prog, mode, rounds, delay, d, tag)
        phase = words[0]
        killed = rc == -signal.SIGKILL
        c.expect(killed or rc == 0, "%s: exit status %d" % (tag, rc))
        phases["finished before the kill" if not killed else PHASES[phase]] += 1
        if not raws:
            # main's enter hook creates the file before main's body runs.
            c.expect(phase <= 1, "%s: no profile, but the program reached phase %d"
                     % (tag, phase))
            outcome["no profile (killed before the runtime created it)"] += 1
            continue
        c.expect(len(raws) == 1, "%s: %d profiles" % (tag, len(raws)))
        doc, cp = export_any(c, raws[0])
        if doc is None:
            lines = cp.stderr.splitlines()
            c.expect(len(lines) == 1 and raws[0] in lines[0] and "Traceback" not in cp.stderr,
                     "%s: export refused without one clear line naming the file: %r"
                     % (tag, cp.stderr))
            c.expect(phase <= 1, "%s: export refused a profile of phase %d: %s"
                     % (tag, phase, cp.stderr.strip()))
            outcome["refused (header incomplete): " + re.sub(r"'[^']*'|/\S+", "F",
                                                             lines[0] if lines else "")] += 1
            c.log("%s: refused: %s" % (tag, cp.stderr.strip()))
            continue
        if i % 5 == 0:
            c.validate(doc, raws[0])     # jsonschema is slow: every 5th run
        torn += torn_frames(doc)
        c.invariants(doc, raws[0])
        p = Profile(doc, raws[0])
        got = p.calls()
        truth = progress_truth(words)
        at_most(c, tag, truth, got)
        lost = p.program["lost_calls"]
        # Per thread at most one call is in flight (its progress word
        # incremented, its enter hook not finished): main's thread makes
        # main, sweep and fn_k calls; ticker starts on the new thread; the
        # ticker thread makes tick calls.
        for group in (["main", "sweep"] + FNS, ["ticker"], ["tick"]):
            dgrp = sum(truth[k] - got.get(k, 0) for k in group)
            c.expect(dgrp <= 1 + lost, "%s: %s...: %d calls missing (lost_calls %d), at most 1 "
                     "in flight" % (tag, group[0], dgrp, lost))
            deficits[dgrp] += 1
        state = p.program["state"]
        if not killed:
            c.expect(state == "exited" and got == {k: v for k, v in truth.items() if v},
                     "%s: finished, state %s, counts not exact" % (tag, state))
        elif phase <= 3:
            c.expect(state == "running", "%s: killed in phase %d, state %s" % (tag, phase, state))
        outcome["readable, %s" % state] += 1
    c.log("runs: %d (%d of the -fprofile-arcs build), modes count/time/context in turn"
          % (runs, runs // 4))
    for k, v in sorted(phases.items()):
        c.log("  died: %-75s %3d" % (k, v))
    for k, v in sorted(outcome.items()):
        c.log("  profile: %-72s %3d" % (k, v))
    c.log("  calls in flight per thread group (missing from the profile): %s"
          % dict(sorted(deficits.items())))
    c.expect(torn == 0, "time mode: %d functions with total_ns < self_ns (torn frame pop)"
             % torn)


# ---- faults.disk_full, readonly_dir ------------------------------------------------

def baseline_work(c, args, modes=MODES, threads=8, rounds=4):
    """Runs work with a writable path: (stdout, truth); the profile exact."""
    outs = set()
    for mode in modes:
        cp, raws = c.run(args, tag="baseline-" + mode, mode=mode, expect_rc=3)
        p = c.export(c.one_raw(raws), show=False)
        c.compare("baseline %s: calls" % mode, work_truth(threads, rounds), p.calls())
        outs.add(cp.stdout)
    c.expect(outs == {work_stdout(threads, rounds)}, "baseline stdout %r" % outs)
    return work_stdout(threads, rounds)


def unrecordable_run(c, what, args, path, mode, out, wrapper=(), env=None, n_lines=1,
                     threads=8, rounds=4):
    """Runs work where the profile cannot (fully) be written: same stdout
    and exit status, n_lines 'vitprof:' lines; any profile left readable,
    never above the truth, and saying what is missing."""
    cp, _ = c.run(args, tag="x", mode=mode, raw_pattern=path, expect_rc=None,
                  check_stderr_empty=False, wrapper=wrapper, env=env)
    c.expect(cp.returncode == 3, "%s: exit status %d, expected 3 (%s)"
             % (what, cp.returncode, cp.stderr[-500:]))
    c.expect(cp.stdout == out, "%s: stdout %r, expected %r" % (what, cp.stdout, out))
    vitprof_lines(c, what, cp.stderr, n_lines)
    d = os.path.dirname(path)
    raws = c.raw_files(d) if os.path.isdir(d) else []
    res = None
    for raw in raws:
        doc, tcp = export_any(c, raw)
        if doc is None:
            # A file cut short by the full disk before its header was
            # written: refused with one line naming it.
            c.expect(len(tcp.stderr.splitlines()) == 1 and raw in tcp.stderr,
                     "%s: export of %s failed without one line naming it: %r"
                     % (what, raw, tcp.stderr))
            c.log("%s: profile refused: %s" % (what, tcp.stderr.strip()))
            res = "refused"
            continue
        c.validate(doc, raw)
        c.invariants(doc, raw)
        p = Profile(doc, raw)
        truth = work_truth(threads, rounds)
        missing = at_most(c, what, truth, p.calls())
        prog = p.program
        c.expect(missing == 0 or prog["lost_sections"] > 0 or prog["lost_calls"] > 0,
                 "%s: %d calls missing but lost_sections = lost_calls = 0"
                 % (what, missing))
        c.log("%s: %s, %d bytes: %d of %d calls in the file, lost_sections %d, "
              "lost_calls %d" % (what, os.path.basename(raw), os.path.getsize(raw),
                                 sum(truth.values()) - missing, sum(truth.values()),
                                 prog["lost_sections"], prog["lost_calls"]))
        res = (missing, prog["lost_sections"], prog["lost_calls"], p.calls())
    if not raws:
        c.log("%s: no profile left" % what)
    return res


def case_disk_full(c):
    mounts = can_mount(c)
    args = [8, 4]
    out = baseline_work(c, args)
    try:
        for mode in MODES:
            # 1. Full before the start: a filler takes every block.
            d = os.path.join(c.scratch, "full-" + mode)
            if mounts and fs_mount(c, d, "size=64k"):
                fd = os.open(os.path.join(d, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
                try:
                    while os.write(fd, b"\1" * 512) > 0:
                        pass
                except OSError:
                    pass
                os.close(fd)
                unrecordable_run(c, "disk full at start (%s)" % mode, args,
                                 os.path.join(d, "%e.%p.vitraw"), mode, out)
            # 2. Fills up during the run: 9 threads' tables grow past 64 KiB.
            d = os.path.join(c.scratch, "fills-" + mode)
            if mounts and fs_mount(c, d, "size=64k"):
                r = unrecordable_run(c, "disk fills during the run (%s)" % mode, args,
                                     os.path.join(d, "%e.%p.vitraw"), mode, out)
                c.expect(isinstance(r, tuple) and r[1] > 0,
                         "disk fills (%s): expected a readable profile with lost_sections > 0"
                         % mode)
                # Count mode: 64 KiB take the header, the modules and two
                # 1024-slot tables (main's, one worker's). The worker's
                # table is half full (511 edges, round 0) when it must grow
                # and the disk is full: the new table is anonymous, the one
                # in the file must keep the calls made until then (it used
                # to be retired, a hole punched in it: 2 calls were left).
                if mode == "count" and isinstance(r, tuple):
                    c.expect(r[3].get("worker", 0) == 1 and sum(r[3].values()) >= 500,
                             "disk fills (count): the worker table in the file lost its "
                             "counts: %d calls in the file" % sum(r[3].values()))
            # 2b. The same with a %m pool (not context: %m refuses it). The
            # merge at exit may find no room either: then it is refused and
            # says so on its own line (docs/runtime.md, online merging), and
            # the run's own file <pool>.<pid> stays; else the pool holds the
            # run. Either file is readable, with lost_sections > 0.
            d = os.path.join(c.scratch, "pool-" + mode)
            if mounts and mode != "context" and fs_mount(c, d, "size=64k"):
                r = unrecordable_run(c, "disk fills, %%m pool (%s)" % mode, args,
                                     os.path.join(d, "%e-%m.vitraw"), mode, out,
                                     n_lines=(1, 2))
                c.expect(isinstance(r, tuple) and r[1] > 0,
                         "disk fills, %%m pool (%s): expected the pool or the run's own "
                         "file, readable, with lost_sections > 0" % mode)
                c.log("disk fills, %%m pool (%s): left %s" % (mode, sorted(os.listdir(d))))
            # 3. RLIMIT_FSIZE: growth past the limit used to raise SIGXFSZ.
            d = os.path.join(c.scratch, "fsize-" + mode)
            os.makedirs(d)
            r = unrecordable_run(c, "RLIMIT_FSIZE 64 KiB (%s)" % mode, args,
                                 os.path.join(d, "%e.%p.vitraw"), mode, out,
                                 wrapper=["prlimit", "--fsize=65536", "--"])
            c.expect(isinstance(r, tuple) and r[1] > 0,
                     "RLIMIT_FSIZE (%s): expected a readable profile with lost_sections > 0"
                     % mode)
    finally:
        unmount_all(c)


def case_readonly_dir(c):
    args = [8, 4]
    out = baseline_work(c, args)
    tried = 0
    mounted = False
    d = os.path.join(c.scratch, "ro")
    try:
        mounted = fs_mount(c, d, "size=1m")
        if mounted:
            mounted = subprocess.run(["mount", "-o", "remount,ro", d]).returncode == 0
        if mounted:
            for mode in MODES:
                unrecordable_run(c, "read-only mount (%s)" % mode, args,
                                 os.path.join(d, "%e.%p.vitraw"), mode, out)
                c.expect(os.listdir(d) == [], "files appeared in %s" % d)
            tried += 1
    finally:
        unmount_all(c)
    # As user nobody, a root-owned 0755 directory (mode bits apply).
    nd = os.path.join(c.scratch, "nobody")
    os.makedirs(nd)
    os.chmod(nd, 0o755)
    setpriv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    probe = subprocess.run(setpriv + [c.prog, "1", "1"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True,
                           env=dict(os.environ, VITPROF_FILE="/proc/x/%p"))
    if os.getuid() != 0 or probe.returncode != 3:
        c.log("as nobody: not possible here (uid %d, probe exit %d: %s)"
              % (os.getuid(), probe.returncode, probe.stderr.strip()[:200]))
    else:
        for mode in MODES:
            unrecordable_run(c, "directory not writable by nobody (%s)" % mode, args,
                             os.path.join(nd, "%e.%p.vitraw"), mode, out, wrapper=setpriv)
            c.expect(os.listdir(nd) == [], "files appeared in %s" % nd)
        tried += 1
    if not tried:
        c.skip("no read-only mount and cannot run as nobody here")


# ---- faults.missing_dir ---------------------------------------------------------

def case_missing_dir(c):
    n = 10
    out = "".join("%d %d\n" % (k, sum(i * i for i in range(1, k + 1)))
                  for k in range(1, n + 1)) + "done\n"
    truth = {"main": 1, "sum_squares": n, "square": n * (n + 1) // 2}
    for mode in MODES:
        cp, raws = c.run([n], tag="ok-" + mode, mode=mode, expect_rc=3)
        c.expect(cp.stdout == out, "baseline %s: stdout %r" % (mode, cp.stdout))
        c.compare("baseline %s: calls" % mode, truth, c.export(c.one_raw(raws), show=False).calls())
        # Missing directories are created (0700, docs/runtime.md); one that
        # cannot be made (under a regular file) loses the profile, one line.
        afile = os.path.join(c.scratch, "a-file")
        with open(afile, "w") as f:
            f.write("not a directory\n")
        for what, pat in (("missing directory", "no-such-dir-%s/sub/%%e.%%p.vitraw" % mode),
                          ("missing directory, %m pool", "no-such-dir-%s/%%e-%%m.vitraw" % mode),
                          ("directory cannot be made", "a-file/sub/%e.%p.vitraw"),
                          ("directory cannot be made, %m pool", "a-file/sub/%e-%m.vitraw")):
            if "%m" in pat and mode == "context":
                continue   # online merging refuses context profiles
            path = os.path.join(c.scratch, pat)
            made = not pat.startswith("a-file")
            cp, _ = c.run([n], tag="bad", mode=mode, raw_pattern=path, expect_rc=None,
                          check_stderr_empty=False)
            w = "%s (%s)" % (what, mode)
            c.expect(cp.returncode == 3, "%s: exit status %d" % (w, cp.returncode))
            c.expect(cp.stdout == out, "%s: stdout %r" % (w, cp.stdout))
            vitprof_lines(c, w, cp.stderr, 0 if made else 1)
            d = os.path.dirname(path)
            if made:
                raws = c.raw_files(d) if os.path.isdir(d) else []
                c.expect(len(raws) == 1, "%s: profiles in %s: %s" % (w, d, raws))
                if len(raws) == 1:
                    c.compare("%s: calls" % w, truth, c.export(raws[0], show=False).calls())
                c.expect(stat.S_IMODE(os.stat(d).st_mode) == 0o700 if os.path.isdir(d) else False,
                         "%s: %s is not a directory of mode 0700" % (w, d))
            else:
                c.expect(open(afile).read() == "not a directory\n", "%s: %s changed" % (w, afile))


# ---- faults.emfile -----------------------------------------------------------------

def case_emfile(c):
    threads, rounds = 4, 3
    args = [threads, rounds]
    out = work_stdout(threads, rounds)
    for mode in MODES:
        # No descriptor left before the first instrumented call.
        d = os.path.join(c.scratch, "start-" + mode)
        os.makedirs(d)
        cp, _ = c.run(args, tag="start-" + mode, mode=mode, expect_rc=3,
                      raw_pattern=os.path.join(d, "%e.%p.vitraw"),
                      env={"FAULTS_EMFILE_AT_START": "1"}, check_stderr_empty=False)
        w = "EMFILE at start (%s)" % mode
        c.expect(cp.stdout == out, "%s: stdout %r, expected %r" % (w, cp.stdout, out))
        lines = vitprof_lines(c, w, cp.stderr)
        c.expect(lines and "Too many open files" in lines[0], "%s: %r" % (w, lines))
        c.expect(c.raw_files(d) == [], "%s: files %s" % (w, c.raw_files(d)))

        # Runs out mid-run, then 6 children (2 at a time) that cannot
        # create their own file (%p): the parent's profile stays exact and
        # holds none of the children's calls.
        nch = 6
        fargs = args + ["-e", "mid", "-f", "%d,2" % nch]
        d = os.path.join(c.scratch, "mid-" + mode)
        os.makedirs(d)
        cp, raws = c.run(fargs, tag="mid-" + mode, mode=mode, expect_rc=3,
                         raw_pattern=os.path.join(d, "%e.%p.vitraw"), check_stderr_empty=False)
        w = "EMFILE mid-run, %d children (%s)" % (nch, mode)
        pids = re.findall(r"^child \d+ (\d+)$", cp.stdout, re.M)
        want = "".join("child %d %s\n" % (i, p) for i, p in enumerate(pids)) + out
        c.expect(len(pids) == nch and cp.stdout == want, "%s: stdout %r" % (w, cp.stdout))
        lines = vitprof_lines(c, w, cp.stderr, nch)
        for pid in pids:
            c.expect(any(("." + pid + ".vitraw") in l for l in lines),
                     "%s: no line for child %s" % (w, pid))
        raw = c.one_raw(raws, w)
        c.expect(not any(("." + pid + ".vitraw") in raw for pid in pids),
                 "%s: the one profile left is a child's: %s" % (w, raw))
        p = c.export(raw, show=False)
        c.compare(w + ": parent's calls", work_truth(threads, rounds, True), p.calls())
        c.expect(p.program["lost_calls"] == 0 and p.program["lost_sections"] == 0,
                 "%s: parent lost %s" % (w, p.program))


# ---- faults.threads64 -----------------------------------------------------------

def case_threads64(c):
    threads, rounds = 64, 5
    for mode in MODES:
        cp, raws = c.run([threads, rounds], tag=mode, mode=mode, expect_rc=3)
        c.expect(cp.stdout == work_stdout(threads, rounds), "stdout %r" % cp.stdout)
        p = c.export(c.one_raw(raws), show=False)
        c.compare("%s: calls" % mode, work_truth(threads, rounds), p.calls())
        want = {("worker", "sweep"): threads * rounds}
        for f in FNS:
            want[("sweep", f)] = threads * rounds
        got = {k: v for k, v in p.edge_counts().items() if k[0] in ("worker", "sweep")}
        c.compare("%s: edges" % mode, want, got)
        pr = p.program
        c.expect(pr["lost_calls"] == 0 and pr["lost_sections"] == 0 and pr["lost_frames"] == 0,
                 "%s: losses %s" % (mode, pr))
        c.expect(pr["threads"] == threads + 1, "%s: threads %d, expected %d"
                 % (mode, pr["threads"], threads + 1))
        c.log("%s: %d threads, %d calls exact, %d edges, %d bytes"
              % (mode, pr["threads"], sum(p.calls().values()), len(p.edges),
                 os.path.getsize(raws[0])))


# ---- faults.fork100 ------------------------------------------------------------------

def case_fork100(c):
    threads, rounds, nch, conc = 2, 2, 100, 8
    args = [threads, rounds, "-f", "%d,%d" % (nch, conc)]
    parent = work_truth(threads, rounds, True)
    for mode in MODES:
        cp, raws = c.run(args, tag=mode, mode=mode, expect_rc=3)
        kids = dict((int(p), int(i)) for i, p in re.findall(r"^child (\d+) (\d+)$", cp.stdout, re.M))
        c.expect(len(kids) == nch, "%s: %d children reported" % (mode, len(kids)))
        byp = {}
        for raw in raws:
            m = re.search(r"\.(\d+)\.vitraw$", raw)
            byp[int(m.group(1)) if m else -1] = raw
        c.expect(len(raws) == nch + 1, "%s: %d profiles, expected %d" % (mode, len(raws), nch + 1))
        exact = 0
        for pid, raw in sorted(byp.items()):
            p = c.export(raw, show=False)
            if pid in kids:
                i = kids[pid]
                ok = c.compare("%s: child %d (pid %d)" % (mode, i, pid),
                               {"child_main": 1, "leaf": i + 1}, p.calls())
                c.expect(p.program["fork_child"] and p.program["pid"] == pid,
                         "%s: child %d: %s" % (mode, i, p.program))
            else:
                ok = c.compare("%s: parent" % mode, parent, p.calls())
                c.expect(not p.program["fork_child"], "%s: parent marked fork child" % mode)
            exact += bool(ok) and p.program["lost_calls"] == 0
        c.log("%s: %d children (%d at a time): %d of %d profiles exact"
              % (mode, nch, conc, exact, len(raws)))
    # Forks while 4 workers count (tables growing, the lock taken by other
    # threads): the parent still exact, each child only its own calls.
    wargs = [4, 40, "-f", "%d,%d" % (nch, conc), "-w", 1]
    env = None
    if c.args.sanitized:
        # ASan's allocator has no fork handler: a child forked while another
        # thread held its lock (thread start-up allocates) hangs in
        # LeakSanitizer's check at exit (gdb: __lsan::LockAllocator from
        # __cxa_finalize). Not the runtime's doing: leak checks off here.
        env = {"ASAN_OPTIONS": (os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")}
    for mode in MODES:
        cp, raws = c.run(wargs, tag="busy-" + mode, mode=mode, expect_rc=3, env=env)
        kids = dict((int(p), int(i)) for i, p in re.findall(r"^child (\d+) (\d+)$", cp.stdout, re.M))
        exact = 0
        for raw in raws:
            p = c.export(raw, show=False)
            if p.program["pid"] in kids:
                i = kids[p.program["pid"]]
                ok = c.compare("%s, forks while working: child %d" % (mode, i),
                               {"child_main": 1, "leaf": i + 1}, p.calls())
            else:
                ok = c.compare("%s, forks while working: parent" % mode,
                               work_truth(4, 40, True), p.calls())
            exact += bool(ok) and p.program["lost_calls"] == 0
        c.expect(len(raws) == nch + 1, "%s: %d profiles" % (mode, len(raws)))
        c.log("%s: %d children forked while 4 workers ran: %d of %d profiles exact"
              % (mode, nch, exact, len(raws)))
    # Online merging: the pool holds the exact sum of 101 runs.
    for mode in ("count", "time"):
        d = os.path.join(c.scratch, "pool-" + mode)
        os.makedirs(d)
        cp, _ = c.run(args, tag="pool-" + mode, mode=mode, expect_rc=3,
                      raw_pattern=os.path.join(d, "%e-%m.vitraw"))
        left = sorted(os.listdir(d))
        pools = [f for f in left if re.search(r"-[0-9a-f]{16}\.vitraw$", f)]
        c.expect(len(pools) == 1 and len(left) <= 2, "%s: pool dir holds %s" % (mode, left))
        if len(pools) != 1:
            continue
        p = c.export(os.path.join(d, pools[0]), show=False)
        want = dict(parent, child_main=nch, leaf=nch * (nch + 1) // 2)
        c.compare("%s: pool" % mode, want, p.calls())
        # merged_runs: header offset 0x4d8 (docs/raw-format.md); the JSON
        # document does not carry it.
        with open(os.path.join(d, pools[0]), "rb") as f:
            f.seek(0x4d8)
            runs = struct.unpack("<Q", f.read(8))[0]
        c.expect(runs == nch + 1, "%s: merged_runs %s, expected %d" % (mode, runs, nch + 1))
        c.log("%s: pool %s: %s runs merged, %d calls exact, leftovers %s"
              % (mode, pools[0], runs, sum(want.values()), [f for f in left if f not in pools]))


# ---- faults.signal_in_hook ------------------------------------------------------

def case_signal_in_hook(c):
    n = 3000000
    for mode in MODES:
        cp, raws = c.run([n], tag=mode, mode=mode, expect_rc=0, timeout=240)
        handled = int(cp.stdout.split()[1])
        p = c.export(c.one_raw(raws), show=False)
        calls = p.calls()
        lost = p.program["lost_calls"]
        c.compare("%s: the interrupted code" % mode, {"main": 1, "work": n},
                  {k: calls.get(k, 0) for k in ("main", "work")})
        inh, onp = calls.get("in_handler", 0), calls.get("on_prof", 0)
        # A signal inside a hook loses both its calls (on_prof, in_handler);
        # any other counts both.
        c.expect(onp == inh and lost % 2 == 0 and inh + lost // 2 == handled,
                 "%s: %d signals, on_prof %d, in_handler %d, lost_calls %d"
                 % (mode, handled, onp, inh, lost))
        c.expect(handled >= 100, "%s: only %d signals" % (mode, handled))
        if mode != "count":
            c.expect(p.program["lost_frames"] == 0, "%s: lost_frames %d"
                     % (mode, p.program["lost_frames"]))
        c.log("%s: %d work calls exact; %d signals = %d counted + %d inside a hook (lost)"
              % (mode, n, handled, inh, lost // 2))


# ---- faults.recursion_1e6 -------------------------------------------------------

def context_chains(c, raw):
    """Reads a context-mode raw file (docs/raw-format.md) independently of
    the tool: per shard, the live table of the highest generation; returns,
    per shard, the path from the root to its deepest node as a list of
    (fn, count)."""
    import mmap
    with open(raw, "rb") as f:
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    page = struct.unpack_from("<Q", m, 0x18)[0] or 4096
    off, tables = page, {}
    while off + 0x58 <= len(m):
        magic, typ, _, size = struct.unpack_from("<IIQQ", m, off)
        if magic != 0x43455356 or size == 0:
            break
        if typ == 2:
            shard, = struct.unpack_from("<Q", m, off + 0x20)
            gen, live, esz = struct.unpack_from("<III", m, off + 0x30)
            cap, = struct.unpack_from("<Q", m, off + 0x40)
            eoff, = struct.unpack_from("<Q", m, off + 0x50)
            if live and (shard not in tables or tables[shard][0] < gen):
                tables[shard] = (gen, off + eoff, cap, esz)
        off += size
    out = []
    for gen, base, cap, esz in tables.values():
        if esz != 56:
            c.fail("%s: entry size %d in a context table" % (raw, esz))
            continue
        nodes = {}
        for parent, fn, count, _, _, nid, _ in struct.iter_unpack(
                "<7Q", m[base:base + cap * 56]):
            if fn:
                nodes[nid] = (parent, fn, count)
        depth = {0: 0}
        for nid in sorted(nodes):
            parent = nodes[nid][0]
            depth[nid] = depth.get(parent, -10 ** 9) + 1
        leaf = max(depth, key=depth.get)
        chain = []
        while leaf:
            parent, fn, count = nodes[leaf]
            chain.append((fn, count))
            leaf = parent
        out.append(chain[::-1])
    m.close()
    return out


def case_recursion_1e6(c):
    n = 1000000
    for mode in ("count", "context"):
        cp, raws = c.run([n], tag=mode, mode=mode, expect_rc=0, timeout=500)
        c.expect(cp.stdout == "depth=%d\n" % (n + 1), "%s: stdout %r" % (mode, cp.stdout))
        raw = c.one_raw(raws)
        p = c.export(raw, show=False)
        c.compare("%s: calls" % mode, {"main": 1, "runner": 1, "deep": n + 1, "bottom": 1},
                  p.calls())
        c.expect(p.program["lost_calls"] == 0, "%s: lost_calls %d" % (mode, p.program["lost_calls"]))
        if mode == "count":
            c.compare("count: edges", {("runner", "deep"): 1, ("deep", "deep"): n,
                                       ("deep", "bottom"): 1, },
                      {k: v for k, v in p.edge_counts().items() if k[0] != "start_thread"
                       and k[1] in ("deep", "bottom")})
        else:
            # Not through `vitprof export --format folded`: its output is one
            # line per path, each listing its whole path, N^2/2 frames here
            # (it did not finish in 300 s). The raw file is read directly.
            t0 = time.monotonic()
            chains = context_chains(c, raw)
            deepest = max(chains, key=len) if chains else []
            common = collections.Counter(fn for fn, _ in deepest).most_common(1)
            c.expect(len(deepest) == n + 3 and common and common[0][1] == n + 1
                     and deepest[0][0] != common[0][0] and deepest[-1][0] != common[0][0]
                     and all(cnt == 1 for _, cnt in deepest),
                     "context: the deepest path has %d nodes (expected %d: runner, %d x deep, "
                     "bottom, each reached once)" % (len(deepest), n + 3, n + 1))
            c.log("context: deepest path %d nodes, each count 1 (raw file read in %.1f s); "
                  "file %d MiB" % (len(deepest), time.monotonic() - t0,
                                   os.path.getsize(raw) >> 20))
        os.unlink(raw)
        if os.path.exists(raw + ".json"):
            os.unlink(raw + ".json")


# ---- faults.dlclose ----------------------------------------------------------------

def case_dlclose(c):
    k1, m, k2 = 1000, 500, 700
    plug = os.path.abspath(c.args.plugin)
    for mode in MODES:
        cp, raws = c.run([plug, k1, m, k2], tag=mode, mode=mode, expect_rc=0)
        s = sum((x * 5 - 1) + ((x + 1) * 5 - 1) for x in range(k1))
        s += sum((x * 5 - 1) + ((x + 1) * 5 - 1) for x in range(k2))
        bases = re.findall(r"^(?:first|second) (0x[0-9a-f]+)$", cp.stdout, re.M)
        c.expect(("sum %d\n" % s) in cp.stdout and len(bases) == 2, "stdout %r" % cp.stdout)
        if "moved\n" in cp.stdout:
            c.expect(len(set(bases)) == 2, "%s: the old place was taken, yet the library "
                     "was reloaded there: %s" % (mode, bases))
        p = c.export(c.one_raw(raws), show=False)
        c.compare("%s: calls" % mode, {"main": 1, "use_plugin": 2, "between": m + 1,
                                      "plugin_fn": k1 + k2, "plugin_inner": 2 * (k1 + k2)},
                  p.calls())
        mods = [mm for mm in p.modules.values() if os.path.basename(mm["path"]) ==
                os.path.basename(plug)]
        c.expect(mods, "%s: no module record of %s" % (mode, plug))
        for f in ("plugin_fn", "plugin_inner"):
            fs = p.funcs_named(f)
            c.expect(fs and all(p.module_of(x) in mods for x in fs),
                     "%s: %s not symbolized in the plugin: %s" % (mode, f, fs))
        c.expect(p.program["lost_calls"] == 0, "%s: lost_calls" % mode)
        if len(mods) == 2 and len(set(bases)) == 2:
            # Two loads at two addresses, one object (same build-id): the
            # later record says it is the same as the first, which owns
            # every call of both loads (the sums above).
            first, second = sorted(mods, key=lambda mm: mm["id"])
            c.expect(second.get("same_as") == first["id"],
                     "%s: the reload's module record is not marked same_as the first: %s"
                     % (mode, mods))
        c.log("%s: loaded at %s then %s (%s), %d module record(s) of the plugin, counts exact"
              % (mode, bases[0] if bases else "?", bases[1] if len(bases) > 1 else "?",
                 "another address" if len(set(bases)) == 2 else "same address", len(mods)))


# ---- faults.exec_chain ------------------------------------------------------------

def case_exec_chain(c):
    other = os.path.abspath(c.args.other)
    for mode in MODES:
        d = os.path.join(c.scratch, mode)
        os.makedirs(d)
        cp, _ = c.run([0, other, 2, 2], tag=mode, mode=mode, expect_rc=3,
                      raw_pattern=os.path.join(d, "exec-%p.vitraw"))
        c.expect(cp.stdout == "enoent\n" + work_stdout(2, 2), "%s: stdout %r" % (mode, cp.stdout))
        files = sorted((f for f in os.listdir(d) if ".vitraw" in f and not f.endswith(".json")),
                       key=lambda f: (len(f), f))
        c.expect(len(files) == 5, "%s: %d profiles, expected 5 (4 generations + the other "
                 "program): %s" % (mode, len(files), files))
        for i, f in enumerate(files[:5]):
            p = c.export(os.path.join(d, f), show=False)
            if i < 4:
                want = {"main": 1, "step": 10 + i}
                if i == 3:
                    want["after_fail"] = 7
                state = "running"
            else:
                want = work_truth(2, 2)
                state = "exited"
            c.compare("%s: image %d (%s)" % (mode, i, f), want, p.calls())
            c.expect(p.program["state"] == state, "%s: %s: state %s, expected %s"
                     % (mode, f, p.program["state"], state))
        c.log("%s: 5 images, 5 profiles: %s" % (mode, files))


# ---- faults.atfork_handler ------------------------------------------------------

def case_atfork_handler(c):
    plug = os.path.abspath(c.args.plugin)
    for mode in MODES:
        cp, raws = c.run([plug], tag=mode, mode=mode, expect_rc=0, timeout=20)
        c.expect(cp.stdout == "forked ok\n", "%s: stdout %r" % (mode, cp.stdout))
        c.expect(len(raws) == 2, "%s: %d profiles, expected 2" % (mode, len(raws)))
        for raw in raws:
            p = c.export(raw, show=False)
            calls = p.calls()
            if p.program["fork_child"]:
                c.compare("%s: child" % mode, {}, calls)
                continue
            # prepare, plugin_fn and plugin_inner x 2 run inside fork():
            # counted, or counted as lost (the hooks' guard), never a hang.
            inside = sum(calls.get(f, 0) for f in ("prepare", "plugin_fn", "plugin_inner"))
            c.expect(calls.get("main") == 1 and inside + p.program["lost_calls"] == 4,
                     "%s: parent: calls %s, lost_calls %d" % (mode, calls,
                                                              p.program["lost_calls"]))
            c.log("%s: no hang; the 4 calls inside fork(): %d counted, %d lost"
                  % (mode, inside, p.program["lost_calls"]))


CASES = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    case = sys.argv.pop(1)
    if case not in CASES:
        print("unknown case %s: %s" % (case, sorted(CASES)))
        sys.exit(2)
    c = Checker("faults." + case, [
        (["--arcs-prog"], {"help": "progress.c built with -fprofile-arcs"}),
        (["--plugin"], {"help": "the library dlreload loads"}),
        (["--other"], {"help": "the program exec_chain execs last"}),
    ])
    c.mounts = []
    try:
        CASES[case](c)
    finally:
        unmount_all(c)
    c.finish()


if __name__ == "__main__":
    main()
