// SPDX-License-Identifier: MIT
#include "comdat.h"

int unit_a(int n)
{
	int m = 0;
	for (int i = 1; i < n; i++)
		m = shared_max(m, shared_step(i));
	return m;
}
