/* SPDX-License-Identifier: MIT */
/*
 * threads.c - e2e sample: call counts summed over threads.
 *   threads W E S L M
 *     W workers, worker i (0-based) calls work() (i + 1) * 1000 times, all
 *       running at once (they start together at a barrier);
 *     E early threads, each calls work() 500 times, then leaves with
 *       pthread_exit() from three instrumented frames down (bail_out ->
 *       bail_deeper -> pthread_exit) while the workers still run;
 *     S short threads, one after the other, each calls work() 10 times
 *       (their shards are reused);
 *     L calls of work() by one late thread created after all others ended;
 *     M calls of work() by main.
 *   Defaults: 6 3 40 777 100.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static long sink;
static pthread_barrier_t start_line;

void work(long i)
{
	__atomic_fetch_add(&sink, i, __ATOMIC_RELAXED);
}

void work_loop(long n)
{
	long i;

	for (i = 0; i < n; i++)
		work(i); /* SITE:loop_work */
}

void *worker_main(void *arg)
{
	long n = (long)arg;

	pthread_barrier_wait(&start_line);
	work_loop(n);
	return NULL;
}

void bail_deeper(void)
{
	pthread_exit(NULL);
}

void bail_out(void)
{
	bail_deeper();
}

void *early_main(void *arg)
{
	pthread_barrier_wait(&start_line);
	work_loop(500);
	bail_out();
	return arg; /* not reached */
}

void *short_main(void *arg)
{
	work_loop(10);
	return arg;
}

void *late_main(void *arg)
{
	work_loop((long)arg);
	return NULL;
}

static void must(int rc, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "threads: %s failed (%d)\n", what, rc);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	long w = argc > 1 ? atol(argv[1]) : 6;
	long e = argc > 2 ? atol(argv[2]) : 3;
	long s = argc > 3 ? atol(argv[3]) : 40;
	long l = argc > 4 ? atol(argv[4]) : 777;
	long m = argc > 5 ? atol(argv[5]) : 100;
	pthread_t *t = calloc((size_t)(w + e + 1), sizeof *t);
	long i;

	if (!t)
		return 2;
	must(pthread_barrier_init(&start_line, NULL, (unsigned)(w + e + 1)), "barrier");
	for (i = 0; i < w; i++)
		must(pthread_create(&t[i], NULL, worker_main, (void *)((i + 1) * 1000)), "create");
	for (i = 0; i < e; i++)
		must(pthread_create(&t[w + i], NULL, early_main, NULL), "create");
	pthread_barrier_wait(&start_line);
	work_loop(m);
	for (i = 0; i < w + e; i++)
		must(pthread_join(t[i], NULL), "join");
	for (i = 0; i < s; i++) {
		must(pthread_create(&t[0], NULL, short_main, NULL), "create");
		must(pthread_join(t[0], NULL), "join");
	}
	must(pthread_create(&t[0], NULL, late_main, (void *)l), "create");
	must(pthread_join(t[0], NULL), "join");
	printf("sink=%ld\n", __atomic_load_n(&sink, __ATOMIC_RELAXED));
	free(t);
	return 0;
}
