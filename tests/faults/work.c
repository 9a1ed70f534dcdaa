/* SPDX-License-Identifier: MIT */
/*
 * work.c - faults: a deterministic multi-threaded program whose output and
 * exit status must not depend on whether the runtime can record.
 *
 *   [FAULTS_EMFILE_AT_START=1] work THREADS ROUNDS [-e mid] [-f N,C] [-w 1]
 *
 * THREADS workers meet at a barrier (so they really run together), then
 * each calls sweep(), which calls every fn_k (fns.h: 640 functions, one
 * call site, so each thread's table grows), ROUNDS times. main prints
 * "sum S" (S known in closed form, checked here) and exits with status 3.
 *
 * FAULTS_EMFILE_AT_START=1: a constructor (not instrumented) opens
 *           /dev/null until open() fails with EMFILE, before the first
 *           instrumented call: the runtime starts with no descriptor left.
 * -e mid:   the same, after the workers are done (the runtime's file is
 *           already open), before the forks of -f.
 * -f N,C:   then forks N children, C at a time; child i calls child_main(i),
 *           which calls leaf() i + 1 times, and exits with exit(0).
 *           The parent reaps them (prints "child I PID" for each, in
 *           order) and calls tail() once.
 * -w 1:     fork while the workers run (before joining them), not after.
 * The descriptors are released before the final line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fns.h"

#define NI __attribute__((no_instrument_function))
#define MAX_THREADS 256
#define MAX_CHILDREN 1000

static pthread_barrier_t start;
static long rounds;
static volatile long sink;
static int fds[65536], n_fds, emfile_errno;

/* Opens /dev/null until the process has no descriptor left. */
NI static void exhaust_fds(void)
{
	int fd;

	while (n_fds < (int)(sizeof fds / sizeof fds[0]) &&
	       (fd = open("/dev/null", O_RDONLY)) >= 0)
		fds[n_fds++] = fd;
	emfile_errno = errno;
}

NI static void release_fds(void)
{
	while (n_fds > 0)
		close(fds[--n_fds]);
}

NI __attribute__((constructor)) static void early(void)
{
	const char *e = getenv("FAULTS_EMFILE_AT_START");

	if (e && *e == '1')
		exhaust_fds();
}

__attribute__((noinline)) long sweep(long x)
{
	long s = 0;
	int k;

	for (k = 0; k < FAULTS_NF; k++)
		s += faults_fns[k](x);
	return s;
}

__attribute__((noinline)) void *worker(void *arg)
{
	long t = (long)arg, r, s = 0;

	pthread_barrier_wait(&start);
	for (r = 0; r < rounds; r++)
		s += sweep(t);
	return (void *)s;
}

__attribute__((noinline)) void leaf(void)
{
	sink++;
}

__attribute__((noinline)) void child_main(long i)
{
	long k;

	for (k = 0; k <= i; k++)
		leaf();
}

__attribute__((noinline)) void tail(void)
{
	sink--;
}

/* Forks n children, c at a time; returns 0 when all exited with 0. */
static int fork_children(int n, int c, pid_t *pids)
{
	int i, next = 0, running = 0, bad = 0, st;

	fflush(stdout);
	while (next < n || running > 0) {
		while (next < n && running < c) {
			pid_t p = fork();
			if (p < 0)
				return -1;
			if (p == 0) {
				child_main(next);
				exit(0);
			}
			pids[next++] = p;
			running++;
		}
		pid_t w = wait(&st);
		if (w < 0)
			return -1;
		running--;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	}
	for (i = 0; i < n; i++)
		printf("child %d %d\n", i, (int)pids[i]);
	return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	long n_threads = argc > 2 ? atol(argv[1]) : 4, t, total = 0, want = 0;
	int i, n_children = 0, conc = 1, mid = 0, rc = 3, while_working = 0;
	static pid_t pids[MAX_CHILDREN];
	pthread_t th[MAX_THREADS];

	rounds = argc > 2 ? atol(argv[2]) : 10;
	for (i = 3; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-e") == 0 && strcmp(argv[i + 1], "mid") == 0)
			mid = 1;
		else if (strcmp(argv[i], "-f") == 0)
			sscanf(argv[i + 1], "%d,%d", &n_children, &conc);
		else if (strcmp(argv[i], "-w") == 0)
			while_working = atoi(argv[i + 1]);
	}
	if (n_threads < 1 || n_threads > MAX_THREADS || n_children > MAX_CHILDREN ||
	    conc < 1)
		return 2;
	pthread_barrier_init(&start, NULL, (unsigned)n_threads);
	for (t = 0; t < n_threads; t++)
		if (pthread_create(&th[t], NULL, worker, (void *)t) != 0)
			return 2;
	if (while_working && n_children && fork_children(n_children, conc, pids) != 0) {
		printf("a child failed\n");
		rc = 4;
	}
	for (t = 0; t < n_threads; t++) {
		void *s;
		pthread_join(th[t], &s);
		total += (long)s;
		want += rounds * FAULTS_SWEEP_SUM(t);
	}
	if (mid)
		exhaust_fds();
	if (!while_working && n_children && fork_children(n_children, conc, pids) != 0) {
		printf("a child failed\n");
		rc = 4;
	}
	tail();
	if (n_fds && emfile_errno != EMFILE)
		printf("descriptors ran out with %s, not EMFILE\n", strerror(emfile_errno));
	release_fds();
	printf("sum %ld %s\n", total, total == want ? "ok" : "WRONG");
	return rc;
}
