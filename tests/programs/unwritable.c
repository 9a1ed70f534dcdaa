/* SPDX-License-Identifier: MIT */
/*
 * unwritable.c - e2e sample: a deterministic program whose output and exit
 * status must not change when the runtime cannot write its profile.
 *   unwritable [N]   prints the sums of squares 1..k for k = 1..N (default
 *                    10), "done", and exits with status 3.
 */
#include <stdio.h>
#include <stdlib.h>

long square(long x)
{
	return x * x;
}

long sum_squares(long k)
{
	long i, s = 0;

	for (i = 1; i <= k; i++)
		s += square(i);
	return s;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10;
	long k;

	for (k = 1; k <= n; k++)
		printf("%ld %ld\n", k, sum_squares(k));
	printf("done\n");
	return 3;
}
