/* SPDX-License-Identifier: MIT */
/*
 * cov_loops.c - natural loops of a solved flow graph, with trip counts
 * (gcov computes none).
 *
 * Over the non-fake arcs reachable from ENTRY: dominators (Cooper, Harvey
 * and Kennedy's iterative algorithm on reverse postorder); an arc u->h
 * whose target dominates its source is a back edge; the loop of header h is
 * h with every block that reaches a latch of h without passing through h
 * (one loop per header, all its back edges together). Then:
 *   entries     sum of the counts of arcs into h from blocks outside the loop
 *   iterations  sum of the counts of its back edges
 *   file, line  the line gcov attaches h to (the largest line of its last
 *               location group), else the first block of the loop that has
 *               a line, else the function's start
 *   depth       how many loops' bodies hold h (1: outermost)
 * Out of memory ends the tool (tool_oom()).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "coverage/coverage.h"
#include "read/gcov_files.h"

#define NONE UINT32_MAX

/* Compressed adjacency: for block b, arcs idx[start[b] .. start[b+1]). */
struct adjacency {
	uint32_t *start;
	uint32_t *arc;              /* index into fn->arcs */
};

static void adjacency_build(struct adjacency *adj, const struct gcno_function *fn, int by_src)
{
	uint32_t n = fn->n_blocks;
	uint32_t *fill;

	adj->start = xcalloc((size_t)n + 1, sizeof *adj->start);
	adj->arc = xcalloc(fn->n_arcs, sizeof *adj->arc);
	fill = xcalloc(n, sizeof *fill);
	for (size_t i = 0; i < fn->n_arcs; i++)
		adj->start[(by_src ? fn->arcs[i].src : fn->arcs[i].dst) + 1]++;
	for (uint32_t b = 0; b < n; b++)
		adj->start[b + 1] += adj->start[b];
	for (size_t i = 0; i < fn->n_arcs; i++) {
		uint32_t b = by_src ? fn->arcs[i].src : fn->arcs[i].dst;

		adj->arc[adj->start[b] + fill[b]++] = (uint32_t)i;
	}
	free(fill);
}

static void adjacency_free(struct adjacency *adj)
{
	free(adj->start);
	free(adj->arc);
}

/* Reverse postorder of the blocks reachable from ENTRY over non-fake arcs:
 * rpo[0..*n_out), and rpo_index[b] (NONE when unreachable). */
static void reverse_postorder(const struct gcno_function *fn, const struct adjacency *succ,
                              uint32_t *rpo, uint32_t *rpo_index, uint32_t *n_out)
{
	uint32_t n = fn->n_blocks, top = 0, count = 0;
	uint32_t *stack = xcalloc(n, sizeof *stack), *next = xcalloc(n, sizeof *next);
	unsigned char *seen = xcalloc(n, 1);
	uint32_t *post = xcalloc(n, sizeof *post);

	stack[top++] = 0;
	seen[0] = 1;
	while (top) {
		uint32_t b = stack[top - 1];

		if (succ->start[b] + next[b] < succ->start[b + 1]) {
			const struct gcno_arc *a = &fn->arcs[succ->arc[succ->start[b] + next[b]++]];

			if (!(a->flags & GCOV_ARC_FAKE) && !seen[a->dst]) {
				seen[a->dst] = 1;
				stack[top++] = a->dst;
			}
			continue;
		}
		post[count++] = b;
		top--;
	}
	for (uint32_t b = 0; b < n; b++)
		rpo_index[b] = NONE;
	for (uint32_t i = 0; i < count; i++) {
		rpo[i] = post[count - 1 - i];
		rpo_index[rpo[i]] = i;
	}
	*n_out = count;
	free(stack);
	free(next);
	free(seen);
	free(post);
}

/* Immediate dominators (idom[b], idom[0] = 0; NONE when unreachable). */
static void dominators(const struct gcno_function *fn, const struct adjacency *pred,
                       const uint32_t *rpo, const uint32_t *rpo_index, uint32_t n_rpo,
                       uint32_t *idom)
{
	int changed = 1;

	for (uint32_t b = 0; b < fn->n_blocks; b++)
		idom[b] = NONE;
	idom[0] = 0;
	while (changed) {
		changed = 0;
		for (uint32_t i = 1; i < n_rpo; i++) {
			uint32_t b = rpo[i], new_idom = NONE;

			for (uint32_t k = pred->start[b]; k < pred->start[b + 1]; k++) {
				const struct gcno_arc *a = &fn->arcs[pred->arc[k]];
				uint32_t p = a->src;

				if ((a->flags & GCOV_ARC_FAKE) || rpo_index[p] == NONE ||
				    idom[p] == NONE)
					continue;
				if (new_idom == NONE) {
					new_idom = p;
					continue;
				}
				/* intersect */
				{
					uint32_t x = p, y = new_idom;

					while (x != y) {
						while (rpo_index[x] > rpo_index[y])
							x = idom[x];
						while (rpo_index[y] > rpo_index[x])
							y = idom[y];
					}
					new_idom = x;
				}
			}
			if (new_idom != NONE && idom[b] != new_idom) {
				idom[b] = new_idom;
				changed = 1;
			}
		}
	}
}

static int dominates(const uint32_t *idom, uint32_t h, uint32_t b)
{
	for (;;) {
		if (b == h)
			return 1;
		if (b == 0 || idom[b] == NONE)
			return 0;
		b = idom[b];
	}
}

/* The line gcov attaches block b to; 0 when b names none. */
static uint32_t attached_line(const struct gcno_block *b, const char **file)
{
	uint32_t i, max = 0;

	if (!b->n_locs)
		return 0;
	i = b->n_locs - 1;
	while (i > 0 && strcmp(b->locs[i - 1].file, b->locs[b->n_locs - 1].file) == 0)
		i--;
	for (; i < b->n_locs; i++)
		if (b->locs[i].line > max)
			max = b->locs[i].line;
	*file = b->locs[b->n_locs - 1].file;
	return max;
}

struct loop_tmp {
	uint32_t header;
	unsigned char *body;        /* per block */
	uint64_t entries, iterations;
};

size_t cov_loops_find(const struct gcno_function *fn, const uint64_t *arc_counts,
                      struct cov_loop **out)
{
	uint32_t n = fn->n_blocks, n_rpo, n_loops = 0;
	struct adjacency succ, pred;
	uint32_t *rpo, *rpo_index, *idom, *stack;
	struct loop_tmp *loops;

	*out = NULL;
	if (n < 2)
		return 0;
	adjacency_build(&succ, fn, 1);
	adjacency_build(&pred, fn, 0);
	rpo = xcalloc(n, sizeof *rpo);
	rpo_index = xcalloc(n, sizeof *rpo_index);
	idom = xcalloc(n, sizeof *idom);
	stack = xcalloc(n, sizeof *stack);
	loops = xcalloc(n, sizeof *loops);
	reverse_postorder(fn, &succ, rpo, rpo_index, &n_rpo);
	dominators(fn, &pred, rpo, rpo_index, n_rpo, idom);

	for (uint32_t h = 0; h < n; h++) {
		struct loop_tmp *l = NULL;
		uint32_t top = 0;

		if (rpo_index[h] == NONE)
			continue;
		for (uint32_t k = pred.start[h]; k < pred.start[h + 1]; k++) {
			uint32_t ai = pred.arc[k];
			const struct gcno_arc *a = &fn->arcs[ai];

			if ((a->flags & GCOV_ARC_FAKE) || rpo_index[a->src] == NONE ||
			    !dominates(idom, h, a->src))
				continue;
			if (!l) {
				l = &loops[n_loops++];
				l->header = h;
				l->body = xcalloc(n, 1);
				l->body[h] = 1;
			}
			l->iterations += arc_counts[ai];   /* bounded: see below */
			if (!l->body[a->src]) {
				l->body[a->src] = 1;
				stack[top++] = a->src;
			}
		}
		/* Blocks reaching a latch without passing through the header. */
		while (top) {
			uint32_t b = stack[--top];

			for (uint32_t k = pred.start[b]; k < pred.start[b + 1]; k++) {
				const struct gcno_arc *a = &fn->arcs[pred.arc[k]];

				if ((a->flags & GCOV_ARC_FAKE) || rpo_index[a->src] == NONE ||
				    l->body[a->src])
					continue;
				l->body[a->src] = 1;
				stack[top++] = a->src;
			}
		}
		if (!l)
			continue;
		for (uint32_t k = pred.start[h]; k < pred.start[h + 1]; k++) {
			uint32_t ai = pred.arc[k];

			/* Back edges and entries are disjoint sets of h's incoming
			 * arcs, whose counts cov_solve.c's check_block_sums() bounds
			 * to 2^63-1 in all: neither sum can overflow. */
			if (!l->body[fn->arcs[ai].src])
				l->entries += arc_counts[ai];
		}
	}

	if (n_loops)
		*out = xcalloc(n_loops, sizeof **out);
	for (uint32_t i = 0; i < n_loops; i++) {
		struct loop_tmp *l = &loops[i];
		struct cov_loop *o = &(*out)[i];
		const char *file = NULL;
		uint32_t line = attached_line(&fn->blocks[l->header], &file);

		for (uint32_t b = 0; !line && b < n; b++)
			if (l->body[b])
				line = attached_line(&fn->blocks[b], &file);
		if (!line) {
			file = fn->source;
			line = fn->start_line;
		}
		o->function = fn->name;
		o->file = file ? file : "<unknown>";
		o->line = line;
		o->entries = l->entries;
		o->iterations = l->iterations;
		for (uint32_t j = 0; j < n_loops; j++)
			if (loops[j].body[l->header])
				o->depth++;
	}

	for (uint32_t i = 0; i < n_loops; i++)
		free(loops[i].body);
	free(loops);
	free(stack);
	free(idom);
	free(rpo_index);
	free(rpo);
	adjacency_free(&succ);
	adjacency_free(&pred);
	return n_loops;
}
