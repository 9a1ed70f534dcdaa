/* SPDX-License-Identifier: MIT */
/*
 * read/raw_profile.h - the raw profile the runtime writes (.vitraw, format
 * in rt/vitprof_raw.h), read and validated by raw_read.c into plain data:
 * modules, call edges, time records, calling-context nodes and the arc
 * counters of gcov objects, with runtime addresses as recorded.
 */
#ifndef VITPROF_RAW_PROFILE_H
#define VITPROF_RAW_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "read/gcov_values.h"
#include "read/trace_read.h"
#include "vitprof_raw.h"

struct raw_module {
	uint32_t id;                /* process-wide module id, from 0 */
	uint64_t load_bias;         /* runtime address = ELF vaddr + load_bias */
	uint64_t lo, hi;            /* runtime range [lo, hi) */
	uint8_t build_id_len;       /* 0: the object had no build-id */
	uint8_t build_id[VPR_BUILD_ID_MAX];
	char *path;                 /* owned, NUL-terminated */
};

/* One call edge of one thread shard (runtime addresses, as recorded). */
struct raw_edge {
	uint64_t site;              /* return address in the caller */
	uint64_t fn;                /* callee entry address */
	uint64_t count;
	uint64_t total_ticks;       /* time mode; 0 in count mode */
	uint64_t self_ticks;        /* time mode; 0 in count mode */
};

/* Context modes: one calling-context node of one shard (raw_read.c has
 * checked that parent is 0 or the id of an earlier node of the same shard).
 * Context profiles also get one raw_edge per node (site, fn, count, ticks),
 * so that every command that reads edges works on them. */
struct raw_ctx_node {
	uint64_t shard_id;
	uint64_t id;                /* from 1, unique within the shard */
	uint64_t parent;            /* 0: a root */
	uint64_t fn;                /* callee entry address */
	uint64_t site;              /* call site of the first call */
	uint64_t count;
	uint64_t total_ticks;       /* context+time mode; else 0 */
	uint64_t self_ticks;
};

/* Time mode: one function record of one shard. */
struct raw_function {
	uint64_t fn;                /* entry address */
	uint64_t total_ticks;       /* inclusive ticks of outermost activations */
};

/* One gcov object (compilation unit built with -fprofile-arcs) and its
 * arc counters, as the runtime recorded them. */
struct raw_gcov_object {
	char *gcda_path;            /* gcov_info.filename (owned) */
	uint32_t version, stamp, checksum;
	uint32_t counter_mask;      /* bit t: counter kind t present */
	int has_kinds;              /* the value kinds were recorded (vitprof >= 0.3) */
	uint32_t arcs_mode;         /* VPR_ARCS_IN_PLACE or VPR_ARCS_COPY */
	uint64_t object;            /* its loaded object (vpr_arcs.object); 0 unknown */
	int counts_known;           /* 0: copy mode, never copied (killed) */
	struct gcov_counters *functions;   /* gcov_info order; arcs owned. A
	                               COMDAT copy the linker dropped is all
	                               zero (ident 0, n_arcs 0, arcs NULL) */
	size_t n_functions;
};

/* Trace mode: one entry of a shard's id table (struct vpr_edge_trace). */
struct raw_trace_id {
	uint64_t site, fn;          /* runtime addresses; fn may be VPR_NAME_FN */
	uint64_t count;             /* exact calls of the edge */
	uint32_t flags;             /* VPR_TRACE_FN_* */
};

/* Trace mode: the id table of one shard (its live table of the highest
 * generation). raw_read.c has checked that the ids are 1..n_ids, each once. */
struct raw_trace_table {
	uint64_t shard_id;
	uint64_t offset;            /* the table's section offset */
	struct raw_trace_id *ids;   /* ids[k] is id k + 1 (owned) */
	uint64_t n_ids;
	uint64_t lost_events;       /* vpr_edges.lost_events */
};

/* Trace mode: one VPR_SEC_TRACE chunk, its header checked (the shard has a
 * table, its data lies in its section, used <= data_size, no other chunk
 * of the shard has its seq). Its events are not read by raw_read.c. */
struct raw_trace_chunk {
	uint64_t offset;            /* the section's file offset */
	uint64_t shard_id, tid, seq;
	uint64_t base_tick;
	uint64_t depth;             /* frames open before its first event */
	uint64_t data_offset;       /* file offset of event byte 0 */
	uint64_t used;              /* bytes of complete events */
	uint32_t flags;             /* VPR_TRACE_* */
};

/* A name of the NAMES section (scopes, marks, tags). */
struct raw_name {
	uint32_t id;                /* from 1, unique */
	char *name;                 /* owned */
};

/* A thread's name (the last record for its tid). */
struct raw_thread_name {
	uint64_t tid;
	char *name;                 /* owned */
};

/* Trace mode: the index of the events (trace_read.h reads them). */
struct raw_trace {
	struct raw_trace_chunk *chunks;     /* by shard, then seq */
	size_t n_chunks;
	struct trace_stream *streams;       /* by shard, then seq */
	size_t n_streams;
	struct raw_trace_table *tables;     /* by shard_id */
	size_t n_tables;
	uint64_t session;                   /* header.session; 0 unknown */
	uint64_t lost_events;               /* header.lost_events */
	uint64_t anchor_realtime_ns;        /* header.anchor_realtime_ns; 0 unknown */
	/* Ticks to CLOCK_MONOTONIC ns: ns = calib_ns0 + (tick - calib_tick0)
	 * * rp->calib_dns / rp->calib_dtick (CLOCK_MONOTONIC ticks: ns =
	 * tick). Without a usable clock (rp->time_available 0) ns = tick. */
	uint64_t calib_tick0, calib_ns0;
	/* Where the events are read from: the file (fd, owned, open until
	 * raw_profile_free()), or the image given to raw_profile_read_mem(),
	 * which must then outlive the profile. */
	int fd;
	const unsigned char *mem;
	uint64_t size;
	/* The events aggregated into edges, function times and contexts
	 * (trace_aggregate()). */
	int aggregated;
};

struct raw_profile {
	char *file;                 /* path it was read from (owned) */
	uint32_t state;             /* VPR_STATE_* */
	uint32_t mode;              /* VPR_MODE_* */
	uint32_t flags;             /* VPR_FLAG_* */
	uint32_t clock;             /* VPR_CLOCK_* */
	int64_t pid, ppid;
	uint64_t start_realtime_ns, end_realtime_ns;
	uint64_t n_threads;
	uint64_t lost_calls;        /* header + every selected table */
	uint64_t lost_frames;       /* every selected table (time mode) */
	uint64_t lost_sections;
	char host[VPR_HOST_MAX];
	char exe_path[VPR_PATH_MAX];
	/* Tick conversion: ns = ticks * calib_dns / calib_dtick. */
	int time_available;         /* time mode with a usable clock */
	const char *time_note;      /* why time is unavailable (static string) */
	uint64_t calib_dtick, calib_dns;
	uint32_t n_sections;
	uint32_t n_tables;          /* edge tables in the file, live or not */
	uint32_t n_shards;          /* shards with a live table (= tables read) */
	struct raw_module *modules; /* sorted by id, ids unique */
	size_t n_modules;
	struct raw_edge *edges;     /* every occupied edge slot, shard by shard */
	size_t n_edges;
	struct raw_function *functions; /* time mode function records */
	size_t n_functions;
	struct raw_gcov_object *gcov;   /* -fprofile-arcs objects, in order */
	size_t n_gcov;
	uint64_t lost_values;           /* topn entries the arena could not hold */
	uint32_t n_arcs_in_place;       /* ARCS sections of each mode */
	uint32_t n_arcs_copy;
	/* Context modes: every node of every selected table, shard by shard. */
	struct raw_ctx_node *ctx_nodes;
	size_t n_ctx_nodes;
	/* Trace mode (else NULL): the event index. Until trace_aggregate()
	 * runs, edges holds one edge per id-table entry with its exact count
	 * and no times; afterwards edges, functions and ctx_nodes are computed
	 * from the events, as in context,time mode plus time mode's function
	 * records. */
	struct raw_trace *trace;
	/* The NAMES section (scopes exist in every mode): names by id, thread
	 * names by tid. */
	struct raw_name *names;
	size_t n_names;
	struct raw_thread_name *thread_names;
	size_t n_thread_names;
};

/*
 * Reads and validates the raw profile at path into *out (which the caller
 * frees with raw_profile_free(), also after a failure). Every offset, size
 * and count is checked before it is followed; the first problem is reported
 * as one line "vitprof: PATH: <what> at offset 0x..." and -1 is returned. A
 * file still being written (state running) is re-read when it changed while
 * being read. Returns 0 or -1.
 */
int raw_profile_read(const char *path, struct raw_profile *out);

/* Same on a file image in memory (tests); name is used in messages. */
int raw_profile_read_mem(const void *data, size_t size, const char *name,
                         struct raw_profile *out);

void raw_profile_free(struct raw_profile *rp);

/* ticks to nanoseconds (exact 128-bit arithmetic, saturating); 0 when the
 * profile has no usable time. The reader and profile_build() refuse the
 * sums that would saturate, so a profile's times never do. */
uint64_t raw_ticks_to_ns(const struct raw_profile *rp, uint64_t ticks);
/* 1 when ticks convert to ns without saturating (or time is unusable). */
int raw_ticks_fit_ns(const struct raw_profile *rp, uint64_t ticks);

/* The text of name id (NULL: no such name), the name of a
 * scope's pseudo-function fn (VPR_IS_NAME_FN; NULL when fn is not one or
 * its name is unknown), a thread's name (NULL: unnamed). Owned by rp. */
const char *raw_profile_name(const struct raw_profile *rp, uint64_t id);
const char *raw_profile_fn_name(const struct raw_profile *rp, uint64_t fn);
const char *raw_profile_thread_name(const struct raw_profile *rp, uint64_t tid);

/* Trace mode: CLOCK_MONOTONIC ns of tick (see struct raw_trace); 0 with
 * *ok = 0 when the result would not fit in 64 bits. */
uint64_t raw_trace_tick_ns(const struct raw_profile *rp, uint64_t tick, int *ok);

/* "count" / "time", "running" / "exited". */
const char *raw_mode_name(uint32_t mode);
const char *raw_state_name(uint32_t state);

/* 1: the file at path starts like a raw profile (magic), 0: not (or
 * unreadable: the reader then says why). */
int raw_profile_is_raw(const char *path);

#endif /* VITPROF_RAW_PROFILE_H */
