/* SPDX-License-Identifier: MIT */
/*
 * rt_file.c - the raw profile file: creation at a path (expanded by
 * rt_path.c) under the path-safety rules, section allocation, and moving
 * every section to another file (fork child, vitprof_set_file).
 *
 * Every section is its own MAP_SHARED mapping of a page-aligned file range,
 * so a section never moves in memory when the file grows, and the kernel
 * keeps every store in the page cache when the process dies. File space is
 * reserved with posix_fallocate() before it is mapped: a store to a mapped
 * page the file system cannot back would be a SIGBUS in the profiled
 * program. When space cannot be had (disk full, no file) the section falls
 * back to anonymous memory: the program runs on, and the loss is counted.
 *
 * All functions here are called with rt_g.lock held (or before any thread
 * exists, or in a fork child).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt_internal.h"

/*
 * One mapped section. A section may also have an alias: part of it mapped a
 * second time at an address the runtime does not choose (the gcov counter
 * section of a loaded object, VPR_ARCS_IN_PLACE), which must follow the
 * section whenever it moves to another file.
 */
struct rt_mapping {
	void *addr;
	uint64_t size;
	uint64_t offset;   /* file offset; meaningless when !in_file */
	int in_file;
	void *alias;       /* NULL, or where [alias_off, +alias_size) is mapped too */
	uint64_t alias_off;
	uint64_t alias_size;
};

static struct rt_mapping *maps;
static size_t n_maps, cap_maps;

void *rt_anon_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static uint64_t page_round(uint64_t n)
{
	uint64_t p = rt_g.page_size;
	return (n + p - 1) & ~(p - 1);
}

/*
 * Classifies what is at path without following a symlink (lstat). Returns
 * RT_PATH_ABSENT (nothing; also when a directory on the way is missing),
 * RT_PATH_OURS (a regular file owned by the effective uid with one link),
 * or RT_PATH_REFUSED with *why saying what is in the way (or why it could
 * not be told). st, if not NULL, gets the lstat of what is there.
 */
int rt_path_check(const char *path, struct stat *st, const char **why)
{
	struct stat tmp;

	if (!st)
		st = &tmp;
	*why = NULL;
	if (lstat(path, st) != 0) {
		if (errno == ENOENT)
			return RT_PATH_ABSENT;
		*why = strerrordesc_np(errno);
		return RT_PATH_REFUSED;
	}
	if (S_ISLNK(st->st_mode))
		*why = "a symbolic link is in the way (left alone)";
	else if (S_ISDIR(st->st_mode))
		*why = "a directory is in the way (left alone)";
	else if (!S_ISREG(st->st_mode))
		*why = "a FIFO, device or socket is in the way (left alone)";
	else if (st->st_uid != geteuid())
		*why = "another user's file is in the way (left alone)";
	else if (st->st_nlink != 1)
		*why = "a file with other hard links is in the way (left alone)";
	return *why ? RT_PATH_REFUSED : RT_PATH_OURS;
}

static int same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * Opens an existing file at path that is ours (rt_path_check) with flags
 * (O_RDONLY or O_RDWR; never O_CREAT), never through a symlink, never
 * blocking on a FIFO swapped in meanwhile, and checks that the file opened
 * is the one checked. Returns the fd (*st its fstat), or -1 with errno
 * ENOENT (nothing there) or another errno and *why set.
 */
int rt_open_own(const char *path, int flags, struct stat *st, const char **why)
{
	struct stat before;
	int fd, kind = rt_path_check(path, &before, why);

	if (kind == RT_PATH_ABSENT) {
		errno = ENOENT;
		return -1;
	}
	if (kind == RT_PATH_REFUSED) {
		errno = EPERM;
		return -1;
	}
	fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*why = strerrordesc_np(errno);
		return -1;
	}
	if (fstat(fd, st) != 0 || !same_inode(st, &before) || !S_ISREG(st->st_mode) ||
	    st->st_uid != geteuid() || st->st_nlink != 1) {
		close(fd);
		*why = "the file changed while it was opened (left alone)";
		errno = EPERM;
		return -1;
	}
	return fd;
}

/*
 * Removes path only when it still is the file `created` describes (the
 * runtime removes only what it created itself). Returns 0 or -1.
 */
int rt_unlink_same(const char *path, const struct stat *created)
{
	struct stat now;

	if (lstat(path, &now) != 0 || !same_inode(&now, created))
		return -1;
	return unlink(path);
}

/* rt_unlink_same() of the file open at fd. */
int rt_unlink_fd_file(const char *path, int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -1;
	return rt_unlink_same(path, &st);
}

/*
 * 1 if path (ours, rt_path_check) holds a raw profile written by this very
 * process: an earlier image of it, before an exec (the pid survives exec,
 * so "%p" expands the same). Such a file is never replaced.
 */
static int written_by_this_process(const char *path)
{
	struct vpr_file_header h;
	struct stat st;
	const char *why;
	int fd = rt_open_own(path, O_RDONLY, &st, &why);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread(fd, &h, sizeof h, 0);
	close(fd);
	return n == (ssize_t)sizeof h && memcmp(h.magic, VPR_MAGIC, sizeof h.magic) == 0 &&
	       h.pid == (int64_t)getpid();
}

/*
 * posix_fallocate() that never raises SIGXFSZ: growing a file past the
 * process's RLIMIT_FSIZE would kill a program that writes no large file of
 * its own, so such a range is refused with EFBIG, as a full disk would be.
 * Returns 0 or an errno value.
 */
int rt_fallocate(int fd, uint64_t off, uint64_t len)
{
	struct rlimit rl;

	if (len > UINT64_MAX - off || off + len > (uint64_t)INT64_MAX)
		return EFBIG;
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    off + len > (uint64_t)rl.rlim_cur)
		return EFBIG;
	return posix_fallocate(fd, (off_t)off, (off_t)len);
}

/* Opens path exclusively, never through a symlink, mode 0600. */
static int create_exclusive(const char *path)
{
	return open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/*
 * Creates the missing directories on the way to path (not path itself),
 * mode 0700 as the profile's own (the umask can only narrow it), as
 * GCOV_PREFIX does: VITPROF_FILE=prof/%e-%p.vitraw works without a prior
 * mkdir. A directory already there is used as it is (the directories on
 * the way are trusted, docs/runtime.md "Security"). Returns 0, or -1 with
 * errno from the first mkdir that failed.
 */
static int create_parent_dirs(const char *path)
{
	char dir[VPR_PATH_MAX];
	size_t i;

	rt_strlcpy(dir, path, sizeof dir);
	for (i = 1; dir[i]; i++) {
		if (dir[i] != '/' || dir[i - 1] == '/')
			continue;
		dir[i] = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -1;
		dir[i] = '/';
	}
	return 0;
}

/*
 * The profile's liveness lock: the process that writes a raw file holds an
 * exclusive flock() on it for as long as the file is its profile (the lock
 * belongs to the open file description: fork children share it until they
 * move to their own file, exec closes it, death releases it). A file whose
 * lock another process holds is a live profile and is never removed or
 * replaced (create_file). Returns 0 when the lock is ours, 1 when another
 * process holds it, and 0 too when the file system has no locks (ENOLCK,
 * EINVAL): then nothing can be told, and the file counts as not live.
 */
static int take_profile_lock(int fd)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	return errno == EWOULDBLOCK ? 1 : 0;
}

/* 1 if path still names the file open at fd (nobody replaced it). */
static int still_at(const char *path, int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && lstat(path, &b) == 0 && same_inode(&a, &b);
}

/*
 * Removes the earlier profile at path (ours, rt_path_check) unless it is
 * live: another process holds its lock (take_profile_lock). The lock is
 * taken first and held across the unlink, so a process that is creating
 * the file meanwhile fails to lock it and starts again. Returns 0 (removed,
 * or gone meanwhile), 1 when live (*owner: the pid its header names, or 0),
 * or -1 with errno and *why.
 */
static int remove_unless_live(const char *path, int64_t *owner, const char **why)
{
	struct vpr_file_header h;
	struct stat st;
	int fd, rc;

	/* For writing when it can be (NFS emulates flock() with byte-range
	 * locks, which need it), else for reading (umask 0277: mode 0400). */
	fd = rt_open_own(path, O_RDWR, &st, why);
	if (fd < 0 && errno == EACCES)
		fd = rt_open_own(path, O_RDONLY, &st, why);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (take_profile_lock(fd)) {
		*owner = pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
		         memcmp(h.magic, VPR_MAGIC, sizeof h.magic) == 0 ? h.pid : 0;
		close(fd);
		return 1;
	}
	rc = rt_unlink_same(path, &st) == 0 || errno == ENOENT ? 0 : -1;
	if (rc)
		*why = strerrordesc_np(errno);
	close(fd);                 /* releases the lock */
	return rc;
}

/*
 * Creates path.1, path.2, ... path.99, the first that is free (path has
 * VPR_PATH_MAX bytes and gets the name used). Nothing found at those names
 * is opened or removed. Returns the fd or -1 with errno.
 */
static int create_suffixed(char *path)
{
	size_t n = strlen(path);
	int fd = -1, k;

	errno = EEXIST;
	for (k = 1; k < 100 && fd < 0 && (errno == EEXIST || errno == ELOOP); k++) {
		char num[24];
		size_t len = rt_u64_to_dec(num, (uint64_t)k);
		if (n + 1 + len >= VPR_PATH_MAX) {
			errno = ENAMETOOLONG;
			break;
		}
		path[n] = '.';
		memcpy(path + n + 1, num, len + 1);
		fd = create_exclusive(path);
	}
	return fd;
}

/* Appends ".<pid>" to path (VPR_PATH_MAX bytes). Returns 0, or -1 when it
 * does not fit. */
static int append_pid(char *path)
{
	char pid[24];
	size_t n = strlen(path), len = rt_u64_to_dec(pid, (uint64_t)getpid());

	if (n + 1 + len >= VPR_PATH_MAX)
		return -1;
	path[n] = '.';
	memcpy(path + n + 1, pid, len + 1);
	return 0;
}

/* Tells, in one line, that the profile at live (another running process's,
 * pid owner or 0 when unknown) was left alone and where this run writes. */
static void report_live(const char *live, int64_t owner, const char *path)
{
	char line[8 * RT_PRINT_MAX + 256], num[24];
	size_t n;

	n = rt_append(line, 0, 40, "vitprof: '");
	n = rt_append_escaped(line, n, n + 4 * RT_PRINT_MAX + 4, live);
	n = rt_append(line, n, n + 40, "' is the live profile of process ");
	if (owner > 0) {
		rt_u64_to_dec(num, (uint64_t)owner);
		n = rt_append(line, n, n + 24, num);
	} else {
		n = rt_append(line, n, n + 24, "(unknown)");
	}
	n = rt_append(line, n, n + 40, " (left alone); this run writes '");
	n = rt_append_escaped(line, n, n + 4 * RT_PRINT_MAX + 4, path);
	n = rt_append(line, n, sizeof line - 1, "'");
	line[n++] = '\n';
	rt_write_stderr(line, n);
}

/* Rounds of create_file() lost to other processes creating or replacing
 * the same name at once before it gives up. */
#define CREATE_ATTEMPTS 8

/*
 * Creates path, new, exclusively, mode 0600, never through a symlink (the
 * missing directories on the way first, create_parent_dirs), takes its
 * liveness lock (take_profile_lock) and reserves and maps its header page.
 * When something is already there:
 * - a regular file owned by the effective uid with one link:
 *   - a profile an earlier image of this process left (exec), or any such
 *     file when merging (%m: a killed run's unmerged counts): kept, and
 *     path.1, path.2, ... is created instead;
 *   - the live profile of another process (its lock is held: a parent that
 *     started this program, a concurrent run): kept, and path.<pid> is
 *     created instead, said in one line (report_live);
 *   - else (an earlier, finished run's profile): replaced (unlinked under
 *     its lock, then created exclusively, so a race only costs a round);
 *   the name used is written back into path (VPR_PATH_MAX bytes);
 * - anything else (symlink, directory, FIFO, device, socket, another
 *   user's file, a file with other hard links) is left alone, never opened
 *   or removed: -1 with EEXIST and *why saying what is in the way.
 * Returns the fd and sets *hdr_out, or returns -1 with errno (and *why, or
 * NULL when errno says it all).
 */
static int create_file(char *path, struct vpr_file_header **hdr_out, const char **why)
{
	char live[VPR_PATH_MAX] = "";
	int64_t owner = 0;
	int fd = -1, err, round;
	void *p;

	*why = NULL;
	for (round = 0; round < CREATE_ATTEMPTS && fd < 0; round++) {
		fd = create_exclusive(path);
		if (fd < 0 && errno == ENOENT && create_parent_dirs(path) == 0)
			fd = create_exclusive(path);
		/* A symlink at path fails with ELOOP (O_NOFOLLOW), anything
		 * else with EEXIST. */
		if (fd < 0 && (errno == EEXIST || errno == ELOOP)) {
			switch (rt_path_check(path, NULL, why)) {
			case RT_PATH_ABSENT:         /* removed meanwhile */
				continue;
			case RT_PATH_OURS:
				if (rt_g.pool[0] || written_by_this_process(path)) {
					fd = create_suffixed(path);
					break;
				}
				switch (remove_unless_live(path, &owner, why)) {
				case 0:
					continue;
				case 1:
					/* Once only: path.<pid> is ours alone. */
					*why = "the live profile of another process";
					if (live[0]) {
						errno = EBUSY;
						return -1;
					}
					rt_strlcpy(live, path, sizeof live);
					if (append_pid(path) != 0) {
						errno = ENAMETOOLONG;
						return -1;
					}
					*why = NULL;
					continue;
				default:
					return -1;
				}
				break;
			default:
				errno = EEXIST;
				return -1;
			}
		}
		if (fd < 0)
			return -1;
		/* Locked by a process replacing it, or replaced before we
		 * locked it: start again. */
		if (take_profile_lock(fd) || !still_at(path, fd)) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0) {
		errno = EBUSY;
		*why = "other processes kept replacing it";
		return -1;
	}
	err = rt_fallocate(fd, 0, rt_g.page_size);
	if (err) {
		rt_unlink_fd_file(path, fd);
		close(fd);
		errno = err;
		return -1;
	}
	p = mmap(NULL, rt_g.page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = errno;
		rt_unlink_fd_file(path, fd);
		close(fd);
		errno = err;
		return -1;
	}
	if (live[0])
		report_live(live, owner, path);
	*hdr_out = p;
	return fd;
}

/*
 * Opens the raw file at path (already expanded) and makes it the one in
 * use, with a fresh header. On failure the runtime keeps an anonymous
 * header page and no file: counting goes on, nothing is written, and the
 * failure is reported once. Returns 0 or -1.
 */
int rt_file_open(const char *path_in)
{
	struct vpr_file_header *hdr = NULL;
	char path[VPR_PATH_MAX];
	const char *why;
	int fd;

	rt_strlcpy(path, path_in, sizeof path);
	fd = create_file(path, &hdr, &why);

	if (fd < 0) {
		int err = errno;
		rt_g.fd = -1;
		rt_g.hdr = rt_anon_alloc(rt_g.page_size);
		rt_report_once_why("cannot create the profile", path,
		                   why ? why : strerrordesc_np(err));
		if (rt_g.hdr)
			rt_g.hdr->lost_sections++;
		return -1;
	}
	rt_g.fd = fd;
	rt_g.hdr = hdr;
	rt_strlcpy(rt_g.path, path, sizeof rt_g.path);
	return 0;
}

static int register_mapping(void *addr, uint64_t size, uint64_t offset, int in_file)
{
	if (n_maps == cap_maps) {
		size_t ncap = cap_maps ? cap_maps * 2 : 256;
		struct rt_mapping *m = rt_anon_alloc(ncap * sizeof *m);
		if (!m)
			return -1;
		if (maps) {
			memcpy(m, maps, n_maps * sizeof *m);
			munmap(maps, cap_maps * sizeof *m);
		}
		maps = m;
		cap_maps = ncap;
	}
	maps[n_maps++] = (struct rt_mapping){addr, size, offset, in_file, NULL, 0, 0};
	return 0;
}

/* Reserves [hdr->end, +size) in the file and maps it at addr (or anywhere). */
static void *map_file_range(int fd, uint64_t off, uint64_t size, void *addr)
{
	int err = rt_fallocate(fd, off, size);
	void *p;

	if (err) {
		errno = err;
		return NULL;
	}
	p = mmap(addr, size, PROT_READ | PROT_WRITE,
	         MAP_SHARED | (addr ? MAP_FIXED : 0), fd, (off_t)off);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * Allocates a section of at least size bytes (rounded up to pages) at the
 * end of the file, writes its section header and publishes it in the file
 * header. Falls back to anonymous memory when the file cannot take it
 * (counted in lost_sections, reported once). Returns the zero-filled
 * section, or NULL when not even anonymous memory could be had.
 */
void *rt_section_alloc(uint32_t type, uint64_t size, uint64_t *size_out)
{
	struct vpr_file_header *hdr = rt_g.hdr;
	struct vpr_section *sec = NULL;
	int in_file = 0;
	uint64_t off = 0;

	size = page_round(size);
	if (rt_g.fd >= 0) {
		off = hdr->end;
		sec = map_file_range(rt_g.fd, off, size, NULL);
		if (sec)
			in_file = 1;
		else
			rt_report_once("cannot extend the profile", rt_g.path, errno);
	}
	if (!sec) {
		sec = rt_anon_alloc(size);
		if (hdr)
			hdr->lost_sections++;
		if (!sec)
			return NULL;
	}
	if (register_mapping(sec, size, off, in_file) != 0) {
		munmap(sec, size);
		return NULL;
	}
	sec->magic = VPR_SECTION_MAGIC;
	sec->type = type;
	sec->offset = off;
	sec->size = size;
	if (in_file) {
		/* The section is complete before the header points past it. */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		hdr->end = off + size;
		hdr->n_sections++;
		rt_clock_mark(hdr);
	}
	*size_out = size;
	return sec;
}

/*
 * Unmaps a section that is no longer used. Its header page stays in the
 * file (readers walk the sections through it); the rest becomes a hole, so
 * retired table generations cost no disk space.
 */
void rt_section_retire(void *addr)
{
	size_t i;

	for (i = 0; i < n_maps; i++) {
		if (maps[i].addr == addr) {
			if (maps[i].in_file && maps[i].size > rt_g.page_size)
				fallocate(rt_g.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				          (off_t)(maps[i].offset + rt_g.page_size),
				          (off_t)(maps[i].size - rt_g.page_size));
			munmap(addr, maps[i].size);
			maps[i] = maps[--n_maps];
			return;
		}
	}
}

/*
 * Maps the alias of m (if any) onto file range off + alias_off of fd, or,
 * when that fails or there is no file, onto anonymous memory holding
 * `keep` (a fork child: zeros, so it never counts into the parent's file).
 */
static void move_alias(struct rt_mapping *m, int fd, uint64_t off, int keep_counts)
{
	if (!m->alias)
		return;
	if (m->in_file && fd >= 0 &&
	    mmap(m->alias, m->alias_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
	         fd, (off_t)(off + m->alias_off)) != MAP_FAILED)
		return;
	if (keep_counts)
		return;   /* still maps the old file: counts go on there, lost to us */
	mmap(m->alias, m->alias_size, PROT_READ | PROT_WRITE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

/*
 * Re-homes one mapped section into the new file at offset off, at the same
 * address. keep_counts copies the whole section; otherwise only what a fork
 * child inherits: the section header of counter sections (edges, arcs), so
 * the child starts from zero, and the whole of the others (modules, gcov
 * records: the objects are still loaded).
 */
static int move_section(struct rt_mapping *m, int fd, uint64_t off, int keep_counts)
{
	struct vpr_section *sec = m->addr;
	unsigned char saved[sizeof(struct vpr_edges) > sizeof(struct vpr_arcs)
	                    ? sizeof(struct vpr_edges) : sizeof(struct vpr_arcs)];
	_Static_assert(sizeof(struct vpr_values) <= sizeof saved, "saved header");
	const void *src = m->addr;
	size_t len = (size_t)m->size;

	/* The old mapping may be the parent's file: read it, never write it. */
	memcpy(saved, m->addr, sizeof saved);
	if (!keep_counts && sec->type == VPR_SEC_EDGES) {
		struct vpr_edges *e = (struct vpr_edges *)saved;
		e->n_used = 0;
		e->lost_calls = 0;
		e->lost_frames = 0;
		e->lost_events = 0;
		src = saved;
		len = sizeof saved;
	} else if (!keep_counts && sec->type == VPR_SEC_ARCS) {
		struct vpr_arcs *a = (struct vpr_arcs *)saved;
		a->n_copies = 0;
		src = saved;
		len = sizeof saved;
	} else if (!keep_counts && sec->type == VPR_SEC_VALUES) {
		src = saved;             /* the arena starts empty */
		len = sizeof(struct vpr_values);
	}
	if (fd >= 0 && rt_fallocate(fd, off, m->size) == 0 &&
	    pwrite(fd, src, len, (off_t)off) == (ssize_t)len &&
	    mmap(m->addr, m->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
	         fd, (off_t)off) != MAP_FAILED) {
		sec->offset = off;
		m->offset = off;
		m->in_file = 1;
		move_alias(m, fd, off, keep_counts);
		return 0;
	}
/* No file space: keep the section in anonymous memory. */
	if (mmap(m->addr, m->size, PROT_READ | PROT_WRITE,
	         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED)
		memcpy(m->addr, saved, sizeof saved);
	m->in_file = 0;
	move_alias(m, -1, off, keep_counts);
	return -1;
}

/*
 * A fork child: the parent's event chunks (VPR_SEC_TRACE) are the
 * parent's; they are unmapped and left out of the child's file, whose
 * streams start again (rt_trace_after_fork). The order of the other
 * sections is kept.
 */
static void drop_trace_chunks(void)
{
	size_t i, k = 0;

	for (i = 0; i < n_maps; i++) {
		if (((struct vpr_section *)maps[i].addr)->type == VPR_SEC_TRACE &&
		    !maps[i].alias) {
			munmap(maps[i].addr, maps[i].size);
			continue;
		}
		maps[k++] = maps[i];
	}
	n_maps = k;
}

/*
 * Moves every live section to a new raw file at new_path, at the same
 * addresses, so that pointers held by threads stay valid. With keep_counts
 * (vitprof_set_file) the counts come along and the old file is removed;
 * without (a fork child) the child starts from zero in its own file and the
 * parent's file is left alone. Returns 0, or -1 when the new file could not
 * be created (keep_counts: nothing changed; fork child: it counts into
 * anonymous memory).
 */
int rt_file_move(const char *new_path_in, int keep_counts)
{
	struct vpr_file_header *old = rt_g.hdr, *hdr = NULL;
	char new_path[VPR_PATH_MAX];
	const char *why;
	size_t i;
	int lost = 0, fd;

	rt_strlcpy(new_path, new_path_in, sizeof new_path);
	fd = create_file(new_path, &hdr, &why);

	if (fd < 0) {
		int err = errno;
		if (keep_counts) {
			errno = err;
			return -1;
		}
		rt_report_once_why("cannot create the profile", new_path,
		                   why ? why : strerrordesc_np(err));
		hdr = rt_anon_alloc(rt_g.page_size);
		if (!hdr)
			return -1;
	}
	memcpy(hdr, old, sizeof *hdr);
	hdr->end = hdr->first_section;
	hdr->n_sections = 0;
	/* Moving brings anonymous sections into the file: nothing is lost
	 * unless a section fails to move now. */
	hdr->lost_sections = 0;
	if (keep_counts)
		hdr->flags |= VPR_FLAG_MOVED;
	else
		hdr->lost_calls = hdr->n_threads = 0;
	if (!keep_counts)
		drop_trace_chunks();
	for (i = 0; i < n_maps; i++) {
		uint64_t off = hdr->end;
		if (move_section(&maps[i], fd, off, keep_counts) == 0) {
			hdr->end = off + maps[i].size;
			hdr->n_sections++;
		} else {
			lost = 1;
		}
	}
	if (lost || fd < 0)
		hdr->lost_sections++;
	if (keep_counts && rt_g.fd >= 0)
		rt_unlink_fd_file(rt_g.path, rt_g.fd);
	if (rt_g.fd >= 0)
		close(rt_g.fd);
	munmap(old, rt_g.page_size);
	rt_g.hdr = hdr;
	rt_g.fd = fd;
	if (fd >= 0)
		rt_strlcpy(rt_g.path, new_path, sizeof rt_g.path);
	else
		rt_g.path[0] = '\0';
	return fd >= 0 ? 0 : -1;
}

/* Writes every mapping back to the disk now (vitprof_dump). */
int rt_file_sync(void)
{
	size_t i;
	int rc = 0;

	if (rt_g.fd < 0)
		return -1;
	if (msync(rt_g.hdr, rt_g.page_size, MS_SYNC) != 0)
		rc = -1;
	for (i = 0; i < n_maps; i++)
		if (maps[i].in_file && msync(maps[i].addr, maps[i].size, MS_SYNC) != 0)
			rc = -1;
	return rc;
}

/*
 * Copies n bytes (a multiple of 8) word by word, without the sanitizers:
 * the source may be a whole counter section, whose gaps between the
 * counter arrays are redzones to AddressSanitizer.
 */
__attribute__((no_sanitize("address")))
void rt_copy_words(void *dst, const void *src, size_t n)
{
	volatile uint64_t *d = dst;
	const volatile uint64_t *s = src;
	size_t i;

	for (i = 0; i < n / sizeof(uint64_t); i++)
		d[i] = s[i];
}

static struct rt_mapping *mapping_of(const void *sec)
{
	size_t i;

	for (i = 0; i < n_maps; i++)
		if (maps[i].addr == sec)
			return &maps[i];
	return NULL;
}

/*
 * Maps bytes [off, off + size) of section sec a second time, at addr
 * (MAP_FIXED|MAP_SHARED, replacing what was there), and keeps that alias
 * following the section when it moves (fork, vitprof_set_file). off, size
 * and addr are page multiples. Only a section in the file can be aliased.
 * Returns 0, or -1 with errno and the memory at addr unchanged in content:
 * when the kernel had already dropped the old pages, anonymous memory is
 * put back holding what the section holds.
 */
int rt_section_alias(void *sec, void *addr, uint64_t off, uint64_t size)
{
	struct rt_mapping *m = mapping_of(sec);

	if (!m || !m->in_file || m->alias || off + size > m->size) {
		errno = EINVAL;
		return -1;
	}
	if (mmap(addr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
	         rt_g.fd, (off_t)(m->offset + off)) == MAP_FAILED) {
		int err = errno;
		void *p = mmap(addr, size, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == addr)
			rt_copy_words(addr, (unsigned char *)sec + off, size);
		else if (p != MAP_FAILED)
			munmap(p, size);
		errno = err;
		return -1;
	}
	m->alias = addr;
	m->alias_off = off;
	m->alias_size = size;
	return 0;
}

/*
 * Forgets the alias of sec without unmapping it: its memory belongs to an
 * object that is being unloaded (dlclose unmaps it) or to an exiting
 * process. The section itself stays mapped and in the file.
 */
void rt_section_unalias(void *sec)
{
	struct rt_mapping *m = mapping_of(sec);

	if (m)
		m->alias = NULL;
}

/* 1 if sec is a section mapped from the raw file (not anonymous memory). */
int rt_section_in_file(const void *sec)
{
	struct rt_mapping *m = mapping_of(sec);

	return m && m->in_file;
}
