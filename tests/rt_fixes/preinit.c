/* SPDX-License-Identifier: MIT */
/*
 * preinit.c - the first instrumented call runs from .preinit_array, before
 * libc has set environ (the malloc-interposer pattern; issue 12, item 3).
 * pre_init() (instrumented) calls early() once; main() calls work() N times
 * (argv[1], default 10), each sleeping 1 ms so time mode has time to show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile int sink;

__attribute__((noinline)) void early(void)
{
	sink++;
}

__attribute__((noinline)) void work(void)
{
	struct timespec ts = { 0, 1000 * 1000 };

	nanosleep(&ts, NULL);
	sink++;
}

static void pre_init(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	early();
}

__attribute__((section(".preinit_array"), used))
static void (*const preinit_entry)(int, char **, char **) = pre_init;

int main(int argc, char **argv)
{
	int i, n = argc > 1 ? atoi(argv[1]) : 10;

	for (i = 0; i < n; i++)
		work();
	printf("sink=%d\n", sink);
	return 0;
}
