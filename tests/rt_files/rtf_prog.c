/* SPDX-License-Identifier: MIT */
/*
 * rtf_prog HOW N M [SLEEP_MS]: calls work() N times, then starts a child
 * that calls work() M times in one of these ways, waits for it, and calls
 * work() N times more (so the parent's profile says 2N, the child's M):
 *   work       no child: work() N times, then sleeps SLEEP_MS
 *   wait       no child: work() N times, then creates DIR/ready.<pid> and
 *              waits (60 s at most) for DIR/go: a live run (M is DIR)
 *   system     system("<self> work M")
 *   forkexec   fork, then execv(<self>, work M) in the child
 *   forkwork   fork, the child calls work() M times and exits (no exec)
 *   spawn      posix_spawn(<self> work M) with an environment of its own
 *   spawnp     posix_spawnp, same
 *   execve     fork, then execve(<self> work M, own environment)
 *   execle     fork, then execle, same
 *   execvpe    fork, then execvpe, same
 *   fexecve    fork, then fexecve, same
 *   spawn_own  as spawn, with VITPROF_FILE=<$RTF_OWN_FILE> in the environment
 * The environment given is PATH, RTF_CHILD=1 and the sanitizers' options
 * when set: no VITPROF_*. Exit status 0, nothing on stdout.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile long sink;
static char self[4096];

__attribute__((noinline)) void work(int x)
{
	sink += x;
}

static void works(long n)
{
	long i;

	for (i = 0; i < n; i++)
		work((int)i);
}

static void wait_child(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "rtf_prog: child failed\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "work";
	long n = argc > 2 ? atol(argv[2]) : 10;
	char *m = argc > 3 ? argv[3] : "3";
	char *child_argv[] = {self, "work", m, NULL};
	char own[4200], *env[8];
	int ne = 0;
	const char *v;
	pid_t pid;

	ssize_t r = readlink("/proc/self/exe", self, sizeof self - 1);
	self[r > 0 ? r : 0] = '\0';
	env[ne++] = "PATH=/usr/bin:/bin";
	env[ne++] = "RTF_CHILD=1";
	if ((v = getenv("ASAN_OPTIONS"))) {
		static char a[4096];
		snprintf(a, sizeof a, "ASAN_OPTIONS=%s", v);
		env[ne++] = a;
	}
	if (strcmp(how, "spawn_own") == 0 && (v = getenv("RTF_OWN_FILE"))) {
		snprintf(own, sizeof own, "VITPROF_FILE=%s", v);
		env[ne++] = own;
	}
	env[ne] = NULL;

	works(n);
	if (strcmp(how, "wait") == 0) {
		char ready[4200], go[4200];
		int i, fd;
		snprintf(ready, sizeof ready, "%s/ready.%d", m, (int)getpid());
		snprintf(go, sizeof go, "%s/go", m);
		fd = open(ready, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			return 2;
		close(fd);
		for (i = 0; i < 6000 && access(go, F_OK) != 0; i++) {
			struct timespec ts = {0, 10000000L};
			nanosleep(&ts, NULL);
		}
		return 0;
	}
	if (strcmp(how, "work") == 0) {
		long ms = argc > 4 ? atol(argv[4]) : 0;
		struct timespec ts = {ms / 1000, ms % 1000 * 1000000L};
		nanosleep(&ts, NULL);
		return 0;
	}
	if (strcmp(how, "system") == 0) {
		char cmd[4200];
		snprintf(cmd, sizeof cmd, "'%s' work %s", self, m);
		if (system(cmd) != 0)
			return 2;
	} else if (strcmp(how, "spawn") == 0 || strcmp(how, "spawn_own") == 0 ||
	           strcmp(how, "spawnp") == 0) {
		int rc = how[5] == 'p' ? posix_spawnp(&pid, self, NULL, NULL, child_argv, env)
		                       : posix_spawn(&pid, self, NULL, NULL, child_argv, env);
		if (rc != 0)
			return 2;
		wait_child(pid);
	} else {
		pid = fork();
		if (pid == 0) {
			if (strcmp(how, "forkwork") == 0) {
				works(atol(m));
				exit(0);
			} else if (strcmp(how, "forkexec") == 0) {
				execv(self, child_argv);
			} else if (strcmp(how, "execve") == 0) {
				execve(self, child_argv, env);
			} else if (strcmp(how, "execle") == 0) {
				execle(self, self, "work", m, (char *)NULL, env);
			} else if (strcmp(how, "execvpe") == 0) {
				execvpe(self, child_argv, env);
			} else if (strcmp(how, "fexecve") == 0) {
				int fd = open(self, O_RDONLY | O_CLOEXEC);
				fexecve(fd, child_argv, env);
			}
			_exit(127);
		}
		wait_child(pid);
	}
	works(n);
	return 0;
}
