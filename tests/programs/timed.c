/* SPDX-License-Identifier: MIT */
/*
 * timed.c - e2e sample for time mode: a deterministic program whose call
 * counts are known, with one function that sleeps a known time.
 *   timed N K
 *     phase() calls sleeper() once: it sleeps 5 x 20 ms (nanosleep, not
 *     instrumented, so it is sleeper's self time; the time it measured
 *     itself is printed as sleep_ns), then phase() calls
 *     compute(K) (default 50000), which calls square() K times and
 *     tri(N) (default 300), a recursion of N + 1 calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile long sink;

static long long sleep_ns;    /* sleeper's own measure of its sleep */

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ll + t.tv_nsec;
}

void sleeper(void)
{
	long long t0 = now_ns();
	int i;

	for (i = 0; i < 5; i++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		while (nanosleep(&ts, &ts) != 0)
			;
	}
	sleep_ns = now_ns() - t0;
}

long square(long x)
{
	return x * x;
}

long tri(long n)
{
	return n == 0 ? 0 : n + tri(n - 1);
}

void compute(long k, long n)
{
	long i;

	for (i = 0; i < k; i++)
		sink += square(i);
	sink += tri(n);
}

void phase(long k, long n)
{
	sleeper();
	compute(k, n);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 300;
	long k = argc > 2 ? atol(argv[2]) : 50000;

	phase(k, n);
	printf("sink=%ld\nsleep_ns=%lld\n", sink, sleep_ns);
	return 0;
}
