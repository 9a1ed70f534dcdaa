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

/* Trace mode: one id table entry (struct vpr_edge_trace). */
struct rg_trace_id {
	uint64_t site, fn, count;
	uint32_t id, flags;
};

/* Trace mode: an event stream being encoded (rt/vitprof_raw.h, "Trace
 * mode"): rg_ev_* append one event each. */
struct rg_events {
	unsigned char *buf;
	size_t len, cap;
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
	size_t names_at;           /* open names section, 0 if none */
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

/* ---- trace mode ---------------------------------------------------------- */

/* Adds a trace-mode id table (entry_size 32) holding ids[0..n) placed by
 * the probe, n_used = n. Returns the section's offset. */
size_t rg_trace_table(struct rawgen *g, uint64_t shard_id, uint32_t generation,
                      uint32_t live, uint64_t capacity, const struct rg_trace_id *ids,
                      size_t n);

/* Appends raw LEB128 values / bytes to an event stream. */
void rg_uleb(struct rg_events *e, uint64_t v);
void rg_sleb(struct rg_events *e, int64_t v);
void rg_ev_bytes(struct rg_events *e, const void *p, size_t n);
/* One event each: ENTER of id, EXIT, INSTANT / COUNTER / TAG (name ids),
 * OPEN (id, ticks from the frame's start to the chunk's base_tick). */
void rg_ev_enter(struct rg_events *e, uint64_t id, uint64_t dt);
void rg_ev_exit(struct rg_events *e, uint64_t dt);
void rg_ev_instant(struct rg_events *e, uint64_t dt, uint64_t name);
void rg_ev_counter(struct rg_events *e, uint64_t dt, uint64_t name, int64_t value);
void rg_ev_tag(struct rg_events *e, uint64_t name);
void rg_ev_open(struct rg_events *e, uint64_t id, uint64_t ticks);
void rg_ev_free(struct rg_events *e);

/* Adds a trace chunk section: events ev[0..len) (used = len), data_size
 * = room (0: len), data at offset 128 of the section. Returns the
 * section's offset. */
size_t rg_trace_chunk(struct rawgen *g, uint64_t shard_id, uint64_t tid, uint64_t seq,
                      uint64_t base_tick, uint64_t depth, uint32_t flags,
                      const unsigned char *ev, size_t len, size_t room);
#define RG_CHUNK_DATA 128u      /* vpr_trace.data_offset of rg_trace_chunk() */

/* Adds a name (VPR_NAME_STRING) / a thread's name (VPR_NAME_THREAD) to the
 * open names section (opening one); rg_names_end() closes it. */
void rg_name(struct rawgen *g, uint32_t id, const char *name);
void rg_thread_name(struct rawgen *g, uint64_t tid, const char *name);
void rg_names_end(struct rawgen *g);

/*
 * A small trace-mode file (CLOCK_MONOTONIC: ticks are ns), modules as
 * rg_sample(). Names: 1 "phase", 2 "ev", 3 "ctr", 4 "tagA"; thread 101 is
 * "worker-a".
 *   shard 1, tid 101: ids 1 (0x11005 -> 0x12000), 2 (0x12010 -> 0x13000),
 *     3 (0x11020 -> scope "phase"); chunk seq 1 at 1000, seq 2 at 1050:
 *     1000 ENTER 0x12000 [tag "tagA"]
 *     1010   ENTER 0x13000    1030 EXIT
 *     1035   ENTER 0x13000    1040 EXIT
 *     1040   INSTANT "ev"
 *     1050   ENTER phase  1060 COUNTER "ctr" = -5  1070 EXIT
 *     1100 EXIT
 *   shard 2, tid 102: id 1 (0x11005 -> 0x12000); chunk seq 1 at 2000:
 *     2000 ENTER 0x12000   2050 INSTANT "ev"   (open: closed at 2050)
 */
void rg_sample_trace(struct rawgen *g);

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
