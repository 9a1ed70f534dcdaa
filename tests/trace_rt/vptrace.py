# SPDX-License-Identifier: MIT
"""vptrace: an independent decoder of trace-mode raw profiles
(rt/vitprof_raw.h), for the trace_rt tests. It reads the header, the
sections, each shard's live edge table (ids), the NAMES section and the
event chunks, orders each stream's chunks by seq and decodes its events,
checking everything it reads: a malformed file raises Malformed naming
the offset. Written from the format's definition, not from the runtime."""
import struct

VPR_MODE_TRACE = 5
SEC_MAGIC = 0x43455356
SEC_EDGES, SEC_TRACE, SEC_NAMES = 2, 6, 7
FLAG_FORK_CHILD, FLAG_EXEC = 0x1, 0x4
TRACE_RING = 0x1
HDR = struct.Struct("<8sIIIIQQIIIIqqQQII4QQQQ64s1024sQQQQQ3Q")
SEC = struct.Struct("<IIQQQ")
EDGES = struct.Struct("<QQIIIIQQQQQQ3Q")     # after the section header
TRACE = struct.Struct("<QQQQQQQQII3Q")       # after the section header
ENTRY = struct.Struct("<QQQII")
NAMEREC = struct.Struct("<IIIIQ")
OPEN_MAX = 256
NAME_FN_BASE = 0xfff0000000000000


class Malformed(Exception):
    pass


def need(cond, off, what):
    if not cond:
        raise Malformed("%s at offset 0x%x" % (what, off))


def uleb(buf, pos, end, base):
    v = shift = 0
    while True:
        need(pos < end, base + pos, "varint runs past used")
        b = buf[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return v, pos
        need(shift < 70, base + pos, "varint too long")


def sleb(buf, pos, end, base):
    v = shift = 0
    while True:
        need(pos < end, base + pos, "varint runs past used")
        b = buf[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            if b & 0x40:
                v -= 1 << shift
            return v, pos


class Chunk:
    pass


class Profile:
    """A trace profile: header fields, tables[shard_id] = {id: (site, fn,
    count, flags)}, lost_events[shard_id], chunks, names, thread names."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        self.path = path
        d = self.data
        need(len(d) >= HDR.size, 0, "file shorter than the header")
        h = HDR.unpack_from(d, 0)
        (magic, version, order, hsize, page, first, end, nsec, state, mode, flags, pid, ppid,
         _srt, _ert, clock, _r0, t0, n0, t1, n1, lost_calls, lost_sections, n_threads, _host,
         exe, _merged, _lv, session, lost_events, anchor) = h[:31]
        need(magic == b"VITPRAW\0" and version == 1 and order == 0x01020304, 0, "bad magic")
        need(hsize == HDR.size, 12, "header_size %d, expected %d" % (hsize, HDR.size))
        need(mode == VPR_MODE_TRACE, 0x38, "not a trace profile (mode %d)" % mode)
        need(page >= 4096 and first == page and end % page == 0 and end <= len(d), 0x14,
             "bad section bounds")
        self.pid, self.ppid, self.flags, self.state = pid, ppid, flags, state
        self.session, self.lost_events, self.anchor = session, lost_events, anchor
        self.lost_calls, self.lost_sections, self.n_threads = lost_calls, lost_sections, n_threads
        self.clock, self.calib = clock, (t0, n0, t1, n1)
        self.exe = exe.split(b"\0")[0].decode()
        tables = {}
        self.chunks = []
        self.names = {}
        self.thread_names = {}
        off, n = first, 0
        while off < end:
            need(off + SEC.size <= end, off, "section header past end")
            magic, typ, soff, size, _ = SEC.unpack_from(d, off)
            need(magic == SEC_MAGIC and soff == off and size >= page and size % page == 0
                 and off + size <= end, off, "bad section header")
            if typ == SEC_EDGES:
                self._edges(off, size, tables)
            elif typ == SEC_TRACE:
                self._chunk(off, size)
            elif typ == SEC_NAMES:
                self._names(off, size)
            off += size
            n += 1
        need(n == nsec, 0x28, "n_sections %d, found %d" % (nsec, n))
        self.tables = {k: v[1] for k, v in tables.items()}
        self.table_lost = {k: v[2] for k, v in tables.items()}
        self.table_tid = {k: v[3] for k, v in tables.items()}

    def _edges(self, off, size, tables):
        d = self.data
        (shard, tid, gen, live, esize, _r, cap, used, eoff, _lc, _lf, lost, *_r3) = \
            EDGES.unpack_from(d, off + SEC.size)
        if not live:
            return
        need(esize == 32, off, "trace table entry_size %d" % esize)
        need(cap and cap & (cap - 1) == 0 and eoff + cap * 32 <= size, off, "table bounds")
        prev = tables.get(shard)
        if prev and prev[0] >= gen:
            return
        ids = {}
        for i in range(cap):
            eo = off + eoff + 32 * i
            site, fn, count, eid, flags = ENTRY.unpack_from(d, eo)
            if fn == 0:
                continue
            need(1 <= eid <= used + 1 and eid not in ids, eo, "entry id %d" % eid)
            ids[eid] = (site, fn, count, flags)
        tables[shard] = (gen, ids, lost, tid)

    def _chunk(self, off, size):
        c = Chunk()
        (c.shard, c.tid, c.seq, c.base, doff, dsize, c.used, c.depth, c.flags, _r,
         *_r3) = TRACE.unpack_from(self.data, off + SEC.size)
        need(doff >= SEC.size + TRACE.size and doff + dsize <= size and c.used <= dsize,
             off, "chunk bounds")
        c.off = off + doff
        c.events = self.data[c.off:c.off + c.used]
        self.chunks.append(c)

    def _names(self, off, size):
        d = self.data
        nrec, _r, used = struct.unpack_from("<IIQ", d, off + SEC.size)
        p = off + SEC.size + 16
        for _ in range(nrec):
            need(p + NAMEREC.size <= off + size, p, "name record past its section")
            rsize, kind, nid, ln, tid = NAMEREC.unpack_from(d, p)
            need(rsize % 8 == 0 and rsize >= NAMEREC.size + ln + 1 and p + rsize <= off + size,
                 p, "bad name record")
            name = d[p + NAMEREC.size:p + NAMEREC.size + ln].decode(errors="replace")
            if kind == 1:
                self.names[nid] = name
            elif kind == 2:
                self.thread_names[tid] = name
            p += rsize

    def streams(self):
        """{(shard, tid): [chunks by seq]}; seqs checked consecutive."""
        out = {}
        for c in self.chunks:
            if c.seq == 0:
                continue            # a ring chunk being reset when the run died
            out.setdefault((c.shard, c.tid), []).append(c)
        for k, cs in out.items():
            cs.sort(key=lambda c: c.seq)
            for x, y in zip(cs, cs[1:]):
                need(y.seq == x.seq + 1, y.off, "stream %r: seq %d after %d" % (k, y.seq, x.seq))
        return out

    def events(self, chunks):
        """The events of one stream (its chunks by seq): a list of tuples
        ("enter", tick, id), ("exit", tick, id) (id None: a frame opened
        before what the stream holds), ("open", tick, id, start tick),
        ("instant"|"tag", tick, name id), ("counter", tick, name id, value).
        Checks: a chunk's leading OPEN marks are min(depth, 256) and match
        the frames already open when it follows its predecessor; depth
        continues from chunk to chunk; every EXIT closes an open frame;
        timestamps never decrease; ids are the shard's."""
        table = self.tables.get(chunks[0].shard, {})
        out = []
        stack = None            # ids of the known open frames, outermost first
        below = 0               # open frames below those, not known
        last = None
        for c in chunks:
            buf, end, base = c.events, len(c.events), c.off
            tick = c.base
            need(last is None or tick >= last, c.off, "base_tick goes back")
            pos = 0
            opens = []
            while pos < end:
                v, npos = uleb(buf, pos, end, base)
                if v != (4 << 2 | 2):
                    break
                dt, npos = uleb(buf, npos, end, base)
                eid, npos = uleb(buf, npos, end, base)
                back, npos = uleb(buf, npos, end, base)
                need(dt == 0 and eid in table, base + pos, "bad OPEN mark")
                opens.append((eid, tick - back))
                pos = npos
            if stack is None:
                need(len(opens) == min(c.depth, OPEN_MAX), c.off,
                     "%d OPEN marks for depth %d" % (len(opens), c.depth))
                stack = [o[0] for o in opens]
                below = c.depth - len(opens)
                for eid, start in opens:
                    out.append(("open", tick, eid, start))
            else:
                need(c.depth == len(stack) + below, c.off, "chunk depth %d, %d frames open"
                     % (c.depth, len(stack) + below))
                need([o[0] for o in opens] == stack[len(stack) - len(opens):], c.off,
                     "OPEN marks differ from the open frames")
            while pos < end:
                at = base + pos
                v, pos = uleb(buf, pos, end, base)
                tag = v & 3
                if tag == 0:
                    eid = v >> 2
                    need(eid in table, at, "ENTER of unknown id %d" % eid)
                    dt, pos = uleb(buf, pos, end, base)
                    tick += dt
                    stack.append(eid)
                    out.append(("enter", tick, eid))
                elif tag == 1:
                    tick += v >> 2
                    if stack:
                        out.append(("exit", tick, stack.pop()))
                    else:
                        need(below > 0, at, "EXIT with no open frame")
                        below -= 1
                        out.append(("exit", tick, None))
                elif tag == 2:
                    kind = v >> 2
                    dt, pos = uleb(buf, pos, end, base)
                    tick += dt
                    nid, pos = uleb(buf, pos, end, base)
                    if kind in (1, 3):
                        need(kind == 1 or dt == 0, at, "TAG with dt %d" % dt)
                        out.append(("instant" if kind == 1 else "tag", tick, nid))
                    elif kind == 2:
                        val, pos = sleb(buf, pos, end, base)
                        out.append(("counter", tick, nid, val))
                    else:
                        need(False, at, "MARK kind %d here" % kind)
                else:
                    need(False, at, "reserved event tag 3")
            last = tick
        return out

    def fn_of(self, shard, eid):
        return self.tables[shard][eid][1]


def symbols(exe):
    """{address: name} of the functions of exe (nm), for a non-PIE or
    the load bias is 0; callers map runtime addresses with bias()."""
    import subprocess
    out = subprocess.run(["nm", "--defined-only", exe], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms[int(parts[0], 16)] = parts[2]
    return syms


def bias(prof, syms, anchor="main"):
    """The load bias of the executable: the runtime address of anchor (a
    function called once at least) minus its nm address, found among the
    table's functions by trying each (the one giving the most names)."""
    fns = set()
    for t in prof.tables.values():
        for (_s, fn, _c, _f) in t.values():
            fns.add(fn)
    addr = [a for a, n in syms.items() if n == anchor][0]
    best, best_n = 0, -1
    for fn in fns:
        b = fn - addr
        n = sum(1 for f in fns if (f - b) in syms)
        if n > best_n:
            best, best_n = b, n
    return best
