/* SPDX-License-Identifier: MIT */
/*
 * exec_chain [gen]: calls work() 10 + gen times, then (gen < 2) execs
 * itself with gen + 1. The pid survives exec, so all three images expand
 * VITPROF_FILE's %p alike: each must still keep its own complete profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile long sink;

__attribute__((noinline)) void work(int x)
{
	sink += x;
}

int main(int argc, char **argv)
{
	int gen = argc > 1 ? atoi(argv[1]) : 0, i;
	char next[16];

	for (i = 0; i < 10 + gen; i++)
		work(i);
	if (gen < 2) {
		snprintf(next, sizeof next, "%d", gen + 1);
		execl("/proc/self/exe", argv[0], next, (char *)NULL);
		perror("execl");
		return 99;
	}
	return 0;
}
