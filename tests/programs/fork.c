/* SPDX-License-Identifier: MIT */
/*
 * fork.c - e2e sample: counts before and after fork().
 *   fork P C S1 Q S2
 *     before fork: before_fork() P times (in the parent's profile only);
 *     the child: child_work() C times and shared_fn() S1 times, then exit(0);
 *     the parent: parent_work() Q times and shared_fn() S2 times, then waits.
 *   Defaults: 1000 2000 300 4000 500. Prints "child PID" and "parent PID".
 * fork() is called from do_fork(), two instrumented frames below main.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long sink;

void before_fork(long i)
{
	sink += i;
}

void child_work(long i)
{
	sink += 2 * i;
}

void parent_work(long i)
{
	sink += 3 * i;
}

void shared_fn(long i)
{
	sink -= i;
}

pid_t do_fork(void)
{
	fflush(stdout);
	return fork();
}

pid_t fork_here(void)
{
	return do_fork();
}

int main(int argc, char **argv)
{
	long p = argc > 1 ? atol(argv[1]) : 1000;
	long c = argc > 2 ? atol(argv[2]) : 2000;
	long s1 = argc > 3 ? atol(argv[3]) : 300;
	long q = argc > 4 ? atol(argv[4]) : 4000;
	long s2 = argc > 5 ? atol(argv[5]) : 500;
	long i;
	int status;
	pid_t pid;

	for (i = 0; i < p; i++)
		before_fork(i);
	pid = fork_here();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		for (i = 0; i < c; i++)
			child_work(i);
		for (i = 0; i < s1; i++)
			shared_fn(i);
		printf("child %ld\n", (long)getpid());
		exit(0);
	}
	for (i = 0; i < q; i++)
		parent_work(i);
	for (i = 0; i < s2; i++)
		shared_fn(i);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "fork: child failed\n");
		return 2;
	}
	printf("parent %ld\n", (long)getpid());
	return 0;
}
