/* SPDX-License-Identifier: MIT */
/* pgo_util.h - a static inline function in a header, for export_pgo: its
 * lines live in this file, not in the .c that includes it. */
#ifndef PGO_UTIL_H
#define PGO_UTIL_H

static inline long
util_clamp(long v, long lo, long hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return v;
}

#endif
