/* SPDX-License-Identifier: MIT */
/*
 * vitprof_values.h - how value-profile counters merge, the one definition
 * the runtime (%m pools, rt_merge.c) and the tool (vitprof gcda, vitprof
 * merge: tools/gcov_values.c) share, so that both give libgcov's bytes.
 *
 * It follows libgcov (libgcc/libgcov-merge.c and gcov_topn_add_value() in
 * libgcov.h, GCC 11 to 14), merging a run into what a .gcda already holds:
 *   kinds 0, 1, 2, 5 (arcs, interval, pow2, average)  added
 *   kind 6 (ior)                                        or-ed
 *   kind 7 (time_profiler)  the earliest non-zero first call of the two
 *   kinds 3, 4 (topn, indirect_call)  the run's list, then each value of
 *     the file's added to it: a listed value gets the count, a new one is
 *     appended while the list has fewer than VPR_TOPN_MAX entries, else
 *     the entry with the smallest count loses one and is replaced when that
 *     makes it smaller than the new count; a merge that had to drop or
 *     replace a value makes the site's run count negative.
 * Sums past the int64 range are refused (libgcov wraps them).
 *
 * Header-only, no allocation (callers pass the room), usable in the
 * runtime's exit path.
 */
#ifndef VITPROF_VALUES_H
#define VITPROF_VALUES_H

#include <stdint.h>
#include <string.h>

#include "vitprof_raw.h"

#define VPR_KIND_IOR 6u
#define VPR_KIND_TIME 7u

static inline int vpr_kind_is_topn(unsigned t)
{
	return t == 3u || t == 4u;
}

/*
 * Merges n counters of fixed kind t: file[i] becomes file[i] merged with
 * run[i]. Returns 0, or -1 (file unchanged) when a sum would overflow.
 */
static inline int vpr_fixed_merge(unsigned t, int64_t *file, const int64_t *run, uint64_t n)
{
	uint64_t i;
	int64_t sum;

	if (t != VPR_KIND_IOR && t != VPR_KIND_TIME)
		for (i = 0; i < n; i++)
			if (__builtin_add_overflow(file[i], run[i], &sum))
				return -1;
	for (i = 0; i < n; i++) {
		if (t == VPR_KIND_IOR) {
			file[i] |= run[i];
		} else if (t == VPR_KIND_TIME) {
			/* __gcov_merge_time_profile: counters = the run, value =
			 * the file */
			int64_t value = file[i];
			file[i] = run[i];
			if (value && (!file[i] || value < file[i]))
				file[i] = value;
		} else {
			file[i] += run[i];
		}
	}
	return 0;
}

/*
 * gcov_topn_add_value(counters, value, count, 0, 0) on a list of *n
 * (value, count) pairs at e: returns 1 when the list was full (a value
 * dropped or one replaced), 0 when added, -1 when a count would overflow.
 * e has room for one more pair.
 */
static inline int vpr_topn_add(int64_t *e, uint64_t *n, int64_t value, int64_t count)
{
	uint64_t i, min = UINT64_MAX;

	for (i = 0; i < *n; i++) {
		if (e[2 * i] == value)
			return __builtin_add_overflow(e[2 * i + 1], count, &e[2 * i + 1]) ? -1 : 0;
		if (min == UINT64_MAX || e[2 * i + 1] < e[2 * min + 1])
			min = i;
	}
	if (*n == VPR_TOPN_MAX) {
		/* libgcov compares the list's counter, which counts the entries
		 * it linked: at exactly 32 it replaces instead of appending */
		if (--e[2 * min + 1] < count) {
			e[2 * min] = value;
			e[2 * min + 1] = count;
		}
		return 1;
	}
	e[2 * *n] = value;
	e[2 * *n + 1] = count;
	(*n)++;
	return 0;
}

/*
 * Merges one topn site, each in .gcda form ([run count, n, n (value,
 * count) pairs]): file (what the .gcda holds) into run (the run's
 * counters), written to out, which has room for 2 + 2 * (run n + file n)
 * words. Returns the words written, or -1 when a count would overflow.
 */
static inline int64_t vpr_topn_merge_site(const int64_t *file, const int64_t *run, int64_t *out)
{
	int64_t all = file[0], total = run[0];
	uint64_t n = (uint64_t)run[1], fn = (uint64_t)file[1], j;
	int full = all < 0, r;

	if (all == INT64_MIN || __builtin_add_overflow(total, full ? -all : all, &total))
		return -1;
	memmove(out + 2, run + 2, 16 * n);
	for (j = 0; j < fn; j++) {
		r = vpr_topn_add(out + 2, &n, file[2 + 2 * j], file[3 + 2 * j]);
		if (r < 0)
			return -1;
		full |= r;
	}
	out[0] = full ? -total : total;
	out[1] = (int64_t)n;
	return (int64_t)(2 + 2 * n);
}

#endif /* VITPROF_VALUES_H */
