/* SPDX-License-Identifier: MIT */
/*
 * vpr_merge.c - the one merge of raw profiles: parse, check, add, and
 * write the canonical image (vpr_merge.h says what and why).
 *
 * Compiled into the runtime (rt_merge.c, at exit, outside every hook) and
 * into the tool (cmd_merge.c). Memory comes from the caller's allocator
 * only; libc is used for memcpy, memset, memcmp, strlen and strcmp.
 *
 * Output layout (docs/raw-format.md, "Merged raw profiles"): page size
 * 4096; the header page; one modules section (the executable, then by path
 * and build-id; PIE objects laid out one after the other from CANON_BASE);
 * one edge table (shard 1, generation 0, live) whose slots are placed by
 * vpr_edges_probe() in a fixed order (edges by callee then site, then
 * function records by callee; context nodes numbered level by level);
 * one value-arena chunk when a topn list exists; one COPY arcs section
 * per gcov object (by .gcda path); one gcov objects section.
 */
#include <string.h>

#include "vitprof_raw.h"
#include "vitprof_values.h"
#include "vpr_merge.h"

#define PAGE 4096u
#define CANON_BASE 0x7e0000000000ull
#define CANON_GAP (1ull << 21)
#define ARENA_ENTRIES_OFFSET 128u   /* vpr_values.entries_offset written */
#define TOPN_LIST_MAX 1024u         /* entries followed in one input list */
#define KINDS 8u                    /* value kinds merged: 1..7 (GCC 12) */
#define COUNT_MAX UINT64_MAX
#define GCOV_MAX ((uint64_t)INT64_MAX)

/* ---- one input, validated -------------------------------------------------- */

struct in_mod {
	uint32_t id;
	uint8_t bid_len;
	const uint8_t *bid;
	const char *path;
	uint64_t bias, lo, hi;
	uint32_t out;                /* its merged object */
};

struct view {
	const unsigned char *p;
	struct vpr_file_header h;
	struct in_mod *mods;         /* by id */
	size_t n_mods;
	const struct vpr_edges **tabs;       /* live table of each shard */
	size_t n_tabs;
	const struct vpr_arcs **arcs;
	size_t n_arcs;
	const struct vpr_gcov_object **recs;
	size_t n_recs;
	const struct vpr_values **chunks;    /* by chunk number */
	size_t n_chunks;
	uint64_t chunk_entries;
	int timed;                   /* time converts to ns */
	uint64_t num, den;           /* ns = ticks * num / den */
};

/* ---- the merged profile ---------------------------------------------------- */

struct mobj {                    /* one object: (path, build-id) */
	const char *path;
	uint8_t bid_len;
	uint8_t bid[VPR_BUILD_ID_MAX];
	uint64_t elf_lo, elf_hi;
	int pie, is_exe;
	uint64_t bias;               /* canonical */
	const char *first;           /* input it came from first */
};

/* Hash table slots, open addressing in allocator memory. */
struct medge {                   /* key: (site obj+1, site, fn obj+1, fn) */
	uint64_t sobj, site, fobj, fn;
	uint64_t count, total, self;
};

struct mnode {                   /* key: (parent node+1, fn obj+1, fn) */
	uint64_t parent, fobj, fn;
	uint64_t count, total, self;
	uint64_t sobj, site;         /* the smallest call site seen */
	uint64_t depth, out_id;
};

struct mkind {                   /* one (function, value kind), .gcda form */
	int64_t *v;
	uint64_t words;
};

struct mgcov {
	const char *path;
	const char *first;
	struct vpr_gcov_object rec;  /* identity (record_size, arcs_id unused) */
	struct vpr_gcov_function *fns;
	struct vpr_gcov_counters *kc;    /* n_functions x n_other, the first's */
	unsigned n_other;                /* value kinds the record lists */
	uint64_t *arcs;                  /* packed in function order */
	uint64_t n_arcs;
	struct mkind *kinds;             /* n_functions x n_other */
	uint64_t object;
	int known, has_kinds;
};

struct vpm {
	struct vpm_alloc a;
	int err;                         /* set: spent, every later call fails */
	int last;                        /* the last failure's kind */
	char why[640];
	size_t whylen;
	int n_inputs, context, first_mode, all_timed;
	const char *first;
	/* header summary */
	uint32_t state, flags;
	int64_t pid, ppid;
	uint64_t start_ns, end_ns;
	char host[VPR_HOST_MAX];
	char exe[VPR_PATH_MAX];
	uint64_t n_threads, lost_calls, lost_frames, lost_sections, lost_values, runs;
	uint64_t sum_count, sum_self;
	/* contents */
	struct mobj *objs;
	size_t n_objs, cap_objs;
	struct medge *edges;
	uint64_t n_edges, cap_edges;     /* cap: power of two */
	struct mnode *nodes;             /* dense, by index */
	uint64_t n_nodes, cap_nodes;
	uint64_t *node_slots;            /* hash: index+1 */
	uint64_t cap_node_slots;
	struct mgcov *gcov;
	size_t n_gcov, cap_gcov;
	uint64_t unknown;
	const char *unknown_path;
	/* output, set by vpm_size() */
	uint32_t *obj_order;             /* output position -> object */
	struct medge **out_edges;        /* sorted */
	uint64_t n_out_edges, n_out_fns;
	struct mnode **out_nodes;        /* numbered order */
	uint32_t *gcov_order;
	uint64_t n_entries, size;
	uint32_t out_mode;
	int sized;
};

/* ---- memory and messages ------------------------------------------------- */

static void *zalloc(struct vpm *m, size_t n)
{
	void *p = m->a.alloc(m->a.ctx, n ? n : 1);

	if (!p) {
		if (!m->err) {
			m->err = VPM_NO_MEMORY;
			m->why[0] = '\0';
			m->whylen = 0;
		}
		return NULL;
	}
	memset(p, 0, n ? n : 1);
	return p;
}

/* Makes room for element n of *arr (elem bytes each). 0 or -1. */
static int grow(struct vpm *m, void **arr, size_t n, size_t *cap, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = zalloc(m, ncap * elem);
	if (!p)
		return -1;
	if (*arr)
		memcpy(p, *arr, n * elem);
	*arr = p;
	*cap = ncap;
	return 0;
}

static const char *dup_str(struct vpm *m, const char *s)
{
	size_t n = strlen(s);
	char *d = zalloc(m, n + 1);

	if (d)
		memcpy(d, s, n + 1);
	return d;
}

static void why_s(struct vpm *m, const char *s)
{
	while (s && *s && m->whylen + 1 < sizeof m->why)
		m->why[m->whylen++] = *s++;
	m->why[m->whylen] = '\0';
}

static void why_u(struct vpm *m, uint64_t v)
{
	char d[24];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < 23);
	while (n && m->whylen + 1 < sizeof m->why)
		m->why[m->whylen++] = d[--n];
	m->why[m->whylen] = '\0';
}

static void why_x(struct vpm *m, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	int i = 60;

	why_s(m, "0x");
	while (i > 0 && !((v >> i) & 0xf))
		i -= 4;
	for (; i >= 0; i -= 4) {
		char c[2] = {hex[(v >> i) & 0xf], 0};
		why_s(m, c);
	}
}

static void why_bid(struct vpm *m, const uint8_t *b, unsigned n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned i;

	if (!n)
		why_s(m, "none");
	for (i = 0; i < n; i++) {
		char c[3] = {hex[b[i] >> 4], hex[b[i] & 0xf], 0};
		why_s(m, c);
	}
}

/* Starts the reason of a failure of kind err; returns -1. */
static int fail(struct vpm *m, int err, const char *s)
{
	if (m->err && m->whylen)
		return -1;           /* the first reason stays */
	m->last = err;
	m->err = err;
	m->whylen = 0;
	m->why[0] = '\0';
	why_s(m, s);
	return -1;
}

/* A count overflow is described as "count overflow: WHAT: ACC + V x W is
 * past LIMIT": over() starts it, the caller writes WHAT (why_s, why_u),
 * over_end() the rest. */
static int over(struct vpm *m)
{
	return fail(m, VPM_OVERFLOW, "count overflow: ");
}

static void over_end(struct vpm *m, uint64_t acc, uint64_t v, uint64_t w, uint64_t max)
{
	why_s(m, ": ");
	why_u(m, acc);
	why_s(m, " + ");
	why_u(m, v);
	why_s(m, " x ");
	why_u(m, w);
	why_s(m, max == UINT64_MAX ? " is past 2^64-1" : " is past 2^63-1");
}

static int add_ok(uint64_t *acc, uint64_t v, uint64_t w, uint64_t max)
{
	uint64_t p, s;

	if (__builtin_mul_overflow(v, w, &p) || __builtin_add_overflow(*acc, p, &s) || s > max)
		return 0;
	*acc = s;
	return 1;
}

/* ---- sorting (no qsort: it may allocate) ---------------------------------- */

typedef int (*cmp_fn)(const void *ctx, const void *a, const void *b);

/* Merge sort of n pointers with tmp scratch of n pointers: stable. */
static void sort_ptrs(void **v, void **tmp, size_t n, cmp_fn cmp, const void *ctx)
{
	size_t width, i;

	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t lo = i, mid = i + width < n ? i + width : n,
			       hi = i + 2 * width < n ? i + 2 * width : n, a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				tmp[k++] = cmp(ctx, v[b], v[a]) < 0 ? v[b++] : v[a++];
			while (a < mid)
				tmp[k++] = v[a++];
			while (b < hi)
				tmp[k++] = v[b++];
		}
		memcpy(v, tmp, n * sizeof *v);
	}
}

/* ---- parsing an input ------------------------------------------------------ */

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int is_context(uint32_t mode)
{
	return mode == VPR_MODE_CONTEXT || mode == VPR_MODE_CONTEXT_TIME;
}

static int bad(struct vpm *m, const char *what)
{
	fail(m, VPM_BAD_INPUT, "not a valid raw profile: ");
	why_s(m, what);
	return -1;
}

static int check_header(struct vpm *m, const struct vpr_file_header *h, uint64_t size)
{
	uint64_t ps = h->page_size;

	if (memcmp(h->magic, VPR_MAGIC, sizeof h->magic) != 0 || h->version != VPR_VERSION ||
	    h->byte_order != VPR_BYTE_ORDER || h->header_size != sizeof *h)
		return bad(m, "magic, version, byte order or header size");
	if (ps < 4096 || ps > (1u << 30) || !is_pow2(ps) || h->first_section < ps ||
	    h->first_section % ps || h->end < h->first_section || h->end % ps || h->end > size)
		return bad(m, "page size or section bounds");
	if (h->mode == VPR_MODE_TRACE) {
		/* A timeline is one run's: there is no sum of two. */
		fail(m, VPM_MISMATCH, "a trace-mode profile cannot be merged (its events are"
		     " one run's timeline)");
		return -1;
	}
	if (h->mode < VPR_MODE_COUNT || h->mode > VPR_MODE_CONTEXT_TIME ||
	    (h->clock != VPR_CLOCK_TSC && h->clock != VPR_CLOCK_MONOTONIC) ||
	    !memchr(h->host, '\0', sizeof h->host) || !memchr(h->exe_path, '\0', sizeof h->exe_path))
		return bad(m, "mode, clock, host or executable path");
	return 0;
}

static int parse_modules(struct vpm *m, struct view *v, uint64_t off, uint64_t size,
                         size_t *cap)
{
	const struct vpr_modules *ms = (const void *)(v->p + off);
	uint64_t at = 0;
	uint32_t i;

	if (ms->used > size - sizeof *ms || ms->used % 8)
		return bad(m, "modules section");
	for (i = 0; i < ms->n_records; i++) {
		const struct vpr_module_record *r = (const void *)(v->p + off + sizeof *ms + at);
		struct in_mod *im;

		if (ms->used - at < sizeof *r || r->record_size < sizeof *r + 1 ||
		    r->record_size % 8 || r->record_size > ms->used - at || r->path_len == 0 ||
		    (uint64_t)r->path_len + 1 > r->record_size - sizeof *r ||
		    r->path[r->path_len] != '\0' || memchr(r->path, '\0', r->path_len) ||
		    r->build_id_len > VPR_BUILD_ID_MAX || r->lo >= r->hi || r->load_bias > r->lo)
			return bad(m, "module record");
		if (grow(m, (void **)&v->mods, v->n_mods, cap, sizeof *v->mods))
			return -1;
		im = &v->mods[v->n_mods++];
		im->id = r->id;
		im->bid_len = r->build_id_len;
		im->bid = r->build_id;
		im->path = r->path;
		im->bias = r->load_bias;
		im->lo = r->lo;
		im->hi = r->hi;
		at += r->record_size;
	}
	return 0;
}

static uint32_t entry_size(uint32_t mode)
{
	return is_context(mode) ? sizeof(struct vpr_ctx_node)
	       : mode == VPR_MODE_TIME ? sizeof(struct vpr_edge_time)
	                              : sizeof(struct vpr_edge_count);
}

static int parse_table(struct vpm *m, struct view *v, uint64_t off, uint64_t size,
                       size_t *cap)
{
	const struct vpr_edges *t = (const void *)(v->p + off);

	if (t->entry_size != entry_size(v->h.mode) || t->shard_id == 0 || t->live > 1 ||
	    !is_pow2(t->capacity) || t->entries_offset < sizeof *t || t->entries_offset % 8 ||
	    t->entries_offset > size ||
	    t->capacity > (size - t->entries_offset) / t->entry_size)
		return bad(m, "edge table");
	if (grow(m, (void **)&v->tabs, v->n_tabs, cap, sizeof *v->tabs))
		return -1;
	v->tabs[v->n_tabs++] = t;
	return 0;
}

static int parse_arcs(struct vpm *m, struct view *v, uint64_t off, uint64_t size,
                      size_t *cap)
{
	const struct vpr_arcs *s = (const void *)(v->p + off);
	size_t i;

	if (s->arcs_id == 0)
		return bad(m, "arcs section id");
	if (s->mode == 0 && s->data_size == 0)
		return 0;            /* reserved, never filled */
	if ((s->mode != VPR_ARCS_IN_PLACE && s->mode != VPR_ARCS_COPY) ||
	    s->data_offset < sizeof *s || s->data_offset % 8 || s->data_offset > size ||
	    s->data_size % 8 || s->data_size > size - s->data_offset)
		return bad(m, "arcs section");
	for (i = 0; i < v->n_arcs; i++)
		if (v->arcs[i]->arcs_id == s->arcs_id)
			return bad(m, "two arcs sections with one id");
	if (grow(m, (void **)&v->arcs, v->n_arcs, cap, sizeof *v->arcs))
		return -1;
	v->arcs[v->n_arcs++] = s;
	return 0;
}

static int parse_values(struct vpm *m, struct view *v, uint64_t off, uint64_t size,
                        size_t *cap)
{
	const struct vpr_values *c = (const void *)(v->p + off);

	if (c->chunk_entries == 0 || c->entries_offset < sizeof *c || c->entries_offset % 8 ||
	    c->entries_offset > size ||
	    (size - c->entries_offset) / sizeof(struct vpr_value_entry) < c->chunk_entries ||
	    c->chunk >= (1u << 20) || (v->chunk_entries && v->chunk_entries != c->chunk_entries))
		return bad(m, "value arena chunk");
	v->chunk_entries = c->chunk_entries;
	while (v->n_chunks <= c->chunk) {
		if (grow(m, (void **)&v->chunks, v->n_chunks, cap, sizeof *v->chunks))
			return -1;
		v->chunks[v->n_chunks++] = NULL;
	}
	if (v->chunks[c->chunk])
		return bad(m, "two value arena chunks with one number");
	v->chunks[c->chunk] = c;
	return 0;
}

static unsigned rec_other(const struct vpr_gcov_object *r)
{
	return (r->flags & VPR_GCOV_HAS_KINDS)
	       ? (unsigned)__builtin_popcount(r->counter_mask & ~1u) : 0;
}

static const struct vpr_gcov_counters *rec_kinds(const struct vpr_gcov_object *r)
{
	return (const void *)((const struct vpr_gcov_function *)(r + 1) + r->n_functions);
}

static const char *rec_name(const struct vpr_gcov_object *r)
{
	return (const char *)(rec_kinds(r) + (uint64_t)r->n_functions * rec_other(r));
}

static int parse_gcov(struct vpm *m, struct view *v, uint64_t off, uint64_t size, size_t *cap)
{
	const struct vpr_modules *ms = (const void *)(v->p + off);
	uint64_t at = 0;
	uint32_t i;

	if (ms->used > size - sizeof *ms || ms->used % 8)
		return bad(m, "gcov objects section");
	for (i = 0; i < ms->n_records; i++) {
		const struct vpr_gcov_object *r = (const void *)(v->p + off + sizeof *ms + at);
		const char *name;

		if (ms->used - at < sizeof *r || r->record_size < sizeof *r + 8 ||
		    r->record_size % 8 || r->record_size > ms->used - at ||
		    (r->flags & ~VPR_GCOV_HAS_KINDS) ||
		    (uint64_t)r->n_functions * (sizeof(struct vpr_gcov_function) +
		                                rec_other(r) * sizeof(struct vpr_gcov_counters)) +
		    sizeof *r + r->filename_len + 1 > r->record_size)
			return bad(m, "gcov object record");
		name = rec_name(r);
		if (r->filename_len == 0 || name[r->filename_len] != '\0' ||
		    memchr(name, '\0', r->filename_len))
			return bad(m, "gcov object record's path");
		if (grow(m, (void **)&v->recs, v->n_recs, cap, sizeof *v->recs))
			return -1;
		v->recs[v->n_recs++] = r;
		at += r->record_size;
	}
	return 0;
}

static const struct vpr_arcs *arcs_by_id(const struct view *v, uint32_t id)
{
	size_t i;

	for (i = 0; i < v->n_arcs; i++)
		if (v->arcs[i]->arcs_id == id)
			return v->arcs[i];
	return NULL;
}

static int dropped_fn(const struct vpr_gcov_function *f)
{
	return f->arcs_offset == UINT64_MAX && f->n_arcs == 0 && f->ident == 0 &&
	       f->lineno_checksum == 0 && f->cfg_checksum == 0;
}

static int check_gcov_refs(struct vpm *m, const struct view *v)
{
	size_t i;
	uint32_t k;

	for (i = 0; i < v->n_recs; i++) {
		const struct vpr_gcov_object *r = v->recs[i];
		const struct vpr_gcov_function *f = (const void *)(r + 1);
		const struct vpr_arcs *s = arcs_by_id(v, r->arcs_id);
		unsigned n_other = rec_other(r), c;

		if (!s)
			return bad(m, "a gcov object names no arcs section");
		for (k = 0; k < r->n_functions; k++) {
			const struct vpr_gcov_counters *kc = rec_kinds(r) + (uint64_t)k * n_other;
			if (dropped_fn(&f[k]))
				continue;
			if (f[k].arcs_offset % 8 || f[k].arcs_offset > s->data_size ||
			    (uint64_t)f[k].n_arcs * 8 > s->data_size - f[k].arcs_offset)
				return bad(m, "gcov function outside its arcs section");
			for (c = 0; c < n_other; c++)
				if (kc[c].offset % 8 || kc[c].offset > s->data_size ||
				    (uint64_t)kc[c].num * 8 > s->data_size - kc[c].offset)
					return bad(m, "value counters outside their arcs section");
		}
	}
	return 0;
}

/* Keeps, per shard, only the live table of the highest generation. */
static int select_tables(struct vpm *m, struct view *v)
{
	size_t i, j, n = 0;

	for (i = 0; i < v->n_tabs; i++) {
		const struct vpr_edges *t = v->tabs[i];
		int keep = t->live == 1;
		for (j = 0; keep && j < v->n_tabs; j++) {
			const struct vpr_edges *o = v->tabs[j];
			if (j == i || o->shard_id != t->shard_id || o->live != 1)
				continue;
			if (o->generation == t->generation)
				return bad(m, "two live tables of one shard and generation");
			if (o->generation > t->generation)
				keep = 0;
		}
		if (keep)
			v->tabs[n++] = t;
	}
	v->n_tabs = n;
	return 0;
}

/* How ticks of v become nanoseconds (vpr_tick_rate(), as the tool's
 * reader decides): v->timed, num, den. */
static void set_time(struct view *v)
{
	const char *why;

	v->timed = (v->h.mode == VPR_MODE_TIME || v->h.mode == VPR_MODE_CONTEXT_TIME) &&
	           vpr_tick_rate(&v->h, &v->num, &v->den, &why);
}

static uint64_t to_ns(const struct view *v, uint64_t ticks)
{
	unsigned __int128 ns = (unsigned __int128)ticks * v->num / v->den;

	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

static int view_parse(struct vpm *m, struct view *v, const unsigned char *p, uint64_t size)
{
	size_t cap_mods = 0, cap_tabs = 0, cap_arcs = 0, cap_recs = 0, cap_chunks = 0, i, j;
	uint64_t off, count = 0;

	memset(v, 0, sizeof *v);
	v->p = p;
	if (size < sizeof v->h)
		return bad(m, "shorter than its header");
	memcpy(&v->h, p, sizeof v->h);
	if (check_header(m, &v->h, size) != 0)
		return -1;
	for (off = v->h.first_section; off < v->h.end; count++) {
		const struct vpr_section *s = (const void *)(p + off);
		int rc;

		if (v->h.end - off < v->h.page_size || s->magic != VPR_SECTION_MAGIC ||
		    s->offset != off || s->size < v->h.page_size || s->size % v->h.page_size ||
		    s->size > v->h.end - off)
			return bad(m, "section header");
		switch (s->type) {
		case VPR_SEC_MODULES: rc = parse_modules(m, v, off, s->size, &cap_mods); break;
		case VPR_SEC_EDGES:   rc = parse_table(m, v, off, s->size, &cap_tabs); break;
		case VPR_SEC_ARCS:    rc = parse_arcs(m, v, off, s->size, &cap_arcs); break;
		case VPR_SEC_GCOV:    rc = parse_gcov(m, v, off, s->size, &cap_recs); break;
		case VPR_SEC_VALUES:  rc = parse_values(m, v, off, s->size, &cap_chunks); break;
		default:              rc = bad(m, "unknown section type");
		}
		if (rc != 0)
			return -1;
		off += s->size;
	}
	if (count != v->h.n_sections)
		return bad(m, "section count");
	if (select_tables(m, v) != 0 || check_gcov_refs(m, v) != 0)
		return -1;
	for (i = 1; i < v->n_mods; i++) {      /* by id; ids unique */
		struct in_mod x = v->mods[i];
		for (j = i; j > 0 && v->mods[j - 1].id > x.id; j--)
			v->mods[j] = v->mods[j - 1];
		v->mods[j] = x;
	}
	for (i = 1; i < v->n_mods; i++)
		if (v->mods[i].id == v->mods[i - 1].id)
			return bad(m, "two modules with one id");
	set_time(v);
	return 0;
}

/* ---- objects ---------------------------------------------------------------- */

static int obj_is(const struct mobj *o, const char *path, const uint8_t *bid, unsigned len)
{
	return o->bid_len == len && memcmp(o->bid, bid, len) == 0 && strcmp(o->path, path) == 0;
}

static long obj_find(const struct vpm *m, const char *path, const uint8_t *bid, unsigned len)
{
	size_t i;

	for (i = 0; i < m->n_objs; i++)
		if (obj_is(&m->objs[i], path, bid, len))
			return (long)i;
	return -1;
}

/* Output order of objects: the executable, then by path, then build-id. */
static int obj_order(const struct mobj *x, const struct mobj *y)
{
	unsigned n;
	int c;

	if (x->is_exe != y->is_exe)
		return x->is_exe ? -1 : 1;
	c = strcmp(x->path, y->path);
	if (c)
		return c;
	n = x->bid_len < y->bid_len ? x->bid_len : y->bid_len;
	c = memcmp(x->bid, y->bid, n);
	if (c)
		return c;
	return x->bid_len < y->bid_len ? -1 : x->bid_len > y->bid_len;
}

/* Refuses v when its executable or a module path has another build. */
static int check_modules(struct vpm *m, const struct view *v)
{
	size_t i, k;

	if (!v->n_mods || v->mods[0].id != 0)
		return fail(m, VPM_MISMATCH, "no executable (module 0) recorded: nothing to merge"
		            " it by");
	for (k = 0; k < m->n_objs && m->n_inputs; k++) {
		const struct mobj *o = &m->objs[k];
		const struct in_mod *x = &v->mods[0];
		if (!o->is_exe)
			continue;
		if (strcmp(o->path, x->path) != 0 || obj_find(m, x->path, x->bid, x->bid_len) < 0) {
			fail(m, VPM_MISMATCH, "another program: executable ");
			why_s(m, x->path);
			why_s(m, " (build-id ");
			why_bid(m, x->bid, x->bid_len);
			why_s(m, "), not ");
			why_s(m, o->path);
			why_s(m, " (build-id ");
			why_bid(m, o->bid, o->bid_len);
			why_s(m, ") as in ");
			why_s(m, m->first);
			return -1;
		}
	}
	for (i = 0; i < v->n_mods; i++) {
		const struct in_mod *x = &v->mods[i];
		if (obj_find(m, x->path, x->bid, x->bid_len) >= 0)
			continue;
		for (k = 0; k < m->n_objs; k++) {
			const struct mobj *o = &m->objs[k];
			if (strcmp(o->path, x->path) != 0)
				continue;
			fail(m, VPM_MISMATCH, "module ");
			why_s(m, x->path);
			why_s(m, " has build-id ");
			why_bid(m, x->bid, x->bid_len);
			why_s(m, ", not ");
			why_bid(m, o->bid, o->bid_len);
			why_s(m, " as in ");
			why_s(m, o->first);
			return -1;
		}
	}
	return 0;
}

static int add_objects(struct vpm *m, struct view *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->n_mods; i++) {
		struct in_mod *x = &v->mods[i];
		long k = obj_find(m, x->path, x->bid, x->bid_len);
		struct mobj *o;

		if (k < 0) {
			if (grow(m, (void **)&m->objs, m->n_objs, &m->cap_objs, sizeof *m->objs))
				return -1;
			o = &m->objs[m->n_objs];
			o->path = dup_str(m, x->path);
			if (!o->path)
				return -1;
			o->bid_len = x->bid_len;
			memcpy(o->bid, x->bid, x->bid_len);
			o->elf_lo = x->lo - x->bias;
			o->elf_hi = x->hi - x->bias;
			o->is_exe = x->id == 0;
			o->first = name;
			k = (long)m->n_objs++;
		}
		m->objs[k].pie |= x->bias != 0;
		x->out = (uint32_t)k;
	}
	return 0;
}

/* An address of v as (object + 1, ELF address); (0, addr) when it is in no
 * module (or the function-record site). The highest id wins an overlap. */
static void locate(const struct view *v, uint64_t addr, uint64_t *obj, uint64_t *vaddr,
                   long *cache)
{
	size_t i;
	long best = -1;

	*obj = 0;
	*vaddr = addr;
	if (addr == VPR_SITE_FUNCTION)
		return;
	if (*cache >= 0 && addr >= v->mods[*cache].lo && addr < v->mods[*cache].hi) {
		best = *cache;
		for (i = (size_t)*cache + 1; i < v->n_mods; i++)
			if (addr >= v->mods[i].lo && addr < v->mods[i].hi)
				best = (long)i;
	} else {
		for (i = 0; i < v->n_mods; i++)
			if (addr >= v->mods[i].lo && addr < v->mods[i].hi)
				best = (long)i;
	}
	*cache = best;
	if (best >= 0) {
		*obj = (uint64_t)v->mods[best].out + 1;
		*vaddr = addr - v->mods[best].bias;
	}
}

/* ---- edges and function records -------------------------------------------- */

static uint64_t mix(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	uint64_t h = a * 0x9E3779B97F4A7C15ull;

	h = (h ^ b) * 0xff51afd7ed558ccdull;
	h = (h ^ c) * 0xc4ceb9fe1a85ec53ull;
	h = (h ^ d) * 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 29);
}

static struct medge *edge_get(struct vpm *m, uint64_t sobj, uint64_t site, uint64_t fobj,
                              uint64_t fn)
{
	uint64_t i;
	struct medge *e;

	if (2 * (m->n_edges + 1) > m->cap_edges) {
		uint64_t ncap = m->cap_edges ? 2 * m->cap_edges : 1024, k;
		struct medge *t = zalloc(m, ncap * sizeof *t);
		if (!t)
			return NULL;
		for (k = 0; k < m->cap_edges; k++) {
			const struct medge *o = &m->edges[k];
			if (!o->fobj && !o->fn && !o->site && !o->sobj)
				continue;
			for (i = mix(o->sobj, o->site, o->fobj, o->fn) & (ncap - 1);
			     t[i].fobj || t[i].fn || t[i].site || t[i].sobj; i = (i + 1) & (ncap - 1))
				;
			t[i] = *o;
		}
		m->edges = t;
		m->cap_edges = ncap;
	}
	for (i = mix(sobj, site, fobj, fn) & (m->cap_edges - 1);; i = (i + 1) & (m->cap_edges - 1)) {
		e = &m->edges[i];
		if (!e->fobj && !e->fn && !e->site && !e->sobj)
			break;
		if (e->sobj == sobj && e->site == site && e->fobj == fobj && e->fn == fn)
			return e;
	}
	e->sobj = sobj;
	e->site = site;
	e->fobj = fobj;
	e->fn = fn;
	m->n_edges++;
	return e;
}

static int edge_over(struct vpm *m, const char *what, uint64_t site, uint64_t fn,
                     uint64_t acc, uint64_t val, uint64_t w)
{
	over(m);
	why_s(m, what);
	if (site != VPR_SITE_FUNCTION) {
		why_s(m, " of the edge ");
		why_x(m, site);
		why_s(m, " -> ");
	} else {
		why_s(m, " of the function ");
	}
	why_x(m, fn);
	over_end(m, acc, val, w, COUNT_MAX);
	return -1;
}

static int add_edges(struct vpm *m, const struct view *v, uint64_t w)
{
	long cs = -1, cf = -1;
	size_t k;

	for (k = 0; k < v->n_tabs; k++) {
		const struct vpr_edges *t = v->tabs[k];
		const unsigned char *slots = (const unsigned char *)t + t->entries_offset;
		uint64_t i;

		for (i = 0; i < t->capacity; i++) {
			const uint64_t *s = (const uint64_t *)(slots + i * t->entry_size);
			uint64_t so, sa, fo, fa, tot, self;
			struct medge *e;

			if (!s[1])
				continue;
			if (s[0] == VPR_SITE_FUNCTION) {
				if (v->h.mode != VPR_MODE_TIME)
					return bad(m, "a function record in a count-mode table");
				if (!v->timed)
					continue;
				locate(v, s[1], &fo, &fa, &cf);
				e = edge_get(m, 0, VPR_SITE_FUNCTION, fo, fa);
				if (!e)
					return -1;
				tot = to_ns(v, s[3]);
				if (!add_ok(&e->total, tot, w, COUNT_MAX))
					return edge_over(m, "total_ns", s[0], s[1], e->total, tot, w);
				continue;
			}
			if (!s[2] && (v->h.mode != VPR_MODE_TIME || (!s[3] && !s[4])))
				continue;
			locate(v, s[0], &so, &sa, &cs);
			locate(v, s[1], &fo, &fa, &cf);
			e = edge_get(m, so, sa, fo, fa);
			if (!e)
				return -1;
			if (!add_ok(&e->count, s[2], w, COUNT_MAX))
				return edge_over(m, "count", s[0], s[1], e->count, s[2], w);
			if (!add_ok(&m->sum_count, s[2], w, COUNT_MAX)) {
				over(m);
				why_s(m, "the counts of all edges");
				over_end(m, m->sum_count, s[2], w, COUNT_MAX);
				return -1;
			}
			if (!v->timed)
				continue;
			tot = to_ns(v, s[3]);
			self = to_ns(v, s[4]);
			if (!add_ok(&e->total, tot, w, COUNT_MAX))
				return edge_over(m, "total_ns", s[0], s[1], e->total, tot, w);
			if (!add_ok(&e->self, self, w, COUNT_MAX))
				return edge_over(m, "self_ns", s[0], s[1], e->self, self, w);
			if (!add_ok(&m->sum_self, self, w, COUNT_MAX)) {
				over(m);
				why_s(m, "the self_ns of all edges");
				over_end(m, m->sum_self, self, w, COUNT_MAX);
				return -1;
			}
		}
	}
	return 0;
}

/* ---- calling-context trees --------------------------------------------------- */

/* A fixed order of (object + 1, address) pairs: no object first, then
 * objects in output order, then addresses. */
static int loc_order(const struct vpm *m, uint64_t xo, uint64_t x, uint64_t yo, uint64_t y)
{
	if (xo != yo) {
		if (!xo || !yo)
			return xo ? 1 : -1;
		return obj_order(&m->objs[xo - 1], &m->objs[yo - 1]);
	}
	return x < y ? -1 : x > y;
}

static struct mnode *node_get(struct vpm *m, uint64_t parent, uint64_t fobj, uint64_t fn,
                              int *fresh)
{
	uint64_t i, *slot;
	struct mnode *n;

	*fresh = 0;
	if (2 * (m->n_nodes + 1) > m->cap_node_slots) {
		uint64_t ncap = m->cap_node_slots ? 2 * m->cap_node_slots : 1024, k;
		uint64_t *t = zalloc(m, ncap * sizeof *t);
		if (!t)
			return NULL;
		for (k = 0; k < m->n_nodes; k++) {
			const struct mnode *o = &m->nodes[k];
			for (i = mix(o->parent, o->fobj, o->fn, 0) & (ncap - 1); t[i];
			     i = (i + 1) & (ncap - 1))
				;
			t[i] = k + 1;
		}
		m->node_slots = t;
		m->cap_node_slots = ncap;
	}
	for (i = mix(parent, fobj, fn, 0) & (m->cap_node_slots - 1);;
	     i = (i + 1) & (m->cap_node_slots - 1)) {
		slot = &m->node_slots[i];
		if (!*slot)
			break;
		n = &m->nodes[*slot - 1];
		if (n->parent == parent && n->fobj == fobj && n->fn == fn)
			return n;
	}
	if (grow(m, (void **)&m->nodes, m->n_nodes, &m->cap_nodes, sizeof *m->nodes))
		return NULL;
	n = &m->nodes[m->n_nodes];
	n->parent = parent;
	n->fobj = fobj;
	n->fn = fn;
	n->depth = parent ? m->nodes[parent - 1].depth + 1 : 0;
	*slot = ++m->n_nodes;
	*fresh = 1;
	return n;
}

static int node_over(struct vpm *m, const char *what, uint64_t id, uint64_t shard,
                     uint64_t acc, uint64_t val, uint64_t w)
{
	over(m);
	why_s(m, what);
	why_s(m, " of the context node ");
	why_u(m, id);
	why_s(m, " of shard ");
	why_u(m, shard);
	over_end(m, acc, val, w, COUNT_MAX);
	return -1;
}

/*
 * Adds every shard's tree of v: each node found by its path (merged
 * parent, callee object and ELF address), its count and times added times
 * w, its call site kept when it is the smallest seen (so the result does
 * not depend on the order of the inputs). A table's ids run from 1 to
 * n_used, parents before children, so nodes are taken in id order.
 */
static int add_context(struct vpm *m, const struct view *v, uint64_t w)
{
	long cs = -1, cf = -1;
	size_t k;

	for (k = 0; k < v->n_tabs; k++) {
		const struct vpr_edges *t = v->tabs[k];
		const unsigned char *slots = (const unsigned char *)t + t->entries_offset;
		uint64_t n = t->n_used, i, *at;

		if (n > t->capacity)
			return bad(m, "a context table with more nodes than slots");
		at = zalloc(m, (n + 1) * sizeof *at);   /* id -> slot + 1 */
		if (!at)
			return -1;
		for (i = 0; i < t->capacity; i++) {
			const struct vpr_ctx_node *c = (const void *)(slots + i * t->entry_size);
			if (!c->fn)
				continue;
			if (c->id == 0 || c->id > n || at[c->id] || c->parent >= c->id)
				return bad(m, "context node id or parent");
			at[c->id] = i + 1;
		}
		for (i = 1; i <= n; i++) {
			const struct vpr_ctx_node *c;
			struct mnode *mn;
			uint64_t fo, fa, so, sa, parent = 0;
			int fresh;

			if (!at[i])
				continue;
			c = (const void *)(slots + (at[i] - 1) * t->entry_size);
			if (c->parent) {
				if (!at[c->parent])
					return bad(m, "a context node's parent is missing");
				/* at[] now holds the merged node + 1 of done ids
				 * (bit 63 set), see below */
				parent = at[c->parent] & ~(1ull << 63);
			}
			locate(v, c->fn, &fo, &fa, &cf);
			locate(v, c->site, &so, &sa, &cs);
			mn = node_get(m, parent, fo, fa, &fresh);
			if (!mn)
				return -1;
			if (fresh || loc_order(m, so, sa, mn->sobj, mn->site) < 0) {
				mn->sobj = so;
				mn->site = sa;
			}
			if (!add_ok(&mn->count, c->count, w, COUNT_MAX))
				return node_over(m, "count", c->id, t->shard_id, mn->count, c->count, w);
			if (!add_ok(&m->sum_count, c->count, w, COUNT_MAX)) {
				over(m);
				why_s(m, "the counts of all context nodes");
				over_end(m, m->sum_count, c->count, w, COUNT_MAX);
				return -1;
			}
			if (v->timed) {
				uint64_t tot = to_ns(v, c->total_ticks), self = to_ns(v, c->self_ticks);
				if (!add_ok(&mn->total, tot, w, COUNT_MAX))
					return node_over(m, "total_ns", c->id, t->shard_id, mn->total, tot, w);
				if (!add_ok(&mn->self, self, w, COUNT_MAX))
					return node_over(m, "self_ns", c->id, t->shard_id, mn->self, self, w);
				if (!add_ok(&m->sum_self, self, w, COUNT_MAX)) {
					over(m);
					why_s(m, "the self_ns of all context nodes");
					over_end(m, m->sum_self, self, w, COUNT_MAX);
					return -1;
				}
			}
			at[i] = (uint64_t)(mn - m->nodes + 1) | (1ull << 63);
		}
	}
	return 0;
}

/* ---- gcov counters ---------------------------------------------------------- */

static unsigned kind_of(const struct vpr_gcov_object *r, unsigned c)
{
	unsigned t;

	for (t = 1; t < 32; t++)
		if ((r->counter_mask & (1u << t)) && c-- == 0)
			return t;
	return 0;
}

static const char *kind_name(unsigned t)
{
	static const char *const names[] = {"arcs", "interval", "pow2", "topn", "indirect_call",
	                                    "average", "ior", "time_profiler"};
	return t < KINDS ? names[t] : "unknown";
}

static struct mgcov *gcov_find(struct vpm *m, const char *path)
{
	size_t i;

	for (i = 0; i < m->n_gcov; i++)
		if (strcmp(m->gcov[i].path, path) == 0)
			return &m->gcov[i];
	return NULL;
}

static int check_gcov(struct vpm *m, const struct view *v)
{
	size_t i;
	uint32_t j;

	for (i = 0; i < v->n_recs; i++) {
		const struct vpr_gcov_object *r = v->recs[i];
		const struct vpr_gcov_function *f = (const void *)(r + 1);
		const struct mgcov *g = gcov_find(m, rec_name(r));

		if (!g)
			continue;
		if (g->rec.version != r->version || g->rec.stamp != r->stamp ||
		    g->rec.checksum != r->checksum || g->rec.n_functions != r->n_functions ||
		    g->rec.counter_mask != r->counter_mask) {
			fail(m, VPM_MISMATCH, "gcov object ");
			why_s(m, g->path);
			why_s(m, ": version/stamp/checksum/functions/counter kinds ");
			why_x(m, r->version);
			why_s(m, "/");
			why_u(m, r->stamp);
			why_s(m, "/");
			why_u(m, r->checksum);
			why_s(m, "/");
			why_u(m, r->n_functions);
			why_s(m, "/");
			why_x(m, r->counter_mask);
			why_s(m, ", not ");
			why_x(m, g->rec.version);
			why_s(m, "/");
			why_u(m, g->rec.stamp);
			why_s(m, "/");
			why_u(m, g->rec.checksum);
			why_s(m, "/");
			why_u(m, g->rec.n_functions);
			why_s(m, "/");
			why_x(m, g->rec.counter_mask);
			why_s(m, " as in ");
			why_s(m, g->first);
			why_s(m, " (rebuilt)");
			return -1;
		}
		for (j = 0; j < r->n_functions; j++) {
			const struct vpr_gcov_function *a = &f[j], *b = &g->fns[j];
			if (a->ident != b->ident || a->lineno_checksum != b->lineno_checksum ||
			    a->cfg_checksum != b->cfg_checksum || a->n_arcs != b->n_arcs ||
			    dropped_fn(a) != dropped_fn(b)) {
				fail(m, VPM_MISMATCH, "gcov object ");
				why_s(m, g->path);
				why_s(m, ", function ");
				why_u(m, j);
				why_s(m, " (ident ");
				why_u(m, a->ident);
				why_s(m, "): checksums or arcs differ from ");
				why_s(m, g->first);
				why_s(m, " (rebuilt)");
				return -1;
			}
		}
	}
	return 0;
}

/*
 * The counters of (function, value kind) kc of v in .gcda form: a topn
 * site's list is followed through v's value arena (each reference checked,
 * at most TOPN_LIST_MAX entries). Kinds past the ones merged: no words.
 */
static int64_t *read_kind(struct vpm *m, const struct view *v, const unsigned char *data,
                          const struct vpr_gcov_counters *kc, unsigned t, uint64_t *words)
{
	const int64_t *mem = (const int64_t *)(data + kc->offset);
	uint64_t sites = kc->num / 3, n = 0, s, cap;
	int64_t *out;

	if (t >= KINDS) {
		*words = 0;
		return zalloc(m, 8);
	}
	if (!vpr_kind_is_topn(t)) {
		out = zalloc(m, kc->num * 8);
		if (out)
			memcpy(out, mem, kc->num * 8);
		*words = kc->num;
		return out;
	}
	if (kc->num % 3)
		return bad(m, "a topn counter is not whole sites"), NULL;
	cap = 2 * sites;
	for (s = 0; s < sites; s++) {
		uint64_t ref = (uint64_t)mem[3 * s + 2], len = 0;
		while (ref) {
			uint64_t i = ref - 1, ce = v->chunk_entries;
			const struct vpr_values *c;
			if (!ce || i / ce >= v->n_chunks || !(c = v->chunks[i / ce]) ||
			    ++len > TOPN_LIST_MAX)
				return bad(m, "a value reference names no entry of the arena"), NULL;
			ref = ((const struct vpr_value_entry *)((const unsigned char *)c +
			                                         c->entries_offset))[i % ce].next;
		}
		cap += 2 * len;
	}
	out = zalloc(m, cap * 8);
	if (!out)
		return NULL;
	for (s = 0; s < sites; s++) {
		uint64_t ref = (uint64_t)mem[3 * s + 2], at = n + 1;
		out[n++] = mem[3 * s];
		out[n++] = 0;
		while (ref) {
			uint64_t i = ref - 1, ce = v->chunk_entries;
			const struct vpr_values *c = v->chunks[i / ce];
			const struct vpr_value_entry *e = (const struct vpr_value_entry *)
			        ((const unsigned char *)c + c->entries_offset) + i % ce;
			out[n++] = e->value;
			out[n++] = e->count;
			out[at]++;
			ref = e->next;
		}
	}
	*words = n;
	return out;
}

/* Scales the counts of one .gcda-form kind by w (values, n, ior masks and
 * time-profiler orders stay). 0, or -1 when a product leaves int64. */
static int scale_kind(unsigned t, int64_t *v, uint64_t words, uint64_t w, int64_t *bad_value)
{
	uint64_t i = 0;

	if (w == 1 || t == VPR_KIND_IOR || t == VPR_KIND_TIME)
		return 0;
	while (i < words) {
		uint64_t step = 1, k;
		if (vpr_kind_is_topn(t))
			step = 2 + 2 * (uint64_t)v[i + 1];
		for (k = 0; k < step && i + k < words; k++) {
			int64_t r;
			if (vpr_kind_is_topn(t) && (k == 1 || (k >= 2 && k % 2 == 0)))
				continue;
			if (w > (uint64_t)INT64_MAX || __builtin_mul_overflow(v[i + k], (int64_t)w, &r)) {
				*bad_value = v[i + k];
				return -1;
			}
			v[i + k] = r;
		}
		i += step;
	}
	return 0;
}

static int value_fail(struct vpm *m, int err, const struct mgcov *g, uint32_t j, unsigned t,
                      const char *what)
{
	fail(m, err, err == VPM_OVERFLOW ? "count overflow: " : "");
	why_s(m, "gcov object ");
	why_s(m, g->path);
	why_s(m, ", function ");
	why_u(m, j);
	why_s(m, " (ident ");
	why_u(m, g->fns[j].ident);
	why_s(m, "): ");
	if (err != VPM_OVERFLOW)
		why_s(m, "counters differ: ");
	why_s(m, kind_name(t));
	why_s(m, " ");
	why_s(m, what);
	return -1;
}

/* The value kinds of record r (one run, weight w) into g: the first known
 * run's are taken, each later one merged in as libgcov merges a run into
 * the .gcda the earlier ones left (g in the file's role). */
static int add_values(struct vpm *m, const struct view *v, const struct vpr_gcov_object *r,
                      const unsigned char *data, struct mgcov *g, uint64_t w)
{
	const struct vpr_gcov_function *f = (const void *)(r + 1);
	unsigned n_other = rec_other(r), c;
	uint32_t j;

	if (!n_other || (g->known && !g->has_kinds)) {
		g->has_kinds = 0;    /* a run without its values: none written */
		return 0;
	}
	if (!g->kinds) {
		g->kinds = zalloc(m, (uint64_t)r->n_functions * n_other * sizeof *g->kinds);
		if (!g->kinds)
			return -1;
	}
	for (j = 0; j < r->n_functions; j++) {
		if (dropped_fn(&f[j]))
			continue;
		for (c = 0; c < n_other; c++) {
			const struct vpr_gcov_counters *kc = rec_kinds(r) + (uint64_t)j * n_other + c;
			struct mkind *k = &g->kinds[(uint64_t)j * n_other + c];
			unsigned t = kind_of(r, c);
			uint64_t words;
			int64_t *run = read_kind(m, v, data, kc, t, &words), badv;

			if (!run)
				return -1;
			if (scale_kind(t, run, words, w, &badv) != 0) {
				value_fail(m, VPM_OVERFLOW, g, j, t, "counter times the weight is past"
				           " the int64 range");
				return -1;
			}
			if (!g->known || t >= KINDS) {
				k->v = run;
				k->words = words;
			} else if (!vpr_kind_is_topn(t)) {
				if (words != k->words)
					return value_fail(m, VPM_MISMATCH, g, j, t, "counter numbers");
				if (vpr_fixed_merge(t, k->v, run, words) != 0)
					return value_fail(m, VPM_OVERFLOW, g, j, t,
					                  "counters pass the int64 range of a gcov counter");
			} else {
				int64_t *out = zalloc(m, (k->words + words + 2) * 8);
				uint64_t fi = 0, ri = 0, n = 0;
				if (!out)
					return -1;
				if (kc->num / 3 != g->kc[(uint64_t)j * g->n_other + c].num / 3)
					return value_fail(m, VPM_MISMATCH, g, j, t, "site numbers");
				while (fi < k->words && ri < words) {
					int64_t nw = vpr_topn_merge_site(k->v + fi, run + ri, out + n);
					if (nw < 0)
						return value_fail(m, VPM_OVERFLOW, g, j, t, "site passes the"
						                  " int64 range of a gcov counter");
					n += (uint64_t)nw;
					fi += 2 + 2 * (uint64_t)k->v[fi + 1];
					ri += 2 + 2 * (uint64_t)run[ri + 1];
				}
				k->v = out;
				k->words = n;
			}
		}
	}
	g->has_kinds = 1;
	return 0;
}

static int add_gcov(struct vpm *m, const struct view *v, uint64_t w, const char *name)
{
	size_t i;

	for (i = 0; i < v->n_recs; i++) {
		const struct vpr_gcov_object *r = v->recs[i];
		const struct vpr_gcov_function *f = (const void *)(r + 1);
		const struct vpr_arcs *s = arcs_by_id(v, r->arcs_id);
		const unsigned char *data = (const unsigned char *)s + s->data_offset;
		struct mgcov *g = gcov_find(m, rec_name(r));
		uint64_t at = 0;
		uint32_t j, c;

		if (!g) {
			uint64_t n = 0, nk = (uint64_t)r->n_functions * rec_other(r);
			if (grow(m, (void **)&m->gcov, m->n_gcov, &m->cap_gcov, sizeof *m->gcov))
				return -1;
			g = &m->gcov[m->n_gcov];
			g->path = dup_str(m, rec_name(r));
			g->first = name;
			g->rec = *r;
			g->n_other = rec_other(r);
			g->has_kinds = (r->flags & VPR_GCOV_HAS_KINDS) != 0;
			g->object = s->object;
			g->fns = zalloc(m, (r->n_functions + 1) * sizeof *g->fns);
			g->kc = zalloc(m, (nk + 1) * sizeof *g->kc);
			if (!g->path || !g->fns || !g->kc)
				return -1;
			memcpy(g->fns, f, r->n_functions * sizeof *f);
			memcpy(g->kc, rec_kinds(r), nk * sizeof *g->kc);
			for (j = 0; j < r->n_functions; j++)
				n += f[j].n_arcs;
			g->arcs = zalloc(m, (n + 1) * 8);
			if (!g->arcs)
				return -1;
			g->n_arcs = n;
			m->n_gcov++;
		}
		if (s->mode == VPR_ARCS_COPY && s->n_copies == 0) {
			if (!m->unknown++)
				m->unknown_path = g->path;
			continue;        /* counts unknown, not zero */
		}
		for (j = 0; j < r->n_functions; j++) {
			for (c = 0; c < f[j].n_arcs; c++) {
				uint64_t val;
				memcpy(&val, data + f[j].arcs_offset + 8u * c, sizeof val);
				if (!add_ok(&g->arcs[at + c], val, w, GCOV_MAX)) {
					over(m);
					why_s(m, "gcov object ");
					why_s(m, g->path);
					why_s(m, ", function ");
					why_u(m, j);
					why_s(m, " (ident ");
					why_u(m, f[j].ident);
					why_s(m, "), arc counter ");
					why_u(m, c);
					over_end(m, g->arcs[at + c], val, w, GCOV_MAX);
					return -1;
				}
			}
			at += f[j].n_arcs;
		}
		if ((r->counter_mask & ~1u) && add_values(m, v, r, data, g, w) != 0)
			return -1;
		g->known = 1;
	}
	return 0;
}

/* ---- header ----------------------------------------------------------------- */

static int head_add(struct vpm *m, uint64_t *acc, uint64_t v, uint64_t w, const char *what)
{
	if (add_ok(acc, v, w, COUNT_MAX))
		return 0;
	over(m);
	why_s(m, what);
	over_end(m, *acc, v, w, COUNT_MAX);
	return -1;
}

static void copy_str(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int add_header(struct vpm *m, const struct view *v, uint64_t w)
{
	const struct vpr_file_header *h = &v->h;
	uint64_t lost_calls = h->lost_calls, lost_frames = 0, runs;
	size_t k;

	for (k = 0; k < v->n_tabs; k++) {
		if (!add_ok(&lost_calls, v->tabs[k]->lost_calls, 1, COUNT_MAX) ||
		    !add_ok(&lost_frames, v->tabs[k]->lost_frames, 1, COUNT_MAX))
			return bad(m, "losses past 2^64-1");
	}
	if (!m->n_inputs) {
		m->state = h->state;
		m->pid = h->pid;
		m->ppid = h->ppid;
		m->start_ns = h->start_realtime_ns;
		m->end_ns = h->end_realtime_ns;
		copy_str(m->host, h->host, sizeof m->host);
		copy_str(m->exe, h->exe_path, sizeof m->exe);
	} else {
		if (h->state == VPR_STATE_RUNNING)
			m->state = VPR_STATE_RUNNING;
		if (h->pid < m->pid)
			m->pid = h->pid;
		if (h->ppid < m->ppid)
			m->ppid = h->ppid;
		if (h->start_realtime_ns < m->start_ns)
			m->start_ns = h->start_realtime_ns;
		if (h->end_realtime_ns > m->end_ns)
			m->end_ns = h->end_realtime_ns;
		if (strcmp(h->host, m->host) < 0)
			copy_str(m->host, h->host, sizeof m->host);
		if (strcmp(h->exe_path, m->exe) < 0)
			copy_str(m->exe, h->exe_path, sizeof m->exe);
	}
	m->flags |= h->flags & VPR_FLAG_FORK_CHILD;
	runs = h->merged_runs ? h->merged_runs : 1;
	if (head_add(m, &m->n_threads, h->n_threads, 1, "n_threads") ||
	    head_add(m, &m->lost_calls, lost_calls, w, "lost_calls") ||
	    head_add(m, &m->lost_frames, lost_frames, w, "lost_frames") ||
	    head_add(m, &m->lost_sections, h->lost_sections, 1, "lost_sections") ||
	    head_add(m, &m->lost_values, h->lost_values, 1, "lost_values") ||
	    head_add(m, &m->runs, runs, w, "merged runs"))
		return -1;
	if (!v->timed)
		m->all_timed = 0;
	return 0;
}

static const char *mode_name(uint32_t mode)
{
	switch (mode) {
	case VPR_MODE_TIME: return "time";
	case VPR_MODE_CONTEXT: return "context";
	case VPR_MODE_CONTEXT_TIME: return "context,time";
	default: return "count";
	}
}

/* A context input among count- or time-mode ones (or the other way
 * round) is refused: a context profile's edges count each path at the call
 * site of its first call, so adding them to exact per-site counts would
 * make an edge neither. */
static int check_mode(struct vpm *m, const struct view *v)
{
	if (!m->n_inputs || is_context(v->h.mode) == m->context)
		return 0;
	fail(m, VPM_MISMATCH, "a ");
	why_s(m, mode_name(v->h.mode));
	why_s(m, "-mode profile cannot be merged with the ");
	why_s(m, mode_name(m->first_mode));
	why_s(m, "-mode profile ");
	why_s(m, m->first);
	why_s(m, ": context profiles count call sites by each path's first call, so the"
	      " sum would give wrong per-site counts (merge context profiles with context"
	      " profiles only)");
	return -1;
}

/* ---- the API ------------------------------------------------------------------ */

struct vpm *vpm_new(const struct vpm_alloc *a)
{
	struct vpm *m = a->alloc(a->ctx, sizeof *m);

	if (!m)
		return NULL;
	memset(m, 0, sizeof *m);
	m->a = *a;
	m->all_timed = 1;
	return m;
}

int vpm_error(const struct vpm *m)
{
	return m->err ? m->err : m->last;
}

const char *vpm_why(const struct vpm *m)
{
	if (m->err == VPM_NO_MEMORY && !m->whylen)
		return "out of memory";
	return m->why;
}

uint64_t vpm_unknown_gcov(const struct vpm *m, const char **first_path)
{
	if (first_path)
		*first_path = m->unknown_path;
	return m->unknown;
}

int vpm_add(struct vpm *m, const void *image, uint64_t size, uint64_t w, const char *name)
{
	struct view v;

	if (m->err || m->sized)
		return -1;
	if (w == 0)
		return fail(m, VPM_BAD_INPUT, "weight 0");
	m->unknown = 0;
	m->unknown_path = NULL;
	if (view_parse(m, &v, image, size) != 0 || check_mode(m, &v) != 0 ||
	    check_modules(m, &v) != 0 || check_gcov(m, &v) != 0) {
		/* refused before anything was added: the merge is unchanged */
		m->err = 0;
		return -1;
	}
	if (!m->n_inputs)
		m->first = name;
	if (add_objects(m, &v, name) != 0)
		return -1;
	if (is_context(v.h.mode) ? add_context(m, &v, w) : add_edges(m, &v, w))
		return -1;
	if (add_gcov(m, &v, w, name) != 0 || add_header(m, &v, w) != 0)
		return -1;
	if (!m->n_inputs) {
		m->context = is_context(v.h.mode);
		m->first_mode = v.h.mode;
	}
	m->n_inputs++;
	return 0;
}

/* ---- the merged image ---------------------------------------------------------- */

static uint64_t round_up(uint64_t n, uint64_t to)
{
	return (n + to - 1) & ~(to - 1);
}

static uint64_t canonical(const struct vpm *m, uint64_t obj, uint64_t vaddr)
{
	return obj ? vaddr + m->objs[obj - 1].bias : vaddr;
}

static int cmp_obj(const void *ctx, const void *a, const void *b)
{
	(void)ctx;
	return obj_order(a, b);
}

/* Edges by canonical callee, then site; function records after them. */
static int cmp_edge(const void *ctx, const void *a, const void *b)
{
	const struct vpm *m = ctx;
	const struct medge *x = a, *y = b;
	uint64_t fx = canonical(m, x->fobj, x->fn), fy = canonical(m, y->fobj, y->fn),
	         sx = canonical(m, x->sobj, x->site), sy = canonical(m, y->sobj, y->site);
	int rx = x->site == VPR_SITE_FUNCTION && !x->sobj,
	    ry = y->site == VPR_SITE_FUNCTION && !y->sobj;

	if (rx != ry)
		return rx - ry;
	if (fx != fy)
		return fx < fy ? -1 : 1;
	return sx < sy ? -1 : sx > sy;
}

static int cmp_depth(const void *ctx, const void *a, const void *b)
{
	const struct mnode *x = a, *y = b;

	(void)ctx;
	return x->depth < y->depth ? -1 : x->depth > y->depth;
}

/* Within one depth: by parent's output id, then canonical callee. */
static int cmp_sibling(const void *ctx, const void *a, const void *b)
{
	const struct vpm *m = ctx;
	const struct mnode *x = a, *y = b;
	uint64_t px = x->parent ? m->nodes[x->parent - 1].out_id : 0,
	         py = y->parent ? m->nodes[y->parent - 1].out_id : 0,
	         fx = canonical(m, x->fobj, x->fn), fy = canonical(m, y->fobj, y->fn);

	if (px != py)
		return px < py ? -1 : 1;
	return fx < fy ? -1 : fx > fy;
}

static int cmp_gcov(const void *ctx, const void *a, const void *b)
{
	(void)ctx;
	return strcmp(((const struct mgcov *)a)->path, ((const struct mgcov *)b)->path);
}

/* Value kinds written for g (0 when some run lacked them). */
static unsigned out_other(const struct mgcov *g)
{
	return g->has_kinds ? g->n_other : 0;
}

/* Memory-form counters of (function j, kind c) of g. */
static uint64_t kind_num(const struct mgcov *g, uint32_t j, unsigned c)
{
	unsigned t = kind_of(&g->rec, c);
	const struct mkind *k;

	if (!g->kinds || t >= KINDS || dropped_fn(&g->fns[j]))
		return 0;
	k = &g->kinds[(uint64_t)j * g->n_other + c];
	if (!vpr_kind_is_topn(t))
		return k->words;
	return g->kc[(uint64_t)j * g->n_other + c].num / 3 * 3;
}

static uint64_t gcov_words(const struct mgcov *g)
{
	uint64_t n = g->n_arcs;
	uint32_t j;
	unsigned c;

	for (c = 0; c < out_other(g); c++)
		for (j = 0; j < g->rec.n_functions; j++)
			n += kind_num(g, j, c);
	return n;
}

static uint64_t gcov_entries(const struct mgcov *g)
{
	uint64_t n = 0, i;
	uint32_t j;
	unsigned c;

	for (c = 0; c < out_other(g); c++) {
		unsigned t = kind_of(&g->rec, c);
		if (!vpr_kind_is_topn(t) || !g->kinds)
			continue;
		for (j = 0; j < g->rec.n_functions; j++) {
			const struct mkind *k = &g->kinds[(uint64_t)j * g->n_other + c];
			for (i = 0; i < k->words; i += 2 + 2 * (uint64_t)k->v[i + 1])
				n += (uint64_t)k->v[i + 1];
		}
	}
	return n;
}

static uint64_t gcov_record_size(const struct mgcov *g)
{
	return sizeof(struct vpr_gcov_object) +
	       (uint64_t)g->rec.n_functions * (sizeof(struct vpr_gcov_function) +
	                                        out_other(g) * sizeof(struct vpr_gcov_counters)) +
	       round_up(strlen(g->path) + 1, 8);
}

static uint64_t module_record_size(const struct mobj *o)
{
	return round_up(sizeof(struct vpr_module_record) + strlen(o->path) + 1, 8);
}

static uint64_t table_capacity(uint64_t n)
{
	uint64_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	return cap;
}

uint64_t vpm_size(struct vpm *m)
{
	void **tmp;
	void **v;
	uint64_t cursor = CANON_BASE, n, i, size, bytes;
	int timed;

	if (m->sized)
		return m->size;
	if (m->err)
		return 0;
	if (!m->n_inputs) {
		fail(m, VPM_BAD_INPUT, "no input");
		return 0;
	}
	m->sized = 1;
	if (m->context)
		m->out_mode = m->all_timed ? VPR_MODE_CONTEXT_TIME : VPR_MODE_CONTEXT;
	else
		m->out_mode = m->all_timed ? VPR_MODE_TIME : VPR_MODE_COUNT;
	timed = m->out_mode == VPR_MODE_TIME;
	n = m->n_objs > m->n_edges ? m->n_objs : m->n_edges;
	if (m->n_nodes > n)
		n = m->n_nodes;
	if (m->n_gcov > n)
		n = m->n_gcov;
	tmp = zalloc(m, (n + 1) * sizeof *tmp);
	v = zalloc(m, (n + 1) * sizeof *v);
	m->obj_order = zalloc(m, (m->n_objs + 1) * sizeof *m->obj_order);
	if (!tmp || !v || !m->obj_order)
		return m->sized = 0, 0;

	/* Objects: canonical order and layout. */
	for (i = 0; i < m->n_objs; i++)
		v[i] = &m->objs[i];
	sort_ptrs(v, tmp, m->n_objs, cmp_obj, m);
	size = PAGE + sizeof(struct vpr_modules);
	for (i = 0; i < m->n_objs; i++) {
		struct mobj *o = v[i];
		m->obj_order[i] = (uint32_t)(o - m->objs);
		if (o->pie) {
			o->bias = cursor - (o->elf_lo & ~(uint64_t)0xfff);
			cursor = (o->elf_hi + o->bias + CANON_GAP) & ~(CANON_GAP - 1);
			cursor += CANON_GAP;
		}
		size += module_record_size(o);
	}
	size = PAGE + round_up(size - PAGE, PAGE);

	/* Edges (or nodes), sorted; the table that holds them. */
	if (!m->context) {
		m->out_edges = zalloc(m, (m->n_edges + 1) * sizeof *m->out_edges);
		if (!m->out_edges)
			return m->sized = 0, 0;
		n = 0;
		for (i = 0; i < m->cap_edges; i++) {
			struct medge *e = &m->edges[i];
			if (!e->fobj && !e->fn && !e->site && !e->sobj)
				continue;
			if (!e->count && (!timed || (!e->total && !e->self)))
				continue;
			if (e->site == VPR_SITE_FUNCTION && !e->sobj) {
				if (!timed)
					continue;
				m->n_out_fns++;
			}
			m->out_edges[n++] = e;
		}
		m->n_out_edges = n;
		sort_ptrs((void **)m->out_edges, tmp, n, cmp_edge, m);
	} else {
		uint64_t lo, hi, next = 1;
		m->out_nodes = zalloc(m, (m->n_nodes + 1) * sizeof *m->out_nodes);
		if (!m->out_nodes)
			return m->sized = 0, 0;
		for (i = 0; i < m->n_nodes; i++)
			m->out_nodes[i] = &m->nodes[i];
		sort_ptrs((void **)m->out_nodes, tmp, m->n_nodes, cmp_depth, m);
		for (lo = 0; lo < m->n_nodes; lo = hi) {
			for (hi = lo; hi < m->n_nodes && m->out_nodes[hi]->depth ==
			              m->out_nodes[lo]->depth; hi++)
				;
			sort_ptrs((void **)m->out_nodes + lo, tmp, hi - lo, cmp_sibling, m);
			for (i = lo; i < hi; i++)
				m->out_nodes[i]->out_id = next++;
		}
		n = m->n_nodes;
	}
	size += round_up(VPR_EDGES_ENTRIES_OFFSET + table_capacity(n) * entry_size(m->out_mode),
	                 PAGE);

	/* gcov objects by .gcda path; the value arena before them. */
	m->gcov_order = zalloc(m, (m->n_gcov + 1) * sizeof *m->gcov_order);
	if (!m->gcov_order)
		return m->sized = 0, 0;
	for (i = 0; i < m->n_gcov; i++)
		v[i] = &m->gcov[i];
	sort_ptrs(v, tmp, m->n_gcov, cmp_gcov, m);
	bytes = sizeof(struct vpr_modules);
	for (i = 0; i < m->n_gcov; i++) {
		const struct mgcov *g = v[i];
		m->gcov_order[i] = (uint32_t)(g - m->gcov);
		m->n_entries += gcov_entries(g);
		size += PAGE + round_up(gcov_words(g) * 8, PAGE);
		bytes += gcov_record_size(g);
	}
	if (m->n_entries)
		size += round_up(ARENA_ENTRIES_OFFSET +
		                 m->n_entries * sizeof(struct vpr_value_entry), PAGE);
	if (m->n_gcov)
		size += round_up(bytes, PAGE);
	m->size = size;
	return size;
}

static void *put_section(unsigned char *img, struct vpr_file_header *h, uint32_t type,
                         uint64_t bytes)
{
	struct vpr_section *s = (struct vpr_section *)(img + h->end);

	s->magic = VPR_SECTION_MAGIC;
	s->type = type;
	s->offset = h->end;
	s->size = round_up(bytes, PAGE);
	h->end += s->size;
	h->n_sections++;
	return s;
}

static void put_modules(const struct vpm *m, unsigned char *img, struct vpr_file_header *h)
{
	uint64_t bytes = sizeof(struct vpr_modules), i;
	struct vpr_modules *ms;

	for (i = 0; i < m->n_objs; i++)
		bytes += module_record_size(&m->objs[i]);
	ms = put_section(img, h, VPR_SEC_MODULES, bytes);
	for (i = 0; i < m->n_objs; i++) {
		const struct mobj *o = &m->objs[m->obj_order[i]];
		struct vpr_module_record *r = (void *)((unsigned char *)(ms + 1) + ms->used);
		size_t len = strlen(o->path);

		r->record_size = (uint32_t)module_record_size(o);
		r->id = (uint32_t)i;
		r->load_bias = o->bias;
		r->lo = o->elf_lo + o->bias;
		r->hi = o->elf_hi + o->bias;
		r->build_id_len = o->bid_len;
		memcpy(r->build_id, o->bid, o->bid_len);
		r->path_len = (uint16_t)len;
		memcpy(r->path, o->path, len + 1);
		ms->used += r->record_size;
		ms->n_records++;
	}
}

static void put_slot(unsigned char *slots, uint64_t cap, unsigned shift, size_t esz,
                     const uint64_t *val)
{
	memcpy(vpr_edges_probe(slots, cap - 1, shift, esz, val[0], val[1]), val, esz);
}

static void put_table(const struct vpm *m, unsigned char *img, struct vpr_file_header *h)
{
	size_t esz = entry_size(m->out_mode);
	uint64_t n = m->context ? m->n_nodes : m->n_out_edges, cap = table_capacity(n), i;
	unsigned shift = 64u - (unsigned)__builtin_ctzll(cap);
	int timed = m->out_mode == VPR_MODE_TIME || m->out_mode == VPR_MODE_CONTEXT_TIME;
	struct vpr_edges *t = put_section(img, h, VPR_SEC_EDGES,
	                                  VPR_EDGES_ENTRIES_OFFSET + cap * esz);
	unsigned char *slots = (unsigned char *)t + VPR_EDGES_ENTRIES_OFFSET;

	t->shard_id = 1;
	t->thread_id = (uint64_t)m->pid;
	t->live = 1;
	t->entry_size = (uint32_t)esz;
	t->capacity = cap;
	t->n_used = n;
	t->entries_offset = VPR_EDGES_ENTRIES_OFFSET;
	t->lost_frames = m->out_mode == VPR_MODE_COUNT ? 0 : m->lost_frames;
	for (i = 0; i < n; i++) {
		uint64_t val[7] = {0};
		if (m->context) {
			const struct mnode *c = m->out_nodes[i];
			val[0] = c->parent ? m->nodes[c->parent - 1].out_id : 0;
			val[1] = canonical(m, c->fobj, c->fn);
			val[2] = c->count;
			val[3] = timed ? c->total : 0;
			val[4] = timed ? c->self : 0;
			val[5] = c->out_id;
			val[6] = canonical(m, c->sobj, c->site);
		} else {
			const struct medge *e = m->out_edges[i];
			int rec = e->site == VPR_SITE_FUNCTION && !e->sobj;
			val[0] = rec ? VPR_SITE_FUNCTION : canonical(m, e->sobj, e->site);
			val[1] = canonical(m, e->fobj, e->fn);
			val[2] = rec ? 0 : e->count;
			val[3] = timed ? e->total : 0;
			val[4] = timed && !rec ? e->self : 0;
		}
		put_slot(slots, cap, shift, esz, val);
	}
}

/* g's value kinds in memory form at data, kind by kind and function by
 * function; topn lists appended to entries (*next the next free one,
 * references from 1). */
static void put_kinds(struct mgcov *g, int64_t *data, uint64_t *word,
                      struct vpr_value_entry *entries, uint64_t *next)
{
	uint32_t j;
	unsigned c;

	for (c = 0; c < out_other(g); c++) {
		unsigned t = kind_of(&g->rec, c);
		for (j = 0; j < g->rec.n_functions; j++) {
			uint64_t num = kind_num(g, j, c), i = 0, s = 0;
			const struct mkind *k;
			int64_t *d = data + *word;

			g->kc[(uint64_t)j * g->n_other + c].offset = *word * 8;
			*word += num;
			if (!num)
				continue;
			k = &g->kinds[(uint64_t)j * g->n_other + c];
			if (!vpr_kind_is_topn(t)) {
				memcpy(d, k->v, num * 8);
				continue;
			}
			while (i < k->words) {
				int64_t n = k->v[i + 1], e;
				d[3 * s] = k->v[i];
				d[3 * s + 1] = n;
				d[3 * s + 2] = n ? (int64_t)(*next + 1) : 0;
				for (e = 0; e < n; e++) {
					struct vpr_value_entry *x = &entries[(*next)++];
					x->value = k->v[i + 2 + 2 * e];
					x->count = k->v[i + 3 + 2 * e];
					x->next = e + 1 < n ? *next + 1 : 0;
				}
				i += 2 + 2 * (uint64_t)n;
				s++;
			}
		}
	}
}

static void put_gcov(struct vpm *m, unsigned char *img, struct vpr_file_header *h)
{
	struct vpr_value_entry *entries = NULL;
	uint64_t next = 0, bytes = sizeof(struct vpr_modules), i;
	struct vpr_modules *gs;

	if (m->n_entries) {
		struct vpr_values *c = put_section(img, h, VPR_SEC_VALUES, ARENA_ENTRIES_OFFSET +
		                                   m->n_entries * sizeof *entries);
		c->chunk = 0;
		c->chunk_entries = (uint32_t)m->n_entries;
		c->entries_offset = ARENA_ENTRIES_OFFSET;
		entries = (struct vpr_value_entry *)((unsigned char *)c + ARENA_ENTRIES_OFFSET);
	}
	for (i = 0; i < m->n_gcov; i++) {
		struct mgcov *g = &m->gcov[m->gcov_order[i]];
		uint64_t words = gcov_words(g), at = 0;
		struct vpr_arcs *a = put_section(img, h, VPR_SEC_ARCS, PAGE + words * 8);
		int64_t *data = (int64_t *)((unsigned char *)a + PAGE);
		uint32_t j;

		a->arcs_id = (uint32_t)i + 1;
		a->mode = VPR_ARCS_COPY;
		a->data_offset = PAGE;
		a->data_size = words * 8;
		a->n_copies = g->known ? 1 : 0;
		a->object = g->object;
		memcpy(data, g->arcs, g->n_arcs * 8);
		/* offsets: arcs in fns[].arcs_offset (packed), kinds in kc[] */
		for (j = 0; j < g->rec.n_functions; j++) {
			if (!dropped_fn(&g->fns[j]))
				g->fns[j].arcs_offset = at * 8;
			at += g->fns[j].n_arcs;
		}
		put_kinds(g, data, &at, entries, &next);
		bytes += gcov_record_size(g);
	}
	if (!m->n_gcov)
		return;
	gs = put_section(img, h, VPR_SEC_GCOV, bytes);
	for (i = 0; i < m->n_gcov; i++) {
		const struct mgcov *g = &m->gcov[m->gcov_order[i]];
		struct vpr_gcov_object *r = (void *)((unsigned char *)(gs + 1) + gs->used);
		struct vpr_gcov_function *f = (void *)(r + 1);
		unsigned n_other = out_other(g), c;
		struct vpr_gcov_counters *kr = (void *)(f + g->rec.n_functions);
		size_t len = strlen(g->path);
		uint32_t j;

		*r = g->rec;
		r->record_size = (uint32_t)gcov_record_size(g);
		r->arcs_id = (uint32_t)i + 1;
		r->filename_len = (uint16_t)len;
		r->flags = n_other ? VPR_GCOV_HAS_KINDS : 0;
		for (j = 0; j < g->rec.n_functions; j++) {
			f[j] = g->fns[j];
			for (c = 0; c < n_other; c++) {
				struct vpr_gcov_counters *k = &kr[(uint64_t)j * n_other + c];
				if (dropped_fn(&g->fns[j])) {
					k->offset = UINT64_MAX;
					continue;
				}
				k->num = (uint32_t)kind_num(g, j, c);
				k->offset = g->kc[(uint64_t)j * g->n_other + c].offset;
			}
		}
		memcpy(kr + (uint64_t)g->rec.n_functions * n_other, g->path, len + 1);
		gs->used += r->record_size;
		gs->n_records++;
	}
}

void vpm_write(struct vpm *m, void *out)
{
	unsigned char *img = out;
	struct vpr_file_header *h = out;

	if (!m->sized || m->err)
		return;
	memcpy(h->magic, VPR_MAGIC, sizeof h->magic);
	h->version = VPR_VERSION;
	h->byte_order = VPR_BYTE_ORDER;
	h->header_size = sizeof *h;
	h->page_size = PAGE;
	h->first_section = PAGE;
	h->end = PAGE;
	h->state = m->state;
	h->mode = m->out_mode;
	h->flags = m->flags;
	h->pid = m->pid;
	h->ppid = m->ppid;
	h->start_realtime_ns = m->start_ns;
	h->end_realtime_ns = m->end_ns;
	h->clock = VPR_CLOCK_MONOTONIC;     /* times were made nanoseconds */
	h->lost_calls = m->lost_calls;
	h->lost_sections = m->lost_sections;
	h->lost_values = m->lost_values;
	h->n_threads = m->n_threads;
	copy_str(h->host, m->host, sizeof h->host);
	copy_str(h->exe_path, m->exe, sizeof h->exe_path);
	h->merged_runs = m->runs;
	put_modules(m, img, h);
	put_table(m, img, h);
	put_gcov(m, img, h);
}
