# SPDX-License-Identifier: MIT
"""e2e: sigkill.c - killed with SIGKILL after printing READY: every call made
before READY is in the raw profile, which stays in state "running"."""
import os
import select
import signal
import subprocess
import time

from vpcheck import Checker

N, T = 250000, 30000


def main():
    c = Checker("sigkill")
    d = os.path.join(c.scratch, "run")
    os.makedirs(d)
    env = dict(os.environ, VITPROF_FILE=os.path.join(d, "%e.%p.vitraw"), VITPROF_MODE="count")
    env.pop("VITPROF_VERBOSE", None)
    c.log("running %s %d %d, waiting for READY" % (c.prog, N, T))
    proc = subprocess.Popen([c.prog, str(N), str(T)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    line = b""
    deadline = time.time() + 60
    while not line.endswith(b"\n") and time.time() < deadline:
        r, _, _ = select.select([proc.stdout], [], [], 1.0)
        if r:
            ch = os.read(proc.stdout.fileno(), 1)
            if not ch:
                break
            line += ch
    proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=30)
    c.expect(line == b"READY\n", "expected READY, got %r" % line)
    c.expect(proc.returncode == -signal.SIGKILL,
             "exit status %r, expected death by SIGKILL" % proc.returncode)
    c.expect(not err.strip(), "stderr: %r" % err)

    p = c.export(c.one_raw(c.raw_files(d)))
    c.compare("function calls",
              {"main": 1, "step": N, "wait_forever": 1, "helper_main": 1,
               "helper_step": T, "helper_idle": 1},
              p.calls())
    c.expect(p.program["state"] == "running",
             "state %r, expected running (killed)" % p.program["state"])
    c.expect(p.program["lost_calls"] == 0, "lost_calls %d" % p.program["lost_calls"])
    c.expect(p.program["threads"] == 2, "threads %d, expected 2" % p.program["threads"])
    c.finish()


if __name__ == "__main__":
    main()
