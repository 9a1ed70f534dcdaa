/* SPDX-License-Identifier: MIT */
/*
 * rt_gcov_values.c - libgcov's value profilers (-fprofile-generate,
 * -fprofile-values), with the topn lists kept in the raw file.
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
 * These run on the program's hot paths (every division, string operation
 * and indirect call of instrumented code): no lock, no malloc, no stdio,
 * errno untouched. Arena room is reserved under rt_g.lock when a gcov
 * object registers (32 entries per topn site), so taking an entry is one
 * atomic add; an entry that finds no room is counted in
 * header.lost_values, never waited for.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "rt_gcov.h"
#include "rt_internal.h"

#define API __attribute__((visibility("default"), no_instrument_function))

#ifndef NULL
#define NULL ((void *)0)
#endif

/* One chunk: a 1 MiB section. */
#define CHUNK_BYTES (1u << 20)
#define ENTRIES_OFFSET 128u
#define CHUNK_ENTRIES ((CHUNK_BYTES - ENTRIES_OFFSET) / sizeof(struct vpr_value_entry))
#define MAX_CHUNKS 4096u

_Static_assert(sizeof(struct vpr_values) <= ENTRIES_OFFSET, "arena header");

static struct vpr_values *chunks[MAX_CHUNKS];
static uint32_t n_chunks;            /* under rt_g.lock */
static uint64_t capacity;            /* entries in chunks[0..n_chunks); atomic */
static uint64_t reserved;            /* entries promised to registered sites */
static uint64_t next_entry;          /* entries handed out; atomic */
static uint64_t limit = UINT64_MAX;  /* VITPROF_VALUES_MAX */
static int limit_read;

static struct vpr_value_entry *entry_at(uint64_t ref)
{
	uint64_t i = ref - 1;
	struct vpr_values *c = chunks[i / CHUNK_ENTRIES];

	return (struct vpr_value_entry *)((unsigned char *)c + ENTRIES_OFFSET) +
	       i % CHUNK_ENTRIES;
}

/* 1 if ref names an entry handed out in this process. */
static int ref_valid(uint64_t ref)
{
	return ref && ref <= __atomic_load_n(&next_entry, __ATOMIC_ACQUIRE) &&
	       ref <= __atomic_load_n(&capacity, __ATOMIC_ACQUIRE);
}

/* A new zeroed entry's reference, or 0 (arena full: one value lost). */
static uint64_t take_entry(void)
{
	uint64_t i = __atomic_fetch_add(&next_entry, 1, __ATOMIC_ACQ_REL);

	if (i < __atomic_load_n(&capacity, __ATOMIC_ACQUIRE))
		return i + 1;
	__atomic_fetch_add(&rt_g.hdr->lost_values, 1, __ATOMIC_RELAXED);
	return 0;
}

static void counter_add(int64_t *c, int64_t v, int atomic)
{
	if (atomic)
		__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
	else
		*c += v;
}

/* gcov_topn_add_value(counters, value, 1, atomic, 1) with arena entries. */
static void topn_add(int64_t *counters, int64_t value, int atomic)
{
	struct vpr_value_entry *prev = NULL, *min = NULL, *cur;
	uint64_t ref, fresh;

	if (counters[0] < 0)
		return;
	counter_add(&counters[0], 1, atomic);
	for (ref = (uint64_t)counters[2]; ref_valid(ref); ref = cur->next) {
		cur = entry_at(ref);
		if (cur->value == value) {
			counter_add(&cur->count, 1, atomic);
			return;
		}
		if (!min || cur->count < min->count)
			min = cur;
		prev = cur;
	}
	if (ref)
		return;                  /* not ours: leave it alone */
	if (counters[1] == VPR_TOPN_MAX) {
		if (min && --min->count < 1) {
			min->value = value;
			min->count = 1;
		}
		return;
	}
	fresh = take_entry();
	if (!fresh)
		return;
	cur = entry_at(fresh);
	cur->value = value;
	cur->count = 1;
	/* The entry is complete in the file before anything links it. */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (!counters[2]) {
		uint64_t zero = 0;
		if (atomic && !__atomic_compare_exchange_n((uint64_t *)&counters[2], &zero, fresh,
		                                           0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return;
		if (!atomic)
			counters[2] = (int64_t)fresh;
	} else if (prev && !prev->next) {
		uint64_t zero = 0;
		if (atomic && !__atomic_compare_exchange_n(&prev->next, &zero, fresh, 0,
		                                           __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return;
		if (!atomic)
			prev->next = fresh;
	} else {
		return;
	}
	counter_add(&counters[1], 1, atomic);
}

void rt_values_reserve(uint64_t n)
{
	uint64_t got;

	if (!limit_read) {
		const char *s = secure_getenv("VITPROF_VALUES_MAX");
		char *end;
		unsigned long long v;
		limit_read = 1;
		if (s && *s) {
			v = strtoull(s, &end, 10);
			if (*end == '\0')
				limit = v;
			else
				rt_log("VITPROF_VALUES_MAX is not a number, ignored:", s);
		}
	}
	reserved = n > limit - reserved ? limit : reserved + n;
	while (capacity < reserved) {
		uint64_t room = (uint64_t)n_chunks * CHUNK_ENTRIES;
		struct vpr_values *c;
		if (capacity < room) {
			/* Entries are numbered chunk after chunk: fill this one
			 * first. A capped arena hands out no more than the cap. */
			__atomic_store_n(&capacity, room < reserved ? room : reserved,
			                 __ATOMIC_RELEASE);
			continue;
		}
		if (n_chunks == MAX_CHUNKS)
			return;
		c = rt_section_alloc(VPR_SEC_VALUES, CHUNK_BYTES, &got);
		if (!c)
			return;
		c->chunk = n_chunks;
		c->chunk_entries = (uint32_t)CHUNK_ENTRIES;
		c->entries_offset = ENTRIES_OFFSET;
		chunks[n_chunks] = c;
		__atomic_store_n(&n_chunks, n_chunks + 1, __ATOMIC_RELEASE);
	}
}

void rt_values_after_fork_child(void)
{
	/* The chunks moved to the child's file as bare headers: the entries,
	 * like the counters that referenced them, are the parent's. */
	__atomic_store_n(&next_entry, 0, __ATOMIC_RELEASE);
}

/* ---- libgcov's value profilers (libgcc/libgcov-profiler.c) --------------- */

void __gcov_interval_profiler(int64_t *counters, int64_t value, int start,
                              unsigned steps) API;
void __gcov_interval_profiler_atomic(int64_t *counters, int64_t value, int start,
                                     unsigned steps) API;
void __gcov_pow2_profiler(int64_t *counters, int64_t value) API;
void __gcov_pow2_profiler_atomic(int64_t *counters, int64_t value) API;
void __gcov_topn_values_profiler(int64_t *counters, int64_t value) API;
void __gcov_topn_values_profiler_atomic(int64_t *counters, int64_t value) API;
void __gcov_average_profiler(int64_t *counters, int64_t value) API;
void __gcov_average_profiler_atomic(int64_t *counters, int64_t value) API;
void __gcov_ior_profiler(int64_t *counters, int64_t value) API;
void __gcov_ior_profiler_atomic(int64_t *counters, int64_t value) API;
void __gcov_indirect_call_profiler_v4(int64_t value, void *cur_func) API;
void __gcov_indirect_call_profiler_v4_atomic(int64_t value, void *cur_func) API;
void __gcov_merge_topn(int64_t *counters, uint32_t n_counters) API;
void __gcov_merge_ior(int64_t *counters, uint32_t n_counters) API;
void __gcov_merge_time_profile(int64_t *counters, uint32_t n_counters) API;

/* The slot of value in [start, start + steps), else steps (above) or
 * steps + 1 (below). */
static int64_t *interval_slot(int64_t *counters, int64_t value, int start, unsigned steps)
{
	int64_t delta = value - start;

	if (delta < 0)
		return &counters[steps + 1];
	if (delta >= (int64_t)steps)
		return &counters[steps];
	return &counters[delta];
}

void __gcov_interval_profiler(int64_t *counters, int64_t value, int start, unsigned steps)
{
	(*interval_slot(counters, value, start, steps))++;
}

void __gcov_interval_profiler_atomic(int64_t *counters, int64_t value, int start,
                                     unsigned steps)
{
	__atomic_fetch_add(interval_slot(counters, value, start, steps), 1, __ATOMIC_RELAXED);
}

/* counters[1] counts powers of two, counters[0] everything else. */
static int64_t *pow2_slot(int64_t *counters, int64_t value)
{
	return value == 0 || (value & (value - 1)) ? &counters[0] : &counters[1];
}

void __gcov_pow2_profiler(int64_t *counters, int64_t value)
{
	(*pow2_slot(counters, value))++;
}

void __gcov_pow2_profiler_atomic(int64_t *counters, int64_t value)
{
	__atomic_fetch_add(pow2_slot(counters, value), 1, __ATOMIC_RELAXED);
}

void __gcov_topn_values_profiler(int64_t *counters, int64_t value)
{
	topn_add(counters, value, 0);
}

/* As libgcov's: the counts are atomic, the list itself is not safe from
 * every race (libgcov-profiler.c says why); a lost race loses one entry. */
void __gcov_topn_values_profiler_atomic(int64_t *counters, int64_t value)
{
	topn_add(counters, value, 1);
}

/*
 * libgcov's struct indirect_call_tuple (libgcc/libgcov.h), exported as
 * libgcov exports it, so one pair serves the whole process: before an
 * indirect call the compiled code stores the callee and its counters here;
 * the callee's prologue checks it.
 */
struct indirect_call_tuple {
	void *callee;
	int64_t *counters;
};

extern __thread struct indirect_call_tuple __gcov_indirect_call
	__attribute__((visibility("default")));
__thread struct indirect_call_tuple __gcov_indirect_call;

/*
 * Called in the prologue of every function that may be called indirectly,
 * with its profile id: counts it as a target of the pending indirect call
 * when it is the callee that call named, then clears the pair.
 */
void __gcov_indirect_call_profiler_v4(int64_t value, void *cur_func)
{
	if (cur_func == __gcov_indirect_call.callee)
		topn_add(__gcov_indirect_call.counters, value, 0);
	__gcov_indirect_call.callee = NULL;
}

void __gcov_indirect_call_profiler_v4_atomic(int64_t value, void *cur_func)
{
	if (cur_func == __gcov_indirect_call.callee)
		topn_add(__gcov_indirect_call.counters, value, 1);
	__gcov_indirect_call.callee = NULL;
}

void __gcov_average_profiler(int64_t *counters, int64_t value)
{
	counters[0] += value;
	counters[1]++;
}

void __gcov_average_profiler_atomic(int64_t *counters, int64_t value)
{
	__atomic_fetch_add(&counters[0], value, __ATOMIC_RELAXED);
	__atomic_fetch_add(&counters[1], 1, __ATOMIC_RELAXED);
}

void __gcov_ior_profiler(int64_t *counters, int64_t value)
{
	counters[0] |= value;
}

void __gcov_ior_profiler_atomic(int64_t *counters, int64_t value)
{
	__atomic_fetch_or(&counters[0], value, __ATOMIC_RELAXED);
}

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
