/* SPDX-License-Identifier: MIT */
/*
 * om_prog.c - sample program of the online-merging tests
 * (tests/online_merge/check_online_merge.py). One run of
 *   om_prog N [STATUS]
 * calls branchy() N times; branchy(i) calls leaf(i) when i % 3 == 0, else
 * om_lib_step(i) in the shared library libom_lib.so. So a run makes, by
 * construction, N calls main -> branchy, ceil(N / 3) calls branchy -> leaf
 * and N - ceil(N / 3) calls branchy -> om_lib_step, and its arc counters
 * follow the same numbers. It exits with STATUS (default 0), so that a
 * test can see the runtime leave the exit status alone. With a third
 * argument "fork", it forks first and both processes do the same work (the
 * parent waits for the child): two runs, each merged at its exit. With
 * "plugin PATH", it then dlopen()s PATH and calls its om_plugin_run(N).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "om_lib.h"

int leaf(int i)
{
	return i & 1 ? i * 3 : i / 2;
}

int branchy(int i)
{
	if (i % 3 == 0)
		return leaf(i);
	return om_lib_step(i);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100;
	int status = argc > 2 ? atoi(argv[2]) : 0;
	pid_t child = argc > 3 && strcmp(argv[3], "fork") == 0 ? fork() : -1;
	long sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += branchy(i);
	if (argc > 4 && strcmp(argv[3], "plugin") == 0) {
		void *h = dlopen(argv[4], RTLD_NOW);
		int (*run)(int) = h ? (int (*)(int))dlsym(h, "om_plugin_run") : NULL;
		if (!run) {
			fprintf(stderr, "om_prog: %s\n", dlerror());
			return 99;
		}
		sum += run(n);
	}
	if (sum == -1)
		puts("unreachable");
	if (child > 0)
		waitpid(child, NULL, 0);
	return status;
}
