# SPDX-License-Identifier: MIT
"""security: real attacks on an instrumented program's profile files and
environment (docs/runtime.md, "Security"; rt/rt_file.c, rt/rt_merge.c,
rt/rt_init.c).

    check_security.py CASE --prog sec_prog --vitprof vitprof --scratch DIR [--sanitized]

Every case plants something where the runtime will look (a symlink to a
victim file, another user's file, a hard link, a FIFO, a directory; at the
profile path, at the %p-predicted name, at the %m pool, its lock or its
temporary file), or hands the runtime hostile VITPROF_* values, or makes
the program setuid/setgid; then runs the program and checks:
  - its stdout and exit status are those of an unprofiled run;
  - stderr holds only "vitprof:" lines: exactly one when the runtime had to
    refuse something, none otherwise; no control byte in them;
  - the victim is unchanged (type, inode, owner, mode, link count, size,
    mtime, content or link target) and, watched with inotify, was never
    opened, read, written or had its attributes changed;
  - where a profile is written, it is a valid one with the exact call counts
    (read back with `vitprof export`), mode 0600 (narrowed by the umask only).
Cases that need root (chown, setpriv, setuid) exit 77 without it. Runs are
made as root and, with `setpriv`, as nobody (65534).
"""
import argparse
import ctypes
import json
import os
import shutil
import signal
import stat
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402
N = 6
NOBODY = 65534
OTHER = 4242            # "another user": neither root nor nobody
CALLS = {"main": 1, "sum_squares": N, "square": N * (N + 1) // 2}
IS_ROOT = os.geteuid() == 0


def expected_stdout(extra=""):
    out = "".join("%d %d\n" % (k, sum(i * i for i in range(1, k + 1)))
                  for k in range(1, N + 1))
    return out + extra + "done\n"


# ---- inotify: was a victim touched at all? ---------------------------------

IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_OPEN = 0x1, 0x2, 0x4, 0x20
IN_DELETE_SELF, IN_MOVE_SELF, IN_DONT_FOLLOW = 0x400, 0x800, 0x02000000
IN_CREATE, IN_DELETE, IN_MOVED_TO, IN_MOVED_FROM = 0x100, 0x200, 0x80, 0x40
WATCH_MASK = (IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_OPEN | IN_DELETE_SELF |
              IN_MOVE_SELF | IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM)
EVENT_NAMES = {IN_ACCESS: "read", IN_MODIFY: "written", IN_ATTRIB: "attributes changed",
               IN_OPEN: "opened", IN_DELETE_SELF: "deleted", IN_MOVE_SELF: "moved",
               IN_CREATE: "entry created in it", IN_DELETE: "entry deleted in it",
               IN_MOVED_TO: "entry moved in", IN_MOVED_FROM: "entry moved out"}
_libc = ctypes.CDLL(None, use_errno=True)


class Watch:
    """inotify watches on victims (never following a symlink)."""

    def __init__(self, paths):
        self.fd = _libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.wds = {}
        for p in paths:
            wd = _libc.inotify_add_watch(self.fd, os.fsencode(p), WATCH_MASK | IN_DONT_FOLLOW)
            if wd < 0:
                raise OSError(ctypes.get_errno(), "inotify_add_watch " + p)
            self.wds[wd] = p

    def events(self):
        """[(path, what)] since the watch was set; closes the watch."""
        out = []
        try:
            data = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            data = b""
        os.close(self.fd)
        at = 0
        while at + 16 <= len(data):
            wd, mask, _cookie, ln = struct.unpack_from("iIII", data, at)
            name = data[at + 16:at + 16 + ln].rstrip(b"\0").decode(errors="replace")
            at += 16 + ln
            for bit, what in EVENT_NAMES.items():
                if mask & bit:
                    out.append((self.wds.get(wd, "?") + ("/" + name if name else ""), what))
        return out


# ---- the checker ------------------------------------------------------------

class Check(vptest.Checks):
    def __init__(self):
        p = argparse.ArgumentParser(description="vitprof security checks")
        p.add_argument("case")
        p.add_argument("--prog", required=True)
        p.add_argument("--vitprof", required=True)
        p.add_argument("--scratch", required=True)
        p.add_argument("--sanitized", action="store_true")
        self.args = p.parse_args()
        super().__init__(self.args.case)
        self.case = self.args.case
        self.prog = os.path.abspath(self.args.prog)
        self.scratch = vptest.fresh_dir(self.args.scratch)
        self.runs = 0
        os.chmod(self.scratch, 0o755)
        # Every directory above must let nobody through (runs as nobody).
        self.users = [("root", None)] if IS_ROOT else [("self", None)]
        if IS_ROOT and shutil.which("setpriv"):
            self.users.append(("nobody", NOBODY))

    def need_root(self):
        if not IS_ROOT:
            self.skip("needs root (chown to other users, setpriv, setuid)")

    def finish(self):
        if self.failures:
            print("[%s] %d failure(s) in %d runs:" % (self.case, len(self.failures), self.runs))
            for f in self.failures:
                print("  - " + f.replace("\n", "\n    "))
            sys.exit(1)
        print("[%s] PASS (%d runs of the program)" % (self.case, self.runs))
        sys.exit(0)

    # ---- directories and victims ------------------------------------------

    def mkdir(self, name, mode=0o755, owner=None):
        d = os.path.join(self.scratch, name)
        os.makedirs(d)
        os.chmod(d, mode)
        if owner is not None:
            os.chown(d, owner, owner)
        return d

    def victim(self, path, owner=None, mode=0o640, data=b"victim: do not touch\n"):
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, mode)
        if owner is not None and IS_ROOT:
            os.chown(path, owner, owner)
        os.utime(path, ns=(1_000_000_000 * 10**9, 1_000_000_000 * 10**9))
        return path

    def snapshot(self, path):
        """Everything about path that an attack could change (never opens a
        FIFO or follows a symlink)."""
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return None
        s = {"type": stat.S_IFMT(st.st_mode), "ino": st.st_ino, "mode": st.st_mode,
             "uid": st.st_uid, "gid": st.st_gid, "nlink": st.st_nlink,
             "size": st.st_size, "mtime": st.st_mtime_ns}
        if stat.S_ISLNK(st.st_mode):
            s["target"] = os.readlink(path)
        elif stat.S_ISREG(st.st_mode):
            with open(path, "rb") as f:
                s["data"] = f.read()
        elif stat.S_ISDIR(st.st_mode):
            s["entries"] = sorted(os.listdir(path))
        return s

    def guard(self, paths):
        """Snapshots of paths and an inotify watch on them."""
        snaps = {p: self.snapshot(p) for p in paths}
        return snaps, Watch([p for p in paths if snaps[p] is not None])

    def unchanged(self, what, guard):
        snaps, watch = guard
        for path, what_ev in watch.events():
            self.fail("%s: %s was %s" % (what, path, what_ev))
        for p, before in snaps.items():
            after = self.snapshot(p)
            if after != before:
                diff = {k: (before.get(k) if before else None, after.get(k) if after else None)
                        for k in set(before or {}) | set(after or {})
                        if (before or {}).get(k) != (after or {}).get(k)}
                self.fail("%s: %s changed: %s" % (what, p, str(diff)[:600]))

    # ---- running the program ------------------------------------------------

    def env(self, extra):
        e = {k: v for k, v in os.environb.items() if not k.startswith(b"VITPROF_")}
        if self.args.sanitized:
            # LeakSanitizer cannot stop a setuid (non-dumpable) process.
            e[b"ASAN_OPTIONS"] = b"detect_leaks=0"
        for k, v in extra.items():
            e[os.fsencode(k)] = v if isinstance(v, bytes) else os.fsencode(v)
        return e

    def run(self, what, env, user=None, cwd=None, args=(), umask=0o022, prog=None,
            vitprof_lines=0, extra_stdout="", timeout=30, quiet=False):
        """Runs the program; checks stdout, exit status and stderr. Returns
        (CompletedProcess, the vitprof: lines)."""
        cmd = [prog or self.prog, str(N)] + list(args)
        if user is not None:
            cmd = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user,
                   "--clear-groups", "--"] + cmd
        self.runs += 1
        t0 = time.monotonic()
        try:
            cp = subprocess.run(cmd, env=self.env(env), cwd=cwd or self.scratch,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                timeout=timeout, preexec_fn=lambda: os.umask(umask))
        except subprocess.TimeoutExpired:
            self.fail("%s: the program hung (killed after %d s)" % (what, timeout))
            return None, []
        out = cp.stdout.decode(errors="replace")
        err = cp.stderr.decode(errors="replace")
        if not quiet or cp.returncode != 3 or err:
            self.log("%s: exit %d in %.2f s, stderr %r" % (what, cp.returncode,
                                                         time.monotonic() - t0, err[:400]))
        self.expect(cp.returncode == 3, "%s: exit status %d, expected 3" % (what, cp.returncode))
        self.expect(out == expected_stdout(extra_stdout),
                    "%s: stdout changed:\n%s" % (what, out[:1000]))
        lines = cp.stderr.split(b"\n")
        self.expect(lines[-1] == b"", "%s: stderr does not end with a newline" % what)
        lines = lines[:-1]
        vp = [l for l in lines if l.startswith(b"vitprof:")]
        self.expect(len(vp) == len(lines), "%s: stderr has lines not from vitprof: %r"
                    % (what, err[:1000]))
        for l in lines:
            self.expect(all(0x20 <= b < 0x7f for b in l),
                        "%s: control or non-ASCII byte in stderr line %r" % (what, l[:300]))
        if vitprof_lines is not None:
            self.expect(len(vp) == vitprof_lines, "%s: %d vitprof: lines, expected %d: %r"
                        % (what, len(vp), vitprof_lines, err[:1000]))
        return cp, [l.decode() for l in vp]

    # ---- profiles -----------------------------------------------------------

    def calls(self, raw):
        """{function: calls} of the instrumented functions of a raw profile,
        read back by `vitprof export`; None when it does not export."""
        out = raw + ".json"
        cp = subprocess.run([self.args.vitprof, "export", "--format", "vitprof", "-o", out, raw],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                            universal_newlines=True)
        if cp.returncode != 0:
            self.fail("vitprof export %s failed: %s" % (raw, cp.stderr[:500]))
            return None
        with open(out) as f:
            doc = json.load(f)
        os.unlink(out)
        got = {}
        for fn in doc["functions"]:
            if fn.get("instrumented"):
                got[fn["name"]] = got.get(fn["name"], 0) + fn.get("calls", 0)
        got["<mode>"] = doc["program"].get("mode")
        return got

    def expect_profile(self, what, raw, runs=1, mode="count", owner=None, umask=0o022):
        st = os.lstat(raw)
        self.expect(stat.S_ISREG(st.st_mode), "%s: %s is not a regular file" % (what, raw))
        want_mode = 0o600 & ~umask
        self.expect(stat.S_IMODE(st.st_mode) == want_mode, "%s: %s has mode %o, expected %o"
                    % (what, raw, stat.S_IMODE(st.st_mode), want_mode))
        if owner is not None:
            self.expect(st.st_uid == owner, "%s: %s is owned by uid %d, expected %d"
                        % (what, raw, st.st_uid, owner))
        got = self.calls(raw)
        want = {k: v * runs for k, v in CALLS.items()}
        want["<mode>"] = mode
        if got is not None:
            self.expect(got == want, "%s: %s holds %s, expected %s" % (what, raw, got, want))

    def entries(self, d):
        return sorted(os.listdir(d))

    def uid_of(self, user):
        return os.geteuid() if user is None else user

    def other_than(self, user):
        """A uid that is not the running user."""
        return NOBODY if user is None else OTHER


# ---- the attacks ----------------------------------------------------------------

def attack_at_path(c, name, plant, expect_line=True, extra_guard=()):
    """For each user: a fresh world-writable sticky directory, plant(dir,
    path, user) puts something at <dir>/prof.vitraw (and returns more paths
    to guard); the program runs with VITPROF_FILE=<dir>/prof.vitraw; what
    was planted and every guarded path are unchanged and the directory holds
    nothing new."""
    for uname, user in c.users:
        d = c.mkdir("%s-%s" % (name, uname), 0o1777)
        path = os.path.join(d, "prof.vitraw")
        guarded = [path] + list(plant(d, path, user) or []) + list(extra_guard)
        before = c.entries(d)
        g = c.guard(guarded + [d])
        _, vp = c.run("%s as %s" % (name, uname), {"VITPROF_FILE": path}, user=user,
                      vitprof_lines=1 if expect_line else 0)
        c.unchanged("%s as %s" % (name, uname), g)
        c.expect(c.entries(d) == before, "%s as %s: the directory changed: %s -> %s"
                 % (name, uname, before, c.entries(d)))
        if vp:
            c.expect("prof.vitraw" in vp[0], "%s: the line does not name the file: %s"
                     % (name, vp[0]))


def case_symlink_victim(c):
    vd = c.mkdir("victims", 0o755)

    def plant(d, path, user):
        v = c.victim(os.path.join(vd, "victim-%s" % os.path.basename(d)),
                     owner=c.uid_of(user), mode=0o644)
        os.symlink(v, path)
        return [v]
    attack_at_path(c, "symlink to a victim", plant)


def case_dangling_symlink(c):
    td = c.mkdir("targets", 0o1777)

    def plant(d, path, user):
        target = os.path.join(td, "created-through-" + os.path.basename(d))
        os.symlink(target, path)
        return [td]
    attack_at_path(c, "dangling symlink", plant)
    c.expect(c.entries(td) == [], "files created through the symlinks: %s" % c.entries(td))


def case_foreign_file(c, dmode):
    c.need_root()
    for uname, user in c.users:
        d = c.mkdir("%s-%o" % (uname, dmode), dmode)
        path = os.path.join(d, "prof.vitraw")
        c.victim(path, owner=c.other_than(user), mode=0o644)
        g = c.guard([path, d])
        c.run("another user's file in a %o directory, as %s" % (dmode, uname),
              {"VITPROF_FILE": path}, user=user, vitprof_lines=1)
        c.unchanged("another user's file, as %s" % uname, g)


def case_hardlink_victim(c):
    vd = c.mkdir("victims", 0o755)

    def plant(d, path, user):
        # The victim belongs to the running user itself: only the link
        # count tells it from a stale profile.
        v = c.victim(os.path.join(vd, "victim-%s" % os.path.basename(d)),
                     owner=c.uid_of(user), mode=0o600)
        os.link(v, path)
        return [v]
    attack_at_path(c, "hard link to a victim", plant)


def case_fifo(c):
    def plant(d, path, user):
        os.mkfifo(path, 0o666)
        if user is not None:
            os.chown(path, user, user)
    attack_at_path(c, "FIFO", plant)


def case_directory(c):
    def plant(d, path, user):
        os.mkdir(path, 0o777)
        c.victim(os.path.join(path, "inside"))
        return [os.path.join(path, "inside")]
    attack_at_path(c, "directory", plant)


def case_symlink_predicted_pid(c):
    """The attacker learns the pid before the program starts (here: the
    process is forked, waits, and execs once the trap is set) and plants a
    symlink at the name %e.%p.vitraw will give."""
    vd = c.mkdir("victims", 0o755)
    for uname, user in c.users:
        d = c.mkdir("pid-" + uname, 0o1777)
        v = c.victim(os.path.join(vd, "victim-" + uname), owner=c.uid_of(user), mode=0o644)
        out_path = os.path.join(c.scratch, "out-" + uname)
        err_path = os.path.join(c.scratch, "err-" + uname)
        r, w = os.pipe()
        env = c.env({"VITPROF_FILE": os.path.join(d, "%e.%p.vitraw")})
        pid = os.fork()
        if pid == 0:
            try:
                os.close(w)
                fo = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                fe = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.read(r, 1)
                os.dup2(fo, 1)
                os.dup2(fe, 2)
                if user is not None:
                    os.setgroups([])
                    os.setgid(user)
                    os.setuid(user)
                os.execve(c.prog, [c.prog, str(N)], env)
            finally:
                os._exit(127)
        os.close(r)
        trap = os.path.join(d, "%s.%d.vitraw" % (os.path.basename(c.prog), pid))
        os.symlink(v, trap)
        g = c.guard([v, trap, d])
        c.runs += 1
        os.write(w, b"x")
        os.close(w)
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline:
            wpid, status = os.waitpid(pid, os.WNOHANG)
            if wpid == pid:
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            c.fail("predicted pid as %s: the program hung" % uname)
            continue
        with open(out_path) as f:
            out = f.read()
        with open(err_path, "rb") as f:
            err = f.read()
        c.log("predicted pid %d as %s: status %d, stderr %r" % (pid, uname, status, err))
        c.expect(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3,
                 "predicted pid as %s: wait status %d" % (uname, status))
        c.expect(out == expected_stdout(), "predicted pid as %s: stdout %r" % (uname, out))
        lines = err.splitlines()
        c.expect(len(lines) == 1 and lines[0].startswith(b"vitprof:")
                 and b"symbolic link" in lines[0],
                 "predicted pid as %s: stderr %r" % (uname, err))
        c.unchanged("predicted pid as %s" % uname, g)
        c.expect(c.entries(d) == [os.path.basename(trap)],
                 "predicted pid as %s: directory holds %s" % (uname, c.entries(d)))


def case_own_stale_file(c):
    """The control: what the runtime may replace, it does replace - an
    earlier run's profile (a regular file of the running user, one link)."""
    for uname, user in c.users:
        d = c.mkdir("stale-" + uname, 0o1777)
        path = os.path.join(d, "prof.vitraw")
        c.victim(path, owner=c.uid_of(user), mode=0o600, data=b"an earlier run\n")
        c.run("own stale file as " + uname, {"VITPROF_FILE": path}, user=user)
        c.expect(c.entries(d) == ["prof.vitraw"], "own stale file as %s: %s"
                 % (uname, c.entries(d)))
        c.expect_profile("own stale file as " + uname, path, owner=c.uid_of(user))


def case_file_modes(c):
    """Mode of every file the runtime creates: own profile, fork child's,
    %m pool, lock and the run files; 0600 narrowed by the umask only."""
    for uname, user in c.users:
        for umask in (0o022, 0o077, 0o027, 0o000, 0o277):
            d = c.mkdir("modes-%s-%03o" % (uname, umask), 0o1777)
            c.run("modes as %s, umask %03o" % (uname, umask),
                  {"VITPROF_FILE": os.path.join(d, "%e.%p.vitraw")}, user=user,
                  umask=umask, args=["fork"])
            files = c.entries(d)
            c.expect(len(files) == 2, "umask %03o: parent and child profiles expected: %s"
                     % (umask, files))
            if umask == 0o277:
                # Owner read-only: a lock file cannot be reopened for writing
                # by a later run (as root it can): merging is not tried.
                pass
            else:
                for k in range(2):
                    c.run("modes %%m run %d as %s, umask %03o" % (k + 1, uname, umask),
                          {"VITPROF_FILE": os.path.join(d, "pool-%m.vitraw")}, user=user,
                          umask=umask, args=["fork"])
                files = c.entries(d)
                pools = [f for f in files if f.startswith("pool-")]
                c.expect(len(pools) == 4, "umask %03o: pool, lock and two fork children's "
                         "own files expected: %s" % (umask, pools))
            want = 0o600 & ~umask
            for f in c.entries(d):
                st = os.lstat(os.path.join(d, f))
                c.expect(stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == want
                         and st.st_uid == c.uid_of(user),
                         "umask %03o as %s: %s: mode %o uid %d, expected %o uid %d"
                         % (umask, uname, f, st.st_mode, st.st_uid, want, c.uid_of(user)))
            c.log("umask %03o as %s: %d files, all mode %03o" % (umask, uname,
                                                                  len(c.entries(d)), want))


def case_race_swap(c):
    """An attacker process swaps, as fast as it can, what is at the profile
    path: the running user's own stale file (which the runtime may
    replace), a symlink to a victim of that user, a FIFO, another user's
    file. The runtime's lstat, unlink and exclusive create race with it; the
    victim must never be opened or changed, no run may hang, and every run
    keeps its output and exit status."""
    c.need_root()
    vd = c.mkdir("victims", 0o755)
    runs = 60 if c.args.sanitized else 100
    for uname, user in c.users:
        me = c.uid_of(user)
        d = c.mkdir("race-" + uname, 0o1777)
        path = os.path.join(d, "prof.vitraw")
        v = c.victim(os.path.join(vd, "victim-" + uname), owner=me, mode=0o600)
        g = c.guard([v])
        pid = os.fork()
        if pid == 0:
            try:
                i = 0
                while True:
                    i += 1
                    try:
                        os.unlink(path)
                    except OSError:
                        pass
                    try:
                        k = i % 4
                        if k == 0:
                            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                            os.fchown(fd, me, me)
                            os.close(fd)
                        elif k == 1:
                            os.symlink(v, path)
                        elif k == 2:
                            os.mkfifo(path, 0o666)
                        else:
                            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                            os.fchown(fd, c.other_than(user), c.other_than(user))
                            os.close(fd)
                    except OSError:
                        pass
            finally:
                os._exit(0)
        got = refused = 0
        try:
            for k in range(runs):
                cp, vp = c.run("race run %d as %s" % (k, uname), {"VITPROF_FILE": path},
                               user=user, vitprof_lines=None, timeout=20, quiet=True)
                if cp is None:
                    continue
                c.expect(len(vp) <= 1, "race run %d: %d vitprof: lines" % (k, len(vp)))
                if vp:
                    refused += 1
                else:
                    got += 1
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        c.unchanged("race as %s" % uname, g)
        c.log("race as %s: %d runs, %d wrote a profile, %d refused (one line each)"
              % (uname, runs, got, refused))


# ---- %m: the pool, its lock and temporary file --------------------------------

def pool_name(c):
    """The pool's file name for this program (the signature is the
    program's, whatever the directory), and a valid pool of one run."""
    d = c.mkdir("seed", 0o755)
    c.run("seed run", {"VITPROF_FILE": os.path.join(d, "pool-%m.vitraw")})
    pools = [f for f in c.entries(d) if f.endswith(".vitraw")]
    if len(pools) != 1:
        c.fail("the seed run left %s" % c.entries(d))
        c.finish()
    c.expect_profile("seed pool", os.path.join(d, pools[0]))
    return pools[0], os.path.join(d, pools[0])


def merge_attack(c, what, which, plant, seed, user, uname, refuse=True):
    """A fresh directory; plant(dir, path-of-`which`) puts something at the
    pool (which=""), its lock (".lock") or temporary file (".tmp"); one %m
    run. Refused: one line, what was planted unchanged, the run's own file
    kept with its exact counts, no pool written. Not refused (our own stale
    file): merged."""
    name, seed_path = seed
    d = c.mkdir("%s-%s" % (what.replace(" ", "-").replace("'", ""), uname), 0o1777)
    pool = os.path.join(d, name)
    target = pool + which
    guarded = [target] + list(plant(d, target) or [])
    before = c.entries(d)
    g = c.guard(guarded) if refuse else None
    cp, vp = c.run("%s as %s" % (what, uname), {"VITPROF_FILE": os.path.join(d, "pool-%m.vitraw")},
                   user=user, vitprof_lines=1 if refuse else 0)
    if cp is None:
        return
    after = c.entries(d)
    new = [f for f in after if f not in before]
    if refuse:
        c.unchanged("%s as %s" % (what, uname), g)
        c.expect(len(vp) == 1 and "cannot merge" in vp[0],
                 "%s as %s: the line is not a refused merge: %s" % (what, uname, vp))
        own = [f for f in new if f.startswith(name + ".") and f[len(name) + 1:].isdigit()]
        c.expect(len(own) == 1 and all(f in (own + [name + ".lock"]) for f in new),
                 "%s as %s: expected only the run's own file (and the lock) to appear: %s"
                 % (what, uname, new))
        for f in own:
            c.expect_profile("%s as %s: own file kept" % (what, uname), os.path.join(d, f),
                             owner=c.uid_of(user))
    else:
        c.expect(name in after and name + ".tmp" not in after and
                 not any(f[len(name) + 1:].isdigit() for f in after if f.startswith(name + ".")),
                 "%s as %s: the merge did not happen: %s" % (what, uname, after))
        if name in after:
            c.expect_profile("%s as %s: merged pool" % (what, uname), pool,
                             runs=2 if which == "" else 1, owner=c.uid_of(user))


def merge_cases(c, which):
    seed = pool_name(c)
    vd = c.mkdir("victims", 0o755)
    for uname, user in c.users:
        me = c.uid_of(user)

        def victim_copy(tag, owner):
            v = os.path.join(vd, "%s-%s%s" % (tag, uname, which or ".pool"))
            shutil.copyfile(seed[1], v)
            os.chmod(v, 0o600)
            if IS_ROOT:
                os.chown(v, owner, owner)
            os.utime(v, ns=(10**18, 10**18))
            return v

        def symlink(d, path):
            v = victim_copy("symlinked", me)
            os.symlink(v, path)
            return [v]

        def dangling(d, path):
            os.symlink(os.path.join(vd, "never-%s%s" % (uname, which or ".pool")), path)
            return [vd]

        def foreign(d, path):
            shutil.copyfile(seed[1], path)
            os.chmod(path, 0o644)
            os.chown(path, c.other_than(user), c.other_than(user))

        def hardlink(d, path):
            v = victim_copy("linked", me)
            os.link(v, path)
            return [v]

        def fifo(d, path):
            os.mkfifo(path, 0o666)
            if user is not None:
                os.chown(path, user, user)

        def directory(d, path):
            os.mkdir(path, 0o777)

        def own(d, path):
            shutil.copyfile(seed[1], path)
            os.chmod(path, 0o600)
            if IS_ROOT:
                os.chown(path, me, me)

        label = {"": "pool", ".lock": "lock", ".tmp": "temporary file"}[which]
        attacks = [("symlink", symlink), ("dangling symlink", dangling),
                   ("hard link", hardlink), ("FIFO", fifo), ("directory", directory)]
        if IS_ROOT:
            attacks.append(("another user's file", foreign))
        for tag, plant in attacks:
            merge_attack(c, "%s as %s" % (label, tag), which, plant, seed, user, uname)
        merge_attack(c, "%s: own stale file" % label, which, own, seed, user, uname,
                     refuse=False)


def case_merge_pool(c):
    merge_cases(c, "")


def case_merge_lock(c):
    merge_cases(c, ".lock")


def case_merge_tmp(c):
    merge_cases(c, ".tmp")


# ---- hostile environment ----------------------------------------------------------

def case_hostile_env(c):
    d = c.mkdir("env", 0o755)

    def fresh(tag):
        sub = os.path.join(d, tag)
        os.makedirs(sub)
        return sub

    # Patterns that expand to a usable name: the file is where the
    # expansion says, with exact counts, stderr empty.
    for tag, pattern, want in [
            ("format directives", "%n%s%x%%%", "%n%s%x%%"),
            ("trailing percent", "prof%", "prof%"),
            ("newline in the name", "a\nb.vitraw", "a\nb.vitraw"),
            ("escape sequence in the name", "\x1b[31mred.vitraw", "\x1b[31mred.vitraw")]:
        sub = fresh(tag.replace(" ", "-"))
        c.run(tag, {"VITPROF_FILE": os.path.join(sub, pattern)})
        c.expect(c.entries(sub) == [want], "%s: %r expected, found %s"
                 % (tag, want, c.entries(sub)))
        if c.entries(sub) == [want]:
            c.expect_profile(tag, os.path.join(sub, want))

    # Verbose, with a newline and an escape sequence in the path and in
    # VITPROF_MODE: every line is escaped.
    sub = fresh("verbose")
    _, vp = c.run("verbose with hostile bytes",
                  {"VITPROF_FILE": os.path.join(sub, "x\n\x1b]0;pwned\x07.vitraw"),
                   "VITPROF_MODE": b"\x1b[2J\nfake line\xff" + b"M" * 5000,
                   "VITPROF_VERBOSE": "1"}, vitprof_lines=None)
    c.expect(len(vp) >= 2 and all(len(l) < 2200 for l in vp),
             "verbose: %d lines, longest %d bytes" % (len(vp), max(map(len, vp or [""]))))
    c.expect(any("\\x1b" in l for l in vp), "verbose: the escape byte is not shown escaped")

    # Patterns that cannot give a file: one line, no file anywhere (no
    # silent fallback to the default name), the program unchanged.
    cases = [
        ("VITPROF_FILE of 5000 bytes", "A" * 5000, "too long"),
        ("VITPROF_FILE of 100000 bytes", "/" + "B" * 99999, "too long"),
        ("2000 times %p", "%p" * 2000, "too long"),
        ("300 times %p", "%p" * 300, "too long"),
        ("%m 50 times", "%m" * 50, "File name too long"),
        ("%m 70 times", "%m" * 70, "too long"),
        ("a 300-byte component", "c" * 300 + ".%p.vitraw", "File name too long"),
        # Missing directories are created: one under a device cannot be.
        ("directory named with an escape sequence that cannot be made",
         "/dev/null/no-such-dir\x1b[31m\n/x.vitraw", "Not a directory"),
    ]
    for tag, pattern, reason in cases:
        sub = fresh(tag.replace(" ", "-").replace("%", "pct"))
        path = pattern if pattern.startswith("/") else os.path.join(sub, pattern)
        _, vp = c.run(tag, {"VITPROF_FILE": path}, cwd=sub, vitprof_lines=1)
        c.expect(c.entries(sub) == [], "%s: files appeared: %s" % (tag, c.entries(sub)))
        if vp:
            c.expect(reason in vp[0], "%s: %r not in %r" % (tag, reason, vp[0]))
            c.expect(len(vp[0]) < 1400, "%s: the line is %d bytes long" % (tag, len(vp[0])))

    # Hostile VITPROF_MODE values: count mode, one escaped line naming it.
    for i, mode in enumerate(["time\n", "%n%n%n%s", "C" * 100000, "\x1b]0;pwned\x07", "count "]):
        sub = fresh("mode-%d" % i)
        _, vp = c.run("VITPROF_MODE %r" % mode[:20],
                      {"VITPROF_FILE": os.path.join(sub, "p.vitraw"), "VITPROF_MODE": mode},
                      vitprof_lines=1)
        c.expect(all(len(l) < 1400 and "unknown VITPROF_MODE" in l for l in vp),
                 "VITPROF_MODE %r: %r" % (mode[:20], vp))
        c.expect_profile("VITPROF_MODE %r" % mode[:20], os.path.join(sub, "p.vitraw"))

    # The test hook's hostile values are ignored (no sleep, no hang).
    for i, ms in enumerate(["-1", "99999999999999999999", "1e9", "0x10", " 5", "600001"]):
        sub = fresh("sleep-%d" % i)
        t0 = time.monotonic()
        c.run("VITPROF_TEST_MERGE_SLEEP_MS=%r" % ms,
              {"VITPROF_FILE": os.path.join(sub, "pool-%m.vitraw"),
               "VITPROF_TEST_MERGE_SLEEP_MS": ms}, timeout=20)
        c.expect(time.monotonic() - t0 < 10, "sleep %r: took %.1f s" % (ms, time.monotonic() - t0))
        c.expect(len([f for f in c.entries(sub) if f.endswith(".vitraw")]) == 1,
                 "sleep %r: no merged pool: %s" % (ms, c.entries(sub)))


# ---- setuid, setgid --------------------------------------------------------------

def setid_case(c, bit):
    c.need_root()
    bindir = c.mkdir("bin", 0o755)
    st = os.statvfs(bindir)
    if st.f_flag & os.ST_NOSUID:
        c.skip("%s is on a file system mounted nosuid" % bindir)
    prog = os.path.join(bindir, "sec_prog")
    shutil.copy2(c.prog, prog)
    if bit == stat.S_ISUID:
        os.chown(prog, NOBODY, 0)
        euid, egid, owner = NOBODY, 0, NOBODY
    else:
        os.chown(prog, 0, NOBODY)
        euid, egid, owner = 0, NOBODY, 0
    os.chmod(prog, 0o755)
    run = c.mkdir("cwd", 0o1777)
    elsewhere = c.mkdir("elsewhere", 0o1777)
    env = {"VITPROF_FILE": os.path.join(elsewhere, "asked-for.%p.vitraw"),
           "VITPROF_MODE": "time", "VITPROF_VERBOSE": "1"}

    # Control: without the bit, the variables are honoured (so the test can
    # fail): the file is where VITPROF_FILE says, in time mode.
    _, vp = c.run("control (no set-id bit)", env, cwd=run, prog=prog, args=["auxv"],
                  vitprof_lines=None, extra_stdout="at_secure=0 euid=0 egid=0\n")
    c.expect(len(vp) >= 1, "control: VITPROF_VERBOSE not honoured")
    files = c.entries(elsewhere)
    c.expect(len(files) == 1 and c.entries(run) == [], "control: files %s, %s"
             % (files, c.entries(run)))
    if len(files) == 1:
        c.expect_profile("control", os.path.join(elsewhere, files[0]), mode="time", owner=0)
        os.unlink(os.path.join(elsewhere, files[0]))

    os.chmod(prog, 0o755 | bit)
    c.log("%s: %s" % (prog, oct(os.stat(prog).st_mode)))
    cp, _ = c.run("set%s program" % ("uid" if bit == stat.S_ISUID else "gid"), env, cwd=run,
                  prog=prog, args=["auxv"], vitprof_lines=0,
                  extra_stdout="at_secure=1 euid=%d egid=%d\n" % (euid, egid))
    c.expect(c.entries(elsewhere) == [], "VITPROF_FILE honoured: %s" % c.entries(elsewhere))
    files = c.entries(run)
    c.expect(len(files) == 1 and files[0].startswith("sec_prog.") and
             files[0].endswith(".vitraw"), "the default file expected in the current "
             "directory, found %s" % files)
    if len(files) == 1:
        # VITPROF_MODE=time ignored: a count-mode profile.
        c.expect_profile("set-id program", os.path.join(run, files[0]), mode="count",
                         owner=owner)
    os.unlink(prog)


def case_setuid(c):
    setid_case(c, stat.S_ISUID)


def case_setgid(c):
    setid_case(c, stat.S_ISGID)


CASES = {
    "symlink_victim": case_symlink_victim,
    "symlink_predicted_pid": case_symlink_predicted_pid,
    "dangling_symlink": case_dangling_symlink,
    "foreign_file_sticky": lambda c: case_foreign_file(c, 0o1777),
    "foreign_file_world_writable": lambda c: case_foreign_file(c, 0o777),
    "hardlink_victim": case_hardlink_victim,
    "fifo": case_fifo,
    "directory": case_directory,
    "own_stale_file": case_own_stale_file,
    "race_swap": case_race_swap,
    "file_modes": case_file_modes,
    "merge_pool": case_merge_pool,
    "merge_lock": case_merge_lock,
    "merge_tmp": case_merge_tmp,
    "hostile_env": case_hostile_env,
    "setuid": case_setuid,
    "setgid": case_setgid,
}


def main():
    c = Check()
    if c.case not in CASES:
        c.fail("unknown case %s" % c.case)
        c.finish()
    CASES[c.case](c)
    c.finish()


if __name__ == "__main__":
    main()
