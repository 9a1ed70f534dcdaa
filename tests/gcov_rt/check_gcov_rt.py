#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end checks of vitprof's libgcov replacement (rt/rt_gcov.c).

Every program is built from the same objects twice (tests/gcov_rt.cmake):
PROG_gcov linked with libgcov (gcc -fprofile-arcs at link), PROG_vp with
vitprof's runtime and linker-script fragment (counters in place), and for
some PROG_copy with the runtime but no fragment (counters copied). The
libgcov run writes .gcda files under GCOV_PREFIX; the vitprof run writes a
raw profile. The arc counters of every function must be equal, read by the
independent readers of vpgcov.py.

  check_gcov_rt.py CASE --bin DIR --scratch DIR [--vitprof TOOL] [--cc CC]
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpgcov  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vptest import Checks, Scratch, arguments, clean_env, san_flags  # noqa: E402

CHECKS = Checks("gcov_rt")
log, fail, expect, finish = CHECKS.log, CHECKS.fail, CHECKS.expect, CHECKS.finish


class Ctx(Scratch):
    def __init__(self, args):
        super().__init__(args.scratch)
        self.bin = os.path.abspath(args.bin)
        self.vitprof = args.vitprof
        self.cc = args.cc
        self.sanitized = args.sanitized

    def prog(self, name):
        return os.path.join(self.bin, name)

    def env(self, extra):
        return clean_env(extra, drop=("VITPROF_VERBOSE", "GCOVRT_KILL"))

    def run(self, prog, args, env, expect_rc=0):
        log("run %s %s" % (os.path.basename(prog), " ".join(args)))
        p = subprocess.run([self.prog(prog)] + list(args), env=env, capture_output=True,
                           text=True, timeout=120)
        expect(p.returncode == expect_rc, "%s %s: exit %d, expected %d; stderr %r"
               % (prog, args, p.returncode, expect_rc, p.stderr))
        return p

    def run_gcov(self, prog, args, extra=None, expect_rc=0):
        """Runs the libgcov build; returns (stdout, .gcda root)."""
        d = self.newdir(prog)
        p = self.run(prog, args, self.env(dict(extra or {}, GCOV_PREFIX=d,
                                               GCOV_PREFIX_STRIP="0")), expect_rc)
        return p.stdout, d

    def run_vp(self, prog, args, extra=None, expect_rc=0, quiet=True):
        """Runs a vitprof build; returns (stdout, stderr, sorted raw files)."""
        d = self.newdir(prog)
        p = self.run(prog, args, self.env(dict(extra or {}, VITPROF_FILE=os.path.join(
            d, "%e.%p.vitraw"))), expect_rc)
        if quiet:
            expect(p.stderr == "", "%s: the runtime printed %r" % (prog, p.stderr))
        return p.stdout, p.stderr, sorted(glob.glob(os.path.join(d, "*.vitraw*")))


def gcda_of(root, filename):
    path = root + filename if filename.startswith("/") else os.path.join(root, filename)
    return vpgcov.read_gcda(path)


def names_of(filename):
    gcno = filename[:-len(".gcda")] + ".gcno"
    return vpgcov.read_gcno_names(gcno) if os.path.exists(gcno) else {}


def counters_by_file(raw, allow_twice=()):
    """{.gcda path: record}; records of a library loaded twice are added."""
    out = {}
    for o in raw["objects"]:
        f = o["filename"]
        if f in out:
            expect(any(s in f for s in allow_twice), "%s registered twice" % f)
            prev = out[f]
            o = dict(o, counters={k: add(v, prev["counters"][k])
                                  for k, v in o["counters"].items()})
        out[f] = o
    return out


def add(a, b):
    return [x + y for x, y in zip(a, b)]


def compare(what, got, want):
    """got, want: {filename: {fn key: [counters]}}."""
    ok = expect(sorted(got) == sorted(want), "%s: objects %s vs %s"
                % (what, sorted(got), sorted(want)))
    if not ok:
        return False
    for f in sorted(want):
        names = names_of(f)
        g, w = got[f], want[f]
        if not expect(sorted(g) == sorted(w), "%s: %s: functions differ: %s vs %s"
                      % (what, f, sorted(g), sorted(w))):
            ok = False
            continue
        for k in sorted(w):
            if g[k] != w[k]:
                ok = False
                fail("%s: %s: %s: %s, libgcov %s" % (what, os.path.basename(f),
                                                     names.get(k, k), g[k], w[k]))
    if ok:
        log("%s: %d objects, %d functions, %d counters equal" % (
            what, len(want), sum(len(v) for v in want.values()),
            sum(len(c) for v in want.values() for c in v.values())))
    return ok


def raw_counters(raw, allow_twice=()):
    return {f: o["counters"] for f, o in counters_by_file(raw, allow_twice).items()}


def gcov_counters(root, filenames, check_against=None):
    out = {}
    for f in filenames:
        g = gcda_of(root, f)
        out[f] = g["counters"]
        if check_against:
            o = check_against[f]
            expect((o["version"], o["stamp"], o["checksum"]) ==
                   (g["version"], g["stamp"], g["checksum"]),
                   "%s: version/stamp/checksum %s vs .gcda %s" % (
                       f, (hex(o["version"]), o["stamp"], o["checksum"]),
                       (hex(g["version"]), g["stamp"], g["checksum"])))
    return out


def gcov_json_lines(root, filenames):
    """{(source basename, line): [count, branches]} from `gcov --json-format`
    on libgcov's .gcda files (their .gcno copied beside them), summed over
    objects as gcov sums lines shared by several objects."""
    out = {}
    for f in filenames:
        gcda = root + f if f.startswith("/") else os.path.join(root, f)
        shutil.copy(f[:-len(".gcda")] + ".gcno", gcda[:-len(".gcda")] + ".gcno")
        p = subprocess.run(["gcov", "-b", "-c", "--json-format", "--stdout", gcda],
                           cwd=os.path.dirname(gcda), capture_output=True, text=True,
                           timeout=120)
        if not expect(p.returncode == 0, "gcov %s: %s" % (gcda, p.stderr)):
            continue
        for src in json.loads(p.stdout)["files"]:
            for l in src["lines"]:
                k = (os.path.basename(src["file"]), l["line_number"])
                e = out.setdefault(k, [0, []])
                e[0] += l["count"]
                e[1] += [(b["count"], b["fallthrough"], b["throw"]) for b in l["branches"]]
    return out


def tool_matches_gcov(c, raw_file, root, filenames, what):
    """`vitprof export` of raw_file: its lines and branches equal gcov's JSON
    for libgcov's .gcda files of the same run, line for line."""
    if not c.vitprof:
        return
    p = subprocess.run([c.vitprof, "export", "-o", "-", raw_file], capture_output=True,
                       text=True, timeout=300)
    if not expect(p.returncode == 0, "%s: vitprof export failed: %s" % (what, p.stderr)):
        return
    doc = json.loads(p.stdout)
    got = {}
    for l in doc["lines"]:
        got[(os.path.basename(l["file"]), l["line"])] = [l["count"], []]
    for b in doc["branches"]:
        got[(os.path.basename(b["file"]), b["line"])][1] = [
            (o["count"], o["fallthrough"], o.get("throw", False)) for o in b["outcomes"]]
    want = gcov_json_lines(root, filenames)
    bad = [k for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k)]
    for k in bad[:10]:
        fail("%s: %s:%d: vitprof %s, gcov %s" % (what, k[0], k[1], got.get(k), want.get(k)))
    if not bad:
        log("%s: vitprof export equals gcov --json-format on %d lines, %d branch outcomes"
            % (what, len(want), sum(len(v[1]) for v in want.values())))


def one_raw(files, what):
    if not expect(len(files) == 1, "%s: expected one raw file, found %s" % (what, files)):
        finish()
    return vpgcov.read_raw(files[0])


def check_modes(raw, mode, what, n_sections=None):
    objs = raw["objects"]
    expect(objs, "%s: no gcov objects in %s" % (what, raw["path"]))
    for o in objs:
        expect(o["mode"] == mode, "%s: %s mode %d, expected %d"
               % (what, o["filename"], o["mode"], mode))
        if mode == vpgcov.ARCS_COPY:
            expect(o["n_copies"] >= 1, "%s: %s never copied" % (what, o["filename"]))
    used = {o["arcs_id"] for o in objs}
    if n_sections is not None:
        expect(len(used) == n_sections, "%s: %d ARCS sections used, expected %d"
               % (what, len(used), n_sections))


def same_program(c, gcov_prog, vp_progs, args, what, modes, extra=None, expect_rc=0):
    out_g, root = c.run_gcov(gcov_prog, args, extra, expect_rc)
    for prog, mode in zip(vp_progs, modes):
        out_v, _, files = c.run_vp(prog, args, extra, expect_rc)
        expect(out_v == out_g, "%s: output %r vs libgcov %r" % (prog, out_v, out_g))
        raw = one_raw(files, prog)
        check_modes(raw, mode, prog, 1 if mode == vpgcov.ARCS_IN_PLACE else None)
        byf = counters_by_file(raw)
        compare("%s %s" % (what, prog), raw_counters(raw), gcov_counters(root, byf, byf))
        tool_matches_gcov(c, files[0], root, byf, "%s %s" % (what, prog))


# ---- cases -------------------------------------------------------------------

def case_branchy(c):
    same_program(c, "gcovrt_branchy_gcov", ["gcovrt_branchy_vp", "gcovrt_branchy_copy"],
                 ["run"], "branchy", [vpgcov.ARCS_IN_PLACE, vpgcov.ARCS_COPY])


def case_dumpreset(c):
    same_program(c, "gcovrt_branchy_gcov", ["gcovrt_branchy_vp", "gcovrt_branchy_copy"],
                 ["dumpreset"], "dump/reset", [vpgcov.ARCS_IN_PLACE, vpgcov.ARCS_COPY])


def case_sigkill(c):
    # The libgcov run does the same work and exits where vitprof's is killed.
    _, root = c.run_gcov("gcovrt_branchy_gcov", ["die"])
    _, _, files = c.run_vp("gcovrt_branchy_vp", ["die"], {"GCOVRT_KILL": "1"},
                           expect_rc=-signal.SIGKILL)
    raw = one_raw(files, "sigkill")
    expect(raw["state"] == 1, "state %d, expected 1 (running: killed)" % raw["state"])
    check_modes(raw, vpgcov.ARCS_IN_PLACE, "sigkill", 1)
    byf = counters_by_file(raw)
    compare("SIGKILLed in place", raw_counters(raw), gcov_counters(root, byf, byf))
    tool_matches_gcov(c, files[0], root, byf, "SIGKILLed in place")
    # Copy mode cannot keep them: the file says so (n_copies == 0).
    _, _, files = c.run_vp("gcovrt_branchy_copy", ["die"], {"GCOVRT_KILL": "1"},
                           expect_rc=-signal.SIGKILL)
    raw = one_raw(files, "sigkill copy")
    for o in raw["objects"]:
        expect(o["mode"] == vpgcov.ARCS_COPY and o["n_copies"] == 0,
               "SIGKILLed copy mode: %s mode %d n_copies %d, expected copy mode, 0 copies"
               % (o["filename"], o["mode"], o["n_copies"]))


def case_setfile(c):
    """vitprof_set_file() in the middle: the counts move to the new file,
    in place (the mapping follows) and in copy mode."""
    out_g, root = c.run_gcov("gcovrt_branchy_gcov", ["setfile"])
    for prog, mode in (("gcovrt_branchy_vp", vpgcov.ARCS_IN_PLACE),
                       ("gcovrt_branchy_copy", vpgcov.ARCS_COPY)):
        d = c.newdir(prog + "-moved")
        new = os.path.join(d, "moved.vitraw")
        out_v, _, files = c.run_vp(prog, ["setfile"], {"GCOVRT_NEWFILE": new})
        expect(out_v == out_g, "setfile: output %r vs %r" % (out_v, out_g))
        expect(not files, "setfile: the old file is still there: %s" % files)
        raw = vpgcov.read_raw(new)
        expect(raw["flags"] & 2, "setfile: MOVED flag not set")
        check_modes(raw, mode, "setfile " + prog, 1 if mode == vpgcov.ARCS_IN_PLACE else None)
        byf = counters_by_file(raw)
        compare("setfile " + prog, raw_counters(raw), gcov_counters(root, byf, byf))


def split_parent_child(files, what):
    raws = [vpgcov.read_raw(f) for f in files]
    if not expect(len(raws) == 2, "%s: expected 2 raw files, found %s" % (what, files)):
        finish()
    child = [r for r in raws if r["flags"] & 1]
    parent = [r for r in raws if not r["flags"] & 1]
    if not expect(len(child) == 1 and len(parent) == 1, "%s: no parent/child pair" % what):
        finish()
    expect(child[0]["ppid"] == parent[0]["pid"], "%s: child's ppid is not the parent" % what)
    return parent[0], child[0]


def fn_counters(counters, filename, name):
    names = names_of(filename)
    keys = [k for k, v in names.items() if v == name]
    if not expect(len(keys) == 1, "%s: function %s not found in .gcno" % (filename, name)):
        return None
    return counters[filename].get(keys[0])


def case_fork(c):
    for vp, mode in (("gcovrt_forker_vp", vpgcov.ARCS_IN_PLACE),
                     ("gcovrt_forker_copy", vpgcov.ARCS_COPY)):
        # __gcov_fork where GCC put it, __gcov_fork called by hand, and a
        # plain fork(): all against libgcov's __gcov_fork (the child starts
        # from zero; libgcov's plain fork would count the parent's work twice).
        for how, env in (("direct", {}), ("helper", {}), ("helper", {"GCOVRT_PLAIN_FORK": "1"})):
            what = "fork(%s%s) %s" % (how, " plain" if env else "", vp)
            _, root = c.run_gcov("gcovrt_forker_gcov", [how])
            _, _, files = c.run_vp(vp, [how], env)
            parent, child = split_parent_child(files, what)
            check_modes(parent, mode, what + " parent")
            check_modes(child, mode, what + " child")
            pc, cc = raw_counters(parent), raw_counters(child)
            want = gcov_counters(root, pc)
            # libgcov merges both processes into one .gcda: parent + child.
            total = {f: {k: add(v, cc[f][k]) for k, v in fns.items()} for f, fns in pc.items()}
            compare(what + " parent+child", total, want)
            f = next(iter(pc))
            for proc, counters, zero in (("parent", pc, "work_b"), ("child", cc, "work_a"),
                                         ("child", cc, "work_c")):
                v = fn_counters(counters, f, zero)
                expect(v is not None and not any(v),
                       "%s: %s has %s counts %s (counted twice or leaked)"
                       % (what, proc, zero, v))
            for proc, counters, name in (("parent", pc, "work_a"), ("child", cc, "work_b")):
                v = fn_counters(counters, f, name)
                w = fn_counters(want, f, name)
                expect(v == w, "%s: %s's %s %s, libgcov %s" % (what, proc, name, v, w))


def case_exec(c):
    for vp, mode in (("gcovrt_execer_vp", vpgcov.ARCS_IN_PLACE),
                     ("gcovrt_execer_copy", vpgcov.ARCS_COPY)):
        what = "exec %s" % vp
        out_g, root = c.run_gcov("gcovrt_execer_gcov", ["first"])
        out_v, _, files = c.run_vp(vp, ["first"])
        expect(out_v == out_g, "%s: output %r vs %r" % (what, out_v, out_g))
        # The second image of the same process writes <path>.1.
        if not expect(len(files) == 2, "%s: raw files %s" % (what, files)):
            continue
        first, second = sorted(files, key=len)
        r1, r2 = vpgcov.read_raw(first), vpgcov.read_raw(second)
        check_modes(r1, mode, what + " first image")
        check_modes(r2, mode, what + " second image")
        expect(r1["pid"] == r2["pid"], "%s: not the same process" % what)
        c1, c2 = raw_counters(r1), raw_counters(r2)
        want = gcov_counters(root, c1)
        total = {f: {k: add(v, c2[f][k]) for k, v in fns.items()} for f, fns in c1.items()}
        compare(what + " before+after exec", total, want)
        f = next(iter(c1))
        v = fn_counters(c1, f, "work_a")
        expect(v == fn_counters(want, f, "work_a") and any(v),
               "%s: work_a before exec %s" % (what, v))
        v = fn_counters(c1, f, "work_b")
        expect(v is not None and not any(v), "%s: work_b in the first image: %s" % (what, v))


def case_threads(c):
    n = 300000
    out_g, root = c.run_gcov("gcovrt_threads_gcov", [str(n)])
    out_v, _, files = c.run_vp("gcovrt_threads_vp", [str(n)])
    expect(out_v == out_g, "threads: output %r vs %r" % (out_v, out_g))
    raw = one_raw(files, "threads")
    check_modes(raw, vpgcov.ARCS_IN_PLACE, "threads", 1)
    byf = counters_by_file(raw)
    got = raw_counters(raw)
    compare("threads (atomic)", got, gcov_counters(root, byf, byf))
    tool_matches_gcov(c, files[0], root, byf, "threads (atomic)")
    f = next(iter(got))
    v = fn_counters(got, f, "hammer")
    taken = 4 * ((n + 2) // 3)
    known = {4 * n, taken, 4 * n - taken}
    expect(v and all(x in known for x in v) and any(v),
           "threads: hammer's counters %s, each must be one of %s" % (v, sorted(known)))


def case_libs(c):
    for args, n_raw in ((["plain"], 1), (["dl", c.prog("libgcovrt_dl_vp.so")], 2)):
        gargs = args if args[0] == "plain" else ["dl", c.prog("libgcovrt_dl_gcov.so")]
        what = "libs %s" % args[0]
        out_g, root = c.run_gcov("gcovrt_libs_gcov", gargs)
        out_v, _, files = c.run_vp("gcovrt_libs_vp", args)
        expect(out_v == out_g, "%s: output %r vs %r" % (what, out_v, out_g))
        if n_raw == 1:
            raw = one_raw(files, what)
            check_modes(raw, vpgcov.ARCS_IN_PLACE, what, 3)
            byf = counters_by_file(raw)
            compare(what, raw_counters(raw), gcov_counters(root, byf, byf))
            tool_matches_gcov(c, files[0], root, byf, what)
            continue
        parent, child = split_parent_child(files, what)
        check_modes(parent, vpgcov.ARCS_IN_PLACE, what + " parent", 4)
        expect(child["lost_sections"] == 0, "%s: child lost_sections %d"
               % (what, child["lost_sections"]))
        pc, cc = raw_counters(parent), raw_counters(child)
        total = {f: {k: add(v, cc[f][k]) if f in cc else v for k, v in fns.items()}
                 for f, fns in pc.items()}
        compare(what + " parent+child", total, gcov_counters(root, pc))
        dl = [f for f in pc if "libdl" in f]
        expect(len(dl) == 1 and any(any(v) for v in pc[dl[0]].values()),
               "%s: the dlclose()d library's counts are not in the parent's file" % what)
        expect(all(not any(v) for f in dl if f in cc for v in cc[f].values()),
               "%s: the child has counts of the library unloaded before fork" % what)


def case_reload(c):
    """A library dlopen()ed, dlclose()d and dlopen()ed again: two records
    for one .gcda, whose sum is libgcov's (it merges at each dlclose)."""
    out_g, root = c.run_gcov("gcovrt_libs_gcov", ["dl2", c.prog("libgcovrt_dl_gcov.so")])
    out_v, _, files = c.run_vp("gcovrt_libs_vp", ["dl2", c.prog("libgcovrt_dl_vp.so")])
    expect(out_v == out_g, "reload: output %r vs %r" % (out_v, out_g))
    raw = one_raw(files, "reload")
    check_modes(raw, vpgcov.ARCS_IN_PLACE, "reload", 5)
    dl = [o for o in raw["objects"] if "libdl" in o["filename"]]
    expect(len(dl) == 2 and dl[0]["arcs_id"] != dl[1]["arcs_id"],
           "reload: expected two records of libdl in two ARCS sections, got %d" % len(dl))
    byf = counters_by_file(raw, allow_twice=("libdl",))
    compare("reload", raw_counters(raw, ("libdl",)), gcov_counters(root, byf, byf))
    tool_matches_gcov(c, files[0], root, byf, "reload")


def case_layouts(c):
    """gcov_info in the GCC 11, 13 and 14 layouts (hand-made, layouts.c)."""
    d = c.newdir("layouts")
    p = subprocess.run([c.prog("gcovrt_layouts")], capture_output=True, text=True, timeout=60,
                       env=c.env({"VITPROF_FILE": os.path.join(d, "l.vitraw")}))
    expect(p.returncode == 0 and p.stdout == "ok\n" and p.stderr == "",
           "layouts: exit %d, out %r, err %r" % (p.returncode, p.stdout, p.stderr))
    raw = vpgcov.read_raw(os.path.join(d, "l.vitraw"))
    want = [("/gcovrt/gcc11.gcda", 0x4231342A, 0x11111111, 0, 1, {(11, 111, 1111): [11, 2, 3]}),
            ("/gcovrt/gcc13.gcda", 0x4233322A, 0x13131313, 0xC13C13, 1, {(13, 131, 1313): [40, 50]}),
            ("/gcovrt/gcc14.gcda", 0x4234312A, 0x14141414, 0xC14C14, 0x41,
             {(14, 141, 1414): [6, 7, 8, 9], (15, 151, 1515): []})]
    got = [(o["filename"], o["version"], o["stamp"], o["checksum"], o["mask"], o["counters"])
           for o in raw["objects"]]
    expect(got == want, "layouts: records\n  %s\nexpected\n  %s" % (got, want))
    f14 = [o for o in raw["objects"] if o["filename"].endswith("gcc14.gcda")]
    if f14:
        expect(f14[0]["functions"][1] == (0, 0, 0, 0, 0xFFFFFFFFFFFFFFFF),
               "layouts: dropped COMDAT function recorded as %s" % (f14[0]["functions"][1],))
        expect(len(f14[0]["functions"]) == 3, "layouts: gcc14 n_functions")
    for o in raw["objects"]:
        expect(o["mode"] == vpgcov.ARCS_COPY and o["n_copies"] >= 1,
               "layouts: %s mode %d copies %d" % (o["filename"], o["mode"], o["n_copies"]))


def case_badver(c):
    d = c.newdir("badver")
    p = subprocess.run([c.prog("gcovrt_badver")], capture_output=True, text=True, timeout=60,
                       env=c.env({"VITPROF_FILE": os.path.join(d, "badver.vitraw")}))
    expect(p.returncode == 3, "badver: exit %d, expected 3" % p.returncode)
    expect(p.stdout == "hello\n", "badver: stdout %r" % p.stdout)
    lines = p.stderr.splitlines()
    expect(len(lines) == 1 and lines[0].startswith("vitprof: ") and "X99*" in lines[0]
           and "not supported" in lines[0], "badver: stderr %r, expected one vitprof: line"
           % p.stderr)
    log("stderr: %s" % p.stderr.strip())
    raw = vpgcov.read_raw(os.path.join(d, "badver.vitraw"))
    expect(raw["lost_sections"] >= 1, "badver: loss not counted (lost_sections %d)"
           % raw["lost_sections"])
    expect(not raw["objects"], "badver: a record was written: %s" % raw["objects"])


def case_oneshot(c):
    """gcc $(vitprof flags --compile --link) x.c: the driver adds -lgcov,
    which must pull nothing: every __gcov_* comes from vitprof's runtime
    or its per-object archive."""
    if not c.vitprof:
        fail("oneshot needs --vitprof")
        return
    flags = subprocess.run([c.vitprof, "flags", "--compile", "--link"], capture_output=True,
                           text=True, check=True).stdout.split()
    log("flags: %s" % " ".join(flags))
    for bad in ("--coverage", "-lgcov"):
        expect(bad not in flags, "flags contain %s" % bad)
    d = c.newdir("oneshot")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "branchy.c")
    helpers = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers.c")
    exe = os.path.join(d, "oneshot")
    extra = san_flags(c.sanitized)
    cmd = [c.cc] + flags + extra + ["-O2", src, helpers, "-o", exe,
                                    "-Wl,-Map," + exe + ".map"]
    p = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
    if not expect(p.returncode == 0, "one-step build failed: %s\n%s" % (" ".join(cmd), p.stderr)):
        return
    with open(exe + ".map") as f:
        m = f.read()
    pulled = [l for l in m.splitlines() if "libgcov.a(" in l]
    expect(not pulled, "libgcov.a members were linked in: %s" % pulled[:5])
    # Except libgcov's per-object state, which the flags link in on purpose
    # (libvitprof_gcov.a, named after -L, as libgcov.a would be).
    libdir = [f[2:] for f in flags if f.startswith("-L")]
    archive = os.path.join(libdir[0], "libvitprof_gcov.a") if libdir else ""
    own = subprocess.run(["nm", "--defined-only", archive], capture_output=True,
                         text=True).stdout if os.path.exists(archive) else ""
    own = {l.split()[-1] for l in own.splitlines() if " __gcov_" in l}
    expect(own, "no libvitprof_gcov.a next to the runtime (-L in the flags): %r" % archive)
    nm = subprocess.run(["nm", exe], capture_output=True, text=True).stdout
    defined = [l for l in nm.splitlines() if (" T __gcov_" in l or " t __gcov_" in l)
               and l.split()[-1] not in own]
    expect(not defined, "the program defines gcov symbols itself: %s" % defined)
    p = subprocess.run([exe, "run"], cwd=d, capture_output=True, text=True, timeout=60,
                       env=c.env({"VITPROF_FILE": os.path.join(d, "o.vitraw")}))
    expect(p.returncode == 0 and p.stderr == "", "oneshot run: %d %r" % (p.returncode, p.stderr))
    raw = vpgcov.read_raw(os.path.join(d, "o.vitraw"))
    check_modes(raw, vpgcov.ARCS_IN_PLACE, "oneshot", 1)
    expect(any(any(v) for o in raw["objects"] for v in o["counters"].values()),
           "oneshot: all counters zero")


CASES = {"branchy": case_branchy, "dumpreset": case_dumpreset, "sigkill": case_sigkill,
         "fork": case_fork, "exec": case_exec, "threads": case_threads, "libs": case_libs,
         "reload": case_reload, "setfile": case_setfile, "layouts": case_layouts,
         "badver": case_badver, "oneshot": case_oneshot}


def main():
    args = arguments(("--bin", "--scratch"), CASES, {"--vitprof": None, "--cc": "cc"})
    c = Ctx(args)
    try:
        CASES[args.case](c)
    except vpgcov.FormatError as e:
        fail("unreadable: %s" % e)
    finish()


if __name__ == "__main__":
    main()
