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
 * disjoint ones. Items are matched by source identity (see "Source
 * identity" below), never by address or build-id, so that two builds of
 * one program compare (the report then says in one line that the builds
 * differ). The inputs are raw profiles or .vitprof documents.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "base/tool.h"
#include "cli/commands.h"
#include "tool_internal.h"

#undef uthash_fatal
#define uthash_fatal(msg) tool_oom()

static const char usage[] =
	"usage: vitprof overlap [-n TOP] [--gcno-dir DIR] A B\n"
	"  How similar two profiles (raw or .vitprof) of one program are: per\n"
	"  category, the sum over items of min(share of the total in A, in B).\n"
	"  Items are matched by function name and file, not address, so A and B\n"
	"  may come from two builds (the report then says the builds differ).\n"
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
		it = xcalloc(1, sizeof *it);
		it->key = key;
		it->cat = cat;
		it->label = xstrdup(label);
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

/*
 * Source identity. Keys hold no address, no build-id and no absolute line
 * of code inside a function, so that two builds of one program (an edit,
 * a rebuild: every address and the lines below the edit move) still match:
 *
 *   function     its module's role (the executable, else the library's
 *                file name), name, file, and rank among the functions of
 *                that role, name and file by line (two lambdas, two nested
 *                functions of one name);
 *   edge         caller, callee, the call site's file and its line relative
 *                to the caller's first line (absolute when in another
 *                file), and rank among the caller's sites of that callee on
 *                that line by address (two calls on one line);
 *   line         the gcov function holding it (name, file, rank as above)
 *                and the line relative to its first line; a line outside
 *                every function: file and line;
 *   branch       its line's key and its index among the line's outcomes.
 */
struct idx {
	const struct vpdoc *d;
	char **fn;                  /* function id -> key */
	struct gfn *g;              /* gcov functions by (file, line) */
	size_t n_g;
};

struct gfn {
	const char *name, *file;
	uint64_t line, end_line;
	uint64_t rank;
};

/* "exe" for the executable (module 0, or a record the same as it), the
 * file name of a library, "\x1e" when unknown. */
static const char *module_role(const struct vpdoc *d, uint32_t m)
{
	const char *slash;

	if (m == VPDOC_NONE || m >= d->n_modules)
		return "\x1e";
	if (d->modules[m].same_as != VPDOC_NONE && d->modules[m].same_as < d->n_modules)
		m = d->modules[m].same_as;
	if (m == 0)
		return "exe";
	slash = strrchr(d->modules[m].path, '/');
	return slash ? slash + 1 : d->modules[m].path;
}

static const struct vpdoc *sort_doc;   /* qsort has no context argument */

static int fn_source_order(const void *a, const void *b)
{
	const struct vpdoc_function *x = &sort_doc->functions[*(const size_t *)a],
	                            *y = &sort_doc->functions[*(const size_t *)b];
	int c = strcmp(module_role(sort_doc, x->module), module_role(sort_doc, y->module));

	if (!c)
		c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	if (!c && x->line != y->line)
		c = x->line < y->line ? -1 : 1;
	if (!c && x->address != y->address)
		c = x->address < y->address ? -1 : 1;
	return c;
}

static int same_source(const struct vpdoc *d, const struct vpdoc_function *x,
                       const struct vpdoc_function *y)
{
	return !strcmp(module_role(d, x->module), module_role(d, y->module)) &&
	       !strcmp(x->name, y->name) && !strcmp(x->file ? x->file : "", y->file ? y->file : "");
}

static int gfn_order(const void *a, const void *b)
{
	const struct gfn *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (!c && x->line != y->line)
		c = x->line < y->line ? -1 : 1;
	if (!c)
		c = strcmp(x->name, y->name);
	return c;
}

static int gfn_name_order(const void *a, const void *b)
{
	const struct gfn *x = *(struct gfn *const *)a, *y = *(struct gfn *const *)b;
	int c = strcmp(x->name, y->name);

	if (!c)
		c = strcmp(x->file, y->file);
	if (!c && x->line != y->line)
		c = x->line < y->line ? -1 : 1;
	return c;
}

static void idx_build(struct idx *x, const struct vpdoc *d)
{
	size_t i, *order = xcalloc(d->n_functions + 1, sizeof *order);
	struct gfn **by_name;
	uint64_t rank = 0;

	x->d = d;
	x->fn = xcalloc(d->n_functions + 1, sizeof *x->fn);
	for (i = 0; i < d->n_functions; i++)
		order[i] = i;
	sort_doc = d;
	qsort(order, d->n_functions, sizeof *order, fn_source_order);
	for (i = 0; i < d->n_functions; i++) {
		const struct vpdoc_function *f = &d->functions[order[i]];
		rank = i && same_source(d, &d->functions[order[i - 1]], f) ? rank + 1 : 0;
		x->fn[order[i]] = tool_asprintf("%s\x1f%s\x1f%s\x1f%" PRIu64, module_role(d, f->module),
		                            f->name, f->file ? f->file : "\x1e", rank);
	}
	free(order);

	x->n_g = d->n_gcov_functions;
	x->g = xcalloc(x->n_g + 1, sizeof *x->g);
	by_name = xcalloc(x->n_g + 1, sizeof *by_name);
	for (i = 0; i < x->n_g; i++) {
		const struct vpdoc_gcov_function *g = &d->gcov_functions[i];
		x->g[i].name = g->name;
		x->g[i].file = g->file;
		x->g[i].line = g->line;
		x->g[i].end_line = g->end_line < g->line ? g->line : g->end_line;
	}
	qsort(x->g, x->n_g, sizeof *x->g, gfn_order);
	for (i = 0; i < x->n_g; i++)
		by_name[i] = &x->g[i];
	qsort(by_name, x->n_g, sizeof *by_name, gfn_name_order);
	for (i = 0; i < x->n_g; i++)
		by_name[i]->rank = i && !strcmp(by_name[i - 1]->name, by_name[i]->name) &&
		                   !strcmp(by_name[i - 1]->file, by_name[i]->file)
		                   ? by_name[i - 1]->rank + 1 : 0;
	free(by_name);
}

static void idx_free(struct idx *x)
{
	size_t i;

	for (i = 0; x->fn && i < x->d->n_functions; i++)
		free(x->fn[i]);
	free(x->fn);
	free(x->g);
}

/* The key of source line (file, line): relative to the innermost gcov
 * function holding it (the last one starting at or before it whose range
 * holds it). */
static char *line_key(const struct idx *x, const char *file, uint64_t line)
{
	size_t lo = 0, hi = x->n_g;
	const struct gfn *best = NULL;

	while (lo < hi) {           /* first function after (file, line) */
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(x->g[mid].file, file);
		if (c < 0 || (c == 0 && x->g[mid].line <= line))
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0 && !strcmp(x->g[lo].file, file)) {
		if (x->g[lo].end_line >= line) {
			best = &x->g[lo];
			break;
		}
	}
	if (!best)
		return tool_asprintf("%s\x1f%" PRIu64, file, line);
	return tool_asprintf("%s\x1f%s\x1f%" PRIu64 "\x1f+%" PRIu64, best->name, best->file,
	                 best->rank, line - best->line);
}

/* An edge's call site relative to its caller: "file \x1f offset" (or the
 * absolute line when the site is in another file, an inlined body). */
static char *site_key(const struct vpdoc *d, const struct vpdoc_edge *e)
{
	const struct vpdoc_function *f = &d->functions[e->caller];

	if (e->file && f->file && !strcmp(e->file, f->file))
		return tool_asprintf("%s\x1f%+" PRId64, e->file, (int64_t)(e->line - f->line));
	return tool_asprintf("%s\x1f=%" PRIu64, e->file ? e->file : "\x1e", e->line);
}

struct site_ref {
	char *key;                  /* caller, callee, site_key */
	uint64_t site;
	size_t edge;
};

static int site_ref_order(const void *a, const void *b)
{
	const struct site_ref *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (!c && x->site != y->site)
		c = x->site < y->site ? -1 : 1;
	return c;
}

/* Returns 0, or -1 after reporting an overflow. */
static int add_doc(struct overlap *o, const struct vpdoc *d, int side)
{
	struct site_ref *sites;
	struct idx x;
	size_t i, k;
	uint64_t rank = 0;
	char *key, *label;
	int rc = -1, failed;

	memset(&x, 0, sizeof x);
	idx_build(&x, d);
	for (i = 0; i < d->n_functions; i++) {
		const struct vpdoc_function *f = &d->functions[i];
		label = tool_asprintf("%s (%s:%" PRIu64 ")", f->name, f->file ? f->file : "?", f->line);
		key = tool_asprintf("%u\x1f%s", CAT_FUNCTIONS, x.fn[i]);
		failed = add(o, d, CAT_FUNCTIONS, side, key, f->calls, label) != 0;
		free(label);
		if (failed)
			goto out;
	}
	o->present[CAT_FUNCTIONS][side] = 1;
	sites = xcalloc(d->n_edges + 1, sizeof *sites);
	for (i = 0; i < d->n_edges; i++) {
		char *s = site_key(d, &d->edges[i]);
		sites[i].key = tool_asprintf("%s\x1d%s\x1d%s", x.fn[d->edges[i].caller],
		                         x.fn[d->edges[i].callee], s);
		sites[i].site = d->edges[i].site;
		sites[i].edge = i;
		free(s);
	}
	qsort(sites, d->n_edges, sizeof *sites, site_ref_order);
	for (i = 0; i < d->n_edges && !failed; i++) {
		rank = i && !strcmp(sites[i - 1].key, sites[i].key) ? rank + 1 : 0;
		key = tool_asprintf("%u\x1f%s\x1f%" PRIu64, CAT_EDGES, sites[i].key, rank);
		failed = add(o, d, CAT_EDGES, side, key, d->edges[sites[i].edge].count, NULL) != 0;
	}
	for (i = 0; i < d->n_edges; i++)
		free(sites[i].key);
	free(sites);
	if (failed)
		goto out;
	o->present[CAT_EDGES][side] = 1;
	if (!d->has_gcov) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < d->n_branches; i++) {
		char *lk = line_key(&x, d->branches[i].file, d->branches[i].line);
		for (k = 0; k < d->branches[i].n_outcomes; k++) {
			key = tool_asprintf("%u\x1f%s\x1f%zu", CAT_BRANCHES, lk, k);
			if (add(o, d, CAT_BRANCHES, side, key, d->branches[i].outcomes[k].count,
			        NULL) != 0) {
				free(lk);
				goto out;
			}
		}
		free(lk);
	}
	for (i = 0; i < d->n_lines; i++) {
		char *lk = line_key(&x, d->lines[i].file, d->lines[i].line);
		key = tool_asprintf("%u\x1f%s", CAT_LINES, lk);
		free(lk);
		if (add(o, d, CAT_LINES, side, key, d->lines[i].count, NULL) != 0)
			goto out;
	}
	o->present[CAT_BRANCHES][side] = o->present[CAT_LINES][side] = 1;
	rc = 0;
out:
	idx_free(&x);
	return rc;
}

/* One line when A and B are not the same build of the program (the
 * executable's build-id, or its path when neither has one), else nothing. */
static void say_builds(const struct vpdoc *a, const struct vpdoc *b)
{
	const struct vpdoc_module *x = a->n_modules ? &a->modules[0] : NULL,
	                          *y = b->n_modules ? &b->modules[0] : NULL;
	const char *bx, *by;

	if (!x || !y)
		return;
	bx = x->build_id ? x->build_id : "none";
	by = y->build_id ? y->build_id : "none";
	if (!strcmp(bx, by) && (x->build_id || !strcmp(x->path, y->path)))
		return;
	printf("  builds differ (executable build-id %s in A, %s in B): items matched by "
	       "function name and file, not address\n", bx, by);
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

static void report(struct overlap *o, const struct vpdoc *d, const char *a, const char *b,
                   size_t top)
{
	struct item *it, *tmp;
	long double ov[N_CATS] = {0};
	size_t n[N_CATS][2] = {{0}}, common[N_CATS] = {0}, nd = 0, i;
	struct diff *diffs;
	int c;

	diffs = xcalloc(HASH_COUNT(o->items) + 1, sizeof *diffs);
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
	printf("Profile overlap\n  A: %s\n  B: %s\n", a, b);
	say_builds(&d[0], &d[1]);
	printf("\n");
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
		if (load_document(argv[optind + side], gcno_dir, &d[side]) != 0)
			rc = TOOL_EXIT_ERROR;
	if (rc == TOOL_EXIT_OK && (add_doc(&o, &d[0], 0) != 0 || add_doc(&o, &d[1], 1) != 0))
		rc = TOOL_EXIT_ERROR;
	if (rc == TOOL_EXIT_OK) {
		report(&o, d, argv[optind], argv[optind + 1], top);
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
	document_free(&d[0]);
	document_free(&d[1]);
	return rc;
}
