/* SPDX-License-Identifier: MIT */
/*
 * rt_init.c - start-up, exit and fork: rt_init() (called by the entry
 * points only: the enter hook, rt_api.c, rt_gcov_api.c), the destructor
 * that completes the profile (and merges it into a %m pool), and the fork
 * handlers that give a child its own file.
 *
 * The runtime starts at the first instrumented call of any thread (which
 * may come before main, from another constructor or from .preinit_array)
 * and reads its configuration then: VITPROF_FILE, VITPROF_MODE,
 * VITPROF_VERBOSE (and trace mode's, rt_trace.c, rt_filter.c), through rt_getenv() (rt_env.c: secure_getenv(), or the
 * process's initial environment before libc has set environ), so a setuid
 * or setgid program ignores them (and writes the default %e.%p.vitraw in
 * its current directory). They are untrusted:
 * a VITPROF_FILE longer than VPR_PATH_MAX - 1 bytes (before or after
 * expansion) means no file, reported once; values are printed escaped and
 * cut (rt_append_escaped), never used as a format.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "rt_internal.h"
#include "vitprof.h"

#define DEFAULT_PATTERN "%e.%p.vitraw"
_Static_assert(VPR_PATH_MAX == 1024, "the messages of init_once() say 1023 bytes");

static pthread_once_t init_once_ctl = PTHREAD_ONCE_INIT;
static struct vpr_file_header fallback_hdr;

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
static RT_TLS int busy_before_fork;

/* The lock is held from here until the parent or child handler: hooks
 * called meanwhile on this thread (a pthread_atfork prepare handler of the
 * program, which runs after this one, or a signal handler) count a loss
 * instead of taking the lock again (self-deadlock). */
static void atfork_prepare(void)
{
	busy_before_fork = rt_tls.busy;
	rt_tls.busy = 1;
	pthread_mutex_lock(&rt_g.lock);
	rt_gcov_validate();      /* no alias of an unloaded library may move */
}

static void atfork_parent(void)
{
	pthread_mutex_unlock(&rt_g.lock);
	rt_tls.busy = busy_before_fork;
}

static void atfork_child(void)
{
	char path[VPR_PATH_MAX];
	int busy = busy_before_fork, saved = errno;
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
	rt_trace_after_fork(rt_tls.shard);
	rt_names_after_fork();
	rt_tls.busy = busy;
	errno = saved;
}

/* The one line a misspelled VITPROF_MODE gets, verbose or not. */
static void bad_mode_line(const char *mode)
{
	char line[4 * RT_PRINT_MAX + 256];
	size_t n;

	n = rt_append(line, 0, 100, "vitprof: unknown VITPROF_MODE '");
	n = rt_append_escaped(line, n, n + 4 * RT_PRINT_MAX + 4, mode);
	n = rt_append(line, n, sizeof line - 1, "' (valid: count, time, context, "
	              "context,time, trace): counting calls");
	line[n++] = '\n';
	rt_write_stderr(line, n);
}

static void init_once(void)
{
	const char *mode = rt_getenv("VITPROF_MODE");
	const char *file = rt_getenv("VITPROF_FILE");
	const char *verbose = rt_getenv("VITPROF_VERBOSE");
	char path[VPR_PATH_MAX];
	long ps = sysconf(_SC_PAGESIZE);
	int file_fits;

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
	} else if (mode && (strcmp(mode, "trace") == 0 || strcmp(mode, "trace,count") == 0 ||
	                    strcmp(mode, "count,trace") == 0)) {
		/* The id table counts every call exactly: ",count" changes nothing. */
		rt_g.mode = VPR_MODE_TRACE;
		rt_g.entry_size = sizeof(struct vpr_edge_trace);
		rt_g.timed = RT_TIMED_STACK | RT_TIMED_CLOCK | RT_TIMED_TRACE;
	} else if (mode && *mode && strcmp(mode, "count") != 0) {
		bad_mode_line(mode);
	}
	if (!file || !*file)
		file = DEFAULT_PATTERN;
	file_fits = strlen(file) < sizeof rt_g.pattern;
	if (file_fits)
		rt_strlcpy(rt_g.pattern, file, sizeof rt_g.pattern);

	pthread_mutex_lock(&rt_g.lock);
	if (file_fits && rt_profile_paths(rt_g.pattern, path, rt_g.pool) == 0) {
		rt_file_open(path);
	} else {
		/* No file: never a name the user did not ask for. */
		rt_g.hdr = rt_anon_alloc(rt_g.page_size);
		rt_report_once_why(file_fits ? "profile path too long"
		                             : "VITPROF_FILE too long, ignored", file,
		                   file_fits ? "longer than 1023 bytes once expanded, no "
		                               "profile is written"
		                             : "longer than 1023 bytes, no profile is written");
	}
	if (!rt_g.hdr)
		rt_g.hdr = &fallback_hdr;
	header_init(rt_g.hdr);
	pthread_mutex_unlock(&rt_g.lock);
	rt_log("writing", rt_g.fd >= 0 ? rt_g.path : "nothing (no file)");

	rt_modules_init();
	rt_g.trace_on = 1;
	rt_filter_init();
	rt_trace_init();
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
	if (rt_g.timed & RT_TIMED_TRACE)
		rt_trace_names();    /* open frames: readers close them */
	else if (rt_tls.shard && rt_tls.shard->stack)
		rt_shard_close_frames(rt_tls.shard, rt_frame_clock());
	pthread_mutex_lock(&rt_g.lock);
	rt_trace_finish();
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
