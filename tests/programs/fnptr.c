/* SPDX-License-Identifier: MIT */
/*
 * fnptr.c - e2e sample: three functions called through a table of function
 * pointers from one dispatching call site, plus direct calls.
 *   fnptr [T [D]]   T dispatches (default 6000), D direct calls of op_add
 * Dispatch i calls table[pick(i)], pick(i) = {0, 1,1, 2,2,2}[(i * 7) % 6],
 * so T = 6000 gives 1000, 2000 and 3000 calls.
 */
#include <stdio.h>
#include <stdlib.h>

typedef long (*op_fn)(long);

long op_add(long x)
{
	return x + 1;
}

long op_mul(long x)
{
	return x * 3;
}

long op_neg(long x)
{
	return -x - 7;
}

static op_fn table[3] = { op_add, op_mul, op_neg };
static const int pick_of[6] = { 0, 1, 1, 2, 2, 2 };

long dispatch(int which, long x)
{
	return table[which](x); /* SITE:dispatch */
}

int main(int argc, char **argv)
{
	long t = argc > 1 ? atol(argv[1]) : 6000;
	long d = argc > 2 ? atol(argv[2]) : 77;
	long i, acc = 0;

	for (i = 0; i < t; i++)
		acc += dispatch(pick_of[(i * 7) % 6], i); /* SITE:main_dispatch */
	for (i = 0; i < d; i++)
		acc += op_add(i); /* SITE:main_add */
	printf("acc=%ld\n", acc);
	return 0;
}
