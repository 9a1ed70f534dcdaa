/* SPDX-License-Identifier: MIT */
/*
 * tsd_threads.c - threads whose TSD destructor (pthread_key_create) runs
 * instrumented code after the runtime's own (issue 12, item 4).
 *   tsd_threads N
 * main creates its key after its first instrumented call (so the runtime's
 * key comes first and its destructor runs first), then starts N threads one
 * after another; each calls body() once and sets its key; the destructor
 * calls in_dtor() once. The truth: N + 1 threads, body N, in_dtor N calls.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_key_t key;
static volatile long sink;

__attribute__((noinline)) void in_dtor(void)
{
	sink += 2;
}

__attribute__((noinline)) void body(void)
{
	sink++;
}

static void dtor(void *p)
{
	(void)p;
	in_dtor();
}

static void *thread_main(void *p)
{
	body();
	pthread_setspecific(key, p);
	return NULL;
}

int main(int argc, char **argv)
{
	int i, n = argc > 1 ? atoi(argv[1]) : 2;

	body();    /* the runtime starts here and creates its key first */
	if (pthread_key_create(&key, dtor) != 0)
		return 1;
	for (i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, thread_main, &key) != 0 ||
		    pthread_join(t, NULL) != 0)
			return 1;
	}
	printf("sink=%ld\n", sink);
	return 0;
}
