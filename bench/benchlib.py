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
