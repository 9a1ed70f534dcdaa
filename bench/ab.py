#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The hot path before and after a change, in one run (docs/benchmarks.md,
section "Hot path A/B").

  bench/ab.py --before BUILD_A --after BUILD_B [--label-before L] [--label-after L]
              [--runs N] [--scale S] [--out docs/benchmarks.md]

BUILD_A and BUILD_B are build trees holding rt/libvitprof_rt.so (e.g. a
worktree of the commit before the change, built with `cmake --build BUILD_A
--target vitprof_rt`, and the current build). bench/callheavy.c is built once
with -finstrument-functions and run against each runtime (LD_LIBRARY_PATH
chooses it), in count, time, context and context,time modes, next to the
plain build and the empty-hook floor; all variants interleaved, N times each,
median wall time kept. Each run's profile is checked to count every call
(the count by construction), so both runtimes are measured doing the same
work.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile

from benchlib import sh, timed, replace_section, cpu_model

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BEGIN = "<!-- AB BEGIN (bench/ab.py) -->"
END = "<!-- AB END -->"
MODES = ["count", "time", "context", "context,time"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--label-before", default="before")
    ap.add_argument("--label-after", default="after")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--scale", type=int, default=4)
    ap.add_argument("--out", default=os.path.join(TOP, "docs", "benchmarks.md"))
    a = ap.parse_args()
    tool = os.path.join(a.after, "tools", "vitprof")
    rt = {a.label_before: os.path.join(os.path.abspath(a.before), "rt"),
          a.label_after: os.path.join(os.path.abspath(a.after), "rt")}
    for d in rt.values():
        if not os.path.exists(os.path.join(d, "libvitprof_rt.so")):
            sys.exit("no libvitprof_rt.so in %s" % d)
    w = tempfile.mkdtemp(prefix="vitprof-ab-")
    src = os.path.join(HERE, "callheavy.c")
    cc = ["gcc", "-O2", "-g"]
    sh(*cc, src, "-o", f"{w}/plain")
    sh("gcc", "-O2", "-fPIC", "-shared", os.path.join(HERE, "empty_hooks.c"), "-o",
       f"{w}/libempty.so")
    sh(*cc, "-finstrument-functions", src, "-o", f"{w}/floor", f"-L{w}", "-lempty",
       f"-Wl,-rpath,{w}")
    # linked against the "after" runtime, without an rpath: LD_LIBRARY_PATH picks
    sh(*cc, "-finstrument-functions", src, "-o", f"{w}/prog", f"-L{rt[a.label_after]}",
       "-lvitprof_rt")
    scale = str(a.scale)
    expected = a.scale * (20000 * 257 + (2 * 75025 - 1)) + 1
    variants = [("plain -O2", [f"{w}/plain", scale], dict(os.environ)),
                ("empty hooks (floor)", [f"{w}/floor", scale], dict(os.environ))]
    for label, d in rt.items():
        for mode in MODES:
            env = dict(os.environ, LD_LIBRARY_PATH=d, VITPROF_MODE=mode,
                       VITPROF_FILE=f"{w}/{label}-{mode.replace(',', '_')}.vitraw")
            variants.append((f"{label}, {mode}", [f"{w}/prog", scale], env))
    # each runtime counts every call, in every mode
    for name, cmd, env in variants[2:]:
        sh(*cmd, env=env, stdout=subprocess.DEVNULL)
        p = subprocess.run([tool, "export", "--format", "vitprof", "-o", "-",
                            env["VITPROF_FILE"]], capture_output=True, text=True, check=True)
        calls = sum(f["calls"] for f in json.loads(p.stdout)["functions"])
        if calls != expected:
            sys.exit(f"{name}: {calls} calls counted, the program makes {expected}")
    times = {name: [] for name, _, _ in variants}
    for _ in range(a.runs):
        for name, cmd, env in variants:
            times[name].append(timed(cmd, env)[0])
    med = {k: statistics.median(v) for k, v in times.items()}
    base = med["plain -O2"]

    def ns(name):
        return (med[name] - base) / expected * 1e9

    floor = ns("empty hooks (floor)")
    rows = [f"| {m} | {ns(f'{a.label_before}, {m}'):.1f} ns ({ns(f'{a.label_before}, {m}') / floor:.2f}x) "
            f"| {ns(f'{a.label_after}, {m}'):.1f} ns ({ns(f'{a.label_after}, {m}') / floor:.2f}x) "
            f"| {ns(f'{a.label_after}, {m}') / ns(f'{a.label_before}, {m}'):.2f} |" for m in MODES]
    spread = {m: (min(times[f"{a.label_after}, {m}"]), max(times[f"{a.label_after}, {m}"]))
              for m in MODES}
    section = f"""{BEGIN}
## Hot path A/B: {a.label_before} against {a.label_after}

Measured by `bench/ab.py` in one run on {cpu_model()}, {os.cpu_count()} CPUs:
`bench/callheavy.c` at scale {a.scale} ({expected:,} calls, each runtime's
profile checked to count all of them), one binary run against each
runtime, {a.runs} interleaved repetitions, median wall time; per call =
(variant - plain) / calls, the ratio in parentheses to the empty-hook
floor ({floor:.1f} ns per call in this run).

| mode | {a.label_before} | {a.label_after} | {a.label_after} / {a.label_before} |
|---|---|---|---|
{chr(10).join(rows)}

Spread of the {a.label_after} runs (min-max wall, s): {', '.join(f'{m} {lo:.3f}-{hi:.3f}' for m, (lo, hi) in spread.items())}.
{END}"""
    replace_section(a.out, BEGIN, END, section)
    print(section)
    shutil.rmtree(w, ignore_errors=True)


if __name__ == "__main__":
    main()
