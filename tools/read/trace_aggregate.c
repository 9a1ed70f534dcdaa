/* SPDX-License-Identifier: MIT */
/*
 * trace_aggregate.c - a trace profile's events summed into the data the
 * aggregate views read (trace_aggregate(), trace_read.h): per thread a
 * calling-context tree with counts and inclusive/self times (as
 * VITPROF_MODE=context,time records it), call edges by (site, callee)
 * with counts and times, and per function the inclusive time of its
 * outermost activations (as time mode records it).
 *
 * Every frame on the timeline is one call (an OPEN mark's frame too: the
 * call is there, begun before the stream). Inclusive time is EXIT - ENTER;
 * self time is that minus the inclusive times of the frames it holds, so
 * a call the runtime left out (a filter, a minimum duration) stays in its
 * caller's self time. Times are CLOCK_MONOTONIC ns; once aggregated, the
 * profile's "ticks" are ns (raw_ticks_to_ns() returns them as they are).
 *
 * Memory: one node per distinct calling context, one edge per distinct
 * (site, callee) of a thread, one record per function, and the open
 * frames; the events themselves are streamed (trace_read.c).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "read/raw_profile.h"
#include "read/trace_read.h"

#define uthash_fatal(msg) tool_oom()
#include <uthash.h>

struct pair_key {
	uint64_t a, b;
};

/* (parent node id, fn) -> node, and (site, fn) -> edge: index in rp's arrays */
struct pair_ent {
	struct pair_key key;
	size_t index;
	UT_hash_handle hh;
};

/* fn -> its activations open now and its function record */
struct fn_ent {
	uint64_t fn;
	uint64_t active;
	size_t index;               /* in rp->functions */
	UT_hash_handle hh;
};

struct open_frame {
	size_t node, edge;
	uint64_t node_id;
	uint64_t fn;
	uint64_t start_ns;
	uint64_t children_ns;       /* inclusive ns of the frames it held */
};

struct agg {
	struct raw_profile *rp;
	size_t cap_nodes, cap_edges, cap_functions;
	struct pair_ent *nodes, *edges;
	struct fn_ent *fns;
	struct open_frame *stack;
	size_t depth, cap_stack;
	uint64_t shard;             /* the stream's number, from 1 */
	uint64_t next_id;
};

static void free_pairs(struct pair_ent **h)
{
	struct pair_ent *e, *t;

	HASH_ITER(hh, *h, e, t) {
		HASH_DEL(*h, e);
		free(e);
	}
}

static void free_fns(struct fn_ent **h)
{
	struct fn_ent *e, *t;

	HASH_ITER(hh, *h, e, t) {
		HASH_DEL(*h, e);
		free(e);
	}
}

static void *grow(void *arr, size_t *cap, size_t n, size_t elsize)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? 2 * *cap : 256;
	return xreallocarray(arr, *cap, elsize);
}

/* The node for a call of fn from site under the current top frame. */
static size_t node_of(struct agg *g, uint64_t fn, uint64_t site, uint64_t *id)
{
	struct raw_profile *rp = g->rp;
	struct pair_key k = {g->depth ? g->stack[g->depth - 1].node_id : 0, fn};
	struct pair_ent *e;
	struct raw_ctx_node *n;

	HASH_FIND(hh, g->nodes, &k, sizeof k, e);
	if (e) {
		*id = rp->ctx_nodes[e->index].id;
		return e->index;
	}
	rp->ctx_nodes = grow(rp->ctx_nodes, &g->cap_nodes, rp->n_ctx_nodes, sizeof *n);
	n = &rp->ctx_nodes[rp->n_ctx_nodes];
	memset(n, 0, sizeof *n);
	n->shard_id = g->shard;
	n->id = ++g->next_id;
	n->parent = k.a;
	n->fn = fn;
	n->site = site;
	e = xcalloc(1, sizeof *e);
	e->key = k;
	e->index = rp->n_ctx_nodes++;
	HASH_ADD(hh, g->nodes, key, sizeof e->key, e);
	*id = n->id;
	return e->index;
}

static size_t edge_of(struct agg *g, uint64_t fn, uint64_t site)
{
	struct raw_profile *rp = g->rp;
	struct pair_key k = {site, fn};
	struct pair_ent *e;
	struct raw_edge *re;

	HASH_FIND(hh, g->edges, &k, sizeof k, e);
	if (e)
		return e->index;
	rp->edges = grow(rp->edges, &g->cap_edges, rp->n_edges, sizeof *re);
	re = &rp->edges[rp->n_edges];
	memset(re, 0, sizeof *re);
	re->site = site;
	re->fn = fn;
	e = xcalloc(1, sizeof *e);
	e->key = k;
	e->index = rp->n_edges++;
	HASH_ADD(hh, g->edges, key, sizeof e->key, e);
	return e->index;
}

/* The function record of fn (shared by every thread). */
static struct fn_ent *fn_of(struct agg *g, uint64_t fn)
{
	struct raw_profile *rp = g->rp;
	struct fn_ent *e;

	HASH_FIND(hh, g->fns, &fn, sizeof fn, e);
	if (e)
		return e;
	rp->functions = grow(rp->functions, &g->cap_functions, rp->n_functions,
	                     sizeof *rp->functions);
	rp->functions[rp->n_functions].fn = fn;
	rp->functions[rp->n_functions].total_ticks = 0;
	e = xcalloc(1, sizeof *e);
	e->fn = fn;
	e->index = rp->n_functions++;
	HASH_ADD(hh, g->fns, fn, sizeof e->fn, e);
	return e;
}

static int add(const struct raw_profile *rp, uint64_t *sum, uint64_t v)
{
	if (count_add(sum, v, 1, COUNT_MAX) != 0) {
		tool_error(rp->file, "count overflow: a trace's times sum past 2^64-1 ns");
		return -1;
	}
	return 0;
}

static void enter(struct agg *g, const struct trace_event *ev)
{
	struct open_frame *f;
	uint64_t id;
	size_t node = node_of(g, ev->fn, ev->site, &id);

	g->stack = grow(g->stack, &g->cap_stack, g->depth, sizeof *g->stack);
	f = &g->stack[g->depth++];
	f->node = node;
	f->node_id = id;
	f->edge = edge_of(g, ev->fn, ev->site);
	f->fn = ev->fn;
	f->start_ns = ev->ns;
	f->children_ns = 0;
	g->rp->ctx_nodes[node].count++;
	g->rp->edges[f->edge].count++;
	fn_of(g, ev->fn)->active++;
}

static int leave(struct agg *g, const struct trace_event *ev)
{
	struct raw_profile *rp = g->rp;
	struct open_frame f;
	struct raw_ctx_node *n;
	struct raw_edge *e;
	struct fn_ent *fe;
	uint64_t dur, self;

	if (!g->depth)
		return 0;          /* the cursor gives matched EXITs only */
	f = g->stack[--g->depth];
	dur = ev->ns >= f.start_ns ? ev->ns - f.start_ns : 0;
	self = dur >= f.children_ns ? dur - f.children_ns : 0;
	n = &rp->ctx_nodes[f.node];
	e = &rp->edges[f.edge];
	if (add(rp, &n->total_ticks, dur) || add(rp, &n->self_ticks, self) ||
	    add(rp, &e->total_ticks, dur) || add(rp, &e->self_ticks, self))
		return -1;
	if (g->depth && add(rp, &g->stack[g->depth - 1].children_ns, dur))
		return -1;
	fe = fn_of(g, f.fn);
	if (fe->active && --fe->active == 0 &&
	    add(rp, &rp->functions[fe->index].total_ticks, dur))
		return -1;
	return 0;
}

/* Sums stream s into rp. Returns 0 or -1 (reported). */
static int aggregate_stream(struct agg *g, size_t s)
{
	struct trace_cursor *c = trace_cursor_open(g->rp, s);
	struct trace_event ev;
	int r;

	if (!c)
		return -1;
	g->shard = s + 1;
	g->next_id = 0;
	g->depth = 0;
	free_pairs(&g->nodes);
	free_pairs(&g->edges);
	while ((r = trace_cursor_next(c, &ev)) == 1) {
		if (ev.kind == TRACE_ENTER)
			enter(g, &ev);
		else if (ev.kind == TRACE_EXIT && leave(g, &ev) != 0)
			r = -1;
		if (r < 0)
			break;
	}
	trace_cursor_close(c);
	return r < 0 ? -1 : 0;
}

int trace_aggregate(struct raw_profile *rp)
{
	struct agg g;
	size_t s;
	int rc = 0;

	if (!rp->trace || rp->trace->aggregated)
		return 0;
	memset(&g, 0, sizeof g);
	g.rp = rp;
	/* the id tables' edges (exact counts, no times) make way */
	free(rp->edges);
	free(rp->functions);
	free(rp->ctx_nodes);
	rp->edges = NULL;
	rp->functions = NULL;
	rp->ctx_nodes = NULL;
	rp->n_edges = rp->n_functions = rp->n_ctx_nodes = 0;
	for (s = 0; s < rp->trace->n_streams && rc == 0; s++)
		rc = aggregate_stream(&g, s);
	free_pairs(&g.nodes);
	free_pairs(&g.edges);
	free_fns(&g.fns);
	free(g.stack);
	if (rc == 0)
		rp->trace->aggregated = 1;
	return rc;
}
