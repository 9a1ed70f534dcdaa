/* SPDX-License-Identifier: MIT */
/*
 * rt_gcov_values.c - the value arena of libgcov's value profilers
 * (-fprofile-generate, -fprofile-values): the topn lists kept in the raw
 * file. The profilers themselves are in rt_gcov_object.c.
 *
 * The fixed-size counters (interval, pow2, average, ior, time profiler) are
 * plain int64 arrays the compiler placed with the arc counters, so they are
 * mapped in place or copied exactly like them (rt_gcov.c). The topn and
 * indirect-call counters hold, per site, [runs, entries, first entry]: the
 * entries are what libgcov keeps in malloc'd lists. Here they live in the
 * value arena, VPR_SEC_VALUES chunks of the raw file (vitprof_raw.h), and
 * the third counter holds an arena reference instead of a pointer, so the
 * lists survive a SIGKILL and the tool can read them back.
 *
 * The lists follow libgcov's gcov_topn_add_value() exactly (libgcc/
 * libgcov.h, GCC 11 to 14): a value already listed gets the count; a new
 * one is appended while the list has fewer than 32 entries; in a full list
 * the entry with the smallest count loses one and is replaced when that
 * drops it below the new count. The order of the entries is therefore
 * libgcov's, and so are the .gcda bytes the tool writes.
 *
 * Arena room is reserved here, under rt_g.lock, when a gcov object
 * registers (32 entries per topn site), so that the profilers, which run
 * on the program's hot paths without a lock (rt_values_arena.h), take an
 * entry with one atomic add; an entry that finds no room is counted in
 * header.lost_values, never waited for.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "rt_gcov.h"
#include "rt_internal.h"
#include "rt_values_arena.h"

#define API __attribute__((visibility("default"), no_instrument_function))

_Static_assert(sizeof(struct vpr_values) <= RT_VALUES_ENTRIES_OFFSET, "arena header");

struct rt_values_arena __vitprof_values_arena;
static uint32_t n_chunks;            /* under rt_g.lock */
static uint64_t reserved;            /* entries promised to registered sites */
static uint64_t values_max = UINT64_MAX;  /* VITPROF_VALUES_MAX */
static int limit_read;

void rt_values_reserve(uint64_t n)
{
	struct rt_values_arena *a = &__vitprof_values_arena;
	uint64_t got;

	a->hdr = &rt_g.hdr;
	if (!limit_read) {
		const char *s = rt_getenv("VITPROF_VALUES_MAX");
		char *end;
		unsigned long long v;
		limit_read = 1;
		if (s && *s) {
			v = strtoull(s, &end, 10);
			if (*end == '\0')
				values_max = v;
			else
				rt_log("VITPROF_VALUES_MAX is not a number, ignored:", s);
		}
	}
	reserved = n > values_max - reserved ? values_max : reserved + n;
	while (a->capacity < reserved) {
		uint64_t room = (uint64_t)n_chunks * RT_VALUES_CHUNK_ENTRIES;
		struct vpr_values *c;
		if (a->capacity < room) {
			/* Entries are numbered chunk after chunk: fill this one
			 * first. A capped arena hands out no more than the cap. */
			__atomic_store_n(&a->capacity, room < reserved ? room : reserved,
			                 __ATOMIC_RELEASE);
			continue;
		}
		if (n_chunks == RT_VALUES_MAX_CHUNKS)
			return;
		c = rt_section_alloc(VPR_SEC_VALUES, RT_VALUES_CHUNK_BYTES, &got);
		if (!c)
			return;
		c->chunk = n_chunks;
		c->chunk_entries = RT_VALUES_CHUNK_ENTRIES;
		c->entries_offset = RT_VALUES_ENTRIES_OFFSET;
		a->chunks[n_chunks] = c;      /* published by the capacity store */
		n_chunks++;
	}
}

void rt_values_after_fork_child(void)
{
	/* The chunks moved to the child's file as bare headers: the entries,
	 * like the counters that referenced them, are the parent's. */
	__atomic_store_n(&__vitprof_values_arena.next_entry, 0, __ATOMIC_RELEASE);
}

/* ---- what libgcov exports for the whole process ------------------------- */

void __gcov_merge_topn(int64_t *counters, uint32_t n_counters) API;
void __gcov_merge_ior(int64_t *counters, uint32_t n_counters) API;
void __gcov_merge_time_profile(int64_t *counters, uint32_t n_counters) API;

/*
 * libgcov's struct indirect_call_tuple (libgcc/libgcov.h), exported as
 * libgcov exports it, so one pair serves the whole process: before an
 * indirect call the compiled code stores the callee and its counters here;
 * the callee's prologue checks it (__gcov_indirect_call_profiler_v4,
 * rt_gcov_object.c).
 */
struct indirect_call_tuple {
	void *callee;
	int64_t *counters;
};

extern __thread struct indirect_call_tuple __gcov_indirect_call
	__attribute__((visibility("default")));
__thread struct indirect_call_tuple __gcov_indirect_call;

/*
 * libgcov merges an existing .gcda into the counters with these; this
 * runtime never reads .gcda files (the tool merges offline: vitprof gcda),
 * so nothing calls them. They exist because the compiler names them in
 * every gcov_info's merge[] of -fprofile-generate code, where they also
 * tell which counter kinds a unit has.
 */
void __gcov_merge_topn(int64_t *counters, uint32_t n_counters)
{
	(void)counters;
	(void)n_counters;
}

void __gcov_merge_ior(int64_t *counters, uint32_t n_counters)
{
	(void)counters;
	(void)n_counters;
}

void __gcov_merge_time_profile(int64_t *counters, uint32_t n_counters)
{
	(void)counters;
	(void)n_counters;
}
