/* SPDX-License-Identifier: MIT */
/*
 * ctxprog.c - a known calling-context tree for the context-mode tests
 * (tests/context/check_context.py has the expected folded lines):
 *   main -> a -> b x3, main -> b x2 (+1 after a longjmp), main -> rec
 *   depth 5, main -> jumper -> deep1 -> deep2 (longjmp back to main),
 *   and two threads: worker -> a -> b x3, worker -> b, each.
 * With an argument N: main -> rec depth N only (the thread's table grows
 * while hundreds of frames are open).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>

#define NOINLINE __attribute__((noinline))

static jmp_buf env;
volatile int sink;

NOINLINE void b(void) { sink++; }
NOINLINE void a(void) { b(); b(); b(); }
NOINLINE int rec(int k) { return k ? rec(k - 1) + 1 : 0; }
NOINLINE void deep2(void) { longjmp(env, 1); }
NOINLINE void deep1(void) { deep2(); sink++; }
NOINLINE void jumper(void) { deep1(); sink++; }

NOINLINE void *worker(void *arg)
{
	(void)arg;
	a();
	b();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[2];
	int i;

	if (argc > 1) {
		sink += rec(atoi(argv[1]) - 1);
		return 0;
	}
	a();
	b();
	b();
	sink += rec(4);
	if (setjmp(env) == 0)
		jumper();
	b();    /* main;b, not main;jumper;deep1;deep2;b */
	for (i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0)
			return 1;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return 0;
}
