#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmarks gcc -fprofile-generate training runs and their profiles, with
libgcov and with vitprof's runtime, on the same objects.

  bench/pgo_values.py [--build BUILD_DIR] [--runs N] [--train-runs N]
                      [--out docs/benchmarks.md] [--check]

Programs: bench/pgo_values.c (value-profile kernels: indirect call, div/mod
by a variable, memcpy/memset of a variable size, function layout) and
cJSON (bench/real/cjson/). Each source is compiled once per update mode
with `-O2 -falign-functions=64 -fprofile-generate -fdata-sections`
(and `-fprofile-update=atomic`) into a fixed object path, and the same
objects are linked twice: with libgcov (`gcc -fprofile-generate`) and with
vitprof's runtime (-lvitprof_gcov -lvitprof_rt and the linker-script
fragment rt/vitprof_arcs.ld: counters in place).

1. Training cost: plain -O2 and the four training builds run the cost input,
   interleaved, --train-runs times; each run starts with no profile on disk.
2. Profile feedback: the single-update builds run the training input once
   each (ASLR off, so that address-derived counters agree); libgcov's .gcda
   and `vitprof gcda`'s are compared with cmp, then each is fed to
   `gcc -O2 -fprofile-use -Wcoverage-mismatch -Wmissing-profile -Werror`,
   compiled to the training object paths (GCC hashes the object path into
   static functions' ids); the two -fprofile-use objects are compared with
   cmp. Plain -O2 and both -fprofile-use builds run each measured input,
   interleaved, --runs times.

The section between the PGO VALUES markers of docs/benchmarks.md is
replaced. --check: one repetition, nothing written, exit status 1 unless
the .gcda and the -fprofile-use objects are identical.
"""
import argparse, filecmp, os, re, shutil, statistics, subprocess, sys, tempfile

from benchlib import cpu_model, replace_section, run_interleaved, sh

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BEGIN, END = "<!-- PGO VALUES BEGIN (bench/pgo_values.py) -->", "<!-- PGO VALUES END -->"
CC = ["gcc", "-O2", "-falign-functions=64"]
GEN = ["-fprofile-generate", "-fdata-sections"]
CJSON = os.path.join(HERE, "real", "cjson")

# name, sources, extra compile flags, training input, cost input,
# [(label, measured input)]
PROGRAMS = [
    ("pgo_values", [os.path.join(HERE, "pgo_values.c")], [], ["all", "1"], ["all", "2"],
     [(k, [k, "10"]) for k in ("icall", "divmod", "string", "layout")]),
    ("cjson", [os.path.join(CJSON, "cJSON.c"), os.path.join(CJSON, "cjson_bench.c")],
     ["-I" + CJSON], ["2", "500"], ["10"], [("cjson", ["12"])]),
]
MODES = [("single", []), ("atomic", ["-fprofile-update=atomic"])]


class Program:
    """One program's objects and executables under w/name."""

    def __init__(self, w, build, spec):
        self.name, self.srcs, self.cflags, self.train, self.cost, self.measure = spec
        self.w = os.path.join(w, self.name)
        self.build = build
        rtdir = os.path.join(build, "rt")
        self.vp_libs = [f"-L{rtdir}", f"-Wl,-rpath,{rtdir}", "-lvitprof_gcov", "-lvitprof_rt",
                        "-Wl,-T," + os.path.join(TOP, "rt", "vitprof_arcs.ld"),
                        "-Wl,--build-id"]
        os.makedirs(self.w)
        self.exe = {"plain": self.path("plain")}
        sh(*CC, *self.cflags, *self.srcs, "-o", self.exe["plain"])
        for mode, flags in MODES:
            objs = self.compile(mode, GEN + flags)
            sh("gcc", *objs, "-fprofile-generate", "-o", self.path("libgcov-" + mode))
            sh("gcc", *objs, *self.vp_libs, "-o", self.path("vitprof-" + mode))
            self.exe["libgcov-" + mode] = self.path("libgcov-" + mode)
            self.exe["vitprof-" + mode] = self.path("vitprof-" + mode)

    def path(self, *p):
        return os.path.join(self.w, *p)

    def objdir(self, mode):
        return self.path("obj-" + mode)

    def compile(self, mode, flags):
        """Compiles every source into obj-MODE/<base>.o; returns the objects."""
        d = self.objdir(mode)
        os.makedirs(d, exist_ok=True)
        objs = []
        for s in self.srcs:
            o = os.path.join(d, os.path.splitext(os.path.basename(s))[0] + ".o")
            sh(*CC, *self.cflags, *flags, "-c", s, "-o", o)
            objs.append(o)
        return objs

    def train_profiles(self, vitprof):
        """Runs the single-update builds once on the training input and
        returns {who: {gcda basename: path}} and whether the .gcda pairs
        are identical."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GCOV_", "VITPROF_"))}
        env["GCOV_PREFIX"] = self.path("lg-out")
        env["VITPROF_FILE"] = self.path("train.vitraw")
        for who in ("libgcov", "vitprof"):
            sh("setarch", "-R", self.exe[who + "-single"], *self.train, env=env,
               stdout=subprocess.DEVNULL)
        sh(vitprof, "gcda", "--prefix", self.path("vp-out"), self.path("train.vitraw"),
           stdout=subprocess.DEVNULL)
        rel = self.objdir("single").lstrip("/")
        found = {}
        for who, root in (("libgcov", "lg-out"), ("vitprof", "vp-out")):
            d = self.path(root, rel)
            found[who] = {f: os.path.join(d, f) for f in os.listdir(d) if f.endswith(".gcda")}
        want = sorted(os.path.splitext(os.path.basename(s))[0] + ".gcda" for s in self.srcs)
        if sorted(found["libgcov"]) != want or sorted(found["vitprof"]) != want:
            sys.exit(f"{self.name}: .gcda written: {found}, expected {want}")
        same = all(filecmp.cmp(found["libgcov"][f], found["vitprof"][f], shallow=False)
                   for f in want)
        return found, same

    def use_builds(self, gcdas):
        """Builds `-fprofile-use` executables from each set of .gcda, compiled
        to the training object paths; returns whether the objects are
        identical."""
        d = self.objdir("single")
        kept = {}
        for who, files in gcdas.items():
            for f in os.listdir(d):
                if f.endswith(".gcda"):
                    os.unlink(os.path.join(d, f))
            for f, p in files.items():
                shutil.copy(p, os.path.join(d, f))
            objs = self.compile("single", ["-fprofile-use", "-Wcoverage-mismatch",
                                           "-Wmissing-profile", "-Werror"])
            kept[who] = []
            for o in objs:
                shutil.copy(o, o + "." + who)
                kept[who].append(o + "." + who)
            self.exe["use-" + who] = self.path("use-" + who)
            sh("gcc", *objs, "-o", self.exe["use-" + who])
        return all(filecmp.cmp(a, b, shallow=False)
                   for a, b in zip(kept["libgcov"], kept["vitprof"]))


def hot_span(exe):
    """Bytes between the first and the end of the last of pgo_values.c's
    hot layout functions (f_000, f_010, ... f_3f0) in exe."""
    out = subprocess.run(["nm", "-S", exe], check=True, capture_output=True, text=True).stdout
    addrs = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and re.fullmatch(r"f_[0-3][0-9a-f]{2}", f[3]) and int(f[3][2:], 16) % 16 == 0:
            addrs.append((int(f[0], 16), int(f[1], 16)))
    if len(addrs) != 64:
        return None
    return max(a + s for a, s in addrs) - min(a for a, _ in addrs)


def word(speedup):
    """How a speedup reads in a sentence."""
    if speedup > 1.05:
        return f"faster than plain `-O2` ({speedup:.2f}x)"
    if speedup < 0.95:
        return f"slower than plain `-O2` ({speedup:.2f}x)"
    return f"as fast as plain `-O2` within 5% ({speedup:.2f}x)"


def med(xs):
    return statistics.median(xs)


def spread(xs):
    return (max(xs) - min(xs)) / med(xs) * 50


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--train-runs", type=int, default=9)
    ap.add_argument("--out", default=os.path.join(TOP, "docs", "benchmarks.md"))
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    if a.check:
        a.runs = a.train_runs = 1
    build = os.path.abspath(a.build)
    vitprof = os.path.join(build, "tools", "vitprof")
    w = tempfile.mkdtemp(prefix="vitprof-pgo-values-")
    progs = [Program(w, build, spec) for spec in PROGRAMS]

    # 1. Training cost.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GCOV_", "VITPROF_"))}
    env["GCOV_PREFIX"] = os.path.join(w, "cost-gcda")
    env["VITPROF_FILE"] = os.path.join(w, "cost.%p.vitraw")

    def forget_profiles():
        shutil.rmtree(env["GCOV_PREFIX"], ignore_errors=True)
        for f in os.listdir(w):
            if f.endswith(".vitraw"):
                os.unlink(os.path.join(w, f))

    cost_rows, single_ratio = [], []
    names = ["plain", "libgcov-single", "vitprof-single", "libgcov-atomic", "vitprof-atomic"]
    for p in progs:
        r = run_interleaved([(n, [p.exe[n], *p.cost]) for n in names], a.train_runs, env,
                            forget_profiles)
        base = med(r["plain"][1])
        arg = " ".join(p.cost)
        cost_rows.append(f"| {p.name} `{arg}` | plain -O2 | {med(r['plain'][0]):.3f} s | "
                         f"{base:.3f} s | ±{spread(r['plain'][1]):.0f}% | 1.00x | |")
        single_ratio.append((p.name, med(r["vitprof-single"][1]) / med(r["libgcov-single"][1])))
        for mode, _ in MODES:
            lg, vp = r["libgcov-" + mode], r["vitprof-" + mode]
            for who, x in (("libgcov", lg), ("vitprof", vp)):
                ratio = "" if who == "libgcov" else (
                    f"wall {med(vp[0]) / med(lg[0]):.3f}, CPU {med(vp[1]) / med(lg[1]):.3f}")
                cost_rows.append(f"| {p.name} `{arg}` | {who}, {mode} | {med(x[0]):.3f} s | "
                                 f"{med(x[1]):.3f} s | ±{spread(x[1]):.0f}% | "
                                 f"{med(x[1]) / base:.2f}x | {ratio} |")

    # Instructions executed (callgrind counts them exactly, whatever else the
    # machine does): the runtimes' own work, free of this VM's timing noise.
    ir_rows = []
    for p in progs:
        ir = {}
        for n in ("libgcov-single", "vitprof-single"):
            out = os.path.join(w, "cg.out")
            r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                                p.exe[n], *p.cost], env=env, capture_output=True, text=True)
            forget_profiles()
            m = [l for l in r.stderr.splitlines() if "Collected :" in l]
            ir[n] = int(m[0].split(":")[-1]) if m else 0
        if ir["libgcov-single"]:
            ir_rows.append(f"| {p.name} `{' '.join(p.cost)}` | {ir['libgcov-single']:,} | "
                           f"{ir['vitprof-single']:,} | "
                           f"{ir['vitprof-single'] / ir['libgcov-single']:.3f} |")

    cost_verdict = ("slower than libgcov's" if any(v > 1.05 for _, v in single_ratio)
                    else "within 5% of libgcov's")
    cost_note = "; ".join(f"{n}: vitprof / libgcov CPU {v:.2f}" for n, v in single_ratio)

    # 2. Profile feedback.
    use_rows, checks, speedup = [], [], {}
    for p in progs:
        gcdas, gcda_same = p.train_profiles(vitprof)
        obj_same = p.use_builds(gcdas)
        checks.append((p.name, gcda_same, obj_same))
        for label, args in p.measure:
            builds = [("plain -O2", p.exe["plain"]),
                      ("-fprofile-use, libgcov .gcda", p.exe["use-libgcov"]),
                      ("-fprofile-use, vitprof .gcda", p.exe["use-vitprof"])]
            r = run_interleaved([(n, [e, *args]) for n, e in builds], a.runs, env)
            base = med(r["plain -O2"][1])
            speedup[label] = base / med(r["-fprofile-use, vitprof .gcda"][1])
            for n, _ in builds:
                wall, cpu = r[n]
                use_rows.append(f"| {label} `{' '.join(args)}` | {n} | {med(wall):.3f} s | "
                                f"{med(cpu):.3f} s | ±{spread(cpu):.0f}% | "
                                f"{base / med(cpu):.2f}x |")
    span_plain = hot_span(progs[0].exe["plain"])
    span_use = hot_span(progs[0].exe["use-vitprof"])

    ok = all(g and o for _, g, o in checks)
    check_lines = "\n".join(
        f"- {n}: the .gcda files of libgcov and `vitprof gcda` are "
        f"{'identical' if g else 'DIFFERENT'} (cmp); the `-fprofile-use` objects built "
        f"from them are {'identical' if o else 'DIFFERENT'} (cmp)." for n, g, o in checks)
    print(check_lines)
    if a.check:
        shutil.rmtree(w, ignore_errors=True)
        sys.exit(0 if ok else 1)
    gccv = subprocess.run(["gcc", "-dumpfullversion"], capture_output=True,
                          text=True).stdout.strip()
    section = f"""{BEGIN}
## -fprofile-generate: training cost and profile feedback, libgcov against vitprof

Measured by `bench/pgo_values.py` (one run of the script, every figure
below from that run) on {cpu_model()}, {os.cpu_count()} CPUs, gcc {gccv}.
Each source is compiled once per update mode with `-O2
-falign-functions=64 -fprofile-generate -fdata-sections` (and
`-fprofile-update=atomic`), and the same objects are linked twice: with
libgcov (`gcc -fprofile-generate`) and with vitprof's runtime
(`-lvitprof_gcov -lvitprof_rt -Wl,-T,rt/vitprof_arcs.ld`: counters and
value lists in the mapped raw file). The compiled code is identical; only
the runtime differs. Medians of wall time and of the child's CPU time
(user + system); ± is half the max-min spread of CPU time; ratios are of
medians from the same run. On this shared 2-CPU VM, CPU time is the figure
to trust.

Programs:
- `bench/pgo_values.c`: kernels where the value profiles change the code.
  `icall`, a hot call through a function-pointer table whose target is
  chosen at run time and is always `step_mix` (promoted to a guarded direct
  call and inlined); `divmod`, 64-bit `%` and `/` by a variable that is
  1000 in 1023 calls of 1024 (specialized to a multiply); `string`,
  `memcpy`/`memset` of a size that is 24/40 in 511 calls of 512 (inlined as
  moves for that size); `layout`, 1024 functions of which 64 are hot, one
  in 16 (2 KiB apart in a plain `-O2` link), the others called once after
  them. `all`
  runs every kernel.
- cJSON 1.7.15 (`bench/real/cjson/`, MIT, Debian 12's source, 3,400
  lines) with a driver that parses, walks, prints, duplicates, compares
  and minifies a generated document of 2,000 records. Chosen because it is
  dependency-free C99 built by one compiler line, its licence allows
  keeping it in the repository, and its hot paths (a character-by-character
  parser and printer, string escaping, lookups by key) are what profile
  feedback is for.

### Training-run cost

Plain `-O2` and the four training builds run the input shown, interleaved,
{a.train_runs} times; each run starts with no profile on disk (libgcov
writes its .gcda at exit, vitprof's counters are written in place in the
mapped file as the program runs). "vs plain" is CPU time over plain
`-O2`'s; "vitprof / libgcov" the ratios of the medians, same update mode.

| program, input | build | wall | CPU | spread | vs plain | vitprof / libgcov |
|---|---|---|---|---|---|---|
{chr(10).join(cost_rows)}

Instructions executed by the single-update training builds, counted by
`valgrind --tool=callgrind` (exact and repeatable, whatever the machine
does; the value profilers of both runtimes are direct calls into code
linked into the program, `libvitprof_gcov.a` for vitprof):

| program, input | libgcov | vitprof | vitprof / libgcov |
|---|---|---|---|
{chr(10).join(ir_rows)}

### Profile feedback from the two profiles

The single-update builds each ran the training input once (`pgo_values all
1`, `cjson_bench 2 500`, ASLR off so that the alignment profiles agree);
libgcov's .gcda and `vitprof gcda`'s were each fed to `gcc -O2
-falign-functions=64 -fprofile-use -Wcoverage-mismatch -Wmissing-profile
-Werror` (no warning), compiled to the training objects' paths (GCC hashes
the object path into static functions' ids).

{check_lines}

Then plain `-O2` and the two `-fprofile-use` builds ran each measured
input, interleaved, {a.runs} times. Speedup is plain `-O2`'s CPU time over
the build's.

| kernel, input | build | wall | CPU | spread | speedup vs -O2 |
|---|---|---|---|---|---|
{chr(10).join(use_rows)}

What the profile changed (GCC's `-fopt-info` on the `-fprofile-use`
compile of `pgo_values.c` reports "Indirect call -> direct call ...
step_mix", "div/mod by constant 1000", "single value 24 stringop for
BUILT_IN_MEMCPY", "single value 40 stringop for BUILT_IN_MEMSET"): in the
`layout` kernel the 64 hot functions span
{f"{span_plain // 1024} KiB" if span_plain else "?"} of code in the plain
`-O2` build and {f"{span_use // 1024} KiB" if span_use else "?"} in the
`-fprofile-use` build (`nm -S`), which places hot functions apart from the
once-run ones and orders them by first call (the time profiler). The two
`-fprofile-use` builds are the same object code, so their rows differ by
noise only: read the speedup column, which is the same for vitprof's
profile as for libgcov's.

Reading the numbers:
- Training with atomic updates costs the same with either runtime (the
  `lock` increments dominate). With single updates vitprof's training run
  was {cost_verdict} in this run ({cost_note}) by CPU time, while the
  instruction counts above are the exact measure of the runtimes' own
  work. History: a first version of vitprof's topn path measured 1.35x
  libgcov's here (`perf record -e cpu-clock`: per list entry it reloaded
  the arena's limits and divided the reference by a chunk size that was
  not a power of two, and every profiler call went through the PLT into
  libvitprof_rt.so). The profilers are now linked into each object
  (`libvitprof_gcov.a`, direct calls as libgcov's), a reference is found
  by a shift and a mask, and the limit is read once per value: the
  instruction counts above are the result. On this VM the CPU time of the
  same binary also falls into two modes (about 0.38 s and 0.62 s for
  `all 2`, for either runtime, from run to run), which the medians of 9
  runs do not always average out: where the CPU ratio and the instruction
  ratio disagree, that is why.
- Profile feedback: the `-fprofile-use` objects are the same bytes from
  either profile, so the two speedup columns differ by noise only.
  `icall`, `divmod` and `string` show the value-profile transformations
  paying; in `layout` the profile changed the layout (see the spans
  above) and the hot loop ran {word(speedup["layout"])}; cJSON's
  `-fprofile-use` build ran {word(speedup["cjson"])} in this run (a
  slowdown would be GCC's doing with either profile, as for `branchy.c`
  in the `bench/pgo.py` section: the objects are identical; not analysed
  further here).

Re-run with `bench/pgo_values.py --build build` (about three minutes);
`bench/pgo_values.py --build build --check` only checks that the .gcda and
the `-fprofile-use` objects are identical.
{END}"""
    replace_section(a.out, BEGIN, END, section)
    print(section)
    shutil.rmtree(w, ignore_errors=True)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
