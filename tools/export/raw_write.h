/* SPDX-License-Identifier: MIT */
/*
 * export/raw_write.h - a raw profile written back as a version-1 .vitraw
 * file (raw_write.c), as `vitprof merge` of raw profiles does.
 */
#ifndef VITPROF_RAW_WRITE_H
#define VITPROF_RAW_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "read/raw_profile.h"

/* Writes rp as a version-1 raw profile to path, through a
 * temporary file renamed into place. rp's edges must be unique per (site,
 * fn) and, in time mode, its ticks convert to ns with calib_dtick/calib_dns.
 * runs > 0 marks the file as the sum of that many runs (header
 * merged_runs). The image is read back with raw_profile_read_mem() before
 * it is written. Returns 0 or -1 after reporting. */
int raw_profile_write(const char *path, const struct raw_profile *rp, uint64_t runs);
/* Same into a malloc'd image (*data, *size; freed by the caller). */
int raw_profile_image(const struct raw_profile *rp, uint64_t runs,
                      unsigned char **data, size_t *size);
/* Runs a raw profile at path stands for: its merged-runs count, else 1. */
uint64_t raw_profile_runs(const char *path);

#endif /* VITPROF_RAW_WRITE_H */
