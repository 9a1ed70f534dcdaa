/* SPDX-License-Identifier: MIT */
/* shlib.c - a shared library for the symbolizer's tests. */
#include <stdio.h>
#include <stdlib.h>

#include "inline_helpers.h"

volatile int sink;
int lib_table[32];

__attribute__((cold, noinline)) void lib_complain(const char *what, int v)
{
	fprintf(stderr, "%s %d\n", what, v);
}

static int lib_private(int x)
{
	return outer_step(x) + lib_table[x & 31];
}

int lib_compute(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++) {
		if (lib_table[i & 31] < 0) {
			lib_complain("negative", i);
			fprintf(stderr, "at %d\n", i);
			lib_complain("total", s);
			abort();
		}
		s += lib_private(i);
	}
	return s;
}

int lib_other(int n)
{
	return inner_step(n) * 3;
}
