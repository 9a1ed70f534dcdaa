/* SPDX-License-Identifier: MIT */
/*
 * doc_merge.c - sums .vitprof documents of one program (`vitprof merge`
 * with a .vitprof input) into one document model in canonical order
 * (doc_merge_result()), which vitprof_write.c writes.
 *
 * Everything is matched by identity, never by id or position:
 *   module          path and build-id (records of one object merge)
 *   function        module (build-id, else path), name, file, line
 *   edge            caller, callee, file, line, site
 *   gcov object     .gcda path (stamp and function count must agree)
 *   gcov function   name, file, line
 *   line            file, line
 *   branch line     file, line (the outcome lists must have one layout)
 *   loop            function, file, line, depth
 *   value site      function, file, line, kind, site index (the counters
 *                   of a fixed-size kind must be as many); a topn list's
 *                   entries by value (indirect_call: profile id)
 * Counts and times are multiplied by the input's weight and summed; a sum
 * past DOC_COUNT_MAX (2^63-1, the largest integer a jansson reader, hence
 * a later merge, accepts) refuses the input that made it (never saturated). Other members get a value that does not depend on
 * the order of the inputs (minimum, maximum, or, and), so merging is
 * associative and commutative: see docs/merge.md for each member.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "tool_internal.h"

#undef uthash_fatal
#define uthash_fatal(msg) tool_oom()

#define NUL_MARK "\x1e"         /* a null string inside a key */
#define SEP "\x1f"

struct dm_module {
	char *key, *path, *build_id;
	int is_exe;
	uint64_t load_bias;         /* smallest seen */
	uint32_t out_id;
	UT_hash_handle hh;
};

struct dm_function {
	char *key, *name, *linkage_name, *file;
	uint64_t line, address;
	struct dm_module *module;   /* NULL: outside every module */
	int instrumented, has_entry;
	uint64_t calls, self_ns, total_ns, entry_count;
	uint32_t out_id;
	UT_hash_handle hh;
};

struct dm_edge {
	char *key, *file;
	struct dm_function *caller, *callee;
	uint64_t line, column, site, count, self_ns, total_ns;
	struct vpdoc_frame *frames;
	size_t n_frames;
	UT_hash_handle hh;
};

struct dm_gobj {
	char *key, *gcno, *first;   /* key: the .gcda; first: file it came from */
	int in_place, counted;
	uint64_t stamp, functions;
	UT_hash_handle hh;
};

struct dm_gfunc {
	char *key, *name, *file;
	uint64_t line, end_line, entry_count, returns, blocks, blocks_executed;
	int has_first_call;
	uint64_t first_call;        /* the earliest non-zero of the inputs */
	struct dm_function *function;
	UT_hash_handle hh;
};

struct dm_line {
	char *key, *file;
	uint64_t line, count;
	UT_hash_handle hh;
};

struct dm_branch {
	char *key, *file, *first;
	uint64_t line;
	struct vpdoc_outcome *outcomes;
	size_t n_outcomes;
	UT_hash_handle hh;
};

struct dm_loop {
	char *key, *function, *file;
	uint64_t line, depth, entries, iterations;
	UT_hash_handle hh;
};

/* One value site; s owns its strings, values and counters. */
struct dm_vsite {
	char *key;
	struct vpdoc_value_site s;
	UT_hash_handle hh;
};

struct doc_merge {
	size_t n_inputs;
	char *first;                /* first input's name */
	const char *first_mode;     /* and its mode (mode_name) */
	struct vpdoc_program prog;
	int has_gcov;
	struct dm_module *modules;
	struct dm_function *functions;
	struct dm_edge *edges;
	struct dm_gobj *gobjs;
	struct dm_gfunc *gfuncs;
	struct dm_line *lines;
	struct dm_branch *branches;
	struct dm_loop *loops;
	struct dm_vsite *vsites;
	char overflow[600];         /* the first overflow of this add, or "" */
	int failed;                 /* an add was refused for an overflow */
};

static const char *ns(const char *s)
{
	return s ? s : NUL_MARK;
}

/* *acc += b * w when that is at most DOC_COUNT_MAX; else *acc is kept and
 * the first overflow of the current add is described in m->overflow. */
static void wadd(struct doc_merge *m, uint64_t *acc, uint64_t b, uint64_t w,
                 const char *fmt, ...) TOOL_PRINTF(5, 6);
static void wadd(struct doc_merge *m, uint64_t *acc, uint64_t b, uint64_t w,
                 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	count_add_vnoted(m->overflow, sizeof m->overflow, acc, b, w, DOC_COUNT_MAX, fmt, ap);
	va_end(ap);
}

/* NULL first, then strcmp. */
static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b ? 0 : !a ? -1 : 1;
	return strcmp(a, b);
}

/* Keeps the smaller of *dst and s (a copy). */
static void keep_min_str(char **dst, const char *s)
{
	if (strcmp_null(s, *dst) < 0) {
		free(*dst);
		*dst = xstrdup(s);
	}
}

struct doc_merge *doc_merge_new(void)
{
	return xcalloc(1, sizeof(struct doc_merge));
}

static char *module_key(const struct vpdoc_module *m)
{
	return tool_asprintf("%s" SEP "%s", m->path, ns(m->build_id));
}

static struct dm_module *find_module(struct doc_merge *m, const struct vpdoc_module *x)
{
	char *k = module_key(x);
	struct dm_module *dm;

	HASH_FIND_STR(m->modules, k, dm);
	free(k);
	return dm;
}

/*
 * A document lists each line's branch outcomes once ("branches" entries
 * are per line, outcomes grouped by "branch"): a line listed twice is
 * refused, as its two lists could not be added outcome by outcome.
 */
static int check_branch_lines(const struct vpdoc *d)
{
	struct seen {
		char *key;
		UT_hash_handle hh;
	} *set = NULL, *s, *tmp;
	int rc = 0;

	for (size_t i = 0; i < d->n_branches && rc == 0; i++) {
		const struct vpdoc_branch *b = &d->branches[i];
		char *key = tool_asprintf("%s" SEP "%" PRIu64, b->file, b->line);
		HASH_FIND_STR(set, key, s);
		if (s) {
			tool_error(d->name, "branches[%zu]: the branches of %s:%" PRIu64 " are listed"
			           " twice", i, b->file, b->line);
			free(key);
			rc = -1;
			break;
		}
		s = xcalloc(1, sizeof *s);
		s->key = key;
		HASH_ADD_KEYPTR(hh, set, s->key, strlen(s->key), s);
	}
	HASH_ITER(hh, set, s, tmp) {
		HASH_DEL(set, s);
		free(s->key);
		free(s);
	}
	return rc;
}

/* Every check, before anything is added: the merge stays unchanged. */
static char *vsite_key(const struct vpdoc_value_site *v)
{
	return tool_asprintf("%s" SEP "%s" SEP "%" PRIu64 SEP "%u" SEP "%" PRIu64, v->function,
	            ns(v->file), v->line, v->kind, v->site);
}

/* *acc += b * w in the int64 range of a gcov counter; else *acc is kept
 * and the overflow described in m->overflow (first one only). */
static void wadd_signed(struct doc_merge *m, int64_t *acc, int64_t b, uint64_t w,
                        const struct vpdoc_value_site *v)
{
	int64_t p, sum;

	if (w > INT64_MAX || __builtin_mul_overflow(b, (int64_t)w, &p) ||
	    __builtin_add_overflow(*acc, p, &sum)) {
		if (!m->overflow[0])
			snprintf(m->overflow, sizeof m->overflow, "%s site %" PRIu64 " of %s: %" PRId64
			         " + %" PRId64 " x %" PRIu64 " is past the int64 range",
			         gcov_kind_name(v->kind), v->site, v->function, *acc, b, w);
		return;
	}
	*acc = sum;
}

/* Adds site v (weight w) to x: topn lists by value, counts and totals
 * weighted and summed, dropped or-ed; ior or-ed; the other kinds' counters
 * weighted and summed (as libgcov merges them; topn lists are kept whole,
 * not cut to 32 entries, so the result does not depend on the order). */
static void add_value_site(struct doc_merge *m, struct vpdoc_value_site *x,
                           const struct vpdoc_value_site *v, uint64_t w)
{
	size_t k, j;

	if (!gcov_kind_is_topn(v->kind)) {
		for (k = 0; k < v->n_counters; k++) {
			if (v->kind == GCOV_KIND_IOR)
				x->counters[k] |= v->counters[k];
			else
				wadd_signed(m, &x->counters[k], v->counters[k], w, v);
		}
		return;
	}
	wadd(m, &x->total, v->total, w, "%s site %" PRIu64 " of %s: total",
	     gcov_kind_name(v->kind), v->site, v->function);
	x->dropped |= v->dropped;
	for (k = 0; k < v->n_values; k++) {
		const struct vpdoc_value *e = &v->values[k];
		struct vpdoc_value *y = NULL;
		for (j = 0; j < x->n_values && !y; j++)
			if (x->values[j].value == e->value)
				y = &x->values[j];
		if (!y) {
			x->values = realloc(x->values, (x->n_values + 1) * sizeof *x->values);
			if (!x->values)
				tool_oom();
			y = &x->values[x->n_values++];
			memset(y, 0, sizeof *y);
			y->value = e->value;
			y->function = xstrdup(e->function);
			y->file = xstrdup(e->file);
			y->line = e->line;
		} else if (strcmp_null(e->function, y->function) < 0 ||
		           (strcmp_null(e->function, y->function) == 0 &&
		            (strcmp_null(e->file, y->file) < 0 ||
		             (strcmp_null(e->file, y->file) == 0 && e->line < y->line)))) {
			/* a callee named differently: keep the smallest name */
			free(y->function);
			free(y->file);
			y->function = xstrdup(e->function);
			y->file = xstrdup(e->file);
			y->line = e->line;
		}
		wadd(m, &y->count, e->count, w, "%s site %" PRIu64 " of %s: count of %" PRId64,
		     gcov_kind_name(v->kind), v->site, v->function, e->value);
	}
}

/* The document's program mode, as written ("count", "time", "context",
 * "context,time"). */
static const char *mode_name(const struct vpdoc_program *p)
{
	if (p->context)
		return p->context == 2 ? "context,time" : "context";
	return p->time_mode ? "time" : "count";
}

static int check_doc(struct doc_merge *m, const struct vpdoc *d)
{
	struct dm_module *dm, *tmp;
	size_t i, k;

	if (!d->n_modules) {
		tool_error(d->name, "no modules: no executable to merge it by");
		return -1;
	}
	if (check_branch_lines(d) != 0)
		return -1;
	if (!m->n_inputs)
		return 0;
	if (!d->program.context != !m->prog.context) {
		tool_error(d->name, "a %s-mode profile cannot be merged with the %s-mode profile %s: "
		           "context profiles count call sites by each path's first call, so the sum "
		           "would give wrong per-site counts (merge context profiles with context "
		           "profiles only)", mode_name(&d->program), m->first_mode, m->first);
		return -1;
	}
	HASH_ITER(hh, m->modules, dm, tmp) {
		if (dm->is_exe && !find_module(m, &d->modules[0])) {
			tool_error(d->name, "another program: executable %s (build-id %s), not %s "
			           "(build-id %s) as in %s", d->modules[0].path,
			           d->modules[0].build_id ? d->modules[0].build_id : "none",
			           dm->path, dm->build_id ? dm->build_id : "none", m->first);
			return -1;
		}
	}
	for (i = 0; i < d->n_modules; i++) {
		const struct vpdoc_module *x = &d->modules[i];
		if (find_module(m, x))
			continue;
		HASH_ITER(hh, m->modules, dm, tmp) {
			if (strcmp(dm->path, x->path) == 0) {
				tool_error(d->name, "module %s has build-id %s, not %s as in %s", x->path,
				           x->build_id ? x->build_id : "none",
				           dm->build_id ? dm->build_id : "none", m->first);
				return -1;
			}
		}
	}
	for (i = 0; i < d->n_gcov_objects; i++) {
		const struct vpdoc_gcov_object *o = &d->gcov_objects[i];
		struct dm_gobj *g;
		HASH_FIND_STR(m->gobjs, o->gcda, g);
		if (g && (g->stamp != o->stamp || g->functions != o->functions)) {
			tool_error(d->name, "gcov object %s: stamp %" PRIu64 ", %" PRIu64 " functions; "
			           "%s has stamp %" PRIu64 ", %" PRIu64 " functions (rebuilt)", o->gcda,
			           o->stamp, o->functions, g->first, g->stamp, g->functions);
			return -1;
		}
	}
	for (i = 0; i < d->n_branches; i++) {
		const struct vpdoc_branch *b = &d->branches[i];
		struct dm_branch *x;
		char *key = tool_asprintf("%s" SEP "%" PRIu64, b->file, b->line);
		HASH_FIND_STR(m->branches, key, x);
		free(key);
		if (!x)
			continue;
		for (k = 0; k < b->n_outcomes && b->n_outcomes == x->n_outcomes; k++)
			if (b->outcomes[k].branch != x->outcomes[k].branch ||
			    b->outcomes[k].fallthrough != x->outcomes[k].fallthrough ||
			    b->outcomes[k].is_throw != x->outcomes[k].is_throw)
				break;
		if (k != b->n_outcomes || b->n_outcomes != x->n_outcomes) {
			tool_error(d->name, "the branches of %s:%" PRIu64 " differ from those in %s "
			           "(rebuilt?)", b->file, b->line, x->first);
			return -1;
		}
	}
	for (i = 0; i < d->n_value_sites; i++) {
		const struct vpdoc_value_site *v = &d->value_sites[i];
		char *key = vsite_key(v);
		struct dm_vsite *x;
		HASH_FIND_STR(m->vsites, key, x);
		free(key);
		if (x && x->s.n_counters != v->n_counters) {
			tool_error(d->name, "%s site %" PRIu64 " of %s has %zu counters, not %zu as in"
			           " %s (rebuilt?)", gcov_kind_name(v->kind), v->site, v->function,
			           v->n_counters, x->s.n_counters, m->first);
			return -1;
		}
	}
	return 0;
}

static void add_program(struct doc_merge *m, const struct vpdoc *d, uint64_t w)
{
	struct vpdoc_program *p = &m->prog;
	const struct vpdoc_program *q = &d->program;

	if (!m->n_inputs) {
		*p = *q;
		p->path = xstrdup(q->path);
		p->host = xstrdup(q->host);
		p->lost_calls = p->lost_frames = 0;
		wadd(m, &p->lost_calls, q->lost_calls, w, "program lost_calls");
		wadd(m, &p->lost_frames, q->lost_frames, w, "program lost_frames");
		p->time_available = q->time_mode && q->time_available;
		p->time_mode = p->time_available;
		return;
	}
	keep_min_str(&p->path, q->path);
	keep_min_str(&p->host, q->host);
	if (q->pid < p->pid)
		p->pid = q->pid;
	if (q->ppid < p->ppid)
		p->ppid = q->ppid;
	p->time_available &= q->time_mode && q->time_available;
	p->time_mode = p->time_available;
	if (p->context && q->context != p->context)
		p->context = 1;     /* context,time only when every input is */
	p->running |= q->running;
	p->fork_child |= q->fork_child;
	wadd(m, &p->threads, q->threads, 1, "program threads");
	if (q->start_time_ns < p->start_time_ns)
		p->start_time_ns = q->start_time_ns;
	if (q->has_end_time && (!p->has_end_time || q->end_time_ns > p->end_time_ns))
		p->end_time_ns = q->end_time_ns;
	p->has_end_time |= q->has_end_time;
	wadd(m, &p->lost_calls, q->lost_calls, w, "program lost_calls");
	wadd(m, &p->lost_frames, q->lost_frames, w, "program lost_frames");
	wadd(m, &p->lost_sections, q->lost_sections, 1, "program lost_sections");
}

int doc_merge_add(struct doc_merge *m, const struct vpdoc *d, uint64_t w)
{
	struct dm_module **mods;
	struct dm_function **fns;
	size_t i, k;

	if (m->failed || check_doc(m, d) != 0)
		return -1;
	add_program(m, d, w);
	if (!m->first) {
		m->first = xstrdup(d->name);
		m->first_mode = mode_name(&d->program);
	}

	mods = xcalloc(d->n_modules, sizeof *mods);
	for (i = 0; i < d->n_modules; i++) {
		const struct vpdoc_module *x = &d->modules[i];
		struct dm_module *dm = find_module(m, x);
		if (!dm) {
			dm = xcalloc(1, sizeof *dm);
			dm->key = module_key(x);
			dm->path = xstrdup(x->path);
			dm->build_id = xstrdup(x->build_id);
			dm->load_bias = x->load_bias;
			dm->is_exe = i == 0;
			HASH_ADD_KEYPTR(hh, m->modules, dm->key, strlen(dm->key), dm);
		}
		if (x->load_bias < dm->load_bias)
			dm->load_bias = x->load_bias;
		mods[i] = dm;
	}

	fns = xcalloc(d->n_functions, sizeof *fns);
	for (i = 0; i < d->n_functions; i++) {
		const struct vpdoc_function *f = &d->functions[i];
		struct dm_module *dm = f->module == VPDOC_NONE ? NULL : mods[f->module];
		char *key = tool_asprintf("%s" SEP "%s" SEP "%s" SEP "%" PRIu64,
		                 dm ? (dm->build_id ? dm->build_id : dm->path) : NUL_MARK,
		                 f->name, ns(f->file), f->line);
		struct dm_function *x;
		HASH_FIND_STR(m->functions, key, x);
		if (!x) {
			x = xcalloc(1, sizeof *x);
			x->key = key;
			x->name = xstrdup(f->name);
			x->linkage_name = xstrdup(f->linkage_name);
			x->file = xstrdup(f->file);
			x->line = f->line;
			x->address = f->address;
			x->module = dm;
			HASH_ADD_KEYPTR(hh, m->functions, x->key, strlen(x->key), x);
		} else {
			free(key);
			keep_min_str(&x->linkage_name, f->linkage_name);
			if (f->address < x->address)
				x->address = f->address;
		}
		x->instrumented |= f->instrumented;
		wadd(m, &x->calls, f->calls, w, "function %s: calls", x->name);
		wadd(m, &x->self_ns, f->self_ns, w, "function %s: self_ns", x->name);
		wadd(m, &x->total_ns, f->total_ns, w, "function %s: total_ns", x->name);
		if (f->has_entry_count) {
			x->has_entry = 1;
			wadd(m, &x->entry_count, f->entry_count, w, "function %s: entry_count", x->name);
		}
		fns[i] = x;
	}

	for (i = 0; i < d->n_edges; i++) {
		const struct vpdoc_edge *e = &d->edges[i];
		char *key = tool_asprintf("%p" SEP "%p" SEP "%s" SEP "%" PRIu64 SEP "%" PRIu64,
		                 (void *)fns[e->caller], (void *)fns[e->callee], ns(e->file),
		                 e->line, e->site);
		struct dm_edge *x;
		HASH_FIND_STR(m->edges, key, x);
		if (!x) {
			x = xcalloc(1, sizeof *x);
			x->key = key;
			x->caller = fns[e->caller];
			x->callee = fns[e->callee];
			x->file = xstrdup(e->file);
			x->line = e->line;
			x->column = e->column;
			x->site = e->site;
			HASH_ADD_KEYPTR(hh, m->edges, x->key, strlen(x->key), x);
		} else {
			free(key);
		}
		if (e->n_frames > x->n_frames) {
			for (k = 0; k < x->n_frames; k++) {
				free(x->frames[k].function);
				free(x->frames[k].file);
			}
			free(x->frames);
			x->frames = xcalloc(e->n_frames, sizeof *x->frames);
			for (k = 0; k < e->n_frames; k++) {
				x->frames[k].function = xstrdup(e->frames[k].function);
				x->frames[k].file = xstrdup(e->frames[k].file);
				x->frames[k].line = e->frames[k].line;
			}
			x->n_frames = e->n_frames;
		}
		wadd(m, &x->count, e->count, w, "edge %s -> %s: count", x->caller->name,
		     x->callee->name);
		wadd(m, &x->self_ns, e->self_ns, w, "edge %s -> %s: self_ns", x->caller->name,
		     x->callee->name);
		wadd(m, &x->total_ns, e->total_ns, w, "edge %s -> %s: total_ns", x->caller->name,
		     x->callee->name);
	}

	m->has_gcov |= d->has_gcov;
	for (i = 0; i < d->n_gcov_objects; i++) {
		const struct vpdoc_gcov_object *o = &d->gcov_objects[i];
		struct dm_gobj *x;
		HASH_FIND_STR(m->gobjs, o->gcda, x);
		if (!x) {
			x = xcalloc(1, sizeof *x);
			x->key = xstrdup(o->gcda);
			x->gcno = xstrdup(o->gcno);
			x->first = xstrdup(d->name);
			x->in_place = 1;
			x->stamp = o->stamp;
			x->functions = o->functions;
			HASH_ADD_KEYPTR(hh, m->gobjs, x->key, strlen(x->key), x);
		}
		keep_min_str(&x->gcno, o->gcno);
		x->in_place &= o->in_place;
		x->counted |= o->counted;
	}
	for (i = 0; i < d->n_gcov_functions; i++) {
		const struct vpdoc_gcov_function *f = &d->gcov_functions[i];
		char *key = tool_asprintf("%s" SEP "%s" SEP "%" PRIu64, f->name, ns(f->file), f->line);
		struct dm_gfunc *x;
		HASH_FIND_STR(m->gfuncs, key, x);
		if (!x) {
			x = xcalloc(1, sizeof *x);
			x->key = key;
			x->name = xstrdup(f->name);
			x->file = xstrdup(f->file);
			x->line = f->line;
			HASH_ADD_KEYPTR(hh, m->gfuncs, x->key, strlen(x->key), x);
		} else {
			free(key);
		}
		if (f->end_line > x->end_line)
			x->end_line = f->end_line;
		if (f->blocks > x->blocks)
			x->blocks = f->blocks;
		if (f->blocks_executed > x->blocks_executed)
			x->blocks_executed = f->blocks_executed;
		wadd(m, &x->entry_count, f->entry_count, w, "gcov function %s: entry_count", x->name);
		wadd(m, &x->returns, f->returns, w, "gcov function %s: returns", x->name);
		if (!x->function && f->function != VPDOC_NONE)
			x->function = fns[f->function];
		if (f->has_first_call && f->first_call &&
		    (!x->first_call || f->first_call < x->first_call))
			x->first_call = f->first_call;
		x->has_first_call |= f->has_first_call;
	}
	for (i = 0; i < d->n_value_sites; i++) {
		const struct vpdoc_value_site *v = &d->value_sites[i];
		char *key = vsite_key(v);
		struct dm_vsite *x;
		HASH_FIND_STR(m->vsites, key, x);
		if (!x) {
			x = xcalloc(1, sizeof *x);
			x->key = key;
			x->s.function = xstrdup(v->function);
			x->s.file = xstrdup(v->file);
			x->s.line = v->line;
			x->s.kind = v->kind;
			x->s.site = v->site;
			if (v->n_counters) {
				x->s.counters = xcalloc(v->n_counters, sizeof *x->s.counters);
				x->s.n_counters = v->n_counters;
			}
			HASH_ADD_KEYPTR(hh, m->vsites, x->key, strlen(x->key), x);
		} else {
			free(key);
		}
		if (!x->s.site_file && v->site_file) {   /* the first document's that has one */
			x->s.site_file = xstrdup(v->site_file);
			x->s.site_line = v->site_line;
		}
		add_value_site(m, &x->s, v, w);
	}
	for (i = 0; i < d->n_lines; i++) {
		const struct vpdoc_line *l = &d->lines[i];
		char *key = tool_asprintf("%s" SEP "%" PRIu64, l->file, l->line);
		struct dm_line *x;
		HASH_FIND_STR(m->lines, key, x);
		if (!x) {
			x = xcalloc(1, sizeof *x);
			x->key = key;
			x->file = xstrdup(l->file);
			x->line = l->line;
			HASH_ADD_KEYPTR(hh, m->lines, x->key, strlen(x->key), x);
		} else {
			free(key);
		}
		wadd(m, &x->count, l->count, w, "line %s:%" PRIu64 ": count", x->file, x->line);
	}
	for (i = 0; i < d->n_branches; i++) {
		const struct vpdoc_branch *b = &d->branches[i];
		char *key = tool_asprintf("%s" SEP "%" PRIu64, b->file, b->line);
		struct dm_branch *x;
		HASH_FIND_STR(m->branches, key, x);
		if (!x) {
			x = xcalloc(1, sizeof *x);
			x->key = key;
			x->file = xstrdup(b->file);
			x->first = xstrdup(d->name);
			x->line = b->line;
			x->n_outcomes = b->n_outcomes;
			x->outcomes = xcalloc(b->n_outcomes, sizeof *x->outcomes);
			for (k = 0; k < b->n_outcomes; k++) {
				x->outcomes[k] = b->outcomes[k];
				x->outcomes[k].count = 0;
			}
			HASH_ADD_KEYPTR(hh, m->branches, x->key, strlen(x->key), x);
		} else {
			free(key);
		}
		for (k = 0; k < b->n_outcomes; k++)
			wadd(m, &x->outcomes[k].count, b->outcomes[k].count, w, "branch %s:%" PRIu64
			     ", outcome %zu: count", x->file, x->line, k);
	}
	for (i = 0; i < d->n_loops; i++) {
		const struct vpdoc_loop *l = &d->loops[i];
		char *key = tool_asprintf("%s" SEP "%s" SEP "%" PRIu64 SEP "%" PRIu64, l->function,
		                 ns(l->file), l->line, l->depth);
		struct dm_loop *x;
		HASH_FIND_STR(m->loops, key, x);
		if (!x) {
			x = xcalloc(1, sizeof *x);
			x->key = key;
			x->function = xstrdup(l->function);
			x->file = xstrdup(l->file);
			x->line = l->line;
			x->depth = l->depth;
			HASH_ADD_KEYPTR(hh, m->loops, x->key, strlen(x->key), x);
		} else {
			free(key);
		}
		wadd(m, &x->entries, l->entries, w, "loop in %s at %s:%" PRIu64 ": entries",
		     x->function, x->file ? x->file : "?", x->line);
		wadd(m, &x->iterations, l->iterations, w, "loop in %s at %s:%" PRIu64 ": iterations",
		     x->function, x->file ? x->file : "?", x->line);
	}
	free(mods);
	free(fns);
	m->n_inputs++;
	if (m->overflow[0]) {
		tool_error(d->name, "count overflow: %s", m->overflow);
		m->failed = 1;
		return -1;
	}
	return 0;
}

/* ---- canonical order ---------------------------------------------------- */

static int module_order(const void *a, const void *b)
{
	const struct dm_module *x = *(struct dm_module *const *)a;
	const struct dm_module *y = *(struct dm_module *const *)b;
	int c;

	if (x->is_exe != y->is_exe)
		return x->is_exe ? -1 : 1;
	c = strcmp(x->path, y->path);
	return c ? c : strcmp_null(x->build_id, y->build_id);
}

static int function_order(const void *a, const void *b)
{
	const struct dm_function *x = *(struct dm_function *const *)a;
	const struct dm_function *y = *(struct dm_function *const *)b;
	uint64_t mx = x->module ? x->module->out_id : UINT64_MAX;
	uint64_t my = y->module ? y->module->out_id : UINT64_MAX;
	int c;

	if (mx != my)
		return mx < my ? -1 : 1;
	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) || (c = strcmp_null(x->file, y->file)))
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int edge_order(const void *a, const void *b)
{
	const struct dm_edge *x = *(struct dm_edge *const *)a;
	const struct dm_edge *y = *(struct dm_edge *const *)b;

	if (x->caller->out_id != y->caller->out_id)
		return x->caller->out_id < y->caller->out_id ? -1 : 1;
	if (x->callee->out_id != y->callee->out_id)
		return x->callee->out_id < y->callee->out_id ? -1 : 1;
	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp_null(x->file, y->file);
}

/* (file, line, extra key) for lines, branches, loops, gcov functions. */
struct pos {
	const char *file;
	uint64_t line;
	const char *key;
};

static int pos_cmp(const struct pos *x, const struct pos *y)
{
	int c = strcmp_null(x->file, y->file);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->key, y->key);
}

#define POS_ORDER(name, type)                                                   \
	static int name(const void *a, const void *b)                               \
	{                                                                           \
		const type *x = *(type *const *)a, *y = *(type *const *)b;              \
		struct pos px = {x->file, x->line, x->key}, py = {y->file, y->line, y->key}; \
		return pos_cmp(&px, &py);                                               \
	}
POS_ORDER(gfunc_order, struct dm_gfunc)
POS_ORDER(line_order, struct dm_line)
POS_ORDER(branch_order, struct dm_branch)
POS_ORDER(loop_order, struct dm_loop)

static int gobj_order(const void *a, const void *b)
{
	return strcmp((*(struct dm_gobj *const *)a)->key, (*(struct dm_gobj *const *)b)->key);
}

/* The hash's items as a sorted array (*n of them; freed by the caller). */
#define SORTED(head, type, order, n)                                            \
	__extension__({                                                             \
		type **v_ = xcalloc(HASH_COUNT(head), sizeof *v_), *x_, *t_;            \
		size_t i_ = 0;                                                          \
		HASH_ITER(hh, head, x_, t_)                                             \
			v_[i_++] = x_;                                                      \
		qsort(v_, i_, sizeof *v_, order);                                       \
		*(n) = i_;                                                              \
		v_;                                                                     \
	})

/* Hottest first: by self time when timed (*arg), else by calls; ties by id. */
static int hot_order(const void *a, const void *b, void *arg)
{
	const struct dm_function *x = *(struct dm_function *const *)a;
	const struct dm_function *y = *(struct dm_function *const *)b;
	int timed = *(const int *)arg;
	uint64_t vx = timed ? x->self_ns : x->calls, vy = timed ? y->self_ns : y->calls;

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return x->out_id < y->out_id ? -1 : x->out_id > y->out_id;
}

/* Version 3: some input had value profiles. */
static int has_values(struct doc_merge *m)
{
	struct dm_gfunc *g, *t;

	if (HASH_COUNT(m->vsites))
		return 1;
	HASH_ITER(hh, m->gfuncs, g, t)
		if (g->has_first_call)
			return 1;
	return 0;
}

static int vsite_value_order(const void *a, const void *b)
{
	const struct vpdoc_value *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->value < y->value ? -1 : x->value > y->value;
}

/* A copy of site x, its list by count (descending), then value. */
static void copy_value_site(struct vpdoc_value_site *v, struct vpdoc_value_site *x)
{
	size_t k;

	if (x->n_values)
		qsort(x->values, x->n_values, sizeof *x->values, vsite_value_order);
	*v = *x;
	v->function = xstrdup(x->function);
	v->file = xstrdup(x->file);
	v->site_file = xstrdup(x->site_file);
	v->values = NULL;
	v->counters = NULL;
	if (x->n_values) {
		v->values = xcalloc(x->n_values, sizeof *v->values);
		for (k = 0; k < x->n_values; k++) {
			v->values[k] = x->values[k];
			v->values[k].function = xstrdup(x->values[k].function);
			v->values[k].file = xstrdup(x->values[k].file);
		}
	}
	if (x->n_counters) {
		v->counters = xcalloc(x->n_counters, sizeof *v->counters);
		memcpy(v->counters, x->counters, x->n_counters * sizeof *v->counters);
	}
}

static void result_program(struct doc_merge *m, struct vpdoc_program *p)
{
	*p = m->prog;
	p->path = xstrdup(m->prog.path ? m->prog.path : "");
	p->host = xstrdup(m->prog.host ? m->prog.host : "");
	p->time_mode = p->time_available;
}

static void result_functions(struct vpdoc *d, struct dm_function **fns, size_t nf)
{
	size_t i;

	d->functions = xcalloc(nf, sizeof *d->functions);
	d->n_functions = nf;
	for (i = 0; i < nf; i++) {
		const struct dm_function *f = fns[i];
		struct vpdoc_function *x = &d->functions[i];

		x->name = xstrdup(f->name);
		x->linkage_name = xstrdup(f->linkage_name);
		x->file = xstrdup(f->file);
		x->line = f->line;
		x->module = f->module ? f->module->out_id : VPDOC_NONE;
		x->address = f->address;
		x->instrumented = f->instrumented;
		x->calls = f->calls;
		x->self_ns = f->self_ns;
		x->total_ns = f->total_ns;
		x->has_entry_count = f->has_entry;
		x->entry_count = f->entry_count;
	}
}

static void result_edges(struct vpdoc *d, struct dm_edge **edges, size_t ne)
{
	size_t i, k;

	d->edges = xcalloc(ne, sizeof *d->edges);
	d->n_edges = ne;
	for (i = 0; i < ne; i++) {
		const struct dm_edge *e = edges[i];
		struct vpdoc_edge *x = &d->edges[i];

		x->caller = e->caller->out_id;
		x->callee = e->callee->out_id;
		x->file = xstrdup(e->file);
		x->line = e->line;
		x->column = e->column;
		x->site = e->site;
		x->count = e->count;
		x->self_ns = e->self_ns;
		x->total_ns = e->total_ns;
		if (e->n_frames) {
			x->frames = xcalloc(e->n_frames, sizeof *x->frames);
			x->n_frames = e->n_frames;
			for (k = 0; k < e->n_frames; k++) {
				x->frames[k].function = xstrdup(e->frames[k].function);
				x->frames[k].file = xstrdup(e->frames[k].file);
				x->frames[k].line = e->frames[k].line;
			}
		}
	}
}

/* Up to PROF_HOT functions with a non-zero self time (timed) or calls,
 * hottest first. */
static void result_hot(struct vpdoc *d, struct dm_function **fns, size_t nf, int timed)
{
	struct dm_function **hot = xcalloc(nf, sizeof *hot);
	size_t n;

	if (nf)
		memcpy(hot, fns, nf * sizeof *hot);
	qsort_r(hot, nf, sizeof *hot, hot_order, &timed);
	d->hot = xcalloc(nf < PROF_HOT ? nf : PROF_HOT, sizeof *d->hot);
	for (n = 0; n < nf && n < PROF_HOT; n++) {
		if (!(timed ? hot[n]->self_ns : hot[n]->calls))
			break;
		d->hot[n] = hot[n]->out_id;
	}
	d->n_hot = n;
	free(hot);
}

static void result_gcov(struct doc_merge *m, struct vpdoc *d)
{
	struct dm_gobj **go = SORTED(m->gobjs, struct dm_gobj, gobj_order, &d->n_gcov_objects);
	struct dm_gfunc **gf = SORTED(m->gfuncs, struct dm_gfunc, gfunc_order,
	                              &d->n_gcov_functions);
	struct dm_line **ln = SORTED(m->lines, struct dm_line, line_order, &d->n_lines);
	struct dm_branch **br = SORTED(m->branches, struct dm_branch, branch_order,
	                               &d->n_branches);
	struct dm_loop **lp = SORTED(m->loops, struct dm_loop, loop_order, &d->n_loops);
	struct dm_vsite *x, *t;
	size_t i, k;

	d->has_gcov = 1;
	d->gcov_objects = xcalloc(d->n_gcov_objects, sizeof *d->gcov_objects);
	for (i = 0; i < d->n_gcov_objects; i++) {
		struct vpdoc_gcov_object *o = &d->gcov_objects[i];

		o->gcda = xstrdup(go[i]->key);
		o->gcno = xstrdup(go[i]->gcno);
		o->in_place = go[i]->in_place;
		o->stamp = go[i]->stamp;
		o->functions = go[i]->functions;
		o->counted = go[i]->counted;
	}
	d->gcov_functions = xcalloc(d->n_gcov_functions, sizeof *d->gcov_functions);
	for (i = 0; i < d->n_gcov_functions; i++) {
		struct vpdoc_gcov_function *f = &d->gcov_functions[i];

		f->name = xstrdup(gf[i]->name);
		f->file = xstrdup(gf[i]->file);
		f->line = gf[i]->line;
		f->end_line = gf[i]->end_line;
		f->entry_count = gf[i]->entry_count;
		f->returns = gf[i]->returns;
		f->blocks = gf[i]->blocks;
		f->blocks_executed = gf[i]->blocks_executed;
		f->has_first_call = gf[i]->has_first_call;
		f->first_call = gf[i]->first_call;
		f->function = gf[i]->function ? gf[i]->function->out_id : VPDOC_NONE;
	}
	d->lines = xcalloc(d->n_lines, sizeof *d->lines);
	for (i = 0; i < d->n_lines; i++) {
		d->lines[i].file = xstrdup(ln[i]->file);
		d->lines[i].line = ln[i]->line;
		d->lines[i].count = ln[i]->count;
	}
	d->branches = xcalloc(d->n_branches, sizeof *d->branches);
	for (i = 0; i < d->n_branches; i++) {
		struct vpdoc_branch *b = &d->branches[i];

		b->file = xstrdup(br[i]->file);
		b->line = br[i]->line;
		b->n_outcomes = br[i]->n_outcomes;
		b->outcomes = xcalloc(b->n_outcomes, sizeof *b->outcomes);
		for (k = 0; k < b->n_outcomes; k++)
			b->outcomes[k] = br[i]->outcomes[k];
	}
	d->loops = xcalloc(d->n_loops, sizeof *d->loops);
	for (i = 0; i < d->n_loops; i++) {
		struct vpdoc_loop *l = &d->loops[i];

		l->function = xstrdup(lp[i]->function);
		l->file = xstrdup(lp[i]->file);
		l->line = lp[i]->line;
		l->depth = lp[i]->depth;
		l->entries = lp[i]->entries;
		l->iterations = lp[i]->iterations;
	}
	d->n_value_sites = HASH_COUNT(m->vsites);
	d->value_sites = xcalloc(d->n_value_sites, sizeof *d->value_sites);
	i = 0;
	HASH_ITER(hh, m->vsites, x, t)
		copy_value_site(&d->value_sites[i++], &x->s);
	value_sites_sort(d->value_sites, d->n_value_sites);
	free(go);
	free(gf);
	free(ln);
	free(br);
	free(lp);
}

void doc_merge_result(struct doc_merge *m, struct vpdoc *d)
{
	struct dm_module **mods;
	struct dm_function **fns;
	struct dm_edge **edges;
	size_t nm, nf, ne, i;

	memset(d, 0, sizeof *d);
	d->name = xstrdup(m->first);
	mods = SORTED(m->modules, struct dm_module, module_order, &nm);
	for (i = 0; i < nm; i++)
		mods[i]->out_id = (uint32_t)i;
	fns = SORTED(m->functions, struct dm_function, function_order, &nf);
	for (i = 0; i < nf; i++)
		fns[i]->out_id = (uint32_t)i;
	edges = SORTED(m->edges, struct dm_edge, edge_order, &ne);

	result_program(m, &d->program);
	d->modules = xcalloc(nm, sizeof *d->modules);
	d->n_modules = nm;
	for (i = 0; i < nm; i++) {
		d->modules[i].id = (uint32_t)i;
		d->modules[i].path = xstrdup(mods[i]->path);
		d->modules[i].build_id = xstrdup(mods[i]->build_id);
		d->modules[i].load_bias = mods[i]->load_bias;
		d->modules[i].same_as = VPDOC_NONE;
	}
	result_functions(d, fns, nf);
	result_edges(d, edges, ne);
	result_hot(d, fns, nf, d->program.time_available);
	if (m->has_gcov)
		result_gcov(m, d);
	d->has_values = has_values(m);
	free(mods);
	free(fns);
	free(edges);
}

#define FREE_HASH(head, type, body)                                             \
	do {                                                                        \
		type *x_, *t_;                                                          \
		HASH_ITER(hh, head, x_, t_) {                                           \
			HASH_DEL(head, x_);                                                 \
			body;                                                               \
			free(x_->key);                                                      \
			free(x_);                                                           \
		}                                                                       \
	} while (0)

void doc_merge_free(struct doc_merge *m)
{
	size_t k;

	if (!m)
		return;
	FREE_HASH(m->modules, struct dm_module, (free(x_->path), free(x_->build_id)));
	FREE_HASH(m->functions, struct dm_function,
	          (free(x_->name), free(x_->linkage_name), free(x_->file)));
	FREE_HASH(m->edges, struct dm_edge, {
		for (k = 0; k < x_->n_frames; k++) {
			free(x_->frames[k].function);
			free(x_->frames[k].file);
		}
		free(x_->frames);
		free(x_->file);
	});
	FREE_HASH(m->gobjs, struct dm_gobj, (free(x_->gcno), free(x_->first)));
	FREE_HASH(m->gfuncs, struct dm_gfunc, (free(x_->name), free(x_->file)));
	FREE_HASH(m->lines, struct dm_line, free(x_->file));
	FREE_HASH(m->branches, struct dm_branch,
	          (free(x_->file), free(x_->first), free(x_->outcomes)));
	FREE_HASH(m->loops, struct dm_loop, (free(x_->function), free(x_->file)));
	FREE_HASH(m->vsites, struct dm_vsite, value_site_free(&x_->s));
	free(m->prog.path);
	free(m->prog.host);
	free(m->first);
	free(m);
}
