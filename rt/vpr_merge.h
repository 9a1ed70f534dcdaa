/* SPDX-License-Identifier: MIT */
/*
 * vpr_merge.h - the one merge of raw profiles (format tier, beside
 * vitprof_raw.h): the runtime's online merge (`%m` in VITPROF_FILE,
 * rt_merge.c) and `vitprof merge` of raw profiles (tools/cli/cmd_merge.c)
 * both parse their inputs and add them here, so a pool and a `vitprof
 * merge` of the same runs are the same bytes.
 *
 * Malloc-free: every byte it needs comes from the allocator the caller
 * passes (the runtime: anonymous mappings; the tool: malloc), all freed at
 * once by the caller when the merge is done. No stdio, no locks, no
 * global state; it never exits or aborts. Inputs are untrusted: every
 * offset, size and count is checked before it is followed.
 *
 * The rules (docs/merge.md): inputs must be profiles of one build of one
 * program recorded in compatible modes; every address is turned into
 * (object, ELF address) with its run's own module records and placed in a
 * canonical layout that depends only on the set of objects; edges sum by
 * (site, callee), context nodes by path, gcov counters by .gcda path and
 * function, value profiles as libgcov merges a run into a .gcda (in input
 * order); every count is multiplied by its input's weight; times become
 * nanoseconds. A sum past its limit (2^64-1; 2^63-1 for gcov counters)
 * refuses the input that made it. The output is written in one canonical
 * order, so merging is associative and commutative byte for byte (value
 * profiles aside, which follow input order as libgcov does).
 */
#ifndef VITPROF_VPR_MERGE_H
#define VITPROF_VPR_MERGE_H

#include <stddef.h>
#include <stdint.h>

/* size bytes aligned to 16, or NULL when out of memory. Never freed one by
 * one: the caller releases everything after vpm_write(). */
struct vpm_alloc {
	void *(*alloc)(void *ctx, size_t size);
	void *ctx;
};

/* Why the last call failed. */
#define VPM_OK 0
#define VPM_BAD_INPUT 1         /* not a valid raw profile */
#define VPM_MISMATCH 2          /* another program, build, object or mode */
#define VPM_OVERFLOW 3          /* a sum past its limit */
#define VPM_NO_MEMORY 4

struct vpm;

/* A new, empty merge, or NULL when the allocator fails. */
struct vpm *vpm_new(const struct vpm_alloc *a);

/*
 * Adds the raw profile image[0, size) with weight w (>= 1); name is used in
 * messages and must outlive the merge. Returns 0, or -1 with vpm_error()
 * and vpm_why() set; after a failure the merge refuses every later call.
 */
int vpm_add(struct vpm *m, const void *image, uint64_t size, uint64_t w, const char *name);

/* Size in bytes of the merged image (0 with vpm_why() when it cannot be
 * made: no input, a failed add, out of memory). Call once after the last
 * vpm_add(). */
uint64_t vpm_size(struct vpm *m);

/* Writes the merged image to out, vpm_size() bytes, zeroed by the caller. */
void vpm_write(struct vpm *m, void *out);

int vpm_error(const struct vpm *m);
const char *vpm_why(const struct vpm *m);

/* gcov objects of unknown counts (a copy-mode arcs section never copied:
 * killed before its first dump) the last vpm_add() skipped, and the .gcda
 * path of the first. Such an object stays in the output with its counts
 * unknown (n_copies 0) until an input knows them. */
uint64_t vpm_unknown_gcov(const struct vpm *m, const char **first_path);

#endif /* VITPROF_VPR_MERGE_H */
