/* SPDX-License-Identifier: MIT */
/*
 * sec_prog.c - the program the security tests attack (tests/security/):
 * deterministic output and exit status, so that any change the runtime
 * makes to the program's behaviour shows.
 *   sec_prog N [auxv] [fork]
 * prints the sums of squares 1..k for k = 1..N, with `auxv` one line
 * "at_secure=A euid=U egid=G" (getauxval(AT_SECURE): 1 in a setuid or
 * setgid program), with `fork` runs sum_squares(N) in a child too (which
 * gets its own profile), then "done", and exits with status 3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The sanitizer build (VITPROF_SANITIZE): LeakSanitizer cannot stop a
 * setuid (non-dumpable) process and dies at exit, and such a process cannot
 * read its own /proc/self/environ, where ASAN_OPTIONS would be found. Leak
 * checking is off by default in this program; elsewhere it is unused.
 */
__attribute__((no_instrument_function, used)) const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

long square(long x)
{
	return x * x;
}

long sum_squares(long k)
{
	long i, s = 0;

	for (i = 1; i <= k; i++)
		s += square(i);
	return s;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10;
	long k;
	int i;

	for (k = 1; k <= n; k++)
		printf("%ld %ld\n", k, sum_squares(k));
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "auxv") == 0) {
			printf("at_secure=%lu euid=%d egid=%d\n", getauxval(AT_SECURE),
			       (int)geteuid(), (int)getegid());
		} else if (strcmp(argv[i], "fork") == 0) {
			pid_t pid;
			int st = 0;
			fflush(stdout);
			pid = fork();
			if (pid == 0)
				_exit(sum_squares(n) > 0 ? 0 : 1);
			if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
				printf("fork failed\n");
		}
	}
	printf("done\n");
	return 3;
}
