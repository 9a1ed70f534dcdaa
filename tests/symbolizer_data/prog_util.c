/* SPDX-License-Identifier: MIT */
/* prog_util.c - the symbolizer's test program (with prog_main.c). */
#include <stdio.h>

#include "inline_helpers.h"
#include "prog.h"

/* Same name as the static function in prog_main.c. */
static int same_name(int x)
{
	sink -= x;
	return x * 2;
}

int util_sum(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += same_name(i) + table[i & 63];
	return s;
}

int util_entry(int n)
{
	return inner_step(n) + same_name(n);
}

void report_cold(const char *what, int v)
{
	fprintf(stderr, "%s: %d\n", what, v);
}
