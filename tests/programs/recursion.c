/* SPDX-License-Identifier: MIT */
/*
 * recursion.c - e2e sample: plain recursion (fib) with two recursive call
 * sites, and mutual recursion (is_even / is_odd).
 *   recursion [N [M]]   fib(N) (default 20), is_even(M) and is_odd(M + 1)
 * The checker computes the call counts independently; the "SITE:" comments
 * mark the lines of the call sites it expects in the edges.
 */
#include <stdio.h>
#include <stdlib.h>

int fib(int n)
{
	int a, b;

	if (n < 2)
		return n;
	a = fib(n - 1); /* SITE:fib_a */
	b = fib(n - 2); /* SITE:fib_b */
	return a + b;
}

int is_odd(int n);

int is_even(int n)
{
	if (n == 0)
		return 1;
	return is_odd(n - 1); /* SITE:even_odd */
}

int is_odd(int n)
{
	if (n == 0)
		return 0;
	return is_even(n - 1); /* SITE:odd_even */
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20;
	int m = argc > 2 ? atoi(argv[2]) : 1001;
	int f, e, o;

	f = fib(n); /* SITE:main_fib */
	e = is_even(m); /* SITE:main_even */
	o = is_odd(m + 1); /* SITE:main_odd */
	printf("fib(%d)=%d is_even(%d)=%d is_odd(%d)=%d\n", n, f, m, e, m + 1, o);
	return 0;
}
