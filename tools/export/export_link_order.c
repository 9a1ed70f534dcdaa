/* SPDX-License-Identifier: MIT */
/*
 * export_link_order.c - `vitprof export --format link-order`: a function
 * order for the linker from the call graph, one symbol name per line, the
 * input of lld's --symbol-ordering-file; and `--format link-order-gold`:
 * the same order as the section names gold's --section-ordering-file wants.
 *
 * The order is C3, call-chain clustering (Ottoni and Maher, "Optimizing
 * Function Placement for Large-Scale Data-Center Applications", CGO 2017),
 * as lld's --call-graph-profile-sort implements it (lld/ELF/CallGraphSort.cpp):
 *
 *   - every function that ran is a cluster; its weight is the number of
 *     calls into it, its density weight / code size;
 *   - functions are visited by density, hottest first; each is appended
 *     to the cluster of its heaviest caller (the caller that called it most),
 *     unless that caller made at most a tenth of its calls, the merged cluster
 *     would exceed 1 MiB, or the merged density would fall below an eighth of
 *     the caller cluster's;
 *   - clusters are printed by density, hottest first, each in the order its
 *     functions were appended (a caller before its callees).
 *
 * Only the executable's functions (module 0) are ordered: an order file
 * serves one link. Sizes are those of the profiled (instrumented) build.
 * Functions only the arc counters saw follow, by entry count.
 *
 * Both writers return 0, -1 on a write error (not reported), or -2 after
 * reporting that no function qualified (nothing to write).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "base/tool.h"
#include "coverage/coverage.h"
#include "export/export.h"
#include "model/profile.h"

#define C3_MAX_CLUSTER_SIZE (1u << 20)
#define C3_MAX_DENSITY_DEGRADATION 8

struct c3_node {
	uint32_t fn;                /* profile function id */
	uint64_t size;              /* code bytes (>= 1) */
	uint64_t weight;            /* calls into it (initial weight) */
	long best_pred;             /* node index of the heaviest caller, -1 */
	uint64_t best_weight;
	/* cluster state, valid at a leader */
	long leader;                /* the cluster's leader node */
	long next;                  /* next node of the cluster, -1 */
	long last;                  /* leader: last node of the cluster */
	uint64_t c_size, c_weight;
};

struct name_seen {
	const char *name;
	UT_hash_handle hh;
};

/* A name a linker has: symbolized, not "lib.so+0xOFFSET". */
static int symbol_name(const char *name)
{
	return name && *name && !strstr(name, "+0x") && !strchr(name, ' ');
}

static const struct prof_module *module_by_id(const struct profile *p, int64_t id)
{
	size_t i;

	for (i = 0; i < p->n_modules; i++)
		if (p->modules[i].id == (uint64_t)id)
			return &p->modules[i];
	return NULL;
}

/* Code size of f from its symbol's extent, else the gap to next_addr (the
 * next function of the module, 0: none), else 1. */
static uint64_t function_size(const struct profile *p, const struct prof_function *f,
                              uint64_t next_addr)
{
	const struct prof_module *m = module_by_id(p, f->module);
	struct sym_function sf;

	/* The profile's own symbolizer (a test's may be a stub). */
	if (m && m->sym && p->sym && p->sym->lookup_function &&
	    p->sym->lookup_function(m->sym, f->address, &sf) == 0 &&
	    sf.lowpc == f->address && sf.highpc > sf.lowpc)
		return sf.highpc - sf.lowpc;
	if (next_addr > f->address)
		return next_addr - f->address;
	return 1;
}

/* density(a) > density(b), as a->w / a->s > b->w / b->s without division. */
static int denser(uint64_t wa, uint64_t sa, uint64_t wb, uint64_t sb)
{
	return (unsigned __int128)wa * sb > (unsigned __int128)wb * sa;
}

static const struct c3_node *sort_nodes;

/* Leaders (or nodes) by density descending; ties by function id. */
static int cmp_density(const void *a, const void *b)
{
	const struct c3_node *x = &sort_nodes[*(const long *)a];
	const struct c3_node *y = &sort_nodes[*(const long *)b];

	if (denser(x->c_weight, x->c_size, y->c_weight, y->c_size))
		return -1;
	if (denser(y->c_weight, y->c_size, x->c_weight, x->c_size))
		return 1;
	return x->fn < y->fn ? -1 : x->fn > y->fn;
}

static long find_leader(struct c3_node *nodes, long i)
{
	while (nodes[i].leader != i) {
		nodes[i].leader = nodes[nodes[i].leader].leader;
		i = nodes[i].leader;
	}
	return i;
}

/* The C3 clusters of nodes[0..n): fills order[] with node indices. */
static void c3_order(struct c3_node *nodes, long n, long *order)
{
	long *by_density = xcalloc((size_t)n, sizeof *by_density);
	long i, k, m = 0;

	for (i = 0; i < n; i++) {
		nodes[i].leader = i;
		nodes[i].next = -1;
		nodes[i].last = i;
		nodes[i].c_size = nodes[i].size;
		nodes[i].c_weight = nodes[i].weight;
		by_density[i] = i;
	}
	sort_nodes = nodes;
	qsort(by_density, (size_t)n, sizeof *by_density, cmp_density);
	for (k = 0; k < n; k++) {
		struct c3_node *c = &nodes[by_density[k]];
		struct c3_node *pc;
		long pl;

		if (c->best_pred < 0 || c->best_weight * 10 <= c->weight)
			continue;               /* no caller, or an unlikely one */
		if (find_leader(nodes, by_density[k]) != by_density[k])
			continue;               /* already appended somewhere */
		pl = find_leader(nodes, c->best_pred);
		if (pl == by_density[k])
			continue;               /* its caller is in its own cluster */
		pc = &nodes[pl];
		if (pc->c_size + c->c_size > C3_MAX_CLUSTER_SIZE)
			continue;
		/* The merged density must stay above 1/8 of the caller's. */
		if (denser(pc->c_weight, pc->c_size * C3_MAX_DENSITY_DEGRADATION,
		           pc->c_weight + c->c_weight, pc->c_size + c->c_size))
			continue;
		nodes[pc->last].next = by_density[k];
		pc->last = c->last;
		pc->c_size += c->c_size;
		pc->c_weight += c->c_weight;
		c->leader = pl;
	}
	/* Remaining clusters by density (their leaders' c_* are the sums). */
	for (k = 0; k < n; k++)
		if (nodes[by_density[k]].leader == by_density[k])
			by_density[m++] = by_density[k];
	qsort(by_density, (size_t)m, sizeof *by_density, cmp_density);
	for (k = 0, i = 0; k < m; k++) {
		long j;
		for (j = by_density[k]; j >= 0; j = nodes[j].next)
			order[i++] = j;
	}
	free(by_density);
}

static int cmp_address(const void *a, const void *b, void *arg)
{
	const struct profile *p = arg;
	const struct prof_function *x = &p->functions[*(const uint32_t *)a];
	const struct prof_function *y = &p->functions[*(const uint32_t *)b];

	return x->address < y->address ? -1 : x->address > y->address;
}

/* How each function of the order is printed. */
enum order_style {
	ORDER_SYMBOLS,              /* lld --symbol-ordering-file */
	ORDER_GOLD_SECTIONS,        /* gold --section-ordering-file */
};

static int print_function(FILE *out, const char *name, enum order_style style)
{
	if (style == ORDER_SYMBOLS)
		return fprintf(out, "%s\n", name) < 0 ? -1 : 0;
	/* -ffunction-sections: .text.NAME; GCC's .text.hot. and .text.startup.
	 * prefixes (hot, and main or constructors at -O2) too; not
	 * .text.unlikely.NAME, where the cold part NAME.cold goes. */
	return fprintf(out, ".text.%s\n.text.hot.%s\n.text.startup.%s\n",
	               name, name, name) < 0 ? -1 : 0;
}

static const struct cov_report *sort_report;

/* Coverage functions by entry count descending, then name. */
static int cmp_entries(const void *a, const void *b)
{
	const struct cov_function *x = &sort_report->functions[*(const size_t *)a];
	const struct cov_function *y = &sort_report->functions[*(const size_t *)b];

	if (x->entry_count != y->entry_count)
		return x->entry_count > y->entry_count ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Prints name unless it was printed already; 0, or -1 on a write error. */
static int print_once(FILE *out, struct name_seen **seen, const char *name,
                      enum order_style style)
{
	struct name_seen *s;

	HASH_FIND_STR(*seen, name, s);
	if (s)
		return 0;               /* a clone, or a static of the same name */
	s = xcalloc(1, sizeof *s);
	s->name = name;
	HASH_ADD_KEYPTR(hh, *seen, s->name, strlen(s->name), s);
	return print_function(out, name, style);
}

/* Functions that ran according to the arc counters but that the hooks did
 * not see (an arcs-only build, or no_instrument_function), hottest first,
 * after the clusters: without call edges, hotness is all there is. */
static int print_unhooked(FILE *out, struct name_seen **seen, const struct cov_report *r,
                          enum order_style style)
{
	size_t *idx = xcalloc(r->n_functions, sizeof *idx);
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; i < r->n_functions; i++)
		if (r->functions[i].entry_count && symbol_name(r->functions[i].name))
			idx[n++] = i;
	sort_report = r;
	qsort(idx, n, sizeof *idx, cmp_entries);
	for (i = 0; i < n && rc == 0; i++)
		rc = print_once(out, seen, r->functions[idx[i]].name, style);
	free(idx);
	return rc;
}

/* The C3 order of p's executable functions, then the functions only the
 * arc counters of cov (may be NULL) saw, printed in style. */
static int write_order(FILE *out, const struct profile *p, struct coverage *cov,
                       enum order_style style)
{
	long *node_of = xcalloc(p->n_functions, sizeof *node_of);
	uint32_t *mod0 = xcalloc(p->n_functions, sizeof *mod0);
	struct c3_node *nodes;
	struct name_seen *seen = NULL, *s, *tmp;
	long n = 0, i, *order;
	size_t k, n_mod0 = 0, left_out = 0;
	int rc = 0;

	/* The executable's functions in address order (sizes by gap). */
	for (k = 0; k < p->n_functions; k++) {
		const struct prof_function *f = &p->functions[k];
		node_of[k] = -1;
		if (f->module == 0)
			mod0[n_mod0++] = (uint32_t)k;
		else if (f->instrumented && f->calls && f->module != PROF_MODULE_UNKNOWN)
			left_out++;
	}
	qsort_r(mod0, n_mod0, sizeof *mod0, cmp_address, (void *)p);
	nodes = xcalloc(n_mod0, sizeof *nodes);
	for (k = 0; k < n_mod0; k++) {
		const struct prof_function *f = &p->functions[mod0[k]];
		if (!f->instrumented || !f->calls || !symbol_name(f->linkage_name))
			continue;
		nodes[n].fn = f->id;
		nodes[n].size = function_size(p, f, k + 1 < n_mod0 ?
		                              p->functions[mod0[k + 1]].address : 0);
		nodes[n].weight = f->calls;
		nodes[n].best_pred = -1;
		node_of[f->id] = n++;
	}
	/* Heaviest caller of each function; edges are per call site, so sum
	 * the sites of one (caller, callee) pair (edges are sorted by it). */
	for (k = 0; k < p->n_edges;) {
		const struct prof_edge *e = &p->edges[k];
		uint64_t w = 0;
		size_t j = k;
		while (j < p->n_edges && p->edges[j].caller == e->caller &&
		       p->edges[j].callee == e->callee)
			w += p->edges[j++].count;
		k = j;
		if (e->caller == e->callee || node_of[e->caller] < 0 || node_of[e->callee] < 0)
			continue;
		if (w > nodes[node_of[e->callee]].best_weight) {
			nodes[node_of[e->callee]].best_weight = w;
			nodes[node_of[e->callee]].best_pred = node_of[e->caller];
		}
	}
	order = xcalloc((size_t)n, sizeof *order);
	c3_order(nodes, n, order);
	for (i = 0; i < n && rc == 0; i++)
		rc = print_once(out, &seen, p->functions[nodes[order[i]].fn].linkage_name, style);
	if (rc == 0 && cov && cov->n_used)
		rc = print_unhooked(out, &seen, &cov->report, style);
	if (rc == 0 && !seen) {
		tool_error(NULL, "link-order: no function of the executable ran"
		           " (build it with `vitprof flags --compile`)");
		rc = -2;
	}
	/* gold places sections the file does not name before those it names:
	 * a last pattern matching every other function section puts them
	 * after. */
	if (rc == 0 && style == ORDER_GOLD_SECTIONS && fputs(".text.*\n", out) == EOF)
		rc = -1;
	if (left_out)
		tool_warn(NULL, "link-order: %zu function(s) of shared libraries left out:"
		          " the order is the executable's", left_out);
	HASH_ITER(hh, seen, s, tmp) {
		HASH_DEL(seen, s);
		free(s);
	}
	free(order);
	free(nodes);
	free(mod0);
	free(node_of);
	return rc;
}

int export_link_order(FILE *out, const struct profile *p, struct coverage *cov)
{
	return write_order(out, p, cov, ORDER_SYMBOLS);
}

/* `--format link-order-gold`: the same order as gold's section names. */
int export_link_order_gold(FILE *out, const struct profile *p, struct coverage *cov)
{
	return write_order(out, p, cov, ORDER_GOLD_SECTIONS);
}
