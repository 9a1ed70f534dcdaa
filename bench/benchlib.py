# SPDX-License-Identifier: MIT
"""What the benchmark scripts (bench/*.py) share: running commands, timing a
child's CPU, and replacing a script's marked section of docs/benchmarks.md."""
import os, re, subprocess, sys, time


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, env):
    """(wall seconds, CPU seconds of the child, its stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("%s exited with %d" % (cmd, os.waitstatus_to_exitcode(status)))
    return wall, ru.ru_utime + ru.ru_stime, out


def replace_section(path, begin, end, section):
    """Puts section (which starts with begin and ends with end) in place of
    the text between those markers in path, or appends it."""
    try:
        with open(path) as f:
            doc = f.read()
    except OSError:
        doc = "# Benchmarks\n"
    if begin in doc and end in doc:
        doc = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: section, doc,
                     flags=re.S)
    else:
        doc = doc.rstrip("\n") + "\n\n" + section + "\n"
    with open(path, "w") as f:
        f.write(doc)


def cpu_model():
    """The machine's CPU model name, as /proc/cpuinfo gives it."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def run_interleaved(variants, runs, env, after_each=None):
    """Runs every (name, argv) of variants once per round, runs rounds, so
    that a change in the machine's load hits every variant alike.
    Returns {name: (walls, cpus)}; exits if the variants printed different
    outputs. after_each(), if given, runs after every run (to remove what a
    run wrote)."""
    res = {n: ([], []) for n, _ in variants}
    outs = set()
    for _ in range(runs):
        for name, argv in variants:
            wall, cpu, out = timed(argv, env)
            res[name][0].append(wall)
            res[name][1].append(cpu)
            outs.add(out)
            if after_each:
                after_each()
    if len(outs) != 1:
        sys.exit("the variants printed different outputs: %s" % sorted(outs))
    return res
