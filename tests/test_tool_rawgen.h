/* SPDX-License-Identifier: MIT */
/*
 * test_tool_rawgen.h - builds synthetic raw profiles (.vitraw) in memory
 * from the structures of rt/vitprof_raw.h, for the tool's tests: a valid
 * file to start from, then whatever corruption a test wants.
 *
 *   struct rawgen g;
 *   rg_begin(&g, VPR_MODE_COUNT);
 *   rg_module(&g, 0, "/bin/prog", 0x1000, 0x1000, 0x5000, NULL, 0);
 *   rg_modules_end(&g);
 *   struct rg_slot s[] = {{.site = 0x1234, .fn = 0x2000, .count = 5}};
 *   rg_table(&g, 1, 0, 1, 16, s, 1);
 *   rg_finish(&g);          // g.buf, g.size: the file image
 */
#ifndef TEST_TOOL_RAWGEN_H
#define TEST_TOOL_RAWGEN_H

#include <stddef.h>
#include <stdint.h>

#include "vitprof_raw.h"

#define RG_PAGE 4096u

struct rg_slot {
	uint64_t site, fn, count, total_ticks, self_ticks;
};

struct rawgen {
	unsigned char *buf;
	size_t size;               /* bytes written so far (page multiple) */
	size_t cap;
	uint32_t mode;
	uint32_t n_sections;
	size_t modules_at;         /* open modules section, 0 if none */
	size_t gcov_at;            /* open gcov section, 0 if none */
	uint32_t next_module_id;
};

/* The header (valid until the next rg_* call that adds a section). */
struct vpr_file_header *rg_hdr(struct rawgen *g);

/* Starts a file: a header page for mode (count or time, TSC clock with a
 * 3 ticks-per-ns calibration, state exited). */
void rg_begin(struct rawgen *g, uint32_t mode);

/* Adds one module record to the open modules section (opening one). */
void rg_module(struct rawgen *g, uint32_t id, const char *path, uint64_t load_bias,
               uint64_t lo, uint64_t hi, const uint8_t *build_id, unsigned build_id_len);
/* Closes the open modules section. */
void rg_modules_end(struct rawgen *g);

/* Adds an edge table section (capacity slots, a power of two >= n) holding
 * slots[0..n), each where vpr_edges_probe() puts its key. Returns the
 * section's offset. */
size_t rg_table(struct rawgen *g, uint64_t shard_id, uint32_t generation, uint32_t live,
                uint64_t capacity, const struct rg_slot *slots, size_t n);

/* Adds an ARCS section whose data holds values[0..n) (a page of header,
 * then the data pages). Returns the section's offset. */
size_t rg_arcs(struct rawgen *g, uint32_t arcs_id, uint32_t mode, uint64_t base,
               const uint64_t *values, size_t n, uint64_t n_copies);

/* Adds one gcov object record to the open gcov section (opening one):
 * n functions, the i-th with n_arcs[i] counters at arcs_offset[i]. */
void rg_gcov_object(struct rawgen *g, uint32_t arcs_id, uint32_t version, uint32_t stamp,
                    const char *gcda, size_t n, const uint32_t *n_arcs,
                    const uint64_t *arcs_offset);
/* Closes the open gcov section. */
void rg_gcov_end(struct rawgen *g);

/* rg_sample(g, VPR_MODE_COUNT) plus an in-place ARCS section (id 1, 6
 * counters 10..15) and a copy-mode one (id 2, 2 counters 7, 9), and one
 * gcov object for each: "/o/a.gcda" (functions of 4 and 2 counters) and
 * "/o/b.gcda" (one function of 2 counters). */
void rg_sample_gcov(struct rawgen *g);

/* Sets header.end and n_sections. */
void rg_finish(struct rawgen *g);

/* A small valid file: modules, two shards of count or time mode. */
void rg_sample(struct rawgen *g, uint32_t mode);

/* Writes the image to path. Returns 0 or -1. */
int rg_write(const struct rawgen *g, const char *path);

/* Records every object loaded in this process that has a path (the
 * executable first, id 0), with its build-id, as the runtime does. */
void rg_self_modules(struct rawgen *g);

void rg_free(struct rawgen *g);

#endif
