/* SPDX-License-Identifier: MIT */
/*
 * cov_solve.c - from one object's .gcno and arc counters to what gcov 12
 * reports: every arc's count (flow solving), each line's count (with gcov's
 * rule for loops on one line) and each line's branch list, summed over the
 * objects added to a report. Natural loops are cov_loops.c's.
 *
 * Each step follows gcc/gcov.cc of GCC 12 (docs/gcov-support.md):
 *   read_graph_file   arcs in record order; a FAKE arc from a non-entry
 *                     block is a call that may not return, the block's other
 *                     non-fall-through arcs are then throws; FAKE from ENTRY
 *                     marks a setjmp receiver.
 *   solve_flow_graph  counter k to the k-th non-tree arc (blocks in index
 *                     order, arcs in record order); a block with exactly one
 *                     non-fake successor: that arc is unconditional; then
 *                     successors stably sorted by destination; then the
 *                     worklist propagation with its two chains.
 *   add_line_counts   every line a block names gets += block count; the
 *                     block is attached to the last (largest) line of each
 *                     of its location groups, except block 0 and the block
 *                     with the highest index; functions sharing a start line
 *                     ("groups") keep their own lines.
 *   accumulate_line_info  a line with attached blocks counts the arcs that
 *                     enter them from other blocks, plus the elementary
 *                     circuits among them (Hawick-James, cs_count decrement).
 * Line entries of one object are then added to the report, summing counts
 * and concatenating branch lists, as `gcov` sums an object's JSON entries.
 *
 * Out of memory ends the tool (tool_oom()).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "coverage/coverage.h"
#include "read/gcov_files.h"
#include "read/gcov_llvm.h"
#include "read/gcov_values.h"

#define uthash_fatal(msg) tool_oom()
#include <uthash.h>

#define NONE UINT32_MAX
#define ENTRY_BLOCK 0u
#define EXIT_BLOCK 1u

/* Makes room for element n of *arr. */
#define GROW(arr, cap, n)                                                      \
	do {                                                                   \
		if ((n) >= (cap)) {                                            \
			(cap) = (cap) ? 2 * (cap) : 8;                         \
			(arr) = xreallocarray((arr), (cap), sizeof *(arr));    \
		}                                                              \
	} while (0)

/* ---- report state ------------------------------------------------------------ */

struct interned {
	UT_hash_handle hh;
	char s[];
};

struct line_key {
	const char *file;           /* interned */
	uint32_t line;
};

struct line_slot {
	struct line_key key;
	size_t index;               /* into report->lines */
	size_t cap_branches;
	UT_hash_handle hh;
};

struct cov_priv {
	struct interned *strings;
	struct line_slot *slots;
	size_t cap_lines, cap_functions, cap_loops;
};

void cov_report_init(struct cov_report *r)
{
	memset(r, 0, sizeof *r);
	r->priv = xcalloc(1, sizeof(struct cov_priv));
}

static struct cov_loop *report_new_loop(struct cov_report *r)
{
	struct cov_priv *p = r->priv;
	struct cov_loop *l;

	GROW(r->loops, p->cap_loops, r->n_loops);
	l = &r->loops[r->n_loops++];
	memset(l, 0, sizeof *l);
	return l;
}

static const char *report_intern(struct cov_report *r, const char *s)
{
	struct cov_priv *p = r->priv;
	struct interned *e;
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s);
	HASH_FIND(hh, p->strings, s, len, e);
	if (e)
		return e->s;
	e = xcalloc(1, sizeof *e + len + 1);
	memcpy(e->s, s, len + 1);
	HASH_ADD_KEYPTR(hh, p->strings, e->s, len, e);
	return e->s;
}

/* The natural loops of fn (cov_loops.c), their strings interned, appended
 * to r->loops. */
static void add_loops(struct cov_report *r, const struct gcno_function *fn,
                      const uint64_t *arc_counts)
{
	struct cov_loop *found;
	size_t n = cov_loops_find(fn, arc_counts, &found);

	for (size_t i = 0; i < n; i++) {
		struct cov_loop *l = report_new_loop(r);

		*l = found[i];
		l->function = report_intern(r, found[i].function);
		l->file = report_intern(r, found[i].file);
	}
	free(found);
}

/* ---- one function's flow graph, solved ------------------------------------ */

struct arc {
	uint32_t src, dst;
	int64_t count, cs_count;
	uint32_t succ_next, pred_next;
	unsigned char valid, on_tree, fake, fall_through;
	unsigned char is_unconditional, is_call_non_return, is_throw;
};

struct block {
	uint32_t succ, pred;        /* first arc, NONE when none */
	uint32_t num_succ, num_pred;/* unknown arcs; ~0: ENTRY preds, EXIT succs */
	int64_t count;
	uint32_t chain;
	unsigned char count_valid, valid_chain, invalid_chain, exceptional;
	uint32_t *sorted_lines;     /* lines of the block's locations, each */
};

struct solved {
	const struct gcno_function *g;
	struct arc *arcs;           /* same order as g->arcs */
	struct block *blocks;
	int has_catch;
	int used;                   /* not artificial, has counters: gcov shows it */
	int is_group;               /* shares its start line with another */
	int notes_order;            /* clang's layout: successors stay in .gcno
	                               order, as llvm-cov lists branches */
};

static void solved_free(struct solved *s)
{
	if (!s->blocks)
		return;
	for (uint32_t i = 0; i < s->g->n_blocks; i++)
		free(s->blocks[i].sorted_lines);
	free(s->blocks);
	free(s->arcs);
	s->blocks = NULL;
	s->arcs = NULL;
}

static int add_overflows(int64_t a, int64_t b, int64_t *out)
{
	return __builtin_add_overflow(a, b, out);
}

/* gcov's find_exception_blocks: blocks reachable from ENTRY only through
 * throws or fake arcs are exceptional. */
static void mark_exceptional(struct solved *s)
{
	uint32_t n = s->g->n_blocks, top = 0;
	uint32_t *queue = xcalloc(n, sizeof *queue);

	for (uint32_t i = 0; i < n; i++)
		s->blocks[i].exceptional = 1;
	queue[top++] = ENTRY_BLOCK;
	s->blocks[ENTRY_BLOCK].exceptional = 0;
	while (top) {
		struct block *b = &s->blocks[queue[--top]];

		for (uint32_t a = b->succ; a != NONE; a = s->arcs[a].succ_next) {
			struct arc *arc = &s->arcs[a];

			if (!arc->fake && !arc->is_throw && s->blocks[arc->dst].exceptional) {
				s->blocks[arc->dst].exceptional = 0;
				queue[top++] = arc->dst;
			}
		}
	}
	free(queue);
}

/* Builds the lists and flags of s from its .gcno function (read_graph_file). */
static void build_graph(struct solved *s)
{
	const struct gcno_function *g = s->g;
	uint32_t *succ_tail = xcalloc(g->n_blocks, sizeof *succ_tail);
	uint32_t *pred_tail = xcalloc(g->n_blocks, sizeof *pred_tail);

	s->arcs = xcalloc(g->n_arcs, sizeof *s->arcs);
	s->blocks = xcalloc(g->n_blocks, sizeof *s->blocks);
	for (uint32_t i = 0; i < g->n_blocks; i++) {
		s->blocks[i].succ = s->blocks[i].pred = NONE;
		s->blocks[i].chain = NONE;
		succ_tail[i] = pred_tail[i] = NONE;
	}
	for (size_t i = 0; i < g->n_arcs; i++) {
		const struct gcno_arc *ga = &g->arcs[i];
		struct arc *a = &s->arcs[i];

		a->src = ga->src;
		a->dst = ga->dst;
		a->succ_next = a->pred_next = NONE;
		a->on_tree = !!(ga->flags & GCOV_ARC_ON_TREE);
		a->fake = !!(ga->flags & GCOV_ARC_FAKE);
		a->fall_through = !!(ga->flags & GCOV_ARC_FALLTHROUGH);
		if (succ_tail[a->src] == NONE)
			s->blocks[a->src].succ = (uint32_t)i;
		else
			s->arcs[succ_tail[a->src]].succ_next = (uint32_t)i;
		succ_tail[a->src] = (uint32_t)i;
		s->blocks[a->src].num_succ++;
		if (pred_tail[a->dst] == NONE)
			s->blocks[a->dst].pred = (uint32_t)i;
		else
			s->arcs[pred_tail[a->dst]].pred_next = (uint32_t)i;
		pred_tail[a->dst] = (uint32_t)i;
		s->blocks[a->dst].num_pred++;
		if (a->fake && a->src != ENTRY_BLOCK)
			a->is_call_non_return = 1;
	}
	/* A fake exit from a block: its other non-fall-through exits go to
	 * catch handlers. */
	for (uint32_t b = 0; b < g->n_blocks; b++) {
		int mark = 0;

		for (uint32_t a = s->blocks[b].succ; a != NONE; a = s->arcs[a].succ_next)
			if (s->arcs[a].is_call_non_return)
				mark = 1;
		if (!mark)
			continue;
		for (uint32_t a = s->blocks[b].succ; a != NONE; a = s->arcs[a].succ_next)
			if (!s->arcs[a].fake && !s->arcs[a].fall_through) {
				s->arcs[a].is_throw = 1;
				s->has_catch = 1;
			}
	}
	free(succ_tail);
	free(pred_tail);
}

/* Stable bubble sort of b's successors into ascending destination order,
 * as gcov does it. */
static void sort_successors(struct solved *s, struct block *b)
{
	int changes = 1;

	while (changes) {
		uint32_t a = b->succ, prev = NONE, next;

		changes = 0;
		while ((next = s->arcs[a].succ_next) != NONE) {
			if (s->arcs[a].dst > s->arcs[next].dst) {
				changes = 1;
				if (prev != NONE)
					s->arcs[prev].succ_next = next;
				else
					b->succ = next;
				s->arcs[a].succ_next = s->arcs[next].succ_next;
				s->arcs[next].succ_next = a;
				prev = next;
			} else {
				prev = a;
				a = next;
			}
		}
	}
}

/* Fixes the one unknown arc of a block (out: successors, else predecessors)
 * to total minus the known ones, and queues the block at its other end.
 * Returns 0 or -1 (the bookkeeping is inconsistent: corrupt graph). */
static int solve_one_arc(struct solved *s, uint32_t bi, int out, uint32_t *valid_head,
                         uint32_t *invalid_head)
{
	struct block *b = &s->blocks[bi], *o;
	int64_t total = b->count;
	uint32_t inv = NONE, a, other;

	for (a = out ? b->succ : b->pred; a != NONE;
	     a = out ? s->arcs[a].succ_next : s->arcs[a].pred_next) {
		if (__builtin_sub_overflow(total, s->arcs[a].count, &total))
			return -1;
		if (!s->arcs[a].valid)
			inv = a;
	}
	if (inv == NONE)
		return -1;
	s->arcs[inv].valid = 1;
	s->arcs[inv].count = total;
	other = out ? s->arcs[inv].dst : s->arcs[inv].src;
	o = &s->blocks[other];
	if (out) {
		b->num_succ--;
		o->num_pred--;
	} else {
		b->num_pred--;
		o->num_succ--;
	}
	if (o->count_valid) {
		if ((out ? o->num_pred : o->num_succ) == 1 && !o->valid_chain) {
			o->chain = *valid_head;
			o->valid_chain = 1;
			*valid_head = other;
		}
	} else if ((out ? o->num_pred : o->num_succ) == 0 && !o->invalid_chain) {
		o->chain = *invalid_head;
		o->invalid_chain = 1;
		*invalid_head = other;
	}
	return 0;
}

/*
 * gcov's solve_flow_graph on s with the function's counters. Returns 0, or
 * -1 after reporting (graph not solvable, negative or overflowing count).
 */
static int solve(struct solved *s, const uint64_t *counters, const char *path)
{
	const struct gcno_function *g = s->g;
	uint32_t valid_head = NONE, invalid_head = NONE, k = 0, n_counted = 0;

	/* The gcno_function may not come from gcno_read(): check what is
	 * followed below. */
	if (g->n_blocks < 2) {
		tool_error(path, "function '%s': %" PRIu32 " blocks, no entry and exit",
		           g->name, g->n_blocks);
		return -1;
	}
	for (size_t i = 0; i < g->n_arcs; i++) {
		if (g->arcs[i].src >= g->n_blocks || g->arcs[i].dst >= g->n_blocks) {
			tool_error(path, "function '%s': arc %" PRIu32 "->%" PRIu32 " of %"
			           PRIu32 " blocks", g->name, g->arcs[i].src, g->arcs[i].dst,
			           g->n_blocks);
			return -1;
		}
		if (!(g->arcs[i].flags & GCOV_ARC_ON_TREE))
			n_counted++;
	}
	if (n_counted != g->n_counters) {
		tool_error(path, "function '%s': %" PRIu32 " instrumented arcs, n_counters"
		           " says %" PRIu32, g->name, n_counted, g->n_counters);
		return -1;
	}
	build_graph(s);
	if (s->blocks[ENTRY_BLOCK].num_pred) {
		tool_error(path, "function '%s': arcs into the entry block", g->name);
		return -1;
	}
	s->blocks[ENTRY_BLOCK].num_pred = ~0u;
	if (s->blocks[EXIT_BLOCK].num_succ) {
		tool_error(path, "function '%s': arcs out of the exit block", g->name);
		return -1;
	}
	s->blocks[EXIT_BLOCK].num_succ = ~0u;

	for (uint32_t i = 0; i < g->n_blocks; i++) {
		struct block *b = &s->blocks[i];
		uint32_t prev_dst = NONE, non_fake = 0;
		int out_of_order = 0;

		for (uint32_t a = b->succ; a != NONE; a = s->arcs[a].succ_next) {
			struct arc *arc = &s->arcs[a];

			if (!arc->fake)
				non_fake++;
			if (!arc->on_tree) {
				if (counters[k] > (uint64_t)INT64_MAX) {
					tool_error(path, "function '%s': arc counter %" PRIu32
					           " is %" PRIu64 ", too large", g->name, k,
					           counters[k]);
					return -1;
				}
				arc->count = (int64_t)counters[k++];
				arc->valid = 1;
				b->num_succ--;
				s->blocks[arc->dst].num_pred--;
			}
			if (prev_dst != NONE && prev_dst > arc->dst)
				out_of_order = 1;
			prev_dst = arc->dst;
		}
		if (non_fake == 1)
			for (uint32_t a = b->succ; a != NONE; a = s->arcs[a].succ_next)
				if (!s->arcs[a].fake)
					s->arcs[a].is_unconditional = 1;
		if (out_of_order && !s->notes_order)
			sort_successors(s, b);
		b->invalid_chain = 1;
		b->chain = invalid_head;
		invalid_head = i;
	}

	while (invalid_head != NONE || valid_head != NONE) {
		while (invalid_head != NONE) {
			uint32_t bi = invalid_head, a;
			struct block *b = &s->blocks[bi];
			int64_t total = 0;
			int ovf = 0;

			invalid_head = b->chain;
			b->invalid_chain = 0;
			if (!b->num_succ) {
				for (a = b->succ; a != NONE; a = s->arcs[a].succ_next)
					ovf |= add_overflows(total, s->arcs[a].count, &total);
			} else if (!b->num_pred) {
				for (a = b->pred; a != NONE; a = s->arcs[a].pred_next)
					ovf |= add_overflows(total, s->arcs[a].count, &total);
			} else {
				continue;
			}
			if (ovf) {
				tool_error(path, "function '%s': block %" PRIu32 "'s count"
				           " overflows", g->name, bi);
				return -1;
			}
			b->count = total;
			b->count_valid = 1;
			b->chain = valid_head;
			b->valid_chain = 1;
			valid_head = bi;
		}
		while (valid_head != NONE) {
			uint32_t bi = valid_head;
			struct block *b = &s->blocks[bi];

			valid_head = b->chain;
			b->valid_chain = 0;
			if (b->num_succ == 1 &&
			    solve_one_arc(s, bi, 1, &valid_head, &invalid_head) != 0)
				goto corrupt;
			if (b->num_pred == 1 &&
			    solve_one_arc(s, bi, 0, &valid_head, &invalid_head) != 0)
				goto corrupt;
		}
	}

	for (uint32_t i = 0; i < g->n_blocks; i++) {
		if (!s->blocks[i].count_valid) {
			tool_error(path, "function '%s': the flow graph cannot be solved"
			           " (block %" PRIu32 ")", g->name, i);
			return -1;
		}
		if (s->blocks[i].count < 0) {
			tool_error(path, "function '%s': block %" PRIu32 " solves to a"
			           " negative count %" PRId64, g->name, i, s->blocks[i].count);
			return -1;
		}
	}
	/* An arc may solve negative: after a longjmp back into this function,
	 * a setjmp's call arc to EXIT takes the counts the graph does not model
	 * (gcov prints "returned 400%"). Only a negative count that gcov would
	 * show is refused: a block's (above), a line's or a branch's (later). */
	for (size_t i = 0; i < g->n_arcs; i++)
		if (!s->arcs[i].valid) {
			tool_error(path, "function '%s': arc %" PRIu32 "->%" PRIu32 " solves to"
			           " no count", g->name, s->arcs[i].src, s->arcs[i].dst);
			return -1;
		}
	if (s->has_catch)
		mark_exceptional(s);
	return 0;
corrupt:
	tool_error(path, "function '%s': the flow graph is inconsistent", g->name);
	return -1;
}

/* ---- lines of one object ------------------------------------------------------ */

struct block_ref {
	uint32_t fn;                /* index into the object's functions */
	uint32_t block;
};

struct obj_line_key {
	const char *file;           /* interned in the report */
	uint32_t line;
	uint32_t group;             /* function index for a group function's
	                               own lines, NONE for the file's lines */
};

/* gcov's line_info for one object. */
struct obj_line {
	struct obj_line_key key;
	int exists, unexceptional, has_unexecuted_block;
	int overflow;               /* count summed past INT64_MAX: refused */
	int64_t count;
	struct block_ref *blocks;
	size_t n_blocks, cap_blocks;
	UT_hash_handle hh;
};

struct object {
	struct cov_report *r;
	struct solved *fns;
	size_t n_fns;
	struct obj_line *lines;
	const char *path;
};

static struct obj_line *obj_line_get(struct object *o, const char *file, uint32_t line,
                                     uint32_t group)
{
	struct obj_line_key key;
	struct obj_line *l;

	memset(&key, 0, sizeof key);
	key.file = file;
	key.line = line;
	key.group = group;
	HASH_FIND(hh, o->lines, &key, sizeof key, l);
	if (l)
		return l;
	l = xcalloc(1, sizeof *l);
	memcpy(&l->key, &key, sizeof key);
	HASH_ADD(hh, o->lines, key, sizeof l->key, l);
	return l;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* gcov's add_line_counts for function fi of the object. */
static void add_line_counts(struct object *o, uint32_t fi)
{
	struct solved *s = &o->fns[fi];
	const struct gcno_function *g = s->g;
	const char *fn_src = report_intern(o->r, g->source ? g->source : "<unknown>");

	for (uint32_t bi = 0; bi < g->n_blocks; bi++) {
		struct block *b = &s->blocks[bi];
		const struct gcno_block *gb = &g->blocks[bi];
		struct obj_line *line = NULL;
		uint32_t i = 0;

		if (gb->n_locs)
			b->sorted_lines = xcalloc(gb->n_locs, sizeof *b->sorted_lines);
		/* A location group: a run of locations naming the same file
		 * (compared as strings: callers may rewrite the names). */
		while (i < gb->n_locs) {
			const char *gfile = gb->locs[i].file;
			const char *file = report_intern(o->r, gfile);
			uint32_t j = i, n;

			while (j < gb->n_locs && (gb->locs[j].file == gfile ||
			                          strcmp(gb->locs[j].file, gfile) == 0)) {
				b->sorted_lines[j] = gb->locs[j].line;
				j++;
			}
			n = j - i;
			qsort(b->sorted_lines + i, n, sizeof *b->sorted_lines, cmp_u32);
			for (uint32_t k = i; k < j; k++) {
				uint32_t ln = b->sorted_lines[k];
				uint32_t group = NONE;

				if (s->is_group && file == fn_src && g->start_line <= ln &&
				    ln <= g->end_line)
					group = fi;
				line = obj_line_get(o, file, ln, group);
				line->exists = 1;
				if (!b->exceptional) {
					line->unexceptional = 1;
					if (b->count == 0)
						line->has_unexecuted_block = 1;
				}
				if (add_overflows(line->count, b->count, &line->count))
					line->overflow = 1;
			}
			if (bi != 0 && bi + 1 != g->n_blocks && line) {
				GROW(line->blocks, line->cap_blocks, line->n_blocks);
				line->blocks[line->n_blocks].fn = fi;
				line->blocks[line->n_blocks].block = bi;
				line->n_blocks++;
			}
			i = j;
		}
	}
}

/* ---- gcov's cycle rule: elementary circuits among a line's blocks ---------- */

struct u32_list {
	uint32_t *v;
	size_t n, cap;
};

struct circuit_state {
	struct solved *s;
	const struct obj_line *line;
	uint32_t fn;
	uint32_t start;
	struct u32_list path;       /* arcs */
	struct u32_list blocked;    /* blocks */
	struct u32_list *lists;     /* parallel to blocked: blocks it blocks */
	size_t cap_lists;
	int64_t count;
};

static void list_push(struct u32_list *l, uint32_t v)
{
	GROW(l->v, l->cap, l->n);
	l->v[l->n++] = v;
}

static size_t list_find(const struct u32_list *l, uint32_t v)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == v)
			return i;
	return l->n;
}

static int line_has_block(const struct circuit_state *c, uint32_t block)
{
	for (size_t i = 0; i < c->line->n_blocks; i++)
		if (c->line->blocks[i].fn == c->fn && c->line->blocks[i].block == block)
			return 1;
	return 0;
}

static void handle_cycle(struct circuit_state *c)
{
	int64_t min = INT64_MAX;

	for (size_t i = 0; i < c->path.n; i++)
		if (c->s->arcs[c->path.v[i]].cs_count < min)
			min = c->s->arcs[c->path.v[i]].cs_count;
	if (add_overflows(c->count, min, &c->count))
		c->count = INT64_MAX;
	for (size_t i = 0; i < c->path.n; i++)
		c->s->arcs[c->path.v[i]].cs_count -= min;
}

static void unblock(struct circuit_state *c, uint32_t u)
{
	size_t idx = list_find(&c->blocked, u);
	struct u32_list to_unblock;

	if (idx == c->blocked.n)
		return;
	memmove(c->blocked.v + idx, c->blocked.v + idx + 1,
	        (c->blocked.n - idx - 1) * sizeof *c->blocked.v);
	c->blocked.n--;
	to_unblock = c->lists[idx];
	memmove(c->lists + idx, c->lists + idx + 1,
	        (c->blocked.n - idx) * sizeof *c->lists);
	for (size_t i = 0; i < to_unblock.n; i++)
		unblock(c, to_unblock.v[i]);
	free(to_unblock.v);
}

static int path_has_spent_arc(const struct circuit_state *c)
{
	for (size_t i = 0; i < c->path.n; i++)
		if (c->s->arcs[c->path.v[i]].cs_count <= 0)
			return 1;
	return 0;
}

/* Whether arc a of the search leads to a block of the line the search may
 * enter: not below start (block index order), count left, on the line. */
static int arc_usable(const struct circuit_state *c, uint32_t a)
{
	const struct arc *arc = &c->s->arcs[a];

	return arc->dst >= c->start && arc->cs_count > 0 && line_has_block(c, arc->dst);
}

static int circuit(struct circuit_state *c, uint32_t v)
{
	int found = 0;

	list_push(&c->blocked, v);
	GROW(c->lists, c->cap_lists, c->blocked.n - 1);
	memset(&c->lists[c->blocked.n - 1], 0, sizeof *c->lists);

	for (uint32_t a = c->s->blocks[v].succ; a != NONE; a = c->s->arcs[a].succ_next) {
		uint32_t w = c->s->arcs[a].dst;

		if (!arc_usable(c, a))
			continue;
		list_push(&c->path, a);
		if (w == c->start) {
			handle_cycle(c);
			found = 1;
		} else if (!path_has_spent_arc(c) &&
		           list_find(&c->blocked, w) == c->blocked.n) {
			found |= circuit(c, w);
		}
		c->path.n--;
	}

	if (found) {
		unblock(c, v);
	} else {
		for (uint32_t a = c->s->blocks[v].succ; a != NONE;
		     a = c->s->arcs[a].succ_next) {
			uint32_t w = c->s->arcs[a].dst;
			size_t idx;

			if (!arc_usable(c, a))
				continue;
			idx = list_find(&c->blocked, w);
			if (idx == c->blocked.n)
				continue;   /* gcov asserts this cannot happen */
			if (list_find(&c->lists[idx], v) == c->lists[idx].n)
				list_push(&c->lists[idx], v);
		}
	}
	return found;
}

/* gcov's accumulate_line_info for a line with attached blocks. */
static int64_t line_count(struct object *o, struct obj_line *l, int *overflow)
{
	int64_t count = 0;

	for (size_t i = 0; i < l->n_blocks; i++) {
		struct solved *s = &o->fns[l->blocks[i].fn];
		struct block *b = &s->blocks[l->blocks[i].block];
		struct circuit_state c;

		memset(&c, 0, sizeof c);
		c.s = s;
		c.line = l;
		c.fn = l->blocks[i].fn;
		for (uint32_t a = b->pred; a != NONE; a = s->arcs[a].pred_next)
			if (!line_has_block(&c, s->arcs[a].src) &&
			    add_overflows(count, s->arcs[a].count, &count))
				*overflow = 1;
		for (uint32_t a = b->succ; a != NONE; a = s->arcs[a].succ_next)
			s->arcs[a].cs_count = s->arcs[a].count;
	}
	for (size_t i = 0; i < l->n_blocks; i++) {
		struct circuit_state c;

		memset(&c, 0, sizeof c);
		c.s = &o->fns[l->blocks[i].fn];
		c.line = l;
		c.fn = l->blocks[i].fn;
		c.start = l->blocks[i].block;
		circuit(&c, c.start);
		if (add_overflows(count, c.count, &count))
			*overflow = 1;
		for (size_t j = 0; j < c.blocked.n; j++)
			free(c.lists[j].v);
		free(c.lists);
		free(c.path.v);
		free(c.blocked.v);
	}
	return count;
}

/* ---- into the report ------------------------------------------------------------ */

static struct cov_line *report_line(struct cov_report *r, const char *file, uint32_t line,
                                    struct line_slot **slot_out)
{
	struct cov_priv *p = r->priv;
	struct line_key key;
	struct line_slot *slot;
	struct cov_line *cl;

	memset(&key, 0, sizeof key);
	key.file = file;
	key.line = line;
	HASH_FIND(hh, p->slots, &key, sizeof key, slot);
	if (!slot) {
		slot = xcalloc(1, sizeof *slot);
		memcpy(&slot->key, &key, sizeof key);   /* padding included */
		slot->index = r->n_lines;
		HASH_ADD(hh, p->slots, key, sizeof slot->key, slot);
		GROW(r->lines, p->cap_lines, r->n_lines);
		cl = &r->lines[r->n_lines++];
		memset(cl, 0, sizeof *cl);
		cl->file = file;
		cl->line = line;
	}
	*slot_out = slot;
	return &r->lines[slot->index];
}

/* The order gcov's JSON lists an object's entries in, per file and line:
 * a group function's lines come out at its start line, before the file's
 * own line of that number. */
struct emit {
	struct obj_line *l;
	uint32_t at;                /* line number where gcov prints it */
	uint32_t column;            /* group functions: by start column, */
	uint32_t fn_order;          /* then in .gcno order */
};

static int cmp_emit(const void *a, const void *b)
{
	const struct emit *x = a, *y = b;
	int c = strcmp(x->l->key.file, y->l->key.file);

	if (c)
		return c;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	if (x->fn_order != y->fn_order)
		return x->fn_order < y->fn_order ? -1 : 1;
	return x->l->key.line < y->l->key.line ? -1 : x->l->key.line > y->l->key.line;
}

/* The counts of the object's lines with attached blocks (gcov's
 * accumulate_line_info). Returns 0, or -1 after reporting a line or branch
 * that solved to a negative count. */
static int count_lines(struct object *o)
{
	struct obj_line *l, *t;

	HASH_ITER(hh, o->lines, l, t) {
		if (l->n_blocks) {
			l->overflow = 0;
			l->count = line_count(o, l, &l->overflow);
		}
		if (l->overflow) {
			tool_error(o->path, "%s:%" PRIu32 ": count overflow: the line's count sums"
			           " past 2^63-1", l->key.file, l->key.line);
			return -1;
		}
		if (l->count < 0) {
			tool_error(o->path, "%s:%" PRIu32 ": the line solves to a negative"
			           " count %" PRId64, l->key.file, l->key.line, l->count);
			return -1;
		}
		for (size_t k = 0; k < l->n_blocks; k++) {
			struct solved *s = &o->fns[l->blocks[k].fn];
			struct block *b = &s->blocks[l->blocks[k].block];

			for (uint32_t a = b->succ; a != NONE; a = s->arcs[a].succ_next)
				if (!s->arcs[a].is_unconditional &&
				    !s->arcs[a].is_call_non_return && s->arcs[a].count < 0) {
					tool_error(o->path, "function '%s': branch %" PRIu32 "->%"
					           PRIu32 " solves to a negative count %" PRId64,
					           s->g->name, s->arcs[a].src, s->arcs[a].dst,
					           s->arcs[a].count);
					return -1;
				}
		}
	}
	return 0;
}

/* Every block's incoming and outgoing arc counts sum within int64: the
 * loops of cov_loops.c add disjoint subsets of a header's incoming arcs,
 * so they cannot overflow after this. (The solver checks the sums it
 * makes; this covers the others, which only inconsistent counters can
 * push past the limit.) Returns 0, or -1 after reporting. */
static int check_block_sums(const struct solved *s, const char *path)
{
	for (uint32_t bi = 0; bi < s->g->n_blocks; bi++) {
		const struct block *b = &s->blocks[bi];
		int64_t in = 0, out = 0;
		int ovf = 0;

		for (uint32_t a = b->pred; a != NONE; a = s->arcs[a].pred_next)
			ovf |= add_overflows(in, s->arcs[a].count > 0 ? s->arcs[a].count : 0, &in);
		for (uint32_t a = b->succ; a != NONE; a = s->arcs[a].succ_next)
			ovf |= add_overflows(out, s->arcs[a].count > 0 ? s->arcs[a].count : 0, &out);
		if (ovf) {
			tool_error(path, "function '%s': count overflow: the arc counts of block %"
			           PRIu32 " sum past 2^63-1", s->g->name, bi);
			return -1;
		}
	}
	return 0;
}

/*
 * Adds the object's lines into the report (a line compiled into several
 * objects sums their counts). Returns -1, with the error said, when a
 * line's total would pass 2^63-1 (a gcov count, and a .vitprof integer).
 */
static int merge_lines(struct object *o)
{
	struct cov_report *r = o->r;
	size_t n = HASH_COUNT(o->lines), i = 0;
	struct emit *order = xcalloc(n, sizeof *order);
	struct obj_line *l, *t;

	HASH_ITER(hh, o->lines, l, t) {
		order[i].l = l;
		if (l->key.group != NONE) {
			order[i].at = o->fns[l->key.group].g->start_line;
			order[i].column = o->fns[l->key.group].g->start_column;
			order[i].fn_order = l->key.group;
		} else {
			order[i].at = l->key.line;
			order[i].column = UINT32_MAX;
			order[i].fn_order = NONE;
		}
		i++;
	}
	qsort(order, n, sizeof *order, cmp_emit);
	for (i = 0; i < n; i++) {
		struct line_slot *slot;
		struct cov_line *cl;

		l = order[i].l;
		if (!l->exists)
			continue;
		cl = report_line(r, l->key.file, l->key.line, &slot);
		if (count_add(&cl->count, (uint64_t)l->count, 1, GCOV_COUNT_MAX) != 0) {
			tool_error(o->path, "%s:%" PRIu32 ": count overflow: the line's count summed"
			           " over the objects that compile it passes 2^63-1",
			           l->key.file, l->key.line);
			free(order);
			return -1;
		}
		if (l->has_unexecuted_block)
			cl->unexecuted_block = 1;
		for (size_t k = 0; k < l->n_blocks; k++) {
			struct solved *s = &o->fns[l->blocks[k].fn];
			struct block *b = &s->blocks[l->blocks[k].block];
			uint32_t group = cl->n_branches ? cl->branches[cl->n_branches - 1].group + 1 : 0;

			for (uint32_t a = b->succ; a != NONE; a = s->arcs[a].succ_next) {
				struct arc *arc = &s->arcs[a];
				struct cov_branch *br;

				if (arc->is_unconditional || arc->is_call_non_return)
					continue;
				GROW(cl->branches, slot->cap_branches, cl->n_branches);
				br = &cl->branches[cl->n_branches++];
				br->count = (uint64_t)arc->count;
				br->fallthrough = arc->fall_through;
				br->is_throw = arc->is_throw;
				br->group = group;
			}
		}
	}
	free(order);
	return 0;
}

/*
 * gcov -b's "returned": the count of EXIT less the counts of the fake arcs
 * into it (a call that may not return: exit, longjmp, a throw; the flow
 * solver sends what left the function through it to EXIT). A function
 * that always longjmps out returns 0 times although EXIT counts each entry.
 */
static uint64_t returns_of(const struct solved *s)
{
	int64_t n = s->blocks[EXIT_BLOCK].count;

	for (uint32_t a = s->blocks[EXIT_BLOCK].pred; a != NONE; a = s->arcs[a].pred_next)
		if (s->arcs[a].fake)
			n -= s->arcs[a].count;
	return n > 0 ? (uint64_t)n : 0;
}

static void add_functions(struct object *o)
{
	struct cov_report *r = o->r;
	struct cov_priv *p = r->priv;

	for (size_t i = 0; i < o->n_fns; i++) {
		struct solved *s = &o->fns[i];
		struct cov_function *f;

		if (!s->used)
			continue;
		GROW(r->functions, p->cap_functions, r->n_functions);
		f = &r->functions[r->n_functions++];
		memset(f, 0, sizeof *f);
		f->name = report_intern(r, s->g->name);
		f->file = report_intern(r, s->g->source ? s->g->source : "<unknown>");
		f->start_line = s->g->start_line;
		f->end_line = s->g->end_line;
		f->entry_count = (uint64_t)s->blocks[ENTRY_BLOCK].count;
		f->exit_count = returns_of(s);
		/* As gcov: all blocks but block 0 and the one of highest index. */
		f->blocks = s->g->n_blocks - 2;
		for (uint32_t b = 1; b + 1 < s->g->n_blocks; b++)
			if (s->blocks[b].count)
				f->blocks_executed++;
	}
}

/* gcov's groups: functions not artificial sharing source and start line. */
static void mark_groups(struct object *o)
{
	for (size_t i = 0; i < o->n_fns; i++) {
		const struct gcno_function *a = o->fns[i].g;

		if (!o->fns[i].used)
			continue;
		for (size_t j = i + 1; j < o->n_fns; j++) {
			const struct gcno_function *b = o->fns[j].g;

			if (o->fns[j].used && a->start_line == b->start_line &&
			    strcmp(a->source ? a->source : "", b->source ? b->source : "") == 0)
				o->fns[i].is_group = o->fns[j].is_group = 1;
		}
	}
}

/* ---- matching counters to functions ---------------------------------------------- */

struct ctr_entry {
	uint32_t ident;
	const struct gcov_counters *c;
	uint64_t *sum;              /* owned: several records of one ident */
	UT_hash_handle hh;
};

static void ctr_free(struct ctr_entry **map)
{
	struct ctr_entry *e, *t;

	HASH_ITER(hh, *map, e, t) {
		HASH_DEL(*map, e);
		free(e->sum);
		free(e);
	}
}

/* Indexes counters by ident; several records of one ident are summed (as
 * gcov reading a .gcda). Returns 0, or -1 after reporting. */
static int ctr_index(struct ctr_entry **map, const struct gcov_counters *counters,
                     size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++) {
		const struct gcov_counters *c = &counters[i];
		struct ctr_entry *e;

		HASH_FIND(hh, *map, &c->ident, sizeof c->ident, e);
		if (!e) {
			e = xcalloc(1, sizeof *e);
			e->ident = c->ident;
			e->c = c;
			HASH_ADD(hh, *map, ident, sizeof e->ident, e);
			continue;
		}
		if (e->c->n_arcs != c->n_arcs || e->c->cfg_checksum != c->cfg_checksum ||
		    e->c->lineno_checksum != c->lineno_checksum) {
			tool_error(path, "two counter records for function ident %" PRIu32
			           " disagree", c->ident);
			return -1;
		}
		if (!e->sum) {
			e->sum = xcalloc(c->n_arcs, sizeof *e->sum);
			if (c->n_arcs)
				memcpy(e->sum, e->c->arcs, c->n_arcs * sizeof *e->sum);
		}
		for (uint32_t k = 0; k < c->n_arcs; k++)
			if (__builtin_add_overflow(e->sum[k], c->arcs[k], &e->sum[k])) {
				tool_error(path, "function ident %" PRIu32 ": counter %" PRIu32
				           " overflows when summed", c->ident, k);
				return -1;
			}
	}
	return 0;
}

int cov_report_add(struct cov_report *r, const struct gcno_file *g,
                   const struct gcov_counters *counters, size_t n_counters)
{
	const char *path = g->path && g->path[0] ? g->path : NULL;
	struct ctr_entry *map = NULL;
	struct object o;
	struct obj_line *l, *t;
	int rc = -1;

	memset(&o, 0, sizeof o);
	o.r = r;
	o.path = path;
	o.n_fns = g->n_functions;
	o.fns = xcalloc(o.n_fns, sizeof *o.fns);
	if (ctr_index(&map, counters, n_counters, path) != 0)
		goto out;

	/* Everything that can fail first: the report changes only after. */
	for (size_t i = 0; i < g->n_functions; i++) {
		const struct gcno_function *fn = &g->functions[i];
		struct ctr_entry *e;

		o.fns[i].g = fn;
		o.fns[i].notes_order = gcov_version_is_llvm(g->version);
		HASH_FIND(hh, map, &fn->ident, sizeof fn->ident, e);
		if (!e) {
			tool_error(path, "function '%s': no counters (ident %" PRIu32 ")",
			           fn->name, fn->ident);
			goto out;
		}
		if (e->c->lineno_checksum != fn->lineno_checksum ||
		    e->c->cfg_checksum != fn->cfg_checksum) {
			tool_error(path, "function '%s': checksums differ between the notes"
			           " (0x%08" PRIx32 "/0x%08" PRIx32 ") and the counters"
			           " (0x%08" PRIx32 "/0x%08" PRIx32 "): rebuilt since it ran?",
			           fn->name, fn->lineno_checksum, fn->cfg_checksum,
			           e->c->lineno_checksum, e->c->cfg_checksum);
			goto out;
		}
		if (e->c->n_arcs != fn->n_counters) {
			tool_error(path, "function '%s': %" PRIu32 " arc counters, the notes"
			           " have %" PRIu32 " instrumented arcs", fn->name,
			           e->c->n_arcs, fn->n_counters);
			goto out;
		}
		if (solve(&o.fns[i], e->sum ? e->sum : e->c->arcs, path) != 0 ||
		    check_block_sums(&o.fns[i], path) != 0)
			goto out;
		/* gcov drops artificial functions and those without counters. */
		o.fns[i].used = !fn->artificial && fn->n_counters > 0;
	}

	mark_groups(&o);
	for (uint32_t i = 0; i < o.n_fns; i++)
		if (o.fns[i].used)
			add_line_counts(&o, i);
	if (count_lines(&o) != 0)
		goto out;
	if (merge_lines(&o) != 0)
		goto out;
	add_functions(&o);
	for (size_t i = 0; i < o.n_fns; i++) {
		struct solved *s = &o.fns[i];
		uint64_t *counts;

		if (!s->used)
			continue;
		counts = xcalloc(s->g->n_arcs, sizeof *counts);
		for (size_t a = 0; a < s->g->n_arcs; a++)   /* see solve() */
			counts[a] = s->arcs[a].count > 0 ? (uint64_t)s->arcs[a].count : 0;
		add_loops(r, s->g, counts);
		free(counts);
	}
	rc = 0;
out:
	HASH_ITER(hh, o.lines, l, t) {
		HASH_DEL(o.lines, l);
		free(l->blocks);
		free(l);
	}
	for (size_t i = 0; i < o.n_fns; i++)
		if (o.fns[i].g)
			solved_free(&o.fns[i]);
	free(o.fns);
	ctr_free(&map);
	return rc;
}

/* ---- finishing ----------------------------------------------------------------------- */

static int cmp_line(const void *a, const void *b)
{
	const struct cov_line *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int cmp_loop(const void *a, const void *b)
{
	const struct cov_loop *x = a, *y = b;
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return strcmp(x->function, y->function);
}

void cov_report_finish(struct cov_report *r)
{
	struct cov_priv *p = r->priv;
	struct line_slot *s, *t;

	if (r->n_lines)
		qsort(r->lines, r->n_lines, sizeof *r->lines, cmp_line);
	HASH_ITER(hh, p->slots, s, t) {
		HASH_DEL(p->slots, s);
		free(s);
	}
	/* Re-index, so that later adds still find their lines; the capacity of
	 * a branch array is not known after the sort: n_branches is a safe
	 * lower bound (growing reallocates). */
	for (size_t i = 0; i < r->n_lines; i++) {
		struct line_slot *slot = xcalloc(1, sizeof *slot);

		slot->key.file = r->lines[i].file;
		slot->key.line = r->lines[i].line;
		slot->index = i;
		slot->cap_branches = r->lines[i].n_branches;
		HASH_ADD(hh, p->slots, key, sizeof slot->key, slot);
	}
	if (r->n_loops)
		qsort(r->loops, r->n_loops, sizeof *r->loops, cmp_loop);
}

void cov_report_free(struct cov_report *r)
{
	struct cov_priv *p = r->priv;

	for (size_t i = 0; i < r->n_lines; i++)
		free(r->lines[i].branches);
	free(r->lines);
	free(r->functions);
	free(r->loops);
	if (p) {
		struct line_slot *s, *st;
		struct interned *e, *et;

		HASH_ITER(hh, p->slots, s, st) {
			HASH_DEL(p->slots, s);
			free(s);
		}
		HASH_ITER(hh, p->strings, e, et) {
			HASH_DEL(p->strings, e);
			free(e);
		}
		free(p);
	}
	memset(r, 0, sizeof *r);
}
