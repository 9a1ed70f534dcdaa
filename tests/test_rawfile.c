/* SPDX-License-Identifier: MIT */
/*
 * test_rawfile.c - the raw profile reader (tools/raw_read.c): exact data
 * from valid files, the table selection rule, and an error (never a crash,
 * never data) for every kind of damage. Run under ASan in CI.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_tool_rawgen.h"
#include "base/tool.h"
#include "read/raw_profile.h"
#include "vp_test.h"

/* Reads g's image; returns the reader's result. */
static int parse(struct rawgen *g, struct raw_profile *rp)
{
	return raw_profile_read_mem(g->buf, g->size, "t.vitraw", rp);
}

/* Expects g's image to be refused with a message containing want (and the
 * file name and an offset unless no_offset). */
static void expect_error(struct rawgen *g, const char *want, int no_offset)
{
	struct raw_profile rp;

	tool_error_mute(1);
	CU_ASSERT_EQUAL(parse(g, &rp), -1);
	tool_error_mute(0);
	CU_ASSERT_EQUAL(rp.n_edges, 0);
	CU_ASSERT_EQUAL(rp.n_modules, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "t.vitraw: "));
	if (want && !strstr(tool_last_error(), want)) {
		fprintf(stderr, "\n  message: %s\n  wanted:  %s\n", tool_last_error(), want);
		CU_FAIL("message");
	}
	if (!no_offset)
		CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), " at offset 0x"));
	raw_profile_free(&rp);
}

/* Parses g expecting success; returns 0 or -1. */
static int expect_ok(struct rawgen *g, struct raw_profile *rp)
{
	int rc = parse(g, rp);

	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  unexpected error: %s\n", tool_last_error());
	return rc;
}

/* Finds the edge (site, fn) in rp; NULL if absent. */
static const struct raw_edge *edge(const struct raw_profile *rp, uint64_t site, uint64_t fn)
{
	size_t i;

	for (i = 0; i < rp->n_edges; i++)
		if (rp->edges[i].site == site && rp->edges[i].fn == fn)
			return &rp->edges[i];
	return NULL;
}

VP_TEST(rawfile, valid_count_exact)
{
	struct rawgen g;
	struct raw_profile rp;
	const struct raw_edge *e;

	rg_sample(&g, VPR_MODE_COUNT);
	rg_hdr(&g)->lost_calls = 1;
	((struct vpr_edges *)(g.buf + 5 * RG_PAGE))->lost_calls = 2;
	if (expect_ok(&g, &rp) == 0) {
		CU_ASSERT_EQUAL(rp.mode, VPR_MODE_COUNT);
		CU_ASSERT_EQUAL(rp.state, VPR_STATE_EXITED);
		CU_ASSERT_EQUAL(rp.pid, 4242);
		CU_ASSERT_STRING_EQUAL(rp.host, "testhost");
		CU_ASSERT_STRING_EQUAL(rp.exe_path, "/fake/prog");
		CU_ASSERT_EQUAL(rp.n_sections, 3);
		CU_ASSERT_EQUAL(rp.n_shards, 2);
		CU_ASSERT_EQUAL(rp.n_modules, 2);
		CU_ASSERT_EQUAL(rp.modules[0].id, 0);
		CU_ASSERT_STRING_EQUAL(rp.modules[0].path, "/fake/prog");
		CU_ASSERT_EQUAL(rp.modules[0].build_id_len, 4);
		CU_ASSERT_EQUAL(rp.modules[0].build_id[0], 0xde);
		CU_ASSERT_EQUAL(rp.modules[0].load_bias, 0x10000);
		CU_ASSERT_EQUAL(rp.modules[1].hi, 0x7010000);
		CU_ASSERT_STRING_EQUAL(rp.modules[1].path, "/fake/lib.so");
		CU_ASSERT_EQUAL(rp.n_edges, 4);    /* per shard, not merged */
		CU_ASSERT_EQUAL(rp.n_functions, 0);
		e = edge(&rp, 0x11010, 0x12000);
		CU_ASSERT(e && e->count == 4 && e->total_ticks == 0 && e->self_ticks == 0);
		e = edge(&rp, 0x7000105, 0x13000);
		CU_ASSERT(e && e->count == 1);
		CU_ASSERT_EQUAL(rp.lost_calls, 3);
		CU_ASSERT_FALSE(rp.time_available);
	}
	raw_profile_free(&rp);
	rg_free(&g);
}

VP_TEST(rawfile, valid_time_exact)
{
	struct rawgen g;
	struct raw_profile rp;
	const struct raw_edge *e;

	rg_sample(&g, VPR_MODE_TIME);
	if (expect_ok(&g, &rp) == 0) {
		CU_ASSERT_EQUAL(rp.mode, VPR_MODE_TIME);
		CU_ASSERT_EQUAL(rp.n_edges, 4);
		CU_ASSERT_EQUAL(rp.n_functions, 1);
		CU_ASSERT(rp.n_functions == 1 && rp.functions[0].fn == 0x12000 &&
		          rp.functions[0].total_ticks == 700);
		e = edge(&rp, 0x11005, 0x12000);
		CU_ASSERT(e && e->total_ticks + e->self_ticks > 0);
		CU_ASSERT_TRUE(rp.time_available);
		/* 3 ticks per ns */
		CU_ASSERT_EQUAL(raw_ticks_to_ns(&rp, 3000), 1000);
		CU_ASSERT_EQUAL(raw_ticks_to_ns(&rp, 0), 0);
		CU_ASSERT_EQUAL(raw_ticks_to_ns(&rp, UINT64_MAX), UINT64_MAX / 3);
	}
	raw_profile_free(&rp);
	rg_free(&g);
}

VP_TEST(rawfile, time_uncalibrated_is_unavailable)
{
	struct rawgen g;
	struct raw_profile rp;

	rg_sample(&g, VPR_MODE_TIME);
	rg_hdr(&g)->calib_tick1 = rg_hdr(&g)->calib_tick0;
	if (expect_ok(&g, &rp) == 0) {
		CU_ASSERT_FALSE(rp.time_available);
		CU_ASSERT_PTR_NOT_NULL(rp.time_note);
		CU_ASSERT_EQUAL(raw_ticks_to_ns(&rp, 3000), 0);
	}
	raw_profile_free(&rp);
	/* An implausible tick rate: a million ns per tick. */
	rg_hdr(&g)->calib_tick1 = rg_hdr(&g)->calib_tick0 + 1;
	if (expect_ok(&g, &rp) == 0)
		CU_ASSERT_FALSE(rp.time_available);
	raw_profile_free(&rp);
	/* CLOCK_MONOTONIC: a tick is a nanosecond, calibration unused. */
	rg_hdr(&g)->clock = VPR_CLOCK_MONOTONIC;
	if (expect_ok(&g, &rp) == 0) {
		CU_ASSERT_TRUE(rp.time_available);
		CU_ASSERT_EQUAL(raw_ticks_to_ns(&rp, 12345), 12345);
	}
	raw_profile_free(&rp);
	rg_free(&g);
}

VP_TEST(rawfile, generation_rule)
{
	struct rawgen g;
	struct raw_profile rp;
	struct rg_slot old[] = {{0x11005, 0x12000, 5, 0, 0}};
	struct rg_slot cur[] = {{0x11005, 0x12000, 9, 0, 0}, {0x11010, 0x12000, 1, 0, 0}};
	struct rg_slot next[] = {{0x11005, 0x12000, 100, 0, 0}};
	struct rg_slot other[] = {{0x11005, 0x12000, 7, 0, 0}};

	rg_begin(&g, VPR_MODE_COUNT);
	rg_module(&g, 0, "/fake/prog", 0, 0x10000, 0x20000, NULL, 0);
	rg_modules_end(&g);
	/* Shard 1: a crash in the middle of a copy left generations 0 and 1
	 * live; generation 2 was being built (not live yet). */
	rg_table(&g, 1, 0, 1, 16, old, 1);
	rg_table(&g, 1, 2, 0, 64, next, 1);
	rg_table(&g, 1, 1, 1, 32, cur, 2);
	/* Shard 2: retired generation 0 (a hole: zeros past the header). */
	rg_table(&g, 2, 0, 0, 16, NULL, 0);
	rg_table(&g, 2, 1, 1, 64, other, 1);
	rg_finish(&g);
	if (expect_ok(&g, &rp) == 0) {
		const struct raw_edge *e;
		uint64_t sum = 0;
		size_t i;

		CU_ASSERT_EQUAL(rp.n_tables, 5);
		CU_ASSERT_EQUAL(rp.n_shards, 2);
		CU_ASSERT_EQUAL(rp.n_edges, 3);
		for (i = 0; i < rp.n_edges; i++)
			if (rp.edges[i].site == 0x11005)
				sum += rp.edges[i].count;
		CU_ASSERT_EQUAL(sum, 9 + 7);
		e = edge(&rp, 0x11010, 0x12000);
		CU_ASSERT(e && e->count == 1);
	}
	raw_profile_free(&rp);
	rg_free(&g);
}

VP_TEST(rawfile, two_live_tables_same_generation)
{
	struct rawgen g;
	struct rg_slot s[] = {{0x11005, 0x12000, 5, 0, 0}};

	rg_begin(&g, VPR_MODE_COUNT);
	rg_table(&g, 3, 1, 1, 16, s, 1);
	rg_table(&g, 3, 1, 1, 16, s, 1);
	rg_finish(&g);
	expect_error(&g, "two live edge tables of shard 3 with generation 1", 0);
	rg_free(&g);
}

VP_TEST(rawfile, empty_profile_is_valid)
{
	struct rawgen g;
	struct raw_profile rp;

	rg_begin(&g, VPR_MODE_COUNT);
	rg_finish(&g);
	if (expect_ok(&g, &rp) == 0) {
		CU_ASSERT_EQUAL(rp.n_sections, 0);
		CU_ASSERT_EQUAL(rp.n_edges, 0);
	}
	raw_profile_free(&rp);
	rg_free(&g);
}

VP_TEST(rawfile, modules_sorted_by_id)
{
	struct rawgen g;
	struct raw_profile rp;

	rg_begin(&g, VPR_MODE_COUNT);
	rg_module(&g, 2, "/c", 0, 0x30000, 0x40000, NULL, 0);
	rg_modules_end(&g);
	rg_module(&g, 0, "/a", 0, 0x10000, 0x20000, NULL, 0);
	rg_module(&g, 1, "/b", 0, 0x20000, 0x30000, NULL, 0);
	rg_modules_end(&g);
	rg_finish(&g);
	if (expect_ok(&g, &rp) == 0) {
		CU_ASSERT_EQUAL(rp.n_modules, 3);
		CU_ASSERT(rp.n_modules == 3 && rp.modules[0].id == 0 && rp.modules[1].id == 1 &&
		          rp.modules[2].id == 2 && strcmp(rp.modules[2].path, "/c") == 0);
	}
	raw_profile_free(&rp);
	rg_free(&g);
}

VP_TEST(rawfile, truncated_at_every_8_bytes)
{
	struct rawgen g;
	size_t len, full;

	rg_sample(&g, VPR_MODE_TIME);
	full = g.size;
	for (len = 0; len < full; len += 8) {
		struct raw_profile rp;
		unsigned char *copy = malloc(len ? len : 1);   /* exact size for ASan */

		memcpy(copy, g.buf, len);
		tool_error_mute(1);
		CU_ASSERT_EQUAL(raw_profile_read_mem(copy, len, "t.vitraw", &rp), -1);
		tool_error_mute(0);
		CU_ASSERT_EQUAL(rp.n_edges, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "t.vitraw: "));
		raw_profile_free(&rp);
		free(copy);
	}
	rg_free(&g);
}

VP_TEST(rawfile, zeroed_and_empty_files)
{
	struct rawgen g;

	rg_sample(&g, VPR_MODE_COUNT);
	memset(g.buf, 0, g.size);
	expect_error(&g, "not a vitprof raw profile", 0);
	g.size = 0;
	expect_error(&g, "empty file", 0);
	g.size = 5;
	memcpy(g.buf, "VITPR", 5);
	expect_error(&g, "not a vitprof raw profile", 0);
	rg_free(&g);
}

VP_TEST(rawfile, wrong_version)
{
	struct rawgen g;

	rg_sample(&g, VPR_MODE_COUNT);
	rg_hdr(&g)->version = 2;
	expect_error(&g, "t.vitraw: raw profile version 2, this vitprof reads version 1", 1);
	/* Only the start of a newer header is needed to tell the version. */
	g.size = 16;
	expect_error(&g, "raw profile version 2, this vitprof reads version 1", 1);
	rg_free(&g);
}

VP_TEST(rawfile, other_byte_order)
{
	struct rawgen g;

	rg_sample(&g, VPR_MODE_COUNT);
	rg_hdr(&g)->version = __builtin_bswap32(VPR_VERSION);
	rg_hdr(&g)->byte_order = __builtin_bswap32(VPR_BYTE_ORDER);
	expect_error(&g, "other byte order", 0);
	rg_hdr(&g)->version = VPR_VERSION;
	rg_hdr(&g)->byte_order = 0x12345678;
	expect_error(&g, "byte-order mark", 0);
	rg_free(&g);
}

/* Each header field a reader relies on, damaged, is refused and named
 * with its offset. */
VP_TEST(rawfile, header_fields)
{
	static const struct {
		size_t off, width;
		uint64_t value;
		const char *want;
		size_t at;          /* offset named in the message, if not off */
	} cases[] = {
#define F(field, v, w) {offsetof(struct vpr_file_header, field), \
                        sizeof(((struct vpr_file_header *)0)->field), v, w, 0}
		F(header_size, 1000, "header size"),
		F(header_size, 0xffffffff, "header size"),
		F(page_size, 0, "page size"),
		F(page_size, 2048, "page size"),
		F(page_size, 4097, "page size"),
		F(page_size, 0x80000000u, "page size"),
		F(first_section, 0, "first section"),
		F(first_section, 100, "first section"),
		{offsetof(struct vpr_file_header, first_section), 8, 0xfffffffffffff000ull,
		 "sections end", offsetof(struct vpr_file_header, end)},
		F(end, 0, "sections end"),
		F(end, 4095, "sections end"),
		F(end, 0x100000000ull, "truncated"),
		F(end, UINT64_MAX & ~4095ull, "truncated"),
		F(n_sections, 0, "the header counts 0 sections, the file has 3"),
		F(n_sections, 4, "counts 4 sections"),
		F(state, 0, "unknown state"),
		F(state, 3, "unknown state"),
		F(mode, 0, "unknown mode"),
		F(mode, 6, "unknown mode"),
		F(flags, 0x80, "unknown flags"),
		F(pid, 0, "bad process id 0"),
		F(pid, UINT64_MAX, "bad process id -1"),
		F(ppid, UINT64_MAX, "bad parent process id -1"),
		F(clock, 0, "unknown clock"),
		F(clock, 7, "unknown clock"),
#undef F
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rawgen g;
		char want[128];

		rg_sample(&g, VPR_MODE_COUNT);
		memcpy(g.buf + cases[i].off, &cases[i].value, cases[i].width);
		snprintf(want, sizeof want, "at offset 0x%zx",
		         cases[i].at ? cases[i].at : cases[i].off);
		expect_error(&g, cases[i].want, 0);
		if (!strstr(tool_last_error(), want)) {
			fprintf(stderr, "\n  case %zu: %s\n", i, tool_last_error());
			CU_FAIL("offset of the field");
		}
		rg_free(&g);
	}
}

VP_TEST(rawfile, header_strings_need_nul)
{
	struct rawgen g;

	rg_sample(&g, VPR_MODE_COUNT);
	memset(rg_hdr(&g)->host, 'h', sizeof rg_hdr(&g)->host);
	expect_error(&g, "host name is not NUL-terminated", 0);
	rg_free(&g);
	rg_sample(&g, VPR_MODE_COUNT);
	memset(rg_hdr(&g)->exe_path, 'x', sizeof rg_hdr(&g)->exe_path);
	expect_error(&g, "executable path is not NUL-terminated", 0);
	rg_free(&g);
}

/* Fields that carry no structure (times, counters, ids, reserved) may hold
 * anything: every bit pattern parses. */
VP_TEST(rawfile, free_header_fields_never_break)
{
	static const size_t offs[] = {
		offsetof(struct vpr_file_header, start_realtime_ns),
		offsetof(struct vpr_file_header, end_realtime_ns),
		offsetof(struct vpr_file_header, calib_tick0),
		offsetof(struct vpr_file_header, calib_ns1),
		offsetof(struct vpr_file_header, lost_calls),
		offsetof(struct vpr_file_header, lost_sections),
		offsetof(struct vpr_file_header, n_threads),
		offsetof(struct vpr_file_header, reserved),
	};
	size_t i;

	for (i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		struct rawgen g;
		struct raw_profile rp;
		uint64_t v = UINT64_MAX;

		rg_sample(&g, VPR_MODE_TIME);
		memcpy(g.buf + offs[i], &v, sizeof v);
		if (expect_ok(&g, &rp) == 0)
			CU_ASSERT_EQUAL(rp.n_edges, 4);
		raw_profile_free(&rp);
		rg_free(&g);
	}
}

#define SEC1 RG_PAGE                 /* rg_sample: the modules section */
#define SEC2 (5 * RG_PAGE)           /* the first edge table */
#define REC0 (SEC1 + sizeof(struct vpr_modules))

static void put32(struct rawgen *g, size_t off, uint32_t v)
{
	memcpy(g->buf + off, &v, sizeof v);
}

static void put64(struct rawgen *g, size_t off, uint64_t v)
{
	memcpy(g->buf + off, &v, sizeof v);
}

static void put16(struct rawgen *g, size_t off, uint16_t v)
{
	memcpy(g->buf + off, &v, sizeof v);
}

VP_TEST(rawfile, bad_sections)
{
	static const struct {
		size_t off;
		int width;
		uint64_t value;
		const char *want;
	} cases[] = {
		{SEC2 + offsetof(struct vpr_section, magic), 4, 0x43455357, "bad magic"},
		{SEC2 + offsetof(struct vpr_section, type), 4, 9, "unknown type 9"},
		{SEC2 + offsetof(struct vpr_section, offset), 8, 0, "says it is at 0x0"},
		{SEC2 + offsetof(struct vpr_section, size), 8, 0, "size 0x0"},
		{SEC2 + offsetof(struct vpr_section, size), 8, 4097, "not a nonzero multiple"},
		{SEC2 + offsetof(struct vpr_section, size), 8, 1ull << 40, "runs past the end"},
		{SEC2 + offsetof(struct vpr_section, size), 8, UINT64_MAX & ~4095ull, "runs past"},
		{SEC1 + offsetof(struct vpr_section, size), 8, RG_PAGE, "bad magic"},
		{SEC1 + offsetof(struct vpr_section, magic), 4, 0, "section 0: bad magic"},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rawgen g;

		rg_sample(&g, VPR_MODE_COUNT);
		if (cases[i].width == 4)
			put32(&g, cases[i].off, (uint32_t)cases[i].value);
		else
			put64(&g, cases[i].off, cases[i].value);
		expect_error(&g, cases[i].want, 0);
		rg_free(&g);
	}
}

VP_TEST(rawfile, bad_module_records)
{
	static const struct {
		size_t off;
		int width;
		uint64_t value;
		const char *want;
	} cases[] = {
		{SEC1 + offsetof(struct vpr_modules, used), 8, 1ull << 62, "do not fit"},
		{SEC1 + offsetof(struct vpr_modules, used), 8, 4 * RG_PAGE, "do not fit"},
		{SEC1 + offsetof(struct vpr_modules, used), 8, 12, "do not fit"},
		{SEC1 + offsetof(struct vpr_modules, used), 8, 8, "past the section's"},
		{SEC1 + offsetof(struct vpr_modules, n_records), 4, 3, "module record 3 of 3"},
		{SEC1 + offsetof(struct vpr_modules, n_records), 4, 0xffffffff, "module record 3 of"},
		{REC0 + offsetof(struct vpr_module_record, record_size), 4, 0, "record size 0"},
		{REC0 + offsetof(struct vpr_module_record, record_size), 4, 80, "record size 80"},
		{REC0 + offsetof(struct vpr_module_record, record_size), 4, 97, "record size 97"},
		{REC0 + offsetof(struct vpr_module_record, record_size), 4, 0xfffffff8u, "record size"},
		{REC0 + offsetof(struct vpr_module_record, path_len), 2, 0xffff, "path length"},
		{REC0 + offsetof(struct vpr_module_record, path_len), 2, 16, "path length 16"},
		{REC0 + offsetof(struct vpr_module_record, path_len), 2, 0, "path length 0"},
		{REC0 + offsetof(struct vpr_module_record, path_len), 2, 5, "NUL-terminated"},
		{REC0 + offsetof(struct vpr_module_record, path_len), 2, 11, "NUL-terminated"},
		{REC0 + offsetof(struct vpr_module_record, build_id_len), 1, 41, "build-id length"},
		{REC0 + offsetof(struct vpr_module_record, lo), 8, 0x20000, "is empty"},
		{REC0 + offsetof(struct vpr_module_record, id), 4, 1, "two module records with id 1"},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rawgen g;

		rg_sample(&g, VPR_MODE_COUNT);
		switch (cases[i].width) {
		case 1: g.buf[cases[i].off] = (unsigned char)cases[i].value; break;
		case 2: put16(&g, cases[i].off, (uint16_t)cases[i].value); break;
		case 4: put32(&g, cases[i].off, (uint32_t)cases[i].value); break;
		default: put64(&g, cases[i].off, cases[i].value);
		}
		expect_error(&g, cases[i].want, 0);
		rg_free(&g);
	}
}

VP_TEST(rawfile, bad_edge_tables)
{
	static const struct {
		size_t off;
		int width;
		uint64_t value;
		const char *want;
	} cases[] = {
#define T(field) (SEC2 + offsetof(struct vpr_edges, field))
		{T(capacity), 8, 0, "not a power of two"},
		{T(capacity), 8, 24, "not a power of two"},
		{T(capacity), 8, 1ull << 62, "do not fit"},      /* capacity * 24 overflows */
		{T(capacity), 8, 1ull << 63, "do not fit"},
		{T(capacity), 8, 256, "do not fit"},
		{T(entries_offset), 8, 0, "entries offset"},
		{T(entries_offset), 8, 130, "entries offset"},
		{T(entries_offset), 8, UINT64_MAX - 7, "entries offset"},
		{T(entries_offset), 8, RG_PAGE - 8, "do not fit"},
		{T(entry_size), 4, 40, "entry size 40, a count-mode profile has 24"},
		{T(entry_size), 4, 0, "entry size 0"},
		{T(n_used), 8, 17, "slots used of 16"},
		{T(shard_id), 8, 0, "shard id 0"},
		{T(live), 4, 2, "live flag 2"},
#undef T
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rawgen g;

		rg_sample(&g, VPR_MODE_COUNT);
		if (cases[i].width == 4)
			put32(&g, cases[i].off, (uint32_t)cases[i].value);
		else
			put64(&g, cases[i].off, cases[i].value);
		expect_error(&g, cases[i].want, 0);
		rg_free(&g);
	}
}

/* Slot i of rg_sample's first edge table (capacity 16, entries of es bytes). */
static uint64_t *sample_slot(struct rawgen *g, size_t es, uint64_t i)
{
	return (uint64_t *)(g->buf + SEC2 + VPR_EDGES_ENTRIES_OFFSET + (i & 15) * es);
}

/* The first occupied slot of rg_sample's first table at or after from. */
static uint64_t sample_used(struct rawgen *g, size_t es, uint64_t from)
{
	uint64_t i;

	for (i = from; sample_slot(g, es, i)[1] == 0; i++)
		;
	return i & 15;
}

/* The first empty slot of rg_sample's first table after from. */
static uint64_t sample_empty(struct rawgen *g, size_t es, uint64_t from)
{
	uint64_t i;

	for (i = from + 1; sample_slot(g, es, i)[1] != 0; i++)
		;
	return i & 15;
}

VP_TEST(rawfile, function_record_in_count_table)
{
	struct rawgen g;

	rg_sample(&g, VPR_MODE_COUNT);
	sample_slot(&g, 24, sample_used(&g, 24, 0))[0] = VPR_SITE_FUNCTION;
	expect_error(&g, "function record", 0);
	rg_free(&g);
}

/* Every entry of an edge table is where vpr_edges_probe() finds its key:
 * one moved past an empty slot, or a key in two slots, is refused. */
VP_TEST(rawfile, misplaced_entry_refused)
{
	int mode;

	for (mode = 0; mode < 2; mode++) {
		size_t es = mode ? sizeof(struct vpr_edge_time) : sizeof(struct vpr_edge_count);
		struct rawgen g;
		struct raw_profile rp;
		uint64_t k, m, e[5];

		rg_sample(&g, mode ? VPR_MODE_TIME : VPR_MODE_COUNT);
		CU_ASSERT_EQUAL(expect_ok(&g, &rp), 0);
		raw_profile_free(&rp);
		/* moved to a later empty slot: its old slot is a gap before it */
		k = sample_used(&g, es, 0);
		m = sample_empty(&g, es, k);
		memcpy(e, sample_slot(&g, es, k), es);
		memset(sample_slot(&g, es, k), 0, es);
		memcpy(sample_slot(&g, es, m), e, es);
		expect_error(&g, "is not where the table's probe finds its key", 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "the probe stops at the empty slot"));
		/* back, and a copy in the first empty slot after it: a duplicate */
		memset(sample_slot(&g, es, m), 0, es);
		memcpy(sample_slot(&g, es, k), e, es);
		CU_ASSERT_EQUAL(expect_ok(&g, &rp), 0);
		raw_profile_free(&rp);
		memcpy(sample_slot(&g, es, sample_empty(&g, es, k)), e, es);
		expect_error(&g, "has the key of slot", 0);
		rg_free(&g);
	}
}

VP_TEST(rawfile, time_mode_entry_size)
{
	struct rawgen g;

	rg_sample(&g, VPR_MODE_TIME);
	put32(&g, SEC2 + offsetof(struct vpr_edges, entry_size), 24);
	expect_error(&g, "entry size 24, a time-mode profile has 40", 0);
	rg_free(&g);
}

/* Every byte of a valid file inverted, one at a time: the reader either
 * accepts the file or refuses it with a message; it never crashes. */
VP_TEST(rawfile, flip_every_byte)
{
	struct rawgen g;
	size_t i, refused = 0;

	rg_sample(&g, VPR_MODE_TIME);
	for (i = 0; i < g.size; i++) {
		struct raw_profile rp;
		int rc;

		g.buf[i] ^= 0xff;
		tool_error_mute(1);
		rc = parse(&g, &rp);
		tool_error_mute(0);
		if (rc != 0) {
			refused++;
			CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "t.vitraw: "));
		} else {
			/* an empty slot may have become an edge */
			CU_ASSERT(rp.n_edges <= 5 && rp.n_modules == 2);
		}
		raw_profile_free(&rp);
		g.buf[i] ^= 0xff;
	}
	CU_ASSERT(refused > 100);
	rg_free(&g);
}

/* Random bytes, alone and behind a valid header. */
VP_TEST(rawfile, random_bytes)
{
	struct rawgen g;
	unsigned seed = 12345;
	int round;

	rg_sample(&g, VPR_MODE_COUNT);
	for (round = 0; round < 400; round++) {
		size_t len = (size_t)rand_r(&seed) % g.size, keep, i;
		unsigned char *buf = malloc(len ? len : 1);
		struct raw_profile rp;

		/* a quarter pure noise, the rest a valid start then noise */
		keep = round % 4 == 0 ? 0 : (size_t)rand_r(&seed) % (len + 1);
		memcpy(buf, g.buf, keep);
		for (i = keep; i < len; i++)
			buf[i] = (unsigned char)rand_r(&seed);
		tool_error_mute(1);
		if (raw_profile_read_mem(buf, len, "t.vitraw", &rp) != 0)
			CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "t.vitraw: "));
		tool_error_mute(0);
		raw_profile_free(&rp);
		free(buf);
	}
	rg_free(&g);
}

VP_TEST(rawfile, read_from_file)
{
	struct rawgen g;
	struct raw_profile rp;
	char path[] = "/tmp/vitprof-test-XXXXXX";
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	rg_sample(&g, VPR_MODE_COUNT);
	CU_ASSERT_EQUAL_FATAL(rg_write(&g, path), 0);
	CU_ASSERT_EQUAL(raw_profile_read(path, &rp), 0);
	CU_ASSERT_EQUAL(rp.n_edges, 4);
	CU_ASSERT_STRING_EQUAL(rp.file, path);
	raw_profile_free(&rp);
	/* truncated on disk */
	CU_ASSERT_EQUAL(truncate(path, (off_t)(g.size - RG_PAGE)), 0);
	tool_error_mute(1);
	CU_ASSERT_EQUAL(raw_profile_read(path, &rp), -1);
	tool_error_mute(0);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "truncated"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), path));
	raw_profile_free(&rp);
	unlink(path);
	tool_error_mute(1);
	CU_ASSERT_EQUAL(raw_profile_read(path, &rp), -1);
	tool_error_mute(0);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "cannot open: No such file"));
	raw_profile_free(&rp);
	tool_error_mute(1);
	CU_ASSERT_EQUAL(raw_profile_read("/tmp", &rp), -1);
	tool_error_mute(0);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "not a regular file"));
	raw_profile_free(&rp);
	rg_free(&g);
}

/* ---- arc counters: ARCS and GCOV sections -------------------------------- */

/* Offsets, in g, of the n-th section of type (from 0). */
static size_t section_at(struct rawgen *g, uint32_t type, int nth)
{
	size_t off = RG_PAGE;

	while (off < g->size) {
		struct vpr_section *s = (struct vpr_section *)(g->buf + off);
		if (s->type == type && nth-- == 0)
			return off;
		off += s->size;
	}
	CU_FAIL("section not found");
	return 0;
}

static struct vpr_arcs *arcs_sec(struct rawgen *g, int nth)
{
	return (struct vpr_arcs *)(g->buf + section_at(g, VPR_SEC_ARCS, nth));
}

static struct vpr_gcov_object *gcov_rec(struct rawgen *g, int nth)
{
	struct vpr_modules *m = (struct vpr_modules *)(g->buf + section_at(g, VPR_SEC_GCOV, 0));
	unsigned char *p = (unsigned char *)(m + 1);

	while (nth-- > 0)
		p += ((struct vpr_gcov_object *)p)->record_size;
	return (struct vpr_gcov_object *)p;
}

static struct vpr_gcov_function *gcov_fn(struct rawgen *g, int rec, int nth)
{
	return (struct vpr_gcov_function *)(gcov_rec(g, rec) + 1) + nth;
}

VP_TEST(rawfile, gcov_exact)
{
	struct rawgen g;
	struct raw_profile rp;

	rg_sample_gcov(&g);
	if (expect_ok(&g, &rp) == 0) {
		const struct raw_gcov_object *a = &rp.gcov[0], *b = &rp.gcov[1];
		CU_ASSERT_EQUAL(rp.n_gcov, 2);
		CU_ASSERT_EQUAL(rp.n_arcs_in_place, 1);
		CU_ASSERT_EQUAL(rp.n_arcs_copy, 1);
		CU_ASSERT_EQUAL(rp.n_edges, 4);
		CU_ASSERT_STRING_EQUAL(a->gcda_path, "/o/a.gcda");
		CU_ASSERT(a->version == 0x4232322a && a->stamp == 0xabcd && a->checksum == 0x1234);
		CU_ASSERT(a->arcs_mode == VPR_ARCS_IN_PLACE && a->counts_known);
		CU_ASSERT_EQUAL_FATAL(a->n_functions, 2);
		CU_ASSERT(a->functions[0].ident == 100 && a->functions[0].lineno_checksum == 200 &&
		          a->functions[0].cfg_checksum == 300 && a->functions[1].ident == 101);
		CU_ASSERT(a->functions[0].n_arcs == 4 && a->functions[0].arcs[0] == 10 &&
		          a->functions[0].arcs[3] == 13);
		CU_ASSERT(a->functions[1].n_arcs == 2 && a->functions[1].arcs[0] == 14 &&
		          a->functions[1].arcs[1] == 15);
		CU_ASSERT_STRING_EQUAL(b->gcda_path, "/o/b.gcda");
		CU_ASSERT(b->arcs_mode == VPR_ARCS_COPY && b->counts_known);
		CU_ASSERT(b->n_functions == 1 && b->functions[0].arcs[0] == 7 &&
		          b->functions[0].arcs[1] == 9);
	}
	raw_profile_free(&rp);
	/* copy mode never copied: counts unknown, not zero */
	arcs_sec(&g, 1)->n_copies = 0;
	if (expect_ok(&g, &rp) == 0)
		CU_ASSERT(rp.gcov[1].counts_known == 0 && rp.gcov[0].counts_known == 1);
	raw_profile_free(&rp);
	rg_free(&g);
}

VP_TEST(rawfile, bad_arcs_sections)
{
	struct rawgen g;

	rg_sample_gcov(&g);
	arcs_sec(&g, 0)->arcs_id = 0;
	expect_error(&g, "arcs section: id 0", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	arcs_sec(&g, 1)->arcs_id = 1;
	expect_error(&g, "two arcs sections with id 1", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	arcs_sec(&g, 0)->mode = 7;
	expect_error(&g, "arcs section: unknown mode 7", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	arcs_sec(&g, 0)->data_offset = 3 * RG_PAGE;
	expect_error(&g, "data offset 0x3000", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	arcs_sec(&g, 0)->data_size = RG_PAGE + 8;
	expect_error(&g, "bytes of counters", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	arcs_sec(&g, 0)->data_size = 12;
	expect_error(&g, "bytes of counters", 0);
	rg_free(&g);
}

VP_TEST(rawfile, bad_gcov_records)
{
	struct rawgen g;

	rg_sample_gcov(&g);
	gcov_rec(&g, 0)->arcs_id = 9;
	expect_error(&g, "gcov record for '/o/a.gcda': no arcs section with id 9", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	gcov_rec(&g, 0)->n_functions = 0x40000000;
	expect_error(&g, "functions and a", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	gcov_rec(&g, 1)->filename_len = 3;
	expect_error(&g, "the .gcda path is not a NUL-terminated string of length 3", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	gcov_rec(&g, 0)->record_size = 12;
	expect_error(&g, "gcov record size 12", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	gcov_rec(&g, 0)->record_size += 8 * 1000;
	expect_error(&g, "gcov record size", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	gcov_fn(&g, 0, 1)->arcs_offset = 36;      /* 4 counters + 8 would do; unaligned */
	expect_error(&g, "function 1: 2 arcs counters at data offset 0x24", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	gcov_fn(&g, 0, 1)->arcs_offset = 40;      /* runs 8 bytes past the 48 */
	expect_error(&g, "do not fit in the 48 bytes of arcs section 1", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	gcov_fn(&g, 0, 0)->n_arcs = 0x80000000u;  /* 16 GiB of counters */
	expect_error(&g, "do not fit", 0);
	rg_free(&g);

	rg_sample_gcov(&g);
	{
		struct vpr_modules *m = (struct vpr_modules *)(g.buf +
		                        section_at(&g, VPR_SEC_GCOV, 0));
		m->n_records = 3;
		expect_error(&g, "gcov record 3 of 3 lies past", 0);
		m->n_records = 2;
		m->used = 2 * RG_PAGE;
		expect_error(&g, "gcov section:", 0);
	}
	rg_free(&g);
}

/* Truncation, single-byte damage and noise never crash the gcov reader. */
VP_TEST(rawfile, gcov_damage_never_crashes)
{
	struct rawgen g;
	size_t len, i, refused = 0;

	rg_sample_gcov(&g);
	for (len = 0; len < g.size; len += 8) {
		struct raw_profile rp;
		unsigned char *copy = malloc(len ? len : 1);

		memcpy(copy, g.buf, len);
		tool_error_mute(1);
		CU_ASSERT_EQUAL(raw_profile_read_mem(copy, len, "t.vitraw", &rp), -1);
		tool_error_mute(0);
		CU_ASSERT_EQUAL(rp.n_gcov, 0);
		raw_profile_free(&rp);
		free(copy);
	}
	for (i = section_at(&g, VPR_SEC_ARCS, 0); i < g.size; i++) {
		struct raw_profile rp;

		g.buf[i] ^= 0xff;
		tool_error_mute(1);
		if (parse(&g, &rp) != 0) {
			refused++;
			CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "t.vitraw: "));
		} else {
			CU_ASSERT(rp.n_gcov == 2);
		}
		tool_error_mute(0);
		raw_profile_free(&rp);
		g.buf[i] ^= 0xff;
	}
	CU_ASSERT(refused > 50);
	rg_free(&g);
}

/* Sections the runtime left unused (died while setting one up) are
 * skipped; a COMDAT copy the linker dropped reads as an all-zero function. */
VP_TEST(rawfile, gcov_unused_section_and_dropped_comdat)
{
	struct rawgen g;
	struct raw_profile rp;
	struct vpr_gcov_function *f;
	static const uint64_t none[1];

	rg_sample_gcov(&g);
	rg_arcs(&g, 3, 0, 0, none, 0, 0);           /* mode 0, no data */
	rg_finish(&g);
	f = gcov_fn(&g, 0, 1);
	memset(f, 0, sizeof *f);
	f->arcs_offset = UINT64_MAX;
	if (expect_ok(&g, &rp) == 0) {
		CU_ASSERT_EQUAL(rp.n_gcov, 2);
		CU_ASSERT_EQUAL(rp.n_arcs_in_place + rp.n_arcs_copy, 2);
		CU_ASSERT_EQUAL_FATAL(rp.gcov[0].n_functions, 2);
		CU_ASSERT(rp.gcov[0].functions[1].ident == 0 && rp.gcov[0].functions[1].n_arcs == 0 &&
		          rp.gcov[0].functions[1].arcs == NULL);
		CU_ASSERT(rp.gcov[0].functions[0].n_arcs == 4 && rp.gcov[0].functions[0].arcs[3] == 13);
	}
	raw_profile_free(&rp);
	/* UINT64_MAX with anything else set is damage, not a dropped copy. */
	f = gcov_fn(&g, 0, 1);
	f->n_arcs = 1;
	expect_error(&g, "function 1: 1 arcs counters at data offset 0xffffffffffffffff", 0);
	/* mode 0 with data is damage too */
	f->n_arcs = 0;
	arcs_sec(&g, 2)->data_size = 8;
	expect_error(&g, "arcs section: unknown mode 0", 0);
	rg_free(&g);
}
