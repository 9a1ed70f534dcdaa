/* SPDX-License-Identifier: MIT */
/* fork_prog IMAGE: main calls forker(), which forks; the child calls
 * child_work() (leaf() twice) and execs IMAGE (no arguments); the parent
 * waits for it and calls leaf() once. Exit status: the child's. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

volatile int sink;

__attribute__((noinline)) static void leaf(void) { sink++; }
__attribute__((noinline)) static void child_work(void) { leaf(); leaf(); }

__attribute__((noinline)) static int forker(char *image)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0) {
		char *argv[] = { image, NULL };

		child_work();
		execv(image, argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid)
		return 1;
	leaf();
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
	return argc > 1 ? forker(argv[1]) : 2;
}
