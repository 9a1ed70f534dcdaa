#!/usr/bin/env python3
"""Runtime end-to-end checks that need a program of their own.

  check_rt.py CASE PROGRAM VITPROF_TOOL SCRATCH_DIR
"""
import os, subprocess, sys

sys.dont_write_bytecode = True  # run without -B: no __pycache__ in tests/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402

case, prog, tool, scratch = sys.argv[1:5]
os.makedirs(scratch, exist_ok=True)


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def run(mode, *args):
    raw = os.path.join(scratch, f"{case}-{mode}.vitraw")
    if os.path.exists(raw):
        os.unlink(raw)
    env = dict(os.environ, VITPROF_FILE=raw, VITPROF_MODE=mode)
    out = subprocess.run([prog, *args], env=env, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        fail(f"{prog} exited {out.returncode}: {out.stderr}")
    if out.stderr:
        fail(f"runtime printed to stderr: {out.stderr!r}")
    doc, js = vptest.export_doc(tool, raw, timeout=None)
    if doc is None:
        fail(f"vitprof export failed: {js.stderr}")
    return out.stdout, doc


def fn(prof, name):
    found = [f for f in prof["functions"] if f["name"] == name or f["name"].startswith(name + "(")]
    if len(found) != 1:
        fail(f"expected one function {name}, found {len(found)}")
    return found[0]


if case == "cxx_exceptions":
    n = 1000
    _, prof = run("time", str(n))
    for name, calls in (("catcher", n), ("thrower", 4 * n), ("sleeper", 1), ("main", 1)):
        got = fn(prof, name)["calls"]
        if got != calls:
            fail(f"{name}: {got} calls, expected {calls}")
    thrower, sleeper, main = fn(prof, "thrower"), fn(prof, "sleeper"), fn(prof, "main")
    if sleeper["total_ns"] < 90e6:
        fail(f"sleeper total {sleeper['total_ns']} ns < 90 ms")
    # thrower's frames closed at the throw, not later: far less than the sleep.
    if thrower["total_ns"] > 50e6:
        fail(f"thrower total {thrower['total_ns']} ns: frames left open across the catch")
    if main["total_ns"] < sleeper["total_ns"]:
        fail("main's total is less than its callee sleeper's")
    for f in prof["functions"]:
        if f.get("self_ns", 0) > f.get("total_ns", 0) and f["instrumented"]:
            fail(f"{f['name']}: self {f['self_ns']} > total {f['total_ns']}")
    print("ok: counts exact, exception frames closed at the catch")
elif case == "signal_reentry":
    for mode in ("count", "time"):
        n = 20000000
        out, prof = run(mode, str(n))
        handled = int(out.split()[1])
        work = fn(prof, "work")["calls"]
        inh = fn(prof, "in_handler")["calls"]
        onp = fn(prof, "on_prof")["calls"]
        lost = prof["program"]["lost_calls"]
        if work != n:
            fail(f"{mode}: work {work} calls, expected {n}")
        # A signal that lands inside a hook loses both of its calls (the
        # instrumented handler on_prof and in_handler); any other signal
        # counts both.
        if onp != inh or lost % 2 or inh + lost // 2 != handled:
            fail(f"{mode}: {handled} signals, on_prof {onp}, in_handler {inh}, lost {lost}")
        if handled < 100:
            fail(f"{mode}: only {handled} signals: the test did not exercise the guard")
        print(f"ok {mode}: {n} work calls exact; {handled} signals = {inh} counted + {lost // 2} inside a hook")
elif case == "exec_chain":
    import glob
    for f in glob.glob(os.path.join(scratch, "exec-*.vitraw*")):
        os.unlink(f)
    env = dict(os.environ, VITPROF_FILE=os.path.join(scratch, "exec-%p.vitraw"))
    out = subprocess.run([prog], env=env, capture_output=True, text=True, timeout=60)
    if out.returncode != 0 or out.stderr:
        fail(f"exit {out.returncode}, stderr {out.stderr!r}")
    files = sorted(glob.glob(os.path.join(scratch, "exec-*.vitraw*")), key=lambda f: (len(f), f))
    if len(files) != 3:
        fail(f"expected 3 profiles (one per image), found {files}")
    for gen, f in enumerate(files):
        prof, js = vptest.export_doc(tool, f, timeout=None)
        if prof is None:
            fail(f"{f}: {js.stderr}")
        if fn(prof, "work")["calls"] != 10 + gen or fn(prof, "main")["calls"] != 1:
            fail(f"{f}: work {fn(prof, 'work')['calls']}, expected {10 + gen}")
        want = "exited" if gen == 2 else "running"
        if prof["program"]["state"] != want:
            fail(f"{f}: state {prof['program']['state']}, expected {want}")
    print("ok: three images, three exact profiles:", [os.path.basename(f) for f in files])
elif case == "rebuilt_binary":
    # Here PROGRAM is a C source: build it with `vitprof flags`, run it, then
    # rebuild the binary differently at the same path. The tool must refuse
    # the profile with one line naming the binary and the build-id problem.
    src, exe = prog, os.path.join(scratch, "rebuilt")
    flags = lambda *a: subprocess.run([tool, "flags", *a], check=True, capture_output=True,
                                      text=True).stdout.split()
    def build(*extra):
        subprocess.run(["gcc", *flags("--compile"), *extra, src, "-o", exe, *flags("--link")],
                       check=True)
    build("-O0")
    raw = os.path.join(scratch, "rebuilt.vitraw")
    subprocess.run([exe, "1000"], check=True, capture_output=True,
                   env=dict(os.environ, VITPROF_FILE=raw))
    ok = subprocess.run([tool, "show", raw], capture_output=True, text=True)
    if ok.returncode != 0:
        fail(f"show before the rebuild failed: {ok.stderr}")
    build("-O2", "-DREBUILT=1")
    bad = subprocess.run([tool, "show", raw], capture_output=True, text=True)
    lines = bad.stderr.strip().splitlines()
    if bad.returncode != 1 or len(lines) != 1 or exe not in lines[0] or "build-id" not in lines[0]:
        fail(f"after the rebuild: exit {bad.returncode}, stderr {bad.stderr!r}")
    if bad.stdout:
        fail(f"after the rebuild, output anyway: {bad.stdout[:200]!r}")
    print("ok:", lines[0])
elif case == "inlined_time":
    # wordfreq at -O2: hash() is inlined into add_word(), itself inlined into
    # main, so their hooks run from one physical frame. Time mode must keep
    # every frame and count exactly what count mode counts.
    _, counted = run("count", "50000")
    _, timed = run("time", "50000")
    calls = lambda p: sorted((f["name"], f["calls"]) for f in p["functions"])
    if calls(counted) != calls(timed):
        fail(f"count mode {calls(counted)} != time mode {calls(timed)}")
    if timed["program"]["lost_frames"] != 0:
        fail(f"{timed['program']['lost_frames']} returns could not be timed")
    print(f"ok: {sum(c for _, c in calls(timed))} calls, same in both modes, no frame lost")
else:
    fail("unknown case " + case)
