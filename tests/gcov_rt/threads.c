/* SPDX-License-Identifier: MIT */
/*
 * threads.c - 4 threads call hammer(i) for i in [0, N): built with
 * -fprofile-update=atomic, every arc count is exact: hammer runs 4N times,
 * its branch is taken 4 * ceil(N / 3) times.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4

static long n_iter;

__attribute__((noinline)) long hammer(long i)
{
	if (i % 3 == 0)
		return 2;
	return 1;
}

static void *run(void *arg)
{
	long i, acc = 0;

	for (i = 0; i < n_iter; i++)
		acc += hammer(i);
	return (void *)acc;
}

int main(int argc, char **argv)
{
	pthread_t t[THREADS];
	long total = 0;
	int k;

	n_iter = argc > 1 ? atol(argv[1]) : 300000;
	for (k = 0; k < THREADS; k++)
		if (pthread_create(&t[k], NULL, run, NULL) != 0)
			return 2;
	for (k = 0; k < THREADS; k++) {
		void *r;
		pthread_join(t[k], &r);
		total += (long)r;
	}
	printf("%ld\n", total);
	return 0;
}
