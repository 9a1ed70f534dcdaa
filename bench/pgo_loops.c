/* SPDX-License-Identifier: MIT */
/*
 * pgo_loops.c - a workload where GCC's profile feedback pays (bench/pgo.py):
 * a hot loop that tests a loop-invariant mode on every element. Plain -O2
 * keeps the test inside the loop and does not vectorize it; -fprofile-use
 * turns on loop unswitching, the dynamic vectorizer cost model, unrolling
 * and peeling for the loops the profile says are hot, and the hot mode's
 * loop becomes a vector loop. The mode is 0 for 7 calls in 8.
 *
 *   pgo_loops [SCALE]   prints a checksum (the same for every build)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 1000

static int32_t a[N + 7], b[N + 7];

static __attribute__((noinline)) void step(int32_t *dst, const int32_t *src, int n, int mode,
                                           int k)
{
	for (int i = 0; i < n; i++) {
		if (mode == 0)
			dst[i] += src[i] * k;
		else if (mode == 1)
			dst[i] -= src[i] >> 1;
		else
			dst[i] = dst[i] > src[i] ? dst[i] : src[i];
	}
}

int main(int argc, char **argv)
{
	unsigned scale = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
	int64_t sum = 0;

	for (int i = 0; i < N + 7; i++) {
		a[i] = i * 7 % 13;
		b[i] = i * 5 % 11;
	}
	for (unsigned r = 0; r < scale; r++) {
		int n = N - (int)(r % 7);

		step(a, b, n, r % 16 == 0 ? 1 : r % 16 == 1 ? 2 : 0, (int)(r & 3) + 1);
		step(b, a + 1, n, 0, 1);
	}
	for (int i = 0; i < N; i++)
		sum += a[i] ^ b[i];
	printf("%lld\n", (long long)sum);
	return 0;
}
