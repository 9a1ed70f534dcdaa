# SPDX-License-Identifier: MIT
"""e2e: unwritable.c - when the profile cannot be written (directory
missing, a path under a file in /proc, a path that is a directory), the
program's stdout and exit status are unchanged and stderr holds exactly one
line, starting with "vitprof:"."""
import os

from vpcheck import Checker

N = 10


def main():
    c = Checker("unwritable")
    out = "".join("%d %d\n" % (k, sum(i * i for i in range(1, k + 1))) for k in range(1, N + 1))
    out += "done\n"

    # Baseline: a writable path, the profile is complete and stderr empty.
    cp, raws = c.run([N], tag="ok", expect_rc=3)
    c.expect(cp.stdout == out, "baseline: stdout %r, expected %r" % (cp.stdout, out))
    p = c.export(c.one_raw(raws))
    c.compare("baseline: function calls",
              {"main": 1, "sum_squares": N, "square": N * (N + 1) // 2}, p.calls())

    isdir = os.path.join(c.scratch, "a-directory.vitraw")
    os.makedirs(isdir)
    # Missing directories are created (docs/runtime.md): one that cannot
    # be, under a regular file, is the unwritable case.
    afile = os.path.join(c.scratch, "a-file")
    with open(afile, "w") as f:
        f.write("not a directory\n")
    cases = [
        ("directory cannot be made", os.path.join(afile, "sub", "x.%p.vitraw"), "count"),
        ("under a /proc file", "/proc/version/x.%p.vitraw", "count"),
        ("in /proc", "/proc/vitprof-e2e-%p.vitraw", "count"),
        ("a directory", isdir, "count"),
        ("directory cannot be made, time mode", os.path.join(afile, "x.%p.vitraw"), "time"),
    ]
    for what, path, mode in cases:
        cp, _ = c.run([N], tag="bad", mode=mode, raw_pattern=path, expect_rc=None,
                      check_stderr_empty=False)
        c.expect(cp.returncode == 3, "%s (%s): exit status %d, expected 3"
                 % (what, path, cp.returncode))
        c.expect(cp.stdout == out, "%s (%s): stdout %r, expected %r"
                 % (what, path, cp.stdout, out))
        lines = cp.stderr.splitlines()
        c.expect(len(lines) == 1 and lines[0].startswith("vitprof:")
                 and cp.stderr.endswith("\n"),
                 "%s (%s): stderr should be exactly one line starting with 'vitprof:', got %r"
                 % (what, path, cp.stderr))
        c.log("%s: stderr: %s" % (what, cp.stderr.strip()))
    c.expect(os.listdir(isdir) == [], "files appeared in %s: %s" % (isdir, os.listdir(isdir)))
    c.expect(open(afile).read() == "not a directory\n", "%s changed" % afile)
    c.finish()


if __name__ == "__main__":
    main()
