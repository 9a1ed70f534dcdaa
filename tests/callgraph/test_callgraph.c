/* SPDX-License-Identifier: MIT */
/*
 * test_callgraph.c - unit tests of tools/export_callgrind.c, export_dot.c
 * and export_table.c (csv, prometheus) on profiles built by hand: exact
 * text, quoting and escaping, functions sharing a name, pruning, and write
 * errors.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "test_export_util.h"
#include "coverage/coverage.h"
#include "export/export.h"
#include "model/profile.h"
#include "read/raw_profile.h"
#include "vp_test.h"

static struct raw_profile raw;
static struct raw_module raw_mod;
static struct prof_module mod;

static struct prof_edge edge(uint32_t caller, uint32_t callee, const char *file,
                             unsigned line, uint64_t count)
{
	struct prof_edge e;

	memset(&e, 0, sizeof e);
	e.caller = caller;
	e.callee = callee;
	e.site = 0x1000 + line;
	e.file = file;
	e.line = line;
	e.count = count;
	return e;
}

static void profile_of(struct profile *p, struct prof_function *fs, size_t nf,
                       struct prof_edge *es, size_t ne)
{
	memset(p, 0, sizeof *p);
	memset(&raw, 0, sizeof raw);
	strcpy(raw.exe_path, "/bin/prog");
	raw.pid = 42;
	memset(&raw_mod, 0, sizeof raw_mod);
	raw_mod.path = (char *)"/bin/prog";
	memset(&mod, 0, sizeof mod);
	mod.raw = &raw_mod;
	p->raw = &raw;
	p->modules = &mod;
	p->n_modules = 1;
	p->functions = fs;
	p->n_functions = nf;
	p->edges = es;
	p->n_edges = ne;
}

static void set_time(struct prof_function *f, uint64_t self_ns, uint64_t total_ns)
{
	f->self_ns = self_ns;
	f->total_ns = total_ns;
}

/* ---- csv ------------------------------------------------------------------ */

VP_TEST(csv, quoting_and_empty_fields)
{
	struct prof_function fs[] = {
		fn(0, "main", "/src/a,b.c", 10, 0x1000, 1),
		fn(1, "say \"hi\"", NULL, 0, 0x1100, 7),
	};
	struct profile p;
	char *out;
	int rc;

	fs[1].module = PROF_MODULE_UNKNOWN;
	profile_of(&p, fs, 2, NULL, 0);
	out = run_export(export_csv, &p, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out,
		"id,name,linkage_name,file,line,module,address,calls,self_ns,total_ns,entry_count\r\n"
		"0,main,main,\"/src/a,b.c\",10,0,4096,1,,,\r\n"
		"1,\"say \"\"hi\"\"\",\"say \"\"hi\"\"\",,,,4352,7,,,\r\n");
	free(out);
}

VP_TEST(csv, timed_and_entry_count)
{
	struct prof_function fs[] = { fn(0, "work", "a.c", 20, 0x1100, 100) };
	struct cov_function cfs[] = { {"work", "a.c", 20, 23, 100, 100, 3, 2} };
	struct profile p;
	struct coverage cov;
	char *out;
	int rc;

	profile_of(&p, fs, 1, NULL, 0);
	p.timed = 1;
	set_time(&fs[0], 5, 9);
	memset(&cov, 0, sizeof cov);
	cov.report.functions = cfs;
	cov.report.n_functions = 1;
	cov.n_used = 1;
	out = run_export(export_csv, &p, &cov, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\n0,work,work,a.c,20,0,4352,100,5,9,100\r\n"));
	free(out);
	free(cov.by_name);          /* coverage_find_function()'s index */
}

/* ---- prometheus ----------------------------------------------------------- */

VP_TEST(prometheus, escaping_sorting_and_clones)
{
	struct prof_function fs[] = {
		fn(0, "zeta", "/src/a\\b\"c\nd.c", 1, 0x1000, 3),
		fn(1, "alpha", "/src/a.c", 2, 0x1100, 4),
		fn(2, "alpha", "/src/a.c", 9, 0x1200, 5),     /* a clone: summed */
		fn(3, "lib.so+0x10", NULL, 0, 0x10, 0),
	};
	struct profile p;
	char *out;
	int rc;

	profile_of(&p, fs, 4, NULL, 0);
	out = run_export(export_prometheus, &p, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out,
		"# HELP vitprof_function_calls_total Calls into the function (exact, from the"
		" instrumentation hooks).\n"
		"# TYPE vitprof_function_calls_total counter\n"
		"vitprof_function_calls_total{function=\"alpha\",file=\"/src/a.c\"} 9\n"
		"vitprof_function_calls_total{function=\"lib.so+0x10\",file=\"\"} 0\n"
		"vitprof_function_calls_total{function=\"zeta\",file=\"/src/a\\\\b\\\"c\\nd.c\"} 3\n");
	free(out);
}

VP_TEST(prometheus, seconds_exact)
{
	struct prof_function fs[] = { fn(0, "f", "f.c", 1, 0x1000, 1) };
	struct profile p;
	char *out;
	int rc;

	profile_of(&p, fs, 1, NULL, 0);
	p.timed = 1;
	set_time(&fs[0], 1500000001, 12);
	out = run_export(export_prometheus, &p, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "# TYPE vitprof_function_self_seconds_total counter\n"
		"vitprof_function_self_seconds_total{function=\"f\",file=\"f.c\"} 1.500000001\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
		"vitprof_function_seconds_total{function=\"f\",file=\"f.c\"} 0.000000012\n"));
	free(out);
}

/* ---- dot ------------------------------------------------------------------ */

/*
 * root -> main 1, main -> hot 1000, hot -> leaf 2000 (hot path; main and
 * root are under 0.5% of the calls but lead to hot), main -> cold 1 and
 * cold -> "q\"x" 2 (both under the thresholds: pruned).
 */
VP_TEST(dot, prunes_cold_keeps_hot_path)
{
	struct prof_function fs[] = {
		fn(0, "main", "/src/a.c", 10, 0x1000, 1),
		fn(1, "hot", "/src/a.c", 20, 0x1100, 1000),
		fn(2, "leaf", "/src/a.c", 30, 0x1200, 2000),
		fn(3, "cold", "/src/a.c", 40, 0x1300, 1),
		fn(4, "q\"x", "/src/a.c", 50, 0x1400, 2),
		fn(5, "libc.so.6+0x27249", NULL, 0, 0x27249, 0),
	};
	struct prof_edge es[] = {
		edge(0, 1, "/src/a.c", 12, 1000),
		edge(0, 3, "/src/a.c", 13, 1),
		edge(1, 2, "/src/a.c", 21, 1000),
		edge(1, 2, "/src/a.c", 22, 1000),
		edge(3, 4, "/src/a.c", 41, 2),
		edge(5, 0, NULL, 0, 1),
	};
	struct profile p;
	char *out;
	int rc;

	profile_of(&p, fs, 6, es, 6);
	out = run_export(export_dot, &p, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 of 6 nodes and 2 of 5 edges left out"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  f0 [label=\"main\\na.c:10\\n1 call (0.03%)\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  f5 [label=\"libc.so.6+0x27249\\n0 calls"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  f1 -> f2 [label=\"2000x\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  f0 -> f1 [label=\"1000x\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  f5 -> f0 [label=\"1x\""));
	CU_ASSERT_PTR_NULL(strstr(out, "  f3 "));
	CU_ASSERT_PTR_NULL(strstr(out, "  f4 "));
	CU_ASSERT_PTR_NULL(strstr(out, "-> f3"));
	free(out);
}

VP_TEST(dot, escapes_labels)
{
	struct prof_function fs[] = { fn(0, "a\"b\\c", NULL, 0, 0x1000, 5) };
	struct profile p;
	char *out;
	int rc;

	profile_of(&p, fs, 1, NULL, 0);
	out = run_export(export_dot, &p, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  f0 [label=\"a\\\"b\\\\c\\n5 calls (100.00%)\""));
	free(out);
}

/* ---- callgrind ------------------------------------------------------------ */

VP_TEST(callgrind, exact_text)
{
	struct prof_function fs[] = {
		fn(0, "main", "/src/a.c", 10, 0x1000, 1),
		fn(1, "work", "/src/a.c", 20, 0x1100, 3),
		fn(2, "work", "/src/a.c", 20, 0x1180, 2),     /* a clone */
		fn(3, "h", "/src/h.h", 5, 0x1200, 4),
	};
	struct prof_edge es[] = {
		edge(0, 1, "/src/a.c", 12, 3),
		edge(0, 2, "/src/a.c", 13, 2),
		edge(1, 3, "/src/h.h", 7, 4),                  /* inlined site */
	};
	struct profile p;
	char *out;
	int rc;

	profile_of(&p, fs, 4, es, 3);
	out = run_export(export_callgrind, &p, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	/* The creator line has the library's version (not this file's). */
	CU_ASSERT_EQUAL(strncmp(out, "# callgrind format\nversion: 1\ncreator: vitprof ", 47), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(out, "\npid: "));
	CU_ASSERT_STRING_EQUAL(strstr(out, "\npid: ") + 1, "pid: 42\n"
		"cmd: /bin/prog\npart: 1\n\npositions: line\n"
		"event: Calls : Calls into the function (exact)\nevents: Calls\nsummary: 10\n"
		"\nob=(1) /bin/prog\nfl=(1) /src/a.c\nfn=(1) main\n10 1\n"
		"cfi=(1)\ncfn=(2) work [0x1100]\ncalls=3 20\n12 3\n"
		"cfi=(1)\ncfn=(3) work [0x1180]\ncalls=2 20\n13 2\n"
		"\nob=(1)\nfl=(1)\nfn=(2)\n20 3\n"
		"fi=/src/h.h\ncfi=(2) /src/h.h\ncfn=(4) h\ncalls=4 5\n7 4\nfe=(1)\n"
		"\nob=(1)\nfl=(1)\nfn=(3)\n20 2\n"
		"\nob=(1)\nfl=(2)\nfn=(4)\n5 4\n"
		"\ntotals: 10\n");
	free(out);
}

/* ---- write errors --------------------------------------------------------- */

VP_TEST(all, write_error)
{
	static const export_fn fns[] = { export_callgrind, export_dot, export_csv,
	                                 export_prometheus };
	struct prof_function fs[] = { fn(0, "main", "/src/a.c", 10, 0x1000, 1) };
	struct profile p;
	size_t i;

	profile_of(&p, fs, 1, NULL, 0);
	for (i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		FILE *f = fopen("/dev/full", "w");
		if (!f) {
			CU_PASS("no /dev/full");
			return;
		}
		setvbuf(f, NULL, _IONBF, 0);
		CU_ASSERT_EQUAL(fns[i](f, &p, NULL), -1);
		fclose(f);
	}
}
