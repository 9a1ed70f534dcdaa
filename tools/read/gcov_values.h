/* SPDX-License-Identifier: MIT */
/*
 * read/gcov_values.h - the counters of one function of a gcov object as a
 * .gcda holds them (arcs and the value-profile kinds of -fprofile-generate
 * code), the form every reader and writer of arc counters shares, and
 * their merge as libgcov does it (gcov_values.c).
 */
#ifndef VITPROF_GCOV_VALUES_H
#define VITPROF_GCOV_VALUES_H

#include <stddef.h>
#include <stdint.h>

/*
 * GCC's counter kinds (gcc/gcov-counter.def, GCC 10 to 13): 0 arcs, 1
 * interval, 2 pow2, 3 topn, 4 indirect_call, 5 average, 6 ior, 7
 * time_profiler. GCC 14 adds 8 (conditions), which vitprof does not write.
 */
#define GCOV_KINDS 8u
#define GCOV_KIND_ARCS 0u
#define GCOV_KIND_INTERVAL 1u
#define GCOV_KIND_POW2 2u
#define GCOV_KIND_TOPN 3u
#define GCOV_KIND_INDIRECT 4u
#define GCOV_KIND_AVERAGE 5u
#define GCOV_KIND_IOR 6u
#define GCOV_KIND_TIME 7u
#define GCOV_KINDS_KNOWN 0xffu      /* counter_mask bits vitprof can write */
#define GCOV_TOPN_MAX 32u           /* entries of one topn list (libgcov) */

static inline int gcov_kind_is_topn(unsigned t)
{
	return t == GCOV_KIND_TOPN || t == GCOV_KIND_INDIRECT;
}

/*
 * The counters of one kind t >= 1 of one function, in the form a .gcda
 * holds them: num int64 counters for most kinds; for the topn kinds (3, 4),
 * per site, its run count (negative when merging dropped values), the
 * number of entries n, then n (value, count) pairs. sites is the number of
 * topn sites (n_words alone cannot tell).
 */
struct gcov_values {
	uint32_t n_words;
	uint32_t sites;             /* topn kinds: sites; else 0 */
	int64_t *v;                 /* owned; NULL when n_words == 0 */
};

/* The counters of one function, wherever they came from (a .gcda, or a
 * raw profile's ARCS section and value arena). */
struct gcov_counters {
	uint32_t ident, lineno_checksum, cfg_checksum;
	uint32_t n_arcs;
	uint64_t *arcs;             /* owned by whoever built the array */
	struct gcov_values kinds[GCOV_KINDS];   /* [t] for t >= 1 in the
	                               object's counter_mask; [0] unused */
};

/* ---- gcov_values.c: value-profile counters, as libgcov merges them ------- */

/* Frees the value kinds of f (not f->arcs). */
void gcov_values_free(struct gcov_counters *f);

/* Deep copy of the value kinds of src into dst (whose kinds are
 * overwritten). */
void gcov_values_copy(struct gcov_counters *dst, const struct gcov_counters *src);

/* Checks that v holds sites topn sites in .gcda form and nothing more:
 * each list at most entries long (GCOV_TOPN_MAX, or more where a merge of
 * racing threads allows), counts not negative. Returns 0, or -1 with the
 * reason in why. */
int gcov_topn_check(const struct gcov_values *v, uint32_t max_entries, char *why,
                    size_t whylen);

/* Counts the sites of a topn record of n_words words (0 when the words are
 * not whole sites: the caller refuses it). */
int gcov_topn_sites(const int64_t *v, uint32_t n_words, uint32_t *sites);

/*
 * Merges kind t of one function as libgcov merges a .gcda into a run's
 * counters: file is what is in the .gcda (the result goes there), run the
 * counters of the process writing it. Arcs and the other additive kinds
 * add, ior ors, the time profiler keeps the earliest non-zero first call,
 * and a topn list is the run's list with the file's values added to it
 * one by one (gcov_topn_add_value: new values appended while fewer than 32,
 * else the smallest entry decremented and replaced); a merge that had to
 * drop a value makes the run count negative, as libgcov does. Counts that
 * would pass the int64 range are refused ("count overflow: ..." in why,
 * file unchanged). Returns 0 or -1.
 */
int gcov_values_merge(unsigned t, struct gcov_values *file, const struct gcov_values *run,
                      char *why, size_t whylen);

/* The name of counter kind t ("interval", "topn", ...). */
const char *gcov_kind_name(unsigned t);
/* The kind named name (gcov_kind_name; in a document, 1 .. 6), or 0. */
unsigned gcov_kind_by_name(const char *name);

#endif /* VITPROF_GCOV_VALUES_H */
