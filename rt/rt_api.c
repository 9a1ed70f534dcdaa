/* SPDX-License-Identifier: MIT */
/*
 * rt_api.c - the public API of vitprof.h (vitprof_dump, vitprof_reset,
 * vitprof_set_file, vitprof_get_file), apart from start-up (rt_init.c).
 *
 * Each function starts the runtime if it has not started (rt_init), holds
 * the hooks of the calling thread off (rt_tls.busy) and takes rt_g.lock,
 * so it may be called from any thread at any time, even before main.
 * Returns 0, or -1 with errno set; errno is preserved on success. Never
 * exits or aborts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "rt_internal.h"
#include "vitprof.h"

/* Runs op under the lock with the hooks of this thread held off. */
#define RT_API_BEGIN()                                                    \
	int saved_errno_ = errno, busy_ = rt_tls.busy;                    \
	rt_init();                                                        \
	rt_tls.busy = 1;                                                  \
	pthread_mutex_lock(&rt_g.lock)

#define RT_API_END(rc)                                                    \
	do {                                                              \
		pthread_mutex_unlock(&rt_g.lock);                         \
		rt_tls.busy = busy_;                                      \
		if ((rc) == 0)                                            \
			errno = saved_errno_;                             \
	} while (0)

/* Trace mode: the names of the live threads first (rt_trace_names() takes
 * the lock itself). */
static void dump_thread_names(void)
{
	int busy = rt_tls.busy, saved = errno;

	rt_init();
	if (!(rt_g.timed & RT_TIMED_TRACE))
		return;
	rt_tls.busy = 1;
	rt_trace_names();
	rt_tls.busy = busy;
	errno = saved;
}

int vitprof_dump(void)
{
	int rc;

	dump_thread_names();
	{
		RT_API_BEGIN();
		rt_gcov_flush();
		rt_clock_mark(rt_g.hdr);
		rc = rt_file_sync();
		if (rc != 0 && rt_g.fd < 0)
			errno = ENOENT;
		RT_API_END(rc);
	}
	return rc;
}

int vitprof_reset(void)
{
	RT_API_BEGIN();
	rt_shards_reset();
	rt_gcov_reset();
	rt_g.hdr->lost_calls = 0;
	RT_API_END(0);
	return 0;
}

int vitprof_set_file(const char *path)
{
	char expanded[VPR_PATH_MAX], pool[VPR_PATH_MAX];
	int rc = -1;

	if (!path || !*path || strlen(path) >= sizeof rt_g.pattern) {
		errno = path && *path ? ENAMETOOLONG : EINVAL;
		return -1;
	}
	{
		RT_API_BEGIN();
		if (rt_profile_paths(path, expanded, pool) != 0) {
			errno = ENAMETOOLONG;
		} else if (strcmp(expanded, rt_g.path) == 0 && rt_g.fd >= 0) {
			rc = 0;
		} else {
			rt_gcov_validate();
			if (rt_file_move(expanded, 1) == 0) {
				rt_strlcpy(rt_g.pattern, path, sizeof rt_g.pattern);
				rt_strlcpy(rt_g.pool, pool, sizeof rt_g.pool);
				rc = 0;
			}
		}
		RT_API_END(rc);
	}
	return rc;
}

int vitprof_get_file(char *buf, unsigned long len)
{
	int rc = -1;

	if (!buf || !len) {
		errno = EINVAL;
		return -1;
	}
	{
		RT_API_BEGIN();
		if (rt_g.fd >= 0 && strlen(rt_g.path) < len) {
			rt_strlcpy(buf, rt_g.path, len);
			rc = 0;
		} else {
			errno = rt_g.fd >= 0 ? ERANGE : ENOENT;
		}
		RT_API_END(rc);
	}
	return rc;
}
