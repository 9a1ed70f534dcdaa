/* SPDX-License-Identifier: MIT */
#include "shared.h"

int shared_a(int n)
{
	return shared_sum(n) + SHARED_TWICE(n);
}
