/* SPDX-License-Identifier: MIT */
/* shared.h - code included by two .c files: its lines are counted in both
 * objects and summed. */
#ifndef COV_SHARED_H
#define COV_SHARED_H

static inline int shared_sum(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		if (i & 1)
			s += i;
		else
			s -= 1;
	return s;
}

#define SHARED_TWICE(x) ((x) > 2 ? (x) * 2 : (x))

#endif
