/* SPDX-License-Identifier: MIT */
/*
 * rt_init.c - start-up, exit, fork, the public API (vitprof.h) and the one
 * line the runtime may print.
 *
 * The runtime starts at the first instrumented call of any thread (which
 * may come before main, from another constructor) and reads its
 * configuration then: VITPROF_FILE, VITPROF_MODE, VITPROF_VERBOSE, through
 * secure_getenv(), so a setuid program ignores them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt_internal.h"
#include "vitprof.h"

#define DEFAULT_PATTERN "%e.%p.vitraw"

struct rt_global rt_g = {
	.fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static pthread_once_t init_once_ctl = PTHREAD_ONCE_INIT;
static struct vpr_file_header fallback_hdr;

/* Writes s[0, n) to stderr, as far as it goes. */
void rt_write_stderr(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(2, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Prints "vitprof: a b\n" when VITPROF_VERBOSE is set. */
void rt_log(const char *a, const char *b)
{
	char line[VPR_PATH_MAX + 128];
	size_t n;

	if (!rt_g.verbose)
		return;
	n = rt_strlcpy(line, "vitprof: ", sizeof line);
	n += rt_strlcpy(line + n, a, sizeof line - n);
	if (b && n + 2 < sizeof line) {
		line[n++] = ' ';
		n += rt_strlcpy(line + n, b, sizeof line - n);
	}
	if (n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	rt_write_stderr(line, n);
}

/*
 * The runtime's only unsolicited output: the first time it cannot record,
 * one line naming the file and the reason. Later losses are only counted.
 */
void rt_report_once(const char *what, const char *path, int err)
{
	char line[VPR_PATH_MAX + 256];
	const char *reason = strerrordesc_np(err);
	size_t n;

	if (__atomic_exchange_n(&rt_g.reported, 1, __ATOMIC_ACQ_REL))
		return;
	n = rt_strlcpy(line, "vitprof: ", sizeof line);
	n += rt_strlcpy(line + n, what, sizeof line - n);
	n += rt_strlcpy(line + n, " '", sizeof line - n);
	n += rt_strlcpy(line + n, path, sizeof line - n);
	n += rt_strlcpy(line + n, "': ", sizeof line - n);
	n += rt_strlcpy(line + n, reason ? reason : "error", sizeof line - n);
	n += rt_strlcpy(line + n, "; calls not in the file are lost (counted)\n",
	                sizeof line - n);
	if (n > sizeof line - 1) {
		n = sizeof line - 1;
		line[n - 1] = '\n';
	}
	rt_write_stderr(line, n);
}

static void header_init(struct vpr_file_header *h)
{
	ssize_t r;

	memcpy(h->magic, VPR_MAGIC, sizeof h->magic);
	h->version = VPR_VERSION;
	h->byte_order = VPR_BYTE_ORDER;
	h->header_size = sizeof *h;
	h->page_size = rt_g.page_size;
	h->first_section = rt_g.page_size;
	h->end = rt_g.page_size;
	h->state = VPR_STATE_RUNNING;
	h->mode = rt_g.mode;
	h->pid = getpid();
	h->ppid = getppid();
	if (gethostname(h->host, sizeof h->host) != 0)
		h->host[0] = '\0';
	h->host[sizeof h->host - 1] = '\0';
	r = readlink("/proc/self/exe", h->exe_path, sizeof h->exe_path - 1);
	h->exe_path[r > 0 ? r : 0] = '\0';
	rt_clock_init(h, (rt_g.timed & RT_TIMED_CLOCK) != 0);
}

/* fork: keep the lock consistent, then give the child its own file. */
static void atfork_prepare(void)
{
	pthread_mutex_lock(&rt_g.lock);
	rt_gcov_validate();      /* no alias of an unloaded library may move */
}

static void atfork_parent(void)
{
	pthread_mutex_unlock(&rt_g.lock);
}

static void atfork_child(void)
{
	char path[VPR_PATH_MAX];
	int busy = rt_tls.busy, saved = errno;
	struct vpr_file_header *h;

	rt_tls.busy = 1;
	pthread_mutex_init(&rt_g.lock, NULL);
	/* With %m: <pool>.<child pid>, merged at the child's exit. */
	if (rt_profile_paths(rt_g.pattern, path, rt_g.pool) != 0)
		path[0] = '\0';
	/* Same name as the parent's (no %p in VITPROF_FILE): never reuse it. */
	if (strcmp(path, rt_g.path) == 0 || !path[0]) {
		size_t n = strlen(path);
		char pid[24];
		rt_u64_to_dec(pid, (uint64_t)getpid());
		if (n + 1 + strlen(pid) < sizeof path) {
			path[n] = '.';
			strcpy(path + n + 1, pid);
		}
	}
	rt_file_move(path, 0);
	rt_gcov_after_fork_child();
	h = rt_g.hdr;
	h->pid = getpid();
	h->ppid = getppid();
	h->flags |= VPR_FLAG_FORK_CHILD;
	h->state = VPR_STATE_RUNNING;
	rt_clock_init(h, 0);
	rt_shards_after_fork(rt_tls.shard);
	rt_tls.busy = busy;
	errno = saved;
}

static void init_once(void)
{
	const char *mode = secure_getenv("VITPROF_MODE");
	const char *file = secure_getenv("VITPROF_FILE");
	const char *verbose = secure_getenv("VITPROF_VERBOSE");
	char path[VPR_PATH_MAX];
	long ps = sysconf(_SC_PAGESIZE);

	rt_g.page_size = ps >= 4096 ? (uint32_t)ps : 4096u;
	rt_g.verbose = verbose && *verbose && strcmp(verbose, "0") != 0;
	rt_g.mode = VPR_MODE_COUNT;
	rt_g.entry_size = sizeof(struct vpr_edge_count);
	rt_g.timed = 0;
	if (mode && strcmp(mode, "time") == 0) {
		rt_g.mode = VPR_MODE_TIME;
		rt_g.entry_size = sizeof(struct vpr_edge_time);
		rt_g.timed = RT_TIMED_STACK | RT_TIMED_CLOCK;
	} else if (mode && strcmp(mode, "context") == 0) {
		rt_g.mode = VPR_MODE_CONTEXT;
		rt_g.entry_size = sizeof(struct vpr_ctx_node);
		rt_g.timed = RT_TIMED_STACK | RT_TIMED_CONTEXT;
	} else if (mode && (strcmp(mode, "context,time") == 0 ||
	                    strcmp(mode, "time,context") == 0)) {
		rt_g.mode = VPR_MODE_CONTEXT_TIME;
		rt_g.entry_size = sizeof(struct vpr_ctx_node);
		rt_g.timed = RT_TIMED_STACK | RT_TIMED_CLOCK | RT_TIMED_CONTEXT;
	} else if (mode && *mode && strcmp(mode, "count") != 0) {
		rt_log("unknown VITPROF_MODE, counting calls:", mode);
	}
	if (!file || !*file || strlen(file) >= sizeof rt_g.pattern)
		file = DEFAULT_PATTERN;
	rt_strlcpy(rt_g.pattern, file, sizeof rt_g.pattern);

	pthread_mutex_lock(&rt_g.lock);
	if (rt_profile_paths(rt_g.pattern, path, rt_g.pool) == 0) {
		rt_file_open(path);
	} else {
		rt_g.hdr = rt_anon_alloc(rt_g.page_size);
		rt_report_once("profile path too long", rt_g.pattern, ENAMETOOLONG);
	}
	if (!rt_g.hdr)
		rt_g.hdr = &fallback_hdr;
	header_init(rt_g.hdr);
	pthread_mutex_unlock(&rt_g.lock);
	rt_log("writing", rt_g.fd >= 0 ? rt_g.path : "nothing (no file)");

	rt_modules_init();
	rt_shards_key_create();
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	__atomic_store_n(&rt_g.ready, 1, __ATOMIC_RELEASE);
}

/* Starts the runtime once; safe from any thread, preserves errno. */
void rt_init(void)
{
	int saved = errno;

	pthread_once(&init_once_ctl, init_once);
	errno = saved;
}

/*
 * At exit: close the exiting thread's open frames and mark the file done;
 * with %m, add it into the pool (rt_merge.c).
 */
__attribute__((destructor)) static void rt_fini(void)
{
	int saved = errno, busy = rt_tls.busy;

	if (!__atomic_load_n(&rt_g.ready, __ATOMIC_ACQUIRE))
		return;
	rt_tls.busy = 1;
	if (rt_tls.shard && rt_tls.shard->stack)
		rt_shard_close_frames(rt_tls.shard, rt_frame_clock());
	pthread_mutex_lock(&rt_g.lock);
	rt_gcov_flush();
	rt_clock_mark(rt_g.hdr);
	rt_g.hdr->state = VPR_STATE_EXITED;
	rt_log("profile complete:", rt_g.fd >= 0 ? rt_g.path : "(no file)");
	if (rt_g.pool[0])
		rt_merge_into_pool();
	pthread_mutex_unlock(&rt_g.lock);
	rt_tls.busy = busy;
	errno = saved;
}

/* ---- public API ---------------------------------------------------------- */

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

int vitprof_dump(void)
{
	int rc;

	RT_API_BEGIN();
	rt_gcov_flush();
	rt_clock_mark(rt_g.hdr);
	rc = rt_file_sync();
	if (rc != 0 && rt_g.fd < 0)
		errno = ENOENT;
	RT_API_END(rc);
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
