/* SPDX-License-Identifier: MIT */
/*
 * raw_read.c - reads a raw profile (.vitraw, rt/vitprof_raw.h) into plain
 * memory (struct raw_profile), trusting nothing in it.
 *
 * Every field that says where or how big something is gets checked before
 * it is followed: the header against the file size, each section against
 * header.end, each module record against its section's used bytes, each
 * edge table's slots against its section, and every edge table entry is
 * where the table's probe (vitprof_raw.h) finds its key. The first problem found is
 * reported as one line naming the file, what is wrong and the file offset
 * of the field; the reader never crashes and never returns partial data.
 *
 * The file is read with pread(), not mapped: a file truncated under the
 * reader gives a short read (an error), never a SIGBUS, and only the parts
 * that hold data are read (retired tables are holes past their first page).
 *
 * Edge tables: for each shard_id only the live table of the highest
 * generation holds the shard's counts (vitprof_raw.h, "Growth"); the others
 * are validated but not read.
 */
#define _GNU_SOURCE
#include <byteswap.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/tool.h"
#include "read/gcov_values.h"
#include "read/raw_profile.h"

#define NO_OFFSET UINT64_MAX
#define MAX_ATTEMPTS 3             /* reads of a file that changes under us */
#define MAX_PAGE_SIZE (1u << 30)

/* One edge table seen while walking the sections. */
struct table_ref {
	uint64_t offset;               /* section offset */
	uint64_t shard_id;
	uint32_t generation;
	uint32_t live;
	uint32_t entry_size;
	uint64_t capacity;
	uint64_t entries_offset;
	uint64_t lost_calls, lost_frames, lost_events;
};

/* One ARCS section seen while walking the sections. */
struct arcs_ref {
	uint64_t offset;               /* section offset */
	uint32_t arcs_id, mode;
	uint64_t data_offset, data_size, n_copies;
	uint64_t object;               /* vpr_arcs.object */
};

/* One gcov object record, read once every ARCS section is known. */
struct gcov_ref {
	uint64_t offset;               /* file offset of the record */
	uint32_t size;                 /* record_size, already checked */
};

struct reader {
	const char *name;
	int fd;                        /* -1 when reading from mem */
	const unsigned char *mem;
	uint64_t size;                 /* file size */
	struct vpr_file_header h;      /* private copy, validated */
	struct table_ref *tables;
	size_t n_tables, cap_tables;
	uint64_t *module_offsets;      /* record offset of each module */
	size_t cap_offsets, cap_modules, cap_edges, cap_functions, cap_ctx;
	struct arcs_ref *arcs;         /* ARCS sections seen */
	size_t n_arcs, cap_arcs;
	struct gcov_ref *gcov;         /* gcov object records seen */
	size_t n_gcov_refs, cap_gcov_refs, cap_gcov;
	uint64_t *value_chunks;        /* offset of VALUES chunk k, 0 if absent */
	size_t n_value_chunks;
	uint32_t chunk_entries;        /* equal in every chunk */
	uint64_t entries_offset;
	/* Sums over every slot of the selected tables: every aggregation of
	 * counts or self times the tool makes (per function, per edge over
	 * threads, totals of a report or an export) is a part of one of them,
	 * so bounding them here bounds those (docs/cli.md, "Limits").
	 * Inclusive times are not summed here: their sum over all edges grows
	 * with the stack depth, and profile.c bounds the sums it makes. */
	uint64_t sum_count, sum_self_ticks;
	/* Trace mode: chunks and tables as found (struct raw_trace). */
	struct raw_trace_chunk *chunks;
	size_t n_chunks, cap_chunks, cap_names, cap_threads, cap_tables_trace, cap_name_offsets;
	uint64_t *name_offsets;        /* record offset of each name */
	char err[1024];                /* the first problem, for the report */
};

/*
 * Records the first problem as "WHAT at offset 0x..." (no offset when off
 * is NO_OFFSET). Later problems are consequences and are dropped.
 * Returns -1, so that callers can `return bad(...)`.
 */
static int bad(struct reader *r, uint64_t off, const char *fmt, ...) TOOL_PRINTF(3, 4);
static int bad(struct reader *r, uint64_t off, const char *fmt, ...)
{
	char what[768];
	va_list ap;

	if (r->err[0])
		return -1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (off == NO_OFFSET)
		snprintf(r->err, sizeof r->err, "%s", what);
	else
		snprintf(r->err, sizeof r->err, "%s at offset 0x%" PRIx64, what, off);
	return -1;
}

/*
 * Reads exactly len bytes at off into buf. Callers check bounds against
 * header.end first; this is the backstop against the file itself.
 */
static int read_at(struct reader *r, uint64_t off, void *buf, size_t len)
{
	unsigned char *p = buf;

	if (off > r->size || len > r->size - off)
		return bad(r, off, "truncated: %zu bytes needed here, the file is %" PRIu64
		           " bytes", len, r->size);
	if (r->mem) {
		memcpy(buf, r->mem + off, len);
		return 0;
	}
	while (len) {
		ssize_t n = pread(r->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bad(r, off, "read error: %s", strerror(errno));
		if (n == 0)
			return bad(r, off, "the file shrank while being read");
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* Makes room for one more element in *arr (capacity *cap). */
static void grow(void **arr, size_t *cap, size_t n, size_t elsize)
{
	if (n < *cap)
		return;
	*cap = *cap ? *cap * 2 : 64;
	*arr = xreallocarray(*arr, *cap, elsize);
}

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int has_nul(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

#define HOFF(field) ((uint64_t)offsetof(struct vpr_file_header, field))

/* Reads the header into r->h and checks every field a reader relies on. */
static int check_header(struct reader *r)
{
	struct vpr_file_header *h = &r->h;
	size_t n = r->size < sizeof *h ? (size_t)r->size : sizeof *h;
	uint64_t ps;

	memset(h, 0, sizeof *h);
	if (r->size == 0)
		return bad(r, 0, "empty file, not a vitprof raw profile");
	if (read_at(r, 0, h, n) != 0)
		return -1;
	if (r->size < sizeof h->magic || memcmp(h->magic, VPR_MAGIC, sizeof h->magic) != 0)
		return bad(r, 0, "not a vitprof raw profile (no VITPRAW magic)");
	if (r->size < HOFF(byte_order) + sizeof h->byte_order)
		return bad(r, r->size, "truncated inside the header (%" PRIu64 " of %zu bytes)",
		           r->size, sizeof *h);
	if (h->byte_order == bswap_32(VPR_BYTE_ORDER))
		return bad(r, HOFF(byte_order), "byte-order mark 0x%08" PRIx32 ": written on a"
		           " machine of the other byte order, which this vitprof cannot read",
		           h->byte_order);
	if (h->version != VPR_VERSION)
		return bad(r, NO_OFFSET, "raw profile version %" PRIu32 ", this vitprof reads version %u",
		           h->version, VPR_VERSION);
	if (h->byte_order != VPR_BYTE_ORDER)
		return bad(r, HOFF(byte_order), "bad byte-order mark 0x%08" PRIx32 " (expected 0x%08x)",
		           h->byte_order, VPR_BYTE_ORDER);
	if (r->size < sizeof *h)
		return bad(r, r->size, "truncated inside the header (%" PRIu64 " of %zu bytes)",
		           r->size, sizeof *h);
	if (h->header_size != sizeof *h)
		return bad(r, HOFF(header_size), "header size %" PRIu32 ", version 1 has %zu",
		           h->header_size, sizeof *h);
	ps = h->page_size;
	if (ps < 4096 || ps > MAX_PAGE_SIZE || !is_pow2(ps))
		return bad(r, HOFF(page_size), "page size %" PRIu64 " is not a power of two"
		           " between 4096 and %u", ps, MAX_PAGE_SIZE);
	if (h->first_section < ps || h->first_section % ps)
		return bad(r, HOFF(first_section), "first section offset 0x%" PRIx64
		           " is not a nonzero multiple of the page size 0x%" PRIx64,
		           h->first_section, ps);
	if (h->end < h->first_section || h->end % ps)
		return bad(r, HOFF(end), "sections end at 0x%" PRIx64 ", not a page multiple"
		           " at or after the first section (0x%" PRIx64 ")", h->end, h->first_section);
	if (h->end > r->size)
		return bad(r, HOFF(end), "truncated: the header's end 0x%" PRIx64
		           " is past the end of the file (0x%" PRIx64 " bytes)", h->end, r->size);
	if (h->state != VPR_STATE_RUNNING && h->state != VPR_STATE_EXITED)
		return bad(r, HOFF(state), "unknown state %" PRIu32, h->state);
	if (h->mode != VPR_MODE_COUNT && h->mode != VPR_MODE_TIME &&
	    h->mode != VPR_MODE_CONTEXT && h->mode != VPR_MODE_CONTEXT_TIME &&
	    h->mode != VPR_MODE_TRACE)
		return bad(r, HOFF(mode), "unknown mode %" PRIu32, h->mode);
	if (h->flags & ~(uint32_t)(VPR_FLAG_FORK_CHILD | VPR_FLAG_MOVED | VPR_FLAG_EXEC))
		return bad(r, HOFF(flags), "unknown flags 0x%" PRIx32, h->flags);
	if (h->pid <= 0)
		return bad(r, HOFF(pid), "bad process id %" PRId64, h->pid);
	if (h->ppid < 0)
		return bad(r, HOFF(ppid), "bad parent process id %" PRId64, h->ppid);
	if (h->clock != VPR_CLOCK_TSC && h->clock != VPR_CLOCK_MONOTONIC)
		return bad(r, HOFF(clock), "unknown clock %" PRIu32, h->clock);
	if (!has_nul(h->host, sizeof h->host))
		return bad(r, HOFF(host), "host name is not NUL-terminated");
	if (!has_nul(h->exe_path, sizeof h->exe_path))
		return bad(r, HOFF(exe_path), "executable path is not NUL-terminated");
	return 0;
}

#define MOFF(field) ((uint64_t)offsetof(struct vpr_module_record, field))

/*
 * Reads the records of the modules section at off (size bytes) into
 * rp->modules: each record must fit in the section's used bytes and hold a
 * NUL-terminated path of its stated length.
 */
static int read_modules(struct reader *r, struct raw_profile *rp, uint64_t off,
                        uint64_t size)
{
	struct vpr_modules m;
	unsigned char *buf;
	uint64_t p = 0, rec_base = off + sizeof m;
	uint32_t i;
	int rc = -1;

	if (read_at(r, off, &m, sizeof m) != 0)
		return -1;
	if (m.used > size - sizeof m || m.used % 8)
		return bad(r, off + offsetof(struct vpr_modules, used), "modules section:"
		           " %" PRIu64 " bytes of records do not fit in its %" PRIu64 " bytes",
		           m.used, size - sizeof m);
	buf = xmalloc((size_t)m.used);
	if (read_at(r, rec_base, buf, (size_t)m.used) != 0)
		goto out;
	for (i = 0; i < m.n_records; i++) {
		struct vpr_module_record rec;
		struct raw_module *mod;
		uint64_t at = rec_base + p;
		const char *path;

		if (m.used - p < sizeof rec) {
			bad(r, at, "module record %" PRIu32 " of %" PRIu32 " lies past the section's"
			    " %" PRIu64 " used bytes", i + 1, m.n_records, m.used);
			goto out;
		}
		memcpy(&rec, buf + p, sizeof rec);
		if (rec.record_size < sizeof rec + 1 || rec.record_size % 8 ||
		    rec.record_size > m.used - p) {
			bad(r, at + MOFF(record_size), "module record size %" PRIu32 " is not a multiple"
			    " of 8 between %zu and the %" PRIu64 " bytes left", rec.record_size,
			    sizeof rec + 1, m.used - p);
			goto out;
		}
		if (rec.path_len == 0 || (uint64_t)rec.path_len + 1 > rec.record_size - sizeof rec) {
			bad(r, at + MOFF(path_len), "module path length %u does not fit in its"
			    " %" PRIu32 "-byte record", (unsigned)rec.path_len, rec.record_size);
			goto out;
		}
		path = (const char *)buf + p + sizeof rec;
		if (path[rec.path_len] != '\0' || memchr(path, '\0', rec.path_len)) {
			bad(r, at + sizeof rec, "module path is not a NUL-terminated string of"
			    " length %u", (unsigned)rec.path_len);
			goto out;
		}
		if (rec.build_id_len > VPR_BUILD_ID_MAX) {
			bad(r, at + MOFF(build_id_len), "module build-id length %u (at most %u)",
			    (unsigned)rec.build_id_len, VPR_BUILD_ID_MAX);
			goto out;
		}
		if (rec.lo >= rec.hi) {
			bad(r, at + MOFF(lo), "module address range [0x%" PRIx64 ", 0x%" PRIx64
			    ") is empty", rec.lo, rec.hi);
			goto out;
		}
		grow((void **)&rp->modules, &r->cap_modules, rp->n_modules, sizeof *rp->modules);
		grow((void **)&r->module_offsets, &r->cap_offsets, rp->n_modules,
		     sizeof *r->module_offsets);
		mod = &rp->modules[rp->n_modules];
		memset(mod, 0, sizeof *mod);
		mod->path = xstrdup(path);
		mod->id = rec.id;
		mod->load_bias = rec.load_bias;
		mod->lo = rec.lo;
		mod->hi = rec.hi;
		mod->build_id_len = rec.build_id_len;
		memcpy(mod->build_id, rec.build_id, rec.build_id_len);
		r->module_offsets[rp->n_modules] = at;
		rp->n_modules++;
		p += rec.record_size;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

#define EOFF(field) ((uint64_t)offsetof(struct vpr_edges, field))

/* Validates the header of the edge table at off (size bytes) and notes it. */
static int read_table_header(struct reader *r, uint64_t off, uint64_t size)
{
	struct vpr_edges e;
	struct table_ref *t;
	uint32_t want = r->h.mode == VPR_MODE_TIME ? sizeof(struct vpr_edge_time)
	                                            : sizeof(struct vpr_edge_count);

	if (r->h.mode == VPR_MODE_CONTEXT || r->h.mode == VPR_MODE_CONTEXT_TIME)
		want = sizeof(struct vpr_ctx_node);
	if (r->h.mode == VPR_MODE_TRACE)
		want = sizeof(struct vpr_edge_trace);
	if (read_at(r, off, &e, sizeof e) != 0)
		return -1;
	if (e.entry_size != want)
		return bad(r, off + EOFF(entry_size), "edge table: entry size %" PRIu32
		           ", a %s-mode profile has %" PRIu32, e.entry_size,
		           raw_mode_name(r->h.mode), want);
	if (e.shard_id == 0)
		return bad(r, off + EOFF(shard_id), "edge table: shard id 0");
	if (e.live > 1)
		return bad(r, off + EOFF(live), "edge table: live flag %" PRIu32
		           " (expected 0 or 1)", e.live);
	if (!is_pow2(e.capacity))
		return bad(r, off + EOFF(capacity), "edge table: capacity %" PRIu64
		           " is not a power of two", e.capacity);
	if (e.entries_offset < sizeof e || e.entries_offset % 8 || e.entries_offset > size)
		return bad(r, off + EOFF(entries_offset), "edge table: entries offset 0x%" PRIx64
		           " is not 8-aligned between the table header and the section end"
		           " (0x%" PRIx64 ")", e.entries_offset, size);
	if (e.capacity > (size - e.entries_offset) / e.entry_size)
		return bad(r, off + EOFF(capacity), "edge table: %" PRIu64 " slots of %" PRIu32
		           " bytes from offset 0x%" PRIx64 " do not fit in its %" PRIu64
		           "-byte section", e.capacity, e.entry_size, e.entries_offset, size);
	if (e.n_used > e.capacity)
		return bad(r, off + EOFF(n_used), "edge table: %" PRIu64 " slots used of %" PRIu64,
		           e.n_used, e.capacity);
	grow((void **)&r->tables, &r->cap_tables, r->n_tables, sizeof *r->tables);
	t = &r->tables[r->n_tables++];
	t->offset = off;
	t->shard_id = e.shard_id;
	t->generation = e.generation;
	t->live = e.live;
	t->entry_size = e.entry_size;
	t->capacity = e.capacity;
	t->entries_offset = e.entries_offset;
	t->lost_calls = e.lost_calls;
	t->lost_frames = e.lost_frames;
	t->lost_events = e.lost_events;
	return 0;
}

#define AOFF(field) ((uint64_t)offsetof(struct vpr_arcs, field))

/* Validates the header of the ARCS section at off (size bytes), notes it. */
static int read_arcs_header(struct reader *r, struct raw_profile *rp, uint64_t off,
                            uint64_t size)
{
	struct vpr_arcs a;
	struct arcs_ref *t;
	size_t i;

	if (read_at(r, off, &a, sizeof a) != 0)
		return -1;
	if (a.arcs_id == 0)
		return bad(r, off + AOFF(arcs_id), "arcs section: id 0");
	if (a.mode == 0 && a.data_size == 0)
		return 0;               /* the runtime died setting it up: unused */
	if (a.mode != VPR_ARCS_IN_PLACE && a.mode != VPR_ARCS_COPY)
		return bad(r, off + AOFF(mode), "arcs section: unknown mode %" PRIu32, a.mode);
	if (a.data_offset < sizeof a || a.data_offset % 8 || a.data_offset > size)
		return bad(r, off + AOFF(data_offset), "arcs section: data offset 0x%" PRIx64
		           " is not 8-aligned between the header and the section end (0x%" PRIx64 ")",
		           a.data_offset, size);
	if (a.data_size % 8 || a.data_size > size - a.data_offset)
		return bad(r, off + AOFF(data_size), "arcs section: %" PRIu64 " bytes of counters"
		           " at 0x%" PRIx64 " do not fit in its %" PRIu64 "-byte section",
		           a.data_size, a.data_offset, size);
	for (i = 0; i < r->n_arcs; i++)
		if (r->arcs[i].arcs_id == a.arcs_id)
			return bad(r, off + AOFF(arcs_id), "two arcs sections with id %" PRIu32
			           " (the other at 0x%" PRIx64 ")", a.arcs_id, r->arcs[i].offset);
	grow((void **)&r->arcs, &r->cap_arcs, r->n_arcs, sizeof *r->arcs);
	t = &r->arcs[r->n_arcs++];
	t->offset = off;
	t->arcs_id = a.arcs_id;
	t->mode = a.mode;
	t->data_offset = a.data_offset;
	t->data_size = a.data_size;
	t->n_copies = a.n_copies;
	t->object = a.object;
	if (a.mode == VPR_ARCS_IN_PLACE)
		rp->n_arcs_in_place++;
	else
		rp->n_arcs_copy++;
	return 0;
}

#define GOFF(field) ((uint64_t)offsetof(struct vpr_gcov_object, field))

/* Notes the records of the gcov section at off (size bytes), checking that
 * each lies inside the section's used bytes; they are read later. */
static int scan_gcov_records(struct reader *r, uint64_t off, uint64_t size)
{
	struct vpr_modules m;
	uint64_t p = 0, rec_base = off + sizeof m;
	uint32_t i;

	if (read_at(r, off, &m, sizeof m) != 0)
		return -1;
	if (m.used > size - sizeof m || m.used % 8)
		return bad(r, off + offsetof(struct vpr_modules, used), "gcov section:"
		           " %" PRIu64 " bytes of records do not fit in its %" PRIu64 " bytes",
		           m.used, size - sizeof m);
	for (i = 0; i < m.n_records; i++) {
		uint32_t rs;

		if (m.used - p < sizeof(struct vpr_gcov_object))
			return bad(r, rec_base + p, "gcov record %" PRIu32 " of %" PRIu32 " lies past"
			           " the section's %" PRIu64 " used bytes", i + 1, m.n_records, m.used);
		if (read_at(r, rec_base + p + GOFF(record_size), &rs, sizeof rs) != 0)
			return -1;
		if (rs < sizeof(struct vpr_gcov_object) + 8 || rs % 8 || rs > m.used - p)
			return bad(r, rec_base + p, "gcov record size %" PRIu32 " is not a multiple"
			           " of 8 between %zu and the %" PRIu64 " bytes left", rs,
			           sizeof(struct vpr_gcov_object) + 8, m.used - p);
		grow((void **)&r->gcov, &r->cap_gcov_refs, r->n_gcov_refs, sizeof *r->gcov);
		r->gcov[r->n_gcov_refs].offset = rec_base + p;
		r->gcov[r->n_gcov_refs].size = rs;
		r->n_gcov_refs++;
		p += rs;
	}
	return 0;
}

static void free_gcov_object(struct raw_gcov_object *o)
{
	size_t i;

	for (i = 0; i < o->n_functions; i++) {
		free(o->functions[i].arcs);
		gcov_values_free(&o->functions[i]);
	}
	free(o->functions);
	free(o->gcda_path);
	memset(o, 0, sizeof *o);
}

#define GFOFF(field) ((uint64_t)offsetof(struct vpr_gcov_function, field))

/* Entries one topn list may hold in a raw file: 32, and what racing
 * threads of an atomic build can add (a bound against cycles). */
#define TOPN_LIST_MAX 1024u

/*
 * Converts the topn counters of one function (sites x [runs, entries,
 * first entry reference]) into .gcda form, following each list through the
 * value arena. Every reference must name an entry of a chunk in the file.
 */
static int read_topn(struct reader *r, const int64_t *mem, uint32_t num, const char *name,
                     size_t fn, unsigned t, struct gcov_values *out)
{
	uint32_t sites = num / 3, cap = 0, n = 0;
	int64_t *v = NULL;

	if (num % 3)
		return bad(r, NO_OFFSET, "gcov record for '%s', function %zu: %" PRIu32 " %s"
		           " counters are not whole sites (3 each)", name, fn, num,
		           gcov_kind_name(t));
	for (uint32_t site = 0; site < sites; site++) {
		uint64_t ref = (uint64_t)mem[3 * site + 2];
		uint32_t len = 0, start = n;

		if (cap - n < 2) {
			cap = cap ? 2 * cap : 64;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[n++] = mem[3 * site];
		v[n++] = 0;
		while (ref) {
			struct vpr_value_entry e;
			uint64_t i = ref - 1, k = r->chunk_entries ? i / r->chunk_entries : 0;

			if (!r->chunk_entries || k >= r->n_value_chunks || !r->value_chunks[k]) {
				free(v);
				return bad(r, NO_OFFSET, "gcov record for '%s', function %zu, %s site %"
				           PRIu32 ": value reference %" PRIu64 " is in no value chunk of"
				           " the file", name, fn, gcov_kind_name(t), site, ref);
			}
			if (++len > TOPN_LIST_MAX) {
				free(v);
				return bad(r, NO_OFFSET, "gcov record for '%s', function %zu, %s site %"
				           PRIu32 ": its value list is longer than %u (a cycle)", name,
				           fn, gcov_kind_name(t), site, TOPN_LIST_MAX);
			}
			if (read_at(r, r->value_chunks[k] + r->entries_offset +
			            (i % r->chunk_entries) * sizeof e, &e, sizeof e) != 0) {
				free(v);
				return -1;
			}
			if (cap - n < 2) {
				cap = 2 * cap;
				v = xreallocarray(v, cap, sizeof *v);
			}
			v[n++] = e.value;
			v[n++] = e.count;
			ref = e.next;
		}
		v[start + 1] = len;
	}
	out->v = v;
	out->n_words = n;
	out->sites = sites;
	return 0;
}

/*
 * Reads counters of one (function, kind) at offset in the data of arcs
 * section a into a new array. Returns it, or NULL (reported).
 */
static int64_t *read_counters(struct reader *r, const struct arcs_ref *a, uint64_t offset,
                              uint32_t num, uint64_t at, const char *name, size_t fn,
                              unsigned t)
{
	uint64_t bytes = (uint64_t)num * 8;
	int64_t *v;

	if (offset % 8 || offset > a->data_size || bytes > a->data_size - offset) {
		bad(r, at, "gcov record for '%s', function %zu: %" PRIu32 " %s counters at data"
		    " offset 0x%" PRIx64 " do not fit in the %" PRIu64 " bytes of arcs section %"
		    PRIu32, name, fn, num, gcov_kind_name(t), offset, a->data_size, a->arcs_id);
		return NULL;
	}
	v = xmalloc((size_t)bytes);
	if (read_at(r, a->offset + a->data_offset + offset, v, (size_t)bytes) != 0) {
		free(v);
		return NULL;
	}
	return v;
}

/*
 * Reads one gcov object record (checked to lie in its section), the
 * counters of each of its functions from the ARCS section it names, and
 * the topn lists from the value arena.
 */
static int read_gcov_object(struct reader *r, const struct gcov_ref *g,
                            struct raw_gcov_object *o)
{
	struct vpr_gcov_object rec;
	const struct arcs_ref *a = NULL;
	unsigned char *buf;
	uint64_t fn_bytes, kind_bytes = 0;
	unsigned n_other = 0;
	const char *name;
	size_t i;
	int rc = -1;

	memset(o, 0, sizeof *o);
	buf = xmalloc(g->size);
	if (read_at(r, g->offset, buf, g->size) != 0)
		goto out;
	memcpy(&rec, buf, sizeof rec);
	if (rec.flags & ~VPR_GCOV_HAS_KINDS) {
		bad(r, g->offset + GOFF(flags), "gcov record: unknown flags 0x%x",
		    (unsigned)rec.flags);
		goto out;
	}
	if (rec.flags & VPR_GCOV_HAS_KINDS)
		n_other = (unsigned)__builtin_popcount(rec.counter_mask & ~1u);
	fn_bytes = (uint64_t)rec.n_functions * sizeof(struct vpr_gcov_function);
	kind_bytes = (uint64_t)rec.n_functions * n_other * sizeof(struct vpr_gcov_counters);
	if (fn_bytes + kind_bytes + sizeof rec + rec.filename_len + 1 > g->size) {
		bad(r, g->offset + GOFF(n_functions), "gcov record: %" PRIu32 " functions and a"
		    " %u-byte file name do not fit in its %" PRIu32 " bytes", rec.n_functions,
		    (unsigned)rec.filename_len, g->size);
		goto out;
	}
	name = (const char *)buf + sizeof rec + fn_bytes + kind_bytes;
	if (rec.filename_len == 0 || name[rec.filename_len] != '\0' ||
	    memchr(name, '\0', rec.filename_len)) {
		bad(r, g->offset + sizeof rec + fn_bytes + kind_bytes, "gcov record: the .gcda"
		    " path is not a NUL-terminated string of length %u",
		    (unsigned)rec.filename_len);
		goto out;
	}
	for (i = 0; i < r->n_arcs; i++)
		if (r->arcs[i].arcs_id == rec.arcs_id)
			a = &r->arcs[i];
	if (!a) {
		bad(r, g->offset + GOFF(arcs_id), "gcov record for '%s': no arcs section with"
		    " id %" PRIu32, name, rec.arcs_id);
		goto out;
	}
	o->gcda_path = xstrdup(name);
	o->functions = xcalloc(rec.n_functions, sizeof *o->functions);
	o->version = rec.version;
	o->stamp = rec.stamp;
	o->checksum = rec.checksum;
	o->counter_mask = rec.counter_mask;
	o->has_kinds = (rec.flags & VPR_GCOV_HAS_KINDS) != 0;
	o->arcs_mode = a->mode;
	o->object = a->object;
	o->counts_known = a->mode == VPR_ARCS_IN_PLACE || a->n_copies > 0;
	for (i = 0; i < rec.n_functions; i++) {
		struct vpr_gcov_function f;
		struct gcov_counters *c = &o->functions[i];
		uint64_t at = g->offset + sizeof rec + i * sizeof f;
		const unsigned char *kp = buf + sizeof rec + fn_bytes +
		                          i * n_other * sizeof(struct vpr_gcov_counters);
		unsigned t, k = 0;

		memcpy(&f, buf + sizeof rec + i * sizeof f, sizeof f);
		o->n_functions = i + 1;
		if (f.arcs_offset == UINT64_MAX && f.n_arcs == 0 && f.ident == 0 &&
		    f.lineno_checksum == 0 && f.cfg_checksum == 0) {
			/* A COMDAT copy the linker dropped: all zero (gcov_counters
			 * with ident 0 and no arcs), its counts are the kept copy's. */
			c->arcs = NULL;
			continue;
		}
		c->ident = f.ident;
		c->lineno_checksum = f.lineno_checksum;
		c->cfg_checksum = f.cfg_checksum;
		c->n_arcs = f.n_arcs;
		c->arcs = (uint64_t *)read_counters(r, a, f.arcs_offset, f.n_arcs,
		                                    at + GFOFF(arcs_offset), name, i, 0);
		if (!c->arcs)
			goto out;
		for (t = 1; n_other && t < 32; t++) {
			struct vpr_gcov_counters kc;
			uint64_t kat = g->offset + (uint64_t)(kp - buf) + k * sizeof kc;
			int64_t *v;

			if (!(rec.counter_mask & (1u << t)))
				continue;
			memcpy(&kc, kp + k++ * sizeof kc, sizeof kc);
			if (t >= GCOV_KINDS)
				continue;          /* GCC 14's conditions: not written */
			v = read_counters(r, a, kc.offset, kc.num, kat, name, i, t);
			if (!v)
				goto out;
			if (gcov_kind_is_topn(t)) {
				int bad_list = read_topn(r, v, kc.num, name, i, t, &c->kinds[t]);
				free(v);
				if (bad_list)
					goto out;
			} else {
				c->kinds[t].v = v;
				c->kinds[t].n_words = kc.num;
			}
		}
	}
	o->n_functions = rec.n_functions;
	rc = 0;
out:
	free(buf);
	if (rc != 0)
		free_gcov_object(o);
	return rc;
}

/* Reads every gcov object noted while walking the sections. */
static int read_gcov(struct reader *r, struct raw_profile *rp)
{
	size_t i;

	for (i = 0; i < r->n_gcov_refs; i++) {
		grow((void **)&rp->gcov, &r->cap_gcov, rp->n_gcov, sizeof *rp->gcov);
		if (read_gcov_object(r, &r->gcov[i], &rp->gcov[rp->n_gcov]) != 0)
			return -1;
		rp->n_gcov++;
	}
	return 0;
}

#define VOFF(field) ((uint64_t)offsetof(struct vpr_values, field))

/* Validates one chunk of the value arena and notes where it is. */
static int read_values_header(struct reader *r, uint64_t off, uint64_t size)
{
	struct vpr_values v;

	if (read_at(r, off, &v, sizeof v) != 0)
		return -1;
	if (v.chunk_entries == 0 || v.entries_offset < sizeof v || v.entries_offset % 8 ||
	    v.entries_offset > size ||
	    (size - v.entries_offset) / sizeof(struct vpr_value_entry) < v.chunk_entries)
		return bad(r, off + VOFF(chunk_entries), "value chunk %" PRIu32 ": %" PRIu32
		           " entries at 0x%" PRIx64 " do not fit in its %" PRIu64 " bytes",
		           v.chunk, v.chunk_entries, v.entries_offset, size);
	if (r->chunk_entries && (v.chunk_entries != r->chunk_entries ||
	                         v.entries_offset != r->entries_offset))
		return bad(r, off + VOFF(chunk_entries), "value chunk %" PRIu32 " holds %" PRIu32
		           " entries, another %" PRIu32, v.chunk, v.chunk_entries,
		           r->chunk_entries);
	if (v.chunk >= (1u << 20))
		return bad(r, off + VOFF(chunk), "value chunk number %" PRIu32 " is past the"
		           " 2^20 a file can have", v.chunk);
	if (v.chunk >= r->n_value_chunks) {
		uint64_t *p = xreallocarray(r->value_chunks, v.chunk + 1, sizeof *p);

		memset(p + r->n_value_chunks, 0, (v.chunk + 1 - r->n_value_chunks) * sizeof *p);
		r->value_chunks = p;
		r->n_value_chunks = v.chunk + 1;
	}
	if (r->value_chunks[v.chunk])
		return bad(r, off + VOFF(chunk), "two value chunks numbered %" PRIu32
		           " (the other at 0x%" PRIx64 ")", v.chunk, r->value_chunks[v.chunk]);
	r->value_chunks[v.chunk] = off;
	r->chunk_entries = v.chunk_entries;
	r->entries_offset = v.entries_offset;
	return 0;
}

#define SOFF(field) ((uint64_t)offsetof(struct vpr_section, field))

#define TOFF(field) ((uint64_t)offsetof(struct vpr_trace, field))

/* Validates the header of the trace chunk at off (size bytes) and notes
 * it; its shard and seq are checked once every table is known
 * (index_trace()). Only a trace-mode profile has chunks. */
static int read_trace_header(struct reader *r, uint64_t off, uint64_t size)
{
	struct vpr_trace t;
	struct raw_trace_chunk *c;

	if (r->h.mode != VPR_MODE_TRACE)
		return bad(r, off + SOFF(type), "trace chunk in a %s-mode profile",
		           raw_mode_name(r->h.mode));
	if (read_at(r, off, &t, sizeof t) != 0)
		return -1;
	if (t.shard_id == 0)
		return bad(r, off + TOFF(shard_id), "trace chunk: shard id 0");
	if (t.seq == 0)
		return bad(r, off + TOFF(seq), "trace chunk of shard %" PRIu64 ": seq 0 (seqs"
		           " start at 1)", t.shard_id);
	if (t.data_offset < sizeof t || t.data_offset > size)
		return bad(r, off + TOFF(data_offset), "trace chunk of shard %" PRIu64 ": data"
		           " offset 0x%" PRIx64 " is not between the chunk header and the section"
		           " end (0x%" PRIx64 ")", t.shard_id, t.data_offset, size);
	if (t.data_size > size - t.data_offset)
		return bad(r, off + TOFF(data_size), "trace chunk of shard %" PRIu64 ": %" PRIu64
		           " bytes of events at 0x%" PRIx64 " do not fit in its %" PRIu64
		           "-byte section", t.shard_id, t.data_size, t.data_offset, size);
	if (t.used > t.data_size)
		return bad(r, off + TOFF(used), "trace chunk of shard %" PRIu64 ": %" PRIu64
		           " bytes used of %" PRIu64, t.shard_id, t.used, t.data_size);
	if (t.flags & ~(uint32_t)VPR_TRACE_RING)
		return bad(r, off + TOFF(flags), "trace chunk of shard %" PRIu64 ": unknown"
		           " flags 0x%" PRIx32, t.shard_id, t.flags);
	grow((void **)&r->chunks, &r->cap_chunks, r->n_chunks, sizeof *r->chunks);
	c = &r->chunks[r->n_chunks++];
	c->offset = off;
	c->shard_id = t.shard_id;
	c->tid = t.thread_id;
	c->seq = t.seq;
	c->base_tick = t.base_tick;
	c->depth = t.depth;
	c->data_offset = off + t.data_offset;
	c->used = t.used;
	c->flags = t.flags;
	return 0;
}

#define NOFF(field) ((uint64_t)offsetof(struct vpr_name_record, field))

/* Reads the records of the names section at off (size bytes) into
 * rp->names and rp->thread_names: each record inside the section's used
 * bytes, of a known kind, with a NUL-terminated name of its stated
 * length. Ids are checked for uniqueness once every section is read. */
static int read_names(struct reader *r, struct raw_profile *rp, uint64_t off, uint64_t size)
{
	struct vpr_modules m;
	unsigned char *buf;
	uint64_t p = 0, rec_base = off + sizeof m;
	uint32_t i;
	int rc = -1;

	if (read_at(r, off, &m, sizeof m) != 0)
		return -1;
	if (m.used > size - sizeof m || m.used % 8)
		return bad(r, off + offsetof(struct vpr_modules, used), "names section:"
		           " %" PRIu64 " bytes of records do not fit in its %" PRIu64 " bytes",
		           m.used, size - sizeof m);
	buf = xmalloc(m.used ? (size_t)m.used : 1);
	if (read_at(r, rec_base, buf, (size_t)m.used) != 0)
		goto out;
	for (i = 0; i < m.n_records; i++) {
		struct vpr_name_record rec;
		uint64_t at = rec_base + p;
		const char *name;

		if (m.used - p < sizeof rec) {
			bad(r, at, "name record %" PRIu32 " of %" PRIu32 " lies past the section's"
			    " %" PRIu64 " used bytes", i + 1, m.n_records, m.used);
			goto out;
		}
		memcpy(&rec, buf + p, sizeof rec);
		if (rec.record_size < sizeof rec + 8 || rec.record_size % 8 ||
		    rec.record_size > m.used - p) {
			bad(r, at + NOFF(record_size), "name record size %" PRIu32 " is not a multiple"
			    " of 8 between %zu and the %" PRIu64 " bytes left", rec.record_size,
			    sizeof rec + 8, m.used - p);
			goto out;
		}
		if (rec.len > VPR_NAME_MAX || (uint64_t)rec.len + 1 > rec.record_size - sizeof rec) {
			bad(r, at + NOFF(len), "name length %" PRIu32 " does not fit in its %" PRIu32
			    "-byte record (at most %u)", rec.len, rec.record_size, VPR_NAME_MAX);
			goto out;
		}
		name = (const char *)buf + p + sizeof rec;
		if (name[rec.len] != '\0' || memchr(name, '\0', rec.len)) {
			bad(r, at + sizeof rec, "name is not a NUL-terminated string of length %" PRIu32,
			    rec.len);
			goto out;
		}
		if (rec.kind == VPR_NAME_STRING) {
			if (rec.id == 0) {
				bad(r, at + NOFF(id), "name record with id 0 (ids start at 1)");
				goto out;
			}
			grow((void **)&rp->names, &r->cap_names, rp->n_names, sizeof *rp->names);
			grow((void **)&r->name_offsets, &r->cap_name_offsets, rp->n_names,
			     sizeof *r->name_offsets);
			r->name_offsets[rp->n_names] = at;
			rp->names[rp->n_names].id = rec.id;
			rp->names[rp->n_names++].name = xstrdup(name);
		} else if (rec.kind == VPR_NAME_THREAD) {
			struct raw_thread_name *t = NULL;
			size_t k;

			if (rec.thread_id == 0) {
				bad(r, at + NOFF(thread_id), "thread name record for thread id 0");
				goto out;
			}
			for (k = 0; k < rp->n_thread_names && !t; k++)
				if (rp->thread_names[k].tid == rec.thread_id)
					t = &rp->thread_names[k];
			if (t) {               /* the last record for a tid wins */
				free(t->name);
			} else {
				grow((void **)&rp->thread_names, &r->cap_threads, rp->n_thread_names,
				     sizeof *rp->thread_names);
				t = &rp->thread_names[rp->n_thread_names++];
				t->tid = rec.thread_id;
			}
			t->name = xstrdup(name);
		} else {
			bad(r, at + NOFF(kind), "name record of unknown kind %" PRIu32, rec.kind);
			goto out;
		}
		p += rec.record_size;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

static int name_order(const void *a, const void *b)
{
	const struct raw_name *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int thread_name_order(const void *a, const void *b)
{
	const struct raw_thread_name *x = a, *y = b;

	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* Sorts the names by id (each id once) and the thread names by tid. */
static int sort_names(struct reader *r, struct raw_profile *rp)
{
	size_t i;

	/* sort the offsets along: pair them through a permutation */
	if (rp->n_names > 1) {
		struct pair { struct raw_name n; uint64_t off; } *v = xcalloc(rp->n_names, sizeof *v);
		for (i = 0; i < rp->n_names; i++) {
			v[i].n = rp->names[i];
			v[i].off = r->name_offsets[i];
		}
		qsort(v, rp->n_names, sizeof *v, name_order);
		for (i = 0; i < rp->n_names; i++) {
			rp->names[i] = v[i].n;
			r->name_offsets[i] = v[i].off;
		}
		free(v);
	}
	for (i = 1; i < rp->n_names; i++)
		if (rp->names[i].id == rp->names[i - 1].id)
			return bad(r, r->name_offsets[i] + NOFF(id), "two name records with id %"
			           PRIu32 " (the other at 0x%" PRIx64 ")", rp->names[i].id,
			           r->name_offsets[i - 1]);
	if (rp->n_thread_names > 1)
		qsort(rp->thread_names, rp->n_thread_names, sizeof *rp->thread_names,
		      thread_name_order);
	return 0;
}

/* Shard, then seq, then offset. */
static int chunk_order(const void *a, const void *b)
{
	const struct raw_trace_chunk *x = a, *y = b;

	if (x->shard_id != y->shard_id)
		return x->shard_id < y->shard_id ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static const struct raw_trace_table *trace_table(const struct raw_trace *tr, uint64_t shard)
{
	size_t lo = 0, hi = tr->n_tables;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tr->tables[mid].shard_id < shard)
			lo = mid + 1;
		else if (tr->tables[mid].shard_id > shard)
			hi = mid;
		else
			return &tr->tables[mid];
	}
	return NULL;
}

/* Adds stream [first, first + n) of tr->chunks (one shard and thread). */
static void add_stream(struct raw_trace *tr, size_t *cap, size_t first, size_t n)
{
	const struct raw_trace_chunk *c = &tr->chunks[first];
	const struct raw_trace_table *t = trace_table(tr, c->shard_id);
	struct trace_stream *s;

	grow((void **)&tr->streams, cap, tr->n_streams, sizeof *tr->streams);
	s = &tr->streams[tr->n_streams++];
	memset(s, 0, sizeof *s);
	s->shard_id = c->shard_id;
	s->tid = c->tid;
	s->first_chunk = first;
	s->n_chunks = n;
	/* a shard's losses belong to its last thread: the table is the shard's */
	s->lost_events = t ? t->lost_events : 0;
}

/*
 * Trace mode: moves the chunks into rp->trace sorted by (shard, seq),
 * checks each names a shard with a table and that no two chunks of a shard
 * share a seq, and cuts the streams: a shard's chunks split where the
 * thread id changes (a shard taken over by a new thread); in a flight
 * recorder (VPR_TRACE_RING) only the run of consecutive seqs ending at the
 * highest one survives (older chunks are left out of every stream).
 */
static int index_trace(struct reader *r, struct raw_profile *rp)
{
	struct raw_trace *tr = rp->trace;
	size_t i, start, cap = 0, k;

	tr->chunks = r->chunks;
	tr->n_chunks = r->n_chunks;
	r->chunks = NULL;
	r->n_chunks = r->cap_chunks = 0;
	if (tr->n_chunks)
		qsort(tr->chunks, tr->n_chunks, sizeof *tr->chunks, chunk_order);
	for (i = 0; i < tr->n_chunks; i++) {
		const struct raw_trace_chunk *c = &tr->chunks[i];
		if (!trace_table(tr, c->shard_id))
			return bad(r, c->offset + TOFF(shard_id), "trace chunk of shard %" PRIu64
			           ": the file has no live edge table of that shard", c->shard_id);
		if (i && tr->chunks[i - 1].shard_id == c->shard_id &&
		    tr->chunks[i - 1].seq == c->seq)
			return bad(r, c->offset + TOFF(seq), "two trace chunks of shard %" PRIu64
			           " with seq %" PRIu64 " (the other at 0x%" PRIx64 ")", c->shard_id,
			           c->seq, tr->chunks[i - 1].offset);
	}
	for (start = 0; start < tr->n_chunks; start = i) {
		int ring = 0;

		for (i = start; i < tr->n_chunks && tr->chunks[i].shard_id == tr->chunks[start].shard_id &&
		     tr->chunks[i].tid == tr->chunks[start].tid; i++)
			ring |= (tr->chunks[i].flags & VPR_TRACE_RING) != 0;
		k = start;
		if (ring)               /* the surviving run: consecutive seqs to the last */
			for (k = i - 1; k > start && tr->chunks[k - 1].seq + 1 == tr->chunks[k].seq; k--)
				;
		add_stream(tr, &cap, k, i - k);
		tr->streams[tr->n_streams - 1].name = raw_profile_thread_name(rp, tr->chunks[k].tid);
	}
	return 0;
}

/* Trace mode: checks the ids of table t's entries rp->trace... (1..n, each
 * once) and files them by id. Returns 0 or -1 (reported). */
static int add_trace_table(struct reader *r, struct raw_profile *rp, const struct table_ref *t,
                           const struct vpr_edge_trace *e, const uint64_t *at, size_t n)
{
	struct raw_trace *tr = rp->trace;
	struct raw_trace_table *tt;
	size_t i;

	grow((void **)&tr->tables, &r->cap_tables_trace, tr->n_tables, sizeof *tr->tables);
	tt = &tr->tables[tr->n_tables++];
	memset(tt, 0, sizeof *tt);
	tt->shard_id = t->shard_id;
	tt->offset = t->offset;
	tt->lost_events = t->lost_events;
	tt->n_ids = n;
	tt->ids = xcalloc(n ? n : 1, sizeof *tt->ids);
	for (i = 0; i < n; i++) {
		struct raw_trace_id *d;

		if (e[i].id == 0 || e[i].id > n)
			return bad(r, at[i] + offsetof(struct vpr_edge_trace, id), "trace id table of"
			           " shard %" PRIu64 ": id %" PRIu32 " outside 1..%zu (the entries"
			           " in use)", t->shard_id, e[i].id, n);
		d = &tt->ids[e[i].id - 1];
		if (d->fn)
			return bad(r, at[i] + offsetof(struct vpr_edge_trace, id), "trace id table of"
			           " shard %" PRIu64 ": id %" PRIu32 " used twice", t->shard_id,
			           e[i].id);
		if (e[i].flags & ~(uint32_t)(VPR_TRACE_FN_EXCLUDE | VPR_TRACE_FN_INCLUDE |
		                             VPR_TRACE_FN_START))
			return bad(r, at[i] + offsetof(struct vpr_edge_trace, flags), "trace id table"
			           " of shard %" PRIu64 ": unknown flags 0x%" PRIx32, t->shard_id,
			           e[i].flags);
		d->site = e[i].site;
		d->fn = e[i].fn;
		d->count = e[i].count;
		d->flags = e[i].flags;
	}
	return 0;
}


/* Walks the section chain from first_section to end, validating each. */
static int walk_sections(struct reader *r, struct raw_profile *rp)
{
	const struct vpr_file_header *h = &r->h;
	uint64_t off = h->first_section, count = 0;

	while (off < h->end) {
		struct vpr_section s;

		if (read_at(r, off, &s, sizeof s) != 0)
			return -1;
		if (s.magic != VPR_SECTION_MAGIC)
			return bad(r, off + SOFF(magic), "section %" PRIu64 ": bad magic 0x%08" PRIx32
			           " (expected 0x%08x, \"VSEC\")", count, s.magic, VPR_SECTION_MAGIC);
		if (s.offset != off)
			return bad(r, off + SOFF(offset), "section %" PRIu64 ": says it is at 0x%" PRIx64,
			           count, s.offset);
		if (s.size < h->page_size || s.size % h->page_size)
			return bad(r, off + SOFF(size), "section %" PRIu64 ": size 0x%" PRIx64
			           " is not a nonzero multiple of the page size 0x%" PRIx32,
			           count, s.size, h->page_size);
		if (s.size > h->end - off)
			return bad(r, off + SOFF(size), "section %" PRIu64 ": size 0x%" PRIx64
			           " runs past the end of the sections (0x%" PRIx64 ")",
			           count, s.size, h->end);
		switch (s.type) {
		case VPR_SEC_MODULES:
			if (read_modules(r, rp, off, s.size) != 0)
				return -1;
			break;
		case VPR_SEC_EDGES:
			if (read_table_header(r, off, s.size) != 0)
				return -1;
			break;
		case VPR_SEC_ARCS:
			if (read_arcs_header(r, rp, off, s.size) != 0)
				return -1;
			break;
		case VPR_SEC_GCOV:
			if (scan_gcov_records(r, off, s.size) != 0)
				return -1;
			break;
		case VPR_SEC_VALUES:
			if (read_values_header(r, off, s.size) != 0)
				return -1;
			break;
		case VPR_SEC_TRACE:
			if (read_trace_header(r, off, s.size) != 0)
				return -1;
			break;
		case VPR_SEC_NAMES:
			if (read_names(r, rp, off, s.size) != 0)
				return -1;
			break;
		default:
			return bad(r, off + SOFF(type), "section %" PRIu64 ": unknown type %" PRIu32,
			           count, s.type);
		}
		count++;
		off += s.size;
	}
	if (count != h->n_sections)
		return bad(r, HOFF(n_sections), "the header counts %" PRIu32 " sections,"
		           " the file has %" PRIu64, h->n_sections, count);
	rp->n_sections = (uint32_t)count;
	return 0;
}

/* Shard ascending, live first, generation descending. */
static int table_order(const void *a, const void *b)
{
	const struct table_ref *x = a, *y = b;

	if (x->shard_id != y->shard_id)
		return x->shard_id < y->shard_id ? -1 : 1;
	if (x->live != y->live)
		return x->live > y->live ? -1 : 1;
	if (x->generation != y->generation)
		return x->generation > y->generation ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * Context modes: checks the nodes rp->ctx_nodes[first..] of table t: ids
 * between 1 and the capacity and unique, every parent 0 or the id of a
 * smaller-numbered node of the same table (so the tree has no cycle).
 * Then adds one raw_edge per node. Returns 0 or -1 (reported).
 */
static int check_ctx_nodes(struct reader *r, struct raw_profile *rp,
                           const struct table_ref *t, size_t first)
{
	size_t i;
	unsigned char *seen = xcalloc((size_t)t->capacity + 1, 1);
	int rc = -1;

	for (i = first; i < rp->n_ctx_nodes; i++) {
		const struct raw_ctx_node *c = &rp->ctx_nodes[i];
		if (c->id == 0 || c->id > t->capacity) {
			bad(r, t->offset, "context table of shard %" PRIu64 ": node id %" PRIu64
			    " outside 1..%" PRIu64, t->shard_id, c->id, t->capacity);
			goto out;
		}
		if (seen[c->id]) {
			bad(r, t->offset, "context table of shard %" PRIu64 ": node id %" PRIu64
			    " used twice", t->shard_id, c->id);
			goto out;
		}
		seen[c->id] = 1;
	}
	for (i = first; i < rp->n_ctx_nodes; i++) {
		const struct raw_ctx_node *c = &rp->ctx_nodes[i];
		if (c->parent != 0 && (c->parent >= c->id || !seen[c->parent])) {
			bad(r, t->offset, "context table of shard %" PRIu64 ": node %" PRIu64
			    " has parent %" PRIu64 ", %s", t->shard_id, c->id, c->parent,
			    c->parent >= c->id ? "not an earlier node" : "which is not in the table");
			goto out;
		}
	}
	for (i = first; i < rp->n_ctx_nodes; i++) {
		const struct raw_ctx_node *c = &rp->ctx_nodes[i];
		struct raw_edge *e;

		grow((void **)&rp->edges, &r->cap_edges, rp->n_edges, sizeof *e);
		e = &rp->edges[rp->n_edges++];
		e->site = c->site;
		e->fn = c->fn;
		e->count = c->count;
		e->total_ticks = c->total_ticks;
		e->self_ticks = c->self_ticks;
	}
	rc = 0;
out:
	free(seen);
	return rc;
}

/* Adds one occupied slot (v: its words; a time-mode function record's
 * count and self ticks are scratch, not added) to the reader's sums.
 * Returns 0, or -1 (r->err set) when a sum would pass COUNT_MAX. */
static int add_slot_sums(struct reader *r, const struct table_ref *t, const uint64_t *v,
                         int fn_record, uint64_t off)
{
	static const char *const what[] = {"call counts", "self ticks"};
	uint64_t *sum[2] = {&r->sum_count, &r->sum_self_ticks};
	uint64_t val[2] = {fn_record ? 0 : v[2], fn_record ? 0 : v[4]};
	int k;

	for (k = 0; k < 2; k++)
		if (count_add(sum[k], val[k], 1, COUNT_MAX) != 0)
			return bad(r, off, "count overflow: the %s of the selected tables sum past"
			           " 2^64-1 (%" PRIu64 " + %" PRIu64 ", shard %" PRIu64 ")", what[k],
			           *sum[k], val[k], t->shard_id);
	return 0;
}

/*
 * The first occupied slot of table t (its slots in buf) that is not where
 * vpr_edges_probe() (vitprof_raw.h) finds its key, or t->capacity when
 * there is none; *found is then the slot the probe stops at instead: an
 * empty one before it (the entry is past a gap) or an earlier one with
 * the same key. The runtime, its %m merge and `vitprof merge` place every
 * key with that probe, so a table failing this was written by another
 * probe or is corrupt.
 */
static uint64_t misplaced_slot(const struct table_ref *t, unsigned char *buf, uint64_t *found)
{
	uint64_t i, es = t->entry_size;
	unsigned shift = 64u - (63u - (unsigned)__builtin_clzll(t->capacity));

	if (t->capacity < 2)
		return t->capacity;        /* one slot: the home of every key */
	for (i = 0; i < t->capacity; i++) {
		uint64_t *e = (uint64_t *)(buf + i * es), *f;
		if (e[1] == 0)
			continue;
		/* stops at e at the latest: the key is there */
		f = vpr_edges_probe(buf, t->capacity - 1, shift, es, e[0], e[1]);
		if (f != e) {
			*found = (uint64_t)((unsigned char *)f - buf) / es;
			return i;
		}
	}
	return t->capacity;
}

/*
 * Reads table t's slots into buf and finds the first misplaced entry
 * (misplaced_slot: *bad_slot, *other; t->capacity when there is none). A
 * running program may insert while the table is read, so that a later slot
 * is read filled and an earlier one empty: its table is read again before
 * a misplaced entry stands. Returns 0, or -1 on a read error (reported).
 */
static int read_table(struct reader *r, const struct table_ref *t, unsigned char *buf,
                      uint64_t *bad_slot, uint64_t *other)
{
	int attempt;

	for (attempt = 1;; attempt++) {
		if (read_at(r, t->offset + t->entries_offset, buf,
		            (size_t)(t->capacity * t->entry_size)) != 0)
			return -1;
		*bad_slot = misplaced_slot(t, buf, other);
		if (*bad_slot == t->capacity || attempt == MAX_ATTEMPTS ||
		    r->h.state != VPR_STATE_RUNNING)
			return 0;
	}
}

/* Reports the misplaced entry of slot bad_slot (read_table). Returns -1. */
static int misplaced(struct reader *r, const struct table_ref *t, const unsigned char *buf,
                     uint64_t bad_slot, uint64_t other)
{
	uint64_t es = t->entry_size, at = t->offset + t->entries_offset + bad_slot * es;

	if (((const uint64_t *)(buf + other * es))[1] == 0)
		return bad(r, at, "edge table of shard %" PRIu64 ": the entry in slot %" PRIu64
		           " is not where the table's probe finds its key (the probe stops at"
		           " the empty slot %" PRIu64 ")", t->shard_id, bad_slot, other);
	return bad(r, at, "edge table of shard %" PRIu64 ": the entry in slot %" PRIu64
	           " has the key of slot %" PRIu64 " (a key is in one slot)", t->shard_id,
	           bad_slot, other);
}

/* Reads every occupied slot of table t into rp->edges / rp->functions
 * (context modes: rp->ctx_nodes, then edges made from them); then refuses
 * the table if an entry is not where the table's probe finds its key. */
static int read_table_slots(struct reader *r, struct raw_profile *rp,
                            const struct table_ref *t)
{
	size_t es = t->entry_size;
	unsigned char *buf = xmalloc((size_t)(t->capacity * es));
	uint64_t base = t->offset + t->entries_offset, i, bad_slot, other = 0;
	size_t first_node = rp->n_ctx_nodes, n_trace = 0;
	int ctx = t->entry_size == sizeof(struct vpr_ctx_node);
	int trace = rp->mode == VPR_MODE_TRACE;
	struct vpr_edge_trace *te = NULL;
	uint64_t *te_at = NULL;
	int rc = -1;

	if (trace) {
		te = xcalloc((size_t)t->capacity, sizeof *te);
		te_at = xcalloc((size_t)t->capacity, sizeof *te_at);
	}

	if (read_table(r, t, buf, &bad_slot, &other) != 0)
		goto out;
	for (i = 0; i < t->capacity; i++) {
		uint64_t v[7] = {0, 0, 0, 0, 0, 0, 0};

		memcpy(v, buf + i * es, es);
		if (v[1] == 0)
			continue;          /* empty slot */
		if (add_slot_sums(r, t, v, !ctx && v[0] == VPR_SITE_FUNCTION &&
		                  rp->mode == VPR_MODE_TIME, base + i * es) != 0)
			goto out;
		if (trace) {
			struct raw_edge *e;
			memcpy(&te[n_trace], buf + i * es, sizeof *te);
			te_at[n_trace++] = base + i * es;
			grow((void **)&rp->edges, &r->cap_edges, rp->n_edges, sizeof *e);
			e = &rp->edges[rp->n_edges++];
			memset(e, 0, sizeof *e);
			e->site = v[0];
			e->fn = v[1];
			e->count = v[2];
		} else if (ctx) {
			struct raw_ctx_node *c;
			grow((void **)&rp->ctx_nodes, &r->cap_ctx, rp->n_ctx_nodes, sizeof *c);
			c = &rp->ctx_nodes[rp->n_ctx_nodes++];
			c->shard_id = t->shard_id;
			c->parent = v[0];
			c->fn = v[1];
			c->count = v[2];
			c->total_ticks = v[3];
			c->self_ticks = v[4];
			c->id = v[5];
			c->site = v[6];
		} else if (v[0] == VPR_SITE_FUNCTION && rp->mode == VPR_MODE_TIME) {
			struct raw_function *f;
			grow((void **)&rp->functions, &r->cap_functions, rp->n_functions,
			     sizeof *f);
			f = &rp->functions[rp->n_functions++];
			f->fn = v[1];
			f->total_ticks = v[3];
		} else if (v[0] == VPR_SITE_FUNCTION) {
			bad(r, base + i * es, "function record (site %u) in a %s-mode"
			    " edge table", VPR_SITE_FUNCTION, raw_mode_name(rp->mode));
			goto out;
		} else {
			struct raw_edge *e;
			grow((void **)&rp->edges, &r->cap_edges, rp->n_edges, sizeof *e);
			e = &rp->edges[rp->n_edges++];
			e->site = v[0];
			e->fn = v[1];
			e->count = v[2];
			e->total_ticks = v[3];
			e->self_ticks = v[4];
		}
	}
	if (ctx && check_ctx_nodes(r, rp, t, first_node) != 0)
		goto out;
	if (bad_slot != t->capacity) {
		misplaced(r, t, buf, bad_slot, other);
		goto out;
	}
	if (trace && add_trace_table(r, rp, t, te, te_at, n_trace) != 0)
		goto out;
	rc = 0;
out:
	free(te);
	free(te_at);
	free(buf);
	return rc;
}

/* Time: the sum of self ticks must still fit in 64 bits once converted to
 * ns (raw_ticks_to_ns() saturates; nothing may reach it). Returns 0 or -1. */
static int check_time_sums(struct reader *r, const struct raw_profile *rp)
{
	if (!raw_ticks_fit_ns(rp, r->sum_self_ticks))
		return bad(r, NO_OFFSET, "count overflow: the self ticks of the selected tables,"
		           " %" PRIu64 ", are past 2^64-1 ns with this clock's calibration (%"
		           PRIu64 " ns per %" PRIu64 " ticks)", r->sum_self_ticks, rp->calib_dns,
		           rp->calib_dtick);
	return 0;
}

/*
 * Selects, per shard, the live table of the highest generation, reads it,
 * and sums the losses. Two live tables of one shard and generation are
 * corruption. A selected table that stopped being live while it was read
 * (the program grew it) makes the read fail, so that it is retried.
 */
static int read_edges(struct reader *r, struct raw_profile *rp)
{
	size_t i;

	if (r->n_tables)
		qsort(r->tables, r->n_tables, sizeof *r->tables, table_order);
	rp->n_tables = (uint32_t)r->n_tables;
	for (i = 0; i < r->n_tables; i++) {
		const struct table_ref *t = &r->tables[i];
		uint32_t live;

		if (!t->live || (i > 0 && r->tables[i - 1].shard_id == t->shard_id))
			continue;          /* not live, or not the shard's newest */
		if (i + 1 < r->n_tables && r->tables[i + 1].shard_id == t->shard_id &&
		    r->tables[i + 1].live && r->tables[i + 1].generation == t->generation)
			return bad(r, r->tables[i + 1].offset + EOFF(live), "two live edge tables"
			           " of shard %" PRIu64 " with generation %" PRIu32 " (the other at"
			           " 0x%" PRIx64 ")", t->shard_id, t->generation, t->offset);
		if (read_table_slots(r, rp, t) != 0)
			return -1;
		if (read_at(r, t->offset + EOFF(live), &live, sizeof live) != 0)
			return -1;
		if (live != 1)
			return bad(r, t->offset + EOFF(live), "edge table retired while being read");
		rp->n_shards++;
		if (count_add(&rp->lost_calls, t->lost_calls, 1, COUNT_MAX) != 0 ||
		    count_add(&rp->lost_frames, t->lost_frames, 1, COUNT_MAX) != 0)
			return bad(r, t->offset + EOFF(lost_calls), "count overflow: lost_calls or"
			           " lost_frames of shard %" PRIu64 " and the header sum past 2^64-1",
			           t->shard_id);
	}
	return check_time_sums(r, rp);
}

/* Module ids must be unique; sorts rp->modules by id. */
static int sort_modules(struct reader *r, struct raw_profile *rp)
{
	size_t i, j;

	/* Insertion sort carrying the offsets along (a few hundred at most). */
	for (i = 1; i < rp->n_modules; i++) {
		struct raw_module m = rp->modules[i];
		uint64_t o = r->module_offsets[i];
		for (j = i; j > 0 && rp->modules[j - 1].id > m.id; j--) {
			rp->modules[j] = rp->modules[j - 1];
			r->module_offsets[j] = r->module_offsets[j - 1];
		}
		rp->modules[j] = m;
		r->module_offsets[j] = o;
	}
	for (i = 1; i < rp->n_modules; i++)
		if (rp->modules[i].id == rp->modules[i - 1].id)
			return bad(r, r->module_offsets[i] + MOFF(id), "two module records with"
			           " id %" PRIu32 " (the other at 0x%" PRIx64 ")",
			           rp->modules[i].id, r->module_offsets[i - 1]);
	return 0;
}

/* Decides whether ticks can be turned into nanoseconds, and how
 * (vpr_tick_rate(), the one rule of the format). */
static void set_time(struct raw_profile *rp, const struct vpr_file_header *h)
{
	rp->time_available = 0;
	rp->time_note = NULL;
	if (h->mode != VPR_MODE_TIME && h->mode != VPR_MODE_CONTEXT_TIME &&
	    h->mode != VPR_MODE_TRACE)
		return;
	rp->time_available = vpr_tick_rate(h, &rp->calib_dns, &rp->calib_dtick, &rp->time_note);
}

/* Frees what one parse attempt put in rp, keeping rp->file. */
static void clear_profile(struct raw_profile *rp)
{
	char *file = rp->file;
	size_t i;

	for (i = 0; i < rp->n_modules; i++)
		free(rp->modules[i].path);
	free(rp->modules);
	free(rp->edges);
	free(rp->functions);
	free(rp->ctx_nodes);
	for (i = 0; i < rp->n_gcov; i++)
		free_gcov_object(&rp->gcov[i]);
	free(rp->gcov);
	for (i = 0; i < rp->n_names; i++)
		free(rp->names[i].name);
	free(rp->names);
	for (i = 0; i < rp->n_thread_names; i++)
		free(rp->thread_names[i].name);
	free(rp->thread_names);
	if (rp->trace) {
		struct raw_trace *tr = rp->trace;
		for (i = 0; i < tr->n_tables; i++)
			free(tr->tables[i].ids);
		free(tr->tables);
		free(tr->chunks);
		free(tr->streams);
		if (tr->fd >= 0)
			close(tr->fd);
		free(tr);
	}
	memset(rp, 0, sizeof *rp);
	rp->file = file;
}

/* One complete read of the file into rp. Returns 0 or -1 (r->err set). */
static int parse(struct reader *r, struct raw_profile *rp)
{
	const struct vpr_file_header *h = &r->h;

	if (check_header(r) != 0)
		return -1;
	rp->state = h->state;
	rp->mode = h->mode;
	rp->flags = h->flags;
	rp->clock = h->clock;
	rp->pid = h->pid;
	rp->ppid = h->ppid;
	rp->start_realtime_ns = h->start_realtime_ns;
	rp->end_realtime_ns = h->end_realtime_ns;
	rp->n_threads = h->n_threads;
	rp->lost_calls = h->lost_calls;
	rp->lost_sections = h->lost_sections;
	rp->lost_values = h->lost_values;
	memcpy(rp->host, h->host, sizeof rp->host);
	memcpy(rp->exe_path, h->exe_path, sizeof rp->exe_path);
	set_time(rp, h);
	if (h->mode == VPR_MODE_TRACE) {
		rp->trace = xcalloc(1, sizeof *rp->trace);
		rp->trace->fd = -1;
		rp->trace->session = h->session;
		rp->trace->lost_events = h->lost_events;
		rp->trace->anchor_realtime_ns = h->anchor_realtime_ns;
		rp->trace->calib_tick0 = h->calib_tick0;
		rp->trace->calib_ns0 = h->calib_ns0;
		rp->trace->mem = r->mem;
		rp->trace->size = r->size;
	}
	if (walk_sections(r, rp) != 0 || sort_modules(r, rp) != 0 || sort_names(r, rp) != 0 ||
	    read_edges(r, rp) != 0 || read_gcov(r, rp) != 0)
		return -1;
	if (rp->trace && index_trace(r, rp) != 0)
		return -1;
	return 0;
}

static void reader_reset(struct reader *r)
{
	free(r->tables);
	free(r->module_offsets);
	free(r->arcs);
	free(r->gcov);
	free(r->value_chunks);
	free(r->chunks);
	free(r->name_offsets);
	r->chunks = NULL;
	r->name_offsets = NULL;
	r->n_chunks = r->cap_chunks = r->cap_names = r->cap_threads = 0;
	r->cap_tables_trace = r->cap_name_offsets = 0;
	r->value_chunks = NULL;
	r->n_value_chunks = 0;
	r->chunk_entries = 0;
	r->tables = NULL;
	r->module_offsets = NULL;
	r->arcs = NULL;
	r->gcov = NULL;
	r->n_tables = r->cap_tables = 0;
	r->n_arcs = r->cap_arcs = r->n_gcov_refs = r->cap_gcov_refs = r->cap_gcov = 0;
	r->cap_offsets = r->cap_modules = r->cap_edges = r->cap_functions = r->cap_ctx = 0;
	r->sum_count = r->sum_self_ticks = 0;
	r->err[0] = '\0';
}

static int init_out(struct raw_profile *out, const char *name)
{
	memset(out, 0, sizeof *out);
	out->file = xstrdup(name);
	return 0;
}

int raw_profile_read_mem(const void *data, size_t size, const char *name,
                         struct raw_profile *out)
{
	struct reader r;
	int rc;

	if (init_out(out, name) != 0)
		return -1;
	memset(&r, 0, sizeof r);
	r.name = name;
	r.fd = -1;
	r.mem = data;
	r.size = size;
	rc = parse(&r, out);
	if (rc != 0) {
		clear_profile(out);
		tool_error(name, "%s", r.err);
	}
	reader_reset(&r);
	return rc;
}

int raw_profile_read(const char *path, struct raw_profile *out)
{
	struct reader r;
	struct stat st;
	int rc = -1, attempt;

	if (init_out(out, path) != 0)
		return -1;
	memset(&r, 0, sizeof r);
	r.name = path;
	r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0) {
		tool_error(path, "cannot open: %s", strerror(errno));
		return -1;
	}
	for (attempt = 1;; attempt++) {
		struct vpr_file_header again;

		if (fstat(r.fd, &st) != 0) {
			bad(&r, NO_OFFSET, "cannot stat: %s", strerror(errno));
			break;
		}
		if (!S_ISREG(st.st_mode)) {
			bad(&r, NO_OFFSET, "not a regular file");
			break;
		}
		r.size = (uint64_t)st.st_size;
		rc = parse(&r, out);
		if (rc == 0 || attempt == MAX_ATTEMPTS || r.h.state != VPR_STATE_RUNNING)
			break;
		/* A running program may have changed the file under us: read it
		 * again if its header moved on, else the error stands. */
		if (pread(r.fd, &again, sizeof again, 0) != (ssize_t)sizeof again ||
		    memcmp(&again, &r.h, sizeof again) == 0)
			break;
		clear_profile(out);
		reader_reset(&r);
	}
	if (rc != 0) {
		clear_profile(out);
		tool_error(path, "%s", r.err);
	}
	reader_reset(&r);
	if (rc == 0 && out->trace)
		out->trace->fd = r.fd;      /* the events are read from it later */
	else
		close(r.fd);
	return rc;
}

void raw_profile_free(struct raw_profile *rp)
{
	if (!rp)
		return;
	clear_profile(rp);
	free(rp->file);
	rp->file = NULL;
}

int raw_ticks_fit_ns(const struct raw_profile *rp, uint64_t ticks)
{
	if (rp->trace && rp->trace->aggregated)
		return 1;           /* ns already */
	if (!rp->time_available || rp->calib_dtick == 0)
		return 1;
	return (unsigned __int128)ticks * rp->calib_dns / rp->calib_dtick <= UINT64_MAX;
}

uint64_t raw_ticks_to_ns(const struct raw_profile *rp, uint64_t ticks)
{
	unsigned __int128 ns;

	if (!rp->time_available || rp->calib_dtick == 0)
		return 0;
	if (rp->trace && rp->trace->aggregated)
		return ticks;       /* trace_aggregate() summed ns */
	ns = (unsigned __int128)ticks * rp->calib_dns / rp->calib_dtick;
	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

const char *raw_mode_name(uint32_t mode)
{
	switch (mode) {
	case VPR_MODE_TIME: return "time";
	case VPR_MODE_CONTEXT: return "context";
	case VPR_MODE_CONTEXT_TIME: return "context,time";
	case VPR_MODE_TRACE: return "trace";
	default: return "count";
	}
}

const char *raw_state_name(uint32_t state)
{
	return state == VPR_STATE_EXITED ? "exited" : "running";
}

const char *raw_profile_name(const struct raw_profile *rp, uint64_t id)
{
	size_t lo = 0, hi = rp->n_names;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rp->names[mid].id < id)
			lo = mid + 1;
		else if (rp->names[mid].id > id)
			hi = mid;
		else
			return rp->names[mid].name;
	}
	return NULL;
}

const char *raw_profile_fn_name(const struct raw_profile *rp, uint64_t fn)
{
	if (!VPR_IS_NAME_FN(fn))
		return NULL;
	return raw_profile_name(rp, fn & ~VPR_NAME_FN_BASE);
}

const char *raw_profile_thread_name(const struct raw_profile *rp, uint64_t tid)
{
	size_t lo = 0, hi = rp->n_thread_names;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rp->thread_names[mid].tid < tid)
			lo = mid + 1;
		else if (rp->thread_names[mid].tid > tid)
			hi = mid;
		else
			return rp->thread_names[mid].name;
	}
	return NULL;
}

uint64_t raw_trace_tick_ns(const struct raw_profile *rp, uint64_t tick, int *ok)
{
	const struct raw_trace *tr = rp->trace;
	unsigned __int128 d;

	*ok = 1;
	if (rp->clock == VPR_CLOCK_MONOTONIC || !rp->time_available || !tr)
		return tick;
	if (tick >= tr->calib_tick0) {
		d = (unsigned __int128)(tick - tr->calib_tick0) * rp->calib_dns / rp->calib_dtick;
		d += tr->calib_ns0;
		if (d > UINT64_MAX) {
			*ok = 0;
			return 0;
		}
		return (uint64_t)d;
	}
	d = (unsigned __int128)(tr->calib_tick0 - tick) * rp->calib_dns / rp->calib_dtick;
	return d > tr->calib_ns0 ? 0 : tr->calib_ns0 - (uint64_t)d;
}

int raw_profile_is_raw(const char *path)
{
	char magic[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int raw;

	if (fd < 0)
		return 0;
	raw = pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic &&
	      memcmp(magic, VPR_MAGIC, sizeof magic) == 0;
	close(fd);
	return raw;
}
