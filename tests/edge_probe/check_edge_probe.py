#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The edge table's probe, end to end (rt/vitprof_raw.h, vpr_edges_probe).

    check_edge_probe.py MODE --prog ep_prog --check ep_check --vitprof vitprof
                        --scratch DIR

MODE: count, time or context (VITPROF_MODE). ep_prog runs 4 threads, each
making 10,100 distinct call edges (10,101 context nodes), so that each
thread's table, 1,024 slots at first, grows three times. Then:
- ep_check (the format's own probe, not the tool's reader) finds every
  entry of the run's tables where vpr_edges_probe() puts its key, and the
  tool's reader (`vitprof show`, which refuses a misplaced entry) reads it;
- `vitprof merge` rewrites it: the same checks hold for the merged table,
  which holds one entry per distinct key of the run, and (count and time
  modes; the program is not PIE, so its addresses stay) the probe finds
  every key of the run in it;
- count and time modes: two runs merged online into a %m pool (rt_merge.c):
  the same checks, the pool holding one entry per distinct key of a run.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vptest import Checks  # noqa: E402

CHECKS = Checks("edge_probe")
log, fail, expect, finish = CHECKS.log, CHECKS.fail, CHECKS.expect, CHECKS.finish
THREADS = 4
EXE_LIMIT = 1 << 32           # a non-PIE executable's addresses are below this


def env_for(pattern, mode):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITPROF_")}
    env["VITPROF_FILE"] = pattern
    env["VITPROF_MODE"] = mode
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    return env


def ep_check(a, path, keys=None):
    """Runs ep_check; returns ([(shard, gen, cap, n_used)], set of keys)."""
    cmd = [a.check, path] + ([keys] if keys else [])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        fail(f"ep_check {os.path.basename(path)}: {p.stderr.strip()}")
        return [], set()
    tables, got = [], set()
    for line in p.stdout.splitlines():
        w = line.split()
        if w[0] == "table":
            tables.append(tuple(int(x) for x in w[1:]))
        elif w[0] == "key":
            got.add((int(w[1], 16), int(w[2], 16)))
    return tables, got


def tool_reads(a, path):
    p = subprocess.run([a.vitprof, "show", path], capture_output=True, text=True, timeout=120)
    expect(p.returncode == 0, f"vitprof show {os.path.basename(path)} reads it "
           f"(exit {p.returncode}: {p.stderr.strip()[:300]})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["count", "time", "context"])
    ap.add_argument("--prog", required=True)
    ap.add_argument("--check", required=True)
    ap.add_argument("--vitprof", required=True)
    ap.add_argument("--scratch", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.scratch, ignore_errors=True)
    os.makedirs(a.scratch)
    ctx = a.mode == "context"

    run = os.path.join(a.scratch, "run.vitraw")
    p = subprocess.run([a.prog, str(THREADS)], env=env_for(run, a.mode),
                       capture_output=True, text=True, timeout=120)
    expect(p.returncode == 0, f"ep_prog ran ({p.stderr.strip()[:300]})")
    tables, keys = ep_check(a, run)
    grown = [t for t in tables if t[1] >= 3]
    expect(len(grown) >= THREADS, f"{len(grown)} of the run's {len(tables)} tables grew "
           f"three times or more (generation, capacity, n_used: "
           f"{sorted((t[1], t[2], t[3]) for t in tables)})")
    per_thread = 10101 if ctx else 10100 + (1 if a.mode == "count" else 102)
    expect(all(t[3] >= per_thread for t in grown),
           f"each worker's table holds at least {per_thread} entries")
    tool_reads(a, run)

    merged = os.path.join(a.scratch, "merged.vitraw")
    p = subprocess.run([a.vitprof, "merge", "-o", merged, run], capture_output=True,
                       text=True, timeout=120)
    expect(p.returncode == 0, f"vitprof merge ({p.stderr.strip()[:300]})")
    exe_keys = os.path.join(a.scratch, "keys.txt")
    with open(exe_keys, "w") as f:
        for k0, fn in sorted(keys):
            if k0 < EXE_LIMIT and fn < EXE_LIMIT:
                f.write(f"{k0:x} {fn:x}\n")
    mtables, mkeys = ep_check(a, merged, None if ctx else exe_keys)
    expect(len(mtables) == 1, f"the merged profile has one table ({len(mtables)})")
    if ctx:
        # every worker makes the same paths below its root: one node each
        want = sum(t[3] for t in tables) - (THREADS - 1) * (grown[0][3] if grown else 0)
        expect(len({t[3] for t in grown}) == 1, "the workers' trees have one size")
    else:
        want = len(keys)
    expect(mtables and mtables[0][3] == want,
           f"the merged table holds {want} entries ({mtables[0][3] if mtables else '-'})")
    tool_reads(a, merged)

    if ctx:
        finish()
        return
    pattern = os.path.join(a.scratch, "pool-%m.vitraw")
    for i in range(2):
        p = subprocess.run([a.prog, str(THREADS)], env=env_for(pattern, a.mode),
                           capture_output=True, text=True, timeout=120)
        expect(p.returncode == 0 and not p.stderr.strip(),
               f"run {i + 1} merged into the pool ({p.stderr.strip()[:300]})")
    pools = [g for g in glob.glob(os.path.join(a.scratch, "pool-*.vitraw"))]
    expect(len(pools) == 1, f"one pool ({pools})")
    if pools:
        ptables, _ = ep_check(a, pools[0], exe_keys)
        expect(len(ptables) == 1 and ptables[0][3] == len(keys),
               f"the pool's table holds {len(keys)} entries "
               f"({ptables[0][3] if ptables else '-'})")
        tool_reads(a, pools[0])
    finish()


if __name__ == "__main__":
    main()
