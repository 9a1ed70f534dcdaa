/* SPDX-License-Identifier: MIT */
/*
 * test_merge.c - unit tests of `vitprof merge`'s parts: the raw merge
 * (through the merge core rt/vpr_merge.c: ASLR-independent sums, weights,
 * refusals of mismatches and overflows, associativity and commutativity
 * byte for byte, the image reads back), the .vitprof
 * reader (truncated at every byte, bytes flipped: one error line, never a
 * crash; run it under ASan with -DVITPROF_SANITIZE=ON) and the document
 * merge (sums by identity, associativity, refusals).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_tool_rawgen.h"
#include "base/tool.h"
#include "merge/raw_merge.h"
#include "read/raw_profile.h"
#include "tool_internal.h"
#include "vp_test.h"

/* ---- raw profiles --------------------------------------------------------- */

static const uint8_t exe_bid[4] = {0xde, 0xad, 0xbe, 0xef};
static const uint8_t lib_bid[2] = {0x12, 0x34};

/* One run of a fake program: exe at ELF [0, 0x10000), lib at ELF
 * [0, 0x8000), loaded with the given biases. Edges (ELF addresses):
 * exe+0x1005 -> exe+0x2000 (a times), lib+0x105 -> exe+0x3000 (b times).
 * One gcov object /o/x.gcda (stamp) with one function of 3 arcs = arcs. */
struct run {
	struct raw_profile rp;
	unsigned char *img;         /* the raw file's bytes */
	size_t size;
};

static void make_raw(struct run *r, uint64_t exe_bias, uint64_t lib_bias,
                     uint64_t a, uint64_t b, const uint64_t arcs[3], uint32_t stamp,
                     const uint8_t *bid, int64_t pid)
{
	struct rawgen g;
	struct rg_slot s[2] = {
		{exe_bias + 0x1005, exe_bias + 0x2000, a, 0, 0},
		{lib_bias + 0x105, exe_bias + 0x3000, b, 0, 0},
	};
	static const uint32_t n_arcs[1] = {3};
	static const uint64_t off[1] = {0};
	int rc;

	memset(&g, 0, sizeof g);
	rg_begin(&g, VPR_MODE_COUNT);
	rg_hdr(&g)->pid = pid;
	rg_module(&g, 0, "/fake/prog", exe_bias, exe_bias, exe_bias + 0x10000, bid, 4);
	rg_module(&g, 1, "/fake/lib.so", lib_bias, lib_bias, lib_bias + 0x8000, lib_bid, 2);
	rg_modules_end(&g);
	rg_table(&g, 1, 0, 1, 16, s, 2);
	rg_arcs(&g, 1, VPR_ARCS_COPY, 0, arcs, 3, 1);
	rg_gcov_object(&g, 1, 0x4232322a, stamp, "/o/x.gcda", 1, n_arcs, off);
	rg_gcov_end(&g);
	rg_finish(&g);
	memset(r, 0, sizeof *r);
	rc = raw_profile_read_mem(g.buf, g.size, "run.vitraw", &r->rp);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	r->img = malloc(g.size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->img);
	memcpy(r->img, g.buf, g.size);
	r->size = g.size;
	rg_free(&g);
}

static void run_free(struct run *r)
{
	raw_profile_free(&r->rp);
	free(r->img);
}

static int add(struct raw_merge *m, const struct run *r, uint64_t w)
{
	return raw_merge_add_mem(m, r->img, r->size, w, "run.vitraw");
}

/* Merges runs[] (weights w, NULL: 1) into an image. */
static int merge_images(struct run **runs, const uint64_t *w, size_t n,
                        unsigned char **img, size_t *size)
{
	struct raw_merge *m = raw_merge_new();
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = add(m, runs[i], w ? w[i] : 1);
	if (rc == 0)
		rc = raw_merge_image(m, img, size);
	raw_merge_free(m);
	return rc;
}

/* The count of the edge (site, fn) in canonical coordinates of rp. */
static uint64_t edge_count(const struct raw_profile *rp, uint64_t site_elf, int site_mod,
                           uint64_t fn_elf)
{
	size_t i;
	uint64_t c = 0;

	for (i = 0; i < rp->n_edges; i++)
		if (rp->edges[i].site == site_elf + rp->modules[site_mod].load_bias &&
		    rp->edges[i].fn == fn_elf + rp->modules[0].load_bias)
			c += rp->edges[i].count;
	return c;
}

VP_TEST(raw_merge, aslr_sums_and_weights)
{
	static const uint64_t arcs1[3] = {1, 2, 3}, arcs2[3] = {10, 20, 30};
	struct run a, b;
	struct raw_profile out;
	struct run *v[2] = {&a, &b};
	static const uint64_t w[2] = {1, 3};
	unsigned char *img;
	size_t size;

	make_raw(&a, 0x555500000000, 0x7f0000000000, 5, 7, arcs1, 77, exe_bid, 100);
	make_raw(&b, 0x555611110000, 0x7f2222220000, 2, 1, arcs2, 77, exe_bid, 50);
	CU_ASSERT_EQUAL_FATAL(merge_images(v, w, 2, &img, &size), 0);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(img, size, "merged", &out), 0);
	CU_ASSERT_EQUAL(out.n_modules, 2);
	CU_ASSERT_EQUAL(out.n_edges, 2);
	CU_ASSERT_EQUAL(edge_count(&out, 0x1005, 0, 0x2000), 5 + 3 * 2);
	CU_ASSERT_EQUAL(edge_count(&out, 0x105, 1, 0x3000), 7 + 3 * 1);
	CU_ASSERT_EQUAL(out.pid, 50);
	CU_ASSERT_EQUAL_FATAL(out.n_gcov, 1);
	CU_ASSERT_TRUE(out.gcov[0].counts_known);
	CU_ASSERT_EQUAL(out.gcov[0].functions[0].arcs[0], 1 + 30);
	CU_ASSERT_EQUAL(out.gcov[0].functions[0].arcs[2], 3 + 90);
	raw_profile_free(&out);
	free(img);
	run_free(&a);
	run_free(&b);
}

/* A sum past the limit is refused, never saturated (docs/cli.md, "Limits"):
 * the add that makes it fails naming its input, and the merge is spent. */
VP_TEST(raw_merge, refuses_overflow)
{
	static const uint64_t arcs[3] = {UINT64_MAX / 2, 0, 0};   /* 2^63-1 */
	static const uint64_t one[3] = {1, 0, 0};
	struct run a, b, c;
	struct raw_merge *m;

	make_raw(&a, 0x1000000, 0x2000000, UINT64_MAX - 1, 0, arcs, 1, exe_bid, 1);
	make_raw(&b, 0x1000000, 0x2000000, 1, 0, one, 1, exe_bid, 1);
	make_raw(&c, 0x1000000, 0x2000000, 0, 1, one, 1, exe_bid, 1);
	/* edge 2^64-2 + 1: the limit, exactly; the arc counter 2^63-1 + 1 is not */
	m = raw_merge_new();
	CU_ASSERT_EQUAL(add(m, &a, 1), 0);
	CU_ASSERT_EQUAL(add(m, &b, 1), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "count overflow: gcov object"));
	CU_ASSERT_EQUAL(add(m, &b, 1), -1);       /* spent */
	raw_merge_free(m);
	/* weight 3 x (2^64-2): past the limit */
	m = raw_merge_new();
	CU_ASSERT_EQUAL(add(m, &a, 3), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "x 3 is past 2^64-1"));
	raw_merge_free(m);
	/* all edges: 2^64-2 on one edge and 1 on another is 2^64-1; one more is not */
	m = raw_merge_new();
	CU_ASSERT_EQUAL(add(m, &c, 1), 0);
	CU_ASSERT_EQUAL(add(m, &c, 1), 0);
	CU_ASSERT_EQUAL(add(m, &a, 1), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "the counts of all edges"));
	raw_merge_free(m);
	/* edges 1 + (2^64-2) fit; the arc counter 1 + (2^63-1) does not */
	m = raw_merge_new();
	CU_ASSERT_EQUAL(add(m, &c, 1), 0);
	CU_ASSERT_EQUAL(add(m, &a, 1), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "arc counter 0: 1 + 9223372036854775807"));
	raw_merge_free(m);
	run_free(&a);
	run_free(&b);
	run_free(&c);
}

/* merge(a, merge(b, c)) == merge(merge(a, b), c) == merge(c, b, a). */
VP_TEST(raw_merge, associative_commutative)
{
	static const uint64_t arcs1[3] = {1, 2, 3}, arcs2[3] = {4, 5, 6}, arcs3[3] = {7, 8, 9};
	struct run a, b, c, ab, bc;
	unsigned char *i1, *i2, *i3;
	size_t s1, s2, s3;

	make_raw(&a, 0x555500000000, 0x7f0000000000, 5, 7, arcs1, 9, exe_bid, 10);
	make_raw(&b, 0x555600000000, 0x7f1000000000, 1, 0, arcs2, 9, exe_bid, 20);
	make_raw(&c, 0x400000 - 0x400000, 0x7f3000000000, 2, 3, arcs3, 9, exe_bid, 30);
	{
		struct run *v[2] = {&a, &b};
		memset(&ab, 0, sizeof ab);
		CU_ASSERT_EQUAL_FATAL(merge_images(v, NULL, 2, &ab.img, &ab.size), 0);
	}
	{
		struct run *v[2] = {&b, &c};
		memset(&bc, 0, sizeof bc);
		CU_ASSERT_EQUAL_FATAL(merge_images(v, NULL, 2, &bc.img, &bc.size), 0);
	}
	{
		struct run *v[2] = {&a, &bc};
		CU_ASSERT_EQUAL_FATAL(merge_images(v, NULL, 2, &i1, &s1), 0);
	}
	{
		struct run *v[2] = {&ab, &c};
		CU_ASSERT_EQUAL_FATAL(merge_images(v, NULL, 2, &i2, &s2), 0);
	}
	{
		struct run *v[3] = {&c, &b, &a};
		CU_ASSERT_EQUAL_FATAL(merge_images(v, NULL, 3, &i3, &s3), 0);
	}
	/* The test passes 1 run per input, merged or not: compare everything
	 * but the header's run count. */
	((struct vpr_file_header *)i1)->merged_runs = 0;
	((struct vpr_file_header *)i2)->merged_runs = 0;
	((struct vpr_file_header *)i3)->merged_runs = 0;
	CU_ASSERT_EQUAL_FATAL(s1, s2);
	CU_ASSERT_EQUAL_FATAL(s1, s3);
	CU_ASSERT_EQUAL(memcmp(i1, i2, s1), 0);
	CU_ASSERT_EQUAL(memcmp(i1, i3, s1), 0);
	free(i1);
	free(i2);
	free(i3);
	run_free(&ab);
	run_free(&bc);
	run_free(&a);
	run_free(&b);
	run_free(&c);
}

VP_TEST(raw_merge, refuses_other_builds)
{
	static const uint64_t arcs[3] = {1, 2, 3};
	static const uint8_t other[4] = {1, 2, 3, 4};
	struct run a, b, c;
	struct raw_merge *m = raw_merge_new();

	tool_error_mute(1);
	make_raw(&a, 0x10000, 0x20000, 1, 1, arcs, 5, exe_bid, 1);
	make_raw(&b, 0x10000, 0x20000, 1, 1, arcs, 5, other, 1);
	make_raw(&c, 0x10000, 0x20000, 1, 1, arcs, 6, exe_bid, 1);
	CU_ASSERT_EQUAL(add(m, &a, 1), 0);
	CU_ASSERT_EQUAL(add(m, &b, 1), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "another program"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "deadbeef"));
	CU_ASSERT_EQUAL(add(m, &c, 1), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "/o/x.gcda"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "stamp"));
	tool_error_mute(0);
	raw_merge_free(m);
	run_free(&a);
	run_free(&b);
	run_free(&c);
}

/* The runtime's sample files (two shards, time mode with TSC ticks, in
 * place and copy gcov) survive a merge with themselves: doubled. */
VP_TEST(raw_merge, sample_time_mode_doubles)
{
	struct rawgen g;
	struct run a;
	struct raw_profile out;
	struct run *v[2] = {&a, &a};
	unsigned char *img;
	size_t size, i;
	uint64_t in_total = 0, out_total = 0, in_ns = 0, out_ns = 0;

	memset(&g, 0, sizeof g);
	rg_sample(&g, VPR_MODE_TIME);
	memset(&a, 0, sizeof a);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "t", &a.rp), 0);
	CU_ASSERT_TRUE_FATAL(a.rp.time_available);
	a.img = g.buf;
	a.size = g.size;
	CU_ASSERT_EQUAL_FATAL(merge_images(v, NULL, 2, &img, &size), 0);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(img, size, "merged", &out), 0);
	CU_ASSERT_EQUAL(out.mode, VPR_MODE_TIME);
	CU_ASSERT_TRUE(out.time_available);
	for (i = 0; i < a.rp.n_edges; i++) {
		in_total += a.rp.edges[i].count;
		in_ns += raw_ticks_to_ns(&a.rp, a.rp.edges[i].total_ticks);
	}
	for (i = 0; i < out.n_edges; i++) {
		out_total += out.edges[i].count;
		out_ns += raw_ticks_to_ns(&out, out.edges[i].total_ticks);
	}
	CU_ASSERT_EQUAL(out_total, 2 * in_total);
	CU_ASSERT_EQUAL(out_ns, 2 * in_ns);
	CU_ASSERT_EQUAL(out.n_edges, 3);   /* two shards' (0x11005, 0x12000) summed */
	CU_ASSERT_EQUAL(out.n_functions, 1);
	raw_profile_free(&out);
	free(img);
	raw_profile_free(&a.rp);
	rg_free(&g);
}

/* ---- .vitprof documents ------------------------------------------------------ */

/* A small document: f called cf times from main, g cg times; a line, a
 * branch line, a loop. */
static char *make_doc(const char *bid, unsigned cf, unsigned cg, unsigned pid)
{
	char *s;

	if (asprintf(&s,
	    "{\"format\": \"vitprof\", \"version\": 2, \"producer\": \"test\",\n"
	    "\"program\": {\"path\": \"/p/prog\", \"pid\": %u, \"ppid\": 1, \"host\": \"h\","
	    " \"mode\": \"count\", \"state\": \"exited\", \"fork_child\": false, \"threads\": 1,"
	    " \"start_time_ns\": %u, \"end_time_ns\": null, \"lost_calls\": 0, \"lost_frames\": 0,"
	    " \"lost_sections\": 0, \"time_unit\": \"ns\", \"time_available\": false},\n"
	    "\"modules\": [{\"id\": 0, \"path\": \"/p/prog\", \"build_id\": \"%s\", \"load_bias\": %u,"
	    " \"same_as\": null}],\n"
	    "\"functions\": [\n"
	    "{\"id\": 0, \"name\": \"main\", \"linkage_name\": \"main\", \"file\": \"/p/a.c\", \"line\": 1,"
	    " \"module\": 0, \"address\": 16, \"instrumented\": true, \"calls\": 1},\n"
	    "{\"id\": 1, \"name\": \"f\", \"linkage_name\": \"f\", \"file\": \"/p/a.c\", \"line\": 5,"
	    " \"module\": 0, \"address\": 32, \"instrumented\": true, \"calls\": %u, \"entry_count\": %u},\n"
	    "{\"id\": 2, \"name\": \"g\", \"linkage_name\": \"g\", \"file\": null, \"line\": 0,"
	    " \"module\": 0, \"address\": 48, \"instrumented\": true, \"calls\": %u}],\n"
	    "\"edges\": [\n"
	    "{\"caller\": 0, \"callee\": 1, \"caller_name\": \"main\", \"callee_name\": \"f\","
	    " \"file\": \"/p/a.c\", \"line\": 2, \"site\": 20, \"count\": %u},\n"
	    "{\"caller\": 0, \"callee\": 2, \"caller_name\": \"main\", \"callee_name\": \"g\","
	    " \"file\": \"/p/a.c\", \"line\": 3, \"site\": 24, \"count\": %u,"
	    " \"inline_frames\": [{\"function\": \"h\", \"file\": null, \"line\": 0}]}],\n"
	    "\"hot_spots\": [1, 2],\n"
	    "\"gcov_objects\": [{\"gcda\": \"/p/a.gcda\", \"gcno\": \"/p/a.gcno\", \"mode\": \"in-place\","
	    " \"stamp\": 7, \"functions\": 2, \"counted\": true}],\n"
	    "\"gcov_functions\": [{\"name\": \"f\", \"file\": \"/p/a.c\", \"line\": 5, \"end_line\": 9,"
	    " \"entry_count\": %u, \"returns\": %u, \"blocks\": 4, \"blocks_executed\": 3, \"function\": 1}],\n"
	    "\"lines\": [{\"file\": \"/p/a.c\", \"line\": 6, \"count\": %u}],\n"
	    "\"branches\": [{\"file\": \"/p/a.c\", \"line\": 6, \"outcomes\": [{\"count\": %u,"
	    " \"fallthrough\": true, \"branch\": 0}, {\"count\": %u, \"fallthrough\": false, \"branch\": 0,"
	    " \"throw\": true}]}],\n"
	    "\"loops\": [{\"function\": \"f\", \"file\": \"/p/a.c\", \"line\": 7, \"depth\": 1,"
	    " \"entries\": %u, \"iterations\": %u}]}\n",
	    pid, pid, bid, pid * 4096, cf, cf, cg, cf, cg, cf, cf, cf, cf, cg, cf, 10 * cf) < 0)
		abort();
	return s;
}

static char *merged_text(const char *const *docs, const uint64_t *w, size_t n)
{
	struct doc_merge *m = doc_merge_new();
	char *buf = NULL;
	size_t size = 0, i;
	FILE *f = open_memstream(&buf, &size);

	for (i = 0; i < n; i++) {
		struct vpdoc d;
		CU_ASSERT_EQUAL_FATAL(vitprof_read_mem(docs[i], strlen(docs[i]), "doc", &d), 0);
		CU_ASSERT_EQUAL(doc_merge_add(m, &d, w ? w[i] : 1), 0);
		document_free(&d);
	}
	{
		struct vpdoc out;
		doc_merge_result(m, &out);
		CU_ASSERT_EQUAL(vitprof_write(f, &out), 0);
		document_free(&out);
	}
	fclose(f);
	doc_merge_free(m);
	return buf;
}

VP_TEST(vpdoc, reads_document)
{
	char *s = make_doc("abcd", 3, 4, 99);
	struct vpdoc d;

	CU_ASSERT_EQUAL_FATAL(vitprof_read_mem(s, strlen(s), "doc", &d), 0);
	CU_ASSERT_EQUAL(d.n_functions, 3);
	CU_ASSERT_EQUAL(d.functions[1].calls, 3);
	CU_ASSERT_TRUE(d.functions[1].has_entry_count);
	CU_ASSERT_PTR_NULL(d.functions[2].file);
	CU_ASSERT_EQUAL(d.edges[1].n_frames, 1);
	CU_ASSERT_EQUAL(d.branches[0].n_outcomes, 2);
	CU_ASSERT_TRUE(d.branches[0].outcomes[1].is_throw);
	CU_ASSERT_EQUAL(d.loops[0].iterations, 30);
	CU_ASSERT_EQUAL(d.program.pid, 99);
	document_free(&d);
	free(s);
}

/* Every prefix of a document is refused with one line, never a crash. */
VP_TEST(vpdoc, truncated_at_every_byte)
{
	char *s = make_doc("abcd", 3, 4, 99);
	size_t n = strlen(s), i;
	struct vpdoc d;

	tool_error_mute(1);
	for (i = 0; i < n - 1; i++) {      /* the last byte is a newline */
		char *p = malloc(i + 1);
		memcpy(p, s, i);
		CU_ASSERT_EQUAL(vitprof_read_mem(p, i, "doc", &d), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "doc: "));
		CU_ASSERT_PTR_NULL(strchr(tool_last_error(), '\n'));
		document_free(&d);
		free(p);
	}
	tool_error_mute(0);
	free(s);
}

/* Every byte replaced by a few others: read or refused, never a crash
 * (ASan checks the rest), and what is read has valid references. */
VP_TEST(vpdoc, bytes_flipped)
{
	static const unsigned char subst[] = {0x00, '"', '}', ']', '9', '-', 0xff, ',', 'x'};
	char *s = make_doc("abcd", 3, 4, 99);
	size_t n = strlen(s), i, k, j;
	struct vpdoc d;

	tool_error_mute(1);
	for (i = 0; i < n; i++)
		for (k = 0; k < sizeof subst; k++) {
			char *p = malloc(n);
			memcpy(p, s, n);
			p[i] = (char)subst[k];
			if (vitprof_read_mem(p, n, "doc", &d) == 0) {
				for (j = 0; j < d.n_edges; j++) {
					CU_ASSERT(d.edges[j].caller < d.n_functions);
					CU_ASSERT(d.edges[j].callee < d.n_functions);
				}
				for (j = 0; j < d.n_functions; j++)
					CU_ASSERT(d.functions[j].module == VPDOC_NONE ||
					          d.functions[j].module < d.n_modules);
			} else {
				CU_ASSERT_NOT_EQUAL(tool_last_error()[0], '\0');
			}
			document_free(&d);
			free(p);
		}
	tool_error_mute(0);
	free(s);
}

VP_TEST(vpdoc, refuses_wrong_documents)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"{\"format\": \"vitprof\", \"version\": 4}", "version 4, this vitprof reads versions 2 and 3"},
		{"{\"format\": \"other\", \"version\": 2}", "not a vitprof profile"},
		{"[1, 2]", "not a vitprof profile"},
		{"{\"format\": \"vitprof\", \"version\": 2}", "missing member 'program'"},
		{"{\"format\": \"vitprof\", \"format\": \"vitprof\"}", "invalid JSON"},
		{"{\"a\": 99999999999999999999}", "integer out of range"},
		{"\x89PNG", "invalid JSON"},
	};
	struct vpdoc d;
	size_t i;

	tool_error_mute(1);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CU_ASSERT_EQUAL(vitprof_read_mem(cases[i].text, strlen(cases[i].text), "x.vitprof",
		                               &d), -1);
		if (!strstr(tool_last_error(), cases[i].msg))
			fprintf(stderr, "case %zu: got '%s'\n", i, tool_last_error());
		CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), cases[i].msg));
		document_free(&d);
	}
	tool_error_mute(0);
}

VP_TEST(doc_merge, sums_by_identity_with_weights)
{
	char *a = make_doc("abcd", 3, 4, 10), *b = make_doc("abcd", 5, 0, 20);
	const char *docs[2] = {a, b};
	static const uint64_t w[2] = {2, 1};
	char *out = merged_text(docs, w, 2);
	struct vpdoc d;

	CU_ASSERT_EQUAL_FATAL(vitprof_read_mem(out, strlen(out), "out", &d), 0);
	CU_ASSERT_EQUAL(d.n_functions, 3);
	CU_ASSERT_EQUAL(d.functions[1].calls, 2 * 3 + 5);
	CU_ASSERT_EQUAL(d.functions[1].entry_count, 2 * 3 + 5);
	CU_ASSERT_EQUAL(d.functions[2].calls, 2 * 4);
	CU_ASSERT_EQUAL(d.edges[0].count, 11);
	CU_ASSERT_EQUAL(d.edges[1].count, 8);
	CU_ASSERT_EQUAL(d.lines[0].count, 11);
	CU_ASSERT_EQUAL(d.branches[0].outcomes[0].count, 11);
	CU_ASSERT_EQUAL(d.branches[0].outcomes[1].count, 8);
	CU_ASSERT_EQUAL(d.loops[0].iterations, 110);
	CU_ASSERT_EQUAL(d.gcov_functions[0].returns, 11);
	CU_ASSERT_EQUAL(d.program.pid, 10);
	CU_ASSERT_EQUAL(d.n_hot, 3);      /* f 11, g 8, main 3 */
	CU_ASSERT_EQUAL(d.hot[0], 1);
	document_free(&d);
	free(out);
	free(a);
	free(b);
}

/* The model as the reader gives it, written by the one writer. */
static char *rewritten_text(const char *doc)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	struct vpdoc d;

	CU_ASSERT_EQUAL_FATAL(vitprof_read_mem(doc, strlen(doc), "doc", &d), 0);
	CU_ASSERT_EQUAL(vitprof_write(f, &d), 0);
	fclose(f);
	document_free(&d);
	return buf;
}

/* A merged document (canonical order) merged alone is itself, byte for
 * byte, and so is the model read from it and written again; with value
 * profiles (version 3) too. */
VP_TEST(doc_merge, one_document_is_itself)
{
	static const char *const values =
	    ",\n\"value_sites\": [{\"function\": \"f\", \"file\": \"/p/a.c\", \"line\": 5,"
	    " \"site_file\": null, \"site_line\": null, \"kind\": \"topn\", \"site\": 0,"
	    " \"total\": 9, \"dropped\": false, \"values\": [{\"value\": -3, \"count\": 2},"
	    " {\"value\": 7, \"count\": 7}]}, {\"function\": \"f\", \"file\": \"/p/a.c\","
	    " \"line\": 5, \"site_file\": \"/p/a.c\", \"site_line\": 6, \"kind\": \"interval\","
	    " \"site\": 1, \"counters\": [1, 0, 4]}]}\n";
	char *plain = make_doc("abcd", 3, 4, 10), *v3;
	size_t n = strlen(plain);

	/* the same document with value sites after its loops */
	v3 = malloc(n + strlen(values) + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v3);
	memcpy(v3, plain, n);
	while (n && v3[n - 1] != '}')      /* the root's closing brace */
		n--;
	strcpy(v3 + n - 1, values);
	for (int k = 0; k < 2; k++) {
		const char *in[1] = {k ? v3 : plain};
		char *once = merged_text(in, NULL, 1), *twice, *again;
		const char *m[1] = {once};

		twice = merged_text(m, NULL, 1);
		again = rewritten_text(once);
		CU_ASSERT_STRING_EQUAL(twice, once);
		CU_ASSERT_STRING_EQUAL(again, once);
		CU_ASSERT_PTR_NOT_NULL(strstr(once, k ? "\"version\": 3" : "\"version\": 2"));
		free(once);
		free(twice);
		free(again);
	}
	free(plain);
	free(v3);
}

VP_TEST(doc_merge, associative_commutative)
{
	char *a = make_doc("abcd", 3, 4, 10), *b = make_doc("abcd", 5, 0, 20);
	char *c = make_doc("abcd", 0, 9, 30);
	const char *ab[2] = {a, b}, *bc[2] = {b, c}, *cba[3] = {c, b, a};
	char *mab = merged_text(ab, NULL, 2), *mbc = merged_text(bc, NULL, 2);
	const char *l[2] = {mab, c}, *r[2] = {a, mbc};
	char *left = merged_text(l, NULL, 2), *right = merged_text(r, NULL, 2);
	char *flat = merged_text(cba, NULL, 3);

	CU_ASSERT_STRING_EQUAL(left, right);
	CU_ASSERT_STRING_EQUAL(left, flat);
	free(left);
	free(right);
	free(flat);
	free(mab);
	free(mbc);
	free(a);
	free(b);
	free(c);
}

VP_TEST(doc_merge, refuses_other_builds)
{
	char *a = make_doc("abcd", 3, 4, 10), *b = make_doc("abce", 3, 4, 10);
	char *c = make_doc("abcd", 3, 4, 10), *p;
	struct doc_merge *m = doc_merge_new();
	struct vpdoc d;

	/* c: the branch line gets a third outcome. */
	p = strstr(c, "\"throw\": true}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	{
		char *c2;
		CU_ASSERT_FATAL(asprintf(&c2, "%.*s\"throw\": true}, {\"count\": 1, \"fallthrough\": "
		                         "false, \"branch\": 1}%s", (int)(p - c), c,
		                         p + strlen("\"throw\": true}")) > 0);
		free(c);
		c = c2;
	}
	tool_error_mute(1);
	CU_ASSERT_EQUAL_FATAL(vitprof_read_mem(a, strlen(a), "a.vitprof", &d), 0);
	CU_ASSERT_EQUAL(doc_merge_add(m, &d, 1), 0);
	document_free(&d);
	CU_ASSERT_EQUAL_FATAL(vitprof_read_mem(b, strlen(b), "b.vitprof", &d), 0);
	CU_ASSERT_EQUAL(doc_merge_add(m, &d, 1), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "b.vitprof: another program"));
	document_free(&d);
	CU_ASSERT_EQUAL_FATAL(vitprof_read_mem(c, strlen(c), "c.vitprof", &d), 0);
	CU_ASSERT_EQUAL(doc_merge_add(m, &d, 1), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "branches of /p/a.c:6 differ"));
	document_free(&d);
	tool_error_mute(0);
	doc_merge_free(m);
	free(a);
	free(b);
	free(c);
}
