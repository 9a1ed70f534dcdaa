/* SPDX-License-Identifier: MIT */
/* clang --coverage sample, second unit: a loop with an early return, a
 * do/while, && and ||, a function never called. */
#include "clang_cov.h"

int scan(int n)
{
	int k = 0, s = 0;

	while (k < n) {
		if (k == 5 && n > 9)
			return -s;
		s += k++;
	}
	do {
		s++;
	} while (s % 4 != 0 || s < 3);
	return s;
}

int never_called(int a)
{
	return a ? a * 2 : 7;
}
