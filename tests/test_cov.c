/* SPDX-License-Identifier: MIT */
/*
 * test_cov.c - the .gcno/.gcda readers (tools/gcno_read.c, gcda_read.c) and
 * the coverage solver (tools/cov_solve.c, cov_loops.c).
 *
 * Two sources of input: synthetic files written here (a flow graph whose
 * counts are known by construction, in GCC 12 or GCC 11 layout, either byte
 * order), and real files from gcc 12 (tests/cov/loops.c built with
 * --coverage and run in a temporary directory). The readers must refuse
 * every truncation and corruption of the real files with one line, or read
 * them, and never crash (the suite also runs under ASan + UBSan).
 * Agreement with gcov itself is tests/cov/check_gcov.py's job.
 */
#define _GNU_SOURCE
#include <byteswap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tool.h"
#include "coverage/coverage.h"
#include "read/gcov_files.h"
#include "vp_test.h"

#define V12 0x4232322au        /* "B22*": GCC 12.2 */
#define V11 0x4231342au        /* "B14*": GCC 11.4 */

/* ---- a writer for synthetic files -------------------------------------------- */

struct wbuf {
	unsigned char *p;
	size_t n, cap;
	int swapped;
	unsigned major;
};

static void put_bytes(struct wbuf *w, const void *src, size_t len)
{
	if (w->n + len > w->cap) {
		w->cap = (w->n + len) * 2 + 64;
		w->p = realloc(w->p, w->cap);
	}
	memcpy(w->p + w->n, src, len);
	w->n += len;
}

static void put_u32(struct wbuf *w, uint32_t v)
{
	if (w->swapped)
		v = bswap_32(v);
	put_bytes(w, &v, 4);
}

static void put_u64(struct wbuf *w, uint64_t v)
{
	put_u32(w, (uint32_t)v);
	put_u32(w, (uint32_t)(v >> 32));
}

static void put_str(struct wbuf *w, const char *s)
{
	static const char zeros[4];
	size_t len;

	if (!s) {
		put_u32(w, 0);
		return;
	}
	len = strlen(s) + 1;
	if (w->major >= 12) {
		put_u32(w, (uint32_t)len);
		put_bytes(w, s, len);
	} else {
		put_u32(w, (uint32_t)((len + 3) / 4));
		put_bytes(w, s, len);
		put_bytes(w, zeros, (4 - len % 4) % 4);
	}
}

/* Starts a record; returns where its length goes (end_record fills it). */
static size_t begin_record(struct wbuf *w, uint32_t tag)
{
	put_u32(w, tag);
	put_u32(w, 0);
	return w->n;
}

static void end_record(struct wbuf *w, size_t at)
{
	uint32_t len = (uint32_t)(w->n - at);

	if (w->major < 12)
		len /= 4;
	if (w->swapped)
		len = bswap_32(len);
	memcpy(w->p + at - 4, &len, 4);
}

/* A synthetic function: arcs in file order, one line per block (0: none). */
struct synth_arc {
	uint32_t src, dst, flags;
};

struct synth_fn {
	const char *name;
	uint32_t ident, n_blocks;
	const struct synth_arc *arcs;
	size_t n_arcs;
	const uint32_t *block_lines;    /* n_blocks entries */
	const uint64_t *counters;       /* one per arc without ON_TREE */
	uint32_t n_counters;
};

static void write_gcno(struct wbuf *w, const struct synth_fn *fns, size_t n_fns,
                       uint32_t version)
{
	put_u32(w, 0x67636e6f);
	put_u32(w, version);
	put_u32(w, 0x1234);                     /* stamp */
	if (w->major >= 12)
		put_u32(w, 0);                  /* checksum */
	put_str(w, "/tmp");
	put_u32(w, 1);
	for (size_t f = 0; f < n_fns; f++) {
		const struct synth_fn *fn = &fns[f];
		size_t at = begin_record(w, 0x01000000);

		put_u32(w, fn->ident);
		put_u32(w, 0x11);                /* lineno_checksum */
		put_u32(w, 0x22);                /* cfg_checksum */
		put_str(w, fn->name);
		put_u32(w, 0);
		put_str(w, "synth.c");
		put_u32(w, 1);
		put_u32(w, 1);
		put_u32(w, 20);
		put_u32(w, 1);
		end_record(w, at);
		at = begin_record(w, 0x01410000);
		put_u32(w, fn->n_blocks);
		end_record(w, at);
		for (uint32_t b = 0; b < fn->n_blocks; b++) {
			int any = 0;

			for (size_t a = 0; a < fn->n_arcs; a++) {
				if (fn->arcs[a].src != b)
					continue;
				if (!any) {
					at = begin_record(w, 0x01430000);
					put_u32(w, b);
					any = 1;
				}
				put_u32(w, fn->arcs[a].dst);
				put_u32(w, fn->arcs[a].flags);
			}
			if (any)
				end_record(w, at);
		}
		for (uint32_t b = 0; b < fn->n_blocks; b++) {
			if (!fn->block_lines[b])
				continue;
			at = begin_record(w, 0x01450000);
			put_u32(w, b);
			put_u32(w, 0);
			put_str(w, "synth.c");
			put_u32(w, fn->block_lines[b]);
			put_u32(w, 0);
			put_str(w, NULL);
			end_record(w, at);
		}
	}
	put_u32(w, 0);
}

static void write_gcda(struct wbuf *w, const struct synth_fn *fns, size_t n_fns,
                       uint32_t version)
{
	size_t at;

	put_u32(w, 0x67636461);
	put_u32(w, version);
	put_u32(w, 0x1234);
	if (w->major >= 12)
		put_u32(w, 0);
	at = begin_record(w, 0xa1000000);
	put_u32(w, 1);
	put_u32(w, 100);
	end_record(w, at);
	for (size_t f = 0; f < n_fns; f++) {
		at = begin_record(w, 0x01000000);
		put_u32(w, fns[f].ident);
		put_u32(w, 0x11);
		put_u32(w, 0x22);
		end_record(w, at);
		at = begin_record(w, 0x01a10000);
		for (uint32_t k = 0; k < fns[f].n_counters; k++)
			put_u64(w, fns[f].counters[k]);
		end_record(w, at);
	}
	put_u32(w, 0);
}

/*
 * The flow graph of `for (i = 0; i < n; i++) s += i;` written on line 5 and
 * called twice, with 5 and 7 iterations: block 2 the init, 3 the body, 4 the
 * test, 5 the return (line 6), 6 an empty last block. The line's count is
 * gcov's: arcs entering from outside (2 calls) plus the circuits among its
 * blocks (3->4->3, 12 times) = 14.
 */
static const struct synth_arc loop_arcs[] = {
	{0, 2, GCOV_ARC_FALLTHROUGH},
	{2, 4, GCOV_ARC_ON_TREE},
	{3, 4, GCOV_ARC_FALLTHROUGH | GCOV_ARC_ON_TREE},
	{4, 3, 0},                              /* counter 1: 12 */
	{4, 5, GCOV_ARC_FALLTHROUGH | GCOV_ARC_ON_TREE},
	{5, 6, GCOV_ARC_FALLTHROUGH | GCOV_ARC_ON_TREE},
	{6, 1, GCOV_ARC_ON_TREE},
};
static const uint32_t loop_lines[] = {0, 0, 5, 5, 5, 6, 0};
static const uint64_t loop_counters[] = {2, 12};

static struct synth_fn loop_fn(void)
{
	struct synth_fn fn = {"looper", 7, 7, loop_arcs, 7, loop_lines, loop_counters, 2};

	return fn;
}

struct files {
	struct wbuf gcno, gcda;
};

static void make_files(struct files *f, const struct synth_fn *fns, size_t n,
                       uint32_t version, int swapped)
{
	memset(f, 0, sizeof *f);
	f->gcno.swapped = f->gcda.swapped = swapped;
	f->gcno.major = f->gcda.major = gcov_version_major(version);
	write_gcno(&f->gcno, fns, n, version);
	write_gcda(&f->gcda, fns, n, version);
}

static void free_files(struct files *f)
{
	free(f->gcno.p);
	free(f->gcda.p);
}

/* Reads both files and adds them to r. Returns cov_report_add's result, or
 * -2 when a reader failed. */
static int add_files(struct cov_report *r, const struct files *f)
{
	struct gcno_file g;
	struct gcda_file d;
	int rc;

	if (gcno_read_mem(f->gcno.p, f->gcno.n, "synth.gcno", &g) != 0)
		return -2;
	if (gcda_read_mem(f->gcda.p, f->gcda.n, "synth.gcda", &d) != 0) {
		gcno_free(&g);
		return -2;
	}
	rc = cov_report_add(r, &g, d.functions, d.n_functions);
	gcda_free(&d);
	gcno_free(&g);
	return rc;
}

static const struct cov_line *find_line(const struct cov_report *r, uint32_t line)
{
	for (size_t i = 0; i < r->n_lines; i++)
		if (r->lines[i].line == line)
			return &r->lines[i];
	return NULL;
}

/* The loop function's report must be what construction says. */
static void check_loop_report(uint32_t version, int swapped)
{
	struct synth_fn fn = loop_fn();
	struct files f;
	struct cov_report r;
	const struct cov_line *l5, *l6;

	make_files(&f, &fn, 1, version, swapped);
	cov_report_init(&r);
	CU_ASSERT_EQUAL_FATAL(add_files(&r, &f), 0);
	cov_report_finish(&r);
	l5 = find_line(&r, 5);
	l6 = find_line(&r, 6);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l6);
	CU_ASSERT_EQUAL(l5->count, 14);
	CU_ASSERT_EQUAL(l6->count, 2);
	/* branches of block 4, in destination order: 4->3 (12), 4->5 (2) */
	CU_ASSERT_EQUAL_FATAL(l5->n_branches, 2);
	CU_ASSERT_EQUAL(l5->branches[0].count, 12);
	CU_ASSERT_EQUAL(l5->branches[0].fallthrough, 0);
	CU_ASSERT_EQUAL(l5->branches[1].count, 2);
	CU_ASSERT_EQUAL(l5->branches[1].fallthrough, 1);
	CU_ASSERT_EQUAL_FATAL(r.n_functions, 1);
	CU_ASSERT_EQUAL(r.functions[0].entry_count, 2);
	CU_ASSERT_EQUAL(r.functions[0].exit_count, 2);
	CU_ASSERT_EQUAL_FATAL(r.n_loops, 1);
	CU_ASSERT_EQUAL(r.loops[0].line, 5);
	CU_ASSERT_EQUAL(r.loops[0].entries, 2);
	CU_ASSERT_EQUAL(r.loops[0].iterations, 12);
	CU_ASSERT_EQUAL(r.loops[0].depth, 1);
	cov_report_free(&r);
	free_files(&f);
}

VP_TEST(cov_synth, loop_on_one_line_gcc12)
{
	check_loop_report(V12, 0);
}

VP_TEST(cov_synth, byte_swapped)
{
	check_loop_report(V12, 1);
}

VP_TEST(cov_synth, gcc11_layout)
{
	check_loop_report(V11, 0);
	check_loop_report(V11, 1);
}

VP_TEST(cov_synth, version_major)
{
	CU_ASSERT_EQUAL(gcov_version_major(V12), 12);
	CU_ASSERT_EQUAL(gcov_version_major(V11), 11);
	CU_ASSERT_EQUAL(gcov_version_major(0x4230352a), 10);    /* B05* is 10.5 */
	CU_ASSERT_EQUAL(gcov_version_major(0x4234312a), 14);
	CU_ASSERT_EQUAL(gcov_version_major(0x4139352a), 0);     /* A95*: 9 */
	CU_ASSERT_EQUAL(gcov_version_major(0x4235302a), 0);     /* 15 */
	CU_ASSERT_EQUAL(gcov_version_major(0), 0);
}

/* Expects reading (or adding) f to fail with a message containing want. */
static void expect_failure(const struct files *f, const char *want)
{
	struct cov_report r;
	int rc;

	tool_error_mute(1);
	cov_report_init(&r);
	rc = add_files(&r, f);
	CU_ASSERT_NOT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(r.n_lines, 0);
	CU_ASSERT_EQUAL(r.n_functions, 0);
	CU_ASSERT_EQUAL(r.n_loops, 0);
	if (!strstr(tool_last_error(), want)) {
		fprintf(stderr, "\n  message: %s\n  wanted:  %s\n", tool_last_error(), want);
		CU_FAIL("message");
	}
	cov_report_free(&r);
	tool_error_mute(0);
}

VP_TEST(cov_synth, wrong_magic)
{
	struct synth_fn fn = loop_fn();
	struct files f;

	make_files(&f, &fn, 1, V12, 0);
	f.gcno.p[0] ^= 0x20;
	expect_failure(&f, "synth.gcno: not a GCC .gcno file (magic 0x");
	f.gcno.p[0] ^= 0x20;
	f.gcda.p[1] ^= 0x01;
	expect_failure(&f, "synth.gcda: not a GCC .gcda file");
	free_files(&f);
}

VP_TEST(cov_synth, wrong_version)
{
	struct synth_fn fn = loop_fn();
	struct files f;

	make_files(&f, &fn, 1, 0x4139352a, 0);      /* GCC 9.5 */
	expect_failure(&f, "synth.gcno: GCC coverage version 0x4139352a");
	free_files(&f);
}

VP_TEST(cov_synth, checksum_mismatch_names_function)
{
	struct synth_fn fn = loop_fn();
	struct files f;

	make_files(&f, &fn, 1, V12, 0);
	/* gcda: header 16, summary 16, FUNCTION tag+len 8, ident 4: the
	 * lineno_checksum word */
	CU_ASSERT_EQUAL_FATAL(f.gcda.p[44], 0x11);
	f.gcda.p[44] = 0x12;
	expect_failure(&f, "function 'looper': checksums differ");
	free_files(&f);
}

VP_TEST(cov_synth, counter_count_mismatch_names_function)
{
	struct synth_fn fn = loop_fn();
	struct files f;

	fn.n_counters = 1;
	make_files(&f, &fn, 1, V12, 0);
	expect_failure(&f, "function 'looper': 1 arc counters, the notes have 2");
	free_files(&f);
}

VP_TEST(cov_synth, missing_counters_names_function)
{
	struct synth_fn fns[2] = {loop_fn(), loop_fn()};
	struct files f;

	fns[1].name = "other";
	fns[1].ident = 8;
	make_files(&f, fns, 2, V12, 0);
	free(f.gcda.p);
	memset(&f.gcda, 0, sizeof f.gcda);
	f.gcda.major = 12;
	write_gcda(&f.gcda, fns, 1, V12);
	expect_failure(&f, "function 'other': no counters (ident 8)");
	free_files(&f);
}

VP_TEST(cov_synth, huge_counter)
{
	struct synth_fn fn = loop_fn();
	uint64_t counters[2] = {2, UINT64_MAX};
	struct files f;

	fn.counters = counters;
	make_files(&f, &fn, 1, V12, 0);
	expect_failure(&f, "function 'looper': arc counter 1 is 18446744073709551615");
	free_files(&f);
	counters[0] = INT64_MAX;
	counters[1] = INT64_MAX;
	make_files(&f, &fn, 1, V12, 0);
	expect_failure(&f, "function 'looper': block 4's count overflows");
	free_files(&f);
}

VP_TEST(cov_synth, negative_count)
{
	/* A branch counted 9 times in a block entered 5 times: the other arc
	 * of the branch, and the block it leads to, solve to -4. */
	static const struct synth_arc arcs[] = {
		{0, 2, GCOV_ARC_FALLTHROUGH},
		{2, 3, 0},
		{2, 4, GCOV_ARC_ON_TREE | GCOV_ARC_FALLTHROUGH},
		{3, 1, GCOV_ARC_ON_TREE},
		{4, 1, GCOV_ARC_ON_TREE},
	};
	static const uint32_t lines[] = {0, 0, 3, 4, 5};
	static const uint64_t counters[] = {5, 9};
	struct synth_fn fn = {"neg", 3, 5, arcs, 5, lines, counters, 2};
	struct files f;

	make_files(&f, &fn, 1, V12, 0);
	expect_failure(&f, "function 'neg': block 4 solves to a negative count -4");
	free_files(&f);
}

VP_TEST(cov_synth, unsolvable_and_invalid_graphs)
{
	/* two uninstrumented arcs between the same blocks: not solvable */
	static const struct synth_arc loose[] = {
		{0, 2, GCOV_ARC_ON_TREE},
		{2, 3, GCOV_ARC_ON_TREE},
		{2, 3, GCOV_ARC_ON_TREE},
		{3, 1, GCOV_ARC_ON_TREE},
	};
	static const struct synth_arc into_entry[] = {
		{0, 2, 0},
		{2, 0, 0},
		{2, 1, 0},
	};
	static const struct synth_arc bad_dst[] = {
		{0, 2, 0},
		{2, 9, 0},
	};
	static const uint32_t lines[] = {0, 0, 3, 4};
	static const uint64_t counters[] = {1, 1, 1};
	struct synth_fn fn = {"loose", 3, 4, loose, 4, lines, counters, 0};
	struct files f;

	make_files(&f, &fn, 1, V12, 0);
	expect_failure(&f, "function 'loose': the flow graph cannot be solved");
	free_files(&f);

	fn.name = "cyclic";
	fn.arcs = into_entry;
	fn.n_arcs = 3;
	fn.n_blocks = 3;
	fn.n_counters = 3;
	make_files(&f, &fn, 1, V12, 0);
	expect_failure(&f, "function 'cyclic': arcs into the entry block");
	free_files(&f);

	fn.name = "wild";
	fn.arcs = bad_dst;
	fn.n_arcs = 2;
	fn.n_counters = 2;
	make_files(&f, &fn, 1, V12, 0);
	expect_failure(&f, "synth.gcno: arc destination block 9 of 3 in function 'wild' at"
	               " offset 0x");
	free_files(&f);
}

VP_TEST(cov_synth, overflowing_lengths)
{
	struct synth_fn fn = loop_fn();
	struct files f;
	uint32_t huge = 0xfffffff0u;

	make_files(&f, &fn, 1, V12, 0);
	/* the FUNCTION record's length word in the .gcno: after magic, version,
	 * stamp, checksum, cwd (4 + 5 bytes), has_unexecuted_blocks, tag */
	memcpy(f.gcno.p + 33, &huge, 4);
	expect_failure(&f, "synth.gcno: record 0x01000000 of 4294967280 bytes runs past"
	               " the end of the file at offset 0x1d");
	free_files(&f);

	make_files(&f, &fn, 1, V12, 0);
	huge = 0x80000000u;                 /* "zero counters", 2^28 of them */
	memcpy(f.gcda.p + 56, &huge, 4);
	expect_failure(&f, "synth.gcda: 268435456 zero counters for function ident 7");
	free_files(&f);
}

VP_TEST(cov_synth, summed_objects_and_unchanged_on_error)
{
	struct synth_fn fn = loop_fn();
	struct files f, bad;
	struct cov_report r;

	make_files(&f, &fn, 1, V12, 0);
	make_files(&bad, &fn, 1, V12, 0);
	bad.gcda.p[44] ^= 1;
	cov_report_init(&r);
	CU_ASSERT_EQUAL(add_files(&r, &f), 0);
	tool_error_mute(1);
	CU_ASSERT_EQUAL(add_files(&r, &bad), -1);
	tool_error_mute(0);
	CU_ASSERT_EQUAL(add_files(&r, &f), 0);
	cov_report_finish(&r);
	CU_ASSERT_EQUAL_FATAL(r.n_lines, 2);
	CU_ASSERT_EQUAL(find_line(&r, 5)->count, 28);
	CU_ASSERT_EQUAL(find_line(&r, 5)->n_branches, 4);
	CU_ASSERT_EQUAL(r.n_functions, 2);
	CU_ASSERT_EQUAL(r.n_loops, 2);
	cov_report_free(&r);
	free_files(&f);
	free_files(&bad);
}

/* ---- real files from gcc 12 -------------------------------------------------- */

struct real {
	unsigned char *gcno, *gcda;
	size_t gcno_size, gcda_size;
};

/* Builds tests/cov/loops.c with --coverage in a fresh temporary directory,
 * runs it and loads the two files. */
static void real_files(struct real *out)
{
	char dir[] = "/tmp/vitprof-test-cov-XXXXXX";
	char cmd[4096], path[512];

	memset(out, 0, sizeof *out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
	         "cd %s && gcc -g -O0 --coverage -c %s/loops.c -o loops.o && "
	         "gcc --coverage loops.o -o loops && ./loops >/dev/null",
	         dir, COV_SAMPLE_DIR);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(path, sizeof path, "%s/loops.gcno", dir);
	CU_ASSERT_EQUAL_FATAL(gcov_file_load(path, &out->gcno, &out->gcno_size), 0);
	snprintf(path, sizeof path, "%s/loops.gcda", dir);
	CU_ASSERT_EQUAL_FATAL(gcov_file_load(path, &out->gcda, &out->gcda_size), 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static void real_free(struct real *r)
{
	free(r->gcno);
	free(r->gcda);
}

/* Reads gcno and gcda images and adds them to a report: any outcome but a
 * crash is fine; returns 0 when everything was accepted. */
static int try_images(const void *gcno, size_t gcno_size, const void *gcda, size_t gcda_size)
{
	struct gcno_file g;
	struct gcda_file d;
	struct cov_report r;
	int rc = -1;

	if (gcno_read_mem(gcno, gcno_size, "loops.gcno", &g) != 0)
		return -1;
	if (gcda_read_mem(gcda, gcda_size, "loops.gcda", &d) == 0) {
		cov_report_init(&r);
		rc = cov_report_add(&r, &g, d.functions, d.n_functions);
		cov_report_finish(&r);
		cov_report_free(&r);
		gcda_free(&d);
	}
	gcno_free(&g);
	return rc;
}

VP_TEST(cov_real, reads_gcc12_files)
{
	struct real f;
	struct gcno_file g;
	struct gcda_file d;

	real_files(&f);
	CU_ASSERT_EQUAL_FATAL(gcno_read_mem(f.gcno, f.gcno_size, "loops.gcno", &g), 0);
	CU_ASSERT_EQUAL_FATAL(gcda_read_mem(f.gcda, f.gcda_size, "loops.gcda", &d), 0);
	CU_ASSERT_EQUAL(gcov_version_major(g.version), 12);
	CU_ASSERT_EQUAL(g.stamp, d.stamp);
	CU_ASSERT_EQUAL(g.n_functions, 6);
	CU_ASSERT_EQUAL(d.n_functions, 6);
	CU_ASSERT(d.has_summary);
	CU_ASSERT_EQUAL(d.runs, 1);
	gcda_free(&d);
	gcno_free(&g);
	CU_ASSERT_EQUAL(try_images(f.gcno, f.gcno_size, f.gcda, f.gcda_size), 0);
	real_free(&f);
}

/* Every prefix of the files: refused with one line naming an offset, or
 * read (a prefix that ends between records); never a crash. */
VP_TEST(cov_real, truncated_at_every_offset)
{
	struct real f;

	real_files(&f);
	tool_error_mute(1);
	for (size_t n = 0; n < f.gcno_size; n++) {
		unsigned char *copy = malloc(n ? n : 1);    /* ASan sees overreads */
		struct gcno_file g;

		memcpy(copy, f.gcno, n);
		if (gcno_read_mem(copy, n, "loops.gcno", &g) == 0)
			gcno_free(&g);
		else
			CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), " at offset 0x"));
		free(copy);
	}
	for (size_t n = 0; n < f.gcda_size; n++) {
		unsigned char *copy = malloc(n ? n : 1);

		memcpy(copy, f.gcda, n);
		if (try_images(f.gcno, f.gcno_size, copy, n) != 0)
			CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "loops.g"));
		free(copy);
	}
	tool_error_mute(0);
	real_free(&f);
}

/* Every byte of each file changed: any outcome but a crash. */
VP_TEST(cov_real, corrupt_bytes)
{
	static const unsigned char patterns[] = {0xff, 0x80, 0x01};
	struct real f;

	real_files(&f);
	tool_error_mute(1);
	for (size_t p = 0; p < sizeof patterns; p++) {
		for (size_t i = 0; i < f.gcno_size; i++) {
			f.gcno[i] ^= patterns[p];
			try_images(f.gcno, f.gcno_size, f.gcda, f.gcda_size);
			f.gcno[i] ^= patterns[p];
		}
		for (size_t i = 0; i < f.gcda_size; i++) {
			f.gcda[i] ^= patterns[p];
			try_images(f.gcno, f.gcno_size, f.gcda, f.gcda_size);
			f.gcda[i] ^= patterns[p];
		}
	}
	tool_error_mute(0);
	real_free(&f);
}

VP_TEST(cov_real, missing_file)
{
	struct gcno_file g;
	struct gcda_file d;

	tool_error_mute(1);
	CU_ASSERT_EQUAL(gcno_read("/nonexistent/x.gcno", &g), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "/nonexistent/x.gcno: cannot open"));
	CU_ASSERT_EQUAL(gcda_read("/nonexistent/x.gcda", &d), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "/nonexistent/x.gcda: cannot open"));
	tool_error_mute(0);
}
