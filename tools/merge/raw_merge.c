/* SPDX-License-Identifier: MIT */
/*
 * raw_merge.c - `vitprof merge` of raw profiles: each input is read into
 * memory, validated by the raw reader (which names what is wrong and
 * where), and added to the one merge core, rt/vpr_merge.c, that the
 * runtime's online merge (`%m`) uses too; the result is the core's
 * canonical image, read back as a self-check. So a `%m` pool and a
 * `vitprof merge` of the same runs are the same bytes (docs/merge.md).
 *
 * Memory for the core comes from malloc in chunks that raw_merge_free()
 * releases all at once; out of memory ends the tool (tool_oom).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/tool.h"
#include "merge/raw_merge.h"
#include "read/raw_profile.h"
#include "vpr_merge.h"

#define CHUNK_MIN ((size_t)1 << 20)
#define READ_ATTEMPTS 3

struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct raw_merge {
	struct chunk *chunks;
	struct vpm *m;
};

static void *chunk_alloc(void *ctx, size_t n)
{
	struct raw_merge *rm = ctx;
	struct chunk *c = rm->chunks;
	void *p;

	n = (n + 15u) & ~(size_t)15u;
	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
		c = xmalloc(sizeof *c + size);
		c->size = size;
		c->used = 0;
		c->next = rm->chunks;
		rm->chunks = c;
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

struct raw_merge *raw_merge_new(void)
{
	struct raw_merge *rm = xcalloc(1, sizeof *rm);
	struct vpm_alloc a;

	a.alloc = chunk_alloc;
	a.ctx = rm;
	rm->m = vpm_new(&a);
	return rm;
}

/* The whole file at path, in memory. 0 or -1 (reported). */
static int read_bytes(const char *path, unsigned char **data, size_t *size)
{
	struct stat st;
	unsigned char *p;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return tool_error(path, "cannot open: %s", strerror(errno)), -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		tool_error(path, "%s", errno ? strerror(errno) : "not a regular file");
		close(fd);
		return -1;
	}
	p = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = pread(fd, p + got, (size_t)st.st_size - got, (off_t)got);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	*data = p;
	*size = got;
	return 0;
}

/* Adds data, which the raw reader accepted, to the core. 0 or -1 (reported). */
static int add_checked(struct raw_merge *rm, const void *data, size_t size, uint64_t w,
                       const char *name)
{
	const char *unknown;
	uint64_t n;

	if (vpm_add(rm->m, data, size, w, name) != 0) {
		tool_error(name, "%s", vpm_why(rm->m));
		return -1;
	}
	n = vpm_unknown_gcov(rm->m, &unknown);
	if (n)
		tool_warn(name, "gcov object %s%s: counts unknown (killed before the first copy), "
		          "not merged", unknown, n > 1 ? " and others" : "");
	return 0;
}

/* The raw reader's verdict on data (it says what is wrong unless muted). */
static int validate(const void *data, size_t size, const char *name)
{
	struct raw_profile rp;
	int rc;

	memset(&rp, 0, sizeof rp);
	rc = raw_profile_read_mem(data, size, name, &rp);
	raw_profile_free(&rp);
	return rc;
}

int raw_merge_add_mem(struct raw_merge *rm, const void *data, size_t size, uint64_t w,
                      const char *name)
{
	if (validate(data, size, name) != 0)
		return -1;
	return add_checked(rm, data, size, w, name);
}

int raw_merge_add_file(struct raw_merge *rm, const char *path, uint64_t w)
{
	unsigned char *data = NULL;
	size_t size = 0;
	int attempt, rc = -1;

	/* A running program may change its file while it is read: read it
	 * again when the snapshot does not validate and the program runs. */
	for (attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
		free(data);
		if (read_bytes(path, &data, &size) != 0)
			return -1;
		tool_error_mute(1);
		rc = validate(data, size, path);
		tool_error_mute(0);
		if (rc == 0 || size < sizeof(struct vpr_file_header) ||
		    ((const struct vpr_file_header *)data)->state != VPR_STATE_RUNNING)
			break;
	}
	if (rc != 0)
		validate(data, size, path);           /* again, to say what is wrong */
	else
		rc = add_checked(rm, data, size, w, path);  /* the core copies what it keeps */
	free(data);
	return rc;
}

int raw_merge_image(struct raw_merge *rm, unsigned char **data, size_t *size)
{
	struct raw_profile check;
	uint64_t n = vpm_size(rm->m);
	unsigned char *img;
	int rc;

	*data = NULL;
	*size = 0;
	if (!n) {
		tool_error(NULL, "merge: %s", vpm_why(rm->m));
		return -1;
	}
	img = xcalloc(1, n);
	vpm_write(rm->m, img);
	/* Self-check: what is written must read back. */
	tool_error_mute(1);
	memset(&check, 0, sizeof check);
	rc = raw_profile_read_mem(img, n, "<merged>", &check);
	raw_profile_free(&check);
	tool_error_mute(0);
	if (rc != 0) {
		tool_error(NULL, "merge: internal error: the merged raw profile does not read back "
		           "(%s)", tool_last_error());
		free(img);
		return -1;
	}
	*data = img;
	*size = n;
	return 0;
}

void raw_merge_free(struct raw_merge *rm)
{
	if (!rm)
		return;
	while (rm->chunks) {
		struct chunk *c = rm->chunks;
		rm->chunks = c->next;
		free(c);
	}
	free(rm);
}
