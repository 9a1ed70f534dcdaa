/* SPDX-License-Identifier: MIT */
/*
 * rt_merge.c - online merging: a `%m` in VITPROF_FILE makes every run of
 * the same program add its counts into one raw profile, the pool.
 *
 *   pool      VITPROF_FILE expanded, %m replaced by the program's signature
 *             (16 hex digits: a hash of the executable's GNU build-id, or
 *             of its path, size and mtime when it has none). An ordinary,
 *             valid raw profile whose header field merged_runs counts the
 *             runs summed in it.
 *   own file  <pool>.<pid>: where the process counts while it runs, exactly
 *             as without %m (mapped, crash-safe).
 *   lock      <pool>.lock, an open-file-description write lock (fcntl
 *             F_OFD_SETLK, polled up to LOCK_TIMEOUT_MS). The kernel drops it
 *             when its holder dies, so a killed merger never blocks others.
 *   temp      <pool>.tmp, written only by the lock holder.
 *
 * At exit (the runtime's destructor) the process takes the lock, reads the
 * pool (if any), and adds the pool and then its own file into the merge
 * core (vpr_merge.c), the one `vitprof merge` uses: both must be profiles
 * of one build of one program, and the pool keeps the mode it was made in.
 * The core writes their sum, in its canonical layout (so the pool is
 * byte for byte what `vitprof merge` of the same runs writes), into
 * <pool>.tmp, which is rename()d over the pool; then the lock is released
 * and the own file removed. rename() is atomic: at every instant the pool
 * is either the old or the new complete file, so a merger killed at any
 * point leaves a valid pool that holds none of its counts; its own file,
 * with all of them, stays (as does a stale <pool>.tmp, which the next
 * merger replaces). When anything fails (lock timeout, disk full, a pool of
 * another build or mode, a sum past its limit), the pool is left alone,
 * the own file stays, and one line says so.
 *
 * This runs once, at exit, outside every hook, holding rt_g.lock: scratch
 * memory is anonymous mappings (no malloc), no stdio, never aborts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>     /* rename() only: no stdio streams here */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rt_internal.h"
#include "vpr_merge.h"

#define LOCK_TIMEOUT_MS 60000u
#define TEST_SLEEP_MAX_MS 60000u

/* ---- scratch memory: anonymous chunks, freed all at once ----------------- */

struct chunk {
	struct chunk *next;
	size_t size, used;
};

struct arena {
	struct chunk *head;
};

static void *arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	void *p;

	n = (n + 15u) & ~(size_t)15u;
	if (!c || c->size - c->used < n) {
		size_t size = n + 64u < ((size_t)1 << 20) ? (size_t)1 << 20 : n + 64u;
		size = (size + rt_g.page_size - 1) & ~((size_t)rt_g.page_size - 1);
		c = rt_anon_alloc(size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 64;
		c->next = a->head;
		a->head = c;
	}
	p = (unsigned char *)c + c->used;
	c->used += n;
	return p;
}

static void arena_free(struct arena *a)
{
	while (a->head) {
		struct chunk *c = a->head;
		a->head = c->next;
		munmap(c, c->size);
	}
}

/*
 * prefix + why in a static buffer: the reason a merge is refused (one
 * merge per process, at exit, under rt_g.lock).
 */
static const char *merge_why(const char *prefix, const char *why)
{
	static char buf[256];
	size_t n = rt_strlcpy(buf, prefix, sizeof buf);

	if (n < sizeof buf)
		rt_strlcpy(buf + n, why ? why : "error", sizeof buf - n);
	return buf;
}

/*
 * Sleeps for VITPROF_TEST_MERGE_SLEEP_MS (a test hook, see docs/runtime.md):
 * 1 to 5 decimal digits, at most TEST_SLEEP_MAX_MS; any other value is
 * ignored.
 */
static void test_hook_sleep(void)
{
	const char *e = secure_getenv("VITPROF_TEST_MERGE_SLEEP_MS");
	unsigned long ms = 0;
	struct timespec ts;
	size_t i;

	for (i = 0; e && e[i] >= '0' && e[i] <= '9' && i < 5; i++)
		ms = ms * 10 + (unsigned long)(e[i] - '0');
	if (!e || !i || e[i] || ms > TEST_SLEEP_MAX_MS)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * Creates the temporary file path, new, exclusively, mode 0600: a stale one
 * (a killed merger's) is removed first when it is ours (rt_path_check);
 * anything else there is left alone and the merge refused. Returns the fd
 * (*st its fstat) or -1 with *why.
 */
static int create_temp(const char *path, struct stat *st, const char **why)
{
	const char *w;
	int fd, kind = rt_path_check(path, NULL, &w);

	if (kind == RT_PATH_REFUSED)
		return *why = merge_why("its temporary file (.tmp): ", w), -1;
	if (kind == RT_PATH_OURS && unlink(path) != 0 && errno != ENOENT)
		return *why = "cannot remove the stale temporary file", -1;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return *why = merge_why("its temporary file (.tmp): ",
		                        strerrordesc_np(errno)), -1;
	if (fstat(fd, st) != 0) {
		/* Left as a stale temporary file of ours: the next merger
		 * replaces it. */
		*why = strerrordesc_np(errno);
		close(fd);
		return -1;
	}
	return fd;
}

/* The merge core's allocator: scratch chunks of the merge's arena. */
static void *core_alloc(void *ctx, size_t size)
{
	return arena_alloc(ctx, size);
}

/*
 * Writes the merged image of m to path, a new file (replacing a stale one
 * of ours). 0 and *tmp_st its stat, or -1 with *why (and the file removed).
 */
static int write_merged(struct vpm *m, const char *path, struct stat *tmp_st,
                        const char **why)
{
	uint64_t size = vpm_size(m);
	unsigned char *img;
	int fd, err;

	if (!size) {
		*why = vpm_why(m);
		return -1;
	}
	fd = create_temp(path, tmp_st, why);
	if (fd < 0)
		return -1;
	test_hook_sleep();
	err = rt_fallocate(fd, 0, size);
	img = err ? MAP_FAILED : mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (img == MAP_FAILED) {
		*why = strerrordesc_np(err ? err : errno);
		close(fd);
		rt_unlink_same(path, tmp_st);
		return -1;
	}
	vpm_write(m, img);
	munmap(img, size);
	if (close(fd) != 0) {
		*why = strerrordesc_np(errno);
		rt_unlink_same(path, tmp_st);
		return -1;
	}
	return 0;
}

/* ---- the lock -------------------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * Opens the lock file lock_path: created exclusively (mode 0600), or, when
 * one is there, opened only if it is ours (a regular file owned by the
 * effective uid with one link, rt_open_own). Never follows a symlink, never
 * blocks on a FIFO. Returns the fd, or -1 with *why.
 */
static int open_lock(const char *lock_path, const char **why)
{
	struct stat st;
	int fd = -1, tries;

	*why = NULL;
	for (tries = 0; tries < 3; tries++) {
		fd = open(lock_path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || (errno != EEXIST && errno != ELOOP))
			break;
		fd = rt_open_own(lock_path, O_RDWR, &st, why);
		if (fd >= 0 || errno != ENOENT)
			break;
		*why = NULL;                 /* removed meanwhile: create it */
	}
	if (fd < 0 && !*why)
		*why = strerrordesc_np(errno);
	return fd;
}

/*
 * Takes the write lock of lock_path (created if needed, open_lock),
 * polling for up to LOCK_TIMEOUT_MS. Returns the fd holding the lock, or
 * -1 with *why. Closing the fd (or dying) releases the lock.
 */
static int lock_pool(const char *lock_path, const char **why)
{
	struct flock fl;
	uint64_t deadline = now_ms() + LOCK_TIMEOUT_MS;
	long delay_us = 500;
	int fd = open_lock(lock_path, why);
	int cmd = F_OFD_SETLK;

	if (fd < 0) {
		*why = merge_why("its lock file (.lock): ", *why);
		return -1;
	}
	for (;;) {
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, cmd, &fl) == 0)
			return fd;
		if (errno == EINVAL && cmd == F_OFD_SETLK) {
			cmd = F_SETLK;       /* a kernel older than 3.15 */
			continue;
		}
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			break;
		if (now_ms() > deadline) {
			errno = ETIMEDOUT;
			break;
		}
		{
			struct timespec ts = {0, delay_us * 1000L};
			nanosleep(&ts, NULL);
		}
		if (delay_us < 20000)
			delay_us *= 2;
	}
	*why = errno == ETIMEDOUT ? "timed out waiting for the pool's lock"
	                          : strerrordesc_np(errno);
	close(fd);
	return -1;
}

/* ---- reading the pool ------------------------------------------------------ */

/*
 * Reads the pool at path into scratch memory (*data, *size; *st its stat),
 * or sets *data NULL when there is no pool yet. Only a pool of ours is read
 * (rt_open_own: a regular file owned by the effective uid, one link, not
 * through a symlink). 0, or -1 with *why.
 */
static int read_pool(struct arena *a, const char *path, unsigned char **data,
                     uint64_t *size, struct stat *st, const char **why)
{
	struct vpr_file_header h;
	uint64_t got = 0;
	int fd = rt_open_own(path, O_RDONLY, st, why);

	*data = NULL;
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		*why = merge_why("the pool: ", *why);
		return -1;
	}
	*why = "the pool is not a valid raw profile";
	if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h ||
	    memcmp(h.magic, VPR_MAGIC, sizeof h.magic) != 0 || h.end < sizeof h ||
	    h.end > (uint64_t)st->st_size)
		goto bad;          /* the merge core checks the rest */
	*data = arena_alloc(a, h.end);
	if (!*data) {
		*why = "out of memory";
		goto bad;
	}
	while (got < h.end) {
		ssize_t n = pread(fd, *data + got, h.end - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto bad;
		got += (uint64_t)n;
	}
	close(fd);
	*size = h.end;
	return 0;
bad:
	close(fd);
	*data = NULL;
	if (*why == NULL)
		*why = "the pool is not a valid raw profile";
	return -1;
}

/* ---- the merge ------------------------------------------------------------- */

/*
 * rename(from, to) that never replaces anything at `to`: RENAME_NOREPLACE,
 * or, on a file system without it, a plain rename after a last look.
 * 0, or -1 with errno (EEXIST: something is there).
 */
static int rename_noreplace(const char *from, const char *to)
{
	struct stat st;

	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

/* The one line about a merge that did not happen. */
static void report_merge(const char *pool, const char *why)
{
	static int reported;
	char line[16 * RT_PRINT_MAX];
	size_t n;

	if (__atomic_exchange_n(&reported, 1, __ATOMIC_ACQ_REL))
		return;
	n = rt_append(line, 0, 64, "vitprof: cannot merge into '");
	n = rt_append_escaped(line, n, n + 4 * RT_PRINT_MAX + 4, pool);
	n = rt_append(line, n, n + 4, "': ");
	n = rt_append(line, n, n + 256, why ? why : "error");
	n = rt_append(line, n, n + 64, "; this run's profile stays in '");
	n = rt_append_escaped(line, n, n + 4 * RT_PRINT_MAX + 4, rt_g.path);
	n = rt_append(line, n, n + 4, "'\n");
	rt_write_stderr(line, n);
}

/*
 * At exit, with rt_g.lock held and the own file complete: adds it into the
 * pool rt_g.pool under the pool's lock, then removes it. Returns 0, or -1
 * (reported once; the pool untouched, the own file kept).
 */
int rt_merge_into_pool(void)
{
	char lock_path[VPR_PATH_MAX + 8], tmp_path[VPR_PATH_MAX + 8];
	struct arena a = {NULL};
	struct vpm_alloc al = {core_alloc, &a};
	struct vpm *m;
	unsigned char *pool_data = NULL;
	const unsigned char *own;
	uint64_t pool_size = 0, own_size = rt_g.hdr->end;
	struct stat pool_st, tmp_st, now;
	const char *why = NULL;
	int lock_fd, rc = -1;

	if (!rt_g.pool[0] || rt_g.fd < 0)
		return -1;
	if (rt_g.mode == VPR_MODE_TRACE) {
		/* A timeline is one run's: there is no sum of two. */
		report_merge(rt_g.pool, "trace-mode profiles are not merged");
		return -1;
	}
	rt_strlcpy(lock_path, rt_g.pool, sizeof lock_path);
	strcat(lock_path, ".lock");
	rt_strlcpy(tmp_path, rt_g.pool, sizeof tmp_path);
	strcat(tmp_path, ".tmp");

	own = mmap(NULL, own_size, PROT_READ, MAP_SHARED, rt_g.fd, 0);
	if (own == MAP_FAILED) {
		report_merge(rt_g.pool, strerrordesc_np(errno));
		return -1;
	}
	lock_fd = lock_pool(lock_path, &why);
	if (lock_fd < 0)
		goto out_unmap;
	if (read_pool(&a, rt_g.pool, &pool_data, &pool_size, &pool_st, &why) != 0)
		goto out_unlock;
	/* A pool keeps the mode it was made in: the merge core would sum a
	 * count run into a time pool as a count profile, dropping the times. */
	if (pool_data && ((const struct vpr_file_header *)pool_data)->mode != rt_g.mode) {
		why = "the pool was written in another VITPROF_MODE";
		goto out_unlock;
	}
	m = vpm_new(&al);
	if (!m) {
		why = "out of memory";
		goto out_unlock;
	}
	if (pool_data && vpm_add(m, pool_data, pool_size, 1, "the pool") != 0) {
		why = vpm_error(m) == VPM_BAD_INPUT ? "the pool is not a valid raw profile"
		                                    : vpm_why(m);
		goto out_unlock;
	}
	if (vpm_add(m, own, own_size, 1, "this run") != 0) {
		why = vpm_error(m) == VPM_BAD_INPUT ? "this run's own profile does not validate"
		                                    : vpm_why(m);
		goto out_unlock;
	}
	if (write_merged(m, tmp_path, &tmp_st, &why) != 0)
		goto out_unlock;
	/*
	 * The new pool replaces only the pool just read, never anything put at
	 * its name meanwhile; with no pool before, nothing is replaced
	 * (RENAME_NOREPLACE; a file system without it gets a plain rename after
	 * a last look).
	 */
	if (lstat(tmp_path, &now) != 0 || now.st_dev != tmp_st.st_dev ||
	    now.st_ino != tmp_st.st_ino) {
		why = "its temporary file (.tmp) changed while it was written";
		goto out_unlock;
	}
	if (pool_data) {
		if (lstat(rt_g.pool, &now) != 0 || now.st_dev != pool_st.st_dev ||
		    now.st_ino != pool_st.st_ino || rename(tmp_path, rt_g.pool) != 0) {
			why = "the pool changed while it was merged into (left alone)";
			rt_unlink_same(tmp_path, &tmp_st);
			goto out_unlock;
		}
	} else if (rename_noreplace(tmp_path, rt_g.pool) != 0) {
		why = errno == EEXIST ? "a file appeared at the pool's name while it was "
		                        "merged into (left alone)"
		                      : strerrordesc_np(errno);
		rt_unlink_same(tmp_path, &tmp_st);
		goto out_unlock;
	}
	rc = 0;
out_unlock:
	close(lock_fd);              /* releases the lock */
out_unmap:
	munmap((void *)own, own_size);
	if (rc == 0) {
		if (!rt_getenv("VITPROF_TEST_MERGE_KEEP"))
			rt_unlink_fd_file(rt_g.path, rt_g.fd);
		rt_log("merged into", rt_g.pool);
	} else {
		report_merge(rt_g.pool, why);
	}
	arena_free(&a);              /* after the report: why may live in it */
	return rc;
}
