/* SPDX-License-Identifier: MIT */
/*
 * merge/raw_merge.h - the sum of raw profiles of one program (raw_merge.c),
 * `vitprof merge` of .vitraw files.
 */
#ifndef VITPROF_RAW_MERGE_H
#define VITPROF_RAW_MERGE_H

#include <stdint.h>

#include "read/raw_profile.h"

/* Sums raw profiles of one program into one raw_profile whose
 * addresses use a canonical module layout (a function of the set of
 * modules only, so merging is associative and commutative). */
struct raw_merge;
struct raw_merge *raw_merge_new(void);
/* Adds rp (read from rp->file) with weight w >= 1. Context-mode inputs
 * are merged as calling-context trees (by path) and give a context-mode
 * result; a context input among count/time inputs, or the other way round,
 * is refused. A different executable,
 * a module or gcov object whose build-id/stamp/checksums differ from those
 * already added is refused: one line naming rp->file and what differs,
 * -1 returned, the merge unchanged. A sum that would pass COUNT_MAX
 * (arc counters: GCOV_COUNT_MAX) is refused the same way ("count
 * overflow: ..."), but the merge is then spent: every later add fails and
 * raw_merge_result() must not be called. runs: runs rp stands for. */
int raw_merge_add(struct raw_merge *m, const struct raw_profile *rp, uint64_t w,
                  uint64_t runs);
/* The merged profile (owned by m, valid until raw_merge_free()), and the
 * runs it stands for. Call once, after the last add. */
const struct raw_profile *raw_merge_result(struct raw_merge *m, uint64_t *runs);
void raw_merge_free(struct raw_merge *m);

#endif /* VITPROF_RAW_MERGE_H */
