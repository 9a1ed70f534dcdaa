# SPDX-License-Identifier: MIT
"""Independent readers for the gcov end-to-end tests (tests/gcov_rt/).

- read_raw(path): the gcov part of a vitprof raw profile (.vitraw): the
  file header, the VPR_SEC_ARCS sections and the VPR_SEC_GCOV records, by
  struct unpacking straight from rt/vitprof_raw.h, every offset and length
  checked before it is followed. It does not use the vitprof tool.
- read_gcda(path): a libgcov .gcda file (GCC 12 layout: record lengths in
  bytes; zero counters written as a negative length and no payload).

Both give {(ident, lineno_checksum, cfg_checksum): [arc counters]} per
.gcda path, so a test compares the two directly.
"""
import struct

VPR_SEC_MODULES, VPR_SEC_EDGES, VPR_SEC_ARCS, VPR_SEC_GCOV = 1, 2, 3, 4
ARCS_IN_PLACE, ARCS_COPY = 1, 2
SECTION_MAGIC = 0x43455356
GCDA_MAGIC = 0x67636461
TAG_FUNCTION = 0x01000000
TAG_ARCS = 0x01A10000
TAG_OBJECT_SUMMARY = 0xA1000000

HEADER = struct.Struct("<8sIIIIQQIIIIqqQQII4QQQQ64s1024s8Q")
SECTION = struct.Struct("<IIQQQ")
ARCS = struct.Struct("<IIQQQQ3Q")          # after the section header
MODULES = struct.Struct("<IIQ")            # n_records, reserved0, used
GCOV_OBJECT = struct.Struct("<IIIIIIIHH")
GCOV_FUNCTION = struct.Struct("<IIIIQ")


class FormatError(Exception):
    pass


def _need(buf, off, n, path, what):
    if off < 0 or n < 0 or off + n > len(buf):
        raise FormatError("%s: %s at offset %d (+%d) is past the end (%d bytes)"
                          % (path, what, off, n, len(buf)))


def read_raw(path):
    """Returns a dict: header fields, 'arcs' {arcs_id: section dict} and
    'objects' [record dict with 'functions' and 'counters']."""
    with open(path, "rb") as f:
        buf = f.read()
    _need(buf, 0, HEADER.size, path, "header")
    h = HEADER.unpack_from(buf, 0)
    if h[0] != b"VITPRAW\0":
        raise FormatError("%s: bad magic %r" % (path, h[0]))
    if h[1] != 1 or h[2] != 0x01020304:
        raise FormatError("%s: version %d / byte order %#x" % (path, h[1], h[2]))
    page, first, end, n_sections = h[4], h[5], h[6], h[7]
    raw = {"path": path, "page_size": page, "state": h[8], "mode": h[9], "flags": h[10],
           "pid": h[11], "ppid": h[12], "lost_calls": h[21], "lost_sections": h[22],
           "arcs": {}, "objects": [], "gcov_sections": 0}
    if end > len(buf):
        raise FormatError("%s: header.end %d past the file (%d)" % (path, end, len(buf)))
    off, count, gsecs = first, 0, []
    while off < end:
        _need(buf, off, SECTION.size, path, "section header")
        magic, typ, self_off, size, _ = SECTION.unpack_from(buf, off)
        if magic != SECTION_MAGIC or self_off != off or size == 0 or size % page \
                or off + size > end:
            raise FormatError("%s: bad section at %d (magic %#x, offset %d, size %d)"
                              % (path, off, magic, self_off, size))
        if typ == VPR_SEC_ARCS:
            a = ARCS.unpack_from(buf, off + SECTION.size)
            sec = {"offset": off, "size": size, "arcs_id": a[0], "mode": a[1], "base": a[2],
                   "data_offset": a[3], "data_size": a[4], "n_copies": a[5]}
            if a[3] % page or a[3] + a[4] > size or a[4] % 8:
                raise FormatError("%s: ARCS section at %d: data %d+%d outside %d"
                                  % (path, off, a[3], a[4], size))
            sec["data"] = buf[off + a[3]: off + a[3] + a[4]]
            if a[0] in raw["arcs"]:
                raise FormatError("%s: two ARCS sections with id %d" % (path, a[0]))
            raw["arcs"][a[0]] = sec
        elif typ == VPR_SEC_GCOV:
            gsecs.append((off, size))
        off += size
        count += 1
    if count != n_sections:
        raise FormatError("%s: %d sections found, header says %d" % (path, count, n_sections))
    raw["gcov_sections"] = len(gsecs)
    for off, size in gsecs:
        n_records, _, used = MODULES.unpack_from(buf, off + SECTION.size)
        p = off + SECTION.size + MODULES.size
        if used > size - SECTION.size - MODULES.size:
            raise FormatError("%s: GCOV section at %d: used %d > size" % (path, off, used))
        stop = p + used
        for _ in range(n_records):
            _need(buf, p, GCOV_OBJECT.size, path, "gcov object record")
            (rsize, arcs_id, version, stamp, checksum, nf, mask, name_len,
             flags) = GCOV_OBJECT.unpack_from(buf, p)
            # VPR_GCOV_HAS_KINDS: 16 bytes per function and other kind follow
            kinds = bin(mask & ~1).count("1") if flags & 1 else 0
            if rsize % 8 or p + rsize > stop or \
                    rsize < GCOV_OBJECT.size + nf * (GCOV_FUNCTION.size + 16 * kinds) + \
                    name_len + 1:
                raise FormatError("%s: gcov record at %d: size %d" % (path, p, rsize))
            q = p + GCOV_OBJECT.size
            fns = []
            for _ in range(nf):
                fns.append(GCOV_FUNCTION.unpack_from(buf, q))
                q += GCOV_FUNCTION.size
            q += nf * 16 * kinds
            name = buf[q:q + name_len].decode()
            if buf[q + name_len] != 0:
                raise FormatError("%s: gcov record at %d: name not terminated" % (path, p))
            sec = raw["arcs"].get(arcs_id)
            if sec is None:
                raise FormatError("%s: gcov record %s names ARCS %d, absent" % (path, name, arcs_id))
            counters = {}
            for ident, lck, cfg, n_arcs, aoff in fns:
                if aoff == 0xFFFFFFFFFFFFFFFF:
                    continue    # a COMDAT copy the linker dropped
                if aoff % 8 or aoff + 8 * n_arcs > len(sec["data"]):
                    raise FormatError("%s: %s: arcs %d+%d outside ARCS %d"
                                      % (path, name, aoff, n_arcs, arcs_id))
                counters[(ident, lck, cfg)] = list(
                    struct.unpack_from("<%dq" % n_arcs, sec["data"], aoff))
            raw["objects"].append({"filename": name, "arcs_id": arcs_id, "version": version,
                                   "stamp": stamp, "checksum": checksum, "mask": mask,
                                   "functions": fns, "counters": counters,
                                   "mode": sec["mode"], "n_copies": sec["n_copies"]})
            p += rsize
    return raw


def read_gcda(path):
    """Returns {'version', 'stamp', 'checksum', 'runs', 'counters':
    {(ident, lineno_checksum, cfg_checksum): [arcs]}}."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 16:
        raise FormatError("%s: too short" % path)
    magic, version, stamp, checksum = struct.unpack_from("<4I", buf, 0)
    if magic != GCDA_MAGIC:
        raise FormatError("%s: not a .gcda (magic %#x)" % (path, magic))
    out = {"version": version, "stamp": stamp, "checksum": checksum, "runs": None,
           "counters": {}}
    p, key = 16, None
    while p + 4 <= len(buf):
        tag = struct.unpack_from("<I", buf, p)[0]
        if tag == 0:
            break
        _need(buf, p, 8, path, "record header")
        length = struct.unpack_from("<i", buf, p + 4)[0]
        p += 8
        if tag == TAG_FUNCTION:
            if length == 0:
                key = None
                continue
            _need(buf, p, 12, path, "function record")
            key = struct.unpack_from("<3I", buf, p)
            p += length
        elif tag == TAG_ARCS:
            if length < 0:
                vals = [0] * (-length // 8)
            else:
                _need(buf, p, length, path, "arcs counters")
                vals = list(struct.unpack_from("<%dq" % (length // 8), buf, p))
                p += length
            if key is None:
                raise FormatError("%s: counters without a function at %d" % (path, p))
            out["counters"][tuple(key)] = vals
        elif tag == TAG_OBJECT_SUMMARY:
            out["runs"] = struct.unpack_from("<I", buf, p)[0]
            p += length
        else:
            if length > 0:
                p += length
    return out


def read_gcno_names(path):
    """{(ident, lineno_checksum, cfg_checksum): function name} from a GCC 12
    .gcno (strings: u32 length with the NUL, then the bytes, unpadded)."""
    with open(path, "rb") as f:
        buf = f.read()
    magic = struct.unpack_from("<I", buf, 0)[0]
    if magic != 0x67636E6F:
        raise FormatError("%s: not a .gcno" % path)
    p = 16
    n = struct.unpack_from("<I", buf, p)[0]        # cwd
    p += 4 + n + 4                                 # + has_unexecuted_blocks
    names = {}
    while p + 8 <= len(buf):
        tag, length = struct.unpack_from("<II", buf, p)
        p += 8
        if tag == 0:
            break
        if tag == TAG_FUNCTION:
            ident, lck, cfg, n = struct.unpack_from("<4I", buf, p)
            names[(ident, lck, cfg)] = buf[p + 16:p + 16 + n].rstrip(b"\0").decode()
        p += length
    return names
