#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""-fprofile-generate objects run on libgcov and on vitprof's runtime: the
.gcda `vitprof gcda` writes must be the bytes libgcov writes (cmp), and
`gcc -O2 -fprofile-use -Werror` must build the same object from both.

Usage: check_values.py CASE --cc gcc|gcc-11 --vitprof PATH --rtdir DIR
                       --ldscript PATH --src DIR --scratch DIR [--sanitized]

The same objects (values.c, libvals.c, libdlmod.c) are linked twice: with
libgcov (`CC -fprofile-generate` at link, the ground truth) and with
vitprof's runtime (-lvitprof_gcov -lvitprof_rt, the linker-script fragment:
counters in place). Both run with ASLR off (setarch -R) and the same
environment, so that the profiled alignments of stack buffers are equal.

Cases:
  one      one run, every counter kind, the executable and its library
  merge    two runs with other values into one .gcda: lists fill, values
           are replaced, totals go negative, as libgcov merges them
  kill     both runs call __gcov_dump() then SIGKILL themselves: vitprof's
           mapped profile gives the bytes libgcov's dump wrote
  fork     a fork child's run and its parent's into one .gcda
  threads  -fprofile-update=atomic objects, two threads
  dlopen   a library dlopen()ed and dlclose()d twice
  exec     a process that execs itself: one .gcda for both images
  use      gcc -O2 -fprofile-use -Wcoverage-mismatch -Wmissing-profile
           -Werror objects from both .gcda are identical, and differ from
           a build without the profile
  arena    VITPROF_VALUES_MAX=10: the values that found no room are
           counted, shown by `vitprof show` and noted by `vitprof gcda`
  corrupt  a raw profile whose value arena does not match its counters is
           refused with one line naming the file and the function
  vmerge   vitprof merge -w 2,A B and a %m pool of runs a, a, b give
           libgcov's bytes after the runs a, a, b
  symbols  every __gcov_* symbol the compiler's objects need, under every
           profiling option, is defined by vitprof's runtime
  gcovjson lines and branches of -fprofile-arcs and -fprofile-generate
           builds equal gcov --json-format of the same GCC version
  dirs     vitprof gcda -d DIR gives the names gcc -fprofile-use=DIR reads;
           -fprofile-generate=DIR with GCOV_PREFIX(_STRIP) as libgcov
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vptest import Checks, run, san_flags  # noqa: E402

C = Checks("pgo_values")


def sh(cmd, cwd=None, env=None, check=True):
    r = run(cmd, cwd=cwd, env=env)
    if check and r.returncode != 0:
        C.fail("%s exited %d:\n%s%s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
        C.finish()
    return r


class Build:
    def __init__(self, a, atomic=False):
        self.a = a
        w = os.path.abspath(a.scratch)
        shutil.rmtree(w, ignore_errors=True)
        self.obj = os.path.join(w, "obj")
        self.lg = os.path.join(w, "lg")
        self.vp = os.path.join(w, "vp")
        for d in (self.obj, self.lg, self.vp):
            os.makedirs(d)
        self.san = san_flags(a.sanitized)
        flags = ["-O2", "-g", "-fprofile-generate", "-fdata-sections"] + self.san
        if atomic:
            flags += ["-fprofile-update=atomic", "-pthread"]
        self.flags = flags
        sh([a.cc, "-O2", "-c", os.path.join(a.src, "die.c"), "-o",
            os.path.join(self.obj, "die.o")])
        for src, pic in (("values.c", False), ("libvals.c", True), ("libdlmod.c", True)):
            out = os.path.join(self.obj, src[:-2] + ".o")
            sh([a.cc] + flags + (["-fPIC"] if pic else []) +
               ["-c", os.path.join(a.src, src), "-o", out])
        vp_libs = ["-L" + a.rtdir, "-Wl,-rpath," + a.rtdir, "-lvitprof_gcov",
                   "-lvitprof_rt", "-Wl,-T," + a.ldscript, "-Wl,--build-id"]
        lg_libs = ["-fprofile-generate"]
        for d, libs in ((self.lg, lg_libs), (self.vp, vp_libs)):
            o = self.obj
            sh([a.cc, "-shared"] + self.san + [o + "/libvals.o", "-o", d + "/libvals.so"] + libs)
            sh([a.cc, "-shared"] + self.san + [o + "/libdlmod.o", "-o", d + "/libdlmod.so"] + libs)
            sh([a.cc] + self.san + [o + "/values.o", o + "/die.o", "-o", d + "/prog",
                                    "-L" + d, "-lvals",
                                    "-Wl,-rpath,$ORIGIN", "-pthread", "-ldl"] + libs)

    def env(self):
        e = {k: v for k, v in os.environ.items()
             if not k.startswith(("GCOV_", "VITPROF_", "ASAN_", "UBSAN_"))}
        e["GCOV_PREFIX"] = self.lg       # read by libgcov only
        e["VITPROF_FILE"] = "run-%p.vitraw"   # read by vitprof only
        e["ASAN_OPTIONS"] = "detect_leaks=0"
        return e

    def run(self, where, mode, extra_env=None):
        env = self.env()
        env.update(extra_env or {})
        return run(["setarch", "-R", "./prog", mode], cwd=where, env=env)

    def raws(self):
        """vitprof's raw profiles, oldest first."""
        # an exec'd image writes <name>.1 beside its earlier image's file
        fs = [os.path.join(self.vp, f) for f in os.listdir(self.vp)
              if re.search(r"^run-.*\.vitraw(\.\d+)?$", f)]
        return sorted(fs, key=os.path.getmtime)

    def vitprof_gcda(self, raw, check=True):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GCOV_")}
        return sh([self.a.vitprof, "gcda", "--prefix", self.vp, raw], env=env, check=check)

    def gcdas(self):
        """(libgcov's, vitprof's) path of each .gcda libgcov wrote."""
        out = []
        base = os.path.join(self.lg, self.obj.lstrip("/"))
        if os.path.isdir(base):
            for f in sorted(os.listdir(base)):
                if f.endswith(".gcda"):
                    out.append((os.path.join(base, f),
                                os.path.join(self.vp, self.obj.lstrip("/"), f)))
        return out

    def compare(self, what, expect_files):
        pairs = self.gcdas()
        C.expect(sorted(os.path.basename(p) for p, _ in pairs) == sorted(expect_files),
                 "%s: libgcov wrote %s, expected %s" % (what, [os.path.basename(p) for p, _ in pairs],
                                                        expect_files))
        for lg, vp in pairs:
            if not os.path.exists(vp):
                C.fail("%s: vitprof wrote no %s" % (what, vp))
                continue
            same = open(lg, "rb").read() == open(vp, "rb").read()
            if not same:
                d1 = sh([self.a.gcov_dump, "-l", lg], check=False).stdout.splitlines()
                d2 = sh([self.a.gcov_dump, "-l", vp], check=False).stdout.splitlines()
                diff = [(x, y) for x, y in zip(d1, d2)
                        if x.split(":", 1)[-1] != y.split(":", 1)[-1]][:6]
                C.fail("%s: %s differs from libgcov's: %s" % (what, os.path.basename(vp), diff))
            else:
                C.log("%s: %s byte-identical (%d bytes)" % (what, os.path.basename(vp),
                                                             len(open(vp, "rb").read())))
        return pairs


def kinds_in(gcov_dump, path):
    """The counter kinds with at least one counter in the .gcda."""
    out = subprocess.run([gcov_dump, "-l", path], stdout=subprocess.PIPE, text=True).stdout
    kinds = set()
    for line in out.splitlines():
        f = line.split("COUNTERS ", 1)
        if len(f) == 2 and int(f[1].split()[1]) > 0:
            kinds.add(f[1].split()[0])
    return kinds - {"arcs"}


def run_both(b, mode, what, files):
    """Runs mode under libgcov and under vitprof, writes every raw profile's
    .gcda (oldest first) and compares them with libgcov's."""
    b.run(b.lg, mode)
    b.run(b.vp, mode)
    for raw in b.raws():
        b.vitprof_gcda(raw)
    return b.compare(what, files)


def case_one(a):
    b = Build(a)
    pairs = run_both(b, "a", "one run", ["libvals.gcda", "values.gcda"])
    if pairs:
        got = kinds_in(a.gcov_dump, pairs[-1][0])
        want = {"interval", "pow2", "topn", "indirect_call", "average", "ior", "time_profiler"}
        C.expect(got == want, "values.gcda has counter kinds %s, the corpus wants %s"
                 % (sorted(got), sorted(want)))


def case_merge(a):
    b = Build(a)
    for mode in ("a", "b"):
        b.run(b.lg, mode)
        b.run(b.vp, mode)
        raw = b.raws()[-1]
        b.vitprof_gcda(raw)
        os.unlink(raw)
    pairs = b.compare("two runs merged", ["libvals.gcda", "values.gcda"])
    if pairs:
        dump = sh([a.gcov_dump, "-l", pairs[-1][0]]).stdout
        C.expect("runs=2" in dump, "the merged .gcda says runs=2")
        C.expect(re.search(r"COUNTERS topn[^\n]*\n[^\n]*: -\d+ 32 ", dump),
                 "a topn site lost values in the merge (negative total), as designed")


def case_kill(a):
    b = Build(a)
    r = b.run(b.lg, "k")
    C.expect(r.returncode == -9, "the libgcov run was SIGKILLed (exit %d)" % r.returncode)
    r = b.run(b.vp, "k")
    C.expect(r.returncode == -9, "the vitprof run was SIGKILLed (exit %d)" % r.returncode)
    for raw in b.raws():
        b.vitprof_gcda(raw)
    b.compare("SIGKILL", ["libvals.gcda", "values.gcda"])


def case_fork(a):
    b = Build(a)
    b.run(b.lg, "f")
    b.run(b.vp, "f")
    raws = b.raws()
    C.expect(len(raws) == 2, "parent and child wrote one profile each (%d)" % len(raws))
    # libgcov: the child exits first, its parent merges that .gcda
    raws.sort(key=lambda f: "(fork child)" not in sh([a.vitprof, "show", f]).stdout)
    for raw in raws:
        b.vitprof_gcda(raw)
    b.compare("fork", ["libvals.gcda", "values.gcda"])


def case_threads(a):
    run_both(Build(a, atomic=True), "t", "threads (atomic)", ["libvals.gcda", "values.gcda"])


def case_exec(a):
    """exec: libgcov writes its .gcda before the exec (__gcov_execv) and the
    new image merges into it; vitprof's two images write a profile each."""
    b = Build(a)
    b.run(b.lg, "e")
    b.run(b.vp, "e")
    raws = b.raws()
    C.expect(len(raws) == 2, "the two images wrote one profile each: %s" % raws)
    # the image before the exec first (the other has the suffix .1)
    for raw in sorted(raws, key=len):
        b.vitprof_gcda(raw)
    b.compare("exec", ["libvals.gcda", "values.gcda"])


def case_dlopen(a):
    run_both(Build(a), "d", "dlopen/dlclose", ["libdlmod.gcda", "libvals.gcda", "values.gcda"])


def case_use(a):
    b = Build(a)
    run_both(b, "a", "one run", ["libvals.gcda", "values.gcda"])
    pairs = dict((os.path.basename(lg), (lg, vp)) for lg, vp in b.gcdas())
    if "values.gcda" not in pairs:
        C.fail("no values.gcda")
        return
    objs = {}
    # GCC finds the profile of a static function by a hash of the object's
    # path: the use build writes the training build's object.
    obj = os.path.join(b.obj, "values.o")
    opt = {}
    for who, idx in (("libgcov", 0), ("vitprof", 1), ("none", None)):
        gcda = os.path.join(b.obj, "values.gcda")
        if os.path.exists(gcda):
            os.unlink(gcda)
        if idx is not None:
            shutil.copy(pairs["values.gcda"][idx], gcda)
        info = os.path.join(b.obj, "opt-%s.txt" % who)
        # the training build's flags (a sanitized build changes the flow
        # graphs), then the use build's
        flags = b.san + ["-O2", "-fprofile-use", "-Wcoverage-mismatch", "-Wmissing-profile",
                         "-fopt-info-optimized=" + info]
        if idx is not None:
            flags.append("-Werror")
        r = sh([a.cc] + flags + ["-c", os.path.join(a.src, "values.c"), "-o", obj],
               check=idx is not None)
        if idx is not None:
            C.expect(r.stderr.strip() == "", "%s's profile: the compiler said %r"
                     % (who, r.stderr.strip()[:300]))
        objs[who] = open(obj, "rb").read()
        sections = sh(["objdump", "-h", obj]).stdout
        opt[who] = (open(info).read() if os.path.exists(info) else "", sections)
    # What the value profiles made the compiler do (-fopt-info): the same
    # from both profiles, and none of it without one.
    for want in ("div/mod by constant 7", "single value 64 stringop",
                 "Indirect call -> direct call", "mod power of 2"):
        C.expect(want in opt["vitprof"][0] and want in opt["libgcov"][0] and
                 want not in opt["none"][0],
                 "-fopt-info with vitprof's profile reports %r" % want)
    # The never-run functions go to .text.unlikely (first calls: the time
    # profiler and the arcs); ASan puts its own cold paths there anyway
    C.expect(a.sanitized or ".text.unlikely" in opt["vitprof"][1] and
             ".text.unlikely" not in opt["none"][1],
             "the profile put never-run code in .text.unlikely")
    C.expect(objs["libgcov"] == objs["vitprof"],
             "-fprofile-use objects from libgcov's and vitprof's .gcda are identical")
    C.expect(objs["libgcov"] != objs["none"], "the profile changed the object")


def case_arena(a):
    b = Build(a)
    r = b.run(b.vp, "a", {"VITPROF_VALUES_MAX": "10"})
    raw = b.raws()[-1]
    show = sh([a.vitprof, "show", raw]).stdout
    lost = [l for l in show.splitlines() if "value" in l and "lost" in l]
    C.expect(lost, "show names the lost values:\n" + show[:600])
    g = b.vitprof_gcda(raw)
    C.expect("lost" in g.stderr and "value" in g.stderr,
             "vitprof gcda notes the lost values: %r" % g.stderr)


def raw_sections(data):
    """(offset, type, size) of each section of a raw profile."""
    first, end = struct.unpack_from("<QQ", data, 24)
    out, off = [], first
    while off < end:
        magic, typ, soff, size = struct.unpack_from("<IIQQ", data, off)
        out.append((off, typ, size))
        off += size
    return out


def case_corrupt(a):
    b = Build(a)
    b.run(b.vp, "a")
    raw = b.raws()[-1]
    data = bytearray(open(raw, "rb").read())
    values = [s for s in raw_sections(data) if s[1] == 5]
    C.expect(values, "the profile has a value arena")
    if not values:
        return
    bad = raw + ".bad"
    # chunk 0 renumbered: every reference into it names no chunk
    struct.pack_into("<I", data, values[0][0] + 32, 7)
    open(bad, "wb").write(data)
    r = b.vitprof_gcda(bad, check=False)
    lines = r.stderr.strip().splitlines()
    C.expect(r.returncode != 0 and len(lines) == 1 and bad in lines[0] and
             "function" in lines[0] and "value" in lines[0],
             "a value reference into no chunk is refused in one line naming the file and"
             " function: rc %d %r" % (r.returncode, r.stderr))
    C.expect(not any(os.path.exists(vp) for _, vp in b.gcdas()), "nothing was written")


def case_vmerge(a):
    """vitprof merge of value profiles, with a weight: `vitprof merge -w 2,A
    B` then `vitprof gcda` gives the bytes libgcov leaves after runs a, a,
    b (a weight multiplies counts: merging a list with itself doubles its
    counts and keeps its order; sum_max per loaded object, the library's
    too); a %m pool of the runs a, a, b gives them too."""
    b = Build(a)
    for mode in ("a", "a", "b"):
        b.run(b.lg, mode)
    b.run(b.vp, "a")
    b.run(b.vp, "b")
    ra, rb = b.raws()
    merged = os.path.join(b.vp, "merged.vitraw")
    sh([a.vitprof, "merge", "-w", "2," + ra, rb, "-o", merged])
    os.unlink(ra)
    os.unlink(rb)
    b.vitprof_gcda(merged)
    b.compare("vitprof merge -w 2,a b", ["libvals.gcda", "values.gcda"])
    for d in b.gcdas():
        os.unlink(d[1])
    os.unlink(merged)
    for mode in ("a", "a", "b"):
        r = b.run(b.vp, mode, {"VITPROF_FILE": "pool-%m.vitraw"})
        C.expect(r.stderr == "", "pool run %s: %r" % (mode, r.stderr))
    pools = [f for f in os.listdir(b.vp) if f.startswith("pool-") and f.endswith(".vitraw")]
    C.expect(len(pools) == 1, "one pool: %s" % pools)
    if pools:
        b.vitprof_gcda(os.path.join(b.vp, pools[0]))
        b.compare("%m pool of a, a, b", ["libvals.gcda", "values.gcda"])


def relink_relative(b, extra):
    """Compiles values.c again with a relative -o from the scratch dir (as
    build systems do), with extra flags, and links both programs."""
    a, w = b.a, os.path.dirname(b.obj)
    sh([a.cc] + b.flags + extra + ["-c", os.path.join(a.src, "values.c"), "-o",
                                   "obj/values.o"], cwd=w)
    vp_libs = ["-L" + a.rtdir, "-Wl,-rpath," + a.rtdir, "-lvitprof_gcov", "-lvitprof_rt",
               "-Wl,-T," + a.ldscript, "-Wl,--build-id"]
    for d, libs in ((b.lg, ["-fprofile-generate"]), (b.vp, vp_libs)):
        sh([a.cc] + b.san + [b.obj + "/values.o", b.obj + "/die.o", "-o", d + "/prog",
                             "-L" + d, "-lvals", "-Wl,-rpath,$ORIGIN", "-pthread",
                             "-ldl"] + libs)


def case_dirs(a):
    """Where the .gcda go: `vitprof gcda -d DIR` writes the names
    `gcc -fprofile-use=DIR` reads (GCC's mangled object paths, the names
    GCC's own -fprofile-generate=DIR training writes); a -fprofile-generate=DIR
    training and GCOV_PREFIX/GCOV_PREFIX_STRIP give libgcov's paths and bytes."""
    b = Build(a)
    w = os.path.dirname(b.obj)
    # 1. trained without a profile dir; used with -fprofile-use=DIR
    relink_relative(b, [])
    b.run(b.vp, "a")
    raw = b.raws()[-1]
    use = os.path.join(w, "use")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GCOV_")}
    sh([a.vitprof, "gcda", "-d", use, raw], env=env)
    os.unlink(raw)
    gen = os.path.join(w, "gen")
    relink_relative(b, ["-fprofile-generate=" + gen])
    env_lg = b.env()
    del env_lg["GCOV_PREFIX"]
    subprocess.run(["setarch", "-R", "./prog", "a"], cwd=b.lg, env=env_lg,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    gcc_names = sorted(f for f in os.listdir(gen) if "values" in f and "libvals" not in f)
    our_names = sorted(f for f in os.listdir(use) if "values" in f and "libvals" not in f)
    C.expect(gcc_names and gcc_names == our_names,
             "-d: %s, GCC's -fprofile-generate=DIR wrote %s" % (our_names, gcc_names))
    r = sh([a.cc] + b.san + ["-O2", "-fprofile-use=" + use, "-Wcoverage-mismatch",
            "-Wmissing-profile", "-Werror", "-c", os.path.join(a.src, "values.c"), "-o",
            "obj/values.o"], cwd=w)
    C.expect(r.stderr.strip() == "", "-fprofile-use=DIR found the profile: %r" % r.stderr)
    # 2. trained with -fprofile-generate=DIR (the mangled name is recorded),
    # written under GCOV_PREFIX with GCOV_PREFIX_STRIP, as libgcov does
    for strip in ("0", "2"):
        for d in (b.lg, b.vp):
            for f in os.listdir(d):
                if f.endswith(".vitraw"):
                    os.unlink(os.path.join(d, f))
        shutil.rmtree(os.path.join(w, "pl"), ignore_errors=True)
        shutil.rmtree(os.path.join(w, "pv"), ignore_errors=True)
        e = b.env()
        e["GCOV_PREFIX"] = os.path.join(w, "pl")
        e["GCOV_PREFIX_STRIP"] = strip
        subprocess.run(["setarch", "-R", "./prog", "a"], cwd=b.lg, env=e,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        subprocess.run(["setarch", "-R", "./prog", "a"], cwd=b.vp, env=e,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        env = dict(os.environ, GCOV_PREFIX=os.path.join(w, "pv"), GCOV_PREFIX_STRIP=strip)
        sh([a.vitprof, "gcda", b.raws()[-1]], env=env)
        theirs, ours = {}, {}
        for top, into in ((os.path.join(w, "pl"), theirs), (os.path.join(w, "pv"), ours)):
            for root, _, files in os.walk(top):
                for f in files:
                    into[os.path.relpath(os.path.join(root, f), top)] = \
                        open(os.path.join(root, f), "rb").read()
        C.expect(theirs and sorted(theirs) == sorted(ours),
                 "strip %s: libgcov wrote %s, vitprof %s" % (strip, sorted(theirs), sorted(ours)))
        same = [k for k in theirs if theirs[k] == ours.get(k)]
        C.expect(len(same) == len(theirs), "strip %s: %d of %d files byte-identical"
                 % (strip, len(same), len(theirs)))
        C.log("-fprofile-generate=DIR, GCOV_PREFIX, strip %s: %s identical" % (strip, sorted(same)))


def case_gcovjson(a):
    """Lines and branches of tests/programs/branchy.c (every kind of branch,
    loops, setjmp, early returns), built with -fprofile-arcs and with
    -fprofile-generate (-ftest-coverage for the notes) by this compiler:
    `vitprof export` of vitprof's run equals `gcov -b -c --json-format` (of
    the same GCC version) of a libgcov run of the same objects, line for
    line and outcome for outcome."""
    import json
    src = os.path.join(a.src, "..", "programs", "branchy.c")
    gcov = "gcov" + a.gcov_dump[len("gcov-dump"):]
    san = san_flags(a.sanitized)
    for flavour in (["-fprofile-arcs"], ["-fprofile-generate"]):
        w = os.path.join(a.scratch, flavour[0].lstrip("-"))
        shutil.rmtree(w, ignore_errors=True)
        os.makedirs(w)
        obj = os.path.join(w, "branchy.o")
        sh([a.cc, "-O2", "-g", "-ftest-coverage", "-fdata-sections"] + san + flavour +
           ["-c", src, "-o", obj])
        sh([a.cc, obj, "-o", w + "/prog_lg"] + san + flavour)
        sh([a.cc, obj, "-o", w + "/prog_vp"] + san + ["-L" + a.rtdir, "-Wl,-rpath," + a.rtdir,
            "-lvitprof_gcov", "-lvitprof_rt", "-Wl,-T," + a.ldscript, "-Wl,--build-id"])
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GCOV_", "VITPROF_"))}
        env["ASAN_OPTIONS"] = "detect_leaks=0"
        out_lg = sh([w + "/prog_lg", "1000"], env=dict(env, GCOV_PREFIX=w + "/g")).stdout
        out_vp = sh([w + "/prog_vp", "1000"],
                    env=dict(env, VITPROF_FILE=w + "/run.vitraw")).stdout
        C.expect(out_lg == out_vp, "%s: the two builds printed different things" % flavour)
        gcda = os.path.join(w + "/g", obj.lstrip("/")[:-2] + ".gcda")
        shutil.copy(obj[:-2] + ".gcno", gcda[:-5] + ".gcno")
        truth = json.loads(sh([gcov, "-b", "-c", "--json-format", "--stdout", gcda],
                              cwd=os.path.dirname(gcda)).stdout)
        [tf] = [f for f in truth["files"] if f["file"].endswith("branchy.c")]
        doc_path = w + "/doc.vitprof"
        sh([a.vitprof, "export", "--format", "vitprof", "-o", doc_path, w + "/run.vitraw"])
        doc = json.load(open(doc_path))
        ours_lines = {l["line"]: l["count"] for l in doc.get("lines", [])
                      if l["file"].endswith("branchy.c")}
        want_lines = {l["line_number"]: l["count"] for l in tf["lines"]}
        ours_br = {}
        for b in doc.get("branches", []):    # a line may hold several groups
            if b["file"].endswith("branchy.c"):
                ours_br.setdefault(b["line"], []).extend(o["count"] for o in b["outcomes"])
        want_br = {l["line_number"]: [b["count"] for b in l["branches"]]
                   for l in tf["lines"] if l["branches"]}
        C.expect(ours_lines == want_lines, "%s: line counts differ from %s's: %s" % (
            flavour, gcov, sorted((k, want_lines.get(k), ours_lines.get(k))
                                  for k in set(want_lines) | set(ours_lines)
                                  if want_lines.get(k) != ours_lines.get(k))[:8]))
        C.expect(ours_br == want_br, "%s: branch outcomes differ from %s's: %s" % (
            flavour, gcov, sorted((k, want_br.get(k), ours_br.get(k))
                                  for k in set(want_br) | set(ours_br)
                                  if want_br.get(k) != ours_br.get(k))[:8]))
        C.log("%s %s: %d lines and %d branch outcomes on %d lines equal %s --json-format"
              % (a.cc, flavour[0], len(want_lines), sum(map(len, want_br.values())),
                 len(want_br), gcov))


def case_symbols(a):
    """Every libgcov entry point this compiler emits for the corpus, under
    every profiling option (nm -u of the real objects), is defined by
    vitprof's runtime or its per-object archive."""
    ours = set()
    for lib, dyn in (("libvitprof_rt.so", ["-D"]), ("libvitprof_gcov.a", [])):
        out = sh(["nm"] + dyn + ["--defined-only", os.path.join(a.rtdir, lib)]).stdout
        ours |= {l.split()[-1] for l in out.splitlines() if l.strip()}
    os.makedirs(a.scratch, exist_ok=True)
    seen = set()
    for opts in (["-fprofile-generate"], ["-fprofile-arcs", "-fprofile-values"],
                 ["-fprofile-generate", "-fprofile-update=single"],
                 ["-fprofile-generate", "-fprofile-update=atomic"],
                 ["-fprofile-generate", "-fprofile-update=prefer-atomic", "-pthread"],
                 ["-fprofile-generate", "-fprofile-partial-training"],
                 ["-fprofile-generate", "-fprofile-reproducible=serial"],
                 ["-fprofile-generate", "-fprofile-reproducible=parallel-runs"],
                 ["-fprofile-generate", "-fprofile-reproducible=multithreaded"],
                 ["-fprofile-generate", "-freorder-functions"]):
        for src in ("values.c", "libvals.c"):
            obj = os.path.join(a.scratch, "sym.o")
            sh([a.cc, "-O2", "-fPIC"] + opts + ["-c", os.path.join(a.src, src), "-o", obj])
            need = {l.split()[-1] for l in sh(["nm", "-u", obj]).stdout.splitlines()
                    if "__gcov" in l}
            seen |= need
            C.expect(need <= ours, "%s %s: %s not in vitprof's runtime"
                     % (" ".join(opts), src, sorted(need - ours)))
    C.log("%s emits %d libgcov entry points for the corpus: %s"
          % (a.cc, len(seen), " ".join(sorted(seen))))
    C.expect(len(seen) >= 20, "the corpus reaches every counter kind (%d symbols)" % len(seen))


CASES = {"symbols": case_symbols, "exec": case_exec, "gcovjson": case_gcovjson, "dirs": case_dirs, "vmerge": case_vmerge, "one": case_one, "merge": case_merge, "kill": case_kill, "fork": case_fork,
         "threads": case_threads, "dlopen": case_dlopen, "use": case_use,
         "arena": case_arena, "corrupt": case_corrupt}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("--cc", default="gcc")
    p.add_argument("--vitprof", required=True)
    p.add_argument("--rtdir", required=True)
    p.add_argument("--ldscript", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--scratch", required=True)
    p.add_argument("--sanitized", action="store_true")
    a = p.parse_args()
    for k in ("vitprof", "rtdir", "ldscript", "src", "scratch"):
        setattr(a, k, os.path.abspath(getattr(a, k)))
    if shutil.which(a.cc) is None:
        print("%s not installed: skipped" % a.cc)
        sys.exit(77)
    if a.sanitized and a.cc != "gcc":
        # the runtime under test carries gcc 12's ASan; another compiler's
        # ASan runtime cannot share the process with it
        print("%s with a sanitized runtime built by gcc: skipped" % a.cc)
        sys.exit(77)
    ver = a.cc.split("-", 1)[1] if "-" in a.cc else ""
    a.gcov_dump = "gcov-dump" + ("-" + ver if ver else "")
    r = subprocess.run(["setarch", "-R", "true"], stderr=subprocess.PIPE)
    if r.returncode != 0:
        print("setarch -R is not allowed here: skipped")
        sys.exit(77)
    CASES[a.case](a)
    C.finish()


if __name__ == "__main__":
    main()
