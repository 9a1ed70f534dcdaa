/* SPDX-License-Identifier: MIT */
/*
 * mergeprog.c - the sample program of the merge tests (tests/merge.cmake):
 * counts known by construction for N = argv[1] (default 10):
 *   step() called N times from main, on one line;
 *   odd()  called N times from step (the loop in step runs N iterations in
 *          total, one per call: entries N, iterations N);
 *   the branch "i % 3 == 0" in main taken ceil(N / 3) times, not taken
 *   N - ceil(N / 3) times;
 *   rare() called ceil(N / 3) times, from main.
 * Built with -DVARIANT it is another build of the same program (another
 * build-id, another gcov stamp), for the mismatch tests.
 */
#include <stdio.h>
#include <stdlib.h>

static volatile int sink;

static int odd(int x)
{
	return x & 1;
}

static void rare(void)
{
#ifdef VARIANT
	sink += 2;
#endif
	sink++;
}

static void step(int i)
{
	int k;

	for (k = 0; k < 1; k++)
		sink += odd(i + k);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10, i;

	for (i = 0; i < n; i++) {
		step(i);
		if (i % 3 == 0)
			rare();
	}
	printf("%d\n", sink);
	return 0;
}
