/* SPDX-License-Identifier: MIT */
/*
 * rt_init.c - start-up, exit, fork, the public API (vitprof.h) and the one
 * line the runtime may print.
 *
 * The runtime starts at the first instrumented call of any thread (which
 * may come before main, from another constructor or from .preinit_array)
 * and reads its configuration then: VITPROF_FILE, VITPROF_MODE,
 * VITPROF_VERBOSE, through rt_getenv() (secure_getenv(), or the process's
 * initial environment before libc has set environ), so a setuid or setgid
 * program ignores them (and writes the default %e.%p.vitraw in its current
 * directory). They are untrusted:
 * a VITPROF_FILE longer than VPR_PATH_MAX - 1 bytes (before or after
 * expansion) means no file, reported once; values are printed escaped and
 * cut (rt_append_escaped), never used as a format.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt_internal.h"
#include "vitprof.h"

#define DEFAULT_PATTERN "%e.%p.vitraw"
_Static_assert(VPR_PATH_MAX == 1024, "the messages of init_once() say 1023 bytes");

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

/*
 * Appends s to line[0, n) (capacity cap), as the runtime prints untrusted
 * text (paths, environment values): at most RT_PRINT_MAX bytes of it, then
 * "..."; printable ASCII as it is, any other byte (control characters,
 * newlines, escape sequences, bytes >= 0x80) and the backslash as \xHH.
 * Never writes past cap - 1 and keeps line NUL-terminated. Returns the new
 * length.
 */
size_t rt_append_escaped(char *line, size_t n, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	if (n >= cap)
		return n;
	for (i = 0; p[i] && i < RT_PRINT_MAX; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			if (n + 1 >= cap)
				break;
			line[n++] = (char)p[i];
		} else {
			if (n + 4 >= cap)
				break;
			line[n++] = '\\';
			line[n++] = 'x';
			line[n++] = hex[p[i] >> 4];
			line[n++] = hex[p[i] & 15];
		}
	}
	if (p[i] && n + 3 < cap) {
		memcpy(line + n, "...", 3);
		n += 3;
	}
	line[n] = '\0';
	return n;
}

/*
 * Appends trusted text s to line[0, n) within capacity cap (cut if need
 * be; line stays NUL-terminated). Returns the new length.
 */
size_t rt_append(char *line, size_t n, size_t cap, const char *s)
{
	size_t len = strlen(s);

	if (n >= cap)
		return n;
	if (len > cap - 1 - n)
		len = cap - 1 - n;
	memcpy(line + n, s, len);
	line[n + len] = '\0';
	return n + len;
}

/* Prints "vitprof: a b\n" when VITPROF_VERBOSE is set (b escaped). */
void rt_log(const char *a, const char *b)
{
	char line[4 * RT_PRINT_MAX + 256];
	size_t n;

	if (!rt_g.verbose)
		return;
	n = rt_append(line, 0, 200, "vitprof: ");
	n = rt_append(line, n, 200, a);
	if (b) {
		n = rt_append(line, n, 201, " ");
		n = rt_append_escaped(line, n, sizeof line - 1, b);
	}
	line[n++] = '\n';
	rt_write_stderr(line, n);
}

/*
 * The runtime's only unsolicited output: the first time it cannot record,
 * one line naming the file (escaped, rt_append_escaped) and the reason.
 * Later losses are only counted.
 */
void rt_report_once_why(const char *what, const char *path, const char *why)
{
	char line[4 * RT_PRINT_MAX + 512];
	size_t n;

	if (__atomic_exchange_n(&rt_g.reported, 1, __ATOMIC_ACQ_REL))
		return;
	n = rt_append(line, 0, 160, "vitprof: ");
	n = rt_append(line, n, 160, what);
	n = rt_append(line, n, 170, " '");
	n = rt_append_escaped(line, n, n + 4 * RT_PRINT_MAX + 4, path);
	n = rt_append(line, n, sizeof line - 60, "': ");
	n = rt_append(line, n, sizeof line - 60, why ? why : "error");
	n = rt_append(line, n, sizeof line - 1, "; calls not in the file are lost (counted)");
	line[n++] = '\n';
	rt_write_stderr(line, n);
}

void rt_report_once(const char *what, const char *path, int err)
{
	rt_report_once_why(what, path, strerrordesc_np(err));
}

/*
 * The VITPROF_* entries of the initial environment, "NAME=value\0" one
 * after another, read from /proc/self/environ (rt_getenv). A value longer
 * than the room left is cut to VPR_PATH_MAX bytes or more, so that a
 * VITPROF_FILE that long is still refused as too long.
 */
static char early_env[4 * VPR_PATH_MAX + 256];
static size_t early_env_len;

/* Reads the VITPROF_* entries of /proc/self/environ into early_env with
 * plain system calls (no malloc, no stdio), once; under init_once. */
static void early_env_load(void)
{
	static int loaded;
	char buf[4096];
	size_t n = 0;       /* bytes of the current entry read so far */
	int keep = 1;       /* it starts with VITPROF_ (so far) */
	int fd;
	ssize_t r, i;

	if (loaded)
		return;
	loaded = 1;
	fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while ((r = read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR)) {
		for (i = 0; i < r; i++) {
			char *cur = early_env + early_env_len;
			size_t room = sizeof early_env - early_env_len;
			char c = buf[i];

			if (keep && n < 8 && c != "VITPROF_"[n])
				keep = 0;
			if (keep && n < room)
				cur[n] = c;
			n++;
			if (c != '\0')
				continue;
			if (keep && n <= room) {
				early_env_len += n;           /* it fits, NUL included */
			} else if (keep && room > VPR_PATH_MAX + 32) {
				cur[room - 1] = '\0';         /* cut, still too long */
				early_env_len += room;
			}
			n = 0;
			keep = 1;
		}
	}
	close(fd);
}

/*
 * getenv() for the runtime's settings: secure_getenv() once libc has set
 * environ; before that (a first call from .preinit_array, before libc's own
 * initialisation), the process's initial environment, read from
 * /proc/self/environ, and nothing in secure mode (AT_SECURE, as
 * secure_getenv). Returns NULL when unset or unreadable.
 */
const char *rt_getenv(const char *name)
{
	size_t off, len = strlen(name);

	if (environ)
		return secure_getenv(name);
	if (getauxval(AT_SECURE))
		return NULL;
	early_env_load();
	for (off = 0; off < early_env_len; off += strlen(early_env + off) + 1)
		if (strncmp(early_env + off, name, len) == 0 && early_env[off + len] == '=')
			return early_env + off + len + 1;
	return NULL;
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
	              "context,time): counting calls");
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
