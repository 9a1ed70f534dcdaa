/* SPDX-License-Identifier: MIT */
/*
 * gcno_read.c - reads GCC's .gcno notes (the compiler's flow graphs: per
 * function its blocks, arcs and source lines) into plain memory, trusting
 * nothing in the file.
 *
 * Layout (../shared/reference/gcc12-gcov.md, section 4): 32-bit words in
 * the writer's byte order (a byte-swapped magic says the file is swapped);
 * a header, then records "tag, length, payload". GCC >= 12 counts lengths
 * and strings in bytes and does not pad strings; GCC 10 and 11 count both
 * in words and pad strings with NULs. The layout is chosen from the version
 * word, never guessed. Clang's default "408*" (gcov_llvm.h) is GCC 4.8's
 * layout: as GCC 10 and 11 in words, but no cwd and no unexecuted-blocks
 * word in the header, a FUNCTION record without the artificial flag,
 * columns and end line, and BLOCKS holding one flags word per block.
 *
 * Every read is checked against the end of its record and of the file;
 * block indices against the function's BLOCKS count. The first problem is
 * reported as one line "vitprof: PATH: WHAT at offset 0x..." and -1 is
 * returned; no partial result is kept.
 */
#define _GNU_SOURCE
#include <byteswap.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "read/gcov_files.h"
#include "read/gcov_llvm.h"

#define uthash_fatal(msg) tool_oom()
#include <uthash.h>

#define GCNO_MAGIC 0x67636e6fu
#define TAG_FUNCTION 0x01000000u
#define TAG_BLOCKS 0x01410000u
#define TAG_ARCS 0x01430000u
#define TAG_LINES 0x01450000u

/* A record's tag is a sub-tag of FUNCTION (the same top byte, lower bits). */
#define TAG_IS_SUBTAG(parent, tag) \
	(((tag) & 0xff000000u) == ((parent) & 0xff000000u) && (tag) != (parent))

/* ---- strings: one copy of each, owned by the gcno_file -------------------- */

struct pooled_string {
	UT_hash_handle hh;
	char s[];
};

struct string_pool {
	struct pooled_string *all;
};

/* The pool's copy of s[0..len) (len without the NUL). */
static const char *pool_intern(struct string_pool *p, const char *s, size_t len)
{
	struct pooled_string *e;

	HASH_FIND(hh, p->all, s, len, e);
	if (e)
		return e->s;
	e = xmalloc(sizeof *e + len + 1);
	memcpy(e->s, s, len);
	e->s[len] = '\0';
	HASH_ADD_KEYPTR(hh, p->all, e->s, len, e);
	return e->s;
}

static void pool_free(struct string_pool *p)
{
	struct pooled_string *e, *t;

	if (!p)
		return;
	HASH_ITER(hh, p->all, e, t) {
		HASH_DEL(p->all, e);
		free(e);
	}
	free(p);
}

/* ---- the cursor ------------------------------------------------------------ */

/* A string: *s = NULL for the NULL string (length 0). GCC >= 12: byte length
 * including the NUL; GCC 10, 11: length in words, NUL padded. */
static int get_string(struct gcov_cursor *c, struct string_pool *pool, const char **s)
{
	size_t at = c->pos, bytes;
	uint32_t len;
	const char *p;

	if (gcov_get_u32(c, &len) != 0)
		return -1;
	*s = NULL;
	if (len == 0)
		return 0;
	bytes = c->major >= 12 ? (size_t)len : (size_t)len * 4;
	if (bytes > c->end - c->pos)
		return gcov_bad(c, at, "string of %zu bytes runs past the end of its record", bytes);
	p = (const char *)c->data + c->pos;
	if (!memchr(p, '\0', bytes))
		return gcov_bad(c, at, "string is not NUL-terminated");
	*s = pool_intern(pool, p, strlen(p));
	c->pos += bytes;
	return 0;
}


/* ---- one function being read ------------------------------------------------ */

/* A location before it is placed: which block, in what order. */
struct pending_loc {
	uint32_t block;
	uint32_t seq;
	struct gcno_location loc;
};

struct fn_builder {
	struct gcno_function *fn;
	unsigned char *has_arcs;    /* per block: its ARCS record was seen */
	struct pending_loc *locs;
	size_t n_locs, cap_locs;
	size_t cap_arcs;
};

/* Makes room for element n of *arr (capacity *cap). */
static void grow(void **arr, size_t *cap, size_t n, size_t elsize)
{
	size_t ncap;

	if (n < *cap)
		return;
	ncap = *cap ? *cap : 16;
	while (ncap <= n) {
		if (ncap > SIZE_MAX / 2)
			tool_oom();
		ncap *= 2;
	}
	*arr = xreallocarray(*arr, ncap, elsize);
	*cap = ncap;
}

static int cmp_pending(const void *a, const void *b)
{
	const struct pending_loc *x = a, *y = b;

	if (x->block != y->block)
		return x->block < y->block ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Moves the collected locations into fn->locs, grouped by block in the
 * order they were read, and points each block at its share. */
static int fn_finish(struct gcov_cursor *c, struct fn_builder *b)
{
	struct gcno_function *fn = b->fn;
	size_t i;

	if (!fn)
		return 0;
	if (b->n_locs) {
		qsort(b->locs, b->n_locs, sizeof *b->locs, cmp_pending);
		fn->locs = xcalloc(b->n_locs, sizeof *fn->locs);
		for (i = 0; i < b->n_locs; i++)
			fn->locs[i] = b->locs[i].loc;
		fn->n_locs = b->n_locs;
		for (i = 0; i < b->n_locs; i++) {
			struct gcno_block *blk = &fn->blocks[b->locs[i].block];
			if (!blk->locs)
				blk->locs = &fn->locs[i];
			blk->n_locs++;
		}
	}
	free(b->locs);
	free(b->has_arcs);
	memset(b, 0, sizeof *b);
	return 0;
}

static int read_blocks(struct gcov_cursor *c, struct fn_builder *b, size_t rec)
{
	struct gcno_function *fn = b->fn;
	uint32_t n;

	if (fn->blocks || fn->n_blocks)
		return gcov_bad(c, rec, "second BLOCKS record for function '%s'", fn->name);
	if (c->major == GCOV_MAJOR_LLVM)
		n = (uint32_t)((c->end - c->pos) / 4);  /* one flags word per block */
	else if (gcov_get_u32(c, &n) != 0)
		return -1;
	/* Every block but EXIT has an arc (8 bytes) in the file. */
	if (n < 2 || n > c->size / 8 + 2)
		return gcov_bad(c, rec, "function '%s' has %" PRIu32 " blocks", fn->name, n);
	fn->blocks = xcalloc(n, sizeof *fn->blocks);
	b->has_arcs = xcalloc(n, 1);
	fn->n_blocks = n;
	return 0;
}

static int read_arcs(struct gcov_cursor *c, struct fn_builder *b, size_t rec)
{
	struct gcno_function *fn = b->fn;
	size_t n_dests;
	uint32_t src, i;

	if (!fn->n_blocks)
		return gcov_bad(c, rec, "ARCS before BLOCKS in function '%s'", fn->name);
	if (gcov_get_u32(c, &src) != 0)
		return -1;
	if (src >= fn->n_blocks)
		return gcov_bad(c, c->pos - 4, "arc source block %" PRIu32 " of %" PRIu32
		           " in function '%s'", src, fn->n_blocks, fn->name);
	if (b->has_arcs[src])
		return gcov_bad(c, rec, "second ARCS record for block %" PRIu32 " in function '%s'",
		           src, fn->name);
	b->has_arcs[src] = 1;
	n_dests = (c->end - c->pos) / 8;
	for (i = 0; i < n_dests; i++) {
		struct gcno_arc a;

		a.src = src;
		if (gcov_get_u32(c, &a.dst) != 0 || gcov_get_u32(c, &a.flags) != 0)
			return -1;
		if (a.dst >= fn->n_blocks)
			return gcov_bad(c, c->pos - 8, "arc destination block %" PRIu32 " of %" PRIu32
			           " in function '%s'", a.dst, fn->n_blocks, fn->name);
		grow((void **)&fn->arcs, &b->cap_arcs, fn->n_arcs, sizeof *fn->arcs);
		fn->arcs[fn->n_arcs++] = a;
		if (!(a.flags & GCOV_ARC_ON_TREE)) {
			if (fn->n_counters == UINT32_MAX)
				return gcov_bad(c, rec, "too many arcs in function '%s'", fn->name);
			fn->n_counters++;
		}
	}
	return 0;
}

static int read_lines(struct gcov_cursor *c, struct fn_builder *b, struct string_pool *pool,
                      size_t rec)
{
	struct gcno_function *fn = b->fn;
	const char *file = NULL;
	uint32_t block;

	if (!fn->n_blocks)
		return gcov_bad(c, rec, "LINES before BLOCKS in function '%s'", fn->name);
	if (gcov_get_u32(c, &block) != 0)
		return -1;
	if (block >= fn->n_blocks)
		return gcov_bad(c, c->pos - 4, "line block %" PRIu32 " of %" PRIu32 " in function '%s'",
		           block, fn->n_blocks, fn->name);
	for (;;) {
		size_t at = c->pos;
		uint32_t line;
		struct pending_loc *p;

		if (gcov_get_u32(c, &line) != 0)
			return -1;
		if (line == 0) {
			if (get_string(c, pool, &file) != 0)
				return -1;
			if (!file)
				return 0;
			continue;
		}
		if (!file)
			return gcov_bad(c, at, "line %" PRIu32 " before any file name in function '%s'",
			           line, fn->name);
		grow((void **)&b->locs, &b->cap_locs, b->n_locs, sizeof *b->locs);
		p = &b->locs[b->n_locs];
		p->block = block;
		p->seq = (uint32_t)b->n_locs;
		p->loc.file = file;
		p->loc.line = line;
		b->n_locs++;
	}
}

static int read_function(struct gcov_cursor *c, struct gcno_function *fn,
                         struct string_pool *pool)
{
	uint32_t art;

	if (c->major == GCOV_MAJOR_LLVM) {
		/* GCC 4.8: no artificial flag, columns or end line. */
		if (gcov_get_u32(c, &fn->ident) != 0 || gcov_get_u32(c, &fn->lineno_checksum) != 0 ||
		    gcov_get_u32(c, &fn->cfg_checksum) != 0 || get_string(c, pool, &fn->name) != 0 ||
		    get_string(c, pool, &fn->source) != 0 || gcov_get_u32(c, &fn->start_line) != 0)
			return -1;
		if (!fn->name)
			fn->name = "";
		return 0;
	}
	if (gcov_get_u32(c, &fn->ident) != 0 || gcov_get_u32(c, &fn->lineno_checksum) != 0 ||
	    gcov_get_u32(c, &fn->cfg_checksum) != 0 || get_string(c, pool, &fn->name) != 0 ||
	    gcov_get_u32(c, &art) != 0 || get_string(c, pool, &fn->source) != 0 ||
	    gcov_get_u32(c, &fn->start_line) != 0)
		return -1;
	/* The columns and the end line came in over GCC 8 to 10: read those
	 * the record has. */
	if (c->pos < c->end && gcov_get_u32(c, &fn->start_column) != 0)
		return -1;
	if (c->pos < c->end && gcov_get_u32(c, &fn->end_line) != 0)
		return -1;
	if (c->pos < c->end && gcov_get_u32(c, &fn->end_column) != 0)
		return -1;
	fn->artificial = art != 0;
	if (!fn->name)
		fn->name = "";
	return 0;
}

static void function_free(struct gcno_function *fn)
{
	free(fn->blocks);
	free(fn->arcs);
	free(fn->locs);
}

/* ---- the file --------------------------------------------------------------- */

static int parse(struct gcov_cursor *c, struct gcno_file *out)
{
	struct string_pool *pool = out->pool;
	struct fn_builder b;
	size_t cap_fns = 0;
	uint32_t word;
	int in_function = 0;

	memset(&b, 0, sizeof b);
	if (gcov_read_header(c, GCNO_MAGIC, ".gcno", &out->version, &out->stamp,
	                     &out->checksum) != 0)
		return -1;
	if (c->major != GCOV_MAJOR_LLVM &&
	    (get_string(c, pool, &out->cwd) != 0 || gcov_get_u32(c, &word) != 0))
		return -1;

	while (c->pos < c->size) {
		size_t rec = c->pos, bytes;
		uint32_t tag, length;
		int rc = 0;

		c->end = c->size;
		if (gcov_get_u32(c, &tag) != 0)
			goto fail;
		if (tag == 0)
			break;
		if (gcov_get_u32(c, &length) != 0)
			goto fail;
		bytes = gcov_record_bytes(c, length);
		if (bytes > c->size - c->pos) {
			gcov_bad(c, rec, "record 0x%08" PRIx32 " of %zu bytes runs past the end of the"
			    " file", tag, bytes);
			goto fail;
		}
		c->end = c->pos + bytes;
		if (tag == TAG_FUNCTION) {
			struct gcno_function *fn;

			if (fn_finish(c, &b) != 0)
				goto fail;
			grow((void **)&out->functions, &cap_fns, out->n_functions,
			     sizeof *out->functions);
			fn = &out->functions[out->n_functions++];
			memset(fn, 0, sizeof *fn);
			b.fn = fn;
			in_function = 1;
			rc = read_function(c, fn, pool);
		} else if (in_function && tag == TAG_BLOCKS) {
			rc = read_blocks(c, &b, rec);
		} else if (in_function && tag == TAG_ARCS) {
			rc = read_arcs(c, &b, rec);
		} else if (in_function && tag == TAG_LINES) {
			rc = read_lines(c, &b, pool, rec);
		} else if (in_function && !TAG_IS_SUBTAG(TAG_FUNCTION, tag)) {
			/* Another kind of record ends the function's records. */
			if (fn_finish(c, &b) != 0)
				goto fail;
			in_function = 0;
		}
		/* Unknown sub-records (GCC 14's CONDS) are skipped by length. */
		if (rc != 0)
			goto fail;
		c->pos = c->end;
	}
	if (fn_finish(c, &b) != 0)
		goto fail;
	for (size_t i = 0; i < out->n_functions; i++)
		if (!out->functions[i].n_blocks)
			return gcov_bad(c, c->size, "function '%s' has no BLOCKS record",
			           out->functions[i].name);
	return 0;
fail:
	free(b.locs);
	free(b.has_arcs);
	return -1;
}

int gcno_read_mem(const void *data, size_t size, const char *name, struct gcno_file *out)
{
	struct gcov_cursor c;

	memset(out, 0, sizeof *out);
	memset(&c, 0, sizeof c);
	c.data = data;
	c.size = size;
	out->path = xstrdup(name ? name : "");
	out->pool = xcalloc(1, sizeof(struct string_pool));
	if (parse(&c, out) != 0) {
		tool_error(name, "%s", c.err[0] ? c.err : "unreadable .gcno file");
		gcno_free(out);
		return -1;
	}
	return 0;
}

int gcno_read(const char *path, struct gcno_file *out)
{
	unsigned char *data;
	size_t size;
	int rc;

	memset(out, 0, sizeof *out);
	if (gcov_file_load(path, &data, &size) != 0)
		return -1;
	rc = gcno_read_mem(data, size, path, out);
	free(data);
	return rc;
}

void gcno_free(struct gcno_file *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_functions; i++)
		function_free(&g->functions[i]);
	free(g->functions);
	free(g->path);
	pool_free(g->pool);
	memset(g, 0, sizeof *g);
}
