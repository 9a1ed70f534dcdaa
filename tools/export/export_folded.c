/* SPDX-License-Identifier: MIT */
/*
 * export_folded.c - `vitprof export --format folded`: the folded stacks of
 * a context-mode profile (VITPROF_MODE=context or context,time), one line
 * "main;f;g N" per calling-context path, as flamegraph.pl, inferno and
 * speedscope read them. N is the number of calls that reached exactly that
 * path (context mode) or their self time in nanoseconds (context,time mode
 * with a usable clock). Paths are merged over threads; lines are in
 * depth-first order with siblings sorted by name; paths whose N is 0 are
 * left out. The sum of all N is the root's total: every counted call (or
 * all the time spent in instrumented code), less what pruning left out.
 *
 * Pruning (ctx_tree_limit, export_folded_limits): by default paths under
 * 0.1% of the total are left out and paths deeper than 256 frames are cut
 * into one "[deeper]" frame, with one note on stderr saying how many and
 * what share; --keep-all (--min-share 0 --max-depth 0) keeps everything.
 *
 * Also the merged calling-context tree (ctx_tree_build) that
 * cmd_flamegraph.c draws.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "coverage/coverage.h"
#include "export/export.h"
#include "model/profile.h"
#include "read/raw_profile.h"

/* ---- function of a runtime address ------------------------------------- */

/* Index of the profile function whose entry is runtime address fn, or -1. */
static long function_of(const struct profile *p, uint64_t fn)
{
	const struct raw_profile *raw = p->raw;
	int64_t module = PROF_MODULE_UNKNOWN;
	uint64_t addr = fn;
	size_t i, lo, hi;

	for (i = 0; i < p->n_modules && i < raw->n_modules; i++) {
		const struct raw_module *m = p->modules[i].raw;
		if (m && fn >= m->lo && fn < m->hi) {
			module = p->modules[i].canonical;
			addr = fn - m->load_bias;
			break;
		}
	}
	lo = 0;
	hi = p->n_functions;
	while (lo < hi) {          /* functions sorted by (module, address), unknown last */
		size_t mid = lo + (hi - lo) / 2;
		const struct prof_function *f = &p->functions[mid];
		int uf = f->module == PROF_MODULE_UNKNOWN, uk = module == PROF_MODULE_UNKNOWN;
		int c = uf != uk ? uf - uk : f->module != module ? (f->module < module ? -1 : 1)
		        : f->address < addr ? -1 : f->address > addr;
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

struct fn_name {
	uint64_t fn;                /* runtime address */
	uint64_t key;
	const char *name;
};

static int fn_name_order(const void *a, const void *b)
{
	const struct fn_name *x = a, *y = b;
	return x->fn < y->fn ? -1 : x->fn > y->fn;
}

/* The frame name of s: escaped (tool_text.c: no control character, no
 * second line), ';' (the frame separator) replaced by ':'. */
static char *folded_name(const char *s)
{
	char *d = tool_text_dup(s ? s : "?"), *c;

	for (c = d; *c; c++)
		if (*c == ';')
			*c = ':';
	return d;
}

static void own(struct ctx_tree *t, char *s)
{
	char **o = xrealloc(t->owned, (t->n_owned + 1) * sizeof *o);
	t->owned = o;
	t->owned[t->n_owned++] = s;
}

/* Sorted table of every node's function: address -> (key, name). */
static struct fn_name *names_build(struct ctx_tree *t, const struct profile *p, size_t *n_out)
{
	const struct raw_profile *raw = p->raw;
	struct fn_name *v = xcalloc(raw->n_ctx_nodes, sizeof *v);
	size_t i, n = 0;

	for (i = 0; i < raw->n_ctx_nodes; i++)
		v[i].fn = raw->ctx_nodes[i].fn;
	qsort(v, raw->n_ctx_nodes, sizeof *v, fn_name_order);
	for (i = 0; i < raw->n_ctx_nodes; i++) {
		long f;
		char buf[32];

		if (n && v[n - 1].fn == v[i].fn)
			continue;
		v[n].fn = v[i].fn;
		f = function_of(p, v[n].fn);
		if (f >= 0) {
			v[n].key = (uint64_t)f;
			own(t, folded_name(p->functions[f].name));
		} else {
			v[n].key = (1ull << 32) + v[n].fn;
			snprintf(buf, sizeof buf, "0x%" PRIx64, v[n].fn);
			own(t, folded_name(buf));
		}
		v[n].name = t->owned[t->n_owned - 1];
		n++;
	}
	*n_out = n;
	return v;
}

static const struct fn_name *name_find(const struct fn_name *v, size_t n, uint64_t fn)
{
	struct fn_name k = {fn, 0, NULL};
	return bsearch(&k, v, n, sizeof *v, fn_name_order);
}

/* ---- merging the per-thread trees by path ------------------------------ */

static int node_order(const void *a, const void *b)
{
	const struct raw_ctx_node *x = *(const struct raw_ctx_node *const *)a;
	const struct raw_ctx_node *y = *(const struct raw_ctx_node *const *)b;

	if (x->shard_id != y->shard_id)
		return x->shard_id < y->shard_id ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Open-addressing map (parent node, key) -> node, over t->nodes. */
struct child_map {
	uint32_t *slot;             /* node index + 1; 0 empty */
	size_t cap;
};

static uint64_t child_hash(uint32_t parent, uint64_t key)
{
	return ((uint64_t)parent * 0x9E3779B97F4A7C15ull) ^ (key * 0xC2B2AE3D27D4EB4Full);
}

static uint32_t child_get(struct ctx_tree *t, struct child_map *m, uint32_t parent,
                          uint64_t key, const char *name)
{
	size_t i;
	struct ctx_tree_node *c;

	if ((t->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 1024, j;
		uint32_t *ns = xcalloc(ncap, sizeof *ns);
		for (j = 1; j < t->n; j++) {
			size_t h = child_hash(t->nodes[j].parent, t->nodes[j].key) & (ncap - 1);
			while (ns[h])
				h = (h + 1) & (ncap - 1);
			ns[h] = (uint32_t)j + 1;
		}
		free(m->slot);
		m->slot = ns;
		m->cap = ncap;
	}
	for (i = child_hash(parent, key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		uint32_t s = m->slot[i];
		if (!s)
			break;
		if (t->nodes[s - 1].parent == parent && t->nodes[s - 1].key == key)
			return s - 1;
	}
	if (t->n >= UINT32_MAX - 1)
		tool_oom();
	if (t->n == t->cap) {
		t->cap *= 2;
		c = xrealloc(t->nodes, t->cap * sizeof *c);
		t->nodes = c;
	}
	c = &t->nodes[t->n];
	memset(c, 0, sizeof *c);
	c->name = name;
	c->parent = parent;
	c->key = key;
	c->depth = t->nodes[parent].depth + 1;
	if (c->depth > t->max_depth)
		t->max_depth = c->depth;
	m->slot[i] = (uint32_t)t->n + 1;
	return (uint32_t)t->n++;
}

static int sibling_order(const void *a, const void *b, void *arg)
{
	const struct ctx_tree_node *nodes = arg;
	const struct ctx_tree_node *x = &nodes[*(const uint32_t *)a];
	const struct ctx_tree_node *y = &nodes[*(const uint32_t *)b];
	int c;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Links children in name order and sums totals (parents precede children). */
static void tree_finish(struct ctx_tree *t)
{
	uint32_t *order;
	size_t i;

	for (i = t->n; i-- > 1;)
		t->nodes[i].total += t->nodes[i].value;
	t->nodes[0].total += t->nodes[0].value;
	for (i = t->n; i-- > 1;)
		t->nodes[t->nodes[i].parent].total += t->nodes[i].total;
	if (t->n < 2)
		return;
	order = xcalloc(t->n - 1, sizeof *order);
	for (i = 1; i < t->n; i++)
		order[i - 1] = (uint32_t)i;
	qsort_r(order, t->n - 1, sizeof *order, sibling_order, t->nodes);
	for (i = t->n - 1; i-- > 0;) {
		struct ctx_tree_node *c = &t->nodes[order[i]];
		struct ctx_tree_node *par = &t->nodes[c->parent];
		c->next_sibling = par->first_child;
		par->first_child = order[i];
	}
	free(order);
}

int ctx_tree_build(struct ctx_tree *t, const struct profile *p)
{
	const struct raw_profile *raw = p->raw;
	const struct raw_ctx_node **v = NULL;
	struct fn_name *names;
	struct child_map map = {NULL, 0};
	uint32_t *merged = NULL;
	size_t i, n_names, shard_start = 0;

	memset(t, 0, sizeof *t);
	if (raw->mode != VPR_MODE_CONTEXT && raw->mode != VPR_MODE_CONTEXT_TIME &&
	    !(raw->mode == VPR_MODE_TRACE && raw->trace && raw->trace->aggregated)) {
		tool_error(raw->file, "a %s-mode profile has no calling contexts: record it"
		           " with VITPROF_MODE=context", raw_mode_name(raw->mode));
		return -1;
	}
	/* a trace's aggregates have context,time mode's nodes (trace_aggregate()) */
	t->timed = (raw->mode == VPR_MODE_CONTEXT_TIME || raw->mode == VPR_MODE_TRACE) &&
	           raw->time_available;
	t->cap = 64;
	t->nodes = xcalloc(t->cap, sizeof *t->nodes);
	t->nodes[0].name = "all";
	t->n = 1;
	names = names_build(t, p, &n_names);
	v = xcalloc(raw->n_ctx_nodes, sizeof *v);
	merged = xcalloc(raw->n_ctx_nodes, sizeof *merged);
	for (i = 0; i < raw->n_ctx_nodes; i++)
		v[i] = &raw->ctx_nodes[i];
	qsort(v, raw->n_ctx_nodes, sizeof *v, node_order);
	for (i = 0; i < raw->n_ctx_nodes; i++) {
		const struct raw_ctx_node *c = v[i];
		const struct fn_name *nm = name_find(names, n_names, c->fn);
		uint32_t parent = 0, m;

		if (i && v[i - 1]->shard_id != c->shard_id)
			shard_start = i;
		if (c->parent) {
			/* The reader checked that the parent is an earlier node of
			 * this shard: binary search in [shard_start, i). */
			size_t lo = shard_start, hi = i;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (v[mid]->id < c->parent)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == i || v[lo]->id != c->parent) {
				tool_error(raw->file, "context node %" PRIu64 " of shard %" PRIu64
				           " has no parent %" PRIu64, c->id, c->shard_id, c->parent);
				free(v), free(merged), free(names), free(map.slot);
				return -1;
			}
			parent = merged[lo];
		}
		m = child_get(t, &map, parent, nm->key, nm->name);
		merged[i] = m;
		t->nodes[m].calls += c->count;
		t->nodes[m].value += t->timed ? raw_ticks_to_ns(raw, c->self_ticks) : c->count;
	}
	free(v);
	free(merged);
	free(names);
	free(map.slot);
	tree_finish(t);
	return 0;
}

void ctx_tree_free(struct ctx_tree *t)
{
	size_t i;

	for (i = 0; i < t->n_owned; i++)
		free(t->owned[i]);
	free(t->owned);
	free(t->nodes);
	memset(t, 0, sizeof *t);
}

/* ---- pruning: bounded output -------------------------------------------- */

struct ctx_limits export_folded_limits = {CTX_MIN_SHARE_DEFAULT, CTX_MAX_DEPTH_DEFAULT};

/* Appends a node (a copy of src, or a fresh one when src is NULL) under
 * parent of the tree being built (nodes, *n of *cap; last[] the last child
 * of each node). Returns its index. */
static uint32_t limit_append(struct ctx_tree_node **nodes, size_t *n, size_t *cap,
                             uint32_t **last, const struct ctx_tree_node *src,
                             uint32_t parent)
{
	struct ctx_tree_node *c;
	uint32_t id;

	if (*n == *cap) {
		size_t ncap = *cap * 2;
		struct ctx_tree_node *nn = xrealloc(*nodes, ncap * sizeof *nn);
		uint32_t *nl = xrealloc(*last, ncap * sizeof *nl);
		*nodes = nn;
		*last = nl;
		*cap = ncap;
	}
	id = (uint32_t)*n;
	c = &(*nodes)[id];
	if (src)
		*c = *src;
	else
		memset(c, 0, sizeof *c);
	c->parent = parent;
	c->first_child = c->next_sibling = 0;
	c->total = 0;
	c->depth = id ? (*nodes)[parent].depth + 1 : 0;
	(*last)[id] = 0;
	if (id) {
		if ((*last)[parent])
			(*nodes)[(*last)[parent]].next_sibling = id;
		else
			(*nodes)[parent].first_child = id;
		(*last)[parent] = id;
	}
	(*n)++;
	return id;
}

void ctx_tree_limit(struct ctx_tree *t, const struct ctx_limits *l, struct ctx_pruned *st)
{
	struct ctx_tree_node *nodes;
	uint32_t *map, *lines, *last, *deeper, i;
	size_t n = 0, cap = 64, k;
	double threshold;

	memset(st, 0, sizeof *st);
	if (!t->n)
		return;
	st->total = t->nodes[0].total;
	threshold = l->min_share * (double)st->total;
	/* lines[i]: folded lines of i's subtree (nodes with a value); a
	 * parent's index is below its children's. */
	map = xcalloc(t->n, sizeof *map);
	lines = xcalloc(t->n, sizeof *lines);
	deeper = xcalloc(t->n, sizeof *deeper);
	nodes = xcalloc(cap, sizeof *nodes);
	last = xcalloc(cap, sizeof *last);
	for (k = t->n; k-- > 0;) {
		lines[k] += t->nodes[k].value != 0;
		if (k)
			lines[t->nodes[k].parent] += lines[k];
	}
	limit_append(&nodes, &n, &cap, &last, &t->nodes[0], 0);
	map[0] = 0;
	/* Depth first in sibling order, skipping the subtrees left out. */
	i = t->nodes[0].first_child;
	while (i) {
		const struct ctx_tree_node *o = &t->nodes[i];
		uint32_t np = map[o->parent];
		int descend = 0;

		if ((double)o->total < threshold) {
			/* Not drawn, still counted: the parent keeps its width
			 * (as flamegraph.pl's --minwidth), so shares stay shares
			 * of the whole. The folded lines leave it out. */
			nodes[np].total += o->total;
			st->small_paths += lines[i];
			st->small_value += o->total;
		} else if (l->max_depth && o->depth > l->max_depth) {
			/* o->depth == max_depth + 1: its parent was kept */
			if (!deeper[np]) {
				uint32_t d = limit_append(&nodes, &n, &cap, &last, NULL, np);
				nodes[d].name = CTX_DEEPER_NAME;
				nodes[d].key = UINT64_MAX;
				deeper[np] = d;
			}
			nodes[deeper[np]].value += o->total;
			nodes[deeper[np]].calls += o->calls;
			st->deep_paths += lines[i];
			st->deep_value += o->total;
		} else {
			map[i] = limit_append(&nodes, &n, &cap, &last, o, np);
			descend = o->first_child != 0;
		}
		if (descend) {
			i = o->first_child;
			continue;
		}
		while (i && !t->nodes[i].next_sibling)
			i = t->nodes[i].parent;
		if (i)
			i = t->nodes[i].next_sibling;
	}
	/* Totals again (a parent's index is below its children's here too). */
	t->max_depth = 0;
	for (k = n; k-- > 0;) {
		nodes[k].total += nodes[k].value;
		if (k)
			nodes[nodes[k].parent].total += nodes[k].total;
		if (nodes[k].depth > t->max_depth)
			t->max_depth = nodes[k].depth;
	}
	free(t->nodes);
	t->nodes = nodes;
	t->n = n;
	t->cap = cap;
	free(map);
	free(lines);
	free(deeper);
	free(last);
}

void ctx_pruned_note(const char *file, const char *what, const struct ctx_tree *t,
                     const struct ctx_pruned *st)
{
	char small[256] = "", deep[256] = "";
	const char *unit = t->timed ? "of the time" : "of the calls";
	double whole = st->total ? (double)st->total : 1.0;

	if (st->small_paths)
		snprintf(small, sizeof small, "left out %zu path%s under --min-share of the"
		         " total (%.2f%% %s)", st->small_paths, tool_s(st->small_paths),
		         100.0 * (double)st->small_value / whole, unit);
	if (st->deep_paths)
		snprintf(deep, sizeof deep, "%scut %zu path%s deeper than --max-depth into "
		         CTX_DEEPER_NAME " frames (%.2f%% %s)", small[0] ? "; " : "",
		         st->deep_paths, tool_s(st->deep_paths),
		         100.0 * (double)st->deep_value / whole, unit);
	if (small[0] || deep[0])
		tool_note(file, "%s: %s%s; --keep-all keeps every path", what, small, deep);
}

int ctx_parse_min_share(const char *arg, double *share)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end != arg && *end == '%')
		end++;
	if (end == arg || *end || errno || !(v >= 0) || v > 100)
		return -1;
	*share = v / 100.0;
	return 0;
}

int ctx_parse_max_depth(const char *arg, uint32_t *depth)
{
	char *end;
	unsigned long v;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (*end || errno || v > UINT32_MAX - 2)
		return -1;
	*depth = (uint32_t)v;
	return 0;
}

/* ---- folded output ------------------------------------------------------ */

/* Writes "a;b;c" for the path of node i (root excluded). */
static int write_path(FILE *out, const struct ctx_tree *t, uint32_t i, uint32_t *stack)
{
	size_t d = 0;

	for (; i != 0; i = t->nodes[i].parent)
		stack[d++] = i;
	while (d-- > 0)
		if (fputs(t->nodes[stack[d]].name, out) < 0 || (d && putc(';', out) == EOF))
			return -1;
	return 0;
}

int export_folded(FILE *out, const struct profile *p, struct coverage *cov)
{
	struct ctx_tree t;
	struct ctx_pruned st;
	uint32_t *stack, i;
	int rc = 0;

	(void)cov;
	if (ctx_tree_build(&t, p) != 0) {
		ctx_tree_free(&t);
		return -2;
	}
	ctx_tree_limit(&t, &export_folded_limits, &st);
	ctx_pruned_note(p->raw->file, "folded", &t, &st);
	stack = xcalloc((size_t)t.max_depth + 1, sizeof *stack);
	/* Depth-first, children in name order. */
	i = t.nodes[0].first_child;
	while (i && rc == 0) {
		const struct ctx_tree_node *c = &t.nodes[i];
		if (c->value && (write_path(out, &t, i, stack) != 0 ||
		                 fprintf(out, " %" PRIu64 "\n", c->value) < 0))
			rc = -1;
		if (c->first_child) {
			i = c->first_child;
			continue;
		}
		while (i && !t.nodes[i].next_sibling)
			i = t.nodes[i].parent;
		if (i)
			i = t.nodes[i].next_sibling;
	}
	free(stack);
	ctx_tree_free(&t);
	if (rc == 0 && ferror(out))
		rc = -1;
	return rc;
}
