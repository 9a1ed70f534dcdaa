/* SPDX-License-Identifier: MIT */
/*
 * libs_main.c - uses two instrumented shared libraries (liba, libb).
 *   libs_main plain      the work, exit
 *   libs_main dl LIBDL   also dlopen()s LIBDL, calls dl_work, dlclose()s it,
 *                        then forks a child that calls a_work (the fork must
 *                        not touch the unloaded library's counters)
 *   libs_main dl2 LIBDL  loads, uses and unloads LIBDL twice
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

long a_work(int n);
long b_work(int n);

static long main_work(int n)
{
	long acc = 0;
	int i;

	for (i = 0; i < n; i++)
		acc += i & 4 ? a_work(3) : b_work(2);
	return acc;
}

/* dlopen()s path, calls dl_work(n), dlclose()s it. -1 on failure. */
static long use_library(const char *path, int n)
{
	void *h = dlopen(path, RTLD_NOW);
	long (*dl_work)(int), r;

	if (!h) {
		fprintf(stderr, "%s\n", dlerror());
		return -1;
	}
	dl_work = (long (*)(int))dlsym(h, "dl_work");
	if (!dl_work)
		return -1;
	r = dl_work(n);
	dlclose(h);
	return r;
}

int main(int argc, char **argv)
{
	long r = main_work(2000) + a_work(1000) + b_work(700);

	if (argc > 2 && strcmp(argv[1], "dl2") == 0) {
		long x = use_library(argv[2], 900), y = use_library(argv[2], 400);
		if (x < 0 || y < 0)
			return 2;
		r += x + y;
	}
	if (argc > 2 && strcmp(argv[1], "dl") == 0) {
		long x = use_library(argv[2], 900);
		pid_t pid;
		int st;

		if (x < 0)
			return 2;
		r += x;
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			printf("child %ld\n", a_work(50));
			exit(0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			return 3;
	}
	printf("%ld\n", r);
	return 0;
}
