/* SPDX-License-Identifier: MIT */
/* inline_helpers.h - functions the test program inlines (at -O2, and
 * always, as they are always_inline), one inside the other. */
#ifndef SYMTEST_INLINE_HELPERS_H
#define SYMTEST_INLINE_HELPERS_H

extern volatile int sink;

static inline __attribute__((always_inline)) int inner_step(int x)
{
	sink += x;
	return x * 7 + sink;
}

static inline __attribute__((always_inline)) int outer_step(int x)
{
	int y = inner_step(x + 1);
	sink += y;
	return inner_step(y) - x;
}

#endif
