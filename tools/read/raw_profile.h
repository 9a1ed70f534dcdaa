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

/* "count" / "time", "running" / "exited". */
const char *raw_mode_name(uint32_t mode);
const char *raw_state_name(uint32_t state);

/* 1: the file at path starts like a raw profile (magic), 0: not (or
 * unreadable: the reader then says why). */
int raw_profile_is_raw(const char *path);

#endif /* VITPROF_RAW_PROFILE_H */
