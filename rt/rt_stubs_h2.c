/* SPDX-License-Identifier: MIT */
/*
 * rt_stubs_h2.c - stand-ins for rt_filter.c and rt_names.c (rt_internal.h)
 * until they are merged: no filter (rt_g.filter_active stays 0), no names.
 * Deleted when the real files come in.
 */
#include "rt_internal.h"

void rt_filter_init(void)
{
}

uint32_t rt_filter_fn(uintptr_t fn)
{
	(void)fn;
	return 0;
}

uint32_t rt_name_intern(const char *s)
{
	(void)s;
	return 0;
}

void rt_name_thread(uint64_t tid, const char *name)
{
	(void)tid;
	(void)name;
}

void rt_names_after_fork(void)
{
}
