/* SPDX-License-Identifier: MIT */
/*
 * branchy.c - deterministic branchy work for the gcov runtime tests.
 *   branchy [run|die|dumpreset|setfile]
 * run: the work, return from main. die: the work, then gcovrt_die() (dies by
 * SIGKILL when GCOVRT_KILL is set, else exit(0): the same counts either
 * way). dumpreset: some work, __gcov_reset(), more work, __gcov_dump(),
 * _exit(0) (libgcov then writes only the work after the reset). setfile:
 * some work, vitprof_set_file($GCOVRT_NEWFILE) (with vitprof), more work.
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

static unsigned lcg(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

static int classify(unsigned v)
{
	if (v % 15 == 0)
		return 3;
	if (v % 5 == 0)
		return 2;
	if (v % 3 == 0)
		return 1;
	return 0;
}

static long collatz(unsigned long n)
{
	long steps = 0;

	while (n != 1) {
		n = n & 1 ? 3 * n + 1 : n / 2;
		steps++;
	}
	return steps;
}

static int sw(unsigned k)
{
	switch (k & 7) {
	case 0:
		return 1;
	case 1:
	case 2:
		return 2;
	case 5:
		return 5;
	default:
		return (int)k & 3;
	}
}

static long work(int n, unsigned seed)
{
	long acc = 0;
	unsigned s = seed;
	int i;

	for (i = 0; i < n; i++) {
		unsigned v = lcg(&s);
		acc += classify(v);
		if (v & 1)
			acc += collatz(v % 1000 + 1);
		else
			acc -= sw(v);
	}
	return acc;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "run";
	long r = work(20000, 1);

	if (strcmp(mode, "setfile") == 0) {
		gcovrt_set_file();
		r += work(3000, 7);
	}
	if (strcmp(mode, "dumpreset") == 0) {
		gcovrt_reset();
		r += work(3000, 7);
		printf("%ld\n", r);
		gcovrt_dump_exit();
	}
	printf("%ld\n", r);
	if (strcmp(mode, "die") == 0)
		gcovrt_die();
	return 0;
}
