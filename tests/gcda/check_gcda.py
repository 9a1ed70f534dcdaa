#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end checks of `vitprof gcda` against libgcov itself.

The same objects are linked twice: with libgcov (gcc -fprofile-arcs at link;
its .gcda files, written under GCOV_PREFIX, are the ground truth) and with
vitprof's runtime (a raw profile, then `vitprof gcda`). Every .gcda must be
byte-identical (the trees are compared file by file), after one run and
after a second run merged into the first; the -fprofile-use objects built
from either profile must be byte-identical too.

  check_gcda.py CASE --vitprof TOOL --src DIR --scratch DIR --rtbin DIR
                [--cc CC] [--cxx CXX] [--sanitized]
"""
import glob
import hashlib
import os
import shlex
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vptest import Checks, Scratch, arguments, clean_env, san_flags  # noqa: E402

CHECKS = Checks("gcda")
log, fail, expect = CHECKS.log, CHECKS.fail, CHECKS.expect


class Ctx(Scratch):
    def __init__(self, a):
        super().__init__(a.scratch)
        self.a = a
        self.vitprof = a.vitprof
        self.src = os.path.abspath(a.src)
        self.san = san_flags(a.sanitized)

    def env(self, extra=None):
        return clean_env(extra)

    def sh(self, cmd, env=None, cwd=None, rc=0):
        return CHECKS.sh(cmd, rc=rc, env=env or self.env(), cwd=cwd, timeout=300)

    def flags(self, *what):
        return shlex.split(self.sh([self.vitprof, "flags"] + list(what)).stdout)

    def vp_gcda(self, raw, args, env=None, rc=0):
        return self.sh([self.vitprof, "gcda"] + args + [raw], env=env, rc=rc)

    def build(self, d, sources, cc, extra=()):
        """Compiles sources (arcs-only flavour, -O2) into d; links d/prog_gcov
        (libgcov) and d/prog_vp (vitprof). Returns the object paths."""
        objs = []
        for s in sources:
            o = os.path.join(d, os.path.splitext(os.path.basename(s))[0] + ".o")
            self.sh([cc] + self.flags("--compile", "--arcs-only") + ["-O2"] + list(extra)
                    + self.san + ["-c", os.path.join(self.src, s), "-o", o])
            objs.append(o)
        self.sh([cc] + self.san + objs + ["-fprofile-arcs", "-o", os.path.join(d, "prog_gcov")])
        self.sh([cc] + self.san + objs + self.flags("--link") + ["-o", os.path.join(d, "prog_vp")])
        return objs

    def run_gcov(self, prog, args, root, extra=None):
        return self.sh([prog] + args, env=self.env(dict(extra or {}, GCOV_PREFIX=root))).stdout

    def run_vp(self, prog, args, raw, extra=None):
        p = self.sh([prog] + args, env=self.env(dict(extra or {}, VITPROF_FILE=raw)))
        expect(os.path.exists(raw), "%s: no raw profile %s" % (prog, raw))
        return p.stdout


def notes(p):
    """vitprof gcda's stderr without its closing "vitprof: wrote ..." line."""
    return "".join(ln for ln in p.stderr.splitlines(True)
                   if not ln.startswith("vitprof: wrote "))


def tree(root):
    out = {}
    for dp, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(dp, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = fh.read()
    return out


def same_trees(a, b, what):
    ta, tb = tree(a), tree(b)
    if not expect(sorted(ta) == sorted(tb), "%s: libgcov wrote %s, vitprof %s"
                  % (what, sorted(ta), sorted(tb))):
        return False
    ok = True
    for k in ta:
        if ta[k] != tb[k]:
            fail("%s: %s differs (gcov-dump -l %s %s)" % (what, k, os.path.join(a, k),
                                                          os.path.join(b, k)))
            ok = False
    if ok:
        log("%s: %d .gcda byte-identical" % (what, len(ta)))
    return ok and len(ta) > 0


def md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


PGO_SRC = ["pgo_main.c", "pgo_work.c"]


def training_input(d):
    p = os.path.join(d, "train.txt")
    words = ["alpha", "Beta", "gamma42", "delta", "EPSILON", "zeta", "eta!", "theta", "x1"]
    with open(p, "w") as f:
        for i in range(3000):
            f.write(words[(i * 7) % len(words)] + (" " if i % 11 else "\n"))
    return p


def case_identical(c):
    d = c.newdir("identical")
    c.build(d, PGO_SRC, c.a.cc)
    inp = training_input(d)
    out_g = c.run_gcov(d + "/prog_gcov", [inp, "5"], d + "/g")
    out_v = c.run_vp(d + "/prog_vp", [inp, "5"], d + "/run1.vitraw")
    expect(out_g == out_v, "outputs differ: %r %r" % (out_g, out_v))
    p = c.vp_gcda(d + "/run1.vitraw", ["--prefix", d + "/v"])
    expect(notes(p) == "", "arcs-only run: vitprof gcda printed %r" % p.stderr)
    expect(p.stderr.endswith("vitprof: wrote 2 .gcda files (1 run) under %s\n"
                             % os.path.normpath(d + "/v" + d)),
           "closing line: %r" % p.stderr)
    same_trees(d + "/g", d + "/v", "one run")
    # one zero-count function (pgo_unused never runs with these seeds? it may):
    # the all-zero record is checked by the unit tests; here, the second run
    c.run_gcov(d + "/prog_gcov", [inp, "3"], d + "/g")
    c.run_vp(d + "/prog_vp", [inp, "3"], d + "/run2.vitraw")
    c.vp_gcda(d + "/run2.vitraw", ["--prefix", d + "/v"])
    same_trees(d + "/g", d + "/v", "second run merged")
    # -o DIR: flat, the same bytes as the one-run files
    c.vp_gcda(d + "/run1.vitraw", ["-o", d + "/flat"])
    one = tree(d + "/flat")
    expect(sorted(one) == ["pgo_main.gcda", "pgo_work.gcda"], "-o: wrote %s" % sorted(one))


def case_pgo(c):
    """Arcs-only training, vitprof gcda, gcc -O2 -fprofile-use -Werror: no
    warning, and the objects equal those built from libgcov's profile. The
    use build compiles to the training build's object paths: GCC's ident of
    a static function hashes the object name."""
    d = c.newdir("pgo")
    c.build(d, PGO_SRC, c.a.cc)
    inp = training_input(d)
    c.run_gcov(d + "/prog_gcov", [inp], d + "/g")
    c.run_vp(d + "/prog_vp", [inp], d + "/train.vitraw")
    objs = {}
    for who in ("libgcov", "vitprof"):
        for f in glob.glob(d + "/*.gcda"):
            os.unlink(f)
        if who == "vitprof":
            c.vp_gcda(d + "/train.vitraw", [])       # the recorded paths
        else:
            for f in glob.glob(d + "/g/**/*.gcda", recursive=True):
                shutil.copy(f, d)
        expect(len(glob.glob(d + "/*.gcda")) == 2, "%s: .gcda files %s"
               % (who, os.listdir(d)))
        for s in PGO_SRC:
            base = os.path.splitext(s)[0]
            o = os.path.join(d, base + ".o")
            # the training flags that shape the flow graph (sanitizers) stay
            p = c.sh([c.a.cc, "-O2", "-fprofile-use", "-Wcoverage-mismatch",
                      "-Wmissing-profile", "-Werror"] + c.san
                     + ["-c", os.path.join(c.src, s), "-o", o])
            expect(p.stderr == "", "%s: -fprofile-use printed %r" % (who, p.stderr))
            if os.path.exists(o):
                with open(o, "rb") as f:
                    objs[(who, base)] = f.read()
                os.unlink(o)
    for s in PGO_SRC:
        base = os.path.splitext(s)[0]
        if expect(objs.get(("libgcov", base)) is not None and
                  objs.get(("libgcov", base)) == objs.get(("vitprof", base)),
                  "%s.o differs between libgcov's and vitprof's profile" % base):
            log("pgo: %s.o byte-identical (-O2 -fprofile-use, libgcov vs vitprof .gcda)"
                % base)
    # The profile changed the code: plain -O2 differs.
    c.sh([c.a.cc, "-O2"] + c.san + ["-c", os.path.join(c.src, "pgo_work.c"),
                                    "-o", d + "/pgo_work.o"])
    with open(d + "/pgo_work.o", "rb") as f:
        expect(f.read() != objs.get(("vitprof", "pgo_work")), "the profile changed nothing")


def case_pool(c):
    """Online merging (a %m in VITPROF_FILE): three alike runs summed into
    one pool; its .gcda (runs 3) equals libgcov's after the same three runs.
    Skipped (exit 77) when the runtime has no online merging."""
    d = c.newdir("pool")
    c.build(d, PGO_SRC, c.a.cc)
    inp = training_input(d)
    for _ in range(3):
        c.run_gcov(d + "/prog_gcov", [inp, "2"], d + "/g")
        c.sh([d + "/prog_vp", inp, "2"], env=c.env({"VITPROF_FILE": d + "/pool-%m.vitraw"}))
    pools = glob.glob(d + "/pool-*.vitraw")
    if len(pools) != 1:
        print("[gcda] SKIP: no single pool file (%s): online merging missing" % pools)
        sys.exit(77)
    p = c.vp_gcda(pools[0], ["--prefix", d + "/v", "-v"])
    expect(p.stdout.count("(runs 3)") == 2, "runs: %r" % p.stdout)
    same_trees(d + "/g", d + "/v", "pool of three runs")


def case_cmake_arcs_only(c):
    """vitprof_instrument(<target> ARCS_ONLY) (tests/gcda.cmake): no call
    hooks ran (no note), and the .gcda are written."""
    d = c.newdir("cmake")
    inp = training_input(d)
    c.run_vp(c.a.cmake_prog, [inp, "2"], d + "/run.vitraw")
    p = c.vp_gcda(d + "/run.vitraw", ["-o", d + "/out"])
    expect(notes(p) == "", "vitprof gcda printed %r" % p.stderr)
    expect(sorted(tree(d + "/out")) == ["pgo_main.c.gcda", "pgo_work.c.gcda"],
           "wrote %s" % sorted(tree(d + "/out")))


def case_hooked(c):
    """The full flavour (-finstrument-functions): vitprof gcda notes it; the
    .gcda fits a -fprofile-use build with the same flags, and GCC rejects it
    in one without the hooks (the hooks change the flow graphs)."""
    d = c.newdir("hooked")
    inp = training_input(d)
    objs = []
    for s in PGO_SRC:
        o = os.path.join(d, os.path.splitext(s)[0] + ".o")
        c.sh([c.a.cc] + c.flags("--compile") + ["-O2"] + c.san
             + ["-c", os.path.join(c.src, s), "-o", o])
        objs.append(o)
    c.sh([c.a.cc] + c.san + objs + c.flags("--link") + ["-o", d + "/prog_vp"])
    c.run_vp(d + "/prog_vp", [inp, "2"], d + "/run.vitraw")
    p = c.vp_gcda(d + "/run.vitraw", [])
    notes = [l for l in p.stderr.splitlines() if "note:" in l]
    expect(len(notes) == 1 and "--arcs-only" in notes[0], "no note: %r" % p.stderr)
    use = [c.a.cc, "-O2", "-fprofile-use", "-Wcoverage-mismatch", "-Wmissing-profile",
           "-Werror"] + c.san + ["-c", os.path.join(c.src, "pgo_work.c"),
                                 "-o", d + "/pgo_work.o"]
    p = c.sh(use + ["-finstrument-functions"])
    expect(p.stderr == "", "same flags: %r" % p.stderr)
    p = c.sh(use, rc=1)
    expect("coverage-mismatch" in p.stderr, "without hooks: %r" % p.stderr)
    log("hooked: note printed; accepted with the same flags, rejected without hooks")


def case_mismatch(c):
    d = c.newdir("mismatch")
    c.build(d, PGO_SRC, c.a.cc)
    inp = training_input(d)
    c.run_vp(d + "/prog_vp", [inp, "2"], d + "/run.vitraw")
    # A .gcda of another compilation of pgo_work.c (-O1: other stamp, other CFG)
    other = c.newdir("other")
    c.build(other, PGO_SRC, c.a.cc, extra=["-O1"])
    c.run_gcov(other + "/prog_gcov", [inp, "2"], other + "/g")
    [theirs] = [f for f in glob.glob(other + "/g/**/pgo_work.gcda", recursive=True)]
    out = d + "/out"
    os.makedirs(out)
    cases = []
    shutil.copy(theirs, out + "/pgo_work.gcda")
    cases.append(("another compilation", "does not match"))
    for what, needle in cases:
        before = md5(out + "/pgo_work.gcda")
        p = c.vp_gcda(d + "/run.vitraw", ["-o", out], rc=1)
        lines = [l for l in p.stderr.splitlines() if "pgo_work.gcda" in l]
        expect(len(lines) == 1 and needle in lines[0], "%s: stderr %r" % (what, p.stderr))
        expect(md5(out + "/pgo_work.gcda") == before, "%s: the file was changed" % what)
        log("mismatch (%s): refused: %s" % (what, lines[0] if lines else p.stderr))
    # another GCC version word, a truncated file
    good = d + "/good"
    c.vp_gcda(d + "/run.vitraw", ["-o", good])
    with open(good + "/pgo_work.gcda", "rb") as f:
        data = f.read()
    for what, blob, needle in (
            # "B31*" (GCC 13.1: the same layout) in this machine's byte order
            ("other GCC version", data[:4] + (0x4233312a).to_bytes(4, sys.byteorder)
             + data[8:], "GCC version"),
            ("truncated", data[:len(data) - 6], "not overwritten"),
            ("not a .gcda", b"hello world, not gcov", "not overwritten")):
        with open(out + "/pgo_work.gcda", "wb") as f:
            f.write(blob)
        before = md5(out + "/pgo_work.gcda")
        p = c.vp_gcda(d + "/run.vitraw", ["-o", out], rc=1)
        expect(md5(out + "/pgo_work.gcda") == before, "%s: the file was changed" % what)
        expect(needle in p.stderr and "pgo_work.gcda" in p.stderr,
               "%s: stderr %r" % (what, p.stderr))
        log("mismatch (%s): refused: %s" % (what, p.stderr.strip().splitlines()[-1]))
    expect(not glob.glob(out + "/*tmp*"), "temporary files left: %s" % os.listdir(out))
    # pgo_main.gcda, which matched, was written
    expect(os.path.exists(out + "/pgo_main.gcda"), "the matching object was not written")


def case_prefix(c):
    d = c.newdir("prefix")
    c.build(d, PGO_SRC, c.a.cc)
    inp = training_input(d)
    c.run_vp(d + "/prog_vp", [inp, "2"], d + "/run.vitraw")
    depth = len(d.strip("/").split("/"))
    for strip in (0, 1, depth, depth + 5):
        g, v, o = ("%s/g%d" % (d, strip), "%s/v%d" % (d, strip), "%s/o%d" % (d, strip))
        c.run_gcov(d + "/prog_gcov", [inp, "2"], g, {"GCOV_PREFIX_STRIP": str(strip)})
        c.vp_gcda(d + "/run.vitraw", [], env=c.env({"GCOV_PREFIX": v + "/",
                                                     "GCOV_PREFIX_STRIP": str(strip)}))
        c.vp_gcda(d + "/run.vitraw", ["--prefix", o, "--strip", str(strip)])
        same_trees(g, v, "GCOV_PREFIX, GCOV_PREFIX_STRIP=%d" % strip)
        same_trees(g, o, "--prefix, --strip %d" % strip)
    # strip without prefix: relative to the current directory
    rel = d + "/rel"
    os.makedirs(rel + "/g")
    os.makedirs(rel + "/v")
    c.sh([d + "/prog_gcov", inp, "2"], env=c.env({"GCOV_PREFIX_STRIP": str(depth)}),
         cwd=rel + "/g")
    c.sh([c.vitprof, "gcda", "--strip", str(depth), d + "/run.vitraw"], cwd=rel + "/v")
    same_trees(rel + "/g", rel + "/v", "GCOV_PREFIX_STRIP alone (relative)")
    # %p is the pid of the run
    c.vp_gcda(d + "/run.vitraw", ["--prefix", d + "/pid/%p"])
    pids = os.listdir(d + "/pid")
    expect(len(pids) == 1 and pids[0].isdigit(), "%%p: %s" % pids)


def case_comdat(c):
    """C++ inline and template functions compiled into two units. (GCC 12
    keeps per-unit counters for them here, so no empty FUNCTION record
    appears; test_gcda covers that record.)"""
    d = c.newdir("comdat")
    c.build(d, ["comdat_a.cc", "comdat_b.cc"], c.a.cxx, extra=["-O0"])
    for i, arg in enumerate(("27", "97")):
        c.run_gcov(d + "/prog_gcov", [arg], d + "/g")
        c.run_vp(d + "/prog_vp", [arg], "%s/run%d.vitraw" % (d, i))
        c.vp_gcda("%s/run%d.vitraw" % (d, i), ["--prefix", d + "/v"])
        same_trees(d + "/g", d + "/v", "C++ COMDAT, run %d" % (i + 1))


def case_rt(c, prog, args_g, args_v, what, runs=2):
    """Hooked programs of tests/gcov_rt (full flavour): shared libraries,
    a library reloaded, copy mode, threads."""
    d = c.newdir(what)
    b = c.a.rtbin
    for i in range(runs):
        c.run_gcov(os.path.join(b, prog + "_gcov"), args_g, d + "/g")
        raw = "%s/run%d.vitraw" % (d, i)
        vp = prog + ("_copy" if what == "copy" else "_vp")
        c.run_vp(os.path.join(b, vp), args_v, raw)
        p = c.vp_gcda(raw, ["--prefix", d + "/v"])
        expect("note: built with -finstrument-functions" in p.stderr,
               "%s: no note on a hooked run: %r" % (what, p.stderr))
        same_trees(d + "/g", d + "/v", "%s, run %d" % (what, i + 1))


def case_rt_libs(c):
    case_rt(c, "gcovrt_libs", ["plain"], ["plain"], "libs")


def case_rt_reload(c):
    b = c.a.rtbin
    case_rt(c, "gcovrt_libs", ["dl2", os.path.join(b, "libgcovrt_dl_gcov.so")],
            ["dl2", os.path.join(b, "libgcovrt_dl_vp.so")], "reload")


def case_rt_copy(c):
    case_rt(c, "gcovrt_branchy", [], [], "copy")


def case_rt_threads(c):
    case_rt(c, "gcovrt_threads", ["4"], ["4"], "threads")


def case_rt_dumpreset(c):
    """__gcov_reset(), more work, __gcov_dump(), _exit(0)."""
    case_rt(c, "gcovrt_branchy", ["dumpreset"], ["dumpreset"], "dumpreset", runs=1)


def case_rt_fork(c):
    """A forking program (tests/gcov_rt/forker.c): libgcov merges parent and
    child into one .gcda; vitprof gcda given both raw profiles does too."""
    b = c.a.rtbin
    d = c.newdir("fork")
    c.run_gcov(os.path.join(b, "gcovrt_forker_gcov"), ["direct"], d + "/g")
    os.makedirs(d + "/raw")
    c.sh([os.path.join(b, "gcovrt_forker_vp"), "direct"],
         env=c.env({"VITPROF_FILE": d + "/raw/%p.vitraw"}))
    raws = sorted(glob.glob(d + "/raw/*.vitraw"))
    expect(len(raws) == 2, "raw profiles: %s" % raws)
    c.vp_gcda(raws[0], ["--prefix", d + "/v"])      # one call per file ...
    c.vp_gcda(raws[1], ["--prefix", d + "/v"])
    same_trees(d + "/g", d + "/v", "fork, parent and child")
    c.sh([c.vitprof, "gcda", "--prefix", d + "/v2"] + raws[::-1])   # ... or one for all
    same_trees(d + "/g", d + "/v2", "fork, both raw profiles in one call")


def case_layouts(c):
    """Hand-made gcov_info of GCC 11, 13 and 14 (tests/gcov_rt/layouts.c):
    the words of each layout, the GCC 14 one with a second counter kind
    (ior) written after the arcs."""
    import struct
    d = c.newdir("layouts")
    raw = d + "/run.vitraw"
    c.sh([os.path.join(c.a.rtbin, "gcovrt_layouts")], env=c.env({"VITPROF_FILE": raw}))
    p = c.vp_gcda(raw, ["--prefix", d + "/v"])
    expect(notes(p) == "", "stderr %r" % p.stderr)
    want = {
        # magic, B14*, stamp, SUMMARY len 2 words, runs, sum_max (50: the
        # largest arcs counter of the executable), FUNCTION len 3 words,
        # ident, checksums, ARCS len 6 words, 11, 2, 3 (int64 lo, hi), 0
        "gcc11.gcda": [0x67636461, 0x4231342a, 0x11111111, 0xa1000000, 2, 1, 50,
                       0x01000000, 3, 11, 111, 1111, 0x01a10000, 6, 11, 0, 2, 0, 3, 0, 0],
        # GCC 13: as 12 (checksum word, lengths in bytes)
        "gcc13.gcda": [0x67636461, 0x4233322a, 0x13131313, 0xc13c13, 0xa1000000, 8, 1, 50,
                       0x01000000, 12, 13, 131, 1313, 0x01a10000, 16, 40, 0, 50, 0, 0],
        # GCC 14: arcs then ior (kind 6, tag 0x01ad0000) per function; the
        # dropped COMDAT copy an empty FUNCTION; a function with no
        # counters: zero-length records
        "gcc14.gcda": [0x67636461, 0x4234312a, 0x14141414, 0xc14c14, 0xa1000000, 8, 1, 50,
                       0x01000000, 12, 14, 141, 1414, 0x01a10000, 32, 6, 0, 7, 0, 8, 0, 9, 0,
                       0x01ad0000, 8, 100, 0, 0x01000000, 0,
                       0x01000000, 12, 15, 151, 1515, 0x01a10000, 0, 0x01ad0000, 0, 0],
    }
    got = {k: v for k, v in tree(d + "/v").items()}
    expect(sorted(os.path.basename(k) for k in got) == sorted(want), "wrote %s" % sorted(got))
    for k, v in got.items():
        words = list(struct.unpack("=%dI" % (len(v) // 4), v))
        expect(words == want.get(os.path.basename(k)), "%s: %s" % (k, [hex(w) for w in words]))


def case_unknown(c):
    """Copy mode, killed before the first copy: counts unknown, not written."""
    d = c.newdir("unknown")
    raw = d + "/run.vitraw"
    c.sh([os.path.join(c.a.rtbin, "gcovrt_branchy_copy"), "die"],
         env=c.env({"VITPROF_FILE": raw, "GCOVRT_KILL": "1"}), rc=None)
    p = c.vp_gcda(raw, ["--prefix", d + "/v"])
    expect("counts unknown" in p.stderr, "stderr %r" % p.stderr)
    expect(not os.path.exists(d + "/v"), "something was written: %s" % tree(d + "/v").keys())


CASES = {n[5:]: f for n, f in globals().items() if n.startswith("case_") and n != "case_rt"}


def main():
    a = arguments(("--vitprof", "--src", "--scratch", "--rtbin"), CASES,
                  {"--cc": "gcc", "--cxx": "g++"},
                  more=[("--cmake-prog",
                         {"help": "the program built with vitprof_instrument(ARCS_ONLY)"})])
    CASES[a.case](Ctx(a))
    CHECKS.finish()


if __name__ == "__main__":
    main()
