/* SPDX-License-Identifier: MIT */
/*
 * rt_stubs_h1.c - stand-ins for rt_trace.c's rt_trace_mark() and
 * rt_trace_set() (rt_internal.h) until trace recording is merged; the
 * lead deletes this file then. Marks are dropped; rt_trace_set() only
 * sets rt_g.trace_on.
 */
#include "rt_internal.h"

void rt_trace_mark(unsigned kind, uint32_t name_id, int64_t value)
{
	(void)kind;
	(void)name_id;
	(void)value;
}

void rt_trace_set(int on)
{
	__atomic_store_n(&rt_g.trace_on, on, __ATOMIC_RELAXED);
}
