/* SPDX-License-Identifier: MIT */
/*
 * execer.c - execer first: work_a, then execs itself as `execer second`,
 * which does work_b. execl is what GCC turns into __gcov_execl.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "work.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "second") == 0) {
		printf("second %ld\n", work_b(3000));
		return 0;
	}
	printf("first %ld\n", work_a(5000));
	fflush(stdout);
	execl("/proc/self/exe", argv[0], "second", (char *)NULL);
	perror("execl");
	return 1;
}
