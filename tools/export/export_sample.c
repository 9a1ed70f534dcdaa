/* SPDX-License-Identifier: MIT */
/*
 * export_sample.c - `vitprof export --format sample-profile`: the profile as
 * clang's sample-profile text (what `clang -fprofile-sample-use=FILE` and
 * `llvm-profdata merge --sample` read; docs/export-formats.md):
 *
 *     NAME:TOTAL:HEAD
 *      OFFSET: COUNT [CALLEE:COUNT ...]
 *
 * with exact counts instead of samples: HEAD is the function's entry count,
 * each OFFSET is a source line minus the line of the function's name (the
 * DISubprogram line clang measures from; DW_AT_decl_line in GCC's DWARF),
 * COUNT is the line's execution count (gcov's, from the arc counters when
 * the program had them; else the calls made on the line), and the CALLEEs
 * are the functions called from that line with their call counts (from
 * the hooks' call edges). TOTAL is the sum of the line counts.
 *
 * Functions are keyed by linkage name, as clang looks them up: GCC's clones
 * of one function (foo.constprop.0, foo.part.0, DWARF name foo) are one
 * function here; two static functions of one name in different files are
 * merged too (clang could not tell them apart), with a warning.
 *
 * The output is what `llvm-profdata merge --sample --text` writes for it:
 * functions by total descending, then name; lines by offset; callees by
 * count descending, then name.
 *
 * export_sample_profile() returns 0, -1 on a write error (not reported),
 * or -2 after reporting that no function qualified (nothing to write).
 */
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "base/tool.h"
#include "coverage/coverage.h"
#include "export/export.h"
#include "model/profile.h"

/* Offsets past this are dropped: clang masks them to 16 bits. */
#define SAMPLE_MAX_OFFSET 0xffffu

/* One source range that a function's lines were taken from. */
struct sample_range {
	const char *file;
	uint32_t start, end;        /* end 0: unknown (no coverage) */
};

/* A line count, or one call made from a line. */
struct sample_rec {
	uint32_t offset;
	const char *callee;         /* NULL: a line count */
	uint64_t site;              /* call site address (callee != NULL) */
	uint64_t count;
};

struct sample_fn {
	const char *name;           /* linkage name (key) */
	uint64_t head_calls;        /* sum of the hooks' calls */
	uint64_t head_entries;      /* sum of gcov entry counts, unmatched */
	int hooked;                 /* some copy was seen by the hooks */
	int has_lines;              /* some range gave coverage lines */
	struct sample_range *ranges;
	size_t n_ranges, cap_ranges;
	struct sample_rec *recs;
	size_t n_recs, cap_recs;
	struct sample_line *lines;  /* build_lines() */
	size_t n_lines;
	uint64_t total;             /* sum of the lines' counts */
	int overflow;               /* a sum passed COUNT_MAX: refused */
	UT_hash_handle hh;
};

/* *acc += v, or f->overflow set (and *acc kept) when past COUNT_MAX. */
static void fn_add(struct sample_fn *f, uint64_t *acc, uint64_t v)
{
	if (count_add(acc, v, 1, COUNT_MAX) != 0)
		f->overflow = 1;
}

/* One output line, aggregated. */
struct sample_line {
	uint32_t offset;
	uint64_t count;
	struct sample_rec *calls;   /* into sample_fn.recs, merged by callee */
	size_t n_calls;
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* A name clang could have: symbolized, not "lib.so+0xOFFSET". */
static int usable_name(const char *name)
{
	return name && *name && !strstr(name, "+0x") && !strchr(name, ' ') &&
	       !strchr(name, ':');
}

static struct sample_fn *fn_get(struct sample_fn **table, const char *name)
{
	struct sample_fn *f;

	HASH_FIND_STR(*table, name, f);
	if (f)
		return f;
	f = xcalloc(1, sizeof *f);
	f->name = name;
	HASH_ADD_KEYPTR(hh, *table, f->name, strlen(f->name), f);
	return f;
}

/* The range of f that (file, line) falls in, or NULL. */
static const struct sample_range *range_of(const struct sample_fn *f, const char *file,
                                           unsigned line)
{
	const struct sample_range *best = NULL;
	size_t i;

	if (!file)
		return NULL;
	for (i = 0; i < f->n_ranges; i++) {
		const struct sample_range *r = &f->ranges[i];
		if (line < r->start || (r->end && line > r->end) ||
		    strcmp(base_name(r->file), base_name(file)) != 0)
			continue;
		if (!best || r->start > best->start)   /* innermost start */
			best = r;
	}
	return best;
}

/* Adds (file, start, end) to f's ranges; returns 1 when it was new. A
 * known end replaces an unknown one. */
static int range_add(struct sample_fn *f, const char *file, uint32_t start, uint32_t end)
{
	size_t i;

	for (i = 0; i < f->n_ranges; i++) {
		struct sample_range *r = &f->ranges[i];
		if (r->start == start && strcmp(base_name(r->file), base_name(file)) == 0) {
			if (!r->end && end) {
				r->end = end;
				r->file = file;
				return 1;
			}
			return 0;
		}
	}
	if (f->n_ranges == f->cap_ranges) {
		f->cap_ranges = f->cap_ranges ? 2 * f->cap_ranges : 2;
		f->ranges = xreallocarray(f->ranges, f->cap_ranges, sizeof *f->ranges);
	}
	f->ranges[f->n_ranges].file = file;
	f->ranges[f->n_ranges].start = start;
	f->ranges[f->n_ranges].end = end;
	f->n_ranges++;
	return 1;
}

static void rec_add(struct sample_fn *f, uint32_t offset, const char *callee,
                    uint64_t site, uint64_t count)
{
	if (f->n_recs == f->cap_recs) {
		f->cap_recs = f->cap_recs ? 2 * f->cap_recs : 16;
		f->recs = xreallocarray(f->recs, f->cap_recs, sizeof *f->recs);
	}
	f->recs[f->n_recs].offset = offset;
	f->recs[f->n_recs].callee = callee;
	f->recs[f->n_recs].site = site;
	f->recs[f->n_recs].count = count;
	f->n_recs++;
}

/* Index of the first line of r at or after (file, line) (r->lines is
 * sorted by strcmp of file, then line). */
static size_t lines_lower_bound(const struct cov_report *r, const char *file, uint32_t line)
{
	size_t lo = 0, hi = r->n_lines;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(r->lines[mid].file, file);
		if (d < 0 || (d == 0 && r->lines[mid].line < line))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The coverage lines of cf as line records of f (once per source range). */
static void add_cov_lines(struct sample_fn *f, const struct cov_report *r,
                          const struct cov_function *cf)
{
	size_t i;

	if (!cf->file || !cf->start_line || cf->end_line < cf->start_line ||
	    !range_add(f, cf->file, cf->start_line, cf->end_line))
		return;
	for (i = lines_lower_bound(r, cf->file, cf->start_line); i < r->n_lines; i++) {
		const struct cov_line *l = &r->lines[i];
		if (strcmp(l->file, cf->file) != 0 || l->line > cf->end_line)
			break;
		if (l->line - cf->start_line > SAMPLE_MAX_OFFSET)
			break;
		rec_add(f, l->line - cf->start_line, NULL, 0, l->count);
		f->has_lines = 1;
	}
}

/* The function the call site of e is in, and the site's file and line:
 * the innermost inlined frame when the site is in inlined code. */
static struct sample_fn *edge_site(struct sample_fn **table, const struct profile *p,
                                   const struct prof_edge *e, const char **file,
                                   unsigned *line)
{
	struct sample_fn *f;
	const char *name;

	if (e->n_frames > 1) {
		name = e->frames[0].function;
		*file = e->frames[0].file;
		*line = e->frames[0].line;
	} else {
		name = p->functions[e->caller].linkage_name;
		*file = e->file;
		*line = e->line;
	}
	if (!usable_name(name) || !*file || !*line)
		return NULL;
	HASH_FIND_STR(*table, name, f);
	return f;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct sample_rec *x = a, *y = b;
	int c;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (!x->callee || !y->callee)    /* line counts first */
		return (x->callee != NULL) - (y->callee != NULL);
	c = strcmp(x->callee, y->callee);
	if (c)
		return c;
	return x->site < y->site ? -1 : x->site > y->site;
}

/* Callees by count descending, then name (llvm's order). */
static int cmp_call(const void *a, const void *b)
{
	const struct sample_rec *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->callee, y->callee);
}

static int cmp_site(const void *a, const void *b)
{
	const struct sample_rec *x = a, *y = b;

	return x->site < y->site ? -1 : x->site > y->site;
}

/*
 * Aggregates f's records into f->lines (calls merged by callee and sorted;
 * recs are reordered and merged in place, so once only) and sets f->total.
 * A line's count is its coverage count when f has coverage lines, else the
 * largest number of calls made from one call site of the line (and, at
 * offset 0, at least the entry count).
 */
static void build_lines(struct sample_fn *f)
{
	struct sample_line *ls = NULL;
	size_t n = 0, i = 0, j, k, w;

	qsort(f->recs, f->n_recs, sizeof *f->recs, cmp_rec);
	f->total = 0;
	if (f->n_recs)
		ls = xcalloc(f->n_recs, sizeof *ls);
	while (i < f->n_recs) {
		struct sample_line *l = &ls[n++];
		uint64_t cov = 0, site_max = 0;
		int has_cov = 0;

		l->offset = f->recs[i].offset;
		for (j = i; j < f->n_recs && f->recs[j].offset == l->offset && !f->recs[j].callee; j++) {
			fn_add(f, &cov, f->recs[j].count);
			has_cov = 1;
		}
		l->calls = &f->recs[j];
		/* The calls of the line, recs[j..k): by site first, for the
		 * busiest site; then by callee, merged over sites. */
		for (k = j; k < f->n_recs && f->recs[k].offset == l->offset; k++)
			;
		qsort(&f->recs[j], k - j, sizeof *f->recs, cmp_site);
		for (w = j; w < k;) {
			uint64_t s = 0;
			size_t v = w;
			while (v < k && f->recs[v].site == f->recs[w].site)
				fn_add(f, &s, f->recs[v++].count);
			if (s > site_max)
				site_max = s;
			w = v;
		}
		qsort(&f->recs[j], k - j, sizeof *f->recs, cmp_rec);
		for (w = j, l->n_calls = 0; w < k; w++) {
			struct sample_rec *c = &l->calls[l->n_calls];
			if (l->n_calls && strcmp(c[-1].callee, f->recs[w].callee) == 0) {
				fn_add(f, &c[-1].count, f->recs[w].count);
				continue;
			}
			*c = f->recs[w];
			l->n_calls++;
		}
		qsort(l->calls, l->n_calls, sizeof *l->calls, cmp_call);
		if (f->has_lines)
			l->count = has_cov ? cov : site_max;
		else
			l->count = cov > site_max ? cov : site_max;
		fn_add(f, &f->total, l->count);
		i = k;
	}
	f->lines = ls;
	f->n_lines = n;
}

static int cmp_fn(const void *a, const void *b)
{
	const struct sample_fn *x = *(struct sample_fn *const *)a;
	const struct sample_fn *y = *(struct sample_fn *const *)b;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int write_fn(FILE *out, const struct sample_fn *f)
{
	const struct sample_line *ls = f->lines;
	size_t i, k;

	if (fprintf(out, "%s:%llu:%llu\n", f->name, (unsigned long long)f->total,
	            (unsigned long long)(f->hooked ? f->head_calls : f->head_entries)) < 0)
		return -1;
	for (i = 0; i < f->n_lines; i++) {
		if (fprintf(out, " %u: %llu", ls[i].offset, (unsigned long long)ls[i].count) < 0)
			return -1;
		for (k = 0; k < ls[i].n_calls; k++)
			if (fprintf(out, " %s:%llu", ls[i].calls[k].callee,
			            (unsigned long long)ls[i].calls[k].count) < 0)
				return -1;
		if (putc('\n', out) == EOF)
			return -1;
	}
	return 0;
}

/* The range of f that starts elsewhere than its first one (a distinct
 * function of the same name), or NULL. */
static const struct sample_range *other_range(const struct sample_fn *f)
{
	size_t i;

	for (i = 1; i < f->n_ranges; i++)
		if (f->ranges[i].start != f->ranges[0].start ||
		    strcmp(base_name(f->ranges[i].file), base_name(f->ranges[0].file)) != 0)
			return &f->ranges[i];
	return NULL;
}

/* One warning for all the names shared by distinct functions (static
 * functions of one name in several files), naming the first. */
static void warn_same_names(struct sample_fn *const *fns, size_t n)
{
	const struct sample_fn *first = NULL;
	const struct sample_range *r = NULL;
	size_t i, count = 0;

	for (i = 0; i < n; i++) {
		const struct sample_range *o = other_range(fns[i]);
		if (o && !count++) {
			first = fns[i];
			r = o;
		}
	}
	if (count)
		tool_warn(NULL, "sample-profile: %zu name(s) shared by distinct functions, their"
		          " counts merged (clang looks functions up by name): '%s' in %s:%u"
		          " and %s:%u%s", count, first->name, first->ranges[0].file,
		          first->ranges[0].start, r->file, r->start, count > 1 ? ", ..." : "");
}

int export_sample_profile(FILE *out, const struct profile *p, struct coverage *cov)
{
	struct sample_fn *table = NULL, *f, *tmp, **order;
	const struct cov_report *r = cov && cov->n_used ? &cov->report : NULL;
	size_t i, n;
	int rc = 0;

	/* Functions the hooks saw: entry counts, and their source start. */
	for (i = 0; i < p->n_functions; i++) {
		const struct prof_function *pf = &p->functions[i];
		if (!pf->instrumented || !usable_name(pf->linkage_name) || !pf->file ||
		    !pf->line)
			continue;
		f = fn_get(&table, pf->linkage_name);
		f->hooked = 1;
		fn_add(f, &f->head_calls, pf->calls);
		range_add(f, pf->file, pf->line, 0);
	}
	/* Functions the arc counters saw: lines, and entry counts of those
	 * the hooks did not see (an arcs-only build). */
	for (i = 0; r && i < r->n_functions; i++) {
		const struct cov_function *cf = &r->functions[i];
		if (!usable_name(cf->name))
			continue;
		HASH_FIND_STR(table, cf->name, f);
		if (!f && !cf->entry_count)
			continue;               /* never ran */
		if (!f)
			f = fn_get(&table, cf->name);
		fn_add(f, &f->head_entries, cf->entry_count);
		add_cov_lines(f, r, cf);
	}
	/* Calls, at their call site's line. */
	for (i = 0; i < p->n_edges; i++) {
		const struct prof_edge *e = &p->edges[i];
		const struct prof_function *callee = &p->functions[e->callee];
		const struct sample_range *rg;
		const char *file;
		unsigned line;

		if (!e->count || !usable_name(callee->linkage_name))
			continue;
		f = edge_site(&table, p, e, &file, &line);
		if (!f || !(rg = range_of(f, file, line)) || line - rg->start > SAMPLE_MAX_OFFSET)
			continue;
		rec_add(f, line - rg->start, callee->linkage_name, e->site, e->count);
	}

	order = xcalloc(HASH_COUNT(table), sizeof *order);
	n = 0;
	HASH_ITER(hh, table, f, tmp) {
		uint64_t head = f->hooked ? f->head_calls : f->head_entries;
		if (!f->has_lines && head)      /* entry count on the name's line */
			rec_add(f, 0, NULL, 0, head);
		build_lines(f);
		if (f->overflow && rc == 0) {
			tool_error(p->raw->file, "sample-profile: count overflow: the counts of"
			           " function %s sum past 2^64-1", f->name);
			rc = -2;
		}
		if (f->total || head)           /* else it never ran */
			order[n++] = f;
	}
	qsort(order, n, sizeof *order, cmp_fn);
	warn_same_names(order, n);
	for (i = 0; i < n && rc == 0; i++)
		rc = write_fn(out, order[i]);
	if (!n && rc == 0) {
		tool_error(NULL, "sample-profile: no function that ran has a source line"
		           " (build with -g and `vitprof flags --compile`)");
		rc = -2;
	}
	HASH_ITER(hh, table, f, tmp) {
		HASH_DEL(table, f);
		free(f->lines);
		free(f->ranges);
		free(f->recs);
		free(f);
	}
	free(order);
	return rc;
}
