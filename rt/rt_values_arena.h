/* SPDX-License-Identifier: MIT */
/*
 * rt_values_arena.h - the value arena as the value profilers see it, and
 * the topn list update they share.
 *
 * The arena's chunks are sections of the raw file (vitprof_raw.h,
 * VPR_SEC_VALUES) allocated by the runtime (rt_gcov_values.c) when gcov
 * objects register. The profilers themselves are compiled into every
 * instrumented object (libvitprof_gcov.a, rt_gcov_object.c), as libgcov's
 * are, so that the compiled code calls them directly; they reach the arena
 * through the one exported descriptor below.
 */
#ifndef VITPROF_RT_VALUES_ARENA_H
#define VITPROF_RT_VALUES_ARENA_H

#include <stdint.h>

#include "vitprof_raw.h"

/* One chunk: 2^15 entries (768 KiB) after a 128-byte header, so that a
 * reference is found with a shift and a mask, not a division. */
#define RT_VALUES_CHUNK_SHIFT 15u
#define RT_VALUES_CHUNK_ENTRIES (1u << RT_VALUES_CHUNK_SHIFT)
#define RT_VALUES_ENTRIES_OFFSET 128u
#define RT_VALUES_CHUNK_BYTES (RT_VALUES_ENTRIES_OFFSET + \
	RT_VALUES_CHUNK_ENTRIES * sizeof(struct vpr_value_entry))
#define RT_VALUES_MAX_CHUNKS 8192u

struct rt_values_arena {
	uint64_t capacity;           /* entries usable; atomic, grows */
	uint64_t next_entry;         /* entries handed out; atomic */
	struct vpr_file_header **hdr;/* &rt_g.hdr: where a lost value is counted */
	struct vpr_values *chunks[RT_VALUES_MAX_CHUNKS];
};

/* Defined (and exported) by the runtime, rt_gcov_values.c. */
extern struct rt_values_arena __vitprof_values_arena
	__attribute__((visibility("default")));

static inline struct vpr_value_entry *rt_value_entry(const struct rt_values_arena *a,
                                                     uint64_t ref)
{
	uint64_t i = ref - 1;

	return (struct vpr_value_entry *)((unsigned char *)a->chunks[i >> RT_VALUES_CHUNK_SHIFT]
	                                  + RT_VALUES_ENTRIES_OFFSET) +
	       (i & (RT_VALUES_CHUNK_ENTRIES - 1));
}

static inline void rt_counter_add(int64_t *c, int64_t v, int atomic)
{
	if (atomic)
		__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
	else
		*c += v;
}

/*
 * gcov_topn_add_value(counters, value, 1, atomic, 1) (libgcc/libgcov.h)
 * with arena entries: counters is a topn site, [runs, entries, reference
 * of the first entry]. A listed value gets the count; a new one is
 * appended while the list has fewer than VPR_TOPN_MAX entries; in a full
 * list the entry with the smallest count loses one and is replaced when
 * that makes it smaller than 1. An entry that finds the arena full is
 * counted in the header's lost_values. The entry is complete in the file
 * before anything links it. Inlined into each profiler, atomic a constant.
 */
static inline __attribute__((always_inline)) void rt_topn_add(int64_t *counters, int64_t value,
                                                              int atomic)
{
	struct rt_values_arena *a = &__vitprof_values_arena;
	struct vpr_value_entry *prev = 0, *min = 0, *cur;
	uint64_t ref, fresh, limit;

	if (counters[0] < 0)
		return;
	rt_counter_add(&counters[0], 1, atomic);
	/* Every reference the runtime wrote is below the capacity (the memory
	 * behind it is mapped); anything else is left alone. */
	limit = __atomic_load_n(&a->capacity, __ATOMIC_ACQUIRE);
	for (ref = (uint64_t)counters[2]; ref - 1 < limit; ref = cur->next) {
		cur = rt_value_entry(a, ref);
		if (cur->value == value) {
			rt_counter_add(&cur->count, 1, atomic);
			return;
		}
		if (!min || cur->count < min->count)
			min = cur;
		prev = cur;
	}
	if (ref)
		return;                  /* not an entry of ours: left alone */
	if (counters[1] == VPR_TOPN_MAX) {
		if (min && --min->count < 1) {
			min->value = value;
			min->count = 1;
		}
		return;
	}
	fresh = __atomic_fetch_add(&a->next_entry, 1, __ATOMIC_ACQ_REL) + 1;
	if (fresh > __atomic_load_n(&a->capacity, __ATOMIC_ACQUIRE)) {
		if (a->hdr && *a->hdr)
			__atomic_fetch_add(&(*a->hdr)->lost_values, 1, __ATOMIC_RELAXED);
		return;
	}
	cur = rt_value_entry(a, fresh);
	cur->value = value;
	cur->count = 1;
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
	rt_counter_add(&counters[1], 1, atomic);
}

#endif /* VITPROF_RT_VALUES_ARENA_H */
