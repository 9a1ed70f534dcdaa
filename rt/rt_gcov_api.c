/* SPDX-License-Identifier: MIT */
/*
 * rt_gcov_api.c - the entry points of gcov code: libgcov's interface that
 * -fprofile-arcs code calls (__gcov_init, __gcov_exit, __gcov_merge_add,
 * the __gcov_fork / __gcov_exec* that GCC substitutes for fork and exec*,
 * __gcov_dump, __gcov_reset) and clang --coverage's llvm_gcov_init. Each
 * starts the runtime (rt_init), holds the hooks of the calling thread off
 * and takes rt_g.lock, then calls the recording in rt_gcov.c or
 * rt_llvm_gcov.c.
 *
 * These run in constructors and destructors, in fork children and before
 * exec: no malloc, no stdio, errno preserved, never exit or abort.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "rt_gcov.h"
#include "rt_internal.h"

#define GCOV_API __attribute__((visibility("default"), no_instrument_function))

/* Holds the hooks of this thread off and takes the lock. */
#define GCOV_BEGIN()                                                      \
	int saved_errno_ = errno, busy_;                                  \
	rt_init();                                                        \
	busy_ = rt_tls.busy;                                              \
	rt_tls.busy = 1;                                                  \
	pthread_mutex_lock(&rt_g.lock)

#define GCOV_END()                                                        \
	do {                                                              \
		pthread_mutex_unlock(&rt_g.lock);                         \
		rt_tls.busy = busy_;                                      \
		errno = saved_errno_;                                     \
	} while (0)

void __gcov_init(struct gcov_info *info) GCOV_API;
void __gcov_exit(void) GCOV_API;
void __gcov_merge_add(int64_t *counters, uint32_t n_counters) GCOV_API;
void __gcov_dump(void) GCOV_API;
void __gcov_reset(void) GCOV_API;
pid_t __gcov_fork(void) GCOV_API;
int __gcov_execl(const char *path, char *arg, ...) GCOV_API;
int __gcov_execlp(const char *path, char *arg, ...) GCOV_API;
int __gcov_execle(const char *path, char *arg, ...) GCOV_API;
int __gcov_execv(const char *path, char *const argv[]) GCOV_API;
int __gcov_execvp(const char *path, char *const argv[]) GCOV_API;
int __gcov_execve(const char *path, char *const argv[], char *const envp[]) GCOV_API;
void llvm_gcov_init(void (*writeout)(void), void (*reset)(void)) GCOV_API;

/* Called by each compilation unit's constructor (priority 100). */
void __gcov_init(struct gcov_info *info)
{
	if (!info)
		return;
	{
		GCOV_BEGIN();
		rt_gcov_init_unit(info);
		GCOV_END();
	}
}

/* Called by each clang --coverage unit's constructor (compiler-rt's
 * GCDAProfiling.c interface; rt_llvm_gcov.c). reset is not needed: the
 * counters are zeroed through the gcov_info built for them. */
void llvm_gcov_init(void (*writeout)(void), void (*reset)(void))
{
	(void)reset;
	if (!writeout)
		return;
	rt_init();
	rt_llvm_gcov_register(writeout);
}

/*
 * Called by each compilation unit's destructor (a tail call, so the caller
 * cannot be told), at exit or dlclose, and harmless any number of times:
 * copies every copy-mode unit into the file. In-place counters need
 * nothing: they are the file. The cost is one copy of the copy-mode
 * counters per unit that exits (nothing when every unit is in place).
 */
void __gcov_exit(void)
{
	GCOV_BEGIN();
	rt_gcov_flush();
	rt_clock_mark(rt_g.hdr);
	GCOV_END();
}

/*
 * libgcov merges a .gcda into the counters with it; this runtime never
 * reads .gcda files (the tool merges offline), so nothing calls it. It
 * exists because the compiler names it in every gcov_info's merge[0].
 */
void __gcov_merge_add(int64_t *counters, uint32_t n_counters)
{
	(void)counters;
	(void)n_counters;
}

/*
 * libgcov: write the .gcda files now. Here: copy the copy-mode counters
 * into the file (in-place ones are always there). Counting goes on, and
 * the file keeps following the live counters (see docs/runtime.md).
 */
void __gcov_dump(void)
{
	GCOV_BEGIN();
	rt_gcov_flush();
	rt_clock_mark(rt_g.hdr);
	GCOV_END();
}

/* Zeroes the arc counters (not the call counts: that is vitprof_reset). */
void __gcov_reset(void)
{
	GCOV_BEGIN();
	rt_gcov_reset();
	GCOV_END();
}

/*
 * fork() as libgcov's __gcov_fork: the child starts from zero counters.
 * The work is done by the runtime's fork handlers, so a plain fork()
 * behaves the same.
 */
pid_t __gcov_fork(void)
{
	rt_init();
	return fork();
}

/* Makes the profile complete before the process image is replaced. */
static void before_exec(void)
{
	GCOV_BEGIN();
	rt_gcov_flush();
	rt_clock_mark(rt_g.hdr);
	GCOV_END();
}

int __gcov_execv(const char *path, char *const argv[])
{
	before_exec();
	return execv(path, argv);
}

int __gcov_execvp(const char *path, char *const argv[])
{
	before_exec();
	return execvp(path, argv);
}

int __gcov_execve(const char *path, char *const argv[], char *const envp[])
{
	before_exec();
	return execve(path, argv, envp);
}

/* Counts the arguments after arg up to the terminating NULL. */
static size_t count_args(char *arg, va_list ap)
{
	size_t n = 0;

	if (!arg)
		return 0;
	for (n = 1; va_arg(ap, char *); n++)
		;
	return n;
}

/* argv on the stack from arg and the variadic list; leaves ap after NULL. */
#define FILL_ARGV(argv, n, arg, ap)                                       \
	do {                                                              \
		size_t i_;                                                \
		(argv)[0] = (arg);                                        \
		for (i_ = 1; i_ < (n); i_++)                              \
			(argv)[i_] = va_arg(ap, char *);                  \
		if (n)                                                    \
			(void)va_arg(ap, char *);                         \
		(argv)[n] = NULL;                                         \
	} while (0)

int __gcov_execl(const char *path, char *arg, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, arg);
	n = count_args(arg, ap);
	va_end(ap);
	{
		char *argv[n + 1];
		va_start(ap, arg);
		FILL_ARGV(argv, n, arg, ap);
		va_end(ap);
		before_exec();
		return execv(path, argv);
	}
}

int __gcov_execlp(const char *path, char *arg, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, arg);
	n = count_args(arg, ap);
	va_end(ap);
	{
		char *argv[n + 1];
		va_start(ap, arg);
		FILL_ARGV(argv, n, arg, ap);
		va_end(ap);
		before_exec();
		return execvp(path, argv);
	}
}

int __gcov_execle(const char *path, char *arg, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, arg);
	n = count_args(arg, ap);
	va_end(ap);
	{
		char *argv[n + 1];
		char *const *envp;
		va_start(ap, arg);
		FILL_ARGV(argv, n, arg, ap);
		envp = va_arg(ap, char *const *);
		va_end(ap);
		before_exec();
		return execve(path, argv, envp);
	}
}
