/* SPDX-License-Identifier: MIT */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "helpers.h"

void __gcov_reset(void);
void __gcov_dump(void);
pid_t __gcov_fork(void);

void gcovrt_die(void)
{
	fflush(stdout);
	if (getenv("GCOVRT_KILL"))
		kill(getpid(), SIGKILL);
	exit(0);
}

void gcovrt_reset(void)
{
	__gcov_reset();
}

void gcovrt_dump_exit(void)
{
	fflush(stdout);
	__gcov_dump();
	_exit(0);
}

pid_t gcovrt_fork(void)
{
	return getenv("GCOVRT_PLAIN_FORK") ? fork() : __gcov_fork();
}

int vitprof_set_file(const char *path) __attribute__((weak));

void gcovrt_set_file(void)
{
	const char *path = getenv("GCOVRT_NEWFILE");

	if (path && vitprof_set_file && vitprof_set_file(path) != 0)
		_exit(5);
}
