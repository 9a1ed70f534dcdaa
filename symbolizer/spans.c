/* SPDX-License-Identifier: MIT */
/*
 * spans.c - turns possibly nested (or, in corrupt input, arbitrarily
 * overlapping) address ranges into disjoint sorted spans, each owned by the
 * innermost range, so that a lookup is one binary search.
 */
#include "symbolizer_internal.h"

#include <stdlib.h>

static int cmp_range(const void *a, const void *b)
{
	const struct sym_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->depth != y->depth) /* outer first, so the inner is on top */
		return x->depth < y->depth ? -1 : 1;
	if (x->hi != y->hi) /* longer first */
		return x->hi > y->hi ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return 0;
}

/*
 * Appends [lo, hi) -> id to out (capacity *cap), merging it into the last
 * span when that one ends at lo with the same owner. Empty spans are
 * dropped. Returns 0, or -1 on OOM.
 */
static int emit(struct sym_span_index *out, size_t *cap, uint64_t lo,
                uint64_t hi, uint32_t id)
{
	struct sym_span *last;

	if (lo >= hi)
		return 0;
	last = out->n ? &out->v[out->n - 1] : NULL;
	if (last && last->hi == lo && last->id == id) {
		last->hi = hi;
		return 0;
	}
	if (sym_grow((void **)&out->v, cap, out->n + 1, sizeof *out->v) < 0)
		return -1;
	out->v[out->n++] = (struct sym_span){lo, hi, id};
	return 0;
}

/*
 * Sweeps the sorted ranges keeping a stack of the ranges that are open at
 * the current address `cur`; whatever lies between two events belongs to
 * the top of the stack (the most recently opened, i.e. innermost, range).
 */
int sym_spans_build(struct sym_range *r, size_t n, struct sym_span_index *out)
{
	size_t *stack, top = 0, i, cap = 0;
	uint64_t cur = 0;

	sym_spans_free(out);
	if (n == 0)
		return 0;
	qsort(r, n, sizeof *r, cmp_range);
	stack = malloc(n * sizeof *stack);
	if (!stack)
		return -1;
	for (i = 0; i < n; i++) {
		while (top && r[stack[top - 1]].hi <= r[i].lo) {
			const struct sym_range *t = &r[stack[--top]];
			if (emit(out, &cap, cur, t->hi, t->id) < 0)
				goto oom;
			if (t->hi > cur)
				cur = t->hi;
		}
		if (top && emit(out, &cap, cur, r[i].lo, r[stack[top - 1]].id) < 0)
			goto oom;
		cur = r[i].lo;
		stack[top++] = i;
	}
	while (top) {
		const struct sym_range *t = &r[stack[--top]];
		if (emit(out, &cap, cur, t->hi, t->id) < 0)
			goto oom;
		if (t->hi > cur)
			cur = t->hi;
	}
	free(stack);
	return 0;
oom:
	free(stack);
	sym_spans_free(out);
	return -1;
}

const struct sym_span *sym_spans_find(const struct sym_span_index *ix,
                                      uint64_t addr)
{
	size_t lo = 0, hi = ix->n;

	/* First span with lo > addr; the one before it may contain addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->v[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= ix->v[lo - 1].hi)
		return NULL;
	return &ix->v[lo - 1];
}

void sym_spans_free(struct sym_span_index *ix)
{
	free(ix->v);
	ix->v = NULL;
	ix->n = 0;
}
