/* SPDX-License-Identifier: MIT */
/* noreturn.c - calls that never return: longjmp out of nested calls back to
 * setjmp, a call that sometimes exits, exit() ending the program in a
 * callee. Fake arcs, calls and setjmp receivers in gcov's eyes. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf env;
static int depth_hits;

static void deep(int n)
{
	if (n == 0)
		longjmp(env, 7);
	depth_hits++;
	deep(n - 1);
	depth_hits--;           /* never runs */
}

static void maybe_exit(int code, int really)
{
	printf("maybe_exit %d\n", code);
	if (really)
		exit(code);
}

__attribute__((noreturn)) static void finish(int code)
{
	fflush(stdout);
	exit(code);
}

int main(int argc, char **argv)
{
	volatile int tries = 0;
	int r;

	r = setjmp(env);
	if (tries < 3) {
		tries++;
		if (tries == 2)
			longjmp(env, 1);
		deep(tries);
	}
	printf("r %d tries %d hits %d\n", r, tries, depth_hits);
	for (int i = 0; i < 4; i++)
		maybe_exit(i, 0);
	if (argc > 3)
		maybe_exit(3, 1);
	finish(0);
}
