/* SPDX-License-Identifier: MIT */
/*
 * ep_prog.c - many distinct call edges on several threads, so that every
 * thread's edge table grows several times (tests/edge_probe).
 *
 *   ep_prog THREADS
 *
 * 100 functions f00..f99; each thread runs worker(), which calls every
 * f_i(1), which calls every f_j(0) through a table: 10,000 edges
 * (f_i's call site, f_j) plus worker's 100, per thread.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NF 100

typedef void fn_t(int);
static fn_t *const *table;
static volatile unsigned long sink;

#define F(n)                                                              \
	static __attribute__((noinline)) void f##n(int d)                     \
	{                                                                     \
		int j;                                                            \
		sink++;                                                           \
		if (d)                                                            \
			for (j = 0; j < NF; j++)                                      \
				table[j](d - 1);                                          \
	}
#define R10(M, p) M(p##0) M(p##1) M(p##2) M(p##3) M(p##4) M(p##5) M(p##6) M(p##7) \
	M(p##8) M(p##9)
#define ALL(M) R10(M, 0) R10(M, 1) R10(M, 2) R10(M, 3) R10(M, 4) R10(M, 5) R10(M, 6) \
	R10(M, 7) R10(M, 8) R10(M, 9)

ALL(F)

#define NAME(n) f##n,
static fn_t *const fns[NF] = {ALL(NAME)};

static void *worker(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < NF; i++)
		table[i](1);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4, i;
	pthread_t t[64];

	table = fns;
	if (n < 1 || n > 64)
		return 2;
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0)
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("%lu\n", sink);
	return 0;
}
