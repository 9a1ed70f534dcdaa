# SPDX-License-Identifier: MIT
"""vpraw.py - the few structures of a raw profile (rt/vitprof_raw.h) the
marks tests read: header, sections, module records, live edge tables and
NAMES records. Little-endian x86-64 only (the writer's order)."""
import struct

HDR = struct.Struct("<8sIIIIQQIIIIqqQQII4QQQQ64s1024s")
SEC = struct.Struct("<IIQQQ")
EDGES = struct.Struct("<QQIIIIQQQQQQ3Q")  # after the section header
MODULES = struct.Struct("<II Q")  # n_records, reserved0, used
SEC_MODULES, SEC_EDGES, SEC_NAMES = 1, 2, 7
MODE_COUNT, MODE_TIME, MODE_CONTEXT, MODE_CONTEXT_TIME = 1, 2, 3, 4
NAME_FN_BASE = 0xfff0000000000000
NAME_STRING, NAME_THREAD = 1, 2


class Raw:
    def __init__(self, path):
        data = open(path, "rb").read()
        h = HDR.unpack_from(data, 0)
        assert h[0].rstrip(b"\0") == b"VITPRAW", "not a raw profile"
        self.mode, self.clock, self.pid = h[9], h[15], h[11]
        self.calib = h[17:21]
        self.first_section, self.end = h[5], h[6]
        self.modules = []      # (id, bias, lo, hi, path)
        self.strings = {}      # id -> text
        self.string_records = []
        self.threads = []      # (tid, name) in record order
        tables = {}            # shard_id -> (generation, entries)
        off = self.first_section
        while off < self.end:
            magic, typ, soff, size, _ = SEC.unpack_from(data, off)
            assert magic == 0x43455356 and soff == off and size, "bad section at %#x" % off
            if typ == SEC_MODULES:
                n, _, used = MODULES.unpack_from(data, off + 32)
                p = off + 48
                for _ in range(n):
                    rsize, mid, bias, lo, hi = struct.unpack_from("<IIQQQ", data, p)
                    plen = struct.unpack_from("<H", data, p + 74)[0]
                    path = data[p + 80:p + 80 + plen].decode()
                    self.modules.append((mid, bias, lo, hi, path))
                    p += rsize
            elif typ == SEC_NAMES:
                n, _, used = MODULES.unpack_from(data, off + 32)
                p = off + 48
                for _ in range(n):
                    rsize, kind, nid, ln, tid = struct.unpack_from("<IIIIQ", data, p)
                    text = data[p + 24:p + 24 + ln].decode()
                    assert data[p + 24 + ln] == 0
                    if kind == NAME_STRING:
                        self.string_records.append((nid, text))
                        self.strings[nid] = text
                    elif kind == NAME_THREAD:
                        self.threads.append((tid, text))
                    p += rsize
            elif typ == SEC_EDGES:
                e = EDGES.unpack_from(data, off + 32)
                shard, gen, live, esize, cap, eoff = e[0], e[2], e[3], e[4], e[6], e[8]
                if live and (shard not in tables or tables[shard][0] < gen):
                    words = esize // 8
                    ents = []
                    for i in range(cap):
                        w = struct.unpack_from("<%dQ" % words, data, off + eoff + i * esize)
                        if w[1]:
                            ents.append(w)
                    tables[shard] = (gen, ents)
            off += size
        self.tables = {k: v[1] for k, v in tables.items()}

    def entries(self):
        for ents in self.tables.values():
            for e in ents:
                yield e

    def ns(self, ticks):
        if self.clock == 2:
            return ticks
        t0, n0, t1, n1 = self.calib
        return ticks * (n1 - n0) / (t1 - t0)

    def name_fn(self, name):
        for nid, text in self.strings.items():
            if text == name:
                return NAME_FN_BASE | nid
        return None
