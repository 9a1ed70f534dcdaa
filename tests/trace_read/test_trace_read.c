/* SPDX-License-Identifier: MIT */
/*
 * test_trace_read.c - the trace reader: raw_read.c's index of a trace-mode
 * profile (tables, chunks, streams, names) and the cursor (trace_read.c):
 * exact events of generated traces, clock conversion, tags, OPEN marks of
 * a flight recorder, synthetic EXITs, and one refusal, naming the file and
 * the offset, for every kind of damage.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_tool_rawgen.h"
#include "base/tool.h"
#include "read/raw_profile.h"
#include "read/trace_read.h"
#include "vp_test.h"

/* Appends one line per event of stream i of rp to out (cap bytes):
 * "E ns depth fn[ tag][ *]" / "X ns depth fn[ *]" / "I ns name" /
 * "C ns name value"; "*" marks a synthetic event. Returns the cursor's
 * last result (0 at the end, -1 on an error). */
static int dump_stream(const struct raw_profile *rp, size_t i, char *out, size_t cap)
{
	struct trace_cursor *c = trace_cursor_open(rp, i);
	struct trace_event ev;
	size_t n = strlen(out);
	int r;

	if (!c)
		return -1;
	while ((r = trace_cursor_next(c, &ev)) == 1) {
		char fn[64];

		if (ev.name && (ev.kind == TRACE_ENTER || ev.kind == TRACE_EXIT))
			snprintf(fn, sizeof fn, "%s", ev.name);
		else
			snprintf(fn, sizeof fn, "0x%" PRIx64, ev.fn);
		switch (ev.kind) {
		case TRACE_ENTER:
			n += (size_t)snprintf(out + n, cap - n, "E %" PRIu64 " %u %s%s%s%s\n", ev.ns,
			                      ev.depth, fn, ev.tag ? " " : "", ev.tag ? ev.tag : "",
			                      ev.synthetic ? " *" : "");
			break;
		case TRACE_EXIT:
			n += (size_t)snprintf(out + n, cap - n, "X %" PRIu64 " %u %s%s\n", ev.ns,
			                      ev.depth, fn, ev.synthetic ? " *" : "");
			break;
		case TRACE_INSTANT:
			n += (size_t)snprintf(out + n, cap - n, "I %" PRIu64 " %s\n", ev.ns, ev.name);
			break;
		case TRACE_COUNTER:
			n += (size_t)snprintf(out + n, cap - n, "C %" PRIu64 " %s %" PRId64 "\n", ev.ns,
			                      ev.name, ev.value);
			break;
		}
		if (n >= cap)
			break;
	}
	trace_cursor_close(c);
	return r;
}

static void expect_text(const char *got, const char *want)
{
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "\n--- got:\n%s--- wanted:\n%s", got, want);
		CU_FAIL("events differ");
	}
}

VP_TEST(trace_read, sample_index)
{
	struct rawgen g;
	struct raw_profile rp;

	rg_sample_trace(&g);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "t.vitraw", &rp), 0);
	CU_ASSERT_EQUAL(rp.mode, VPR_MODE_TRACE);
	CU_ASSERT_STRING_EQUAL(raw_mode_name(rp.mode), "trace");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rp.trace);
	CU_ASSERT_EQUAL(rp.trace->session, 0x5e5510);
	CU_ASSERT_EQUAL(rp.trace->n_tables, 2);
	CU_ASSERT_EQUAL(rp.trace->n_chunks, 3);
	CU_ASSERT_EQUAL_FATAL(rp.trace->n_streams, 2);
	CU_ASSERT_EQUAL(rp.trace->streams[0].tid, 101);
	CU_ASSERT_EQUAL(rp.trace->streams[0].n_chunks, 2);
	CU_ASSERT_STRING_EQUAL(rp.trace->streams[0].name, "worker-a");
	CU_ASSERT_EQUAL(rp.trace->streams[1].tid, 102);
	CU_ASSERT_PTR_NULL(rp.trace->streams[1].name);
	CU_ASSERT_STRING_EQUAL(raw_profile_fn_name(&rp, VPR_NAME_FN(1)), "phase");
	CU_ASSERT_PTR_NULL(raw_profile_fn_name(&rp, 0x12000));
	CU_ASSERT_PTR_NULL(raw_profile_name(&rp, 9));
	/* the id tables as edges with exact counts */
	CU_ASSERT_EQUAL(rp.n_edges, 4);
	raw_profile_free(&rp);
	rg_free(&g);
}

VP_TEST(trace_read, sample_events)
{
	struct rawgen g;
	struct raw_profile rp;
	char out[4096] = "";

	rg_sample_trace(&g);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "t.vitraw", &rp), 0);
	CU_ASSERT_EQUAL(dump_stream(&rp, 0, out, sizeof out), 0);
	expect_text(out,
	            "E 1000 0 0x12000 tagA\n"
	            "E 1010 1 0x13000\n"
	            "X 1030 1 0x13000\n"
	            "E 1035 1 0x13000\n"
	            "X 1040 1 0x13000\n"
	            "I 1040 ev\n"
	            "E 1050 1 phase\n"
	            "C 1060 ctr -5\n"
	            "X 1070 1 phase\n"
	            "X 1100 0 0x12000\n");
	out[0] = '\0';
	CU_ASSERT_EQUAL(dump_stream(&rp, 1, out, sizeof out), 0);
	expect_text(out,
	            "E 2000 0 0x12000\n"
	            "I 2050 ev\n"
	            "X 2050 0 0x12000 *\n");
	raw_profile_free(&rp);
	rg_free(&g);
}

/* A one-shard trace with the events of e in one chunk at base 100,
 * TSC clock (rg_begin: 3 ticks per ns from tick 1000 = 5000 ns). */
static void one_chunk(struct rawgen *g, const struct rg_events *e, uint64_t depth,
                      uint32_t flags, int monotonic)
{
	struct rg_trace_id t[] = {
		{0x11005, 0x12000, 1, 1, 0},
		{0x12010, 0x13000, 1, 2, 0},
	};

	rg_begin(g, VPR_MODE_TRACE);
	if (monotonic)
		rg_hdr(g)->clock = VPR_CLOCK_MONOTONIC;
	rg_module(g, 0, "/fake/prog", 0x10000, 0x10000, 0x20000, NULL, 0);
	rg_modules_end(g);
	rg_name(g, 1, "n1");
	rg_names_end(g);
	rg_trace_table(g, 7, 0, 1, 4, t, 2);
	rg_trace_chunk(g, 7, 77, 1, 1000 + 300, depth, flags, e->buf, e->len, 0);
	rg_finish(g);
}

VP_TEST(trace_read, tsc_conversion)
{
	struct rawgen g;
	struct raw_profile rp;
	struct rg_events e = {0};
	char out[1024] = "";

	rg_ev_enter(&e, 1, 0);       /* tick 1300: 5000 + 300 / 3 = 5100 ns */
	rg_ev_enter(&e, 2, 30);      /* 1330: 5110 */
	rg_ev_exit(&e, 3);           /* 1333: 5111 */
	rg_ev_exit(&e, 3000000);     /* 3001333: 1005111 */
	one_chunk(&g, &e, 0, 0, 0);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "t.vitraw", &rp), 0);
	CU_ASSERT_EQUAL(dump_stream(&rp, 0, out, sizeof out), 0);
	expect_text(out,
	            "E 5100 0 0x12000\n"
	            "E 5110 1 0x13000\n"
	            "X 5111 1 0x13000\n"
	            "X 1005111 0 0x12000\n");
	raw_profile_free(&rp);
	rg_free(&g);
	rg_ev_free(&e);
}

/* A flight recorder: chunks 1 and 2 were reused (seqs 3 and 4 survive,
 * plus a stale chunk 1 of another run of seqs); chunk 3 starts inside two
 * frames of which it knows the innermost one (OPEN), and returns from
 * both: the outer one's EXIT is skipped. */
VP_TEST(trace_read, ring_open)
{
	struct rg_trace_id t[] = {
		{0x11005, 0x12000, 1, 1, 0},
		{0x12010, 0x13000, 1, 2, 0},
	};
	struct rawgen g;
	struct raw_profile rp;
	struct rg_events stale = {0}, c3 = {0}, c4 = {0};
	char out[1024] = "";

	rg_begin(&g, VPR_MODE_TRACE);
	rg_hdr(&g)->clock = VPR_CLOCK_MONOTONIC;
	rg_module(&g, 0, "/fake/prog", 0x10000, 0x10000, 0x20000, NULL, 0);
	rg_modules_end(&g);
	rg_trace_table(&g, 1, 0, 1, 4, t, 2);
	rg_ev_enter(&stale, 1, 0);
	rg_ev_open(&c3, 2, 40);       /* 0x13000 entered at 500 - 40 */
	rg_ev_exit(&c3, 10);          /* 510: 0x13000 returns */
	rg_ev_enter(&c3, 2, 5);       /* 515 */
	rg_ev_exit(&c3, 5);           /* 520 */
	rg_ev_exit(&c4, 80);          /* 680: the unknown outer frame returns */
	rg_ev_enter(&c4, 1, 20);      /* 700 */
	rg_trace_chunk(&g, 1, 9, 4, 600, 1, VPR_TRACE_RING, c4.buf, c4.len, 0);
	rg_trace_chunk(&g, 1, 9, 1, 100, 0, VPR_TRACE_RING, stale.buf, stale.len, 0);
	rg_trace_chunk(&g, 1, 9, 3, 500, 2, VPR_TRACE_RING, c3.buf, c3.len, 0);
	rg_finish(&g);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "t.vitraw", &rp), 0);
	CU_ASSERT_EQUAL_FATAL(rp.trace->n_streams, 1);
	CU_ASSERT_EQUAL(rp.trace->streams[0].n_chunks, 2);
	CU_ASSERT_EQUAL(dump_stream(&rp, 0, out, sizeof out), 0);
	expect_text(out,
	            "E 460 0 0x13000 *\n"
	            "X 510 0 0x13000\n"
	            "E 515 0 0x13000\n"
	            "X 520 0 0x13000\n"
	            "E 700 0 0x12000\n"
	            "X 700 0 0x12000 *\n");
	raw_profile_free(&rp);
	rg_free(&g);
	rg_ev_free(&stale);
	rg_ev_free(&c3);
	rg_ev_free(&c4);
}

/* A shard taken over by a new thread: two streams. */
VP_TEST(trace_read, shard_reused)
{
	struct rg_trace_id t[] = {{0x11005, 0x12000, 2, 1, 0}};
	struct rawgen g;
	struct raw_profile rp;
	struct rg_events a = {0}, b = {0};
	char out[1024] = "";

	rg_begin(&g, VPR_MODE_TRACE);
	rg_hdr(&g)->clock = VPR_CLOCK_MONOTONIC;
	rg_module(&g, 0, "/fake/prog", 0x10000, 0x10000, 0x20000, NULL, 0);
	rg_modules_end(&g);
	rg_trace_table(&g, 3, 0, 1, 4, t, 1);
	rg_ev_enter(&a, 1, 0);
	rg_ev_exit(&a, 10);
	rg_ev_enter(&b, 1, 0);
	rg_ev_exit(&b, 7);
	rg_trace_chunk(&g, 3, 31, 1, 100, 0, 0, a.buf, a.len, 0);
	rg_trace_chunk(&g, 3, 32, 2, 200, 0, 0, b.buf, b.len, 0);
	rg_finish(&g);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "t.vitraw", &rp), 0);
	CU_ASSERT_EQUAL_FATAL(rp.trace->n_streams, 2);
	CU_ASSERT_EQUAL(rp.trace->streams[0].tid, 31);
	CU_ASSERT_EQUAL(rp.trace->streams[1].tid, 32);
	CU_ASSERT_EQUAL(dump_stream(&rp, 1, out, sizeof out), 0);
	expect_text(out, "E 200 0 0x12000\nX 207 0 0x12000\n");
	raw_profile_free(&rp);
	rg_free(&g);
	rg_ev_free(&a);
	rg_ev_free(&b);
}

/* A chunk whose events span several reader windows (64 KiB). */
VP_TEST(trace_read, long_chunk)
{
	struct rawgen g;
	struct raw_profile rp;
	struct rg_events e = {0};
	struct trace_cursor *c;
	struct trace_event ev;
	uint64_t n = 0, last = 0, enters = 0;
	int r, ok = 1;

	for (int i = 0; i < 100000; i++) {
		rg_ev_enter(&e, 1, 300);
		rg_ev_enter(&e, 2, 3000);
		rg_ev_exit(&e, 30000);
		rg_ev_exit(&e, 3);
	}
	one_chunk(&g, &e, 0, 0, 1);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "t.vitraw", &rp), 0);
	c = trace_cursor_open(&rp, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	while ((r = trace_cursor_next(c, &ev)) == 1) {
		ok &= ev.ns >= last && !ev.synthetic;
		last = ev.ns;
		enters += ev.kind == TRACE_ENTER;
		n++;
	}
	CU_ASSERT_EQUAL(r, 0);
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(n, 400000);
	CU_ASSERT_EQUAL(enters, 200000);
	CU_ASSERT_EQUAL(last, 1300 + 100000ull * 33303);
	trace_cursor_close(c);
	raw_profile_free(&rp);
	rg_free(&g);
	rg_ev_free(&e);
}

/* ---- refusals ---------------------------------------------------------- */

/* Expects the events of e (one chunk, see one_chunk()) to be refused by the
 * cursor with a message containing want, naming the file and the offset
 * of the event at byte at of the chunk's data. */
static void expect_corrupt_events(const struct rg_events *e, uint64_t depth, const char *want,
                                  uint64_t at)
{
	struct rawgen g;
	struct raw_profile rp;
	char out[4096] = "", off[64];
	size_t chunk_off;

	one_chunk(&g, e, depth, 0, 1);
	/* the chunk is the last section */
	chunk_off = g.size - ((RG_CHUNK_DATA + e->len + RG_PAGE - 1) & ~(size_t)(RG_PAGE - 1));
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "t.vitraw", &rp), 0);
	tool_error_mute(1);
	CU_ASSERT_EQUAL(dump_stream(&rp, 0, out, sizeof out), -1);
	tool_error_mute(0);
	snprintf(off, sizeof off, " at offset 0x%zx", chunk_off + RG_CHUNK_DATA + (size_t)at);
	if (!strstr(tool_last_error(), want) || !strstr(tool_last_error(), off) ||
	    strncmp(tool_last_error(), "t.vitraw: ", 10) != 0) {
		fprintf(stderr, "\n  message: %s\n  wanted:  %s ...%s\n", tool_last_error(), want, off);
		CU_FAIL("message");
	}
	raw_profile_free(&rp);
	rg_free(&g);
}

VP_TEST(trace_read, corrupt_reserved_tag)
{
	struct rg_events e = {0};

	rg_ev_enter(&e, 1, 0);
	rg_uleb(&e, 3 | 4 << 2);
	expect_corrupt_events(&e, 0, "reserved event tag 3", 2);
	rg_ev_free(&e);
}

VP_TEST(trace_read, corrupt_unknown_id)
{
	struct rg_events e = {0};

	rg_ev_enter(&e, 1, 0);
	rg_ev_enter(&e, 3, 0);
	expect_corrupt_events(&e, 0, "names id 3, not in the shard's table (ids 1..2)", 2);
	rg_ev_free(&e);
	rg_ev_enter(&e, 0, 0);
	expect_corrupt_events(&e, 0, "names id 0", 0);
	rg_ev_free(&e);
}

VP_TEST(trace_read, corrupt_exit_without_frame)
{
	struct rg_events e = {0};

	rg_ev_enter(&e, 1, 0);
	rg_ev_exit(&e, 1);
	rg_ev_exit(&e, 1);
	expect_corrupt_events(&e, 0, "an EXIT with no open frame", 3);
	rg_ev_free(&e);
}

VP_TEST(trace_read, corrupt_varint_past_used)
{
	struct rg_events e = {0};
	unsigned char cont = 0x85;

	rg_ev_enter(&e, 1, 0);
	rg_ev_bytes(&e, &cont, 1);   /* a varint cut by `used` */
	expect_corrupt_events(&e, 0, "runs past the chunk's 3 used bytes", 2);
	rg_ev_free(&e);
	rg_uleb(&e, 1 << 2);         /* ENTER of id 1 without its dt */
	expect_corrupt_events(&e, 0, "runs past the chunk's 1 used bytes", 0);
	rg_ev_free(&e);
}

VP_TEST(trace_read, corrupt_time_overflow)
{
	struct rg_events e = {0};

	rg_ev_enter(&e, 1, 0);
	rg_ev_exit(&e, UINT64_MAX >> 2);
	rg_ev_enter(&e, 1, UINT64_MAX - 5);
	expect_corrupt_events(&e, 0, "time overflow", 12);
	rg_ev_free(&e);
}

VP_TEST(trace_read, corrupt_varint_too_long)
{
	struct rg_events e = {0};
	unsigned char eleven[11] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	                            0x80, 0x01};

	rg_ev_bytes(&e, eleven, sizeof eleven);
	expect_corrupt_events(&e, 0, "does not fit in 64 bits", 0);
	rg_ev_free(&e);
}

VP_TEST(trace_read, corrupt_marks)
{
	struct rg_events e = {0};

	rg_ev_instant(&e, 0, 9);
	expect_corrupt_events(&e, 0, "an instant event names id 9, which the names section", 0);
	rg_ev_free(&e);
	rg_uleb(&e, 7 << 2 | VPR_TEV_MARK);
	rg_uleb(&e, 0);
	expect_corrupt_events(&e, 0, "unknown mark kind 7", 0);
	rg_ev_free(&e);
	rg_ev_enter(&e, 1, 0);
	rg_ev_open(&e, 1, 0);
	expect_corrupt_events(&e, 0, "an OPEN mark after the chunk's first events", 2);
	rg_ev_free(&e);
	rg_ev_open(&e, 1, 0);
	expect_corrupt_events(&e, 0, "more OPEN marks than the chunk's 0 open frames", 0);
	rg_ev_free(&e);
}

/* Header damage raw_profile_read() refuses. */
static void expect_refused(struct rawgen *g, const char *want)
{
	struct raw_profile rp;

	tool_error_mute(1);
	CU_ASSERT_EQUAL(raw_profile_read_mem(g->buf, g->size, "t.vitraw", &rp), -1);
	tool_error_mute(0);
	if (!strstr(tool_last_error(), want) || !strstr(tool_last_error(), " at offset 0x")) {
		fprintf(stderr, "\n  message: %s\n  wanted:  %s\n", tool_last_error(), want);
		CU_FAIL("message");
	}
	raw_profile_free(&rp);
}

/* The section of type `type` number k (from 0) in g. */
static unsigned char *section(struct rawgen *g, uint32_t type, int k)
{
	size_t off = RG_PAGE;

	while (off < g->size) {
		struct vpr_section *s = (struct vpr_section *)(g->buf + off);
		if (s->type == type && k-- == 0)
			return g->buf + off;
		off += s->size;
	}
	return NULL;
}

VP_TEST(trace_read, corrupt_headers)
{
	struct rawgen g;
	struct vpr_trace *t;
	struct vpr_edges *e;
	struct vpr_edge_trace *ent;
	struct vpr_name_record *n;

	rg_sample_trace(&g);
	t = (struct vpr_trace *)section(&g, VPR_SEC_TRACE, 1);
	t->used = t->data_size + 1;
	expect_refused(&g, "bytes used of");
	rg_free(&g);

	rg_sample_trace(&g);
	t = (struct vpr_trace *)section(&g, VPR_SEC_TRACE, 0);
	t->data_size = t->sec.size;
	expect_refused(&g, "do not fit in its 4096-byte section");
	rg_free(&g);

	rg_sample_trace(&g);
	t = (struct vpr_trace *)section(&g, VPR_SEC_TRACE, 2);
	t->shard_id = 5;
	expect_refused(&g, "trace chunk of shard 5: the file has no live edge table");
	rg_free(&g);

	rg_sample_trace(&g);
	t = (struct vpr_trace *)section(&g, VPR_SEC_TRACE, 1);
	t->seq = 1;
	expect_refused(&g, "two trace chunks of shard 1 with seq 1");
	rg_free(&g);

	rg_sample_trace(&g);
	e = (struct vpr_edges *)section(&g, VPR_SEC_EDGES, 0);
	for (ent = (struct vpr_edge_trace *)((unsigned char *)e + e->entries_offset);
	     ent->fn != VPR_NAME_FN(1); ent++)
		;
	ent->id = 1;
	expect_refused(&g, "trace id table of shard 1: id 1 used twice");
	ent->id = 4;
	expect_refused(&g, "id 4 outside 1..3");
	rg_free(&g);

	rg_sample_trace(&g);
	n = (struct vpr_name_record *)(section(&g, VPR_SEC_NAMES, 0) + sizeof(struct vpr_modules));
	n->name[n->len] = 'x';
	expect_refused(&g, "name is not a NUL-terminated string of length 5");
	rg_free(&g);

	rg_sample_trace(&g);
	n = (struct vpr_name_record *)(section(&g, VPR_SEC_NAMES, 0) + sizeof(struct vpr_modules));
	n = (struct vpr_name_record *)((unsigned char *)n + n->record_size);
	n->id = 1;
	expect_refused(&g, "two name records with id 1");
	rg_free(&g);

	rg_sample(&g, VPR_MODE_COUNT);   /* a trace chunk in a count-mode file */
	g.size = rg_hdr(&g)->end;
	rg_trace_chunk(&g, 1, 1, 1, 0, 0, 0, NULL, 0, 16);
	rg_finish(&g);
	expect_refused(&g, "trace chunk in a count-mode profile");
	rg_free(&g);
}

/* Every prefix of the sample's events and every byte flipped: the cursor
 * either reads the stream or refuses it, never crashes (ASan), and always
 * gives well-nested events. */
VP_TEST(trace_read, damage_sweep)
{
	struct rawgen g;
	size_t first = 0, off;

	rg_sample_trace(&g);
	for (off = RG_PAGE; off < g.size; off += ((struct vpr_section *)(g.buf + off))->size)
		if (((struct vpr_section *)(g.buf + off))->type == VPR_SEC_TRACE && !first)
			first = off;
	tool_error_mute(1);
	for (size_t b = 0; b < 40; b++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			struct raw_profile rp;
			g.buf[first + RG_CHUNK_DATA + b] ^= (unsigned char)(1u << bit);
			if (raw_profile_read_mem(g.buf, g.size, "t.vitraw", &rp) == 0) {
				for (size_t s = 0; s < rp.trace->n_streams; s++) {
					struct trace_cursor *c = trace_cursor_open(&rp, s);
					struct trace_event ev;
					long depth = 0;
					int r;
					while ((r = trace_cursor_next(c, &ev)) == 1) {
						if (ev.kind == TRACE_ENTER)
							CU_ASSERT_EQUAL(ev.depth, depth++);
						if (ev.kind == TRACE_EXIT)
							CU_ASSERT_EQUAL(ev.depth, --depth);
					}
					if (r == 0)
						CU_ASSERT_EQUAL(depth, 0);
					trace_cursor_close(c);
				}
			}
			raw_profile_free(&rp);
			g.buf[first + RG_CHUNK_DATA + b] ^= (unsigned char)(1u << bit);
		}
	}
	tool_error_mute(0);
	rg_free(&g);
}

/* ---- the view (model/trace_view.c) ------------------------------------- */

#include "model/trace_view.h"

/* rg_sample_trace() without module records: every function is named by
 * its address ("0x12000"), which needs no symbolizer. */
static void sample_unnamed(struct rawgen *g)
{
	struct vpr_modules *m;

	rg_sample_trace(g);
	m = (struct vpr_modules *)section(g, VPR_SEC_MODULES, 0);
	m->n_records = 0;
	m->used = 0;
}

/* The view's events of thread ti, as dump_stream() writes them (names
 * from trace_view_fn_name()). Returns the walk's last result. */
static int dump_view(struct trace_view *v, size_t ti, char *out, size_t cap)
{
	const struct trace_view_thread *th;
	struct trace_event ev;
	size_t n = strlen(out), nt;
	int r;

	th = trace_view_threads(v, &nt);
	if (trace_view_begin(v, ti) != 1)
		return -1;
	while ((r = trace_view_next(v, &ev)) == 1 && n < cap) {
		const char *fn = ev.kind == TRACE_ENTER || ev.kind == TRACE_EXIT
		                 ? trace_view_fn_name(v, &th[ti], ev.fn) : ev.name;
		char k = "EXIC"[ev.kind];
		n += (size_t)snprintf(out + n, cap - n, "%c %" PRIu64 " %u %s%s%s%s\n", k, ev.ns,
		                      ev.depth, fn, ev.tag ? " " : "", ev.tag ? ev.tag : "",
		                      ev.synthetic ? " *" : "");
	}
	return r;
}

/* The sample through filter options opts ("opt=arg" strings), thread ti. */
static void expect_view(const char *const *opts, size_t n_opts, size_t ti, const char *want)
{
	struct rawgen g;
	struct raw_profile rp, *rps[1] = {&rp};
	struct trace_filter f;
	struct trace_view *v;
	char out[4096] = "";

	memset(&f, 0, sizeof f);
	for (size_t i = 0; i < n_opts; i++) {
		char opt[64];
		const char *eq = strchr(opts[i], '=');
		snprintf(opt, sizeof opt, "%.*s", (int)(eq - opts[i]), opts[i]);
		CU_ASSERT_EQUAL_FATAL(trace_filter_option(&f, opt, eq + 1), 0);
	}
	sample_unnamed(&g);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "t.vitraw", &rp), 0);
	v = trace_view_open(rps, 1, &f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(trace_view_start_ns(v), 1000);
	CU_ASSERT_EQUAL(dump_view(v, ti, out, sizeof out), 0);
	expect_text(out, want);
	trace_view_close(v);
	trace_filter_free(&f);
	raw_profile_free(&rp);
	rg_free(&g);
}

VP_TEST(trace_view, unfiltered)
{
	expect_view(NULL, 0, 0,
	            "E 1000 0 0x12000 tagA\n"
	            "E 1010 1 0x13000\n"
	            "X 1030 1 0x13000\n"
	            "E 1035 1 0x13000\n"
	            "X 1040 1 0x13000\n"
	            "I 1040 1 ev\n"
	            "E 1050 1 phase\n"
	            "C 1060 2 ctr\n"
	            "X 1070 1 phase\n"
	            "X 1100 0 0x12000\n");
}

VP_TEST(trace_view, tid)
{
	static const char *const o[] = {"tid=102"};
	expect_view(o, 1, 0, "E 2000 0 0x12000\nI 2050 1 ev\nX 2050 0 0x12000 *\n");
}

VP_TEST(trace_view, depth)
{
	static const char *const o[] = {"depth=1"};
	/* the instant is inside a shown frame, the counter inside a hidden one */
	expect_view(o, 1, 0, "E 1000 0 0x12000 tagA\nI 1040 1 ev\nX 1100 0 0x12000\n");
}

VP_TEST(trace_view, filter_include)
{
	static const char *const o[] = {"filter=0x13*"};
	expect_view(o, 1, 0,
	            "E 1010 0 0x13000\nX 1030 0 0x13000\nE 1035 0 0x13000\nX 1040 0 0x13000\n");
}

VP_TEST(trace_view, filter_exclude)
{
	static const char *const o[] = {"filter=-0x13000", "filter=-pha?e"};
	expect_view(o, 2, 0,
	            "E 1000 0 0x12000 tagA\n"
	            "I 1040 1 ev\n"
	            "X 1100 0 0x12000\n");
}

VP_TEST(trace_view, filter_include_exclude)
{
	static const char *const o[] = {"filter=phase", "filter=-0x12000"};
	expect_view(o, 2, 0, "");
	static const char *const o2[] = {"filter=0x12000", "filter=-phase", "depth=2"};
	expect_view(o2, 3, 0,
	            "E 1000 0 0x12000 tagA\n"
	            "E 1010 1 0x13000\n"
	            "X 1030 1 0x13000\n"
	            "E 1035 1 0x13000\n"
	            "X 1040 1 0x13000\n"
	            "I 1040 1 ev\n"
	            "X 1100 0 0x12000\n");
}

VP_TEST(trace_view, min_duration)
{
	static const char *const o[] = {"min-duration=15ns"};
	expect_view(o, 1, 0,
	            "E 1000 0 0x12000 tagA\n"
	            "E 1010 1 0x13000\n"
	            "X 1030 1 0x13000\n"
	            "I 1040 1 ev\n"
	            "E 1050 1 phase\n"
	            "C 1060 2 ctr\n"
	            "X 1070 1 phase\n"
	            "X 1100 0 0x12000\n");
	static const char *const o2[] = {"min-duration=21"};
	expect_view(o2, 1, 0,
	            "E 1000 0 0x12000 tagA\n"
	            "I 1040 1 ev\n"
	            "C 1060 1 ctr\n"
	            "X 1100 0 0x12000\n");
	static const char *const o3[] = {"min-duration=1us"};
	expect_view(o3, 1, 0, "I 1040 0 ev\nC 1060 0 ctr\n");
}

VP_TEST(trace_view, since_until)
{
	static const char *const o[] = {"since=32", "until=65ns"};
	expect_view(o, 2, 0,
	            "E 1032 0 0x12000 tagA *\n"
	            "E 1035 1 0x13000\n"
	            "X 1040 1 0x13000\n"
	            "I 1040 1 ev\n"
	            "E 1050 1 phase\n"
	            "C 1060 2 ctr\n"
	            "X 1065 1 phase *\n"
	            "X 1065 0 0x12000 *\n");
}

VP_TEST(trace_view, bad_options)
{
	struct trace_filter f;

	memset(&f, 0, sizeof f);
	tool_error_mute(1);
	CU_ASSERT_EQUAL(trace_filter_option(&f, "depth", "0"), -1);
	CU_ASSERT_EQUAL(trace_filter_option(&f, "tid", "x"), -1);
	CU_ASSERT_EQUAL(trace_filter_option(&f, "min-duration", "5 parsecs"), -1);
	CU_ASSERT_EQUAL(trace_filter_option(&f, "since", "-1"), -1);
	CU_ASSERT_EQUAL(trace_filter_option(&f, "filter", "-"), -1);
	tool_error_mute(0);
	trace_filter_free(&f);
}

VP_TEST(trace_view, not_a_trace)
{
	struct rawgen g;
	struct raw_profile rp, *rps[1] = {&rp};

	rg_sample(&g, VPR_MODE_COUNT);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "t.vitraw", &rp), 0);
	tool_error_mute(1);
	CU_ASSERT_PTR_NULL(trace_view_open(rps, 1, NULL));
	tool_error_mute(0);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "t.vitraw: a count-mode profile has no"
	                              " timeline"));
	raw_profile_free(&rp);
	rg_free(&g);
}

/* A chunk based before its predecessor's last event: its earlier events
 * are raised to that event's time; times never decrease. */
VP_TEST(trace_read, chunk_base_backwards)
{
	struct rg_trace_id t[] = {{0x11005, 0x12000, 2, 1, 0}};
	struct rawgen g;
	struct raw_profile rp;
	struct rg_events a = {0}, b = {0};
	char out[1024] = "";

	rg_begin(&g, VPR_MODE_TRACE);
	rg_hdr(&g)->clock = VPR_CLOCK_MONOTONIC;
	rg_trace_table(&g, 1, 0, 1, 4, t, 1);
	rg_ev_enter(&a, 1, 0);       /* 100 */
	rg_ev_exit(&a, 50);          /* 150 */
	rg_ev_enter(&b, 1, 0);       /* 140 -> 150 */
	rg_ev_exit(&b, 20);          /* 160 */
	rg_trace_chunk(&g, 1, 5, 1, 100, 0, 0, a.buf, a.len, 0);
	rg_trace_chunk(&g, 1, 5, 2, 140, 0, 0, b.buf, b.len, 0);
	rg_finish(&g);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "t.vitraw", &rp), 0);
	CU_ASSERT_EQUAL(dump_stream(&rp, 0, out, sizeof out), 0);
	expect_text(out, "E 100 0 0x12000\nX 150 0 0x12000\nE 150 0 0x12000\nX 160 0 0x12000\n");
	raw_profile_free(&rp);
	rg_free(&g);
	rg_ev_free(&a);
	rg_ev_free(&b);
}
