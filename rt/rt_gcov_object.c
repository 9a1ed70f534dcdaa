/* SPDX-License-Identifier: MIT */
/*
 * rt_gcov_object.c - what libgcov links into every instrumented object:
 * the value profilers (libgcc/libgcov-profiler.c), which -fprofile-generate
 * code calls for every division, string operation and indirect call it
 * profiles, and the time profiler's clock, which it increments directly
 * (`if (!c[0]) c[0] = ++__gcov_time_profiler_counter`).
 *
 * libgcov is a static archive, so each executable and shared library has
 * its own copy: its profilers are direct calls, and its time-profiler clock
 * (a hidden symbol) numbers the first calls of that object's functions from
 * 1. (Its indirect-call pair is exported, so one pair serves the process;
 * it lives in the runtime, rt_gcov_values.c, as does the value arena the
 * topn lists use: rt_values_arena.h.) To match, this file is built twice:
 *
 *   libvitprof_gcov.a   hidden definitions, linked into each instrumented
 *                       object before the runtime (vitprof flags --link):
 *                       one clock per object and direct calls, exactly as
 *                       libgcov.
 *   libvitprof_rt.so/.a exported ones: the fallback for an object linked
 *                       with the runtime alone, which then calls them
 *                       through the PLT and shares one clock with every
 *                       such object (documented in gcda.md).
 *
 * These run on the program's hot paths: no lock, no malloc, no stdio,
 * errno untouched; a topn entry is one atomic add in the arena.
 */
#include <stdint.h>

#include "rt_values_arena.h"

#ifdef VITPROF_GCOV_OBJECT
#define OBJ_VIS __attribute__((visibility("hidden")))
#else
#define OBJ_VIS __attribute__((visibility("default")))
#endif
#define OBJ_API OBJ_VIS __attribute__((no_instrument_function))

extern int64_t __gcov_time_profiler_counter OBJ_VIS;
int64_t __gcov_time_profiler_counter;

/* libgcov's struct indirect_call_tuple; the runtime defines the one pair. */
struct indirect_call_tuple {
	void *callee;
	int64_t *counters;
};
extern __thread struct indirect_call_tuple __gcov_indirect_call
	__attribute__((visibility("default")));

void __gcov_interval_profiler(int64_t *counters, int64_t value, int start,
                              unsigned steps) OBJ_API;
void __gcov_interval_profiler_atomic(int64_t *counters, int64_t value, int start,
                                     unsigned steps) OBJ_API;
void __gcov_pow2_profiler(int64_t *counters, int64_t value) OBJ_API;
void __gcov_pow2_profiler_atomic(int64_t *counters, int64_t value) OBJ_API;
void __gcov_topn_values_profiler(int64_t *counters, int64_t value) OBJ_API;
void __gcov_topn_values_profiler_atomic(int64_t *counters, int64_t value) OBJ_API;
void __gcov_indirect_call_profiler_v4(int64_t value, void *cur_func) OBJ_API;
void __gcov_indirect_call_profiler_v4_atomic(int64_t value, void *cur_func) OBJ_API;
void __gcov_average_profiler(int64_t *counters, int64_t value) OBJ_API;
void __gcov_average_profiler_atomic(int64_t *counters, int64_t value) OBJ_API;
void __gcov_ior_profiler(int64_t *counters, int64_t value) OBJ_API;
void __gcov_ior_profiler_atomic(int64_t *counters, int64_t value) OBJ_API;

/* The slot of value in [start, start + steps), else steps (above) or
 * steps + 1 (below). */
static inline int64_t *interval_slot(int64_t *counters, int64_t value, int start,
                                     unsigned steps)
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
static inline int64_t *pow2_slot(int64_t *counters, int64_t value)
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
	rt_topn_add(counters, value, 0);
}

/* As libgcov's: the counts are atomic, the list itself is not safe from
 * every race (libgcov-profiler.c says why); a lost race loses one entry. */
void __gcov_topn_values_profiler_atomic(int64_t *counters, int64_t value)
{
	rt_topn_add(counters, value, 1);
}

/*
 * Called in the prologue of every function that may be called indirectly,
 * with its profile id: counts it as a target of the pending indirect call
 * when it is the callee that call named, then clears the pair.
 */
void __gcov_indirect_call_profiler_v4(int64_t value, void *cur_func)
{
	if (cur_func == __gcov_indirect_call.callee)
		rt_topn_add(__gcov_indirect_call.counters, value, 0);
	__gcov_indirect_call.callee = 0;
}

void __gcov_indirect_call_profiler_v4_atomic(int64_t value, void *cur_func)
{
	if (cur_func == __gcov_indirect_call.callee)
		rt_topn_add(__gcov_indirect_call.counters, value, 1);
	__gcov_indirect_call.callee = 0;
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
