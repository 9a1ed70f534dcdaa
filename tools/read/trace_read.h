/* SPDX-License-Identifier: MIT */
/*
 * read/trace_read.h - the event streams of a trace-mode raw profile
 * (header.mode VPR_MODE_TRACE; format in rt/vitprof_raw.h), read one
 * thread at a time, chunk by chunk with pread(): a reader holds one chunk
 * and the open frames of one thread, never the whole trace.
 *
 * raw_profile_read() indexes the chunks (struct raw_profile.trace) and
 * checks their headers; a cursor decodes one stream and checks every event
 * (reserved tags, unknown ids, an EXIT with no open frame, a varint that
 * runs past `used`): the first problem is one line "vitprof: FILE: <what>
 * at offset 0x..." and the cursor returns -1.
 */
#ifndef VITPROF_TRACE_READ_H
#define VITPROF_TRACE_READ_H

#include <stddef.h>
#include <stdint.h>

struct raw_profile;

/* One thread's stream (one shard's chunks with one thread_id), in the
 * order the file holds them. */
struct trace_stream {
	uint64_t shard_id;
	uint64_t tid;               /* kernel thread id */
	const char *name;           /* the thread's name, or NULL (owned by the profile) */
	size_t first_chunk;         /* index in raw_profile.trace->chunks */
	size_t n_chunks;            /* consecutive seqs, sorted */
	uint64_t lost_events;       /* events the thread could not record */
};

enum trace_kind {
	TRACE_ENTER,                /* fn called from site */
	TRACE_EXIT,                 /* the frame entered by the matching ENTER returns */
	TRACE_INSTANT,              /* name */
	TRACE_COUNTER               /* name = value */
};

struct trace_event {
	enum trace_kind kind;
	uint64_t ns;                /* CLOCK_MONOTONIC ns, comparable across the
	                             * processes of one machine */
	uint32_t depth;             /* ENTER/EXIT: the frame's depth, 0 outermost */
	uint64_t fn, site;          /* ENTER/EXIT: runtime addresses; fn may be a
	                             * scope (VPR_IS_NAME_FN) */
	const char *name;           /* a scope's, instant's or counter's name (owned
	                             * by the profile); NULL for functions */
	const char *tag;            /* ENTER: the frame's tag, or NULL (a tag
	                             * recorded right after the ENTER, before
	                             * any other event; a later one is dropped) */
	int64_t value;              /* COUNTER */
	int synthetic;              /* EXIT made by the reader: the frame was still
	                             * open at the end of the stream; or ENTER of a
	                             * frame the stream started inside (OPEN mark) */
};

struct trace_cursor;

/* Opens stream i of rp (rp->trace->streams[i]); NULL after a message. */
struct trace_cursor *trace_cursor_open(const struct raw_profile *rp, size_t i);
/* The next event: 1, 0 at the end of the stream, -1 on corrupt data
 * (reported once, naming the file and the offset). */
int trace_cursor_next(struct trace_cursor *c, struct trace_event *ev);
void trace_cursor_close(struct trace_cursor *c);

/*
 * trace_aggregate.c: replaces rp's edges (the id tables' exact counts)
 * with sums of its events, for the aggregate views (show, report, export,
 * flamegraph): edges by (site, callee) per thread, function records
 * (inclusive ns of outermost activations, as time mode) and calling-context
 * nodes per thread (as context,time mode; ctx_nodes[].shard_id is the
 * stream's index + 1), all counted in calls on the timeline and timed in
 * ns (rp->trace->aggregated: raw_ticks_to_ns() is then the identity).
 * Streams the events (memory: distinct contexts, not events). Returns 0,
 * or -1 after reporting corrupt data. A no-op on other profiles.
 */
int trace_aggregate(struct raw_profile *rp);

#endif /* VITPROF_TRACE_READ_H */
