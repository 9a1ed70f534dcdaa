/* SPDX-License-Identifier: MIT */
/*
 * execchain.c - faults.exec_chain: one process, several images.
 *
 *   execchain GEN OTHER [OTHER_ARGS...]
 *
 * Each generation calls step() 10 + GEN times. GEN < 3: exec of itself
 * (/proc/self/exe) with GEN + 1. GEN == 3: an execv of a path that does not
 * exist (it fails with ENOENT; prints "enoent"), then after_fail() 7 times,
 * then an exec of the instrumented program OTHER with OTHER_ARGS. Built
 * with -fprofile-arcs too, so GCC turns each execv into __gcov_execv.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile long sink;

__attribute__((noinline)) void step(int x)
{
	sink += x;
}

__attribute__((noinline)) void after_fail(int x)
{
	sink -= x;
}

int main(int argc, char **argv)
{
	int gen = argc > 1 ? atoi(argv[1]) : 0, i;
	char next[16], *args[64];

	if (argc < 3 || argc > 60)
		return 2;
	for (i = 0; i < 10 + gen; i++)
		step(i);
	fflush(stdout);
	if (gen < 3) {
		snprintf(next, sizeof next, "%d", gen + 1);
		for (i = 0; i < argc; i++)
			args[i] = argv[i];
		args[1] = next;
		args[argc] = NULL;
		execv("/proc/self/exe", args);
		perror("execv self");
		return 99;
	}
	args[0] = "missing";
	args[1] = NULL;
	if (execv("/nonexistent-vitprof-faults/missing", args) == 0 || errno != ENOENT) {
		perror("execv missing");
		return 98;
	}
	printf("enoent\n");
	fflush(stdout);
	for (i = 0; i < 7; i++)
		after_fail(i);
	execv(argv[2], argv + 2);
	perror("execv other");
	return 97;
}
