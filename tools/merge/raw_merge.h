/* SPDX-License-Identifier: MIT */
/*
 * merge/raw_merge.h - `vitprof merge` of raw profiles (raw_merge.c), through
 * the merge core the runtime's %m uses (rt/vpr_merge.h: canonical layout,
 * sums by identity, weights, overflow refused; docs/merge.md).
 */
#ifndef VITPROF_RAW_MERGE_H
#define VITPROF_RAW_MERGE_H

#include <stddef.h>
#include <stdint.h>

struct raw_merge;
struct raw_merge *raw_merge_new(void);
/* Reads, validates and adds the raw profile at path with weight w >= 1.
 * A bad file, another program, build or mode, or a sum past its limit
 * ("count overflow: ...") is one line naming path and -1; a sum past its
 * limit also spends the merge (every later call fails). */
int raw_merge_add_file(struct raw_merge *m, const char *path, uint64_t w);
/* Same for a raw profile image in memory; name is used in messages and
 * must outlive the merge. */
int raw_merge_add_mem(struct raw_merge *m, const void *data, size_t size, uint64_t w,
                      const char *name);
/* The merged raw profile image (*data malloc'd, freed by the caller), read
 * back as a self-check. Call once, after the last add. 0 or -1. */
int raw_merge_image(struct raw_merge *m, unsigned char **data, size_t *size);
void raw_merge_free(struct raw_merge *m);

#endif /* VITPROF_RAW_MERGE_H */
