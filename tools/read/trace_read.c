/* SPDX-License-Identifier: MIT */
/*
 * trace_read.c - a cursor over one thread's event stream of a trace-mode
 * raw profile (format: rt/vitprof_raw.h, "Trace mode"; index: raw_read.c).
 *
 * The cursor reads the stream's chunks in seq order through a window of
 * WINDOW bytes (pread(), or the image of raw_profile_read_mem()), and
 * keeps the frames open on the thread: its memory is the window plus the
 * open-frame stack, whatever the size of the trace.
 *
 * Timestamps: each event's dt is added to the chunk's running tick (from
 * base_tick); ticks become CLOCK_MONOTONIC ns with raw_trace_tick_ns().
 *
 * Frames: an ENTER names an entry of the shard's id table (site, fn); an
 * EXIT closes the innermost open frame. A chunk that follows its
 * predecessor (seq + 1) must start with as many frames open as the
 * predecessor left. A chunk that does not (the stream's first, a ring's
 * oldest survivor, a fork child's, or one after a missing seq) closes
 * what is open (synthetic EXITs), then its VPR_TEV_OPEN marks give
 * synthetic ENTERs of the innermost of its `depth` open frames; the frames
 * below those are unknown, and their EXITs are skipped. At the end of the
 * stream every frame still open gets a synthetic EXIT at the stream's last
 * timestamp.
 *
 * Tags: a VPR_TEV_TAG right after an ENTER (before any other event) is
 * delivered in that ENTER (trace_event.tag; the first such tag); a tag
 * anywhere else is not reported.
 *
 * Times never decrease: a chunk whose base_tick is before its
 * predecessor's last event (the format forbids it; a TSC read on another
 * CPU could do it) has its earlier events at that event's time.
 *
 * Corrupt data (a reserved tag, an unknown id, mark kind or name, an EXIT
 * with no open frame, a varint past `used`, a time past 2^64, a chunk's
 * depth not matching its predecessor's frames) is
 * reported once as "vitprof: FILE: WHAT at offset 0x..." (the event's file
 * offset) and the cursor returns -1 from then on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tool.h"
#include "read/raw_profile.h"
#include "read/trace_read.h"

#define WINDOW 65536u           /* bytes of a chunk held at once */
#define EVENT_MAX 64u           /* an event is at most 4 varints of 10 bytes */

#define KIND_TAG 100            /* internal: a tag of the innermost frame */
#define KIND_NONE 101           /* internal: nothing to deliver (skipped) */

struct frame {
	uint64_t fn, site;
};

struct trace_cursor {
	const struct raw_profile *rp;
	const struct raw_trace *tr;
	const struct trace_stream *s;
	const struct raw_trace_table *table;
	size_t next_chunk;          /* index in the stream of the next chunk */
	const struct raw_trace_chunk *c;  /* the chunk being read, or NULL */
	uint64_t pos;               /* bytes of c's events consumed */
	uint64_t event_at;          /* chunk offset of the event being decoded */
	unsigned char *buf;         /* WINDOW bytes: c's events [buf_start, buf_end) */
	uint64_t buf_start, buf_end;
	uint64_t tick;              /* timestamp of the last event */
	uint64_t last_ns;
	uint64_t prev_seq;          /* seq of the previous chunk (0: none) */
	int started;                /* a chunk was read */
	int opens_allowed;          /* no event but OPEN marks yet in this chunk */
	int follows;                /* c follows its predecessor */
	struct frame *stack;
	size_t depth, cap;
	uint64_t unknown_below;     /* open frames below the stack, not known */
	size_t close_to;            /* synthetic EXITs until depth == close_to */
	int closing;                /* synthetic EXITs down to close_to first */
	int ended;
	int failed;
	int have_pending;           /* the event read after an ENTER's tags */
	struct trace_event pending;
};

/* Reports the first problem of the stream, naming the event's offset. */
static int corrupt(struct trace_cursor *c, const char *fmt, ...) TOOL_PRINTF(2, 3);
static int corrupt(struct trace_cursor *c, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	uint64_t off = c->c ? c->c->data_offset + c->event_at : 0;

	if (c->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	tool_error(c->rp->file, "%s (thread %" PRIu64 ", shard %" PRIu64 ") at offset 0x%" PRIx64,
	           what, c->s->tid, c->s->shard_id, off);
	c->failed = 1;
	return -1;
}

/* Makes c->buf hold at least EVENT_MAX bytes from c->pos, or every byte
 * up to `used`. Returns 0 or -1 (reported). */
static int fill(struct trace_cursor *c)
{
	uint64_t keep, want, off;
	unsigned char *p;

	if (c->buf_end - c->pos >= EVENT_MAX || c->buf_end == c->c->used)
		return 0;
	keep = c->buf_end - c->pos;
	memmove(c->buf, c->buf + (c->pos - c->buf_start), (size_t)keep);
	c->buf_start = c->pos;
	want = c->c->used - c->buf_end;
	if (want > WINDOW - keep)
		want = WINDOW - keep;
	off = c->c->data_offset + c->buf_end;
	p = c->buf + keep;
	if (off > c->tr->size || want > c->tr->size - off)
		return corrupt(c, "truncated: the chunk's events end past the end of the file");
	if (c->tr->mem) {
		memcpy(p, c->tr->mem + off, (size_t)want);
	} else {
		uint64_t got = 0;
		while (got < want) {
			ssize_t n = pread(c->tr->fd, p + got, (size_t)(want - got), (off_t)(off + got));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return corrupt(c, "read error: %s", strerror(errno));
			if (n == 0)
				return corrupt(c, "the file shrank while being read");
			got += (uint64_t)n;
		}
	}
	c->buf_end += want;
	return 0;
}

/* Decodes an unsigned LEB128 at c->pos (inside the window). */
static int uleb(struct trace_cursor *c, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;

	for (;;) {
		unsigned char b;

		if (c->pos >= c->buf_end)
			return corrupt(c, "an event runs past the chunk's %" PRIu64 " used bytes",
			               c->c->used);
		b = c->buf[c->pos - c->buf_start];
		c->pos++;
		if (shift == 63 && (b & 0x7e))
			return corrupt(c, "a varint does not fit in 64 bits");
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
		shift += 7;
		if (shift > 63)
			return corrupt(c, "a varint does not fit in 64 bits");
	}
	*out = v;
	return 0;
}

/* Decodes a signed LEB128 at c->pos. */
static int sleb(struct trace_cursor *c, int64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	unsigned char b;

	do {
		if (c->pos >= c->buf_end)
			return corrupt(c, "an event runs past the chunk's %" PRIu64 " used bytes",
			               c->c->used);
		if (shift > 63)
			return corrupt(c, "a varint does not fit in 64 bits");
		b = c->buf[c->pos - c->buf_start];
		c->pos++;
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	*out = (int64_t)v;
	return 0;
}

/* Adds dt to the running tick and sets *ns. */
static int advance(struct trace_cursor *c, uint64_t dt, uint64_t *ns)
{
	int ok;

	if (dt > UINT64_MAX - c->tick)
		return corrupt(c, "time overflow: a timestamp passes 2^64-1 ticks");
	c->tick += dt;
	*ns = raw_trace_tick_ns(c->rp, c->tick, &ok);
	if (!ok)
		return corrupt(c, "time overflow: tick %" PRIu64 " is past 2^64-1 ns", c->tick);
	if (*ns < c->last_ns)
		*ns = c->last_ns;      /* a chunk based before its predecessor's end */
	c->last_ns = *ns;
	return 0;
}

static const char *name_of(struct trace_cursor *c, uint64_t id, const char *what)
{
	const char *n = raw_profile_name(c->rp, id);

	if (!n)
		corrupt(c, "%s names id %" PRIu64 ", which the names section does not have", what, id);
	return n;
}

static void push(struct trace_cursor *c, uint64_t fn, uint64_t site)
{
	if (c->depth == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->stack = xreallocarray(c->stack, c->cap, sizeof *c->stack);
	}
	c->stack[c->depth].fn = fn;
	c->stack[c->depth].site = site;
	c->depth++;
}

static void frame_event(struct trace_cursor *c, struct trace_event *ev, enum trace_kind k,
                        uint64_t ns, int synthetic)
{
	const struct frame *f = &c->stack[c->depth - 1];

	memset(ev, 0, sizeof *ev);
	ev->kind = k;
	ev->ns = ns;
	ev->depth = (uint32_t)(c->depth - 1);
	ev->fn = f->fn;
	ev->site = f->site;
	ev->name = raw_profile_fn_name(c->rp, f->fn);
	ev->synthetic = synthetic;
}

/* The id table entry for id, or NULL (reported). */
static const struct raw_trace_id *entry_of(struct trace_cursor *c, uint64_t id)
{
	if (id == 0 || id > c->table->n_ids) {
		corrupt(c, "an event names id %" PRIu64 ", not in the shard's table (ids 1..%" PRIu64
		        ")", id, c->table->n_ids);
		return NULL;
	}
	return &c->table->ids[id - 1];
}

/* Starts chunk c->next_chunk. Returns 0 or -1. */
static int start_chunk(struct trace_cursor *c)
{
	const struct raw_trace_chunk *ch = &c->tr->chunks[c->s->first_chunk + c->next_chunk];

	c->c = ch;
	c->pos = c->buf_start = c->buf_end = 0;
	c->event_at = 0;
	c->follows = c->prev_seq && ch->seq == c->prev_seq + 1;
	if (c->follows && c->depth + c->unknown_below != ch->depth)
		return corrupt(c, "the chunk (seq %" PRIu64 ") starts with %" PRIu64 " frames open,"
		               " its predecessor left %" PRIu64, ch->seq, ch->depth,
		               (uint64_t)c->depth + c->unknown_below);
	if (!c->follows) {
		/* what was open is closed (after a gap); the chunk's frames are
		 * unknown but for its OPEN marks */
		c->close_to = 0;
		c->closing = 1;
	}
	c->tick = ch->base_tick;
	c->started = 1;
	c->opens_allowed = 1;
	c->next_chunk++;
	c->prev_seq = ch->seq;
	return 0;
}

/*
 * The next event of the stream as the format has it, tags and skipped
 * EXITs included (ev->kind KIND_TAG / KIND_NONE): 1, 0 at the end, -1.
 */
static int next_raw(struct trace_cursor *c, struct trace_event *ev)
{
	uint64_t v, dt, ns, x, before;
	int64_t sv = 0;
	const struct raw_trace_id *e;

	for (;;) {
		if (c->closing) {
			if (c->depth > c->close_to) {
				frame_event(c, ev, TRACE_EXIT, c->last_ns, 1);
				c->depth--;
				return 1;
			}
			c->closing = 0;
			if (c->c && !c->follows && c->pos == 0)
				c->unknown_below = c->c->depth;
		}
		if (c->ended)
			return 0;
		if (!c->c) {
			if (c->next_chunk == c->s->n_chunks) {
				/* the end: the frames still open close at the last time */
				c->ended = 1;
				c->close_to = 0;
				c->closing = 1;
				c->unknown_below = 0;
				continue;
			}
			if (start_chunk(c) != 0)
				return -1;
			continue;
		}
		if (c->pos == c->c->used) {
			c->c = NULL;
			continue;
		}
		if (fill(c) != 0)
			return -1;
		c->event_at = c->pos;
		if (uleb(c, &v) != 0)
			return -1;
		switch (v & 3) {
		case VPR_TEV_ENTER:
			if (uleb(c, &dt) != 0 || advance(c, dt, &ns) != 0 ||
			    !(e = entry_of(c, v >> 2)))
				return -1;
			c->opens_allowed = 0;
			push(c, e->fn, e->site);
			frame_event(c, ev, TRACE_ENTER, ns, 0);
			return 1;
		case VPR_TEV_EXIT:
			if (advance(c, v >> 2, &ns) != 0)
				return -1;
			c->opens_allowed = 0;
			if (c->depth == 0) {
				if (c->unknown_below == 0)
					return corrupt(c, "an EXIT with no open frame");
				c->unknown_below--;
				ev->kind = (enum trace_kind)KIND_NONE;
				return 1;
			}
			frame_event(c, ev, TRACE_EXIT, ns, 0);
			c->depth--;
			return 1;
		case VPR_TEV_MARK:
			break;
		default:
			return corrupt(c, "reserved event tag 3 (0x%" PRIx64 ")", v);
		}
		before = c->last_ns;
		if (uleb(c, &dt) != 0 || advance(c, dt, &ns) != 0)
			return -1;
		memset(ev, 0, sizeof *ev);
		ev->ns = ns;
		ev->depth = (uint32_t)c->depth;
		switch (v >> 2) {
		case VPR_TEV_INSTANT:
			c->opens_allowed = 0;
			if (uleb(c, &x) != 0 || !(ev->name = name_of(c, x, "an instant event")))
				return -1;
			ev->kind = TRACE_INSTANT;
			return 1;
		case VPR_TEV_COUNTER:
			c->opens_allowed = 0;
			if (uleb(c, &x) != 0 || !(ev->name = name_of(c, x, "a counter")) ||
			    sleb(c, &sv) != 0)
				return -1;
			ev->kind = TRACE_COUNTER;
			ev->value = sv;
			return 1;
		case VPR_TEV_TAG:
			if (uleb(c, &x) != 0 || !(ev->tag = name_of(c, x, "a tag")))
				return -1;
			ev->kind = (enum trace_kind)KIND_TAG;
			return 1;
		case VPR_TEV_OPEN:
			if (uleb(c, &x) != 0 || !(e = entry_of(c, x)) || uleb(c, &dt) != 0)
				return -1;
			if (!c->opens_allowed)
				return corrupt(c, "an OPEN mark after the chunk's first events");
			if (c->follows) {     /* its frames are known already */
				ev->kind = (enum trace_kind)KIND_NONE;
				return 1;
			}
			if (c->unknown_below == 0)
				return corrupt(c, "more OPEN marks than the chunk's %" PRIu64
				               " open frames", c->c->depth);
			if (dt > c->c->base_tick)
				return corrupt(c, "an OPEN mark's frame starts %" PRIu64 " ticks before"
				               " tick 0", dt);
			c->unknown_below--;
			{
				int ok;
				uint64_t t0 = c->c->base_tick - dt;
				ns = raw_trace_tick_ns(c->rp, t0, &ok);
				if (!ok)
					return corrupt(c, "time overflow: tick %" PRIu64 " is past 2^64-1 ns",
					               t0);
				if (ns < before && c->next_chunk > 1)
					ns = before;   /* never before what the stream gave */
			}
			push(c, e->fn, e->site);
			frame_event(c, ev, TRACE_ENTER, ns, 1);
			return 1;
		default:
			return corrupt(c, "unknown mark kind %" PRIu64, v >> 2);
		}
	}
}

struct trace_cursor *trace_cursor_open(const struct raw_profile *rp, size_t i)
{
	struct trace_cursor *c;
	size_t t;

	if (!rp->trace || i >= rp->trace->n_streams) {
		tool_error(rp->file, "no trace stream %zu (the file has %zu)", i,
		           rp->trace ? rp->trace->n_streams : 0);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->rp = rp;
	c->tr = rp->trace;
	c->s = &rp->trace->streams[i];
	for (t = 0; t < c->tr->n_tables; t++)
		if (c->tr->tables[t].shard_id == c->s->shard_id)
			c->table = &c->tr->tables[t];
	if (!c->table) {            /* raw_read.c checked: unreachable */
		tool_error(rp->file, "trace stream of shard %" PRIu64 " has no id table",
		           c->s->shard_id);
		free(c);
		return NULL;
	}
	c->buf = xmalloc(WINDOW);
	return c;
}

int trace_cursor_next(struct trace_cursor *c, struct trace_event *ev)
{
	struct trace_event next;
	int r;

	if (c->failed)
		return -1;
	do {
		if (c->have_pending) {   /* the event after an ENTER's tags */
			c->have_pending = 0;
			*ev = c->pending;
			continue;
		}
		r = next_raw(c, ev);
		if (r <= 0)
			return r;
	} while ((int)ev->kind == KIND_TAG || (int)ev->kind == KIND_NONE);
	if (ev->kind != TRACE_ENTER || ev->synthetic)
		return 1;
	/* an ENTER: the tags right after it are its own */
	for (;;) {
		r = next_raw(c, &next);
		if (r < 0)
			return -1;
		if (r == 0)
			return 1;
		if ((int)next.kind == KIND_NONE)
			continue;
		if ((int)next.kind != KIND_TAG)
			break;
		if (!ev->tag)
			ev->tag = next.tag;
	}
	c->pending = next;
	c->have_pending = 1;
	return 1;
}

void trace_cursor_close(struct trace_cursor *c)
{
	if (!c)
		return;
	free(c->stack);
	free(c->buf);
	free(c);
}
