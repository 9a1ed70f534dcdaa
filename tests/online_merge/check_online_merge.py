#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end checks of online merging (a %m in VITPROF_FILE, rt/rt_merge.c).

    check_online_merge.py CASE --prog om_prog --prog-copy om_prog_copy
        --other om_other --vitprof vitprof --scratch DIR --vpgcov tests/gcov_rt

The ground truth is one run of the same program without %m (its own raw
profile, read with `vitprof export` and vpgcov.read_raw), checked against
the counts known by construction (om_prog.c). A pool that claims k merged
runs (header field merged_runs) must hold exactly k times every call edge
and every arc counter of that run, and `vitprof show` must read it.

Cases:
  sequential  5 runs one after the other
  concurrent  8 runs at once, 4 rounds
  kill        rounds of parallel writers, some killed with SIGKILL at random
              moments (several inside their merge, held there by the test
              hook VITPROF_TEST_MERGE_SLEEP_MS); after every round the pool
              is valid, and its counts are exactly merged_runs x one run,
              with merged_runs between the runs that completed and the runs
              started
  time        VITPROF_MODE=time runs merge; a count-mode run is refused
  copy        copy-mode arc counters (no linker-script fragment)
  fork        a run that forks: parent and child each merge at exit
  plugins     runs that dlopen() plugin A or B, with address randomization
              off (setarch -R) so that both load at the same address: the
              pool keeps one record per object, none overlapping, and every
              edge is still named and counted right
  refuse      a pool of another program, and a corrupt pool, are refused:
              one stderr line, exit status unchanged, pool untouched, the
              run's own profile kept
  same_bytes  in every mode (count, time, context, context,time; arcs in
              place and copied), a pool of 3 runs is byte for byte what
              `vitprof merge` of the same 3 runs writes (the test hook
              VITPROF_TEST_MERGE_KEEP keeps each run's own file)
  limits      the same at the overflow limits: a pool made to hold W runs
              (`vitprof merge -w W`), W the largest with W + 1 runs within
              every limit (the sum of all edges: 2^64-1, an arc counter:
              2^63-1, whichever binds first): one more run is merged,
              equal to `vitprof merge -w W A B`; the run after it would pass
              the limit: refused by the runtime (one line, pool untouched,
              own file kept) and by `vitprof merge` alike
"""
import argparse
import glob
import os
import random
import shutil
import struct
import subprocess
import sys
import time

N = 100                       # om_prog's argument: calls of branchy()
MERGED_RUNS_OFFSET = 0x4d8    # struct vpr_file_header.merged_runs
STATE_OFFSET = 0x2c
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402
from vptest import Checks  # noqa: E402

CHECKS = Checks("online_merge")
log, fail, expect, finish = CHECKS.log, CHECKS.fail, CHECKS.expect, CHECKS.finish


def env_for(pattern, extra=None):
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("VITPROF_"):
            del env[k]
    env["VITPROF_FILE"] = pattern
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    if extra:
        env.update(extra)
    return env


def run(prog, args, pattern, extra=None, cwd=None):
    p = vptest.run([prog] + [str(a) for a in args], env=env_for(pattern, extra), cwd=cwd,
                   timeout=120, binary=True)
    return p.returncode, p.stderr.decode(errors="replace")


def header_u64(path, off):
    with open(path, "rb") as f:
        f.seek(off)
        return struct.unpack("<Q", f.read(8))[0]


def header_u32(path, off):
    with open(path, "rb") as f:
        f.seek(off)
        return struct.unpack("<I", f.read(4))[0]


def pools(d, prefix):
    """Pool files in d: <prefix><16 hex>.vitraw, nothing after."""
    out = []
    for p in glob.glob(os.path.join(d, prefix + "*.vitraw")):
        sig = os.path.basename(p)[len(prefix):-len(".vitraw")]
        if len(sig) == 16 and all(c in "0123456789abcdef" for c in sig):
            out.append(p)
    return out


def own_files(pool):
    return [p for p in glob.glob(glob.escape(pool) + ".*")
            if p[len(pool) + 1:].isdigit()]


class Profile:
    """Counts of one raw profile: call edges (by names and line) through
    `vitprof export`, arc counters per .gcda path through vpgcov."""

    def __init__(self, vitprof, path):
        self.path = path
        d, p = vptest.export_doc(vitprof, path, timeout=None)
        if d is None:
            raise RuntimeError("vitprof export %s: status %d: %s"
                               % (path, p.returncode, p.stderr.strip()))
        self.program = d["program"]
        self.modules = d["modules"]
        self.edges = {}
        for e in d["edges"]:
            k = (e["caller_name"], e["callee_name"], e["line"])
            self.edges[k] = self.edges.get(k, 0) + e["count"]
        self.calls = {f["name"]: f["calls"] for f in d["functions"] if f.get("calls")}
        raw = vpgcov.read_raw(path)
        self.arcs = {}
        for o in raw["objects"]:
            dst = self.arcs.setdefault(o["filename"], {})
            for key, ctrs in o["counters"].items():
                have = dst.setdefault(key, [0] * len(ctrs))
                for i, c in enumerate(ctrs):
                    have[i] += c
        self.merged_runs = header_u64(path, MERGED_RUNS_OFFSET)


def check_reference(ref, what, n=N):
    """One run's counts against om_prog.c's construction."""
    third = (n + 2) // 3
    want = {("main", "branchy"): n, ("branchy", "leaf"): third,
            ("branchy", "om_lib_step"): n - third}
    have = {}
    for (caller, callee, _), c in ref.edges.items():
        have[(caller, callee)] = have.get((caller, callee), 0) + c
    for k, v in want.items():
        expect(have.get(k) == v, "%s: edge %s->%s: %s calls, expected %d"
               % (what, k[0], k[1], have.get(k), v))
    expect(ref.arcs, "%s: no arc counters recorded" % what)
    total = sum(sum(c) for fns in ref.arcs.values() for c in fns.values())
    expect(total > 0, "%s: every arc counter is zero" % what)


def check_scaled(pool, ref, k, what):
    """pool must hold exactly k times ref, and say k runs."""
    ok = expect(pool.merged_runs == k, "%s: merged_runs %d, expected %d"
                % (what, pool.merged_runs, k))
    want = {e: c * k for e, c in ref.edges.items()}
    if pool.edges != want:
        ok = False
        keys = sorted(set(pool.edges) | set(want), key=str)
        diff = ["%s: %s vs %s" % (e, pool.edges.get(e), want.get(e)) for e in keys
                if pool.edges.get(e) != want.get(e)]
        fail("%s: call edges differ from %d x one run: %s" % (what, k, "; ".join(diff[:6])))
    want_arcs = {f: {key: [c * k for c in ctrs] for key, ctrs in fns.items()}
                 for f, fns in ref.arcs.items()}
    if pool.arcs != want_arcs:
        ok = False
        fail("%s: arc counters differ from %d x one run" % (what, k))
    return ok


def show_ok(vitprof, path, extra=()):
    p = subprocess.run([vitprof, "show"] + list(extra) + [path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return expect(p.returncode == 0, "vitprof show %s %s: status %d: %s"
                  % (" ".join(extra), path, p.returncode, p.stderr.decode().strip()))


def reference(a, prog, d, n=N):
    path = os.path.join(d, "ref.vitraw")
    rc, err = run(prog, [n], path, cwd=d)
    expect(rc == 0 and not err, "reference run: status %d, stderr %r" % (rc, err))
    ref = Profile(a.vitprof, path)
    check_reference(ref, "reference run", n)
    return ref


def the_pool(d, prefix, what):
    ps = pools(d, prefix)
    if not expect(len(ps) == 1, "%s: %d pool files in %s" % (what, len(ps), d)):
        finish()
    return ps[0]


# ---- cases ------------------------------------------------------------------

def case_sequential(a):
    d = a.scratch
    ref = reference(a, a.prog, d)
    pattern = os.path.join(d, "p-%m.vitraw")
    for i in range(5):
        rc, err = run(a.prog, [N], pattern, cwd=d)
        expect(rc == 0 and not err, "run %d: status %d, stderr %r" % (i, rc, err))
    pool = the_pool(d, "p-", "sequential")
    expect(not own_files(pool), "own files left: %s" % own_files(pool))
    expect(not os.path.exists(pool + ".tmp"), "temporary file left")
    show_ok(a.vitprof, pool)
    show_ok(a.vitprof, pool, ["--branches"])
    prof = Profile(a.vitprof, pool)
    check_scaled(prof, ref, 5, "5 sequential runs")
    paths = [m["path"] for m in prof.modules]
    expect(len(paths) == len(set(paths)), "pool: an object recorded twice: %s" % paths)
    expect(any(p.endswith("libom_lib.so") for p in paths), "pool: no libom_lib.so: %s" % paths)


def case_concurrent(a):
    d = a.scratch
    ref = reference(a, a.prog, d)
    pattern = os.path.join(d, "p-%m.vitraw")
    rounds, width = 4, 8
    for r in range(rounds):
        procs = [subprocess.Popen([a.prog, str(N)], env=env_for(pattern), cwd=d,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for _ in range(width)]
        for p in procs:
            _, err = p.communicate(timeout=120)
            expect(p.returncode == 0 and not err,
                   "round %d: status %d, stderr %r" % (r, p.returncode, err))
    pool = the_pool(d, "p-", "concurrent")
    expect(not own_files(pool), "own files left: %s" % own_files(pool))
    show_ok(a.vitprof, pool)
    check_scaled(Profile(a.vitprof, pool), ref, rounds * width,
                 "%d rounds of %d concurrent runs" % (rounds, width))


def case_kill(a):
    d = a.scratch
    n = 300000             # long enough a run to be killed while it counts
    ref = reference(a, a.prog, d, n)
    pattern = os.path.join(d, "p-%m.vitraw")
    rng = random.Random(int(os.environ.get("OM_SEED", "12345")))
    rounds, width = int(os.environ.get("OM_ROUNDS", "30")), 6
    started = completed = killed = mid_merge = before_exit = 0
    pool = None
    for r in range(rounds):
        procs = []
        for i in range(width):
            extra = {}
            if i % 2 == 0:     # held inside its merge, under the lock
                extra["VITPROF_TEST_MERGE_SLEEP_MS"] = str(rng.randint(1, 40))
            procs.append(subprocess.Popen([a.prog, str(n)], env=env_for(pattern, extra),
                                          cwd=d, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE))
            started += 1
        victims = rng.sample(procs, rng.randint(1, width // 2))
        t0 = time.monotonic()
        for v in sorted(victims, key=lambda _: rng.random()):
            delay = rng.uniform(0, 0.1) - (time.monotonic() - t0)
            if delay > 0:
                time.sleep(delay)
            try:
                v.kill()
            except ProcessLookupError:
                pass
        for p in procs:
            _, err = p.communicate(timeout=120)
            if p.returncode == 0:
                completed += 1
                expect(not err, "round %d: a completed run wrote %r" % (r, err))
            elif p.returncode == -9:
                killed += 1
            else:
                fail("round %d: status %d, stderr %r" % (r, p.returncode, err))
        ps = pools(d, "p-")
        if not ps:
            continue
        pool = ps[0]
        # Killed runs whose destructor had marked their file exited: killed
        # inside their merge (the pool must not hold any of their counts).
        for f in own_files(pool):
            try:
                if header_u32(f, STATE_OFFSET) == 2:
                    mid_merge += 1
                else:
                    before_exit += 1
                os.rename(f, f + ".seen")
            except (OSError, struct.error):
                pass
        if not show_ok(a.vitprof, pool):
            break
        prof = Profile(a.vitprof, pool)
        k = prof.merged_runs
        if not expect(completed <= k <= started, "round %d: merged_runs %d, but %d runs"
                      " completed of %d started" % (r, k, completed, started)):
            break
        if not check_scaled(prof, ref, k, "round %d" % r):
            break
    log("%d runs started, %d completed, %d killed: %d while counting, %d inside their"
        " merge, %d before their file existed or after their merge"
        % (started, completed, killed, before_exit, mid_merge,
           killed - before_exit - mid_merge))
    expect(pool is not None, "no pool was ever written")
    expect(mid_merge > 0, "no run was killed inside its merge: the test proves little")
    leftovers = glob.glob(glob.escape(pool) + ".*.seen") if pool else []
    readable = 0
    for f in leftovers:
        p = subprocess.run([a.vitprof, "show", f], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        readable += p.returncode == 0
    log("%d own files left by killed runs, %d of them readable" % (len(leftovers), readable))


def case_time(a):
    d = a.scratch
    ref = reference(a, a.prog, d)
    pattern = os.path.join(d, "p-%m.vitraw")
    for i in range(3):
        rc, err = run(a.prog, [N], pattern, {"VITPROF_MODE": "time"}, cwd=d)
        expect(rc == 0 and not err, "time run %d: status %d, stderr %r" % (i, rc, err))
    pool = the_pool(d, "p-", "time")
    show_ok(a.vitprof, pool)
    prof = Profile(a.vitprof, pool)
    check_scaled(prof, ref, 3, "3 time-mode runs")
    expect(prof.program.get("mode") == "time", "pool mode %s" % prof.program.get("mode"))
    before = open(pool, "rb").read()
    rc, err = run(a.prog, [N, 5], pattern, cwd=d)
    expect(rc == 5, "count-mode run into a time pool: status %d" % rc)
    lines = err.splitlines()
    expect(len(lines) == 1 and lines[0].startswith("vitprof: cannot merge into '"),
           "count-mode run into a time pool: stderr %r" % err)
    expect(open(pool, "rb").read() == before, "the time pool changed")


def case_copy(a):
    d = a.scratch
    ref = reference(a, a.prog_copy, d)
    raw = vpgcov.read_raw(os.path.join(d, "ref.vitraw"))
    expect(raw["objects"] and all(o["mode"] == 2 for o in raw["objects"]),
           "om_prog_copy: arc counters not in copy mode")
    pattern = os.path.join(d, "p-%m.vitraw")
    for i in range(4):
        rc, err = run(a.prog_copy, [N], pattern, cwd=d)
        expect(rc == 0 and not err, "copy run %d: status %d, stderr %r" % (i, rc, err))
    pool = the_pool(d, "p-", "copy")
    show_ok(a.vitprof, pool)
    show_ok(a.vitprof, pool, ["--branches"])
    check_scaled(Profile(a.vitprof, pool), ref, 4, "4 copy-mode runs")


def case_refuse(a):
    d = a.scratch
    ref = reference(a, a.prog, d)
    pattern = os.path.join(d, "p-%m.vitraw")
    rc, err = run(a.prog, [N], pattern, cwd=d)
    expect(rc == 0 and not err, "first run: status %d, stderr %r" % (rc, err))
    pool = the_pool(d, "p-", "refuse")
    # Another program's pool at this program's pool name.
    odir = os.path.join(d, "other")
    os.makedirs(odir)
    rc, err = run(a.other, [], os.path.join(odir, "o-%m.vitraw"), cwd=odir)
    expect(rc == 0 and not err, "om_other: status %d, stderr %r" % (rc, err))
    other_pool = the_pool(odir, "o-", "om_other")
    expect(os.path.basename(other_pool)[2:] != os.path.basename(pool)[2:],
           "two programs got the same %m signature")
    bad_pools = {"another program's pool": open(other_pool, "rb").read()}
    good = open(pool, "rb").read()
    bad_pools["a truncated pool"] = good[:len(good) - 4096]
    bad_pools["a pool with a bad section"] = good[:4096] + b"\xff" * 8 + good[4104:]
    for what, data in bad_pools.items():
        with open(pool, "wb") as f:
            f.write(data)
        rc, err = run(a.prog, [N, 3], pattern, cwd=d)
        expect(rc == 3, "%s: exit status %d, expected 3" % (what, rc))
        lines = err.splitlines()
        expect(len(lines) == 1 and lines[0].startswith("vitprof: cannot merge into '"),
               "%s: stderr %r, expected one 'vitprof: cannot merge into' line" % (what, err))
        log("%s: %s" % (what, lines[0] if lines else "(nothing)"))
        expect(open(pool, "rb").read() == data, "%s: the pool was changed" % what)
        owns = own_files(pool)
        if expect(len(owns) == 1, "%s: own files %s, expected the refused run's" % (what, owns)):
            show_ok(a.vitprof, owns[0])
            own = Profile(a.vitprof, owns[0])
            expect(own.edges == ref.edges, "%s: the kept own file lost counts" % what)
            os.unlink(owns[0])
    # A good pool again: merging resumes.
    with open(pool, "wb") as f:
        f.write(good)
    rc, err = run(a.prog, [N], pattern, cwd=d)
    expect(rc == 0 and not err, "after the refusals: status %d, stderr %r" % (rc, err))
    check_scaled(Profile(a.vitprof, pool), ref, 2, "after the refusals")


def case_fork(a):
    d = a.scratch
    path = os.path.join(d, "ref.vitraw")
    rc, err = run(a.prog, [N, 0, "fork"], path, cwd=d)
    expect(rc == 0 and not err, "reference run: status %d, stderr %r" % (rc, err))
    refs = [Profile(a.vitprof, f) for f in [path] + glob.glob(path + ".*")]
    if not expect(len(refs) == 2, "reference run: %d profiles, expected parent and child"
                  % len(refs)):
        finish()
    for r in refs:
        check_reference(r, "reference " + os.path.basename(r.path))
    both = refs[0]
    for e, c in refs[1].edges.items():
        both.edges[e] = both.edges.get(e, 0) + c
    for f, fns in refs[1].arcs.items():
        for key, ctrs in fns.items():
            have = both.arcs.setdefault(f, {}).setdefault(key, [0] * len(ctrs))
            for i, c in enumerate(ctrs):
                have[i] += c
    pattern = os.path.join(d, "p-%m.vitraw")
    for i in range(3):
        rc, err = run(a.prog, [N, 0, "fork"], pattern, cwd=d)
        expect(rc == 0 and not err, "fork run %d: status %d, stderr %r" % (i, rc, err))
    pool = the_pool(d, "p-", "fork")
    expect(not own_files(pool), "own files left: %s" % own_files(pool))
    show_ok(a.vitprof, pool)
    prof = Profile(a.vitprof, pool)
    # 3 runs of (parent + child): merged_runs 6, counts 3 x (parent + child).
    expect(prof.merged_runs == 6, "merged_runs %d, expected 6" % prof.merged_runs)
    prof.merged_runs = 3
    check_scaled(prof, both, 3, "3 forking runs")


def add_into(dst, src, k=1):
    """dst += k x src (edges and arcs of Profile objects)."""
    for e, c in src.edges.items():
        dst.edges[e] = dst.edges.get(e, 0) + k * c
    for f, fns in src.arcs.items():
        for key, ctrs in fns.items():
            have = dst.arcs.setdefault(f, {}).setdefault(key, [0] * len(ctrs))
            for i, c in enumerate(ctrs):
                have[i] += k * c


def case_plugins(a):
    d = a.scratch
    norand = [shutil.which("setarch") or "setarch", os.uname().machine, "-R"]
    p = subprocess.run(norand + ["true"], stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        norand = []
        log("setarch -R unavailable: address randomization stays on")
    runs = [[], ["plugin", a.plugins[0]], ["plugin", a.plugins[1]], ["plugin", a.plugins[0]],
            []]
    refs = {}
    for i, extra in enumerate(runs[:3]):
        path = os.path.join(d, "ref%d.vitraw" % i)
        rc, err = run(norand[0] if norand else a.prog,
                      norand[1:] + [a.prog, N, 0] + extra if norand else [N, 0] + extra,
                      path, cwd=d)
        expect(rc == 0 and not err, "reference %d: status %d, stderr %r" % (i, rc, err))
        refs[i] = Profile(a.vitprof, path)
    ra = [m for m in refs[1].modules if "om_plugin_a" in m["path"]]
    rb = [m for m in refs[2].modules if "om_plugin_b" in m["path"]]
    if ra and rb:
        log("plugin A loaded with bias %#x, plugin B with %#x"
            % (ra[0]["load_bias"], rb[0]["load_bias"]))
        if norand and ra[0]["load_bias"] != rb[0]["load_bias"]:
            log("note: the plugins did not load at the same address")
    expect(refs[1].calls.get("plugin_a_leaf") == N, "plugin A: %s" % refs[1].calls)
    expect(refs[2].calls.get("plugin_b_twice") == N, "plugin B: %s" % refs[2].calls)
    pattern = os.path.join(d, "p-%m.vitraw")
    for i, extra in enumerate(runs):
        rc, err = run(norand[0] if norand else a.prog,
                      norand[1:] + [a.prog, N, 0] + extra if norand else [N, 0] + extra,
                      pattern, cwd=d)
        expect(rc == 0 and not err, "run %d: status %d, stderr %r" % (i, rc, err))
    pool = the_pool(d, "p-", "plugins")
    show_ok(a.vitprof, pool)
    prof = Profile(a.vitprof, pool)
    want = Profile.__new__(Profile)
    want.edges, want.arcs = {}, {}
    add_into(want, refs[0], 2)
    add_into(want, refs[1], 2)
    add_into(want, refs[2], 1)
    expect(prof.merged_runs == 5, "merged_runs %d, expected 5" % prof.merged_runs)
    prof.merged_runs = 1
    check_scaled(prof, want, 1, "plain, A, B, A, plain")
    mods = sorted(prof.modules, key=lambda m: m["id"])
    paths = [m["path"] for m in mods]
    expect(len(paths) == len(set(paths)), "an object recorded twice: %s" % paths)
    mb = [m for m in mods if "om_plugin_b" in m["path"]]
    if ra and rb and mb:
        log("pool: plugin B at bias %#x" % mb[0]["load_bias"])
        if ra[0]["load_bias"] == rb[0]["load_bias"]:
            expect(mb[0]["load_bias"] != rb[0]["load_bias"],
                   "plugin B overlaps plugin A in the pool")


def raw_sums(path):
    """(sum of every live edge table's counts, largest arc counter) of a
    raw profile, read from the file (docs/raw-format.md)."""
    b = open(path, "rb").read()
    page, first, end, nsec = struct.unpack_from("<IQQI", b, 0x14)
    off, total, arcs_max = first, 0, 0
    tables = {}
    while off < end:
        magic, typ, soff, size = struct.unpack_from("<IIQQ", b, off)
        if typ == 2:                                    # edge table
            shard, tid, gen, live, esz = struct.unpack_from("<QQIII", b, off + 32)
            cap, used, eoff = struct.unpack_from("<QQQ", b, off + 64)
            if live == 1 and gen >= tables.get(shard, (-1, 0))[0]:
                t = 0
                for i in range(cap):
                    site, fn, count = struct.unpack_from("<QQQ", b, off + eoff + i * esz)
                    if fn and site != 1:
                        t += count
                tables[shard] = (gen, t)
        elif typ == 3:                                  # arcs
            mode = struct.unpack_from("<I", b, off + 36)[0]
            doff, dsize = struct.unpack_from("<QQ", b, off + 48)
            for i in range(dsize // 8):
                arcs_max = max(arcs_max, struct.unpack_from("<q", b, off + doff + 8 * i)[0])
        off += size
    total = sum(t for _, t in tables.values())
    return total, arcs_max


def merge_cmd(a, out, inputs):
    p = subprocess.run([a.vitprof, "merge"] + inputs + ["-o", out], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stderr.decode(errors="replace")


def runs_kept(a, prog, d, prefix, n_runs, mode):
    """n_runs runs into one pool, keeping each run's own file; returns the
    pool and the own files in run order."""
    pattern = os.path.join(d, prefix + "%m.vitraw")
    owns = []
    for i in range(n_runs):
        seen = set(glob.glob(os.path.join(d, prefix + "*.vitraw.*")))
        rc, err = run(prog, [N + 7 * i], pattern,
                      {"VITPROF_MODE": mode, "VITPROF_TEST_MERGE_KEEP": "1"}, cwd=d)
        expect(rc == 0 and not err, "%s run %d: status %d, stderr %r" % (mode, i, rc, err))
        new = [f for f in glob.glob(os.path.join(d, prefix + "*.vitraw.*"))
               if f not in seen and f[f.rindex(".") + 1:].isdigit()]
        expect(len(new) == 1, "%s run %d: own files kept %s" % (mode, i, new))
        owns += new
    return the_pool(d, prefix, mode), owns


def case_same_bytes(a):
    d = a.scratch
    progs = [("p", a.prog), ("c", a.prog_copy)]
    for mode in ("count", "time", "context", "context,time"):
        for tag, prog in progs:
            prefix = "%s-%s-" % (tag, mode.replace(",", "_"))
            pool, owns = runs_kept(a, prog, d, prefix, 3, mode)
            out = os.path.join(d, prefix + "merged.vitraw")
            rc, err = merge_cmd(a, out, owns)
            if not expect(rc == 0, "%s: vitprof merge of the runs: %s" % (prefix, err)):
                continue
            same = open(pool, "rb").read() == open(out, "rb").read()
            expect(same, "%s: the pool of 3 runs differs from `vitprof merge` of them" % prefix)
            if same:
                log("%s (%s): pool == vitprof merge of its 3 runs, %d bytes"
                    % (mode, "arcs in place" if tag == "p" else "arcs copied",
                       os.path.getsize(pool)))
            show_ok(a.vitprof, pool)


def case_limits(a):
    d = a.scratch
    prefix = "l-"
    pool, owns = runs_kept(a, a.prog, d, prefix, 1, "count")
    run_a = owns[0]
    edges, arcs = raw_sums(run_a)
    if not expect(edges > 0 and arcs > 0, "run A: edges %d, largest arc %d" % (edges, arcs)):
        return
    # W runs in the pool, then one more: (W + 1) x run fits every limit
    w = min((2**64 - 1) // edges, (2**63 - 1) // arcs) - 1
    log("one run: edges sum %d, largest arc counter %d; pool weight W = %d" % (edges, arcs, w))
    os.unlink(pool)
    p = subprocess.run([a.vitprof, "merge", "-w", "%d,%s" % (w, run_a), "-o", pool],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if not expect(p.returncode == 0, "merge -w W: %s" % p.stderr.decode()):
        return
    shutil.copy(pool, pool + ".start")
    _, owns_b = runs_kept(a, a.prog, d, prefix, 1, "count")
    run_b = owns_b[0]
    expect(raw_sums(run_b) == (edges, arcs), "run B counts differ from run A's")
    ref = os.path.join(d, "ab.vitraw")
    rc, err = merge_cmd(a, ref, ["-w", "%d,%s" % (w, run_a), run_b])
    expect(rc == 0, "vitprof merge -w W A B: %s" % err)
    expect(open(pool, "rb").read() == open(ref, "rb").read(),
           "at the limit: the pool differs from `vitprof merge -w W A B`")
    top_edges, top_arcs = raw_sums(pool)
    log("pool of W + 1 runs: edges sum %d (limit 2^64-1 = %d), largest arc %d "
        "(limit 2^63-1 = %d)" % (top_edges, 2**64 - 1, top_arcs, 2**63 - 1))
    expect(header_u64(pool, MERGED_RUNS_OFFSET) == w + 1, "merged_runs is not W + 1")
    # one run more passes a limit: refused by both, nothing changes
    before = open(pool, "rb").read()
    pattern = os.path.join(d, prefix + "%m.vitraw")
    seen = set(own_files(pool))
    rc, err = run(a.prog, [N, 3], pattern, {"VITPROF_MODE": "count"}, cwd=d)
    lines = err.splitlines()
    expect(rc == 3, "run C: status %d, expected 3 (the program's own)" % rc)
    expect(len(lines) == 1 and lines[0].startswith("vitprof: cannot merge into '") and
           "count overflow" in lines[0], "run C: stderr %r" % err)
    expect(open(pool, "rb").read() == before, "run C changed the pool")
    kept = [f for f in own_files(pool) if f not in seen]
    expect(len(kept) == 1, "run C: its own file was not kept: %s" % kept)
    if kept:
        out = os.path.join(d, "overflow.vitraw")
        rc, err = merge_cmd(a, out, [pool, kept[0]])
        expect(rc == 1 and "count overflow" in err and not os.path.exists(out),
               "vitprof merge of the pool and run C: status %d, %r" % (rc, err))
        log("past the limit: the runtime and vitprof merge both refuse: %s"
            % lines[0][:160] if lines else "")


def main():
    global vpgcov
    p = argparse.ArgumentParser()
    p.add_argument("case")
    p.add_argument("--prog", required=True)
    p.add_argument("--prog-copy", required=True)
    p.add_argument("--other", required=True)
    p.add_argument("--vitprof", required=True)
    p.add_argument("--scratch", required=True)
    p.add_argument("--vpgcov", required=True, help="directory of vpgcov.py")
    p.add_argument("--plugins", nargs=2, required=True)
    a = p.parse_args()
    sys.path.insert(0, a.vpgcov)
    import vpgcov as _v
    vpgcov = _v
    a.scratch = vptest.fresh_dir(a.scratch)
    cases = {"sequential": case_sequential, "concurrent": case_concurrent,
             "kill": case_kill, "time": case_time, "copy": case_copy,
             "fork": case_fork, "plugins": case_plugins, "refuse": case_refuse,
             "same_bytes": case_same_bytes, "limits": case_limits}
    if a.case not in cases:
        fail("unknown case %s" % a.case)
        finish()
    cases[a.case](a)
    finish()


if __name__ == "__main__":
    main()
