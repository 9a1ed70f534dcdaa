/* SPDX-License-Identifier: MIT */
/*
 * sigkill.c - e2e sample: a program killed with SIGKILL mid-run.
 *   sigkill N T
 *     main calls step() N times (default 250000) while a helper thread calls
 *     helper_step() T times (default 30000); once both are done, main prints
 *     "READY" on stdout from wait_forever() and both threads sleep until the
 *     checker kills the process. Every call is made before "READY".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile long sink;
static pthread_barrier_t done;

void step(long i)
{
	sink += i;
}

void helper_step(long i)
{
	sink ^= i;
}

void helper_idle(void)
{
	pthread_barrier_wait(&done);
	for (;;)
		pause();
}

void *helper_main(void *arg)
{
	long t = (long)arg, i;

	for (i = 0; i < t; i++)
		helper_step(i);
	helper_idle();
	return NULL;
}

void wait_forever(void)
{
	pthread_barrier_wait(&done);
	printf("READY\n");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 250000;
	long t = argc > 2 ? atol(argv[2]) : 30000;
	pthread_t th;
	long i;

	pthread_barrier_init(&done, NULL, 2);
	if (pthread_create(&th, NULL, helper_main, (void *)t) != 0)
		return 2;
	for (i = 0; i < n; i++)
		step(i);
	wait_forever();
	return 0;
}
