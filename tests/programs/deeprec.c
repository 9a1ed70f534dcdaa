/* SPDX-License-Identifier: MIT */
/*
 * deeprec.c - e2e sample: a recursion one million frames deep, run in a
 * thread with a 1 GiB stack.
 *   deeprec [N]   runner() calls deep(N) (default 1000000): N + 1 calls of
 *                 deep(), the innermost calls bottom() once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static volatile long sink;

long bottom(void)
{
	return ++sink;
}

long deep(long n)
{
	if (n == 0)
		return bottom();
	return deep(n - 1) + 1; /* SITE:deep_deep */
}

void *runner(void *arg)
{
	long n = (long)arg;

	sink = deep(n);
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	pthread_attr_init(&attr);
	rc = pthread_attr_setstacksize(&attr, (size_t)1 << 30);
	if (rc == 0)
		rc = pthread_create(&t, &attr, runner, (void *)n);
	if (rc != 0) {
		fprintf(stderr, "deeprec: cannot start the thread (%d)\n", rc);
		return 2;
	}
	pthread_join(t, NULL);
	printf("depth=%ld\n", sink);
	return 0;
}
