#!/usr/bin/env python3
"""Where the runtime writes its profile (docs/runtime.md, "Process events"
and "Configuration"): a live profile of another process is never removed
or replaced, missing directories are created, and VITPROF_* reaches the
children a program starts with an environment of its own.

    check_rt_files.py CASE --prog rtf_prog --vitprof vitprof --scratch DIR [--sanitized]

Counts are known by construction: rtf_prog calls work() N times before and
N times after its child, which calls it M times (tests/rt_files/rtf_prog.c).
"""
import glob, json, os, shutil, stat, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402

args = vptest.arguments(("--prog", "--vitprof", "--scratch"), cases=True)

CHECKS = vptest.Checks()
fail = CHECKS.fail


def env(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith("VITPROF_")}
    if args.sanitized:
        e["ASAN_OPTIONS"] = "detect_leaks=0"
    e.update(extra)
    return e


def run(what, argv, e, cwd=None, user=None, lines=0):
    """Runs rtf_prog; checks exit 0, empty stdout, `lines` vitprof: lines
    and nothing else on stderr. Returns the vitprof: lines."""
    cmd = [args.prog] + [str(a) for a in argv]
    if user is not None:
        cmd = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups", "--"] + cmd
    cp = subprocess.run(cmd, env=e, cwd=cwd or args.scratch, capture_output=True, text=True,
                        timeout=60)
    err = cp.stderr.splitlines()
    vp = [l for l in err if l.startswith("vitprof: ")]
    if cp.returncode != 0 or cp.stdout or len(vp) != len(err) or (lines is not None and len(vp) != lines):
        fail("%s: exit %d, stdout %r, stderr %r (expected %s vitprof: lines)"
             % (what, cp.returncode, cp.stdout[:200], cp.stderr[:1000], lines))
    return vp


def work_calls(raw):
    """(work() calls, mode) of a raw profile, read by `vitprof export`."""
    cp = subprocess.run([args.vitprof, "export", "--format", "vitprof", "-o", "-", raw],
                        capture_output=True, text=True, timeout=60)
    if cp.returncode != 0:
        fail("vitprof export %s: %s" % (raw, cp.stderr.strip()))
        return None, None
    doc = json.loads(cp.stdout)
    calls = sum(f.get("calls", 0) for f in doc["functions"] if f["name"] == "work")
    return calls, doc["program"].get("mode")


def fresh(name):
    return vptest.fresh_dir(os.path.join(args.scratch, name))


def profiles(d, pattern="*"):
    return sorted(glob.glob(os.path.join(d, pattern)), key=lambda f: (len(f), f))


# ---- item 10: a live profile is never removed or replaced -------------------

def case_live_child(how):
    """The parent runs with VITPROF_FILE=train.vitraw (no %p) and starts a
    child of the same program: the parent's file keeps its 2N calls, the
    child's M calls are in a file of its own, named in one line."""
    d = fresh("live_" + how)
    raw = os.path.join(d, "train.vitraw")
    n, m = 100, 7
    vp = run(how, [how, n, m], env(VITPROF_FILE=raw), lines=1)
    calls, _ = work_calls(raw) if os.path.exists(raw) else (None, None)
    if calls != 2 * n:
        fail("%s: the parent's %s holds %s work() calls, expected %d (files: %s)"
             % (how, raw, calls, 2 * n, os.listdir(d)))
    others = [f for f in profiles(d) if f != raw]
    got = sum(work_calls(f)[0] or 0 for f in others)
    if got != m:
        fail("%s: the child's profiles %s hold %d work() calls, expected %d"
             % (how, [os.path.basename(f) for f in others], got, m))
    if vp and not ("'%s' is the live profile of process " % raw in vp[0] and
                   any("this run writes '%s'" % f in vp[0] for f in others)):
        fail("%s: the line does not name the parent's file and the child's: %r" % (how, vp[0]))
    print("ok %s: parent %s = %s, child %s; %s" % (how, os.path.basename(raw), calls,
          [os.path.basename(f) for f in others], vp[:1]))


def case_concurrent():
    """Runs of one binary at once, one VITPROF_FILE: every run keeps its own
    profile. Each run calls work() a count of its own and stays alive until
    every run has made its calls, so they overlap; started all at once (a
    race on the name) and one after the other."""
    for rnd, stagger in enumerate((0, 0, 0.1)):
        d = fresh("concurrent%d" % rnd)
        sync = fresh("concurrent%d_sync" % rnd)
        raw = os.path.join(d, "train.vitraw")
        counts = [1000 + 17 * i for i in range(4)]
        procs = []
        for c in counts:
            procs.append(subprocess.Popen([args.prog, "wait", str(c), sync],
                                          env=env(VITPROF_FILE=raw), cwd=d,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True))
            time.sleep(stagger)
        t0 = time.monotonic()
        while len(os.listdir(sync)) < len(counts) and time.monotonic() - t0 < 30:
            time.sleep(0.01)
        open(os.path.join(sync, "go"), "w").close()
        lines = []
        for p in procs:
            out, err = p.communicate(timeout=60)
            if p.returncode != 0 or out:
                fail("concurrent: exit %d, stdout %r" % (p.returncode, out))
            lines += err.splitlines()
        files = profiles(d)
        got = sorted(work_calls(f)[0] for f in files)
        if got != counts:
            fail("concurrent round %d: profiles %s hold %s work() calls, expected %s"
                 % (rnd, [os.path.basename(f) for f in files], got, counts))
        # One line per run that did not get the name, none for the other.
        if len(lines) != len(counts) - 1 or not all("is the live profile of process" in l
                                                    for l in lines):
            fail("concurrent round %d: stderr %r" % (rnd, lines))
        print("ok concurrent round %d: %s -> %s" % (rnd, [os.path.basename(f) for f in files], got))


def case_finished_run():
    """A finished run's profile is replaced, as before; a fork child without
    exec writes <path>.<pid>, silently."""
    d = fresh("finished")
    raw = os.path.join(d, "train.vitraw")
    run("first", ["work", 5], env(VITPROF_FILE=raw))
    run("second", ["work", 9], env(VITPROF_FILE=raw))
    if profiles(d) != [raw] or work_calls(raw)[0] != 9:
        fail("finished run: %s, expected one train.vitraw with 9 calls" % os.listdir(d))
    os.unlink(raw)
    run("forkwork", ["forkwork", 20, 3], env(VITPROF_FILE=raw))
    files = profiles(d)
    got = [work_calls(f)[0] for f in files]
    if len(files) != 2 or files[0] != raw or got != [40, 3]:
        fail("forkwork: %s hold %s, expected train.vitraw 40 and train.vitraw.<pid> 3"
             % (files, got))
    print("ok: a finished run's file replaced; fork child in its own file", got)


# ---- missing directories ------------------------------------------------------

def case_mkdir():
    d = fresh("mkdir")
    old = os.umask(0o022)
    try:
        run("nested", ["work", 11], env(VITPROF_FILE=os.path.join(d, "a/b/c/%e-%p.vitraw")))
    finally:
        os.umask(old)
    files = glob.glob(os.path.join(d, "a/b/c/*.vitraw"))
    if len(files) != 1 or work_calls(files[0])[0] != 11:
        fail("nested missing directories: found %s" % files)
    for sub in ("a", "a/b", "a/b/c"):
        p = os.path.join(d, sub)
        mode = stat.S_IMODE(os.stat(p).st_mode) if os.path.isdir(p) else None
        if mode != 0o700:
            fail("%s: mode %s, expected 0700" % (sub, None if mode is None else oct(mode)))
    # Relative, with a trailing slash on the way and "//".
    run("relative", ["work", 3], env(VITPROF_FILE="rel//x/%p.vitraw"), cwd=d)
    if len(glob.glob(os.path.join(d, "rel/x/*.vitraw"))) != 1:
        fail("relative nested path: nothing in rel/x")
    print("ok: nested directories created, mode 0700:", [os.path.relpath(f, d) for f in files])


def case_mkdir_unwritable():
    """The directory cannot be made: the program runs and exits as always,
    one line says the profile is lost."""
    d = fresh("mkdir_unwritable")
    with open(os.path.join(d, "plain"), "w") as f:
        f.write("a file, not a directory\n")
    vp = run("under a file", ["forkwork", 5, 2],
             env(VITPROF_FILE=os.path.join(d, "plain/x/y/%p.vitraw")), lines=1)
    if vp and "cannot create the profile" not in vp[0]:
        fail("under a file: %r" % vp)
    ro = os.path.join(d, "ro")
    os.makedirs(ro)
    user = None
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            print("no setpriv: the read-only case runs only as root with setpriv")
            return
        user = 65534   # nobody: cannot write ro/ (0755, root's)
        os.chmod(d, 0o755)
        os.chmod(args.scratch, 0o755)
        os.chmod(ro, 0o755)
    else:
        os.chmod(ro, 0o555)
    vp = run("read-only parent", ["work", 5], env(VITPROF_FILE=os.path.join(ro, "x/y/p.vitraw")),
             cwd="/", user=user, lines=1)
    if vp and "cannot create the profile" not in vp[0]:
        fail("read-only parent: %r" % vp)
    if os.listdir(ro):
        fail("read-only parent: %s appeared" % os.listdir(ro))
    print("ok: unwritable parents, one line each:", vp)


# ---- VITPROF_* carried into children with an environment of their own ----------

def case_env(how):
    d = fresh("env_" + how)
    cwd = fresh("env_%s_cwd" % how)
    pattern = os.path.join(d, "env-%p.vitraw")
    e = env(VITPROF_FILE=pattern, VITPROF_MODE="time")
    own = os.path.join(d, "own.vitraw")
    if how == "spawn_own":
        e["RTF_OWN_FILE"] = own
    run(how, [how, 30, 5], e, cwd=cwd)
    stray = os.listdir(cwd)
    if stray:
        fail("%s: the child wrote %s in the current directory (VITPROF_FILE lost)" % (how, stray))
    files = profiles(d)
    got = sorted((work_calls(f)[0], work_calls(f)[1]) for f in files)
    if how == "spawn_own":
        # The caller's own VITPROF_FILE is kept; VITPROF_MODE is carried.
        ok = own in files and work_calls(own) == (5, "time") and len(files) == 2
    else:
        ok = len(files) >= 2 and (60, "time") in got and \
            sum(c for c, mode in got if (c, mode) != (60, "time")) == 5 and \
            all(mode == "time" for _, mode in got)
    if not ok:
        fail("%s: profiles %s hold %s, expected the parent's 60 and the child's 5, time mode"
             % (how, [os.path.basename(f) for f in files], got))
    print("ok %s: %s -> %s" % (how, [os.path.basename(f) for f in files], got))


cases = {
    "live_system": lambda: case_live_child("system"),
    "live_forkexec": lambda: case_live_child("forkexec"),
    "live_spawn": lambda: case_live_child("spawn"),
    "concurrent": case_concurrent,
    "finished_run": case_finished_run,
    "mkdir": case_mkdir,
    "mkdir_unwritable": case_mkdir_unwritable,
}
for how in ("spawn", "spawnp", "execve", "execle", "execvpe", "fexecve", "spawn_own"):
    cases["env_" + how] = (lambda h: lambda: case_env(h))(how)
os.makedirs(args.scratch, exist_ok=True)
cases[args.case]()
CHECKS.finish()
