#!/usr/bin/env python3
"""Benchmarks the arc counters: libgcov against vitprof's runtime, in one run.

  bench/arcs.py [--build BUILD_DIR] [--runs N] [--scale S] [--out docs/benchmarks.md]

bench/branchy.c is compiled ONCE per flag set (-O2 -fprofile-arcs
-fdata-sections, and the same with -fprofile-update=atomic) and the same
objects are linked: with libgcov; with vitprof's runtime and its
linker-script fragment (counters mapped onto the raw file, "in place");
with vitprof's runtime without the fragment (counters copied at exit). The
compiled increments are identical, so in-place should cost what libgcov
costs. Plain -O2 (no counters) is the baseline. Every variant runs N times,
interleaved; medians are kept. The section between the ARCS markers of
docs/benchmarks.md is replaced.
"""
import argparse, os, shutil, statistics, sys, tempfile

from benchlib import replace_section, sh, timed

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BEGIN, END = "<!-- ARCS BEGIN (bench/arcs.py) -->", "<!-- ARCS END -->"




def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--scale", type=int, default=60)
    ap.add_argument("--out", default=os.path.join(TOP, "docs", "benchmarks.md"))
    a = ap.parse_args()
    rtdir = os.path.join(a.build, "rt")
    frag = os.path.join(TOP, "rt", "vitprof_arcs.ld")
    w = tempfile.mkdtemp(prefix="vitprof-arcs-")
    src = os.path.join(HERE, "branchy.c")
    vit = [f"-L{rtdir}", "-lvitprof_rt", f"-Wl,-rpath,{rtdir}"]
    # Functions aligned to 64 bytes: otherwise the same objects start at a
    # different offset within a cache line in each link (main at 0x1220 with
    # libgcov, 0x1090 with vitprof, measured), and the loops' alignment
    # alone moved the results by 8% either way.
    cc = ["gcc", "-O2", "-falign-functions=64"]
    sh(*cc, src, "-o", f"{w}/plain")
    variants = [("plain -O2 (no counters)", f"{w}/plain")]
    for tag, extra in (("", []), (" atomic", ["-fprofile-update=atomic"])):
        obj = f"{w}/branchy{tag.strip()}.o"
        sh(*cc, "-fprofile-arcs", "-ftest-coverage", "-fdata-sections", *extra,
           "-c", src, "-o", obj)
        sh("gcc", "-fprofile-arcs", obj, "-o", f"{w}/gcov{tag.strip()}")
        sh("gcc", obj, *vit, f"-Wl,-T,{frag}", "-o", f"{w}/inplace{tag.strip()}")
        variants.append((f"libgcov{tag}", f"{w}/gcov{tag.strip()}"))
        variants.append((f"vitprof in place{tag}", f"{w}/inplace{tag.strip()}"))
        if not tag:
            sh("gcc", obj, *vit, "-o", f"{w}/copy")
            variants.append(("vitprof copy at exit", f"{w}/copy"))
    env = dict(os.environ, GCOV_PREFIX=f"{w}/gcda", VITPROF_FILE=f"{w}/run.%p.vitraw")
    times = {n: [] for n, _ in variants}
    cpu_times = {n: [] for n, _ in variants}
    outs = set()
    for _ in range(a.runs):
        for name, exe in variants:
            t, ct, out = timed([exe, str(a.scale)], env)
            times[name].append(t)
            cpu_times[name].append(ct)
            outs.add(out)
            for f in os.listdir(w):
                if f.endswith(".vitraw"):
                    os.unlink(os.path.join(w, f))
            shutil.rmtree(f"{w}/gcda", ignore_errors=True)
    if len(outs) != 1:
        sys.exit("the builds printed different checksums: %s" % outs)
    med = {k: statistics.median(v) for k, v in times.items()}
    cmed = {k: statistics.median(v) for k, v in cpu_times.items()}
    spread = {k: (max(v) - min(v)) / statistics.median(v) for k, v in cpu_times.items()}
    base = cmed[variants[0][0]]
    rows = []
    for name, _ in variants:
        ref = cmed["libgcov atomic" if "atomic" in name else "libgcov"]
        rows.append(f"| {name} | {med[name]:.3f} s | {cmed[name]:.3f} s | "
                    f"±{spread[name] * 50:.0f}% | {cmed[name] / base:.2f}x | "
                    f"{'-' if name.startswith('plain') else f'{cmed[name] / ref:.3f}'} |")
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    table = "\n".join(rows)
    section = f"""{BEGIN}
## Arc counters: libgcov against vitprof's runtime

Measured by `bench/arcs.py` (one run: every variant in the same run,
{a.runs} interleaved repetitions; medians of wall time and of the
process's CPU time (user + system, which other load on the machine
disturbs less); ratios and ± (half the max-min spread) are of CPU time),
on {cpu}, {os.cpu_count()} CPUs, gcc 12. Workload:
`bench/branchy.c` at scale {a.scale} (Collatz loops, a switch-driven
tokenizer, insertion sort: conditional branches nearly everywhere). The
counter builds link the same objects (`-O2 -falign-functions=64
-fprofile-arcs -ftest-coverage -fdata-sections`), so the compiled
increments are identical; only the runtime and where the counters live
differ. (Without `-falign-functions=64` the same objects land at another
offset within a cache line in each link, and that alone moved the results
by about 8% in either direction.)

| build | wall | CPU | spread | vs plain | vs libgcov |
|---|---|---|---|---|---|
{table}

"vitprof in place" is the default vitprof link (`vitprof flags --link`:
the linker-script fragment gathers the counters into one page-aligned
section that the runtime maps onto the raw profile); its increments go to
page-cache pages of a shared file mapping instead of anonymous memory,
and it writes nothing at exit. "copy at exit" is a program linked by hand
without the fragment. Re-run with `bench/arcs.py --build build`.

Reading the numbers: the counter builds execute the same instructions
(`addq $1, counter(%rip)`, or `lock addq` with `-fprofile-update=atomic`),
and they cost the same within noise. On this shared 2-CPU VM the spread
inside one run is about ±10%, and three runs of the script during
development put vitprof in place at 0.945, 1.058 and 0.962 of libgcov (and
at 0.98-0.99 with atomic updates): the sign of the difference changes from
run to run. The counters themselves cost 5-15% over plain `-O2` on this
workload, and atomic increments double its time, for libgcov and vitprof
alike.
{END}"""
    replace_section(a.out, BEGIN, END, section)
    print(section)
    shutil.rmtree(w, ignore_errors=True)


if __name__ == "__main__":
    main()
