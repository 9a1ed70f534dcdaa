/* SPDX-License-Identifier: MIT */
/* returns.c - functions that always longjmp out (like luaD_throw), sometimes
 * do, call exit() on their last call, or return normally: gcov -b's
 * "returned" figure, which gcov_functions[].returns must equal. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf env;

__attribute__((noinline)) static void always_throw(int code)
{
	longjmp(env, code);
}

__attribute__((noinline)) static int sometimes_throw(int i)
{
	if (i % 4 == 2)
		longjmp(env, 2);
	return i * 2;
}

__attribute__((noinline)) static int plain(int i)
{
	return i + 1;
}

__attribute__((noinline)) static void maybe_exit(int i, int n)
{
	if (i == n - 1) {
		fflush(stdout);
		exit(0);
	}
}

int main(int argc, char **argv)
{
	volatile int i, sum = 0;
	int n = argc > 1 ? atoi(argv[1]) : 8;

	for (i = 0; i < n; i++) {
		if (setjmp(env) == 0) {
			sum += plain(i);
			if (i % 2)
				always_throw(1);
			sum += sometimes_throw(i);
		}
	}
	printf("sum %d\n", sum);
	for (i = 0; i < n; i++)
		maybe_exit(i, n);
	return 1;
}
