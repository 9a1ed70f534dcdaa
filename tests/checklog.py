# SPDX-License-Identifier: MIT
"""Failure collection shared by the Python checkers: every failed
expectation is printed as it happens and counted, so one run shows every
difference; finish() exits 1 when any failed, else 0."""
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
