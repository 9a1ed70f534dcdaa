/* SPDX-License-Identifier: MIT */
/* prog_main.c - the symbolizer's test program (with prog_util.c). */
#include <stdio.h>
#include <stdlib.h>

#include "inline_helpers.h"
#include "prog.h"

volatile int sink;
int table[64];

static int same_name(int x)
{
	sink += x;
	return x + 1;
}

__attribute__((noinline)) int uses_inlines(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += outer_step(i);
	return s;
}

__attribute__((noinline)) int split_work(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++) {
		if (table[i & 63] < 0) {
			report_cold("negative entry", i);
			fprintf(stderr, "entry %d is %d\n", i, table[i & 63]);
			report_cold("giving up at", s);
			exit(3);
		}
		s += table[i & 63] * i;
	}
	return s;
}

__attribute__((noinline)) static int recurse(int depth)
{
	if (depth <= 0)
		return same_name(depth);
	return recurse(depth - 1) + 1;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;
	int total;

	if (n < 0) {
		report_cold("bad count", n);
		fprintf(stderr, "usage: %s [count]\n", argv[0]);
		return 2;
	}
	total = uses_inlines(n) + split_work(n) + util_sum(n);
	total += recurse(n % 5) + util_entry(n);
	printf("%d\n", total + same_name(n));
	return 0;
}
