# SPDX-License-Identifier: MIT
"""vptest.py - helpers shared by the Python test scripts (tests/**/*.py).

A script imports it with

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "lib"))
    from vptest import Checks  # noqa: E402

(ctest runs the scripts as `python3 -B SCRIPT ARGS`, from the build tree).

Checks: failure collection: every failed expectation is printed as it
happens and counted, so one run shows every difference; finish() exits 1
when any failed, else 0."""
import sys


class Checks:
    def __init__(self, name):
        self.name = name
        self.failures = []

    def log(self, msg):
        print("[%s] %s" % (self.name, msg), flush=True)

    def fail(self, msg):
        self.failures.append(msg)
        self.log("FAIL: " + msg)

    def expect(self, cond, msg):
        if not cond:
            self.fail(msg)
        return bool(cond)

    def finish(self):
        if self.failures:
            self.log("%d failure(s)" % len(self.failures))
            sys.exit(1)
        self.log("PASS")
        sys.exit(0)
