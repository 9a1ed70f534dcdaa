/* SPDX-License-Identifier: MIT */
/*
 * raw_merge.c - sums raw profiles of one program (`vitprof merge` with raw
 * inputs) into one struct raw_profile, which raw_write.c writes.
 *
 * Runs load the same objects at different addresses (ASLR). Every address
 * is turned into (object, ELF address) with the run's own module records,
 * then placed in a canonical layout: objects whose load bias was 0
 * (non-PIE) stay where they are; the others are laid out one after the
 * other from CANON_BASE in the order of the output module ids (the
 * executable, then by path and build-id). The layout depends only on the
 * set of objects, never on the inputs' order or biases, so merging is
 * associative and commutative, and a merged profile merges again like any
 * run. Edges are summed by (site, callee), time-mode function records by
 * callee, gcov counters by .gcda path and function; every count is
 * multiplied by its input's weight. Times are converted to nanoseconds
 * (the merged clock is 1 tick = 1 ns).
 *
 * Context-mode inputs (VITPROF_MODE=context, context,time) are merged as
 * calling-context trees: a node is a path (the path of its parent, then a
 * call of fn), summed by path over every thread and run, and the output is
 * a context-mode profile with one tree. A context profile's per-site edges
 * are those of each path's first call site, so a context input is refused
 * among count- or time-mode inputs (and the other way round): their sum
 * would put exact and first-site counts in one edge (docs/merge.md).
 *
 * Nothing wraps or saturates: a sum past COUNT_MAX (arc counters: past
 * GCOV_COUNT_MAX, gcov_type being int64), and a total of all edge counts
 * or of all self times past COUNT_MAX (the raw reader refuses such a file,
 * so the result could not be read back), refuses the input that made it.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "base/tool.h"
#include "merge/raw_merge.h"
#include "read/gcov_values.h"
#include "read/raw_profile.h"

#undef uthash_fatal
#define uthash_fatal(msg) tool_oom()

#define CANON_BASE 0x7e0000000000ull
#define CANON_GAP (1ull << 21)

struct mmod {                   /* one object of the merged profile */
	char *key;                  /* path NUL build-id hex: uthash key */
	size_t keylen;
	char *path;
	uint8_t build_id_len;
	uint8_t build_id[VPR_BUILD_ID_MAX];
	uint64_t elf_lo, elf_hi;    /* ELF range of its PT_LOAD segments */
	int pie;                    /* some run loaded it with a nonzero bias */
	int is_exe;
	uint64_t bias;              /* canonical, set by layout() */
	UT_hash_handle hh;
};

/* Edges and function records are summed by location until layout: the
 * hash key holds (object pointer, vaddr) pairs. */
struct lkey {
	uintptr_t site_mod;
	uint64_t site;
	uintptr_t fn_mod;
	uint64_t fn;
};

struct ledge {
	struct lkey key;
	uint64_t count, total_ns, self_ns;
	UT_hash_handle hh;
};


/* A merged calling-context node: one path. Keyed by (parent node, callee
 * object, callee ELF address); roots have parent NULL. */
struct ckey {
	uintptr_t parent;           /* struct cnode *, 0 for a root */
	uintptr_t fn_mod;
	uint64_t fn;
};

struct cnode {
	struct ckey key;
	uint64_t count, total_ns, self_ns;
	uintptr_t site_mod;         /* the smallest call site seen (loc_order) */
	uint64_t site;
	uint64_t depth;             /* 0 for a root */
	uint64_t out_id;            /* set by raw_merge_result */
	UT_hash_handle hh;
};

struct mgcov {
	struct raw_gcov_object o;   /* owned copy; counters summed */
	char *first_file;           /* input it came from first, for messages */
	UT_hash_handle hh;          /* keyed by o.gcda_path */
};

struct raw_merge {
	int n_inputs;
	char *first_file;
	struct raw_profile head;    /* summary fields */
	int all_timed;              /* every input time mode with time */
	uint64_t runs;
	struct mmod *mods;
	struct ledge *ledges;       /* edges and time-mode function records
	                               (site VPR_SITE_FUNCTION, site_mod 0) */
	struct mgcov *gcov;
	int context;                /* the inputs are context-mode profiles */
	int context_file_mode;      /* the first input's mode, for messages */
	struct cnode *cnodes;       /* context inputs: the merged tree */
	struct raw_profile out;
	int finished;
	/* Sums over every edge (weighted), which the raw reader bounds. */
	uint64_t sum_count, sum_self_ns;
	char overflow[512];         /* the first overflow of this add, or "" */
	int failed;                 /* an add was refused for an overflow */
};

/* *acc += v * w when that is at most max; else *acc is kept and the first
 * overflow of the current add is described in m->overflow (fmt: what). */
static void madd(struct raw_merge *m, uint64_t *acc, uint64_t v, uint64_t w, uint64_t max,
                 const char *fmt, ...) TOOL_PRINTF(6, 7);
static void madd(struct raw_merge *m, uint64_t *acc, uint64_t v, uint64_t w, uint64_t max,
                 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	count_add_vnoted(m->overflow, sizeof m->overflow, acc, v, w, max, fmt, ap);
	va_end(ap);
}

struct raw_merge *raw_merge_new(void)
{
	struct raw_merge *m = xcalloc(1, sizeof *m);

	m->all_timed = 1;
	return m;
}

static void build_id_hex(const struct raw_module *rm, char *hex)
{
	int i;

	for (i = 0; i < rm->build_id_len; i++)
		sprintf(hex + 2 * i, "%02x", rm->build_id[i]);
	hex[2 * rm->build_id_len] = '\0';
}

/* Input module index -> merged object; built per input by check_modules. */
struct in_mod {
	const struct raw_module *rm;
	struct mmod *mm;            /* NULL until added */
};

static struct mmod *find_mod(struct raw_merge *m, const struct raw_module *rm)
{
	char hex[2 * VPR_BUILD_ID_MAX + 1], *key;
	size_t plen = strlen(rm->path), klen;
	struct mmod *mm;

	build_id_hex(rm, hex);
	klen = plen + 1 + strlen(hex);
	key = xmalloc(klen + 1);
	memcpy(key, rm->path, plen + 1);
	memcpy(key + plen + 1, hex, strlen(hex) + 1);
	HASH_FIND(hh, m->mods, key, klen, mm);
	free(key);
	return mm;
}

/* Refuses rp when its executable or a module path has another build. */
static int check_modules(struct raw_merge *m, const struct raw_profile *rp)
{
	char a[2 * VPR_BUILD_ID_MAX + 1], b[2 * VPR_BUILD_ID_MAX + 1];
	struct mmod *mm, *tmp;
	size_t i;

	if (!rp->n_modules || rp->modules[0].id != 0) {
		tool_error(rp->file, "no executable (module 0) recorded: nothing to merge it by");
		return -1;
	}
	if (!m->n_inputs)
		return 0;
	HASH_ITER(hh, m->mods, mm, tmp) {
		if (!mm->is_exe)
			continue;
		build_id_hex(&rp->modules[0], a);
		if (strcmp(mm->path, rp->modules[0].path) != 0 || !find_mod(m, &rp->modules[0])) {
			tool_error(rp->file, "another program: executable %s (build-id %s), not %s "
			           "(build-id %s) as in %s", rp->modules[0].path, a[0] ? a : "none",
			           mm->path, mm->key + strlen(mm->path) + 1, m->first_file);
			return -1;
		}
	}
	for (i = 0; i < rp->n_modules; i++) {
		const struct raw_module *rm = &rp->modules[i];
		if (find_mod(m, rm))
			continue;
		build_id_hex(rm, a);
		HASH_ITER(hh, m->mods, mm, tmp) {
			if (strcmp(mm->path, rm->path) != 0)
				continue;
			snprintf(b, sizeof b, "%s", mm->key + strlen(mm->path) + 1);
			tool_error(rp->file, "module %s has build-id %s, not %s as in %s", rm->path,
			           a[0] ? a : "none", b[0] ? b : "none", m->first_file);
			return -1;
		}
	}
	return 0;
}

static void add_modules(struct raw_merge *m, const struct raw_profile *rp)
{
	char hex[2 * VPR_BUILD_ID_MAX + 1];
	size_t i;

	for (i = 0; i < rp->n_modules; i++) {
		const struct raw_module *rm = &rp->modules[i];
		struct mmod *mm = find_mod(m, rm);
		size_t plen;
		if (mm) {
			mm->pie |= rm->load_bias != 0;
			continue;
		}
		mm = xcalloc(1, sizeof *mm);
		build_id_hex(rm, hex);
		plen = strlen(rm->path);
		mm->keylen = plen + 1 + strlen(hex);
		mm->key = xmalloc(mm->keylen + 1);
		memcpy(mm->key, rm->path, plen + 1);
		memcpy(mm->key + plen + 1, hex, strlen(hex) + 1);
		mm->path = mm->key;
		mm->build_id_len = rm->build_id_len;
		memcpy(mm->build_id, rm->build_id, rm->build_id_len);
		mm->elf_lo = rm->lo - rm->load_bias;
		mm->elf_hi = rm->hi - rm->load_bias;
		mm->pie = rm->load_bias != 0;
		mm->is_exe = rm->id == 0;
		HASH_ADD_KEYPTR(hh, m->mods, mm->key, mm->keylen, mm);
	}
}

/* The input module holding addr (the highest id wins an overlap), or -1. */
static long module_of(const struct raw_profile *rp, uint64_t addr, long *cache,
                      int overlaps)
{
	long best = -1;
	size_t i;

	if (*cache >= 0 && !overlaps) {
		const struct raw_module *c = &rp->modules[*cache];
		if (addr >= c->lo && addr < c->hi)
			return *cache;
	}
	for (i = 0; i < rp->n_modules; i++)
		if (addr >= rp->modules[i].lo && addr < rp->modules[i].hi)
			best = (long)i;     /* sorted by id: the last one wins */
	*cache = best;
	return best;
}

/* A run's address as (object, ELF address): the object in *mod (NULL when
 * the address is in no module; then the address is kept as it is). */
struct loc {
	struct mmod *mod;
	uint64_t vaddr;
};

static struct loc locate(const struct raw_profile *rp, struct mmod **map, uint64_t addr,
                         long *cache, int overlaps)
{
	struct loc l = {NULL, addr};
	long k;

	if (addr == VPR_SITE_FUNCTION)
		return l;
	k = module_of(rp, addr, cache, overlaps);
	if (k >= 0) {
		l.mod = map[k];
		l.vaddr = addr - rp->modules[k].load_bias;
	}
	return l;
}

static struct ledge *ledge_get(struct ledge **tab, const struct lkey *k)
{
	struct ledge *e;

	HASH_FIND(hh, *tab, k, sizeof *k, e);
	if (!e) {
		e = xcalloc(1, sizeof *e);
		e->key = *k;
		HASH_ADD(hh, *tab, key, sizeof e->key, e);
	}
	return e;
}

static int check_gcov(struct raw_merge *m, const struct raw_profile *rp)
{
	size_t i, j;

	for (i = 0; i < rp->n_gcov; i++) {
		const struct raw_gcov_object *o = &rp->gcov[i];
		struct mgcov *g;
		HASH_FIND_STR(m->gcov, o->gcda_path, g);
		if (!g)
			continue;
		if (g->o.version != o->version || g->o.stamp != o->stamp ||
		    g->o.checksum != o->checksum || g->o.n_functions != o->n_functions ||
		    g->o.counter_mask != o->counter_mask) {
			tool_error(rp->file, "gcov object %s: version/stamp/checksum/functions/"
			           "counter kinds %08x/%u/%u/%zu/%#x, not %08x/%u/%u/%zu/%#x as in %s"
			           " (rebuilt)", o->gcda_path, o->version, o->stamp, o->checksum,
			           o->n_functions, o->counter_mask, g->o.version, g->o.stamp,
			           g->o.checksum, g->o.n_functions, g->o.counter_mask, g->first_file);
			return -1;
		}
		for (j = 0; j < o->n_functions; j++) {
			const struct gcov_counters *a = &o->functions[j], *b = &g->o.functions[j];
			if (a->ident != b->ident || a->lineno_checksum != b->lineno_checksum ||
			    a->cfg_checksum != b->cfg_checksum || a->n_arcs != b->n_arcs) {
				tool_error(rp->file, "gcov object %s, function %zu (ident %u): checksums "
				           "or arcs differ from %s (rebuilt)", o->gcda_path, j, a->ident,
				           g->first_file);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * The value kinds of one run scaled by weight w, as docs/merge.md says:
 * counts multiply (arcs-like kinds, average's sum and count, a topn site's
 * run count and each value's count), values do not (a topn value, an ior
 * mask, a time-profiler order). Returns 0, or -1 when a count overflows
 * (noted in m->overflow).
 */
static int scale_values(struct raw_merge *m, unsigned t, struct gcov_values *v, uint64_t w,
                        const char *what)
{
	uint64_t i = 0;

	if (w == 1 || t == GCOV_KIND_IOR || t == GCOV_KIND_TIME)
		return 0;
	while (i < v->n_words) {
		uint64_t n = 0, step = 1;
		int64_t *c = &v->v[i];
		if (gcov_kind_is_topn(t)) {
			n = (uint64_t)v->v[i + 1];
			step = 2 + 2 * n;
		}
		for (uint64_t k = 0; k < step; k++) {
			int64_t r;
			if (gcov_kind_is_topn(t) && (k == 1 || (k >= 2 && k % 2 == 0)))
				continue;          /* n, and the values themselves */
			if (__builtin_mul_overflow(c[k], (int64_t)w, &r)) {
				if (!m->overflow[0])
					snprintf(m->overflow, sizeof m->overflow, "%.300s: %s counter %"
					         PRId64 " times weight %" PRIu64 " is past the int64 range",
					         what, gcov_kind_name(t), c[k], w);
				return -1;
			}
			c[k] = r;
		}
		i += step;
	}
	return 0;
}

/* Merges the value kinds of o (one run, weight w) into g: the first run's
 * are taken, each later run is merged in as libgcov merges a run into the
 * .gcda the earlier ones left (gcov_values_merge: file = what g holds). */
static void add_gcov_values(struct raw_merge *m, const struct raw_profile *rp,
                            struct mgcov *g, const struct raw_gcov_object *o, uint64_t w)
{
	char what[PATH_MAX + 96], why[600];
	size_t j;

	if (!o->has_kinds || (g->o.counts_known && !g->o.has_kinds)) {
		g->o.has_kinds = 0;        /* a run without its values: not written */
		return;
	}
	for (j = 0; j < o->n_functions; j++) {
		struct gcov_counters run = {0};

		gcov_values_copy(&run, &o->functions[j]);
		for (unsigned t = 1; t < GCOV_KINDS; t++) {
			struct gcov_values *acc = &g->o.functions[j].kinds[t];
			if (!(o->counter_mask & (1u << t)))
				continue;
			snprintf(what, sizeof what, "gcov object %s, function %zu (ident %" PRIu32 ")",
			         o->gcda_path, j, o->functions[j].ident);
			if (scale_values(m, t, &run.kinds[t], w, what) != 0)
				break;
			if (!g->o.counts_known) {
				*acc = run.kinds[t];
				memset(&run.kinds[t], 0, sizeof run.kinds[t]);
			} else if (gcov_values_merge(t, acc, &run.kinds[t], why, sizeof why) != 0) {
				if (!m->overflow[0])
					snprintf(m->overflow, sizeof m->overflow, "%.300s: %s%.150s", what,
					         strncmp(why, "count overflow", 14) ? "counters differ: " : "",
					         why);
				if (strncmp(why, "count overflow", 14) != 0) {
					tool_error(rp->file, "%s: %s", what, why);
					m->failed = 1;
				}
				break;
			}
		}
		gcov_values_free(&run);
	}
	g->o.has_kinds = 1;
}

static void add_gcov(struct raw_merge *m, const struct raw_profile *rp, uint64_t w)
{
	size_t i, j, k;

	for (i = 0; i < rp->n_gcov; i++) {
		const struct raw_gcov_object *o = &rp->gcov[i];
		struct mgcov *g;
		HASH_FIND_STR(m->gcov, o->gcda_path, g);
		if (!g) {
			g = xcalloc(1, sizeof *g);
			g->o = *o;
			g->o.gcda_path = xstrdup(o->gcda_path);
			g->o.counts_known = 0;
			g->o.arcs_mode = VPR_ARCS_COPY;
			g->first_file = xstrdup(rp->file ? rp->file : "<input>");
			g->o.functions = xcalloc(o->n_functions,
			                        sizeof *g->o.functions);
			for (j = 0; j < o->n_functions; j++) {
				g->o.functions[j] = o->functions[j];
				g->o.functions[j].arcs = NULL;
				memset(g->o.functions[j].kinds, 0, sizeof g->o.functions[j].kinds);
				if (o->functions[j].n_arcs) {
					g->o.functions[j].arcs = xcalloc(o->functions[j].n_arcs, 8);
				}
			}
			HASH_ADD_KEYPTR(hh, m->gcov, g->o.gcda_path, strlen(g->o.gcda_path), g);
		}
		if (!o->counts_known) {
			tool_warn(rp->file, "gcov object %s: counts unknown (killed before the "
			          "first copy), not merged", o->gcda_path);
			continue;
		}
		g->o.counter_mask |= o->counter_mask;
		for (j = 0; j < o->n_functions; j++)
			for (k = 0; k < o->functions[j].n_arcs; k++)
				madd(m, &g->o.functions[j].arcs[k], o->functions[j].arcs[k], w,
				     GCOV_COUNT_MAX, "gcov object %s, function %zu (ident %" PRIu32
				     "), arc counter %zu", o->gcda_path, j, o->functions[j].ident, k);
		if (o->counter_mask & ~1u)
			add_gcov_values(m, rp, g, o, w);
		g->o.counts_known = 1;
	}
}

static void add_header(struct raw_merge *m, const struct raw_profile *rp, uint64_t w)
{
	struct raw_profile *h = &m->head;
	int timed = (rp->mode == VPR_MODE_TIME || rp->mode == VPR_MODE_CONTEXT_TIME) &&
	            rp->time_available;

	if (!m->n_inputs) {
		h->state = rp->state;
		h->pid = rp->pid;
		h->ppid = rp->ppid;
		h->start_realtime_ns = rp->start_realtime_ns;
		h->end_realtime_ns = rp->end_realtime_ns;
		snprintf(h->host, sizeof h->host, "%s", rp->host);
		snprintf(h->exe_path, sizeof h->exe_path, "%s", rp->exe_path);
	} else {
		if (rp->state == VPR_STATE_RUNNING)
			h->state = VPR_STATE_RUNNING;
		if (rp->pid < h->pid)
			h->pid = rp->pid;
		if (rp->ppid < h->ppid)
			h->ppid = rp->ppid;
		if (rp->start_realtime_ns < h->start_realtime_ns)
			h->start_realtime_ns = rp->start_realtime_ns;
		if (rp->end_realtime_ns > h->end_realtime_ns)
			h->end_realtime_ns = rp->end_realtime_ns;
		if (strcmp(rp->host, h->host) < 0)
			snprintf(h->host, sizeof h->host, "%s", rp->host);
		if (strcmp(rp->exe_path, h->exe_path) < 0)
			snprintf(h->exe_path, sizeof h->exe_path, "%s", rp->exe_path);
	}
	h->flags |= rp->flags & VPR_FLAG_FORK_CHILD;
	madd(m, &h->n_threads, rp->n_threads, 1, COUNT_MAX, "n_threads");
	madd(m, &h->lost_calls, rp->lost_calls, w, COUNT_MAX, "lost_calls");
	madd(m, &h->lost_frames, rp->lost_frames, w, COUNT_MAX, "lost_frames");
	madd(m, &h->lost_sections, rp->lost_sections, 1, COUNT_MAX, "lost_sections");
	madd(m, &h->lost_values, rp->lost_values, 1, COUNT_MAX, "lost_values");
	if (!timed)
		m->all_timed = 0;
}

static int is_context(uint32_t mode)
{
	return mode == VPR_MODE_CONTEXT || mode == VPR_MODE_CONTEXT_TIME;
}

/* A context input among count- or time-mode ones (or the other way
 * round) is refused: a context profile's edges count each path at the
 * call site of its first call, so adding them to exact per-site counts
 * would make an edge neither. Returns 0 or -1 (reported). */
static int check_mode(const struct raw_merge *m, const struct raw_profile *rp)
{
	if (!m->n_inputs || is_context(rp->mode) == m->context)
		return 0;
	tool_error(rp->file, "a %s-mode profile cannot be merged with the %s-mode profile %s: "
	           "context profiles count call sites by each path's first call, so the sum "
	           "would give wrong per-site counts (merge context profiles with context "
	           "profiles only)", raw_mode_name(rp->mode), raw_mode_name(m->context_file_mode),
	           m->first_file);
	return -1;
}

/* A fixed total order of (object, ELF address) pairs, independent of the
 * set of objects: addresses in no object first, then objects in output
 * order (mod_order), then addresses. */
static int mod_order(const void *a, const void *b);
static int loc_order(uintptr_t xm, uint64_t x, uintptr_t ym, uint64_t y)
{
	const struct mmod *p = (const struct mmod *)xm, *q = (const struct mmod *)ym;

	if (p != q) {
		if (!p || !q)
			return p ? 1 : -1;
		return mod_order(&p, &q);
	}
	return x < y ? -1 : x > y;
}

/* A context node of one input: its shard, id and index in rp->ctx_nodes. */
struct cref {
	uint64_t shard, id;
	size_t idx;
};

static int cref_order(const void *a, const void *b)
{
	const struct cref *x = a, *y = b;

	if (x->shard != y->shard)
		return x->shard < y->shard ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Adds the calling-context trees of rp (every shard) to the merged tree:
 * each node is found by its path (merged parent, callee object and ELF
 * address), its count and times (timed: in ns) added times w, its call
 * site kept when it is the smallest seen (so the result does not depend
 * on the order of the inputs). Nodes are taken in (shard, id) order, so a
 * parent (smaller id, checked by the reader) is always placed first.
 */
static void add_context(struct raw_merge *m, const struct raw_profile *rp, struct mmod **map,
                        int ov, uint64_t w, int timed)
{
	size_t n = rp->n_ctx_nodes, i;
	struct cref *v = xcalloc(n, sizeof *v);
	struct cnode **to = xcalloc(n, sizeof *to);
	long cs = -1, cf = -1;

	for (i = 0; i < n; i++) {
		v[i].shard = rp->ctx_nodes[i].shard_id;
		v[i].id = rp->ctx_nodes[i].id;
		v[i].idx = i;
	}
	qsort(v, n, sizeof *v, cref_order);
	for (i = 0; i < n; i++) {
		const struct raw_ctx_node *c = &rp->ctx_nodes[v[i].idx];
		struct cnode *parent = NULL, *cn;
		struct loc f, s;
		struct ckey k;

		if (c->parent) {
			struct cref want = {c->shard_id, c->parent, 0}, *p;
			p = bsearch(&want, v, i, sizeof *v, cref_order);
			if (!p)
				continue;          /* the reader refuses such a file */
			parent = to[p - v];
		}
		f = locate(rp, map, c->fn, &cf, ov);
		s = locate(rp, map, c->site, &cs, ov);
		memset(&k, 0, sizeof k);
		k.parent = (uintptr_t)parent;
		k.fn_mod = (uintptr_t)f.mod;
		k.fn = f.vaddr;
		HASH_FIND(hh, m->cnodes, &k, sizeof k, cn);
		if (!cn) {
			cn = xcalloc(1, sizeof *cn);
			cn->key = k;
			cn->depth = parent ? parent->depth + 1 : 0;
			cn->site_mod = (uintptr_t)s.mod;
			cn->site = s.vaddr;
			HASH_ADD(hh, m->cnodes, key, sizeof cn->key, cn);
		} else if (loc_order((uintptr_t)s.mod, s.vaddr, cn->site_mod, cn->site) < 0) {
			cn->site_mod = (uintptr_t)s.mod;
			cn->site = s.vaddr;
		}
		to[i] = cn;
		madd(m, &cn->count, c->count, w, COUNT_MAX, "count of the context node %" PRIu64
		     " of shard %" PRIu64, c->id, c->shard_id);
		madd(m, &m->sum_count, c->count, w, COUNT_MAX, "the counts of all context nodes");
		if (timed) {
			uint64_t tot = raw_ticks_to_ns(rp, c->total_ticks),
			         self = raw_ticks_to_ns(rp, c->self_ticks);
			madd(m, &cn->total_ns, tot, w, COUNT_MAX, "total_ns of the context node %"
			     PRIu64 " of shard %" PRIu64, c->id, c->shard_id);
			madd(m, &cn->self_ns, self, w, COUNT_MAX, "self_ns of the context node %"
			     PRIu64 " of shard %" PRIu64, c->id, c->shard_id);
			madd(m, &m->sum_self_ns, self, w, COUNT_MAX, "the self_ns of all context nodes");
		}
	}
	free(v);
	free(to);
}

int raw_merge_add(struct raw_merge *m, const struct raw_profile *rp, uint64_t w,
                  uint64_t runs)
{
	struct mmod **map;
	long cs = -1, cf = -1;
	size_t i, j;
	int ov = 0;
	int ctx = is_context(rp->mode);
	int timed = (rp->mode == VPR_MODE_TIME || rp->mode == VPR_MODE_CONTEXT_TIME) &&
	            rp->time_available;

	if (m->finished || m->failed)
		return -1;
	if (check_mode(m, rp) != 0 || check_modules(m, rp) != 0 || check_gcov(m, rp) != 0)
		return -1;
	add_modules(m, rp);
	map = xcalloc(rp->n_modules, sizeof *map);
	for (i = 0; i < rp->n_modules; i++) {
		map[i] = find_mod(m, &rp->modules[i]);
		for (j = 0; j < i; j++)
			if (rp->modules[j].lo < rp->modules[i].hi && rp->modules[i].lo < rp->modules[j].hi)
				ov = 1;
	}
	if (ctx)
		add_context(m, rp, map, ov, w, timed);
	for (i = 0; !ctx && i < rp->n_edges; i++) {   /* context: made of the nodes */
		const struct raw_edge *e = &rp->edges[i];
		struct loc s = locate(rp, map, e->site, &cs, ov),
		           f = locate(rp, map, e->fn, &cf, ov);
		struct lkey k = {(uintptr_t)s.mod, s.vaddr, (uintptr_t)f.mod, f.vaddr};
		struct ledge *le;
		if (!e->count && !e->total_ticks && !e->self_ticks)
			continue;
		le = ledge_get(&m->ledges, &k);
		madd(m, &le->count, e->count, w, COUNT_MAX, "count of the edge 0x%" PRIx64
		     " -> 0x%" PRIx64, e->site, e->fn);
		madd(m, &m->sum_count, e->count, w, COUNT_MAX, "the counts of all edges");
		if (timed) {
			uint64_t tot = raw_ticks_to_ns(rp, e->total_ticks),
			         self = raw_ticks_to_ns(rp, e->self_ticks);
			madd(m, &le->total_ns, tot, w, COUNT_MAX, "total_ns of the edge 0x%" PRIx64
			     " -> 0x%" PRIx64, e->site, e->fn);
			madd(m, &le->self_ns, self, w, COUNT_MAX, "self_ns of the edge 0x%" PRIx64
			     " -> 0x%" PRIx64, e->site, e->fn);
			madd(m, &m->sum_self_ns, self, w, COUNT_MAX, "the self_ns of all edges");
		}
	}
	for (i = 0; timed && i < rp->n_functions; i++) {
		struct loc f = locate(rp, map, rp->functions[i].fn, &cf, ov);
		struct lkey k = {0, VPR_SITE_FUNCTION, (uintptr_t)f.mod, f.vaddr};
		struct ledge *le = ledge_get(&m->ledges, &k);
		uint64_t tot = raw_ticks_to_ns(rp, rp->functions[i].total_ticks);
		madd(m, &le->total_ns, tot, w, COUNT_MAX, "total_ns of the function 0x%" PRIx64,
		     rp->functions[i].fn);
	}
	free(map);
	add_gcov(m, rp, w);
	add_header(m, rp, w);
	if (!m->n_inputs) {
		m->first_file = xstrdup(rp->file ? rp->file : "<input>");
		m->context = ctx;
		m->context_file_mode = rp->mode;
	}
	m->n_inputs++;
	madd(m, &m->runs, runs ? runs : 1, w, COUNT_MAX, "merged runs");   /* W runs */
	if (m->overflow[0]) {
		tool_error(rp->file, "count overflow: %s", m->overflow);
		m->failed = 1;
		return -1;
	}
	return 0;
}

/* Output order of objects: the executable, then by path and build-id. */
static int mod_order(const void *a, const void *b)
{
	const struct mmod *x = *(struct mmod *const *)a, *y = *(struct mmod *const *)b;
	int c;

	if (x->is_exe != y->is_exe)
		return x->is_exe ? -1 : 1;
	c = strcmp(x->path, y->path);
	return c ? c : strcmp(x->key + strlen(x->path) + 1, y->key + strlen(y->path) + 1);
}

static int edge_order(const void *a, const void *b)
{
	const struct raw_edge *x = a, *y = b;

	if (x->fn != y->fn)
		return x->fn < y->fn ? -1 : 1;
	return x->site < y->site ? -1 : x->site > y->site;
}

static int fn_order(const void *a, const void *b)
{
	const struct raw_function *x = a, *y = b;

	return x->fn < y->fn ? -1 : x->fn > y->fn;
}

static int gcov_order(const void *a, const void *b)
{
	return strcmp(((const struct raw_gcov_object *)a)->gcda_path,
	              ((const struct raw_gcov_object *)b)->gcda_path);
}

static uint64_t canonical(uintptr_t mod, uint64_t vaddr)
{
	const struct mmod *mm = (const struct mmod *)mod;

	return mm ? vaddr + mm->bias : vaddr;
}

static int cnode_depth_order(const void *a, const void *b)
{
	const struct cnode *x = *(struct cnode *const *)a, *y = *(struct cnode *const *)b;

	return x->depth < y->depth ? -1 : x->depth > y->depth;
}

/* Within one depth: by parent's output id, then callee's canonical address. */
static int cnode_sibling_order(const void *a, const void *b)
{
	const struct cnode *x = *(struct cnode *const *)a, *y = *(struct cnode *const *)b;
	uint64_t px = x->key.parent ? ((const struct cnode *)x->key.parent)->out_id : 0,
	         py = y->key.parent ? ((const struct cnode *)y->key.parent)->out_id : 0,
	         fx = canonical(x->key.fn_mod, x->key.fn), fy = canonical(y->key.fn_mod, y->key.fn);

	if (px != py)
		return px < py ? -1 : 1;
	return fx < fy ? -1 : fx > fy;
}

/* Context inputs: the merged tree as one shard's nodes, numbered level by
 * level (roots first, siblings by callee address), so every parent has a
 * smaller id than its children and the numbering depends on the tree only.
 * Edges are not filled in: the reader makes them of the nodes. */
static void context_result(struct raw_merge *m, struct raw_profile *o)
{
	size_t n = HASH_COUNT(m->cnodes), i = 0, lo, hi;
	struct cnode **v, *cn, *tmp;
	int timed = o->mode == VPR_MODE_CONTEXT_TIME;
	uint64_t next = 1;

	if (!m->context)
		return;
	v = xcalloc(n, sizeof *v);
	o->ctx_nodes = xcalloc(n, sizeof *o->ctx_nodes);
	HASH_ITER(hh, m->cnodes, cn, tmp)
		v[i++] = cn;
	qsort(v, n, sizeof *v, cnode_depth_order);
	for (lo = 0; lo < n; lo = hi) {
		for (hi = lo; hi < n && v[hi]->depth == v[lo]->depth; hi++)
			;
		qsort(v + lo, hi - lo, sizeof *v, cnode_sibling_order);
		for (i = lo; i < hi; i++) {
			struct raw_ctx_node *c = &o->ctx_nodes[i];
			cn = v[i];
			cn->out_id = next++;
			c->shard_id = 1;
			c->id = cn->out_id;
			c->parent = cn->key.parent ? ((const struct cnode *)cn->key.parent)->out_id : 0;
			c->fn = canonical(cn->key.fn_mod, cn->key.fn);
			c->site = canonical(cn->site_mod, cn->site);
			c->count = cn->count;
			c->total_ticks = timed ? cn->total_ns : 0;
			c->self_ticks = timed ? cn->self_ns : 0;
		}
	}
	o->n_ctx_nodes = n;
	free(v);
}

const struct raw_profile *raw_merge_result(struct raw_merge *m, uint64_t *runs)
{
	struct raw_profile *o = &m->out;
	struct mmod **mods, *mm, *tmp;
	struct ledge *le, *lt;
	struct mgcov *g, *gt;
	size_t n, i, ne = 0, nf = 0;
	uint64_t cursor = CANON_BASE;

	*runs = m->runs;
	if (m->finished)
		return o;
	m->finished = 1;
	*o = m->head;
	o->file = xstrdup(m->first_file ? m->first_file : "<merged>");
	if (m->context)
		o->mode = m->all_timed && m->n_inputs ? VPR_MODE_CONTEXT_TIME : VPR_MODE_CONTEXT;
	else
		o->mode = m->all_timed && m->n_inputs ? VPR_MODE_TIME : VPR_MODE_COUNT;
	o->clock = VPR_CLOCK_MONOTONIC;
	o->time_available = o->mode == VPR_MODE_TIME || o->mode == VPR_MODE_CONTEXT_TIME;
	o->calib_dtick = o->calib_dns = 1;

	/* Modules in canonical order and layout. */
	n = HASH_COUNT(m->mods);
	mods = xcalloc(n, sizeof *mods);
	o->modules = xcalloc(n, sizeof *o->modules);
	i = 0;
	HASH_ITER(hh, m->mods, mm, tmp)
		mods[i++] = mm;
	qsort(mods, n, sizeof *mods, mod_order);
	for (i = 0; i < n; i++) {
		struct raw_module *rm = &o->modules[i];
		mm = mods[i];
		if (mm->pie) {
			mm->bias = cursor - (mm->elf_lo & ~(uint64_t)0xfff);
			cursor = (mm->elf_hi + mm->bias + CANON_GAP) & ~(CANON_GAP - 1);
			cursor += CANON_GAP;
		}
		rm->id = (uint32_t)i;
		rm->load_bias = mm->bias;
		rm->lo = mm->elf_lo + mm->bias;
		rm->hi = mm->elf_hi + mm->bias;
		rm->build_id_len = mm->build_id_len;
		memcpy(rm->build_id, mm->build_id, mm->build_id_len);
		rm->path = xstrdup(mm->path);
	}
	o->n_modules = n;
	free(mods);

	/* Edges and function records at canonical addresses, sorted. */
	n = HASH_COUNT(m->ledges);
	o->edges = xcalloc(n, sizeof *o->edges);
	o->functions = xcalloc(n, sizeof *o->functions);
	HASH_ITER(hh, m->ledges, le, lt) {
		int timed = o->mode == VPR_MODE_TIME;
		/* Nothing left in it (times dropped): a reader would leave it
		 * out, so a merge of this merge must not see it either. */
		if (!le->count && (!timed || (!le->total_ns && !le->self_ns))) {
			;
		} else if (le->key.site == VPR_SITE_FUNCTION && !le->key.site_mod) {
			if (timed) {
				o->functions[nf].fn = canonical(le->key.fn_mod, le->key.fn);
				o->functions[nf++].total_ticks = le->total_ns;
			}
		} else {
			struct raw_edge *e = &o->edges[ne++];
			e->site = canonical(le->key.site_mod, le->key.site);
			e->fn = canonical(le->key.fn_mod, le->key.fn);
			e->count = le->count;
			if (o->mode == VPR_MODE_TIME) {
				e->total_ticks = le->total_ns;
				e->self_ticks = le->self_ns;
			}
		}
		HASH_DEL(m->ledges, le);
		free(le);
	}
	o->n_edges = ne;
	o->n_functions = nf;
	if (o->mode == VPR_MODE_COUNT)
		o->lost_frames = 0;
	qsort(o->edges, ne, sizeof *o->edges, edge_order);
	qsort(o->functions, nf, sizeof *o->functions, fn_order);
	context_result(m, o);

	/* gcov objects by .gcda path; the merge owns them from here. */
	n = HASH_COUNT(m->gcov);
	o->gcov = xcalloc(n, sizeof *o->gcov);
	i = 0;
	HASH_ITER(hh, m->gcov, g, gt) {
		o->gcov[i++] = g->o;
		HASH_DEL(m->gcov, g);
		free(g->first_file);
		free(g);
	}
	o->n_gcov = n;
	o->n_arcs_copy = (uint32_t)n;
	qsort(o->gcov, n, sizeof *o->gcov, gcov_order);
	o->n_shards = 1;
	o->n_tables = 1;
	return o;
}

void raw_merge_free(struct raw_merge *m)
{
	struct mmod *mm, *tmp;
	struct ledge *le, *lt;
	struct cnode *cn, *ct;
	struct mgcov *g, *gt;
	size_t i, j;

	if (!m)
		return;
	HASH_ITER(hh, m->mods, mm, tmp) {
		HASH_DEL(m->mods, mm);
		free(mm->key);
		free(mm);
	}
	HASH_ITER(hh, m->ledges, le, lt) {
		HASH_DEL(m->ledges, le);
		free(le);
	}
	HASH_ITER(hh, m->cnodes, cn, ct) {
		HASH_DEL(m->cnodes, cn);
		free(cn);
	}
	HASH_ITER(hh, m->gcov, g, gt) {
		for (j = 0; j < g->o.n_functions; j++) {
			free(g->o.functions[j].arcs);
			gcov_values_free(&g->o.functions[j]);
		}
		free(g->o.functions);
		free(g->o.gcda_path);
		free(g->first_file);
		HASH_DEL(m->gcov, g);
		free(g);
	}
	if (m->finished) {
		for (i = 0; i < m->out.n_modules; i++)
			free(m->out.modules[i].path);
		for (i = 0; i < m->out.n_gcov; i++) {
			for (j = 0; j < m->out.gcov[i].n_functions; j++) {
				free(m->out.gcov[i].functions[j].arcs);
				gcov_values_free(&m->out.gcov[i].functions[j]);
			}
			free(m->out.gcov[i].functions);
			free(m->out.gcov[i].gcda_path);
		}
		free(m->out.modules);
		free(m->out.edges);
		free(m->out.functions);
		free(m->out.ctx_nodes);
		free(m->out.gcov);
		free(m->out.file);
	}
	free(m->first_file);
	free(m);
}
