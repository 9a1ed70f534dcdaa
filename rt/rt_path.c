/* SPDX-License-Identifier: MIT */
/*
 * rt_path.c - the profile's path: VITPROF_FILE's patterns expanded (%p
 * pid, %h host, %e executable name, %m the program's signature, %%), and
 * with a %m the two paths of online merging (rt_merge.c): the pool and
 * this process's own file, <pool>.<pid>.
 *
 * The signature %m stands for is 16 hex digits: a hash (FNV-1a 64) of the
 * executable's GNU build-id, or of its path, size and mtime when it has
 * none, so each build of a program has its own pool. Computed once.
 *
 * Called under rt_g.lock (start-up, fork child, vitprof_set_file): no
 * malloc, no stdio. A path that does not fit in VPR_PATH_MAX bytes is
 * refused (the caller writes no file), never cut.
 */
#define _GNU_SOURCE
#include <link.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt_internal.h"

static char signature[17];

struct sig_ctx {
	uint8_t id[VPR_BUILD_ID_MAX];
	unsigned len;
};

static int first_object_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct sig_ctx *c = arg;

	(void)size;
	c->len = rt_module_build_id(info, c->id);
	return 1;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * 0x100000001b3ull;
	return h;
}

/* The 16 hex digits %m expands to; computed once. */
static const char *program_signature(void)
{
	static const char hex[] = "0123456789abcdef";
	struct sig_ctx c = {{0}, 0};
	uint64_t h = 0xcbf29ce484222325ull;
	int i;

	if (signature[0])
		return signature;
	dl_iterate_phdr(first_object_cb, &c);
	if (c.len) {
		h = fnv1a(h, c.id, c.len);
	} else {
		char exe[VPR_PATH_MAX];
		struct stat st;
		ssize_t r = readlink("/proc/self/exe", exe, sizeof exe - 1);
		exe[r > 0 ? r : 0] = '\0';
		h = fnv1a(h, exe, strlen(exe));
		if (stat("/proc/self/exe", &st) == 0) {
			h = fnv1a(h, &st.st_size, sizeof st.st_size);
			h = fnv1a(h, &st.st_mtim, sizeof st.st_mtim);
		}
	}
	for (i = 0; i < 16; i++)
		signature[i] = hex[(h >> (60 - 4 * i)) & 0xfu];
	signature[16] = '\0';
	return signature;
}

/*
 * Expands VITPROF_FILE's patterns into out: %p pid, %h host, %e executable
 * name, %m the program's signature (program_signature), %%
 * percent; any other % sequence is kept as it is. Returns the
 * length, or 0 when the result does not fit in cap.
 */
size_t rt_expand_path(char *out, size_t cap, const char *pattern)
{
	size_t n = 0;
	const char *p;

	for (p = pattern; *p; p++) {
		char buf[VPR_PATH_MAX];
		const char *ins = buf;
		size_t len;

		if (p[0] != '%' || !p[1]) {
			buf[0] = *p;
			buf[1] = '\0';
		} else {
			switch (*++p) {
			case 'p':
				rt_u64_to_dec(buf, (uint64_t)getpid());
				break;
			case 'h':
				if (gethostname(buf, VPR_HOST_MAX) != 0)
					rt_strlcpy(buf, "unknown", sizeof buf);
				buf[VPR_HOST_MAX - 1] = '\0';
				break;
			case 'e': {
				ssize_t r = readlink("/proc/self/exe", buf, sizeof buf - 1);
				buf[r > 0 ? r : 0] = '\0';
				if (r <= 0)
					rt_strlcpy(buf, "program", sizeof buf);
				ins = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
				break;
			}
			case 'm':
				rt_strlcpy(buf, program_signature(), sizeof buf);
				break;
			case '%':
				rt_strlcpy(buf, "%", sizeof buf);
				break;
			default:
				buf[0] = '%';
				buf[1] = *p;
				buf[2] = '\0';
			}
		}
		len = strlen(ins);
		if (n + len >= cap)
			return 0;
		memcpy(out + n, ins, len);
		n += len;
	}
	out[n] = '\0';
	return n;
}

/* 1 if pattern has a %m (not %%m). */
static int pattern_merges(const char *pattern)
{
	const char *p;

	for (p = pattern; *p; p++) {
		if (p[0] != '%' || !p[1])
			continue;
		if (p[1] == 'm')
			return 1;
		p++;        /* skip the escaped character, e.g. %% */
	}
	return 0;
}

/*
 * Fills own (the file this process counts into) and pool (the merged
 * profile; "" when pattern has no %m) from pattern, each VPR_PATH_MAX
 * bytes. Returns 0, or -1 when a path does not fit.
 */
int rt_profile_paths(const char *pattern, char *own, char *pool)
{
	char pid[24];
	size_t n;

	pool[0] = '\0';
	if (!pattern_merges(pattern))
		return rt_expand_path(own, VPR_PATH_MAX, pattern) ? 0 : -1;
	n = rt_expand_path(pool, VPR_PATH_MAX, pattern);
	rt_u64_to_dec(pid, (uint64_t)getpid());
	if (!n || n + 1 + strlen(pid) + sizeof ".lock" > VPR_PATH_MAX) {
		pool[0] = '\0';
		return -1;
	}
	memcpy(own, pool, n);
	own[n] = '.';
	strcpy(own + n + 1, pid);
	return 0;
}
