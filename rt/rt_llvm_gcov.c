/* SPDX-License-Identifier: MIT */
/*
 * rt_llvm_gcov.c - what `clang --coverage` code calls instead of libgcov:
 * compiler-rt's GCDAProfiling.c entry points (llvm_gcov_init and the
 * llvm_gcda_* writer calls), so that clang's objects are recorded by
 * vitprof's gcov recording (rt_gcov.c) like GCC's.
 *
 * Clang gives the runtime no description of a unit. Each unit's constructor
 * calls llvm_gcov_init(writeout, reset) (rt_gcov_api.c, which starts the
 * runtime and calls rt_llvm_gcov_register here); writeout() is the unit's own
 * serializer: start_file(gcda path, version, stamp), then per function
 * emit_function(ident, lineno checksum, cfg checksum) and
 * emit_arcs(n, counters), summary_info(), end_file(). Here writeout() is
 * called twice at llvm_gcov_init, in discovery: once to count files and
 * functions, once to fill a GCC 12 gcov_info (struct rt_gcov_info12) per
 * file and a gcov_fn_info per function, in anonymous memory, pointing at
 * the unit's own counter arrays. Each is then registered with
 * rt_gcov_register(): a VPR_SEC_GCOV record keeps clang's version word
 * ("408*" for clang 14 to 16) and stamp, and the counters go into the raw
 * file as GCC's do. The tool writes the .gcda files offline
 * (tools/gcda_llvm.c); nothing here ever writes one.
 *
 * Outside discovery the llvm_gcda_* calls do nothing: nothing in this
 * runtime calls writeout() again (compiler-rt calls it at exit and from
 * __gcov_dump; here rt_gcov.c's __gcov_dump copies the counters). The
 * unit's reset() is not needed either: __gcov_reset zeroes the counters
 * through the gcov_fn_info built here.
 *
 * Limits (docs/gcov-support.md): the gcov_info lives outside the unit's
 * object, so rt_gcov.c cannot tell which object the unit belongs to; its
 * counters are copied (at exit, __gcov_dump, vitprof_dump, before exec),
 * never mapped in place, and a clang-instrumented library unloaded with
 * dlclose before exit is not noticed.
 *
 * Runs in constructors: no malloc, no stdio, errno preserved, never exit
 * or abort. Everything takes rt_g.lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "rt_gcov.h"
#include "rt_internal.h"

#define LLVM_API __attribute__((visibility("default"), no_instrument_function))

typedef void (*llvm_fn)(void);

/* Files one writeout may describe (one per compilation unit; more than one
 * only in an LTO-merged module). */
#define MAX_FILES 64u

/* One file (gcov_info) of a writeout, as discovered. */
struct llvm_file {
	struct rt_gcov_info12 *info;       /* pass 2 */
	uint32_t n_functions;              /* pass 1 counts them */
};

/*
 * The discovery in progress (the lock holder's). Pass 1 (fill == 0) counts
 * files and functions per file; pass 2 builds what pass 1 sized. A writeout
 * that disagrees with itself between the passes, or calls out of order,
 * sets failed: nothing of it is registered.
 */
struct discovery {
	int fill;
	int failed;
	int in_file;                       /* between start_file and end_file */
	uint32_t n_files;
	struct llvm_file files[MAX_FILES];
	struct gcov_fn_info *fn;           /* pass 2: function awaiting its arcs */
};

static struct discovery *disc;

/* Anonymous memory handed out in small pieces: the gcov_info blocks live
 * as long as the process (a unit's records are never freed). */
static unsigned char *arena;
static size_t arena_left;
#define ARENA_CHUNK 65536u

/* 8-aligned zeroed memory, or NULL. Caller holds rt_g.lock. */
static void *arena_alloc(size_t size)
{
	void *p;

	size = (size + 7) & ~(size_t)7;
	if (size > ARENA_CHUNK / 4)
		return rt_anon_alloc(size);
	if (size > arena_left) {
		arena = rt_anon_alloc(ARENA_CHUNK);
		arena_left = arena ? ARENA_CHUNK : 0;
		if (!arena)
			return NULL;
	}
	p = arena;
	arena += size;
	arena_left -= size;
	return p;
}

/* Every gcov_info needs merge[0] set: rt_gcov.c reads the counter kinds a
 * unit has from it. Never called. */
static void merge_none(int64_t *counters, uint32_t n)
{
	(void)counters;
	(void)n;
}

/* One gcov_fn_info with its one gcov_ctr_info (arcs), rounded to 8. */
#define FN_INFO_SIZE \
	((sizeof(struct gcov_fn_info) + sizeof(struct gcov_ctr_info) + 7) & ~(size_t)7)

/* A file's block: the gcov_info, its function pointers, the gcov_fn_infos,
 * the .gcda path. */
static size_t file_block_size(uint32_t n_functions, size_t path_len)
{
	return sizeof(struct rt_gcov_info12) + (size_t)n_functions * (sizeof(void *) + FN_INFO_SIZE)
	       + path_len + 1;
}

void llvm_gcda_start_file(const char *path, uint32_t version, uint32_t stamp) LLVM_API;
void llvm_gcda_emit_function(uint32_t ident, uint32_t lineno_checksum,
                             uint32_t cfg_checksum) LLVM_API;
void llvm_gcda_emit_arcs(uint32_t n_counters, uint64_t *counters) LLVM_API;
void llvm_gcda_summary_info(void) LLVM_API;
void llvm_gcda_end_file(void) LLVM_API;

/* A file starts: pass 1 counts it; pass 2 builds its gcov_info, with room
 * for the functions pass 1 counted. */
void llvm_gcda_start_file(const char *path, uint32_t version, uint32_t stamp)
{
	struct discovery *d = disc;
	struct llvm_file *f;
	struct rt_gcov_info12 *gi;
	size_t len;
	char *name;

	if (!d || d->failed)
		return;
	if (d->in_file || d->n_files >= MAX_FILES || !path) {
		d->failed = 1;
		return;
	}
	d->in_file = 1;
	f = &d->files[d->n_files++];
	if (!d->fill) {
		f->n_functions = 0;
		return;
	}
	len = strnlen(path, VPR_PATH_MAX);
	gi = len < VPR_PATH_MAX ? arena_alloc(file_block_size(f->n_functions, len)) : NULL;
	if (!gi) {
		d->failed = 1;
		return;
	}
	name = (char *)gi + file_block_size(f->n_functions, len) - len - 1;
	memcpy(name, path, len);
	name[len] = '\0';
	gi->version = version;              /* clang's own: the tool tells by it */
	gi->stamp = stamp;
	gi->checksum = 0;
	gi->filename = name;
	gi->merge[0] = merge_none;
	gi->n_functions = 0;                /* counts up as they come */
	gi->functions = (const struct gcov_fn_info *const *)(gi + 1);
	f->info = gi;
	d->fn = NULL;
}

void llvm_gcda_emit_function(uint32_t ident, uint32_t lineno_checksum, uint32_t cfg_checksum)
{
	struct discovery *d = disc;
	struct llvm_file *f;
	struct rt_gcov_info12 *gi;
	struct gcov_fn_info *fn;

	if (!d || d->failed)
		return;
	if (!d->in_file) {
		d->failed = 1;
		return;
	}
	f = &d->files[d->n_files - 1];
	if (!d->fill) {
		f->n_functions++;
		return;
	}
	gi = f->info;
	if (gi->n_functions >= f->n_functions) {
		d->failed = 1;                  /* more functions than pass 1 saw */
		return;
	}
	fn = (struct gcov_fn_info *)((unsigned char *)(gi + 1) + f->n_functions * sizeof(void *)
	                             + gi->n_functions * FN_INFO_SIZE);
	fn->key = (const struct gcov_info *)gi;
	fn->ident = ident;
	fn->lineno_checksum = lineno_checksum;
	fn->cfg_checksum = cfg_checksum;
	fn->ctrs[0].num = 0;
	fn->ctrs[0].values = NULL;
	((const struct gcov_fn_info **)(gi + 1))[gi->n_functions++] = fn;
	d->fn = fn;
}

void llvm_gcda_emit_arcs(uint32_t n_counters, uint64_t *counters)
{
	struct discovery *d = disc;

	if (!d || d->failed || !d->fill)
		return;
	if (!d->fn || d->fn->ctrs[0].values || (n_counters && !counters) ||
	    (uintptr_t)counters % sizeof(uint64_t)) {
		d->failed = 1;                  /* arcs without a function, or twice */
		return;
	}
	d->fn->ctrs[0].num = n_counters;
	d->fn->ctrs[0].values = (int64_t *)counters;
}

/* The run count is the tool's to write. */
void llvm_gcda_summary_info(void)
{
}

void llvm_gcda_end_file(void)
{
	struct discovery *d = disc;

	if (!d || d->failed)
		return;
	if (!d->in_file) {
		d->failed = 1;
		return;
	}
	if (d->fill && d->files[d->n_files - 1].info->n_functions !=
	               d->files[d->n_files - 1].n_functions)
		d->failed = 1;                  /* fewer functions than pass 1 saw */
	d->in_file = 0;
	d->fn = NULL;
}

/* Runs writeout() twice in discovery mode (count, then build); 0 when it
 * described itself the same way both times. Caller holds rt_g.lock. */
static int discover(llvm_fn writeout, struct discovery *d)
{
	uint32_t n_files;

	memset(d, 0, sizeof *d);
	disc = d;
	writeout();
	n_files = d->n_files;
	if (d->failed || d->in_file || n_files == 0) {
		disc = NULL;
		return -1;
	}
	d->n_files = 0;
	d->fill = 1;
	writeout();
	disc = NULL;
	return d->failed || d->in_file || d->n_files != n_files ? -1 : 0;
}

/*
 * llvm_gcov_init(writeout, reset) once the runtime has started (the entry
 * point is in rt_gcov_api.c): registers every file writeout describes; a
 * writeout this runtime cannot follow is counted as a lost section (one
 * line with VITPROF_VERBOSE). Takes rt_g.lock; preserves errno.
 */
void rt_llvm_gcov_register(void (*writeout)(void))
{
	struct discovery d;
	int saved_errno = errno, busy;
	uint32_t i;

	busy = rt_tls.busy;
	rt_tls.busy = 1;
	pthread_mutex_lock(&rt_g.lock);
	if (discover(writeout, &d) == 0) {
		for (i = 0; i < d.n_files; i++)
			rt_gcov_register((struct gcov_info *)d.files[i].info, &rt_gcov_layout_gcc12,
			                 (const void *)writeout);
	} else {
		if (rt_g.hdr)
			rt_g.hdr->lost_sections++;
		rt_log("a clang --coverage unit described itself in a way this runtime"
		       " does not follow; its counters are not recorded", NULL);
	}
	pthread_mutex_unlock(&rt_g.lock);
	rt_tls.busy = busy;
	errno = saved_errno;
}
