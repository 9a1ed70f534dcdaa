/* SPDX-License-Identifier: MIT */
/*
 * gcov_values.c - the value-profile counters of -fprofile-generate code
 * (kinds 1 to 7), kept in the form a .gcda holds them, and merged exactly
 * as libgcov merges a .gcda into a run, with the rules of
 * rt/vitprof_values.h (shared with the runtime's %m pools), so that the
 * bytes vitprof gcda writes are the bytes libgcov writes.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "read/gcov_values.h"
#include "vitprof_values.h"

const char *gcov_kind_name(unsigned t)
{
	static const char *const names[GCOV_KINDS] = {
		"arcs", "interval", "pow2", "topn", "indirect_call", "average", "ior",
		"time_profiler",
	};

	return t < GCOV_KINDS ? names[t] : "unknown";
}

unsigned gcov_kind_by_name(const char *name)
{
	for (unsigned t = GCOV_KIND_INTERVAL; t <= GCOV_KIND_IOR; t++)
		if (strcmp(name, gcov_kind_name(t)) == 0)
			return t;
	return 0;
}

void gcov_values_free(struct gcov_counters *f)
{
	for (unsigned t = 1; t < GCOV_KINDS; t++) {
		free(f->kinds[t].v);
		memset(&f->kinds[t], 0, sizeof f->kinds[t]);
	}
}

void gcov_values_copy(struct gcov_counters *dst, const struct gcov_counters *src)
{
	for (unsigned t = 1; t < GCOV_KINDS; t++) {
		const struct gcov_values *s = &src->kinds[t];
		struct gcov_values *d = &dst->kinds[t];

		*d = *s;
		d->v = NULL;
		if (!s->n_words)
			continue;
		d->v = xcalloc(s->n_words, sizeof *d->v);
		memcpy(d->v, s->v, s->n_words * sizeof *d->v);
	}
}

int gcov_topn_sites(const int64_t *v, uint32_t n_words, uint32_t *sites)
{
	uint64_t i = 0;
	uint32_t k = 0;

	while (i < n_words) {
		if (n_words - i < 2 || v[i + 1] < 0 ||
		    (uint64_t)v[i + 1] > (n_words - i - 2) / 2)
			return -1;
		i += 2 + 2 * (uint64_t)v[i + 1];
		k++;
	}
	*sites = k;
	return 0;
}

int gcov_topn_check(const struct gcov_values *v, uint32_t max_entries, char *why,
                    size_t whylen)
{
	uint64_t i = 0;
	uint32_t site = 0;

	while (i < v->n_words) {
		int64_t n;

		if (v->n_words - i < 2) {
			snprintf(why, whylen, "site %" PRIu32 " is cut short", site);
			return -1;
		}
		n = v->v[i + 1];
		if (n < 0 || (uint64_t)n > max_entries || (uint64_t)n > (v->n_words - i - 2) / 2) {
			snprintf(why, whylen, "site %" PRIu32 " lists %" PRId64 " values (at most %"
			         PRIu32 ", and what the record holds)", site, n, max_entries);
			return -1;
		}
		for (int64_t j = 0; j < n; j++)
			if (v->v[i + 2 + 2 * j + 1] < 0) {
				snprintf(why, whylen, "site %" PRIu32 ", value %" PRId64 ": negative"
				         " count %" PRId64, site, j, v->v[i + 2 + 2 * j + 1]);
				return -1;
			}
		i += 2 + 2 * (uint64_t)n;
		site++;
	}
	if (site != v->sites) {
		snprintf(why, whylen, "%" PRIu32 " sites, %" PRIu32 " expected", site, v->sites);
		return -1;
	}
	return 0;
}

static int merge_topn(struct gcov_values *file, const struct gcov_values *run, char *why,
                      size_t whylen)
{
	uint64_t words = 0, fi = 0, ri = 0;
	int64_t *merged, *o;

	if (file->sites != run->sites) {
		snprintf(why, whylen, "%" PRIu32 " topn sites, the run has %" PRIu32, file->sites,
		         run->sites);
		return -1;
	}
	/* at most every value of both lists */
	words = (uint64_t)file->n_words + run->n_words;
	merged = xcalloc((size_t)words, sizeof *merged);
	o = merged;
	for (uint32_t s = 0; s < file->sites; s++) {
		int64_t w = vpr_topn_merge_site(file->v + fi, run->v + ri, o);
		if (w < 0) {
			free(merged);
			snprintf(why, whylen, "count overflow: topn site %" PRIu32 " passes the"
			         " int64 range of a gcov counter", s);
			return -1;
		}
		o += w;
		fi += 2 + 2 * (uint64_t)file->v[fi + 1];
		ri += 2 + 2 * (uint64_t)run->v[ri + 1];
	}
	free(file->v);
	file->v = merged;
	file->n_words = (uint32_t)(o - merged);
	return 0;
}

int gcov_values_merge(unsigned t, struct gcov_values *file, const struct gcov_values *run,
                      char *why, size_t whylen)
{
	if (gcov_kind_is_topn(t))
		return merge_topn(file, run, why, whylen);
	if (file->n_words != run->n_words) {
		snprintf(why, whylen, "%" PRIu32 " %s counters, the run has %" PRIu32,
		         file->n_words, gcov_kind_name(t), run->n_words);
		return -1;
	}
	if (vpr_fixed_merge(t, file->v, run->v, run->n_words) != 0) {
		snprintf(why, whylen, "count overflow: %s counters pass the int64 range of a"
		         " gcov counter", gcov_kind_name(t));
		return -1;
	}
	return 0;
}
