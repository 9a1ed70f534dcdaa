/* SPDX-License-Identifier: MIT */
/*
 * profile.c - turns a raw profile (runtime addresses, per thread) into the
 * symbolized profile: functions and call edges, summed over threads.
 *
 * Addresses: each runtime address belongs to the module whose [lo, hi)
 * holds it; its ELF address is addr - load_bias. The runtime keeps the
 * range of an unloaded library from later loads; when it could not, two
 * records of different objects overlap, the later loaded one owns the
 * addresses (calls made before it was loaded are credited to it too), and
 * a warning says so. Module records of the same object
 * (same path and build-id, e.g. loaded twice) share one symbolizer module
 * and one identity (the first record's id, "canonical").
 *
 * Functions are identified by (canonical module, entry address): a callee
 * by the function containing its entry address, a caller by the function
 * containing the call instruction (return address - 1). Two static
 * functions of the same name in two files are two functions. A caller that
 * is not instrumented (main's caller in libc) is still a function, with no
 * calls. Addresses no symbol covers become functions named "lib.so+0xOFF"
 * (or "0xADDR" outside every module).
 *
 * Edge slots holding nothing (count and times 0: zeroed by vitprof_reset(),
 * or a crash between inserting a key and counting) are left out, so every
 * edge has a count, or, for a call entered before a reset and returned
 * after it, a time.
 *
 * Each symbolizer lookup is done once per distinct address (hash caches),
 * so a million edges from many threads cost one lookup per function and
 * per call site.
 *
 * Out of memory ends the tool (tool_oom(), as uthash's own allocations
 * do): there is no partial profile worth returning.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tool.h"
#include "model/profile.h"
#include "read/raw_profile.h"
#include "tool_internal.h"

#define uthash_fatal(msg) tool_oom()
#include <uthash.h>

const struct prof_symbolizer prof_symbolizer_default = {
	.open = sym_module_open,
	.close = sym_module_close,
	.lookup_function = sym_lookup_function,
	.lookup_location = sym_lookup_location,
};

/* A string the profile made (a synthesized name); freed with it. */
struct prof_string {
	struct prof_string *next;
	char s[];
};

/* Function identity. */
struct fn_key {
	int64_t module;             /* canonical module id or PROF_MODULE_UNKNOWN */
	uint64_t address;
};

struct fn_ent {
	struct fn_key key;
	uint32_t index;             /* in p->functions (before sorting) */
	UT_hash_handle hh;
};

/* Callee entry address (runtime) -> function. */
struct entry_ent {
	uint64_t addr;
	uint32_t func;
	UT_hash_handle hh;
};

/* Call site (runtime return address) -> caller, ELF address, source line. */
struct site_ent {
	uint64_t site;
	uint32_t caller;
	uint64_t vaddr;
	const char *file;
	unsigned line, column;
	struct prof_frame *frames;  /* inline chain (n_frames > 1), owned */
	int n_frames;
	UT_hash_handle hh;
};

/* A range of runtime addresses owned by one module record. */
struct interval {
	uint64_t lo, hi;
	uint32_t module;            /* index in p->modules */
};

struct builder {
	struct profile *p;
	const struct raw_profile *raw;
	struct interval *iv;
	size_t n_iv;
	struct fn_ent *fns;
	struct entry_ent *entries;
	struct site_ent *sites;
	size_t cap_functions, cap_edges;
	int failed;                 /* a fatal error was reported */
};

/* Copies a formatted string into the profile's string list. */
static const char *prof_strf(struct profile *p, const char *fmt, ...) TOOL_PRINTF(2, 3);
static const char *prof_strf(struct profile *p, const char *fmt, ...)
{
	struct prof_string *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		tool_oom();
	s = xmalloc(sizeof *s + (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s->s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->next = p->strings;
	p->strings = s;
	return s->s;
}

static int u64_order(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Warns (once) when two records of different objects overlap: edges are
 * keyed by runtime address, so the earlier object's calls there cannot be
 * told from the later one's, and all are credited to the later one.
 */
static void overlap_warn(struct builder *b)
{
	const struct profile *p = b->p;
	size_t i, j, n = 0;
	const struct prof_module *first_old = NULL, *first_new = NULL;

	for (i = 0; i < p->n_modules; i++) {
		const struct raw_module *r = p->modules[i].raw;
		for (j = 0; j < i; j++) {
			const struct raw_module *o = p->modules[j].raw;
			if (o->lo < r->hi && r->lo < o->hi &&
			    p->modules[i].canonical != p->modules[j].canonical) {
				if (!n++) {
					first_old = &p->modules[j];
					first_new = &p->modules[i];
				}
			}
		}
	}
	if (n)
		tool_warn(b->raw->file, "%s was loaded at addresses of %s, which the runtime could"
		          " not keep apart (an unloading it did not see): calls there are all"
		          " credited to %s%s", first_new->raw->path, first_old->raw->path,
		          first_new->basename, n > 1 ? " (and more objects alike)" : "");
}

/*
 * Sets up p->modules (canonical ids, build-id text) and the address map:
 * disjoint intervals, each owned by the highest-id module covering it.
 */
static void modules_init(struct builder *b)
{
	struct profile *p = b->p;
	const struct raw_profile *raw = b->raw;
	size_t n = raw->n_modules, i, j, nb = 0;
	uint64_t *bounds;

	p->modules = xcalloc(n, sizeof *p->modules);
	bounds = xcalloc(2 * n + 1, sizeof *bounds);
	b->iv = xcalloc(2 * n + 1, sizeof *b->iv);
	p->n_modules = n;
	for (i = 0; i < n; i++) {
		struct prof_module *m = &p->modules[i];
		const struct raw_module *r = &raw->modules[i];
		const char *slash = strrchr(r->path, '/');
		unsigned k;

		m->id = r->id;
		m->raw = r;
		m->canonical = r->id;
		m->basename = slash && slash[1] ? slash + 1 : r->path;
		for (k = 0; k < r->build_id_len; k++)
			snprintf(m->build_id_hex + 2 * k, 3, "%02x", r->build_id[k]);
		for (j = 0; j < i; j++) {
			const struct raw_module *o = &raw->modules[j];
			if (strcmp(o->path, r->path) == 0 && o->build_id_len == r->build_id_len &&
			    memcmp(o->build_id, r->build_id, r->build_id_len) == 0) {
				m->canonical = p->modules[j].canonical;
				break;
			}
		}
		bounds[nb++] = r->lo;
		bounds[nb++] = r->hi;
	}
	overlap_warn(b);
	qsort(bounds, nb, sizeof *bounds, u64_order);
	for (i = 0; i + 1 < nb; i++) {
		uint64_t lo = bounds[i], hi = bounds[i + 1];
		size_t k;

		if (lo == hi)
			continue;
		for (k = n; k-- > 0;) {          /* highest id first */
			const struct raw_module *r = &raw->modules[k];
			if (r->lo <= lo && hi <= r->hi)
				break;
		}
		if (k == (size_t)-1)
			continue;
		if (b->n_iv && b->iv[b->n_iv - 1].hi == lo && b->iv[b->n_iv - 1].module == k)
			b->iv[b->n_iv - 1].hi = hi;
		else
			b->iv[b->n_iv++] = (struct interval){lo, hi, (uint32_t)k};
	}
	free(bounds);
}

/* Index in p->modules of the module holding runtime address addr, or -1. */
static long module_of(const struct builder *b, uint64_t addr)
{
	size_t lo = 0, hi = b->n_iv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr < b->iv[mid].lo)
			hi = mid;
		else if (addr >= b->iv[mid].hi)
			lo = mid + 1;
		else
			return (long)b->iv[mid].module;
	}
	return -1;
}

static const char *status_text(enum sym_status st)
{
	switch (st) {
	case SYM_OK: return "ok";
	case SYM_ERR_OPEN: return "cannot open the file";
	case SYM_ERR_NOT_ELF: return "not an ELF object";
	case SYM_ERR_BUILD_ID: return "build-id differs: the file on disk is not the one that ran";
	case SYM_ERR_DWARF: return "cannot read its DWARF; names from the symbol table only";
	}
	return "cannot be read";
}

/* Index in p->modules of the record whose id is id (modules sorted by id). */
static size_t module_index_of_id(const struct profile *p, uint32_t id)
{
	size_t lo = 0, hi = p->n_modules;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->modules[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The symbolizer module of the canonical module at index ci, opened on
 * first use. The executable (id 0) failing to open is fatal (b->failed);
 * another module failing is a warning, once, and NULL from then on.
 */
static struct sym_module *module_sym(struct builder *b, size_t ci)
{
	struct prof_module *m = &b->p->modules[ci];
	enum sym_status st = SYM_OK;
	char err[1024] = "";

	if (m->tried)
		return m->sym;
	m->tried = 1;
	m->sym = b->p->sym->open(m->raw->path, m->raw->build_id, m->raw->build_id_len,
	                         &st, err, sizeof err);
	if (m->sym && st == SYM_OK)
		return m->sym;
	if (!err[0])
		snprintf(err, sizeof err, "%s: %s", m->raw->path, status_text(st));
	if (!m->sym && m->id == 0) {
		tool_error(b->raw->file, "the program that wrote it cannot be symbolized: %s", err);
		b->failed = 1;
	} else if (!m->sym) {
		tool_warn(b->raw->file, "%s; its functions are shown as %s+0xOFFSET", err,
		          m->basename);
	} else {
		tool_warn(b->raw->file, "%s", err);
	}
	return m->sym;
}

/*
 * The function with identity key, created from sf (NULL: an address no
 * symbol covers, named by fallback) on first sight. Returns its index in
 * p->functions.
 */
static long function_get(struct builder *b, const struct fn_key *key,
                         const struct sym_function *sf, const char *fallback)
{
	struct profile *p = b->p;
	struct prof_function *f;
	struct fn_ent *e;

	HASH_FIND(hh, b->fns, key, sizeof *key, e);
	if (e)
		return e->index;
	if (p->n_functions == b->cap_functions) {
		size_t ncap = b->cap_functions ? b->cap_functions * 2 : 256;
		void *np = xrealloc(p->functions, ncap * sizeof *p->functions);
		p->functions = np;
		b->cap_functions = ncap;
	}
	e = xcalloc(1, sizeof *e);
	f = &p->functions[p->n_functions];
	memset(f, 0, sizeof *f);
	f->module = key->module;
	f->address = key->address;
	if (sf && sf->name) {
		f->name = sf->name;
		f->linkage_name = sf->linkage_name ? sf->linkage_name : sf->name;
		f->file = sf->file;
		f->line = sf->line;
	} else {
		f->name = f->linkage_name = fallback;
	}
	e->key = *key;
	e->index = (uint32_t)p->n_functions++;
	HASH_ADD(hh, b->fns, key, sizeof e->key, e);
	return e->index;
}

/*
 * The function containing runtime address addr (a callee's entry, or a
 * caller's call instruction). *vaddr_out gets addr's ELF address (addr
 * itself outside every module). Returns the function index, or -1 when
 * the executable cannot be symbolized (reported).
 */
static long function_at(struct builder *b, uint64_t addr, uint64_t *vaddr_out)
{
	struct profile *p = b->p;
	long mi = module_of(b, addr);
	struct sym_function sf;
	struct sym_module *sm;
	struct fn_key key;
	const struct prof_module *m, *cm;
	uint64_t vaddr;

	memset(&key, 0, sizeof key);
	if (VPR_IS_NAME_FN(addr)) {
		/* a scope: named from the NAMES section, never symbolized */
		const char *name = raw_profile_fn_name(b->raw, addr);
		long f;

		*vaddr_out = addr;
		key.module = PROF_MODULE_UNKNOWN;
		key.address = addr;
		f = function_get(b, &key, NULL, name ? name : prof_strf(p, "scope#%" PRIu64,
		                                                         (uint64_t)(addr & ~VPR_NAME_FN_BASE)));
		p->functions[f].scope = 1;
		return f;
	}
	if (mi < 0) {
		*vaddr_out = addr;
		key.module = PROF_MODULE_UNKNOWN;
		key.address = addr;
		return function_get(b, &key, NULL, prof_strf(p, "0x%" PRIx64, addr));
	}
	m = &p->modules[mi];
	cm = &p->modules[module_index_of_id(p, m->canonical)];
	vaddr = addr - m->raw->load_bias;
	*vaddr_out = vaddr;
	sm = module_sym(b, (size_t)(cm - p->modules));
	if (b->failed)
		return -1;
	key.module = cm->id;
	memset(&sf, 0, sizeof sf);
	if (sm && p->sym->lookup_function(sm, vaddr, &sf) == 0) {
		key.address = sf.lowpc;
		return function_get(b, &key, &sf, NULL);
	}
	key.address = vaddr;
	return function_get(b, &key, NULL, prof_strf(p, "%s+0x%" PRIx64, cm->basename, vaddr));
}

/* The function whose entry is at runtime address fn (cached). */
static long callee_of(struct builder *b, uint64_t fn)
{
	struct entry_ent *e;
	uint64_t vaddr;
	long f;

	HASH_FIND(hh, b->entries, &fn, sizeof fn, e);
	if (e)
		return e->func;
	f = function_at(b, fn, &vaddr);
	if (f < 0)
		return -1;
	e = xcalloc(1, sizeof *e);
	e->addr = fn;
	e->func = (uint32_t)f;
	HASH_ADD(hh, b->entries, addr, sizeof e->addr, e);
	b->p->functions[f].instrumented = 1;
	return f;
}

/* Caller function, ELF address and source line of call site site (cached). */
static struct site_ent *site_of(struct builder *b, uint64_t site)
{
	struct profile *p = b->p;
	struct sym_frame frames[PROF_MAX_FRAMES];
	struct site_ent *s;
	uint64_t call_vaddr;
	long f, mi;
	int n = 0, i;

	HASH_FIND(hh, b->sites, &site, sizeof site, s);
	if (s)
		return s;
	f = function_at(b, site - 1, &call_vaddr);
	if (f < 0)
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->site = site;
	s->caller = (uint32_t)f;
	s->vaddr = call_vaddr + 1;
	mi = module_of(b, site - 1);
	if (mi >= 0) {
		const struct prof_module *m = &p->modules[mi];
		size_t ci = module_index_of_id(p, m->canonical);
		if (p->modules[ci].sym)
			n = p->sym->lookup_location(p->modules[ci].sym, call_vaddr, frames,
			                            PROF_MAX_FRAMES);
	}
	if (n > PROF_MAX_FRAMES)
		n = PROF_MAX_FRAMES;
	if (n > 0) {
		s->file = frames[0].file;
		s->line = frames[0].line;
		s->column = frames[0].column;
	}
	if (n > 1) {
		s->frames = xcalloc((size_t)n, sizeof *s->frames);
		for (i = 0; i < n; i++)
			s->frames[i] = (struct prof_frame){frames[i].function, frames[i].file,
			                                   frames[i].line, frames[i].column};
		s->n_frames = n;
	}
	HASH_ADD(hh, b->sites, site, sizeof s->site, s);
	return s;
}

/*
 * Appends one raw edge to p->edges as (caller, callee, site); edges with
 * the same key (other threads) are merged after sorting (merge_edges()),
 * which is cheaper than a hash table of a million edges.
 */
static int edge_add(struct builder *b, const struct raw_edge *re)
{
	struct profile *p = b->p;
	struct site_ent *s;
	struct prof_edge *pe;
	struct prof_function *callee;
	long c = callee_of(b, re->fn);

	if (c < 0 || !(s = site_of(b, re->site)))
		return -1;
	callee = &p->functions[c];
	/* Counts and self ticks: these sums (and those of the edges over
	 * threads, and every total an export or report makes from them) are
	 * parts of the sums raw_read.c bounds to COUNT_MAX: they cannot wrap.
	 * Inclusive ticks: check_inclusive_sums(). */
	callee->calls += re->count;
	callee->self_ticks += re->self_ticks;
	if (p->n_edges == b->cap_edges) {
		size_t ncap = b->cap_edges ? b->cap_edges * 2 : 256;
		void *np = xrealloc(p->edges, ncap * sizeof *p->edges);
		p->edges = np;
		b->cap_edges = ncap;
	}
	pe = &p->edges[p->n_edges++];
	memset(pe, 0, sizeof *pe);
	pe->caller = s->caller;
	pe->callee = (uint32_t)c;
	pe->site = s->vaddr;
	pe->file = s->file;
	pe->line = s->line;
	pe->column = s->column;
	pe->frames = s->frames;
	pe->n_frames = s->n_frames;
	pe->count = re->count;
	pe->total_ticks = re->total_ticks;
	pe->self_ticks = re->self_ticks;
	return 0;
}

/* Sums adjacent edges with the same (caller, callee, site): p->edges is
 * sorted by that key. */
static void merge_edges(struct profile *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n_edges; i++) {
		struct prof_edge *e = &p->edges[i], *last = n ? &p->edges[n - 1] : NULL;
		if (last && last->caller == e->caller && last->callee == e->callee &&
		    last->site == e->site) {
			last->count += e->count;
			last->total_ticks += e->total_ticks;
			last->self_ticks += e->self_ticks;
		} else {
			p->edges[n++] = *e;
		}
	}
	p->n_edges = n;
}

/* Unknown module last, then module id, then address. */
static int function_order(const void *a, const void *b)
{
	const struct prof_function *x = a, *y = b;
	int ux = x->module == PROF_MODULE_UNKNOWN, uy = y->module == PROF_MODULE_UNKNOWN;

	if (ux != uy)
		return ux - uy;
	if (x->module != y->module)
		return x->module < y->module ? -1 : 1;
	return x->address < y->address ? -1 : x->address > y->address;
}

/* Edges by caller, callee, then call site. */
int profile_edge_order(const void *a, const void *b)
{
	const struct prof_edge *x = a, *y = b;

	if (x->caller != y->caller)
		return x->caller < y->caller ? -1 : 1;
	if (x->callee != y->callee)
		return x->callee < y->callee ? -1 : 1;
	return x->site < y->site ? -1 : x->site > y->site;
}

/*
 * Sorts functions into their final order and numbers them densely (the
 * address is unique per module, so the order is total), then renumbers,
 * sorts and merges the edges.
 */
static void number_functions(struct builder *b)
{
	struct profile *p = b->p;
	uint32_t *new_id;
	size_t i;

	/* Remember each function's old index in its id field while sorting. */
	for (i = 0; i < p->n_functions; i++)
		p->functions[i].id = (uint32_t)i;
	if (p->n_functions)
		qsort(p->functions, p->n_functions, sizeof *p->functions, function_order);
	new_id = xcalloc(p->n_functions, sizeof *new_id);
	for (i = 0; i < p->n_functions; i++) {
		new_id[p->functions[i].id] = (uint32_t)i;
		p->functions[i].id = (uint32_t)i;
	}
	for (i = 0; i < p->n_edges; i++) {
		p->edges[i].caller = new_id[p->edges[i].caller];
		p->edges[i].callee = new_id[p->edges[i].callee];
	}
	{
		struct entry_ent *e, *et;
		HASH_ITER(hh, b->entries, e, et)
			e->func = new_id[e->func];
	}
	free(new_id);
	if (p->n_edges)
		qsort(p->edges, p->n_edges, sizeof *p->edges, profile_edge_order);
	merge_edges(p);
}

/* Hottest first: self time (time mode) or calls, then id. */
int profile_hot_order(const void *a, const void *b, void *arg)
{
	const struct profile *p = arg;
	const struct prof_function *x = &p->functions[*(const uint32_t *)a];
	const struct prof_function *y = &p->functions[*(const uint32_t *)b];
	uint64_t mx = p->timed ? x->self_ns : x->calls;
	uint64_t my = p->timed ? y->self_ns : y->calls;

	if (mx != my)
		return mx > my ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Converts times and picks the hot spots. */
static void finish(struct builder *b)
{
	struct profile *p = b->p;
	const struct raw_profile *raw = b->raw;
	uint32_t *all;
	size_t i, n = 0;

	for (i = 0; i < p->n_functions; i++) {
		struct prof_function *f = &p->functions[i];
		if (p->timed) {
			f->self_ns = raw_ticks_to_ns(raw, f->self_ticks);
			f->total_ns = raw_ticks_to_ns(raw, f->total_ticks);
		}
	}
	for (i = 0; i < p->n_edges; i++) {
		struct prof_edge *e = &p->edges[i];
		if (p->timed) {
			e->self_ns = raw_ticks_to_ns(raw, e->self_ticks);
			e->total_ns = raw_ticks_to_ns(raw, e->total_ticks);
		}
	}
	all = xcalloc(p->n_functions, sizeof *all);
	for (i = 0; i < p->n_functions; i++) {
		const struct prof_function *f = &p->functions[i];
		if (p->timed ? f->self_ns > 0 : f->calls > 0)
			all[n++] = (uint32_t)i;
	}
	qsort_r(all, n, sizeof *all, profile_hot_order, p);
	p->hot = all;
	p->n_hot = n < PROF_HOT ? n : PROF_HOT;
}

static void builder_free(struct builder *b)
{
	struct fn_ent *f, *ft;
	struct entry_ent *e, *et;

	HASH_ITER(hh, b->fns, f, ft) {
		HASH_DEL(b->fns, f);
		free(f);
	}
	(void)e;
	(void)et;
	free(b->iv);
	/* b->entries stays with the profile: profile_callee() */
	b->p->entry_infos = b->entries;
	/* b->sites stays with the profile: edges point at its frames. */
	b->p->site_infos = b->sites;
}

/* The inclusive ticks of the edges into each function, summed: every sum
 * of inclusive times a report or an export makes (an edge over threads, a
 * caller-callee pair over call sites, a callgrind inclusive cost) is a part
 * of one, and must fit in 64 bits as ticks and as ns. (Counts and self
 * times are bounded by the raw reader.) Returns 0, or -1 after reporting. */
static int check_inclusive_sums(const struct profile *p, const struct raw_profile *raw)
{
	uint64_t *into = xcalloc(p->n_functions, sizeof *into);
	size_t i;
	int rc = 0;

	for (i = 0; i < p->n_edges && rc == 0; i++) {
		const struct prof_edge *e = &p->edges[i];
		if (count_add(&into[e->callee], e->total_ticks, 1, COUNT_MAX) != 0 ||
		    !raw_ticks_fit_ns(raw, into[e->callee])) {
			tool_error(raw->file, "count overflow: the inclusive time of the calls into"
			           " %s is past 2^64-1 ns", p->functions[e->callee].name);
			rc = -1;
		}
	}
	free(into);
	return rc;
}

int profile_build(struct profile *p, const struct raw_profile *raw,
                  const struct prof_symbolizer *sym)
{
	struct builder b;
	size_t i;
	int rc = -1, trace_ids;

	memset(p, 0, sizeof *p);
	memset(&b, 0, sizeof b);
	p->raw = raw;
	p->sym = sym ? sym : &prof_symbolizer_default;
	p->timed = (raw->mode == VPR_MODE_TIME ||
	            (raw->mode == VPR_MODE_TRACE && raw->trace && raw->trace->aggregated)) &&
	           raw->time_available;
	b.p = p;
	b.raw = raw;
	trace_ids = raw->mode == VPR_MODE_TRACE && !(raw->trace && raw->trace->aggregated);
	modules_init(&b);
	for (i = 0; i < raw->n_edges; i++) {
		const struct raw_edge *e = &raw->edges[i];
		/* A slot with nothing in it: zeroed by vitprof_reset(), or a
		 * crash between inserting the key and counting the call. A
		 * trace's id table, not aggregated yet, keeps them all: its
		 * events name them (a fork child's frames open at the fork are
		 * entries it inherited with their counts reset). */
		if (!e->count && !e->total_ticks && !e->self_ticks && !trace_ids)
			continue;
		if (edge_add(&b, e) != 0)
			goto out;
	}
	for (i = 0; i < raw->n_functions; i++) {
		long f;
		if (!raw->functions[i].total_ticks)
			continue;
		if ((f = callee_of(&b, raw->functions[i].fn)) < 0)
			goto out;
		if (count_add(&p->functions[f].total_ticks, raw->functions[i].total_ticks, 1,
		              COUNT_MAX) != 0 ||
		    !raw_ticks_fit_ns(raw, p->functions[f].total_ticks)) {
			tool_error(raw->file, "count overflow: the inclusive time of %s, summed over"
			           " threads, is past 2^64-1 ns", p->functions[f].name);
			goto out;
		}
	}
	if (check_inclusive_sums(p, raw) != 0)
		goto out;
	number_functions(&b);
	finish(&b);
	rc = 0;
out:
	builder_free(&b);
	return rc;
}

void profile_free(struct profile *p)
{
	struct site_ent *s, *st, *sites = p->site_infos;
	size_t i;

	for (i = 0; i < p->n_modules; i++)
		if (p->modules[i].sym)
			p->sym->close(p->modules[i].sym);
	struct entry_ent *e, *et, *entries = p->entry_infos;

	HASH_ITER(hh, sites, s, st) {
		HASH_DEL(sites, s);
		free(s->frames);
		free(s);
	}
	HASH_ITER(hh, entries, e, et) {
		HASH_DEL(entries, e);
		free(e);
	}
	while (p->strings) {
		struct prof_string *n = p->strings->next;
		free(p->strings);
		p->strings = n;
	}
	free(p->modules);
	free(p->functions);
	free(p->edges);
	free(p->hot);
	if (p->doc)     /* built from a document (doc_profile.c): its release */
		((struct profile_keep *)p->doc)->release(p->doc);
	memset(p, 0, sizeof *p);
}

const struct prof_function *profile_callee(const struct profile *p, uint64_t fn)
{
	struct entry_ent *e, *entries = p->entry_infos;

	HASH_FIND(hh, entries, &fn, sizeof fn, e);
	return e ? &p->functions[e->func] : NULL;
}

void profile_check_exe_path(const struct raw_profile *raw)
{
	const struct raw_module *main_module = NULL;
	size_t i;

	for (i = 0; i < raw->n_modules; i++)
		if (raw->modules[i].id == 0)
			main_module = &raw->modules[i];
	if (!main_module || !main_module->path || strcmp(main_module->path, raw->exe_path) == 0)
		return;
	/* tool_warn escapes both strings */
	tool_warn(raw->file, "the header names the program '%s' but its main module record"
	          " names '%s'; symbols and build-id come from the module record",
	          raw->exe_path, main_module->path);
}

int profile_check_program(const struct raw_profile *raw)
{
	const struct raw_module *m = raw->n_modules && raw->modules[0].id == 0 ? &raw->modules[0]
	                                                                       : NULL;
	uint8_t have[VPR_BUILD_ID_MAX];
	char hw[2 * VPR_BUILD_ID_MAX + 1] = "", hh[2 * VPR_BUILD_ID_MAX + 1] = "";
	int n;

	if (!m || !m->build_id_len)
		return 0;           /* nothing recorded to compare (as profile_build) */
	n = sym_read_build_id(m->path, have, sizeof have);
	for (unsigned k = 0; k < m->build_id_len; k++)
		snprintf(hw + 2 * k, 3, "%02x", m->build_id[k]);
	if (n < 0) {
		tool_error(raw->file, "the program that ran is not the one on disk: %s: %s", m->path,
		           access(m->path, R_OK) != 0 ? status_text(SYM_ERR_OPEN)
		                                      : status_text(SYM_ERR_NOT_ELF));
		return -1;
	}
	if ((size_t)n == m->build_id_len && memcmp(have, m->build_id, (size_t)n) == 0)
		return 0;
	for (int k = 0; k < n; k++)
		snprintf(hh + 2 * k, 3, "%02x", have[k]);
	if (n == 0)
		tool_error(raw->file, "the program that ran is not the one on disk: %s: has no build-id,"
		           " cannot match the profiled binary's %s (the file on disk is not the one"
		           " that ran)", m->path, hw);
	else
		tool_error(raw->file, "the program that ran is not the one on disk: %s: build-id %s"
		           " does not match the profiled binary's %s (the file on disk was rebuilt"
		           " since the run)", m->path, hh, hw);
	return -1;
}
