/* SPDX-License-Identifier: MIT */
/*
 * cgtree.c - sample program of the callgraph tests (check_callgraph.py): a
 * hot path with known counts, cold functions to prune, recursion.
 *   cgtree [N]   N (default 2000) iterations of the hot loop
 * Counts by construction, N iterations:
 *   main -> work 1;  work -> hot N (SITE:work_hot);  hot -> leaf 2N (two
 *   sites, N each: SITE:hot_leaf_a, SITE:hot_leaf_b);  main -> fib 1, fib(10)
 *   makes 176 more calls of fib (88 per site);  main -> cold_0..cold_3 once
 *   each, cold_k -> cold_leaf once (cold_leaf 4 calls).
 */
#include <stdio.h>
#include <stdlib.h>

static volatile long sink;

long leaf(long x)
{
	return x * 2 + 1;
}

long hot(long i)
{
	long a = leaf(i); /* SITE:hot_leaf_a */
	long b = leaf(a); /* SITE:hot_leaf_b */
	return a + b;
}

long work(long n)
{
	long i, s = 0;

	for (i = 0; i < n; i++)
		s += hot(i); /* SITE:work_hot */
	return s;
}

int fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

void cold_leaf(int k)
{
	sink += k;
}

void cold_0(void) { cold_leaf(0); }
void cold_1(void) { cold_leaf(1); }
void cold_2(void) { cold_leaf(2); }
void cold_3(void) { cold_leaf(3); }

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000;

	sink += work(n);
	sink += fib(10);
	cold_0();
	cold_1();
	cold_2();
	cold_3();
	printf("sink=%ld\n", (long)sink);
	return 0;
}
