/* SPDX-License-Identifier: MIT */
/*
 * test_profile.c - the symbolized profile (tools/profile.c) on raw profiles
 * made in memory, with a fake symbolizer: address to module mapping, load
 * bias, function identity, aggregation over call sites and threads,
 * uninstrumented callers, missing binaries, time, hot spots, and the JSON
 * document (tools/cmd_export.c).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_tool_rawgen.h"
#include "base/tool.h"
#include "model/profile.h"
#include "read/raw_profile.h"
#include "tool_internal.h"
#include "vp_test.h"

/* ---- the fake symbolizer ------------------------------------------------ */

struct sym_module {
	int which;                  /* 0: /fake/prog, 1: /fake/lib.so */
};

static struct sym_module fake_mods[2] = {{0}, {1}};
static int opens[2], closes;

struct fake_fn {
	int module;
	uint64_t lo, hi;
	const char *name, *file;
	unsigned line;
};

static const struct fake_fn fake_fns[] = {
	{0, 0x1000, 0x1100, "main", "/src/main.c", 10},
	{0, 0x2000, 0x2100, "work", "/src/work.c", 20},
	{0, 0x3000, 0x3100, "helper", "/src/a.c", 5},
	{0, 0x3100, 0x3200, "helper", "/src/b.c", 7},
	{1, 0x500, 0x600, "libfn", "/src/lib.c", 3},
};

static struct sym_module *fake_open(const char *path, const uint8_t *build_id,
                                    size_t build_id_len, enum sym_status *status,
                                    char *err, size_t errlen)
{
	int which = strcmp(path, "/fake/prog") == 0 ? 0
	          : strcmp(path, "/fake/lib.so") == 0 || strcmp(path, "/fake/nodwarf.so") == 0
	          ? 1 : -1;

	if (which < 0) {
		*status = SYM_ERR_OPEN;
		snprintf(err, errlen, "%s: cannot open: No such file or directory", path);
		return NULL;
	}
	if (build_id_len && build_id[0] == 0xbb) {
		*status = SYM_ERR_BUILD_ID;
		snprintf(err, errlen, "%s: build-id differs from the binary that ran", path);
		return NULL;
	}
	opens[which]++;
	if (strcmp(path, "/fake/nodwarf.so") == 0) {
		*status = SYM_ERR_DWARF;
		snprintf(err, errlen, "%s: DWARF unreadable", path);
	} else {
		*status = SYM_OK;
	}
	return &fake_mods[which];
}

static void fake_close(struct sym_module *m)
{
	(void)m;
	closes++;
}

static const struct fake_fn *fake_find(struct sym_module *m, uint64_t vaddr)
{
	size_t i;

	for (i = 0; i < sizeof fake_fns / sizeof fake_fns[0]; i++)
		if (fake_fns[i].module == m->which && vaddr >= fake_fns[i].lo &&
		    vaddr < fake_fns[i].hi)
			return &fake_fns[i];
	return NULL;
}

static int fake_lookup_function(struct sym_module *m, uint64_t vaddr, struct sym_function *out)
{
	const struct fake_fn *f = fake_find(m, vaddr);

	if (!f)
		return -1;
	*out = (struct sym_function){f->name, f->name, f->file, f->line, f->lo, f->hi};
	return 0;
}

/* Line = 1000 + offset in the function; 0x2080..0x208f is code inlined
 * from "inl" (/src/inl.h:99) into work at line 55. */
static int fake_lookup_location(struct sym_module *m, uint64_t vaddr,
                                struct sym_frame *frames, int max)
{
	const struct fake_fn *f = fake_find(m, vaddr);

	if (!f || max < 2)
		return 0;
	if (m->which == 0 && vaddr >= 0x2080 && vaddr < 0x2090) {
		frames[0] = (struct sym_frame){"inl", "/src/inl.h", 99, 0};
		frames[1] = (struct sym_frame){"work", "/src/work.c", 55, 0};
		return 2;
	}
	frames[0] = (struct sym_frame){f->name, f->file, (unsigned)(1000 + vaddr - f->lo), 0};
	return 1;
}

static const struct prof_symbolizer fake = {
	fake_open, fake_close, fake_lookup_function, fake_lookup_location,
};

/* ---- raw profiles made by hand ------------------------------------------ */

#define PB 0x400000ull              /* load bias of /fake/prog (PIE) */
#define LB 0x7f0000000000ull        /* load bias of /fake/lib.so */
#define P(x) (PB + (x))
#define L(x) (LB + (x))

static struct raw_module base_modules[] = {
	{.id = 0, .load_bias = PB, .lo = PB, .hi = PB + 0x10000, .path = (char *)"/fake/prog"},
	{.id = 1, .load_bias = LB, .lo = LB, .hi = LB + 0x10000, .path = (char *)"/fake/lib.so"},
};

static void raw_init(struct raw_profile *rp, struct raw_module *mods, size_t n_mods,
                     struct raw_edge *edges, size_t n_edges)
{
	memset(rp, 0, sizeof *rp);
	rp->file = (char *)"mem.vitraw";
	rp->mode = VPR_MODE_COUNT;
	rp->state = VPR_STATE_EXITED;
	rp->pid = 7;
	rp->modules = mods;
	rp->n_modules = n_mods;
	rp->edges = edges;
	rp->n_edges = n_edges;
	memset(opens, 0, sizeof opens);
	closes = 0;
}

static int build(struct profile *p, struct raw_profile *rp)
{
	int rc;

	tool_error_mute(1);
	rc = profile_build(p, rp, &fake);
	tool_error_mute(0);
	return rc;
}

/* The function named name (with file, when not NULL); NULL if none. */
static const struct prof_function *fn(const struct profile *p, const char *name,
                                      const char *file)
{
	size_t i;

	for (i = 0; i < p->n_functions; i++)
		if (strcmp(p->functions[i].name, name) == 0 &&
		    (!file || (p->functions[i].file && strcmp(p->functions[i].file, file) == 0)))
			return &p->functions[i];
	return NULL;
}

/* The edge caller -> callee at site; NULL if none. */
static const struct prof_edge *edge(const struct profile *p, const struct prof_function *caller,
                                    const struct prof_function *callee, uint64_t site)
{
	size_t i;

	if (!caller || !callee)
		return NULL;
	for (i = 0; i < p->n_edges; i++)
		if (p->edges[i].caller == caller->id && p->edges[i].callee == callee->id &&
		    p->edges[i].site == site)
			return &p->edges[i];
	return NULL;
}

static size_t count_edges(const struct profile *p, const struct prof_function *caller,
                          const struct prof_function *callee)
{
	size_t i, n = 0;

	for (i = 0; i < p->n_edges; i++)
		if (caller && callee && p->edges[i].caller == caller->id &&
		    p->edges[i].callee == callee->id)
			n++;
	return n;
}

/* ---- tests ---------------------------------------------------------------- */

VP_TEST(profile, sites_stay_apart_threads_sum)
{
	struct raw_edge edges[] = {
		{P(0x1011), P(0x2000), 3, 0, 0},     /* main -> work, site A, thread 1 */
		{P(0x1021), P(0x2000), 4, 0, 0},     /* main -> work, site B */
		{P(0x1011), P(0x2000), 10, 0, 0},    /* site A again, thread 2 */
		{L(0x551), P(0x1000), 1, 0, 0},      /* libfn -> main */
	};
	struct raw_profile rp;
	struct profile p;
	const struct prof_function *main_f, *work, *lib;
	const struct prof_edge *a, *b;

	raw_init(&rp, base_modules, 2, edges, 4);
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	main_f = fn(&p, "main", NULL);
	work = fn(&p, "work", NULL);
	lib = fn(&p, "libfn", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(main_f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(work);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lib);
	CU_ASSERT_EQUAL(p.n_functions, 3);
	CU_ASSERT_EQUAL(p.n_edges, 3);
	CU_ASSERT_EQUAL(work->calls, 17);
	CU_ASSERT_EQUAL(main_f->calls, 1);
	CU_ASSERT_EQUAL(count_edges(&p, main_f, work), 2);
	a = edge(&p, main_f, work, 0x1011);
	b = edge(&p, main_f, work, 0x1021);
	CU_ASSERT(a && a->count == 13);
	CU_ASSERT(b && b->count == 4);
	/* call site line: the instruction before the return address */
	CU_ASSERT(a && a->file && strcmp(a->file, "/src/main.c") == 0 && a->line == 1000 + 0x10);
	CU_ASSERT(b && b->line == 1000 + 0x20);
	/* ELF addresses, not runtime ones */
	CU_ASSERT_EQUAL(work->address, 0x2000);
	CU_ASSERT_EQUAL(work->module, 0);
	CU_ASSERT_STRING_EQUAL(work->file, "/src/work.c");
	CU_ASSERT_EQUAL(work->line, 20);
	CU_ASSERT_EQUAL(lib->module, 1);
	CU_ASSERT_EQUAL(lib->address, 0x500);
	/* each module opened once for all its addresses */
	CU_ASSERT_EQUAL(opens[0], 1);
	CU_ASSERT_EQUAL(opens[1], 1);
	profile_free(&p);
	CU_ASSERT_EQUAL(closes, 2);
}

VP_TEST(profile, uninstrumented_caller)
{
	struct raw_edge edges[] = {{L(0x581), P(0x1000), 1, 0, 0}};
	struct raw_profile rp;
	struct profile p;
	const struct prof_function *lib, *main_f;

	raw_init(&rp, base_modules, 2, edges, 1);
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	lib = fn(&p, "libfn", NULL);
	main_f = fn(&p, "main", NULL);
	CU_ASSERT(lib && !lib->instrumented && lib->calls == 0);
	CU_ASSERT(main_f && main_f->instrumented && main_f->calls == 1);
	CU_ASSERT(edge(&p, lib, main_f, 0x581) != NULL);
	profile_free(&p);
}

VP_TEST(profile, same_name_two_files_two_functions)
{
	struct raw_edge edges[] = {
		{P(0x2011), P(0x3000), 2, 0, 0},
		{P(0x2021), P(0x3100), 5, 0, 0},
	};
	struct raw_profile rp;
	struct profile p;
	const struct prof_function *a, *b;

	raw_init(&rp, base_modules, 2, edges, 2);
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	a = fn(&p, "helper", "/src/a.c");
	b = fn(&p, "helper", "/src/b.c");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_NOT_EQUAL(a->id, b->id);
	CU_ASSERT_EQUAL(a->calls, 2);
	CU_ASSERT_EQUAL(b->calls, 5);
	profile_free(&p);
}

VP_TEST(profile, ids_dense_and_sorted)
{
	struct raw_edge edges[] = {
		{P(0x2011), P(0x3100), 1, 0, 0},
		{0x99990, P(0x2000), 1, 0, 0},        /* caller outside every module */
		{L(0x551), P(0x3000), 1, 0, 0},
		{P(0x1011), P(0x2000), 1, 0, 0},
		{P(0x1011), L(0x500), 1, 0, 0},
	};
	struct raw_profile rp;
	struct profile p;
	size_t i;

	raw_init(&rp, base_modules, 2, edges, 5);
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	for (i = 0; i < p.n_functions; i++) {
		CU_ASSERT_EQUAL(p.functions[i].id, i);
		if (i > 0 && p.functions[i].module != PROF_MODULE_UNKNOWN) {
			CU_ASSERT(p.functions[i - 1].module < p.functions[i].module ||
			          (p.functions[i - 1].module == p.functions[i].module &&
			           p.functions[i - 1].address < p.functions[i].address));
		}
	}
	/* unknown module last, named by its address */
	CU_ASSERT_EQUAL(p.functions[p.n_functions - 1].module, PROF_MODULE_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(p.functions[p.n_functions - 1].name, "0x9998f");
	for (i = 1; i < p.n_edges; i++)
		CU_ASSERT(p.edges[i - 1].caller < p.edges[i].caller ||
		          (p.edges[i - 1].caller == p.edges[i].caller &&
		           (p.edges[i - 1].callee < p.edges[i].callee ||
		            (p.edges[i - 1].callee == p.edges[i].callee &&
		             p.edges[i - 1].site < p.edges[i].site))));
	for (i = 0; i < p.n_edges; i++) {
		CU_ASSERT(p.edges[i].caller < p.n_functions);
		CU_ASSERT(p.edges[i].callee < p.n_functions);
	}
	profile_free(&p);
}

VP_TEST(profile, address_without_symbol)
{
	struct raw_edge edges[] = {{P(0x1011), P(0x8000), 6, 0, 0}};
	struct raw_profile rp;
	struct profile p;
	const struct prof_function *f;

	raw_init(&rp, base_modules, 2, edges, 1);
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	f = fn(&p, "prog+0x8000", NULL);
	CU_ASSERT(f && f->calls == 6 && f->module == 0 && f->address == 0x8000 && !f->file);
	profile_free(&p);
}

VP_TEST(profile, missing_library_is_a_warning)
{
	struct raw_module mods[] = {
		base_modules[0],
		{.id = 1, .load_bias = LB, .lo = LB, .hi = LB + 0x10000, .path = (char *)"/fake/gone.so"},
	};
	struct raw_edge edges[] = {
		{P(0x1011), L(0x500), 2, 0, 0},
		{P(0x1021), L(0x500), 3, 0, 0},
		{L(0x551), P(0x2000), 1, 0, 0},
	};
	struct raw_profile rp;
	struct profile p;
	const struct prof_function *f;

	raw_init(&rp, mods, 2, edges, 3);
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "warning: /fake/gone.so"));
	f = fn(&p, "gone.so+0x500", NULL);
	CU_ASSERT(f && f->calls == 5 && f->module == 1);
	CU_ASSERT(fn(&p, "gone.so+0x550", NULL) != NULL);   /* the caller, by address */
	CU_ASSERT(fn(&p, "work", NULL) != NULL);
	profile_free(&p);
}

VP_TEST(profile, dwarf_error_is_a_warning)
{
	struct raw_module mods[] = {
		base_modules[0],
		{.id = 1, .load_bias = LB, .lo = LB, .hi = LB + 0x10000, .path = (char *)"/fake/nodwarf.so"},
	};
	struct raw_edge edges[] = {{P(0x1011), L(0x500), 2, 0, 0}};
	struct raw_profile rp;
	struct profile p;

	raw_init(&rp, mods, 2, edges, 1);
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "warning: /fake/nodwarf.so: DWARF"));
	CU_ASSERT(fn(&p, "libfn", NULL) != NULL);
	profile_free(&p);
}

VP_TEST(profile, missing_executable_is_an_error)
{
	struct raw_module mods[] = {
		{.id = 0, .load_bias = PB, .lo = PB, .hi = PB + 0x10000, .path = (char *)"/fake/nothere"},
	};
	struct raw_edge edges[] = {{P(0x1011), P(0x2000), 2, 0, 0}};
	struct raw_profile rp;
	struct profile p;

	raw_init(&rp, mods, 1, edges, 1);
	CU_ASSERT_EQUAL(build(&p, &rp), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "mem.vitraw: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "/fake/nothere: cannot open"));
	profile_free(&p);
}

VP_TEST(profile, rebuilt_executable_is_an_error)
{
	struct raw_module mods[] = {base_modules[0]};
	struct raw_edge edges[] = {{P(0x1011), P(0x2000), 2, 0, 0}};
	struct raw_profile rp;
	struct profile p;

	mods[0].build_id_len = 2;
	mods[0].build_id[0] = 0xbb;
	raw_init(&rp, mods, 1, edges, 1);
	CU_ASSERT_EQUAL(build(&p, &rp), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "/fake/prog: build-id differs"));
	profile_free(&p);
}

VP_TEST(profile, overlapping_ranges_latest_wins)
{
	struct raw_module mods[] = {
		base_modules[0],
		{.id = 1, .load_bias = LB, .lo = LB, .hi = LB + 0x10000, .path = (char *)"/fake/old.so"},
		{.id = 2, .load_bias = LB, .lo = LB, .hi = LB + 0x8000, .path = (char *)"/fake/lib.so"},
	};
	struct raw_edge edges[] = {{P(0x1011), L(0x500), 2, 0, 0}};
	struct raw_profile rp;
	struct profile p;
	const struct prof_function *f;

	raw_init(&rp, mods, 3, edges, 1);
	tool_error_mute(1);
	tool_warn(NULL, "none");
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	f = fn(&p, "libfn", NULL);
	CU_ASSERT(f && f->module == 2 && f->calls == 2);
	/* Said, not silent; the last message, so old.so was never opened
	 * (that would have been a warning too). */
	CU_ASSERT_PTR_NOT_NULL(strstr(tool_last_error(), "/fake/lib.so was loaded at addresses"
	                              " of /fake/old.so"));
	profile_free(&p);
}

VP_TEST(profile, same_object_loaded_twice_is_one)
{
	struct raw_module mods[] = {
		base_modules[0], base_modules[1],
		{.id = 2, .load_bias = LB + 0x100000, .lo = LB + 0x100000, .hi = LB + 0x110000,
		 .path = (char *)"/fake/lib.so"},
	};
	struct raw_edge edges[] = {
		{P(0x1011), L(0x500), 2, 0, 0},
		{P(0x1011), L(0x100500), 3, 0, 0},
	};
	struct raw_profile rp;
	struct profile p;
	const struct prof_function *f;

	raw_init(&rp, mods, 3, edges, 2);
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	f = fn(&p, "libfn", NULL);
	CU_ASSERT(f && f->module == 1 && f->calls == 5);
	CU_ASSERT_EQUAL(p.n_edges, 1);
	CU_ASSERT_EQUAL(p.modules[2].canonical, 1);
	CU_ASSERT_EQUAL(opens[1], 1);
	profile_free(&p);
}

VP_TEST(profile, inline_chain_at_call_site)
{
	struct raw_edge edges[] = {{P(0x2085), P(0x3000), 1, 0, 0}};
	struct raw_profile rp;
	struct profile p;

	raw_init(&rp, base_modules, 2, edges, 1);
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	CU_ASSERT_EQUAL_FATAL(p.n_edges, 1);
	CU_ASSERT_STRING_EQUAL(p.edges[0].file, "/src/inl.h");
	CU_ASSERT_EQUAL(p.edges[0].line, 99);
	CU_ASSERT_EQUAL(p.edges[0].n_frames, 2);
	CU_ASSERT(p.edges[0].n_frames == 2 && p.edges[0].frames[1].line == 55);
	CU_ASSERT_STRING_EQUAL(p.functions[p.edges[0].caller].name, "work");
	profile_free(&p);
}

VP_TEST(profile, time_mode)
{
	struct raw_edge edges[] = {
		{P(0x1011), P(0x2000), 3, 3000, 1500},
		{P(0x1021), P(0x2000), 1, 600, 300},
		{P(0x2011), P(0x3000), 4, 1200, 1200},
		{L(0x551), P(0x1000), 1, 9000, 4000},
	};
	struct raw_function fns[] = {
		{P(0x2000), 3300},   /* thread 1, outermost activations */
		{P(0x2000), 300},    /* thread 2 */
		{P(0x3000), 1200},
		{P(0x1000), 9000},
	};
	struct raw_profile rp;
	struct profile p;
	const struct prof_function *work, *main_f, *helper;

	raw_init(&rp, base_modules, 2, edges, 4);
	rp.mode = VPR_MODE_TIME;
	rp.time_available = 1;
	rp.calib_dtick = 3;        /* 3 ticks per ns */
	rp.calib_dns = 1;
	rp.functions = fns;
	rp.n_functions = 4;
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	CU_ASSERT_TRUE(p.timed);
	work = fn(&p, "work", NULL);
	main_f = fn(&p, "main", NULL);
	helper = fn(&p, "helper", "/src/a.c");
	CU_ASSERT(work && work->calls == 4 && work->self_ns == 600 && work->total_ns == 1200);
	CU_ASSERT(main_f && main_f->self_ns == 4000 / 3 && main_f->total_ns == 3000);
	CU_ASSERT(helper && helper->self_ns == 400);
	CU_ASSERT(edge(&p, main_f, work, 0x1011) && edge(&p, main_f, work, 0x1011)->total_ns == 1000);
	/* hot spots by self time */
	CU_ASSERT_EQUAL_FATAL(p.n_hot, 3);
	CU_ASSERT_EQUAL(p.hot[0], main_f->id);
	CU_ASSERT_EQUAL(p.hot[1], work->id);
	CU_ASSERT_EQUAL(p.hot[2], helper->id);
	profile_free(&p);

	/* Time mode without a usable clock: no times at all. */
	rp.time_available = 0;
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	CU_ASSERT_FALSE(p.timed);
	CU_ASSERT(fn(&p, "work", NULL)->self_ns == 0);
	profile_free(&p);
}

VP_TEST(profile, hot_spots_by_calls)
{
	struct raw_edge edges[] = {
		{P(0x1011), P(0x2000), 5, 0, 0},
		{P(0x1011), P(0x3000), 50, 0, 0},
		{P(0x1011), P(0x3100), 50, 0, 0},
		{L(0x551), P(0x1000), 1, 0, 0},
	};
	struct raw_profile rp;
	struct profile p;

	raw_init(&rp, base_modules, 2, edges, 4);
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	CU_ASSERT_EQUAL_FATAL(p.n_hot, 4);          /* libfn has no calls: not hot */
	CU_ASSERT_STRING_EQUAL(p.functions[p.hot[0]].file, "/src/a.c");   /* tie: lower id */
	CU_ASSERT_STRING_EQUAL(p.functions[p.hot[1]].file, "/src/b.c");
	CU_ASSERT_STRING_EQUAL(p.functions[p.hot[2]].name, "work");
	CU_ASSERT_STRING_EQUAL(p.functions[p.hot[3]].name, "main");
	profile_free(&p);
}

/* Through the file reader: two shards' tables sum into one profile. */
VP_TEST(profile, from_raw_file_shards_sum)
{
	struct rawgen g;
	struct raw_profile rp;
	struct profile p;
	struct rg_slot s1[] = {{P(0x1011), P(0x2000), 3, 0, 0}, {P(0x1021), P(0x2000), 1, 0, 0}};
	struct rg_slot s2[] = {{P(0x1011), P(0x2000), 39, 0, 0}};
	const struct prof_edge *e;

	rg_begin(&g, VPR_MODE_COUNT);
	rg_module(&g, 0, "/fake/prog", PB, PB, PB + 0x10000, NULL, 0);
	rg_modules_end(&g);
	rg_table(&g, 1, 0, 1, 16, s1, 2);
	rg_table(&g, 2, 0, 1, 16, s2, 1);
	rg_finish(&g);
	CU_ASSERT_EQUAL_FATAL(raw_profile_read_mem(g.buf, g.size, "g.vitraw", &rp), 0);
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	e = edge(&p, fn(&p, "main", NULL), fn(&p, "work", NULL), 0x1011);
	CU_ASSERT(e && e->count == 42);
	CU_ASSERT_EQUAL(fn(&p, "work", NULL)->calls, 43);
	profile_free(&p);
	raw_profile_free(&rp);
	rg_free(&g);
}

VP_TEST(profile, export_json_document)
{
	struct raw_edge edges[] = {
		{P(0x1011), P(0x2000), 3, 0, 0},
		{L(0x551), P(0x1000), 1, 0, 0},
	};
	struct raw_profile rp;
	struct profile p;
	char *doc = NULL;
	size_t len = 0;
	FILE *f;

	raw_init(&rp, base_modules, 2, edges, 2);
	strcpy(rp.exe_path, "/fake/prog");
	strcpy(rp.host, "h\"ost");
	CU_ASSERT_EQUAL_FATAL(build(&p, &rp), 0);
	f = open_memstream(&doc, &len);
	CU_ASSERT_EQUAL(vitprof_write_profile(f, &p, NULL), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"format\": \"vitprof\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"version\": 2,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"host\": \"h\\\"ost\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"mode\": \"count\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(doc, "{\"id\": 1, \"name\": \"work\", \"linkage_name\": \"work\","
	                                   " \"file\": \"/src/work.c\", \"line\": 20, \"module\": 0,"
	                                   " \"address\": 8192, \"instrumented\": true, \"calls\": 3}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"caller_name\": \"main\", \"callee_name\": \"work\","
	                                   " \"file\": \"/src/main.c\", \"line\": 1016, \"site\": 4113,"
	                                   " \"count\": 3}"));
	CU_ASSERT_PTR_NULL(strstr(doc, "self_ns"));      /* count mode */
	CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"hot_spots\": [\n\t\t1,\n\t\t0\n\t]\n}\n"));
	free(doc);
	profile_free(&p);
}
