/* SPDX-License-Identifier: MIT */
/*
 * rep_prog.c - sample for `vitprof report` (tests/report/check_report.py):
 * a leaf called from three sites, a helper called in a loop, and a
 * recursive function, with distinct call counts so the order is known.
 *   rep_prog [A [B [R]]]   main calls helper(B) A times, rec(R) once
 * Ground truth: helper A; leaf A*B + 2; rec R + 1 (R of them recursive);
 * main 1. The "SITE:" comments mark the call sites the checker expects.
 */
#include <stdio.h>
#include <stdlib.h>

int leaf(int x)
{
	return x + 1;
}

int helper(int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s += leaf(i); /* SITE:helper_leaf */
	return s;
}

int rec(int n)
{
	if (n == 0)
		return leaf(0); /* SITE:rec_leaf */
	return 1 + rec(n - 1); /* SITE:rec_rec */
}

int main(int argc, char **argv)
{
	int a = argc > 1 ? atoi(argv[1]) : 7;
	int b = argc > 2 ? atoi(argv[2]) : 5;
	int r = argc > 3 ? atoi(argv[3]) : 4;
	long s = 0;
	int i;

	for (i = 0; i < a; i++)
		s += helper(b); /* SITE:main_helper */
	s += leaf(1); /* SITE:main_leaf */
	s += rec(r); /* SITE:main_rec */
	printf("s=%ld\n", s);
	return 0;
}
