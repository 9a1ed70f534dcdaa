/* SPDX-License-Identifier: MIT */
/*
 * test_export_pgo.c - unit tests of tools/export_sample.c and
 * tools/export_link_order.c on profiles built by hand: exact text for
 * known inputs (lines from coverage, calls only, inlined call sites, static
 * functions sharing a name, what is dropped), C3's order on a call graph
 * worked out by hand, and write errors.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "test_export_util.h"
#include "base/tool.h"
#include "coverage/coverage.h"
#include "export/export.h"
#include "model/profile.h"
#include "vp_test.h"

static struct prof_edge edge(uint32_t caller, uint32_t callee, uint64_t site,
                             const char *file, unsigned line, uint64_t count)
{
	struct prof_edge e;

	memset(&e, 0, sizeof e);
	e.caller = caller;
	e.callee = callee;
	e.site = site;
	e.file = file;
	e.line = line;
	e.count = count;
	return e;
}

static void profile_of(struct profile *p, struct prof_function *fs, size_t nf,
                       struct prof_edge *es, size_t ne)
{
	memset(p, 0, sizeof *p);
	p->functions = fs;
	p->n_functions = nf;
	p->edges = es;
	p->n_edges = ne;
}

/* ---- sample profile ------------------------------------------------------- */

/*
 * a.c, line: count
 *   10 main(void): 1
 *   12   for (...): 101
 *   13     work(i): 100            one call site, work x100
 *   14   fp[..](): 1               one call site (a loop on one line):
 *                                  odd x3, even x7
 *   20 work(int i): 100, 21: 100, 22: 0
 *   30 odd: 3, 40 even: 7, 50 never: 0 (never ran: left out)
 */
VP_TEST(sample, coverage_lines_and_calls)
{
	struct prof_function fs[] = {
		fn(0, "main", "/src/a.c", 10, 0x1000, 1),
		fn(1, "work", "/src/a.c", 20, 0x1100, 100),
		fn(2, "odd", "/src/a.c", 30, 0x1200, 3),
		fn(3, "even", "/src/a.c", 40, 0x1300, 7),
		fn(4, "libc.so.6+0x27249", NULL, 0, 0x27249, 0),
	};
	struct prof_edge es[] = {
		edge(0, 1, 0x1010, "/src/a.c", 13, 100),
		edge(0, 2, 0x1020, "/src/a.c", 14, 3),
		edge(0, 3, 0x1020, "/src/a.c", 14, 7),
		edge(4, 0, 0x27250, NULL, 0, 1),
	};
	struct cov_line lines[] = {
		{"a.c", 10, 1, 0, NULL, 0}, {"a.c", 12, 101, 0, NULL, 0},
		{"a.c", 13, 100, 0, NULL, 0}, {"a.c", 14, 1, 0, NULL, 0},
		{"a.c", 20, 100, 0, NULL, 0}, {"a.c", 21, 100, 0, NULL, 0},
		{"a.c", 22, 0, 0, NULL, 0},
		{"a.c", 30, 3, 0, NULL, 0}, {"a.c", 40, 7, 0, NULL, 0},
		{"a.c", 50, 0, 0, NULL, 0},
	};
	struct cov_function cfs[] = {
		{"main", "a.c", 10, 15, 1, 1, 4, 4},
		{"work", "a.c", 20, 23, 100, 100, 3, 2},
		{"odd", "a.c", 30, 31, 3, 3, 1, 1},
		{"even", "a.c", 40, 41, 7, 7, 1, 1},
		{"never", "a.c", 50, 51, 0, 0, 1, 0},
	};
	struct profile p;
	struct coverage cov;
	char *out;
	int rc;

	profile_of(&p, fs, 5, es, 4);
	memset(&cov, 0, sizeof cov);
	cov.report.lines = lines;
	cov.report.n_lines = sizeof lines / sizeof lines[0];
	cov.report.functions = cfs;
	cov.report.n_functions = sizeof cfs / sizeof cfs[0];
	cov.n_used = 1;
	out = run_export(export_sample_profile, &p, &cov, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out,
		"main:203:1\n"
		" 0: 1\n"
		" 2: 101\n"
		" 3: 100 work:100\n"
		" 4: 1 even:7 odd:3\n"
		"work:200:100\n"
		" 0: 100\n"
		" 1: 100\n"
		" 2: 0\n"
		"even:7:7\n"
		" 0: 7\n"
		"odd:3:3\n"
		" 0: 3\n");
	free(out);

	/* Without coverage: calls only, the busiest site of a line, and the
	 * entry count on the name's line. */
	out = run_export(export_sample_profile, &p, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out,
		"main:111:1\n"
		" 0: 1\n"
		" 3: 100 work:100\n"
		" 4: 10 even:7 odd:3\n"
		"work:100:100\n"
		" 0: 100\n"
		"even:7:7\n"
		" 0: 7\n"
		"odd:3:3\n"
		" 0: 3\n");
	free(out);
}

/* Two sites on one line: the line ran as often as its busiest site. A
 * call from code inlined into main is the inlined function's. */
VP_TEST(sample, sites_and_inlined_frames)
{
	struct prof_function fs[] = {
		fn(0, "main", "/src/m.c", 5, 0x1000, 1),
		fn(1, "f", "/src/m.c", 20, 0x1100, 40),
		fn(2, "g", "/src/m.c", 30, 0x1200, 25),
		fn(3, "helper", "/src/h.h", 3, 0x1300, 8),
	};
	struct prof_frame inl[] = {
		{"helper", "/src/h.h", 6, 0},
		{"main", "/src/m.c", 9, 0},
	};
	struct prof_edge es[] = {
		edge(0, 1, 0x1010, "/src/m.c", 7, 40),
		edge(0, 2, 0x1018, "/src/m.c", 7, 25),
		edge(0, 2, 0x1030, "/src/h.h", 6, 8),
	};
	struct profile p;
	char *out;
	int rc;

	es[2].frames = inl;
	es[2].n_frames = 2;
	profile_of(&p, fs, 4, es, 3);
	out = run_export(export_sample_profile, &p, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out,
		"main:41:1\n"
		" 0: 1\n"
		" 2: 40 f:40 g:25\n"
		"f:40:40\n"
		" 0: 40\n"
		"g:25:25\n"
		" 0: 25\n"
		"helper:16:8\n"
		" 0: 8\n"
		" 3: 8 g:8\n");
	free(out);
}

/* Static functions of one name in two files are one function for clang:
 * merged, with a warning. Clones (same name, file and line) silently. What
 * clang could not use is left out. */
VP_TEST(sample, same_name_and_drops)
{
	struct prof_function fs[] = {
		fn(0, "main", "/src/m.c", 1, 0x1000, 1),
		fn(1, "helper", "/src/a.c", 10, 0x1100, 5),
		fn(2, "helper", "/src/b.c", 20, 0x1200, 6),
		fn(3, "helper", "/src/b.c", 20, 0x1300, 1),   /* a clone */
		fn(4, "lib.so+0x40", NULL, 0, 0x40, 2),       /* unsymbolized */
		fn(5, "nofile", NULL, 0, 0x1400, 3),
	};
	struct prof_edge es[] = {
		edge(0, 1, 0x1010, "/src/m.c", 2, 5),
		edge(0, 2, 0x1020, "/src/m.c", 3, 6),
		edge(0, 3, 0x1030, "/src/m.c", 70000, 1),     /* offset > 0xffff */
		edge(0, 4, 0x1040, "/src/m.c", 4, 2),
		edge(0, 5, 0x1050, "/src/m.c", 5, 3),
	};
	struct profile p;
	char *out;
	int rc;

	profile_of(&p, fs, 6, es, 5);
	tool_error_mute(1);
	out = run_export(export_sample_profile, &p, NULL, &rc);
	tool_error_mute(0);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out,
		"main:15:1\n"
		" 0: 1\n"
		" 1: 5 helper:5\n"
		" 2: 6 helper:6\n"
		" 4: 3 nofile:3\n"
		"helper:12:12\n"
		" 0: 12\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "1 name(s) shared by distinct functions"));
	free(out);
}

VP_TEST(sample, nothing_ran_and_write_error)
{
	struct prof_function fs[] = { fn(0, "main", "/src/m.c", 1, 0x1000, 1) };
	struct profile p;
	char *out;
	FILE *full;
	int rc;

	/* Nothing ran: an error of its own (-2), reported, nothing written. */
	profile_of(&p, NULL, 0, NULL, 0);
	tool_error_mute(1);
	out = run_export(export_sample_profile, &p, NULL, &rc);
	CU_ASSERT_EQUAL(rc, -2);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "sample-profile: no function"));
	free(out);
	out = run_export(export_link_order, &p, NULL, &rc);
	CU_ASSERT_EQUAL(rc, -2);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "link-order: no function"));
	free(out);
	tool_error_mute(0);

	full = fopen("/dev/full", "w");
	if (!full)
		return;
	setvbuf(full, NULL, _IONBF, 0);
	profile_of(&p, fs, 1, NULL, 0);
	CU_ASSERT_EQUAL(export_sample_profile(full, &p, NULL), -1);
	CU_ASSERT_EQUAL(export_link_order(full, &p, NULL), -1);
	fclose(full);
}

/* ---- link order ------------------------------------------------------------- */

/*
 * Every function 0x100 bytes (address gaps), H 2 MiB. Calls: A->B 100,
 * A->C 10, B->D 1000, C->E 50, D->E 40, H->I 500; A and H are called once
 * from a library. By density D, then B (with D), I, E, C, A, H:
 *   D joins its caller B: [B D]; B joins A: [A B D];
 *   I would make H's cluster larger than 1 MiB: stays alone;
 *   E joins C (its heaviest caller, 50 > 40): [C E]; C joins A: [A B D C E];
 *   A and H have no caller in the executable.
 * Clusters by density: [I] 500/256, [A B D C E] 1201/1280, [H].
 */
VP_TEST(link_order, c3)
{
	struct prof_function fs[] = {
		fn(0, "A", "/s/x.c", 1, 0x1000, 1),
		fn(1, "B", "/s/x.c", 2, 0x1100, 100),
		fn(2, "C", "/s/x.c", 3, 0x1200, 10),
		fn(3, "D", "/s/x.c", 4, 0x1300, 1000),
		fn(4, "E", "/s/x.c", 5, 0x1400, 90),
		fn(5, "uninstrumented", NULL, 0, 0x1500, 0),
		fn(6, "H", "/s/x.c", 7, 0x2000, 1),
		fn(7, "I", "/s/x.c", 8, 0x202000, 500),
		fn(8, "end", NULL, 0, 0x202100, 0),
		fn(9, "libc.so.6+0x10", NULL, 0, 0x10, 0),
		fn(10, "in_a_library", "/s/l.c", 1, 0x500, 4),
	};
	struct prof_edge es[] = {
		edge(0, 1, 0x1010, "/s/x.c", 1, 100),
		edge(0, 2, 0x1020, "/s/x.c", 1, 10),
		edge(1, 3, 0x1110, "/s/x.c", 2, 1000),
		edge(2, 4, 0x1210, "/s/x.c", 3, 50),
		edge(3, 4, 0x1310, "/s/x.c", 4, 40),
		edge(6, 7, 0x2010, "/s/x.c", 7, 500),
		edge(9, 0, 0x20, NULL, 0, 1),
		edge(9, 6, 0x30, NULL, 0, 1),
		edge(9, 10, 0x40, NULL, 0, 4),
	};
	struct profile p;
	char *out;
	int rc;

	fs[9].module = 1;
	fs[10].module = 2;
	profile_of(&p, fs, 11, es, 9);
	tool_error_mute(1);
	out = run_export(export_link_order, &p, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out, "I\nA\nB\nD\nC\nE\nH\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "1 function(s) of shared libraries"));
	free(out);

	out = run_export(export_link_order_gold, &p, NULL, &rc);
	tool_error_mute(0);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ".text.I\n.text.hot.I\n.text.startup.I\n.text.A\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ".text.startup.H\n.text.*\n"));
	free(out);
}

/* A clone (same name) is printed once; functions only the arc counters saw
 * follow the clusters, by entry count. */
VP_TEST(link_order, clones_and_arcs_only)
{
	struct prof_function fs[] = {
		fn(0, "main", "/s/x.c", 1, 0x1000, 1),
		fn(1, "work", "/s/x.c", 5, 0x1100, 50),
		fn(2, "work", "/s/x.c", 5, 0x1200, 30),    /* work.constprop.0 */
		fn(3, "end", NULL, 0, 0x1300, 0),
	};
	struct prof_edge es[] = {
		edge(0, 1, 0x1010, "/s/x.c", 2, 50),
		edge(0, 2, 0x1020, "/s/x.c", 3, 30),
	};
	struct cov_function cfs[] = {
		{"work", "x.c", 5, 9, 80, 80, 3, 3},
		{"quiet", "x.c", 20, 22, 7, 7, 1, 1},
		{"loud", "x.c", 30, 32, 9, 9, 1, 1},
		{"never", "x.c", 40, 42, 0, 0, 1, 0},
	};
	struct profile p;
	struct coverage cov;
	char *out;
	int rc;

	profile_of(&p, fs, 4, es, 2);
	memset(&cov, 0, sizeof cov);
	cov.report.functions = cfs;
	cov.report.n_functions = 4;
	cov.n_used = 1;
	out = run_export(export_link_order, &p, &cov, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out, "main\nwork\nloud\nquiet\n");
	free(out);
}
