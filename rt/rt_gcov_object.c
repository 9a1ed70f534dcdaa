/* SPDX-License-Identifier: MIT */
/*
 * rt_gcov_object.c - the part of libgcov that is state of one loaded
 * object: the time profiler's clock and the indirect-call profiler's
 * thread-local (callee, counters) pair, which -fprofile-generate code reads
 * and writes directly.
 *
 * libgcov is a static archive with hidden symbols, so every executable and
 * shared library has its own copy of these: the time profiler numbers the
 * first calls of each object from 1, and an indirect call into another
 * object is not attributed (the callee's object never sees the caller's
 * pair). To give the same profiles, this file is built twice:
 *
 *   libvitprof_gcov.a   hidden symbols, linked into each instrumented
 *                       object before the runtime (vitprof flags --link):
 *                       per-object state, exactly as libgcov.
 *   libvitprof_rt.so/.a default visibility: the fallback for an object
 *                       linked with the runtime alone, which then shares
 *                       one clock and one pair with every such object.
 *
 * The topn lists themselves live in the runtime's value arena
 * (rt_gcov_values.c), reached through __gcov_topn_values_profiler.
 * Nothing here is instrumented, allocates, or touches errno.
 */
#include <stdint.h>

#ifdef VITPROF_GCOV_OBJECT
#define OBJ_VIS __attribute__((visibility("hidden")))
#else
#define OBJ_VIS __attribute__((visibility("default")))
#endif
#define OBJ_API OBJ_VIS __attribute__((no_instrument_function))

/* libgcov's struct indirect_call_tuple (libgcc/libgcov.h): the compiler's
 * instrumentation stores the callee and its counters here before an
 * indirect call; the callee's prologue checks it. */
struct indirect_call_tuple {
	void *callee;
	int64_t *counters;
};

extern __thread struct indirect_call_tuple __gcov_indirect_call OBJ_VIS;
extern int64_t __gcov_time_profiler_counter OBJ_VIS;

__thread struct indirect_call_tuple __gcov_indirect_call;
int64_t __gcov_time_profiler_counter;

/* In the runtime (rt_gcov_values.c), exported. */
void __gcov_topn_values_profiler(int64_t *counters, int64_t value);
void __gcov_topn_values_profiler_atomic(int64_t *counters, int64_t value);

void __gcov_indirect_call_profiler_v4(int64_t value, void *cur_func) OBJ_API;
void __gcov_indirect_call_profiler_v4_atomic(int64_t value, void *cur_func) OBJ_API;

/*
 * Called in the prologue of every function that may be called indirectly,
 * with its profile id: counts it as a target of the pending indirect call
 * when it is the callee that call named, then clears the pair.
 */
void __gcov_indirect_call_profiler_v4(int64_t value, void *cur_func)
{
	if (cur_func == __gcov_indirect_call.callee)
		__gcov_topn_values_profiler(__gcov_indirect_call.counters, value);
	__gcov_indirect_call.callee = 0;
}

void __gcov_indirect_call_profiler_v4_atomic(int64_t value, void *cur_func)
{
	if (cur_func == __gcov_indirect_call.callee)
		__gcov_topn_values_profiler_atomic(__gcov_indirect_call.counters, value);
	__gcov_indirect_call.callee = 0;
}
