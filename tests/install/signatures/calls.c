/* SPDX-License-Identifier: MIT */
/* Known call counts: fib(N) makes C(N) calls (signatures.sh computes C
 * from the recursion), wave() N; wave calls cos() from libm, so the
 * project's own `m` must stay on the link line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int __attribute__((noinline)) fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static double __attribute__((noinline)) wave(double x)
{
	return cos(x);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10, i;
	double s = 0;

	for (i = 0; i < n; i++)
		s += wave(i);
	printf("%d %.3f\n", fib(n), s);
	return 0;
}
