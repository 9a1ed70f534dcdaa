/* SPDX-License-Identifier: MIT */
/*
 * cmd_overlap.c - `vitprof overlap A B`: how similar two profiles are, the
 * way `llvm-profdata overlap` measures it. Per category (function calls,
 * call edges, branch outcomes, line counts), each item's count is divided
 * by the category's total in its profile, and
 *
 *     overlap = sum over items of min(share in A, share in B)
 *
 * is 100% for profiles that distribute their counts alike and 0% for
 * disjoint ones. Items are matched by identity as in merging (doc_merge.c):
 * a function by module build-id (or path), name, file and line; an edge by
 * caller, callee, file, line and site; a branch outcome by file, line and
 * its index in the line's outcomes; a line by file and line. The inputs are
 * raw profiles or .vitprof documents.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "tool_internal.h"

#undef uthash_fatal
#define uthash_fatal(msg) tool_oom()

static const char usage[] =
	"usage: vitprof overlap [-n TOP] [--gcno-dir DIR] A B\n"
	"  How similar two profiles (raw or .vitprof) of one program are: per\n"
	"  category, the sum over items of min(share of the total in A, in B).\n"
	"  -n, --top N           list the N functions whose shares differ most\n"
	"                        (default 10, 0: none)\n"
	"  --gcno-dir DIR        where the .gcno files are, for raw inputs\n";

enum { CAT_FUNCTIONS, CAT_EDGES, CAT_BRANCHES, CAT_LINES, N_CATS };

static const char *const cat_names[N_CATS] = {"functions", "edges", "branches", "lines"};

struct item {
	char *key;
	int cat;
	uint64_t count[2];
	char *label;                /* functions: "name (file:line)" */
	UT_hash_handle hh;
};

struct overlap {
	struct item *items;
	uint64_t total[N_CATS][2];
	int present[N_CATS][2];     /* the profile has the category at all */
};

/* Adds count to an item and to its category's total in one profile (d,
 * for messages). Returns 0, or -1 after reporting a sum past COUNT_MAX. */
static int add(struct overlap *o, const struct vpdoc *d, int cat, int side, char *key,
               uint64_t count, const char *label)
{
	struct item *it;

	HASH_FIND_STR(o->items, key, it);
	if (!it) {
		it = calloc(1, sizeof *it);
		if (!it)
			tool_oom();
		it->key = key;
		it->cat = cat;
		if (label && !(it->label = strdup(label)))
			tool_oom();
		HASH_ADD_KEYPTR(hh, o->items, it->key, strlen(it->key), it);
	} else {
		free(key);
	}
	if (count_add(&it->count[side], count, 1, COUNT_MAX) != 0 ||
	    count_add(&o->total[cat][side], count, 1, COUNT_MAX) != 0) {
		tool_error(d->name, "count overflow: the %s counts sum past 2^64-1 (%" PRIu64
		           " more)", cat_names[cat], count);
		return -1;
	}
	return 0;
}

static char *fkey(const struct vpdoc *d, uint32_t id)
{
	const struct vpdoc_function *f = &d->functions[id];
	const struct vpdoc_module *m = f->module == VPDOC_NONE ? NULL : &d->modules[f->module];
	char *k;

	if (asprintf(&k, "%u\x1f%s\x1f%s\x1f%s\x1f%" PRIu64, CAT_FUNCTIONS,
	             m ? (m->build_id ? m->build_id : m->path) : "\x1e", f->name,
	             f->file ? f->file : "\x1e", f->line) < 0)
		tool_oom();
	return k;
}

/* Returns 0, or -1 after reporting an overflow. */
static int add_doc(struct overlap *o, const struct vpdoc *d, int side)
{
	size_t i, k;
	char *key, *label;

	for (i = 0; i < d->n_functions; i++) {
		const struct vpdoc_function *f = &d->functions[i];
		if (asprintf(&label, "%s (%s:%" PRIu64 ")", f->name, f->file ? f->file : "?",
		             f->line) < 0)
			tool_oom();
		if (add(o, d, CAT_FUNCTIONS, side, fkey(d, (uint32_t)i), f->calls, label) != 0) {
			free(label);
			return -1;
		}
		free(label);
	}
	o->present[CAT_FUNCTIONS][side] = 1;
	for (i = 0; i < d->n_edges; i++) {
		const struct vpdoc_edge *e = &d->edges[i];
		char *a = fkey(d, e->caller), *b = fkey(d, e->callee);
		if (asprintf(&key, "%u\x1f%s\x1f%s\x1f%s\x1f%" PRIu64 "\x1f%" PRIu64, CAT_EDGES, a,
		             b, e->file ? e->file : "\x1e", e->line, e->site) < 0)
			tool_oom();
		free(a);
		free(b);
		if (add(o, d, CAT_EDGES, side, key, e->count, NULL) != 0)
			return -1;
	}
	o->present[CAT_EDGES][side] = 1;
	if (!d->has_gcov)
		return 0;
	for (i = 0; i < d->n_branches; i++)
		for (k = 0; k < d->branches[i].n_outcomes; k++) {
			if (asprintf(&key, "%u\x1f%s\x1f%" PRIu64 "\x1f%zu", CAT_BRANCHES,
			             d->branches[i].file, d->branches[i].line, k) < 0)
				tool_oom();
			if (add(o, d, CAT_BRANCHES, side, key, d->branches[i].outcomes[k].count,
			        NULL) != 0)
				return -1;
		}
	for (i = 0; i < d->n_lines; i++) {
		if (asprintf(&key, "%u\x1f%s\x1f%" PRIu64, CAT_LINES, d->lines[i].file,
		             d->lines[i].line) < 0)
			tool_oom();
		if (add(o, d, CAT_LINES, side, key, d->lines[i].count, NULL) != 0)
			return -1;
	}
	o->present[CAT_BRANCHES][side] = o->present[CAT_LINES][side] = 1;
	return 0;
}

/* An item's share of its category's total in one profile, in [0, 1]. */
static long double share(const struct overlap *o, const struct item *it, int side)
{
	uint64_t t = o->total[it->cat][side];

	return t ? (long double)it->count[side] / (long double)t : 0.0L;
}

struct diff {
	const struct item *it;
	long double a, b;
};

static int diff_order(const void *x, const void *y)
{
	const struct diff *p = x, *q = y;
	long double dp = p->a > p->b ? p->a - p->b : p->b - p->a;
	long double dq = q->a > q->b ? q->a - q->b : q->b - q->a;

	if (dp != dq)
		return dp > dq ? -1 : 1;
	return strcmp(p->it->key, q->it->key);
}

static void report(struct overlap *o, const char *a, const char *b, size_t top)
{
	struct item *it, *tmp;
	long double ov[N_CATS] = {0};
	size_t n[N_CATS][2] = {{0}}, common[N_CATS] = {0}, nd = 0, i;
	struct diff *diffs;
	int c;

	diffs = calloc(HASH_COUNT(o->items) + 1, sizeof *diffs);
	if (!diffs)
		tool_oom();
	HASH_ITER(hh, o->items, it, tmp) {
		long double sa = share(o, it, 0), sb = share(o, it, 1);
		ov[it->cat] += sa < sb ? sa : sb;
		n[it->cat][0] += it->count[0] != 0;
		n[it->cat][1] += it->count[1] != 0;
		common[it->cat] += it->count[0] && it->count[1];
		if (it->cat == CAT_FUNCTIONS && sa != sb) {
			diffs[nd].it = it;
			diffs[nd].a = sa;
			diffs[nd++].b = sb;
		}
	}
	printf("Profile overlap\n  A: %s\n  B: %s\n\n", a, b);
	printf("%-10s %8s  %8s %8s %8s %20s %20s\n", "category", "overlap", "items A", "items B",
	       "common", "total A", "total B");
	for (c = 0; c < N_CATS; c++) {
		char pct[16];
		if (!o->present[c][0] || !o->present[c][1])
			snprintf(pct, sizeof pct, "%s", "n/a");
		else if (!o->total[c][0] && !o->total[c][1])
			snprintf(pct, sizeof pct, "%s", "n/a");
		else
			snprintf(pct, sizeof pct, "%.2Lf%%", ov[c] * 100.0L);
		printf("%-10s %8s  %8zu %8zu %8zu %20" PRIu64 " %20" PRIu64 "\n", cat_names[c], pct,
		       n[c][0], n[c][1], common[c], o->total[c][0], o->total[c][1]);
	}
	qsort(diffs, nd, sizeof *diffs, diff_order);
	if (top && nd) {
		printf("\nFunctions whose share of the calls differs most:\n");
		printf("%9s %9s  %s\n", "share A", "share B", "function");
		for (i = 0; i < nd && i < top; i++)
			printf("%8.2Lf%% %8.2Lf%%  %s\n", diffs[i].a * 100.0L, diffs[i].b * 100.0L,
			       diffs[i].it->label);
	}
	free(diffs);
}

int cmd_overlap(int argc, char **argv)
{
	static const struct option opts[] = {
		{"top", required_argument, NULL, 'n'},
		{"gcno-dir", required_argument, NULL, 'g'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *gcno_dir = NULL;
	struct overlap o;
	struct vpdoc d[2];
	struct item *it, *tmp;
	unsigned long top = 10;
	char *end;
	int c, rc = TOOL_EXIT_OK, side;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			top = strtoul(optarg, &end, 10);
			if (!*optarg || *end) {
				tool_error(NULL, "overlap: -n wants a number, not '%s'", optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'g':
			gcno_dir = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_usage_error("overlap", usage, "bad option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2) {
		return tool_usage_error("overlap", usage, "two profiles, A and B");
	}
	memset(&o, 0, sizeof o);
	memset(d, 0, sizeof d);
	for (side = 0; side < 2 && rc == TOOL_EXIT_OK; side++)
		if (vpdoc_load_any(argv[optind + side], gcno_dir, &d[side]) != 0)
			rc = TOOL_EXIT_ERROR;
	if (rc == TOOL_EXIT_OK && (add_doc(&o, &d[0], 0) != 0 || add_doc(&o, &d[1], 1) != 0))
		rc = TOOL_EXIT_ERROR;
	if (rc == TOOL_EXIT_OK) {
		report(&o, argv[optind], argv[optind + 1], top);
		if (fflush(stdout) != 0) {
			tool_error("<stdout>", "write error");
			rc = TOOL_EXIT_ERROR;
		}
	}
	HASH_ITER(hh, o.items, it, tmp) {
		HASH_DEL(o.items, it);
		free(it->key);
		free(it->label);
		free(it);
	}
	vpdoc_free(&d[0]);
	vpdoc_free(&d[1]);
	return rc;
}
