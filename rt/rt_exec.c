/* SPDX-License-Identifier: MIT */
/*
 * rt_exec.c - vitprof's settings carried into the children a program
 * starts with an explicit environment.
 *
 * execve, execle, execvpe, fexecve, posix_spawn and posix_spawnp take the
 * child's environment from the caller. A program that builds it from
 * scratch (a test harness, an interpreter's os.execute with a clean
 * environment) drops VITPROF_*, and its instrumented children write their
 * profiles under the default name, where nobody looks. The runtime
 * interposes these six calls: when the given envp lacks a VITPROF_*
 * variable that this process's environment has, the child gets it too;
 * a variable the caller set (even empty) is kept as it is; nothing is
 * added in secure mode (setuid, setgid: AT_SECURE), whose own settings
 * are ignored too. In trace mode the child also gets VITPROF_SESSION (the
 * trace session it joins), which is in no environment: so execv, execvp,
 * execl and execlp, which pass `environ`, are interposed too. (system()
 * and popen() call the C library's spawn internally: their children start
 * sessions of their own.)
 *
 * exec is often called in a fork child, or from a signal handler: nothing
 * here takes a lock, calls malloc or touches the runtime's state. The new
 * envp (pointers to the strings already there) is built on the stack, or,
 * when it has more than ENV_ON_STACK entries, in an anonymous mapping
 * released when the call returns. execve and fexecve are the system calls
 * themselves; execvpe and posix_spawn* call the C library's, found with
 * dlsym(RTLD_NEXT) when the runtime is loaded (a constructor), so not in
 * the child.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt_internal.h"

#define EXEC_API __attribute__((visibility("default"), no_instrument_function))
#define ENV_ON_STACK 256
#define PREFIX "VITPROF_"
#define PREFIX_LEN (sizeof PREFIX - 1)

extern char **environ;

typedef int execvpe_fn(const char *, char *const[], char *const[]);
typedef int spawn_fn(pid_t *, const char *, const posix_spawn_file_actions_t *,
                     const posix_spawnattr_t *, char *const[], char *const[]);

static execvpe_fn *real_execvpe;
static spawn_fn *real_posix_spawn, *real_posix_spawnp;

/* The C library's versions, looked up once, outside any fork child. */
__attribute__((constructor)) static void exec_resolve(void)
{
	real_execvpe = (execvpe_fn *)dlsym(RTLD_NEXT, "execvpe");
	real_posix_spawn = (spawn_fn *)dlsym(RTLD_NEXT, "posix_spawn");
	real_posix_spawnp = (spawn_fn *)dlsym(RTLD_NEXT, "posix_spawnp");
}

/* 1 if envp (NULL: empty) has a variable named as entry "NAME=...". */
static int env_has(char *const envp[], const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t len = eq ? (size_t)(eq - entry) : strlen(entry);
	size_t i;

	for (i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], entry, len) == 0 && envp[i][len] == '=')
			return 1;
	return 0;
}

/* 1 if e is a VITPROF_* setting of ours that envp lacks. */
static int missing_setting(char *const envp[], const char *e)
{
	return strncmp(e, PREFIX, PREFIX_LEN) == 0 && strchr(e, '=') && !env_has(envp, e);
}

/* Trace mode: VITPROF_SESSION=<this process's session> when neither envp
 * nor our environment has a VITPROF_SESSION (the exec'd image joins the
 * session: rt_trace.c), else NULL. */
static char *session_setting(char *const envp[])
{
	if (!rt_session_env[0] || env_has(envp, rt_session_env) ||
	    env_has(environ, rt_session_env))
		return NULL;
	return rt_session_env;
}

/*
 * The environment to give the child: envp itself when it lacks nothing
 * (or in secure mode), else a copy of it followed by our missing VITPROF_*
 * entries, built in buf (cap pointers) or, when too long for it, in a new
 * mapping (*map, *map_len: the caller unmaps it). When no memory can be had
 * the child gets envp as it was. Async-signal-safe.
 */
static char *const *env_with_settings(char *const envp[], char **buf, size_t cap,
                                      void **map, size_t *map_len)
{
	size_t n = 0, add = 0, i;
	char **out = buf;
	char *session;

	*map = NULL;
	if (!environ || getauxval(AT_SECURE))
		return envp;
	session = session_setting(envp);
	add = session != NULL;
	for (i = 0; environ[i]; i++)
		add += missing_setting(envp, environ[i]);
	if (!add)
		return envp;
	while (envp && envp[n])
		n++;
	if (n + add + 1 > cap) {
		*map_len = (n + add + 1) * sizeof *out;
		*map = rt_anon_alloc(*map_len);
		if (!*map)
			return envp;
		out = *map;
	}
	for (i = 0; i < n; i++)
		out[i] = envp[i];
	for (i = 0; environ[i]; i++)
		if (missing_setting(envp, environ[i]))
			out[n++] = environ[i];
	if (session)
		out[n++] = session;
	out[n] = NULL;
	return out;
}

static void release(void *map, size_t len)
{
	int saved = errno;

	if (map)
		munmap(map, len);
	errno = saved;
}

/* Declares the stack buffer and computes env from envp. */
#define ENV_BEGIN(env, envp)                                              \
	char *env_buf_[ENV_ON_STACK];                                     \
	void *env_map_;                                                   \
	size_t env_map_len_ = 0;                                          \
	char *const *env = env_with_settings((envp), env_buf_, ENV_ON_STACK, \
	                                     &env_map_, &env_map_len_)
#define ENV_END() release(env_map_, env_map_len_)

static int sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)syscall(SYS_execve, path, argv, envp);
}

EXEC_API int execve(const char *path, char *const argv[], char *const envp[])
{
	int rc;
	ENV_BEGIN(env, envp);

	rc = sys_execve(path, argv, env);
	ENV_END();
	return rc;
}

/* As the C library's: execveat(fd, "", AT_EMPTY_PATH), or through
 * /proc/self/fd on a kernel without execveat. */
EXEC_API int fexecve(int fd, char *const argv[], char *const envp[])
{
	int rc;

	if (fd < 0) {
		errno = EINVAL;
		return -1;
	}
	{
		ENV_BEGIN(env, envp);
		rc = (int)syscall(SYS_execveat, fd, "", argv, env, AT_EMPTY_PATH);
		if (rc != 0 && errno == ENOSYS) {
			char path[sizeof "/proc/self/fd/" + 24] = "/proc/self/fd/";
			rt_u64_to_dec(path + strlen(path), (uint64_t)fd);
			rc = sys_execve(path, argv, env);
		}
		ENV_END();
	}
	return rc;
}

EXEC_API int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	size_t n, i;

	/* As the C library's: arg and the arguments up to a NULL, then envp. */
	va_start(ap, arg);
	for (n = 1; va_arg(ap, const char *); n++)
		;
	va_end(ap);
	{
		char *argv[n + 1];
		char *const *envp;

		va_start(ap, arg);
		argv[0] = (char *)arg;
		for (i = 1; i < n; i++)
			argv[i] = va_arg(ap, char *);
		(void)va_arg(ap, char *);   /* the NULL */
		argv[n] = NULL;
		envp = va_arg(ap, char *const *);
		va_end(ap);
		return execve(path, argv, envp);
	}
}

EXEC_API int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

EXEC_API int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

/* execl and execlp: arg and the arguments up to a NULL, as the C
 * library's; exec_args() runs the exec with them. */
static int exec_args(int search, const char *file, char *const argv[])
{
	return search ? execvpe(file, argv, environ) : execve(file, argv, environ);
}

EXEC_API int execl(const char *path, const char *arg, ...)
{
	va_list ap;
	size_t n, i;

	va_start(ap, arg);
	for (n = 1; va_arg(ap, const char *); n++)
		;
	va_end(ap);
	{
		char *argv[n + 1];

		va_start(ap, arg);
		argv[0] = (char *)arg;
		for (i = 1; i < n; i++)
			argv[i] = va_arg(ap, char *);
		argv[n] = NULL;
		va_end(ap);
		return exec_args(0, path, argv);
	}
}

EXEC_API int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	size_t n, i;

	va_start(ap, arg);
	for (n = 1; va_arg(ap, const char *); n++)
		;
	va_end(ap);
	{
		char *argv[n + 1];

		va_start(ap, arg);
		argv[0] = (char *)arg;
		for (i = 1; i < n; i++)
			argv[i] = va_arg(ap, char *);
		argv[n] = NULL;
		va_end(ap);
		return exec_args(1, file, argv);
	}
}

EXEC_API int execvpe(const char *file, char *const argv[], char *const envp[])
{
	execvpe_fn *fn = real_execvpe;
	int rc;

	if (!fn)    /* called before the runtime's constructor */
		fn = (execvpe_fn *)dlsym(RTLD_NEXT, "execvpe");
	if (!fn) {
		errno = ENOSYS;
		return -1;
	}
	{
		ENV_BEGIN(env, envp);
		rc = fn(file, argv, env);
		ENV_END();
	}
	return rc;
}

static int spawn(spawn_fn *fn, const char *name, pid_t *pid, const char *path,
                 const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
                 char *const argv[], char *const envp[])
{
	int rc;

	if (!fn)
		fn = (spawn_fn *)dlsym(RTLD_NEXT, name);
	if (!fn)
		return ENOSYS;
	{
		ENV_BEGIN(env, envp);
		rc = fn(pid, path, fa, attr, argv, env);
		ENV_END();
	}
	return rc;
}

EXEC_API int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                         const posix_spawnattr_t *attr, char *const argv[],
                         char *const envp[])
{
	return spawn(real_posix_spawn, "posix_spawn", pid, path, fa, attr, argv, envp);
}

EXEC_API int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                          const posix_spawnattr_t *attr, char *const argv[],
                          char *const envp[])
{
	return spawn(real_posix_spawnp, "posix_spawnp", pid, file, fa, attr, argv, envp);
}
