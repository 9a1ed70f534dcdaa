/* SPDX-License-Identifier: MIT */
/*
 * atfork.c - faults.atfork_handler: a pthread_atfork prepare handler that
 * calls into an instrumented library the program has just dlopen()ed.
 *
 *   atfork PLUGIN.so
 *
 * The handler is registered by a constructor, before the runtime registers
 * its own at the first call; prepare handlers run in reverse order, so it
 * runs while the runtime's prepare handler holds its lock. Its calls are
 * the first into the library (an object the runtime has not recorded yet).
 * The child exits at once (_exit); the parent prints "forked ok".
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int (*plugin_fn)(int);

__attribute__((noinline)) void prepare(void)
{
	if (plugin_fn)
		plugin_fn(1);
}

__attribute__((no_instrument_function, constructor)) static void register_handler(void)
{
	pthread_atfork(prepare, NULL, NULL);
}

int main(int argc, char **argv)
{
	void *h = argc > 1 ? dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) : NULL;
	pid_t p;

	if (!h)
		return 2;
	plugin_fn = (int (*)(int))dlsym(h, "plugin_fn");
	p = fork();
	if (p == 0)
		_exit(0);
	if (p < 0 || waitpid(p, NULL, 0) != p)
		return 3;
	printf("forked ok\n");
	return 0;
}
