/* SPDX-License-Identifier: MIT */
/*
 * progress.c - faults.sigkill_random: a program that keeps its own count of
 * the instrumented calls it makes, so that a profile left by SIGKILL at any
 * moment can be checked against the truth.
 *
 *   FAULTS_PROGRESS=<file> progress ROUNDS
 *
 * <file> (created and sized by the checker, at least PROGRESS_WORDS words,
 * zeroed) is mapped MAP_SHARED; every word is written by code that is not
 * instrumented, and each function's word is incremented BEFORE the call
 * (the enter hook counts after it), so at any instant, per function,
 * counted <= progress, and per thread at most one call is in flight
 * (progress incremented, hook not yet done). Words:
 *   [0] phase: 0 not started, 1 constructor ran (startup), 2 main working,
 *       3 exit() called: the atexit handler is working, 4 the program's
 *       destructor ran (the runtime's rt_fini runs after it)
 *   [1] main, [2] sweep, [3] ticker, [4] tick, [5 + k] fn_k (k < 640)
 * The main thread calls sweep() ROUNDS times, each calling every fn_k from
 * one site (the edge table grows while it runs); a second thread calls
 * tick() until main is done. Prints "done", returns 0, and an atexit
 * handler calls sweep() ROUNDS / 3 times more: exit takes a while too.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fns.h"

#define NI __attribute__((no_instrument_function))
#define W_PHASE 0
#define W_MAIN 1
#define W_SWEEP 2
#define W_TICKER 3
#define W_TICK 4
#define W_FN 5
#define PROGRESS_WORDS (W_FN + FAULTS_NF)

static volatile uint64_t *progress;
static volatile uint64_t scratch[PROGRESS_WORDS];
static volatile int stop;
static volatile long sink;

NI __attribute__((constructor)) static void progress_map(void)
{
	const char *path = getenv("FAULTS_PROGRESS");
	int fd = path ? open(path, O_RDWR) : -1;
	void *p = MAP_FAILED;

	if (fd >= 0) {
		p = mmap(NULL, PROGRESS_WORDS * sizeof(uint64_t), PROT_READ | PROT_WRITE,
		         MAP_SHARED, fd, 0);
		close(fd);
	}
	progress = p != MAP_FAILED ? p : scratch;
	progress[W_PHASE] = 1;
	progress[W_MAIN] = 1;   /* main's hook runs after this */
}

NI __attribute__((destructor)) static void progress_done(void)
{
	progress[W_PHASE] = 4;
}

/* Not instrumented: the bookkeeping must not make calls of its own. */
NI static inline void before(int w)
{
	progress[w]++;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

__attribute__((noinline)) void tick(void)
{
	sink++;
}

__attribute__((noinline)) void *ticker(void *arg)
{
	(void)arg;
	while (!stop) {
		before(W_TICK);
		tick();
	}
	return NULL;
}

__attribute__((noinline)) long sweep(long r)
{
	long s = 0;
	int k;

	for (k = 0; k < FAULTS_NF; k++) {
		before(W_FN + k);
		s += faults_fns[k](r);
	}
	return s;
}

static long rounds;

/* Called by exit(), not instrumented: libc makes the call. */
NI static void at_exit_work(void)
{
	long r;

	progress[W_PHASE] = 3;
	for (r = 0; r < rounds / 3; r++) {
		before(W_SWEEP);
		sink += sweep(r);
	}
}

int main(int argc, char **argv)
{
	long r, s = 0;
	pthread_t th;

	rounds = argc > 1 ? atol(argv[1]) : 100;
	progress[W_PHASE] = 2;
	atexit(at_exit_work);
	before(W_TICKER);
	if (pthread_create(&th, NULL, ticker, NULL) != 0) {
		progress[W_TICKER]--;
		return 2;
	}
	for (r = 0; r < rounds; r++) {
		before(W_SWEEP);
		s += sweep(r);
	}
	stop = 1;
	pthread_join(th, NULL);
	printf("done %ld\n", s);
	return 0;
}
