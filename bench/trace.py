#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Trace mode against the floor, count and time modes and `uftrace record`,
in one run; bytes per call; and the tool's speed and memory on big traces.

  bench/trace.py [--build BUILD_DIR] [--runs N] [--scale S] [--big-scale B]
                 [--out docs/benchmarks.md]

1. Cost per call: bench/callheavy.c at scale S, built as in bench/run.py
   (plain, empty hooks, vitprof's runtime; uftrace records the build with
   no runtime linked), every variant run N times, interleaved; median wall.
2. Bytes per call: the trace-mode raw file (whole, and its event bytes
   alone, from `vitprof show`'s trace summary) and uftrace's data directory,
   divided by the exact number of calls.
3. The tool on a trace of the workload at scale B (about 2 * 5.3e6 * B
   events): `vitprof replay`, `export --format chrome` and `--format
   perfetto` written to /dev/null: events per second and the tool's maximum
   RSS (getrusage of the child), against the trace's size.

Replaces the section between <!-- TRACE BEGIN --> and <!-- TRACE END --> of
docs/benchmarks.md.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

from benchlib import cpu_model, replace_section, sh

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def run_child(cmd, env=None, stdout=subprocess.DEVNULL):
    """(wall seconds, max RSS in KiB) of one run of cmd, which must succeed."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("%s exited with %d" % (cmd, os.waitstatus_to_exitcode(status)))
    return wall, ru.ru_maxrss


def tool_run(cmd, w):
    """(wall seconds, max RSS in KiB) of the tool's run, measured by
    /usr/bin/time in the child itself: os.wait4's ru_maxrss would count
    the forked copy of this script before exec."""
    out = os.path.join(w, "time.out")
    t0 = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out] + cmd, check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    with open(out) as f:
        return wall, int(f.read().split()[-1])


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def trace_event_bytes(tool, raw):
    """(bytes of events in the trace's chunks, read by the tests'
    independent decoder; calls on the timeline, from the tool's aggregate)."""
    sys.path.insert(0, os.path.join(TOP, "tests", "trace_rt"))
    import vptrace
    used = sum(c.used for c in vptrace.Profile(raw).chunks)
    doc = json.loads(subprocess.run([tool, "export", "--format", "vitprof", "-o", "-", raw],
                                    check=True, capture_output=True, text=True).stdout)
    return used, sum(f["calls"] for f in doc["functions"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", type=int, default=4)
    ap.add_argument("--big-scale", type=int, default=10)
    ap.add_argument("--out", default=os.path.join(TOP, "docs", "benchmarks.md"))
    a = ap.parse_args()
    rtdir = os.path.join(a.build, "rt")
    tool = os.path.join(a.build, "tools", "vitprof")
    w = tempfile.mkdtemp(prefix="vitprof-trace-bench-")
    src = os.path.join(HERE, "callheavy.c")
    cc = ["gcc", "-O2", "-g"]
    sh(*cc, src, "-o", f"{w}/plain")
    sh("gcc", "-O2", "-fPIC", "-shared", os.path.join(HERE, "empty_hooks.c"), "-o", f"{w}/libempty.so")
    sh(*cc, "-finstrument-functions", src, "-o", f"{w}/floor", f"-L{w}", "-lempty", f"-Wl,-rpath,{w}")
    sh(*cc, "-finstrument-functions", src, "-o", f"{w}/vitprof", f"-L{rtdir}", "-lvitprof_rt",
       f"-Wl,-rpath,{rtdir}")
    sh(*cc, "-finstrument-functions", src, "-o", f"{w}/libc_hooks")
    scale = str(a.scale)
    calls = a.scale * (20000 * 257 + (2 * 75025 - 1)) + 1   # fib(24): 2*fib(25)-1; + main

    def env(mode, name):
        return dict(os.environ, VITPROF_FILE=f"{w}/{name}.vitraw", VITPROF_MODE=mode)

    variants = [
        ("plain -O2", [f"{w}/plain", scale], None),
        ("-finstrument-functions, empty hooks (floor)", [f"{w}/floor", scale], None),
        ("vitprof, count mode", [f"{w}/vitprof", scale], env("count", "c")),
        ("vitprof, time mode", [f"{w}/vitprof", scale], env("time", "t")),
        ("vitprof, trace mode", [f"{w}/vitprof", scale], env("trace", "tr")),
    ]
    uftrace = shutil.which("uftrace")
    if uftrace:
        variants.append(("uftrace record", [uftrace, "record", "-d", f"{w}/uftrace.data",
                                            f"{w}/libc_hooks", scale], None))
    times = {name: [] for name, _, _ in variants}
    for _ in range(a.runs):
        for name, cmd, e in variants:
            times[name].append(run_child(cmd, e)[0])
    med = {k: statistics.median(v) for k, v in times.items()}
    base = med["plain -O2"]

    def per_call(name):
        return (med[name] - base) / calls * 1e9

    floor_ns = per_call(variants[1][0])
    rows = []
    for name, _, _ in variants:
        if name == "plain -O2":
            rows.append(f"| {name} | {med[name]:.3f} s | - | - | - |")
            continue
        ns = per_call(name)
        vs_time = f"{ns / per_call('vitprof, time mode'):.2f}x"
        rows.append(f"| {name} | {med[name]:.3f} s | {ns:.1f} ns | {ns / floor_ns:.2f}x | {vs_time} |")

    # The trace of the last run of each: sizes.
    raw = f"{w}/tr.vitraw"
    ev_bytes, traced = trace_event_bytes(tool, raw)
    if traced != calls:
        sys.exit(f"the trace holds {traced} calls, the program makes {calls}")
    raw_size = os.path.getsize(raw)
    uf_size = dir_bytes(f"{w}/uftrace.data") if uftrace else 0
    size_rows = [
        f"| vitprof trace, raw file | {raw_size / 1e6:.1f} MB | {raw_size / calls:.2f} |",
        f"| vitprof trace, events alone | {ev_bytes / 1e6:.1f} MB | {ev_bytes / calls:.2f} |",
    ]
    if uftrace:
        size_rows.append(f"| uftrace data directory | {uf_size / 1e6:.1f} MB | {uf_size / calls:.2f} |")

    # The tool on a big trace.
    big = str(a.big_scale)
    big_calls = a.big_scale * (20000 * 257 + (2 * 75025 - 1)) + 1
    big_raw = f"{w}/big.vitraw"
    os.unlink(raw)
    run_child([f"{w}/vitprof", big], dict(os.environ, VITPROF_FILE=big_raw, VITPROF_MODE="trace",
                                          VITPROF_TRACE_MAX="8g"))
    big_size = os.path.getsize(big_raw)
    tool_rows = []
    for label, cmd in [
        ("replay", [tool, "replay", big_raw]),
        ("export --format chrome", [tool, "export", "--format", "chrome", "-o", "-", big_raw]),
        ("export --format perfetto", [tool, "export", "--format", "perfetto", "-o", "-", big_raw]),
        ("show (aggregate from events)", [tool, "show", big_raw]),
    ]:
        wall, rss = tool_run(cmd, w)
        tool_rows.append(f"| {label} | {wall:.2f} s | {2 * big_calls / wall / 1e6:.1f} M | "
                         f"{rss / 1024:.0f} MiB |")

    section = f"""<!-- TRACE BEGIN (bench/trace.py) -->
## Trace mode

Measured by `bench/trace.py` (one run: every variant in the same run,
{a.runs} interleaved repetitions, median wall time) on {cpu_model()},
{os.cpu_count()} CPUs. Workload: `bench/callheavy.c` at scale {a.scale},
{calls:,} calls ({2 * calls:,} enter and exit events), known by construction
and checked against the number of events in the trace.

| build / tool | wall (median) | per call | vs floor | vs time mode |
|---|---|---|---|---|
{chr(10).join(rows)}

Goal: trace mode within 1.5x of time mode per call, at most 1/10 of uftrace's.

Bytes per call (the same run's files):

| file | size | bytes per call |
|---|---|---|
{chr(10).join(size_rows)}

Goal: at most 8 bytes per call.

The tool on a trace of scale {a.big_scale}: {2 * big_calls:,} events,
{big_size / 1e6:.0f} MB of raw file; output to /dev/null; events per second
and the tool's maximum resident memory:

| command | wall | events/s | max RSS |
|---|---|---|---|
{chr(10).join(tool_rows)}

Run it again with `bench/trace.py --build build`.
<!-- TRACE END -->"""
    replace_section(a.out, "<!-- TRACE BEGIN", "<!-- TRACE END -->", section)
    print(section)
    shutil.rmtree(w, ignore_errors=True)


if __name__ == "__main__":
    main()
