/* SPDX-License-Identifier: MIT */
/*
 * rt_merge.c - online merging: a `%m` in VITPROF_FILE makes every run of
 * the same program add its counts into one raw profile, the pool.
 *
 *   pool      VITPROF_FILE expanded, %m replaced by the program's signature
 *             (16 hex digits: a hash of the executable's GNU build-id, or
 *             of its path, size and mtime when it has none). An ordinary,
 *             valid raw profile whose header field merged_runs counts the
 *             runs summed in it.
 *   own file  <pool>.<pid>: where the process counts while it runs, exactly
 *             as without %m (mapped, crash-safe).
 *   lock      <pool>.lock, an open-file-description write lock (fcntl
 *             F_OFD_SETLK, polled up to LOCK_TIMEOUT_MS). The kernel drops it
 *             when its holder dies, so a killed merger never blocks others.
 *   temp      <pool>.tmp, written only by the lock holder.
 *
 * At exit (the runtime's destructor) the process takes the lock, reads the
 * pool (if any) and its own file, checks that both come from the same
 * program, writes their sum into <pool>.tmp and rename()s it over the pool,
 * releases the lock and removes its own file. rename() is atomic: at every
 * instant the pool is either the old or the new complete file, so a merger
 * killed at any point leaves a valid pool that holds none of its counts;
 * its own file, with all of them, stays (as does a stale <pool>.tmp, which
 * the next merger replaces). When anything fails (lock timeout, disk full,
 * a pool of another build), the pool is left alone, the own file stays, and
 * one line says so.
 *
 * Addresses: every run has its own load biases (ASLR). The pool keeps one
 * module record per object (same build-id, or same path when there is
 * none) and the address space of the run that created it; a merged run's
 * addresses are moved into it per object (addr - run bias + pool bias). An
 * object the pool has not seen gets its own bias, moved above every known
 * object when its range would overlap one. Addresses outside every object
 * cannot be moved: their counts are dropped and added to lost_calls.
 *
 * gcov counters are merged per gcov object (.gcda path): the pool has one
 * copy-mode arcs section per object. Arc counters add; value-profile
 * counters (-fprofile-generate) merge as libgcov merges a run into a .gcda
 * (rt/vitprof_values.h), the pool in the file's role, the run in the
 * run's, and the pool's topn lists live in one value-arena chunk. An
 * object whose stamp, checksums, functions or counter kinds differ from
 * the pool's is another build: nothing is merged.
 *
 * This runs once, at exit, outside every hook, holding rt_g.lock: scratch
 * memory is anonymous mappings (no malloc), no stdio, never aborts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>     /* rename() only: no stdio streams here */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rt_internal.h"
#include "rt_values_arena.h"
#include "vitprof_values.h"

#define LOCK_TIMEOUT_MS 60000u
#define TEST_SLEEP_MAX_MS 60000u
#define RELOCATE_ALIGN ((uint64_t)1 << 21)

/* ---- scratch memory: anonymous chunks, freed all at once ----------------- */

struct chunk {
	struct chunk *next;
	size_t size, used;
};

struct arena {
	struct chunk *head;
};

static void *arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	void *p;

	n = (n + 15u) & ~(size_t)15u;
	if (!c || c->size - c->used < n) {
		size_t size = n + 64u < ((size_t)1 << 20) ? (size_t)1 << 20 : n + 64u;
		size = (size + rt_g.page_size - 1) & ~((size_t)rt_g.page_size - 1);
		c = rt_anon_alloc(size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 64;
		c->next = a->head;
		a->head = c;
	}
	p = (unsigned char *)c + c->used;
	c->used += n;
	return p;
}

static void arena_free(struct arena *a)
{
	while (a->head) {
		struct chunk *c = a->head;
		a->head = c->next;
		munmap(c, c->size);
	}
}

/* Makes room for element n of *arr. 0 or -1. */
static int vec_grow(struct arena *a, void **arr, size_t n, size_t *cap, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 32;
	p = arena_alloc(a, ncap * elem);
	if (!p)
		return -1;
	if (*arr)
		memcpy(p, *arr, n * elem);
	*arr = p;
	*cap = ncap;
	return 0;
}

/*
 * prefix + why in a static buffer: the reason a merge is refused (one
 * merge per process, at exit, under rt_g.lock).
 */
static const char *merge_why(const char *prefix, const char *why)
{
	static char buf[256];
	size_t n = rt_strlcpy(buf, prefix, sizeof buf);

	if (n < sizeof buf)
		rt_strlcpy(buf + n, why ? why : "error", sizeof buf - n);
	return buf;
}

/* ---- one input profile, validated ---------------------------------------- */

struct in_module {
	uint32_t id;
	uint8_t build_id_len;
	const uint8_t *build_id;
	const char *path;
	uint64_t bias, lo, hi;
	size_t out;                  /* index of its pool module */
};

struct view {
	const unsigned char *p;      /* bytes [0, h.end) of the file */
	struct vpr_file_header h;
	struct in_module *mods;      /* sorted by id */
	size_t n_mods, cap_mods;
	const struct vpr_edges **tabs;   /* the selected table of each shard */
	size_t n_tabs, cap_tabs;
	const struct vpr_arcs **arcs;
	size_t n_arcs, cap_arcs;
	const struct vpr_gcov_object **recs;
	size_t n_recs, cap_recs;
	const struct vpr_values **chunks;   /* value arena, by chunk number */
	size_t n_chunks, cap_chunks;
	uint64_t runs;               /* runs summed in it */
};

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Checks the header, as tools/raw_read.c does. 0, or -1 with *why. */
static int check_header(const struct vpr_file_header *h, uint64_t size, const char **why)
{
	uint64_t ps = h->page_size;

	*why = "not a valid raw profile";
	if (size < sizeof *h || memcmp(h->magic, VPR_MAGIC, sizeof h->magic) != 0 ||
	    h->version != VPR_VERSION || h->byte_order != VPR_BYTE_ORDER ||
	    h->header_size != sizeof *h)
		return -1;
	if (ps < 4096 || ps > (1u << 30) || !is_pow2(ps) || h->first_section < ps ||
	    h->first_section % ps || h->end < h->first_section || h->end % ps || h->end > size)
		return -1;
	if ((h->mode != VPR_MODE_COUNT && h->mode != VPR_MODE_TIME) ||
	    (h->clock != VPR_CLOCK_TSC && h->clock != VPR_CLOCK_MONOTONIC) ||
	    h->pid <= 0 || h->ppid < 0 || !memchr(h->host, '\0', sizeof h->host) ||
	    !memchr(h->exe_path, '\0', sizeof h->exe_path))
		return -1;
	return 0;
}

static int parse_modules(struct arena *a, struct view *v, uint64_t off, uint64_t size)
{
	const struct vpr_modules *m = (const void *)(v->p + off);
	uint64_t at = 0;
	uint32_t i;

	if (m->used > size - sizeof *m || m->used % 8)
		return -1;
	for (i = 0; i < m->n_records; i++) {
		const struct vpr_module_record *r =
		        (const void *)(v->p + off + sizeof *m + at);
		struct in_module *im;

		if (m->used - at < sizeof *r || r->record_size < sizeof *r + 1 ||
		    r->record_size % 8 || r->record_size > m->used - at ||
		    r->path_len == 0 || (uint64_t)r->path_len + 1 > r->record_size - sizeof *r ||
		    r->path[r->path_len] != '\0' || memchr(r->path, '\0', r->path_len) ||
		    r->build_id_len > VPR_BUILD_ID_MAX || r->lo >= r->hi)
			return -1;
		if (vec_grow(a, (void **)&v->mods, v->n_mods, &v->cap_mods, sizeof *v->mods))
			return -1;
		im = &v->mods[v->n_mods++];
		im->id = r->id;
		im->build_id_len = r->build_id_len;
		im->build_id = r->build_id;
		im->path = r->path;
		im->bias = r->load_bias;
		im->lo = r->lo;
		im->hi = r->hi;
		at += r->record_size;
	}
	return 0;
}

static int parse_table(struct arena *a, struct view *v, uint64_t off, uint64_t size)
{
	const struct vpr_edges *t = (const void *)(v->p + off);
	uint32_t want = v->h.mode == VPR_MODE_TIME ? sizeof(struct vpr_edge_time)
	                                           : sizeof(struct vpr_edge_count);

	if (t->entry_size != want || t->shard_id == 0 || t->live > 1 ||
	    !is_pow2(t->capacity) || t->entries_offset < sizeof *t ||
	    t->entries_offset % 8 || t->entries_offset > size ||
	    t->capacity > (size - t->entries_offset) / t->entry_size)
		return -1;
	if (vec_grow(a, (void **)&v->tabs, v->n_tabs, &v->cap_tabs, sizeof *v->tabs))
		return -1;
	v->tabs[v->n_tabs++] = t;
	return 0;
}

static int parse_arcs(struct arena *a, struct view *v, uint64_t off, uint64_t size)
{
	const struct vpr_arcs *s = (const void *)(v->p + off);
	size_t i;

	if (s->arcs_id == 0)
		return -1;
	if (s->mode == 0 && s->data_size == 0)
		return 0;
	if ((s->mode != VPR_ARCS_IN_PLACE && s->mode != VPR_ARCS_COPY) ||
	    s->data_offset < sizeof *s || s->data_offset % 8 || s->data_offset > size ||
	    s->data_size % 8 || s->data_size > size - s->data_offset)
		return -1;
	for (i = 0; i < v->n_arcs; i++)
		if (v->arcs[i]->arcs_id == s->arcs_id)
			return -1;
	if (vec_grow(a, (void **)&v->arcs, v->n_arcs, &v->cap_arcs, sizeof *v->arcs))
		return -1;
	v->arcs[v->n_arcs++] = s;
	return 0;
}

/* One chunk of the value arena, checked as tools/raw_read.c does. */
static int parse_values(struct arena *a, struct view *v, uint64_t off, uint64_t size)
{
	const struct vpr_values *c = (const void *)(v->p + off);
	size_t i;

	if (c->chunk_entries == 0 || c->entries_offset < sizeof *c || c->entries_offset % 8 ||
	    c->entries_offset > size ||
	    (size - c->entries_offset) / sizeof(struct vpr_value_entry) < c->chunk_entries ||
	    c->chunk >= (1u << 20) ||
	    (v->n_chunks && v->chunks[0] && v->chunks[0]->chunk_entries != c->chunk_entries))
		return -1;
	for (i = 0; i < v->n_chunks; i++)
		if (v->chunks[i] && v->chunks[i]->chunk_entries != c->chunk_entries)
			return -1;
	while (v->n_chunks <= c->chunk) {
		if (vec_grow(a, (void **)&v->chunks, v->n_chunks, &v->cap_chunks, sizeof *v->chunks))
			return -1;
		v->chunks[v->n_chunks++] = NULL;
	}
	if (v->chunks[c->chunk])
		return -1;
	v->chunks[c->chunk] = c;
	return 0;
}

/* Value kinds a record lists per function (VPR_GCOV_HAS_KINDS). */
static unsigned rec_other(const struct vpr_gcov_object *r)
{
	return (r->flags & VPR_GCOV_HAS_KINDS)
	       ? (unsigned)__builtin_popcount(r->counter_mask & ~1u) : 0;
}

/* The (num, offset) of each (function, value kind) of r. */
static const struct vpr_gcov_counters *rec_kinds(const struct vpr_gcov_object *r)
{
	return (const void *)((const struct vpr_gcov_function *)(r + 1) + r->n_functions);
}

static int parse_gcov(struct arena *a, struct view *v, uint64_t off, uint64_t size)
{
	const struct vpr_modules *m = (const void *)(v->p + off);
	uint64_t at = 0;
	uint32_t i;

	if (m->used > size - sizeof *m || m->used % 8)
		return -1;
	for (i = 0; i < m->n_records; i++) {
		const struct vpr_gcov_object *r = (const void *)(v->p + off + sizeof *m + at);
		const char *name;

		if (m->used - at < sizeof *r || r->record_size < sizeof *r + 8 ||
		    r->record_size % 8 || r->record_size > m->used - at ||
		    (r->flags & ~VPR_GCOV_HAS_KINDS) ||
		    (uint64_t)r->n_functions * (sizeof(struct vpr_gcov_function) +
		                                rec_other(r) * sizeof(struct vpr_gcov_counters)) +
		    sizeof *r + r->filename_len + 1 > r->record_size)
			return -1;
		name = (const char *)(rec_kinds(r) + (uint64_t)r->n_functions * rec_other(r));
		if (r->filename_len == 0 || name[r->filename_len] != '\0' ||
		    memchr(name, '\0', r->filename_len))
			return -1;
		if (vec_grow(a, (void **)&v->recs, v->n_recs, &v->cap_recs, sizeof *v->recs))
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

static const char *gcov_name(const struct vpr_gcov_object *r)
{
	return (const char *)(rec_kinds(r) + (uint64_t)r->n_functions * rec_other(r));
}

static int dropped_fn(const struct vpr_gcov_function *f)
{
	return f->arcs_offset == UINT64_MAX && f->n_arcs == 0 && f->ident == 0 &&
	       f->lineno_checksum == 0 && f->cfg_checksum == 0;
}

/* Every function of every gcov record lies inside its arcs section. */
static int check_gcov_refs(const struct view *v)
{
	size_t i;
	uint32_t k;

	for (i = 0; i < v->n_recs; i++) {
		const struct vpr_gcov_object *r = v->recs[i];
		const struct vpr_gcov_function *f = (const void *)(r + 1);
		const struct vpr_arcs *s = arcs_by_id(v, r->arcs_id);

		if (!s)
			return -1;
		for (k = 0; k < r->n_functions; k++) {
			const struct vpr_gcov_counters *kc = rec_kinds(r) + (uint64_t)k * rec_other(r);
			uint64_t bytes = (uint64_t)f[k].n_arcs * 8;
			unsigned c;
			if (dropped_fn(&f[k]))
				continue;
			if (f[k].arcs_offset % 8 || f[k].arcs_offset > s->data_size ||
			    bytes > s->data_size - f[k].arcs_offset)
				return -1;
			for (c = 0; c < rec_other(r); c++)
				if (kc[c].offset % 8 || kc[c].offset > s->data_size ||
				    (uint64_t)kc[c].num * 8 > s->data_size - kc[c].offset)
					return -1;
		}
	}
	return 0;
}

/* Keeps, per shard, only the live table of the highest generation. */
static int select_tables(struct view *v)
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
				return -1;
			if (o->generation > t->generation)
				keep = 0;
		}
		if (keep)
			v->tabs[n++] = t;
	}
	v->n_tabs = n;
	return 0;
}

/*
 * Validates the raw profile in p[0, size) (everything a reader checks
 * before following an offset) and indexes it into v. 0, or -1 with *why.
 */
static int view_parse(struct arena *a, struct view *v, const unsigned char *p,
                      uint64_t size, const char **why)
{
	uint64_t off, count = 0;
	size_t i, j;

	memset(v, 0, sizeof *v);
	v->p = p;
	if (size < sizeof v->h)
		return *why = "not a valid raw profile", -1;
	memcpy(&v->h, p, sizeof v->h);
	if (check_header(&v->h, size, why) != 0)
		return -1;
	for (off = v->h.first_section; off < v->h.end; count++) {
		const struct vpr_section *s = (const void *)(p + off);
		int rc;

		if (v->h.end - off < v->h.page_size || s->magic != VPR_SECTION_MAGIC ||
		    s->offset != off || s->size < v->h.page_size || s->size % v->h.page_size ||
		    s->size > v->h.end - off)
			return -1;
		switch (s->type) {
		case VPR_SEC_MODULES: rc = parse_modules(a, v, off, s->size); break;
		case VPR_SEC_EDGES:   rc = parse_table(a, v, off, s->size); break;
		case VPR_SEC_ARCS:    rc = parse_arcs(a, v, off, s->size); break;
		case VPR_SEC_GCOV:    rc = parse_gcov(a, v, off, s->size); break;
		case VPR_SEC_VALUES:  rc = parse_values(a, v, off, s->size); break;
		default:              rc = -1;
		}
		if (rc != 0)
			return -1;
		off += s->size;
	}
	if (count != v->h.n_sections || select_tables(v) != 0 || check_gcov_refs(v) != 0)
		return -1;
	/* Modules by id (insertion sort: a few hundred at most); ids unique. */
	for (i = 1; i < v->n_mods; i++) {
		struct in_module m = v->mods[i];
		for (j = i; j > 0 && v->mods[j - 1].id > m.id; j--)
			v->mods[j] = v->mods[j - 1];
		v->mods[j] = m;
	}
	for (i = 1; i < v->n_mods; i++)
		if (v->mods[i].id == v->mods[i - 1].id)
			return -1;
	v->runs = v->h.merged_runs ? v->h.merged_runs : 1;
	return 0;
}

/* ---- the merged profile --------------------------------------------------- */

struct out_module {
	const struct in_module *src;  /* path and build-id */
	uint64_t bias, lo, hi;
	int input;                    /* which input first had it */
};

/* The counters of one (function, value kind), in .gcda form. */
struct out_kind {
	int64_t *v;
	uint64_t words;
};

struct out_gcov {
	const struct vpr_gcov_object *tmpl;  /* record the functions come from */
	int64_t *counts;              /* arc counters, packed in function order */
	uint64_t n_counts;
	uint64_t runs;                /* runs whose counters were added */
	struct out_kind *kinds;       /* n_functions x rec_other(tmpl) */
	uint64_t kind_words;          /* their counters in memory form */
	uint64_t entries;             /* their topn entries */
	uint64_t object;              /* vpr_arcs.object of its loaded object */
};

struct merge {
	struct arena a;
	struct out_module *mods;
	size_t n_mods, cap_mods;
	struct out_gcov *gcov;
	size_t n_gcov, cap_gcov;
	uint64_t lost_calls, lost_frames, lost_sections;
	const char *why;              /* the reason of a refusal */
};

static int same_object(const struct in_module *x, const struct in_module *y)
{
	if (x->build_id_len || y->build_id_len)
		return x->build_id_len == y->build_id_len &&
		       memcmp(x->build_id, y->build_id, x->build_id_len) == 0;
	return strcmp(x->path, y->path) == 0;
}

/* Gives every module of v a pool module (input: 0 the pool, 1 this run). */
static int map_modules(struct merge *m, struct view *v, int input)
{
	size_t i, k;

	for (i = 0; i < v->n_mods; i++) {
		struct in_module *im = &v->mods[i];
		struct out_module *om;
		uint64_t delta = 0, top = 0;
		int overlap = 0;

		for (k = 0; k < m->n_mods; k++)
			if (same_object(m->mods[k].src, im))
				break;
		if (k < m->n_mods) {
			if (m->mods[k].hi - m->mods[k].lo != im->hi - im->lo)
				return m->why = "an object has another size than in the pool", -1;
			im->out = k;
			continue;
		}
		for (k = 0; k < m->n_mods; k++) {
			if (m->mods[k].input != input && strcmp(m->mods[k].src->path, im->path) == 0)
				return m->why = "the pool holds another build of a loaded object", -1;
			if (m->mods[k].lo < im->hi && im->lo < m->mods[k].hi)
				overlap = 1;
			if (m->mods[k].hi > top)
				top = m->mods[k].hi;
		}
		if (overlap) {
			uint64_t lo = ((top + RELOCATE_ALIGN - 1) & ~(RELOCATE_ALIGN - 1)) +
			              (im->lo & (RELOCATE_ALIGN - 1));
			if (lo < top || lo + (im->hi - im->lo) < lo)
				return m->why = "no address room for an object", -1;
			delta = lo - im->lo;
		}
		if (vec_grow(&m->a, (void **)&m->mods, m->n_mods, &m->cap_mods, sizeof *m->mods))
			return m->why = "out of memory", -1;
		om = &m->mods[m->n_mods];
		om->src = im;
		om->bias = im->bias + delta;
		om->lo = im->lo + delta;
		om->hi = im->hi + delta;
		om->input = input;
		im->out = m->n_mods++;
	}
	return 0;
}

/* addr of v in the pool's address space. 0, or -1 when in no object. */
static int translate(const struct merge *m, const struct view *v, uint64_t addr,
                     uint64_t *out)
{
	size_t i;

	if (addr == VPR_SITE_FUNCTION) {
		*out = addr;
		return 0;
	}
	for (i = v->n_mods; i > 0; i--) {      /* the later record owns overlaps */
		const struct in_module *im = &v->mods[i - 1];
		if (addr >= im->lo && addr < im->hi) {
			*out = addr - im->bias + m->mods[im->out].bias;
			return 0;
		}
	}
	return -1;
}

/* Nanoseconds per tick of v as (num, den), or -1 when not calibrated. */
static int tick_rate(const struct vpr_file_header *h, uint64_t *num, uint64_t *den)
{
	unsigned __int128 dt, dn;

	if (h->clock == VPR_CLOCK_MONOTONIC) {
		*num = *den = 1;
		return 0;
	}
	if (h->calib_tick1 <= h->calib_tick0 || h->calib_ns1 <= h->calib_ns0)
		return -1;
	dt = h->calib_tick1 - h->calib_tick0;
	dn = h->calib_ns1 - h->calib_ns0;
	if (dn * 1000 < dt || dn > dt * 1000)
		return -1;
	*num = (uint64_t)dn;
	*den = (uint64_t)dt;
	return 0;
}

static uint64_t to_ns(uint64_t ticks, uint64_t num, uint64_t den)
{
	unsigned __int128 ns = (unsigned __int128)ticks * num / den;
	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

static uint64_t count_slots(const struct view *v)
{
	uint64_t n = 0, i;
	size_t t;

	for (t = 0; t < v->n_tabs; t++) {
		const struct vpr_edges *e = v->tabs[t];
		const unsigned char *slots = (const unsigned char *)e + e->entries_offset;
		for (i = 0; i < e->capacity; i++)
			if (((const uint64_t *)(slots + i * e->entry_size))[1])
				n++;
	}
	return n;
}

/* Adds the selected tables of v into the pool's table t (time: in ns). */
static int add_edges(struct merge *m, const struct view *v, struct vpr_edges *t)
{
	unsigned char *out = (unsigned char *)t + t->entries_offset;
	unsigned shift = 64u - (63u - (unsigned)__builtin_clzll(t->capacity));
	uint64_t num = 1, den = 1, i;
	size_t k;
	int timed = t->entry_size == sizeof(struct vpr_edge_time);

	if (timed && tick_rate(&v->h, &num, &den) != 0)
		return m->why = "time-mode clock not calibrated", -1;
	for (k = 0; k < v->n_tabs; k++) {
		const struct vpr_edges *e = v->tabs[k];
		const unsigned char *slots = (const unsigned char *)e + e->entries_offset;

		m->lost_calls += e->lost_calls;
		m->lost_frames += e->lost_frames;
		for (i = 0; i < e->capacity; i++) {
			const uint64_t *s = (const uint64_t *)(slots + i * e->entry_size);
			uint64_t site, fn, *d;

			if (!s[1])
				continue;
			if (s[0] == VPR_SITE_FUNCTION && !timed)
				return m->why = "a function record in a count-mode table", -1;
			if (s[2] == 0 && (!timed || (s[3] == 0 && s[4] == 0)))
				continue;
			if (translate(m, v, s[0], &site) != 0 || translate(m, v, s[1], &fn) != 0) {
				if (s[0] != VPR_SITE_FUNCTION)
					m->lost_calls += s[2];
				continue;
			}
			d = vpr_edges_probe(out, t->capacity - 1, shift, t->entry_size, site, fn);
			if (d[1] == 0) {
				d[0] = site;
				d[1] = fn;
				t->n_used++;
			}
			if (site != VPR_SITE_FUNCTION)
				d[2] += s[2];
			if (timed) {
				d[3] += to_ns(s[3], num, den);
				if (site != VPR_SITE_FUNCTION)
					d[4] += to_ns(s[4], num, den);
			}
		}
	}
	return 0;
}

/* 1 if the function tables of two gcov records are the same build's. */
static int same_gcov(const struct vpr_gcov_object *x, const struct vpr_gcov_object *y)
{
	const struct vpr_gcov_function *fx = (const void *)(x + 1), *fy = (const void *)(y + 1);
	uint32_t i;

	const struct vpr_gcov_counters *kx = rec_kinds(x), *ky = rec_kinds(y);
	uint64_t c;

	if (x->version != y->version || x->stamp != y->stamp || x->checksum != y->checksum ||
	    x->n_functions != y->n_functions || x->counter_mask != y->counter_mask ||
	    x->flags != y->flags)
		return 0;
	for (i = 0; i < x->n_functions; i++)
		if (fx[i].ident != fy[i].ident || fx[i].lineno_checksum != fy[i].lineno_checksum ||
		    fx[i].cfg_checksum != fy[i].cfg_checksum || fx[i].n_arcs != fy[i].n_arcs ||
		    dropped_fn(&fx[i]) != dropped_fn(&fy[i]))
			return 0;
	for (c = 0; c < (uint64_t)x->n_functions * rec_other(x); c++)
		if (kx[c].num != ky[c].num)
			return 0;
	return 1;
}

/* Counter kind of the c-th value kind of r (bit c + 1 of its mask's bits
 * above 0). */
static unsigned kind_of(const struct vpr_gcov_object *r, unsigned c)
{
	unsigned t;

	for (t = 1; t < 32; t++)
		if ((r->counter_mask & (1u << t)) && c-- == 0)
			return t;
	return 0;
}

/*
 * The counters of (function, value kind) kc of v in .gcda form, in arena
 * memory: a topn site's list is followed through v's value arena (each
 * reference checked, at most 1024 entries). NULL with m->why on failure.
 */
static int64_t *read_kind(struct merge *m, const struct view *v, const unsigned char *data,
                          const struct vpr_gcov_counters *kc, unsigned t, uint64_t *words)
{
	const int64_t *mem = (const int64_t *)(data + kc->offset);
	uint64_t sites = kc->num / 3, n = 0, s, cap;
	int64_t *out;

	if (!vpr_kind_is_topn(t) || t >= 8) {
		out = arena_alloc(&m->a, kc->num ? kc->num * 8 : 8);
		if (!out)
			return m->why = "out of memory", NULL;
		memcpy(out, mem, kc->num * 8);
		*words = t < 8 ? kc->num : 0;
		return out;
	}
	if (kc->num % 3)
		return m->why = "a topn counter is not whole sites", NULL;
	cap = 2 * sites;
	for (s = 0; s < sites; s++) {       /* count first: one allocation */
		uint64_t ref = (uint64_t)mem[3 * s + 2], len = 0;
		while (ref) {
			uint64_t i = ref - 1, ce = v->n_chunks && v->chunks[0]
			                           ? v->chunks[0]->chunk_entries : 0;
			const struct vpr_values *c;
			if (!ce || i / ce >= v->n_chunks || !(c = v->chunks[i / ce]) || ++len > 1024)
				return m->why = "a value reference names no entry of the arena", NULL;
			ref = ((const struct vpr_value_entry *)((const unsigned char *)c +
			                                         c->entries_offset))[i % ce].next;
		}
		cap += 2 * len;
	}
	out = arena_alloc(&m->a, cap ? cap * 8 : 8);
	if (!out)
		return m->why = "out of memory", NULL;
	for (s = 0; s < sites; s++) {
		uint64_t ref = (uint64_t)mem[3 * s + 2], at = n + 1;
		out[n++] = mem[3 * s];
		out[n++] = 0;
		while (ref) {
			uint64_t i = ref - 1, ce = v->chunks[0]->chunk_entries;
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

/* Topn entries of a .gcda-form topn record of words words. */
static uint64_t topn_entries(const int64_t *v, uint64_t words)
{
	uint64_t i = 0, n = 0;

	while (i < words) {
		n += (uint64_t)v[i + 1];
		i += 2 + 2 * (uint64_t)v[i + 1];
	}
	return n;
}

/*
 * Adds the value kinds of record r of v into g: taken when g is new,
 * else merged with g's as libgcov merges a run (v) into a .gcda (g).
 */
static int add_kinds(struct merge *m, const struct view *v, const struct vpr_gcov_object *r,
                     const unsigned char *data, struct out_gcov *g, int fresh)
{
	const struct vpr_gcov_function *f = (const void *)(r + 1);
	unsigned n_other = rec_other(r), c;
	uint32_t j;

	for (c = 0; c < n_other; c++)
		if (kind_of(r, c) >= 8)
			return m->why = "GCC 14 condition counters are not merged", -1;
	if (fresh) {
		g->kinds = arena_alloc(&m->a, ((uint64_t)r->n_functions * n_other + 1) *
		                              sizeof *g->kinds);
		if (!g->kinds)
			return m->why = "out of memory", -1;
	}
	g->kind_words = g->entries = 0;
	for (j = 0; j < r->n_functions; j++) {
		for (c = 0; c < n_other; c++) {
			const struct vpr_gcov_counters *kc = rec_kinds(r) + (uint64_t)j * n_other + c;
			struct out_kind *k = &g->kinds[(uint64_t)j * n_other + c];
			unsigned t = kind_of(r, c);
			uint64_t words;
			int64_t *run;

			if (dropped_fn(&f[j])) {
				if (fresh)
					k->v = NULL, k->words = 0;
				continue;
			}
			run = read_kind(m, v, data, kc, t, &words);
			if (!run)
				return -1;
			if (fresh) {
				k->v = run;
				k->words = words;
			} else if (!vpr_kind_is_topn(t)) {
				if (t < 8 && vpr_fixed_merge(t, k->v, run, words) != 0)
					return m->why = "count overflow in a value-profile counter", -1;
			} else {
				int64_t *out = arena_alloc(&m->a, (k->words + words + 2) * 8);
				uint64_t fi = 0, ri = 0, n = 0;
				if (!out)
					return m->why = "out of memory", -1;
				while (fi < k->words && ri < words) {
					int64_t w = vpr_topn_merge_site(k->v + fi, run + ri, out + n);
					if (w < 0)
						return m->why = "count overflow in a value-profile counter", -1;
					n += (uint64_t)w;
					fi += 2 + 2 * (uint64_t)k->v[fi + 1];
					ri += 2 + 2 * (uint64_t)run[ri + 1];
				}
				k->v = out;
				k->words = n;
			}
			g->kind_words += kc->num;
			if (vpr_kind_is_topn(t))
				g->entries += topn_entries(k->v, k->words);
		}
	}
	return 0;
}

/* Adds the arc counters of every gcov object of v into m->gcov. */
static int add_gcov(struct merge *m, const struct view *v)
{
	size_t i, k;

	for (i = 0; i < v->n_recs; i++) {
		const struct vpr_gcov_object *r = v->recs[i];
		const struct vpr_gcov_function *f = (const void *)(r + 1);
		const struct vpr_arcs *s = arcs_by_id(v, r->arcs_id);
		const unsigned char *data = (const unsigned char *)s + s->data_offset;
		struct out_gcov *g;
		uint64_t at = 0;
		uint32_t j;
		int fresh;

		if (s->mode == VPR_ARCS_COPY && s->n_copies == 0) {
			m->lost_sections++;          /* counts unknown, not zero */
			continue;
		}
		for (k = 0; k < m->n_gcov; k++)
			if (strcmp(gcov_name(m->gcov[k].tmpl), gcov_name(r)) == 0)
				break;
		if (k < m->n_gcov && !same_gcov(m->gcov[k].tmpl, r))
			return m->why = "the pool's gcov data is of another build (stamp or"
			                " checksums differ)", -1;
		fresh = k == m->n_gcov;
		if (k == m->n_gcov) {
			uint64_t n = 0;
			if (vec_grow(&m->a, (void **)&m->gcov, m->n_gcov, &m->cap_gcov, sizeof *m->gcov))
				return m->why = "out of memory", -1;
			for (j = 0; j < r->n_functions; j++)
				n += f[j].n_arcs;
			g = &m->gcov[m->n_gcov];
			g->tmpl = r;
			g->object = s->object;
			g->n_counts = n;
			g->runs = 0;
			g->counts = arena_alloc(&m->a, n ? n * 8 : 8);
			if (!g->counts)
				return m->why = "out of memory", -1;
			memset(g->counts, 0, n ? n * 8 : 8);
			m->n_gcov++;
		}
		g = &m->gcov[k];
		if (rec_other(r) && add_kinds(m, v, r, data, g, fresh) != 0)
			return -1;
		for (j = 0; j < r->n_functions; j++) {
			uint32_t c;
			for (c = 0; c < f[j].n_arcs; c++) {
				int64_t val;
				memcpy(&val, data + f[j].arcs_offset + 8u * c, sizeof val);
				g->counts[at + c] = (int64_t)((uint64_t)g->counts[at + c] + (uint64_t)val);
			}
			at += f[j].n_arcs;
		}
		g->runs += v->h.merged_runs ? s->n_copies : 1;
	}
	return 0;
}

static uint64_t round_up(uint64_t n, uint64_t to)
{
	return (n + to - 1) & ~(to - 1);
}

static uint32_t module_record_size(const struct in_module *im)
{
	return (uint32_t)((sizeof(struct vpr_module_record) + strlen(im->path) + 1 + 7) & ~7u);
}

static uint64_t gcov_record_size(const struct vpr_gcov_object *r)
{
	return (sizeof *r + r->n_functions * (sizeof(struct vpr_gcov_function) +
	                                      rec_other(r) * sizeof(struct vpr_gcov_counters)) +
	        r->filename_len + 1 + 7) & ~(uint64_t)7;
}

/*
 * Writes g's value kinds in memory form at data, kind by kind and function
 * by function (the runtime's copy-mode packing): a topn site as [run
 * count, entries, reference of the first], its list appended to entries
 * (*next the next free one; references from 1).
 */
static void put_kinds(const struct out_gcov *g, int64_t *data,
                      struct vpr_value_entry *entries, uint64_t *next)
{
	const struct vpr_gcov_object *r = g->tmpl;
	const struct vpr_gcov_counters *sk = rec_kinds(r);
	unsigned n_other = rec_other(r), c;
	uint32_t j;

	for (c = 0; c < n_other; c++) {
		unsigned t = kind_of(r, c);
		for (j = 0; j < r->n_functions; j++) {
			const struct out_kind *k = &g->kinds[(uint64_t)j * n_other + c];
			uint64_t num = sk[(uint64_t)j * n_other + c].num, i = 0, s = 0;
			if (!vpr_kind_is_topn(t)) {
				if (k->words)
					memcpy(data, k->v, k->words * 8);
				data += num;
				continue;
			}
			while (i < k->words) {
				int64_t n = k->v[i + 1], e;
				data[3 * s] = k->v[i];
				data[3 * s + 1] = n;
				data[3 * s + 2] = n ? (int64_t)(*next + 1) : 0;
				for (e = 0; e < n; e++) {
					struct vpr_value_entry *x = &entries[(*next)++];
					x->value = k->v[i + 2 + 2 * e];
					x->count = k->v[i + 3 + 2 * e];
					x->next = e + 1 < n ? *next + 1 : 0;
				}
				i += 2 + 2 * (uint64_t)n;
				s++;
			}
			data += num;
		}
	}
}

/* Appends a section header at *end of the image; returns the section. */
static void *put_section(unsigned char *img, struct vpr_file_header *h, uint32_t type,
                         uint64_t size)
{
	struct vpr_section *s = (struct vpr_section *)(img + h->end);

	s->magic = VPR_SECTION_MAGIC;
	s->type = type;
	s->offset = h->end;
	s->size = size;
	h->end += size;
	h->n_sections++;
	return s;
}

/*
 * Sleeps for VITPROF_TEST_MERGE_SLEEP_MS (a test hook, see docs/runtime.md):
 * 1 to 5 decimal digits, at most TEST_SLEEP_MAX_MS; any other value is
 * ignored.
 */
static void test_hook_sleep(void)
{
	const char *e = secure_getenv("VITPROF_TEST_MERGE_SLEEP_MS");
	unsigned long ms = 0;
	struct timespec ts;
	size_t i;

	for (i = 0; e && e[i] >= '0' && e[i] <= '9' && i < 5; i++)
		ms = ms * 10 + (unsigned long)(e[i] - '0');
	if (!e || !i || e[i] || ms > TEST_SLEEP_MAX_MS)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * Creates the temporary file path, new, exclusively, mode 0600: a stale one
 * (a killed merger's) is removed first when it is ours (rt_path_check);
 * anything else there is left alone and the merge refused. Returns the fd
 * (*st its fstat) or -1 with m->why.
 */
static int create_temp(struct merge *m, const char *path, struct stat *st)
{
	const char *why;
	int fd, kind = rt_path_check(path, NULL, &why);

	if (kind == RT_PATH_REFUSED)
		return m->why = merge_why("its temporary file (.tmp): ", why), -1;
	if (kind == RT_PATH_OURS && unlink(path) != 0 && errno != ENOENT)
		return m->why = "cannot remove the stale temporary file", -1;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return m->why = merge_why("its temporary file (.tmp): ",
		                          strerrordesc_np(errno)), -1;
	if (fstat(fd, st) != 0) {
		/* Left as a stale temporary file of ours: the next merger
		 * replaces it. */
		m->why = strerrordesc_np(errno);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Writes the sum of pool (NULL: none yet) and run to path, a new file
 * (replacing a stale one of ours). 0 and *tmp_st its stat, or -1 with m->why
 * (and the file removed).
 */
static int write_merged(struct merge *m, const struct view *pool, struct view *run,
                        const char *path, struct stat *tmp_st)
{
	const struct view *first = pool ? pool : run;
	uint64_t page = rt_g.page_size, total, mod_bytes = 0, gcov_bytes = 0, n_slots;
	uint64_t cap = 0, edges_size = 0, n_entries = 0, next_entry = 0;
	struct vpr_value_entry *entries = NULL;
	uint32_t es = run->h.mode == VPR_MODE_TIME ? sizeof(struct vpr_edge_time)
	                                           : sizeof(struct vpr_edge_count);
	struct vpr_file_header *h;
	struct vpr_modules *ms;
	unsigned char *img;
	size_t i;
	int fd, err;

	n_slots = (pool ? count_slots(pool) : 0) + count_slots(run);
	for (i = 0; i < m->n_mods; i++)
		mod_bytes += module_record_size(m->mods[i].src);
	for (i = 0; i < m->n_gcov; i++)
		gcov_bytes += gcov_record_size(m->gcov[i].tmpl);
	total = page + round_up(sizeof *ms + mod_bytes, page);
	if (n_slots) {
		for (cap = 64; cap < 2 * n_slots; cap *= 2)
			;
		edges_size = round_up(VPR_EDGES_ENTRIES_OFFSET + cap * es, page);
		total += edges_size;
	}
	for (i = 0; i < m->n_gcov; i++) {
		total += page + round_up((m->gcov[i].n_counts + m->gcov[i].kind_words) * 8, page);
		n_entries += m->gcov[i].entries;
	}
	if (n_entries)
		total += round_up(RT_VALUES_ENTRIES_OFFSET + n_entries * sizeof(struct vpr_value_entry),
		                  page);
	if (m->n_gcov)
		total += round_up(sizeof *ms + gcov_bytes, page);

	fd = create_temp(m, path, tmp_st);
	if (fd < 0)
		return -1;
	err = rt_fallocate(fd, 0, total);
	img = err ? MAP_FAILED : mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (img == MAP_FAILED) {
		m->why = strerrordesc_np(err ? err : errno);
		close(fd);
		rt_unlink_same(path, tmp_st);
		return -1;
	}

	/* Header: the first input's identity, the sums of both. */
	h = (struct vpr_file_header *)img;
	memcpy(h, &first->h, sizeof *h);
	h->page_size = (uint32_t)page;
	h->first_section = page;
	h->end = page;
	h->n_sections = 0;
	h->state = VPR_STATE_EXITED;
	h->flags = 0;
	if (pool) {
		if (run->h.start_realtime_ns < h->start_realtime_ns)
			h->start_realtime_ns = run->h.start_realtime_ns;
		if (run->h.end_realtime_ns > h->end_realtime_ns)
			h->end_realtime_ns = run->h.end_realtime_ns;
		h->n_threads += run->h.n_threads;
		h->lost_calls += run->h.lost_calls;
		h->lost_sections += run->h.lost_sections;
		h->lost_values += run->h.lost_values;
	}
	h->lost_sections += m->lost_sections; /* gcov objects of unknown counts */
	h->merged_runs = (pool ? pool->runs : 0) + run->runs;
	if (h->mode == VPR_MODE_TIME) {
		/* Ticks were turned into nanoseconds while adding. */
		h->clock = VPR_CLOCK_MONOTONIC;
		h->calib_tick0 = h->calib_ns0 = 0;
		h->calib_tick1 = h->calib_ns1 = 0;
	}

	/* Modules, in pool order. */
	ms = put_section(img, h, VPR_SEC_MODULES, round_up(sizeof *ms + mod_bytes, page));
	for (i = 0; i < m->n_mods; i++) {
		const struct out_module *om = &m->mods[i];
		struct vpr_module_record *r = (void *)((unsigned char *)(ms + 1) + ms->used);
		size_t len = strlen(om->src->path);
		r->record_size = module_record_size(om->src);
		r->id = (uint32_t)i;
		r->load_bias = om->bias;
		r->lo = om->lo;
		r->hi = om->hi;
		r->build_id_len = om->src->build_id_len;
		memcpy(r->build_id, om->src->build_id, om->src->build_id_len);
		r->path_len = (uint16_t)len;
		memcpy(r->path, om->src->path, len + 1);
		ms->used += r->record_size;
		ms->n_records++;
	}
	test_hook_sleep();

	/* One edge table holding every edge. */
	if (n_slots) {
		struct vpr_edges *t = put_section(img, h, VPR_SEC_EDGES, edges_size);
		t->shard_id = 1;
		t->live = 1;
		t->entry_size = es;
		t->capacity = cap;
		t->entries_offset = VPR_EDGES_ENTRIES_OFFSET;
		if ((pool && add_edges(m, pool, t) != 0) || add_edges(m, run, t) != 0)
			goto fail;
		t->lost_frames = m->lost_frames;
		/* The tables' losses, and edges outside every object. */
		h->lost_calls += m->lost_calls;
	}

	if (!n_slots) {
		/* No edge at all (arcs only): the tables' losses still count. */
		size_t k;
		for (k = 0; pool && k < pool->n_tabs; k++)
			h->lost_calls += pool->tabs[k]->lost_calls;
		for (k = 0; k < run->n_tabs; k++)
			h->lost_calls += run->tabs[k]->lost_calls;
	}

	/* The value arena (every topn list of the pool), then one copy-mode
	 * arcs section per gcov object: arcs, then each value kind function by
	 * function, as the runtime packs them; then their records. */
	if (n_entries) {
		struct vpr_values *c = put_section(img, h, VPR_SEC_VALUES,
		        round_up(RT_VALUES_ENTRIES_OFFSET + n_entries * sizeof *entries, page));
		c->chunk = 0;
		c->chunk_entries = (uint32_t)n_entries;
		c->entries_offset = RT_VALUES_ENTRIES_OFFSET;
		entries = (struct vpr_value_entry *)((unsigned char *)c + RT_VALUES_ENTRIES_OFFSET);
	}
	for (i = 0; i < m->n_gcov; i++) {
		struct out_gcov *g = &m->gcov[i];
		struct vpr_arcs *a = put_section(img, h, VPR_SEC_ARCS,
		        page + round_up((g->n_counts + g->kind_words) * 8, page));
		a->arcs_id = (uint32_t)i + 1;
		a->mode = VPR_ARCS_COPY;
		a->data_offset = page;
		a->data_size = (g->n_counts + g->kind_words) * 8;
		a->n_copies = g->runs;
		a->object = g->object;
		memcpy((unsigned char *)a + page, g->counts, g->n_counts * 8);
		put_kinds(g, (int64_t *)((unsigned char *)a + page) + g->n_counts, entries,
		          &next_entry);
	}
	if (m->n_gcov) {
		struct vpr_modules *gs = put_section(img, h, VPR_SEC_GCOV,
		                                     round_up(sizeof *gs + gcov_bytes, page));
		for (i = 0; i < m->n_gcov; i++) {
			const struct vpr_gcov_object *src = m->gcov[i].tmpl;
			const struct vpr_gcov_function *sf = (const void *)(src + 1);
			struct vpr_gcov_object *r = (void *)((unsigned char *)(gs + 1) + gs->used);
			struct vpr_gcov_function *f = (void *)(r + 1);
			uint64_t packed = 0;
			uint32_t j;

			unsigned n_other = rec_other(src), c;
			struct vpr_gcov_counters *kr = (void *)(f + src->n_functions);
			const struct vpr_gcov_counters *sk = rec_kinds(src);

			*r = *src;
			r->record_size = (uint32_t)gcov_record_size(src);
			r->arcs_id = (uint32_t)i + 1;
			for (j = 0; j < src->n_functions; j++) {
				f[j] = sf[j];
				if (!dropped_fn(&sf[j]))
					f[j].arcs_offset = packed * 8;
				packed += sf[j].n_arcs;
			}
			for (c = 0; c < n_other; c++) {      /* kind by kind, as put_kinds */
				for (j = 0; j < src->n_functions; j++) {
					uint64_t x = (uint64_t)j * n_other + c;
					kr[x] = sk[x];
					if (!dropped_fn(&sf[j]))
						kr[x].offset = packed * 8;
					packed += sk[x].num;
				}
			}
			memcpy(kr + (uint64_t)src->n_functions * n_other, gcov_name(src),
			       src->filename_len + 1u);
			gs->used += r->record_size;
			gs->n_records++;
		}
	}
	if (h->end != total) {
		m->why = "internal size mismatch";
		goto fail;
	}
	munmap(img, total);
	if (close(fd) != 0) {
		m->why = strerrordesc_np(errno);
		rt_unlink_same(path, tmp_st);
		return -1;
	}
	return 0;
fail:
	munmap(img, total);
	close(fd);
	rt_unlink_same(path, tmp_st);
	return -1;
}

/* ---- the lock -------------------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * Opens the lock file lock_path: created exclusively (mode 0600), or, when
 * one is there, opened only if it is ours (a regular file owned by the
 * effective uid with one link, rt_open_own). Never follows a symlink, never
 * blocks on a FIFO. Returns the fd, or -1 with *why.
 */
static int open_lock(const char *lock_path, const char **why)
{
	struct stat st;
	int fd = -1, tries;

	*why = NULL;
	for (tries = 0; tries < 3; tries++) {
		fd = open(lock_path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || (errno != EEXIST && errno != ELOOP))
			break;
		fd = rt_open_own(lock_path, O_RDWR, &st, why);
		if (fd >= 0 || errno != ENOENT)
			break;
		*why = NULL;                 /* removed meanwhile: create it */
	}
	if (fd < 0 && !*why)
		*why = strerrordesc_np(errno);
	return fd;
}

/*
 * Takes the write lock of lock_path (created if needed, open_lock),
 * polling for up to LOCK_TIMEOUT_MS. Returns the fd holding the lock, or
 * -1 with *why. Closing the fd (or dying) releases the lock.
 */
static int lock_pool(const char *lock_path, const char **why)
{
	struct flock fl;
	uint64_t deadline = now_ms() + LOCK_TIMEOUT_MS;
	long delay_us = 500;
	int fd = open_lock(lock_path, why);
	int cmd = F_OFD_SETLK;

	if (fd < 0) {
		*why = merge_why("its lock file (.lock): ", *why);
		return -1;
	}
	for (;;) {
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, cmd, &fl) == 0)
			return fd;
		if (errno == EINVAL && cmd == F_OFD_SETLK) {
			cmd = F_SETLK;       /* a kernel older than 3.15 */
			continue;
		}
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			break;
		if (now_ms() > deadline) {
			errno = ETIMEDOUT;
			break;
		}
		{
			struct timespec ts = {0, delay_us * 1000L};
			nanosleep(&ts, NULL);
		}
		if (delay_us < 20000)
			delay_us *= 2;
	}
	*why = errno == ETIMEDOUT ? "timed out waiting for the pool's lock"
	                          : strerrordesc_np(errno);
	close(fd);
	return -1;
}

/* ---- reading the pool ------------------------------------------------------ */

/*
 * Reads the pool at path into scratch memory (*data, *size; *st its stat),
 * or sets *data NULL when there is no pool yet. Only a pool of ours is read
 * (rt_open_own: a regular file owned by the effective uid, one link, not
 * through a symlink). 0, or -1 with *why.
 */
static int read_pool(struct arena *a, const char *path, unsigned char **data,
                     uint64_t *size, struct stat *st, const char **why)
{
	struct vpr_file_header h;
	uint64_t got = 0;
	int fd = rt_open_own(path, O_RDONLY, st, why);

	*data = NULL;
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		*why = merge_why("the pool: ", *why);
		return -1;
	}
	*why = "the pool is not a valid raw profile";
	if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h ||
	    check_header(&h, (uint64_t)st->st_size, why) != 0)
		goto bad;
	*data = arena_alloc(a, h.end);
	if (!*data) {
		*why = "out of memory";
		goto bad;
	}
	while (got < h.end) {
		ssize_t n = pread(fd, *data + got, h.end - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto bad;
		got += (uint64_t)n;
	}
	close(fd);
	*size = h.end;
	return 0;
bad:
	close(fd);
	*data = NULL;
	if (*why == NULL)
		*why = "the pool is not a valid raw profile";
	return -1;
}

/* ---- the merge ------------------------------------------------------------- */

/*
 * rename(from, to) that never replaces anything at `to`: RENAME_NOREPLACE,
 * or, on a file system without it, a plain rename after a last look.
 * 0, or -1 with errno (EEXIST: something is there).
 */
static int rename_noreplace(const char *from, const char *to)
{
	struct stat st;

	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

/* The one line about a merge that did not happen. */
static void report_merge(const char *pool, const char *why)
{
	static int reported;
	char line[16 * RT_PRINT_MAX];
	size_t n;

	if (__atomic_exchange_n(&reported, 1, __ATOMIC_ACQ_REL))
		return;
	n = rt_append(line, 0, 64, "vitprof: cannot merge into '");
	n = rt_append_escaped(line, n, n + 4 * RT_PRINT_MAX + 4, pool);
	n = rt_append(line, n, n + 4, "': ");
	n = rt_append(line, n, n + 256, why ? why : "error");
	n = rt_append(line, n, n + 64, "; this run's profile stays in '");
	n = rt_append_escaped(line, n, n + 4 * RT_PRINT_MAX + 4, rt_g.path);
	n = rt_append(line, n, n + 4, "'\n");
	rt_write_stderr(line, n);
}

/*
 * At exit, with rt_g.lock held and the own file complete: adds it into the
 * pool rt_g.pool under the pool's lock, then removes it. Returns 0, or -1
 * (reported once; the pool untouched, the own file kept).
 */
int rt_merge_into_pool(void)
{
	char lock_path[VPR_PATH_MAX + 8], tmp_path[VPR_PATH_MAX + 8];
	struct merge m;
	struct view pool_v, run_v;
	unsigned char *pool_data = NULL;
	const unsigned char *own;
	uint64_t pool_size = 0, own_size = rt_g.hdr->end;
	struct stat pool_st, tmp_st, now;
	const char *why = NULL;
	int lock_fd, rc = -1;

	if (!rt_g.pool[0] || rt_g.fd < 0)
		return -1;
	if (rt_g.timed & RT_TIMED_CONTEXT) {
		report_merge(rt_g.pool, "context-mode profiles are not merged");
		return -1;
	}
	memset(&m, 0, sizeof m);
	rt_strlcpy(lock_path, rt_g.pool, sizeof lock_path);
	strcat(lock_path, ".lock");
	rt_strlcpy(tmp_path, rt_g.pool, sizeof tmp_path);
	strcat(tmp_path, ".tmp");

	own = mmap(NULL, own_size, PROT_READ, MAP_SHARED, rt_g.fd, 0);
	if (own == MAP_FAILED) {
		report_merge(rt_g.pool, strerrordesc_np(errno));
		return -1;
	}
	if (view_parse(&m.a, &run_v, own, own_size, &why) != 0) {
		why = "this run's own profile does not validate";
		goto out_unmap;
	}
	lock_fd = lock_pool(lock_path, &why);
	if (lock_fd < 0)
		goto out_unmap;
	if (read_pool(&m.a, rt_g.pool, &pool_data, &pool_size, &pool_st, &why) != 0)
		goto out_unlock;
	if (pool_data && view_parse(&m.a, &pool_v, pool_data, pool_size, &why) != 0) {
		why = "the pool is not a valid raw profile";
		goto out_unlock;
	}
	if (pool_data) {
		if (pool_v.h.mode != run_v.h.mode) {
			why = "the pool was written in another VITPROF_MODE";
			goto out_unlock;
		}
		if (!pool_v.n_mods || !run_v.n_mods ||
		    !same_object(&pool_v.mods[0], &run_v.mods[0])) {
			why = "the pool is another program's (executable build-id differs)";
			goto out_unlock;
		}
	}
	if ((pool_data && map_modules(&m, &pool_v, 0) != 0) || map_modules(&m, &run_v, 1) != 0 ||
	    (pool_data && add_gcov(&m, &pool_v) != 0) || add_gcov(&m, &run_v) != 0 ||
	    write_merged(&m, pool_data ? &pool_v : NULL, &run_v, tmp_path, &tmp_st) != 0) {
		why = m.why;
		goto out_unlock;
	}
	/*
	 * The new pool replaces only the pool just read, never anything put at
	 * its name meanwhile; with no pool before, nothing is replaced
	 * (RENAME_NOREPLACE; a file system without it gets a plain rename after
	 * a last look).
	 */
	if (lstat(tmp_path, &now) != 0 || now.st_dev != tmp_st.st_dev ||
	    now.st_ino != tmp_st.st_ino) {
		why = "its temporary file (.tmp) changed while it was written";
		goto out_unlock;
	}
	if (pool_data) {
		if (lstat(rt_g.pool, &now) != 0 || now.st_dev != pool_st.st_dev ||
		    now.st_ino != pool_st.st_ino || rename(tmp_path, rt_g.pool) != 0) {
			why = "the pool changed while it was merged into (left alone)";
			rt_unlink_same(tmp_path, &tmp_st);
			goto out_unlock;
		}
	} else if (rename_noreplace(tmp_path, rt_g.pool) != 0) {
		why = errno == EEXIST ? "a file appeared at the pool's name while it was "
		                        "merged into (left alone)"
		                      : strerrordesc_np(errno);
		rt_unlink_same(tmp_path, &tmp_st);
		goto out_unlock;
	}
	rc = 0;
out_unlock:
	close(lock_fd);              /* releases the lock */
out_unmap:
	munmap((void *)own, own_size);
	arena_free(&m.a);
	if (rc == 0) {
		rt_unlink_fd_file(rt_g.path, rt_g.fd);
		rt_log("merged into", rt_g.pool);
	} else {
		report_merge(rt_g.pool, why);
	}
	return rc;
}
