#!/usr/bin/env python3
"""Benchmarks vitprof against the empty-hook floor and uftrace, in one run.

  bench/run.py [--build BUILD_DIR] [--runs N] [--scale S] [--out docs/benchmarks.md]

Builds bench/callheavy.c as: plain -O2; -O2 -finstrument-functions with empty
hooks (the floor); the same with vitprof's runtime, run in count and time
mode; and, when uftrace is installed, the libc-hooked build under `uftrace
record`. Each variant runs N times, interleaved; the median wall time is
kept. ns/call = (median - plain median) / calls, where calls is the exact
count vitprof itself reports (cross-checked against the count by
construction printed below).
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

from benchlib import sh

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)



def timed(cmd, env=None):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", type=int, default=4)
    ap.add_argument("--out", default=os.path.join(TOP, "docs", "benchmarks.md"))
    a = ap.parse_args()
    rtdir = os.path.join(a.build, "rt")
    tool = os.path.join(a.build, "tools", "vitprof")
    w = tempfile.mkdtemp(prefix="vitprof-bench-")
    src = os.path.join(HERE, "callheavy.c")
    cc = ["gcc", "-O2", "-g"]
    sh(*cc, src, "-o", f"{w}/plain")
    sh("gcc", "-O2", "-fPIC", "-shared", os.path.join(HERE, "empty_hooks.c"), "-o", f"{w}/libempty.so")
    sh(*cc, "-finstrument-functions", src, "-o", f"{w}/floor", f"-L{w}", "-lempty", f"-Wl,-rpath,{w}")
    sh(*cc, "-finstrument-functions", src, "-o", f"{w}/vitprof", f"-L{rtdir}", "-lvitprof_rt", f"-Wl,-rpath,{rtdir}")
    sh(*cc, "-finstrument-functions", src, "-o", f"{w}/libc_hooks")
    scale = str(a.scale)
    expected = a.scale * (20000 * 257 + (2 * 75025 - 1)) + 1   # fib(24): 2*fib(25)-1; + main
    raw = f"{w}/count.vitraw"
    env = dict(os.environ, VITPROF_FILE=raw)
    subprocess.run([f"{w}/vitprof", scale], check=True, stdout=subprocess.DEVNULL, env=env)
    prof = json.loads(subprocess.run([tool, "export", "--format", "vitprof", "-o", "-", raw],
                                     check=True, capture_output=True, text=True).stdout)
    calls = sum(f["calls"] for f in prof["functions"])
    if calls != expected:
        sys.exit(f"vitprof counted {calls} calls, the program makes {expected}")
    variants = [
        ("plain -O2", [f"{w}/plain", scale], None),
        ("-finstrument-functions, empty hooks (floor)", [f"{w}/floor", scale], None),
        ("vitprof, count mode", [f"{w}/vitprof", scale], dict(os.environ, VITPROF_FILE=f"{w}/c.vitraw")),
        ("vitprof, time mode", [f"{w}/vitprof", scale],
         dict(os.environ, VITPROF_FILE=f"{w}/t.vitraw", VITPROF_MODE="time")),
        ("vitprof, context mode", [f"{w}/vitprof", scale],
         dict(os.environ, VITPROF_FILE=f"{w}/x.vitraw", VITPROF_MODE="context")),
        ("vitprof, context,time mode", [f"{w}/vitprof", scale],
         dict(os.environ, VITPROF_FILE=f"{w}/xt.vitraw", VITPROF_MODE="context,time")),
    ]
    uftrace = shutil.which("uftrace")
    if uftrace:
        variants.append(("uftrace record", [uftrace, "record", "-d", f"{w}/uftrace.data", f"{w}/libc_hooks", scale], None))
    times = {name: [] for name, _, _ in variants}
    for _ in range(a.runs):
        for name, cmd, e in variants:
            times[name].append(timed(cmd, e))
    med = {k: statistics.median(v) for k, v in times.items()}
    base = med["plain -O2"]
    floor_ns = (med[variants[1][0]] - base) / calls * 1e9
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    def ns_per_call(name):
        return (med[name] - base) / calls * 1e9 if name in med else float("nan")

    rows = []
    for name, _, _ in variants:
        per = (med[name] - base) / calls * 1e9
        ratio = "-" if name == "plain -O2" else f"{per / floor_ns:.2f}x"
        rows.append(f"| {name} | {med[name]:.3f} s | {'-' if name == 'plain -O2' else f'{per:.1f} ns'} | {ratio} |")
    table = "\n".join(rows)
    text = f"""# Benchmarks

Measured by `bench/run.py` (one run of the script: every variant below in the
same run, {a.runs} interleaved repetitions each, median wall time), on
{cpu}, {os.cpu_count()} CPUs, gcc 12.

## Cost per instrumented call

Workload: `bench/callheavy.c` at scale {a.scale}: {calls:,} instrumented calls
(counted exactly by vitprof, equal to the count by construction), a bytecode
interpreter calling its opcodes through a table plus recursive fib. ns/call =
(variant - plain) / calls; the ratio is to the empty-hook floor, the cost any
`-finstrument-functions` runtime pays before it does anything.

| build / tool | wall (median) | per call | vs floor |
|---|---|---|---|
{table}

Targets from issue #2: count mode at most 2x the floor per call; time mode at
most 30 ns per call on this machine.

Reading the numbers (this run):
- Count mode costs {ns_per_call('vitprof, count mode'):.1f} ns per call against the floor's
  {floor_ns:.1f} ns: a hash of (call site, callee), a probe and an increment in
  the thread's own table. An earlier run on a quieter host measured 3.4 ns
  against a 3.5 ns floor: on this VM the absolute figures move by 2-5x
  between runs; read the ratios.
- Time mode costs {ns_per_call('vitprof, time mode'):.1f} ns per call in this run
  ({'within' if ns_per_call('vitprof, time mode') <= 30 else 'over'} the 30 ns target; the earlier run on a quieter host
  measured 20.6 ns): two timestamps per call (`rdtsc`, about 11 ns each on
  this VM, see `../shared/reference/anchors.md`) plus the shadow-stack push
  and pop and a second table lookup (the callee's function record). An
  interleaved A/B of time mode in the session that added context mode
  (runtime before and after, five runs each) gave medians of 0.97 s and
  1.03 s with overlapping ranges: the host moved, not the hot path.
- Context mode (`VITPROF_MODE=context`) keeps a shadow stack of calling-context
  tree nodes and looks up (parent node, callee) per call, but reads no clock:
  {ns_per_call('vitprof, context mode'):.1f} ns per call. `context,time` adds the
  timestamps: {ns_per_call('vitprof, context,time mode'):.1f} ns. Since issue 12,
  time and context modes also find each frame's CFA on entry (a scan of a
  few words up from the hook's frame for the return address), so that a
  frame left by longjmp is told apart whatever the callee's prologue. A
  variant that keyed context nodes by call site too, for exact per-site
  edges, measured 24.5 ns per call (against 10.5 ns in the same session):
  a recursive function with two call sites gets one node per call
  (fib(24), by construction: 150,049 nodes, one per call, instead of 25;
  the node count was derived, not measured). It was not kept.
- uftrace records every entry and exit (16 bytes each) to a trace file;
  vitprof's file grows with the number of distinct call edges (or paths),
  not calls.

Run it again with `bench/run.py --build build` (after `cmake --build build`);
`--runs` and `--scale` trade time for stability.
"""
    # Keep the sections the other scripts maintain in the same file (from
    # bench/arcs.py's on: arcs.py, pgo.py, pgo_values.py, ctx_depth.py).
    try:
        with open(a.out) as f:
            old = f.read()
        i = old.find("<!-- ARCS BEGIN")
        if i >= 0:
            text = text.rstrip("\n") + "\n\n" + old[i:]
    except OSError:
        pass
    with open(a.out, "w") as f:
        f.write(text)
    print(text)
    shutil.rmtree(w, ignore_errors=True)


if __name__ == "__main__":
    main()
