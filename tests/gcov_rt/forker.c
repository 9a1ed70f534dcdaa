/* SPDX-License-Identifier: MIT */
/*
 * forker.c - work_a, fork, the child does work_b and exits, the parent waits
 * and does work_c.   forker direct|helper
 * direct: fork() as written (GCC makes it __gcov_fork); helper: fork from
 * helpers.c, a plain fork() GCC did not see when GCOVRT_PLAIN_FORK is set,
 * else __gcov_fork() (the libgcov reference run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "work.h"

int main(int argc, char **argv)
{
	int helper = argc > 1 && strcmp(argv[1], "helper") == 0;
	long r = work_a(5000);
	pid_t pid;
	int st;

	fflush(stdout);
	pid = helper ? gcovrt_fork() : fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		printf("child %ld\n", work_b(3000));
		exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 3;
	printf("parent %ld %ld\n", r, work_c(4000));
	return 0;
}
