/* SPDX-License-Identifier: MIT */
/*
 * export_perfetto.c - `vitprof export --format perfetto`: a trace as
 * Perfetto's protobuf trace (protos/perfetto/trace/trace.proto:
 * `Trace { repeated TracePacket packet = 1; }`), which Perfetto UI and
 * trace_processor open (docs/trace.md, "Exports"). The protobuf encoding is
 * written here (varints and length-delimited fields); the field numbers
 * are Perfetto's, and tests/trace_export/perfetto_subset.proto declares
 * exactly the messages and fields written here.
 *
 * Each thread is one packet sequence (trusted_packet_sequence_id = its
 * index + 1), which starts with
 *   1. a packet that clears the sequence's incremental state
 *      (sequence_flags SEQ_INCREMENTAL_STATE_CLEARED) and holds
 *      - a ClockSnapshot pairing clock 64 (sequence-scoped, incremental)
 *        with CLOCK_MONOTONIC (3, the trace's primary clock), both at the
 *        trace's start,
 *      - TracePacketDefaults: timestamps in clock 64, events on the
 *        thread's track,
 *      - the interned categories ("scope", "mark");
 *   2. the process's TrackDescriptor (pid, name), once per process;
 *   3. the thread's TrackDescriptor (parent: the process; pid, tid, name).
 * Then one packet per event: timestamp = ns since the sequence's previous
 * event (clock 64 accumulates them), SEQ_NEEDS_INCREMENTAL_STATE, a
 * TrackEvent (TYPE_SLICE_BEGIN with name_iid, TYPE_SLICE_END,
 * TYPE_INSTANT with name_iid, TYPE_COUNTER with counter_value on the
 * counter's track), and InternedData.event_names for a name the sequence
 * has not used yet. A scope's tag is a debug annotation "tag". A counter's
 * track (TrackDescriptor with a CounterDescriptor, under the process) is
 * described before its first value.
 *
 * Memory: one packet buffer, the current sequence's interned names and the
 * current process's counter tracks; events are written as they come.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_write.h"
#include "base/tool.h"
#include "export/export.h"
#include "vitprof_raw.h"

#define uthash_fatal(msg) tool_oom()
#include <uthash.h>

/* ---- Perfetto's field numbers (protos/perfetto/trace/...) --------------- */

/* trace.proto */
#define F_TRACE_PACKET 1
/* trace_packet.proto: TracePacket */
#define F_PACKET_CLOCK_SNAPSHOT 6
#define F_PACKET_TIMESTAMP 8
#define F_PACKET_SEQUENCE_ID 10         /* trusted_packet_sequence_id */
#define F_PACKET_TRACK_EVENT 11
#define F_PACKET_INTERNED_DATA 12
#define F_PACKET_SEQUENCE_FLAGS 13
#define F_PACKET_DEFAULTS 59            /* trace_packet_defaults */
#define F_PACKET_TRACK_DESCRIPTOR 60
#define SEQ_INCREMENTAL_STATE_CLEARED 1
#define SEQ_NEEDS_INCREMENTAL_STATE 2
/* trace_packet_defaults.proto */
#define F_DEFAULTS_TIMESTAMP_CLOCK_ID 58
#define F_DEFAULTS_TRACK_EVENT 11       /* track_event_defaults */
#define F_TRACK_EVENT_DEFAULTS_TRACK_UUID 11
/* clock_snapshot.proto */
#define F_SNAPSHOT_CLOCKS 1
#define F_SNAPSHOT_PRIMARY_CLOCK 2
#define F_CLOCK_ID 1
#define F_CLOCK_TIMESTAMP 2
#define F_CLOCK_IS_INCREMENTAL 3
#define CLOCK_MONOTONIC_ID 3            /* BuiltinClock BUILTIN_CLOCK_MONOTONIC */
#define CLOCK_SEQUENCE_INCREMENTAL 64   /* first sequence-scoped clock id */
/* interned_data.proto */
#define F_INTERNED_CATEGORIES 1         /* event_categories */
#define F_INTERNED_EVENT_NAMES 2
#define F_INTERNED_IID 1                /* EventCategory / EventName */
#define F_INTERNED_NAME 2
/* track_event.proto: TrackEvent */
#define F_EVENT_CATEGORY_IIDS 3
#define F_EVENT_DEBUG_ANNOTATIONS 4
#define F_EVENT_TYPE 9
#define F_EVENT_NAME_IID 10
#define F_EVENT_TRACK_UUID 11
#define F_EVENT_COUNTER_VALUE 30
#define TYPE_SLICE_BEGIN 1
#define TYPE_SLICE_END 2
#define TYPE_INSTANT 3
#define TYPE_COUNTER 4
/* debug_annotation.proto */
#define F_ANNOTATION_STRING_VALUE 6
#define F_ANNOTATION_NAME 10
/* track_descriptor.proto and the descriptors in it */
#define F_TRACK_UUID 1
#define F_TRACK_NAME 2
#define F_TRACK_PROCESS 3
#define F_TRACK_THREAD 4
#define F_TRACK_PARENT_UUID 5
#define F_TRACK_COUNTER 8
#define F_PROCESS_PID 1
#define F_PROCESS_NAME 6
#define F_THREAD_PID 1
#define F_THREAD_TID 2
#define F_THREAD_NAME 5

/* Interned categories (iid: 1-based). Functions carry none. */
#define CAT_SCOPE 1
#define CAT_MARK 2

/* Track uuids: the kind in the top bits, an index below. */
#define UUID_PROCESS (1ull << 61)
#define UUID_THREAD (2ull << 61)
#define UUID_COUNTER (3ull << 61)

/* ---- protobuf encoding into a growing buffer ---------------------------- */

struct pb {
	unsigned char *p;
	size_t n, cap;
};

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

static void pb_room(struct pb *b, size_t more)
{
	if (b->cap - b->n >= more)
		return;
	while (b->cap - b->n < more)
		b->cap = b->cap ? b->cap * 2 : 256;
	b->p = xrealloc(b->p, b->cap);
}

static size_t varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* Writes v as a varint at p; returns its size. */
static size_t varint_put(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

static inline void pb_varint(struct pb *b, uint64_t v)
{
	if (v < 0x80 && b->n < b->cap) {
		b->p[b->n++] = (unsigned char)v;
		return;
	}
	pb_room(b, 10);
	b->n += varint_put(b->p + b->n, v);
}

static void pb_tag(struct pb *b, unsigned field, unsigned wire)
{
	pb_varint(b, (uint64_t)field << 3 | wire);
}

/* uint32/uint64/int32/int64/bool/enum fields (a negative int is its 64-bit
 * two's complement, 10 bytes, as protobuf encodes int32 and int64). */
static void pb_uint(struct pb *b, unsigned field, uint64_t v)
{
	pb_tag(b, field, WIRE_VARINT);
	pb_varint(b, v);
}

/* A string field holding s with every byte that is not part of valid UTF-8
 * replaced by U+FFFD (protobuf strings are UTF-8). */
static void pb_string(struct pb *b, unsigned field, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = 0, i;
	int valid = 1;

	for (i = 0; p[i]; ) {
		int n = p[i] < 0x80 ? 1 : json_utf8_len(p + i);

		if (n == 0) {
			valid = 0;
			len += 3;
			i++;
		} else {
			len += (size_t)n;
			i += (size_t)n;
		}
	}
	pb_tag(b, field, WIRE_LEN);
	pb_varint(b, len);
	pb_room(b, len);
	if (valid) {
		memcpy(b->p + b->n, s, len);
		b->n += len;
		return;
	}
	for (i = 0; p[i]; ) {
		int n = p[i] < 0x80 ? 1 : json_utf8_len(p + i);

		if (n == 0) {
			memcpy(b->p + b->n, "\xef\xbf\xbd", 3);
			b->n += 3;
			i++;
		} else {
			memcpy(b->p + b->n, p + i, (size_t)n);
			b->n += (size_t)n;
			i += (size_t)n;
		}
	}
}

/* Opens a length-delimited submessage: returns where its length goes
 * (one byte reserved), for pb_end(). */
static size_t pb_begin(struct pb *b, unsigned field)
{
	pb_tag(b, field, WIRE_LEN);
	pb_room(b, 1);
	return b->n++;
}

/* Closes the submessage opened at `at`: writes its length there, moving
 * the body when the length needs more than the reserved byte. */
static void pb_end(struct pb *b, size_t at)
{
	size_t len = b->n - at - 1, k = varint_size(len);

	if (k > 1) {
		pb_room(b, k - 1);
		memmove(b->p + at + k, b->p + at + 1, len);
		b->n += k - 1;
	}
	varint_put(b->p + at, len);
}

/* ---- the writer --------------------------------------------------------- */

struct interned {
	UT_hash_handle hh;
	uint64_t iid;
	char name[];
};

struct perfetto_writer {
	FILE *out;
	uint64_t start_ns;
	struct pb pkt;              /* the packet being built */
	uint32_t sequence;          /* current thread's trusted_packet_sequence_id */
	uint64_t last_ns;           /* the sequence's clock 64: its last timestamp */
	uint64_t thread_uuid;
	const void *process;        /* the current process (its raw profile) */
	uint64_t process_uuid;
	uint64_t n_processes;
	struct interned *names;     /* the sequence's interned event names */
	uint64_t next_name_iid;
	struct interned *counters;  /* the process's counter tracks (iid: uuid) */
	uint64_t n_counters;
};

static void table_free(struct interned **t)
{
	struct interned *e, *tmp;

	HASH_ITER(hh, *t, e, tmp) {
		HASH_DEL(*t, e);
		free(e);
	}
}

static struct interned *table_add(struct interned **t, const char *name, size_t len,
                                  uint64_t iid)
{
	struct interned *e = xmalloc(sizeof *e + len + 1);

	memcpy(e->name, name, len + 1);
	e->iid = iid;
	HASH_ADD(hh, *t, name, len, e);
	return e;
}

/* A packet is built in w->pkt after PACKET_HEAD bytes kept free for its
 * field tag and length (written right before the body at the end). */
#define PACKET_HEAD 11u

static void packet_begin(struct perfetto_writer *w)
{
	pb_room(&w->pkt, PACKET_HEAD);
	w->pkt.n = PACKET_HEAD;
}

/* Writes the packet built in w->pkt as one `packet` field of Trace and
 * starts the next. 0 or -1 on a write error. */
static int packet_flush(struct perfetto_writer *w)
{
	unsigned char head[PACKET_HEAD];
	size_t len = w->pkt.n - PACKET_HEAD, n;
	unsigned char *at;

	head[0] = F_TRACE_PACKET << 3 | WIRE_LEN;
	n = 1 + varint_put(head + 1, len);
	at = w->pkt.p + PACKET_HEAD - n;
	memcpy(at, head, n);
	packet_begin(w);
	return fwrite(at, 1, n + len, w->out) == n + len ? 0 : -1;
}

static void *perfetto_open(FILE *out, uint64_t start_ns)
{
	struct perfetto_writer *w = xcalloc(1, sizeof *w);

	w->out = out;
	w->start_ns = start_ns;
	packet_begin(w);
	return w;
}

static void interned_category(struct pb *b, uint64_t iid, const char *name)
{
	size_t m = pb_begin(b, F_INTERNED_CATEGORIES);

	pb_uint(b, F_INTERNED_IID, iid);
	pb_string(b, F_INTERNED_NAME, name);
	pb_end(b, m);
}

/* Packet 1 of a sequence: clears its state, pairs its incremental clock
 * with CLOCK_MONOTONIC, sets its defaults and interns the categories. */
static int sequence_start(struct perfetto_writer *w)
{
	struct pb *b = &w->pkt;
	size_t snap, clock, defaults, te, interned;

	pb_uint(b, F_PACKET_SEQUENCE_ID, w->sequence);
	pb_uint(b, F_PACKET_SEQUENCE_FLAGS, SEQ_INCREMENTAL_STATE_CLEARED);
	snap = pb_begin(b, F_PACKET_CLOCK_SNAPSHOT);
	clock = pb_begin(b, F_SNAPSHOT_CLOCKS);
	pb_uint(b, F_CLOCK_ID, CLOCK_SEQUENCE_INCREMENTAL);
	pb_uint(b, F_CLOCK_TIMESTAMP, w->start_ns);
	pb_uint(b, F_CLOCK_IS_INCREMENTAL, 1);
	pb_end(b, clock);
	clock = pb_begin(b, F_SNAPSHOT_CLOCKS);
	pb_uint(b, F_CLOCK_ID, CLOCK_MONOTONIC_ID);
	pb_uint(b, F_CLOCK_TIMESTAMP, w->start_ns);
	pb_end(b, clock);
	pb_uint(b, F_SNAPSHOT_PRIMARY_CLOCK, CLOCK_MONOTONIC_ID);
	pb_end(b, snap);
	defaults = pb_begin(b, F_PACKET_DEFAULTS);
	pb_uint(b, F_DEFAULTS_TIMESTAMP_CLOCK_ID, CLOCK_SEQUENCE_INCREMENTAL);
	te = pb_begin(b, F_DEFAULTS_TRACK_EVENT);
	pb_uint(b, F_TRACK_EVENT_DEFAULTS_TRACK_UUID, w->thread_uuid);
	pb_end(b, te);
	pb_end(b, defaults);
	interned = pb_begin(b, F_PACKET_INTERNED_DATA);
	interned_category(b, CAT_SCOPE, "scope");
	interned_category(b, CAT_MARK, "mark");
	pb_end(b, interned);
	return packet_flush(w);
}

static int perfetto_thread(void *wp, const struct trace_view_thread *t)
{
	struct perfetto_writer *w = wp;
	struct pb *b = &w->pkt;
	size_t td, d;

	w->sequence++;
	w->thread_uuid = UUID_THREAD | w->sequence;
	w->last_ns = w->start_ns;
	table_free(&w->names);
	w->next_name_iid = 1;
	if (sequence_start(w) != 0)
		return -1;
	if (w->n_processes == 0 || w->process != (const void *)t->rp) {
		w->process = t->rp;
		w->process_uuid = UUID_PROCESS | ++w->n_processes;
		table_free(&w->counters);
		pb_uint(b, F_PACKET_SEQUENCE_ID, w->sequence);
		td = pb_begin(b, F_PACKET_TRACK_DESCRIPTOR);
		pb_uint(b, F_TRACK_UUID, w->process_uuid);
		d = pb_begin(b, F_TRACK_PROCESS);
		pb_uint(b, F_PROCESS_PID, (uint64_t)t->pid);
		pb_string(b, F_PROCESS_NAME, t->process_name ? t->process_name : "?");
		pb_end(b, d);
		pb_end(b, td);
		if (packet_flush(w) != 0)
			return -1;
	}
	pb_uint(b, F_PACKET_SEQUENCE_ID, w->sequence);
	td = pb_begin(b, F_PACKET_TRACK_DESCRIPTOR);
	pb_uint(b, F_TRACK_UUID, w->thread_uuid);
	pb_uint(b, F_TRACK_PARENT_UUID, w->process_uuid);
	d = pb_begin(b, F_TRACK_THREAD);
	pb_uint(b, F_THREAD_PID, (uint64_t)t->pid);
	pb_uint(b, F_THREAD_TID, t->tid);
	if (t->thread_name)
		pb_string(b, F_THREAD_NAME, t->thread_name);
	pb_end(b, d);
	pb_end(b, td);
	return packet_flush(w);
}

/* The uuid of the process's track for counter `name`, describing the track
 * first (a packet of its own) when it is new. 0 or -1 on a write error. */
static int counter_track(struct perfetto_writer *w, const char *name, uint64_t *uuid)
{
	size_t len = strlen(name), td, c;
	struct interned *e;
	struct pb *b = &w->pkt;

	HASH_FIND(hh, w->counters, name, len, e);
	if (e) {
		*uuid = e->iid;
		return 0;
	}
	e = table_add(&w->counters, name, len, UUID_COUNTER | ++w->n_counters);
	*uuid = e->iid;
	pb_uint(b, F_PACKET_SEQUENCE_ID, w->sequence);
	td = pb_begin(b, F_PACKET_TRACK_DESCRIPTOR);
	pb_uint(b, F_TRACK_UUID, e->iid);
	pb_uint(b, F_TRACK_PARENT_UUID, w->process_uuid);
	pb_string(b, F_TRACK_NAME, name);
	c = pb_begin(b, F_TRACK_COUNTER);
	pb_end(b, c);
	pb_end(b, td);
	return packet_flush(w);
}

/* The sequence's iid of name, interning it in the packet being built when
 * it is new. */
static uint64_t name_iid(struct perfetto_writer *w, const char *name)
{
	size_t len = strlen(name), m, en;
	struct interned *e;
	struct pb *b = &w->pkt;

	HASH_FIND(hh, w->names, name, len, e);
	if (e)
		return e->iid;
	e = table_add(&w->names, name, len, w->next_name_iid++);
	m = pb_begin(b, F_PACKET_INTERNED_DATA);
	en = pb_begin(b, F_INTERNED_EVENT_NAMES);
	pb_uint(b, F_INTERNED_IID, e->iid);
	pb_string(b, F_INTERNED_NAME, name);
	pb_end(b, en);
	pb_end(b, m);
	return e->iid;
}

static int perfetto_event(void *wp, const struct trace_event *ev, const char *name)
{
	struct perfetto_writer *w = wp;
	struct pb *b = &w->pkt;
	uint64_t iid = 0, counter_uuid = 0, ns;
	unsigned type;
	size_t te, a;

	switch (ev->kind) {
	case TRACE_ENTER:
		type = TYPE_SLICE_BEGIN;
		break;
	case TRACE_EXIT:
		type = TYPE_SLICE_END;
		break;
	case TRACE_INSTANT:
		type = TYPE_INSTANT;
		break;
	case TRACE_COUNTER:
		type = TYPE_COUNTER;
		if (counter_track(w, name, &counter_uuid) != 0)
			return -1;
		break;
	default:
		return 0;
	}
	/* a sequence's timestamps never go back: clock 64 only adds */
	ns = ev->ns > w->last_ns ? ev->ns : w->last_ns;
	pb_uint(b, F_PACKET_TIMESTAMP, ns - w->last_ns);
	w->last_ns = ns;
	pb_uint(b, F_PACKET_SEQUENCE_ID, w->sequence);
	pb_uint(b, F_PACKET_SEQUENCE_FLAGS, SEQ_NEEDS_INCREMENTAL_STATE);
	if (type == TYPE_SLICE_BEGIN || type == TYPE_INSTANT)
		iid = name_iid(w, name);
	te = pb_begin(b, F_PACKET_TRACK_EVENT);
	pb_uint(b, F_EVENT_TYPE, type);
	if (iid)
		pb_uint(b, F_EVENT_NAME_IID, iid);
	if (type == TYPE_INSTANT)
		pb_uint(b, F_EVENT_CATEGORY_IIDS, CAT_MARK);
	else if (type == TYPE_SLICE_BEGIN && VPR_IS_NAME_FN(ev->fn))
		pb_uint(b, F_EVENT_CATEGORY_IIDS, CAT_SCOPE);
	if (type == TYPE_COUNTER) {
		pb_uint(b, F_EVENT_TRACK_UUID, counter_uuid);
		pb_uint(b, F_EVENT_COUNTER_VALUE, (uint64_t)ev->value);
	}
	if (type == TYPE_SLICE_BEGIN && ev->tag) {
		a = pb_begin(b, F_EVENT_DEBUG_ANNOTATIONS);
		pb_string(b, F_ANNOTATION_NAME, "tag");
		pb_string(b, F_ANNOTATION_STRING_VALUE, ev->tag);
		pb_end(b, a);
	}
	pb_end(b, te);
	return packet_flush(w);
}

static int perfetto_close(void *wp)
{
	struct perfetto_writer *w = wp;
	int rc = fflush(w->out) == 0 && !ferror(w->out) ? 0 : -1;

	table_free(&w->names);
	table_free(&w->counters);
	free(w->pkt.p);
	free(w);
	return rc;
}

const struct trace_export_ops export_perfetto_ops = {
	"perfetto", perfetto_open, perfetto_thread, perfetto_event, perfetto_close,
};
