/* SPDX-License-Identifier: MIT */
#include "shared.h"

int shared_b(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += shared_sum(i) + SHARED_TWICE(i);
	return s;
}
