/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c - `vitprof report FILE.vitraw [-n N] [--sort calls|self|total]
 * [--flat-only] [--color=auto|always|never]`: a gprof-style text report.
 *
 * First the flat profile: one line per instrumented function, hottest first
 * by the sort key, with its share of the total (self time in time mode,
 * calls otherwise), calls and, in time mode, self and total time and both
 * per call. Then the call graph: for each of the same functions an entry
 * numbered [n], its callers above the function's own line and its callees
 * below, one line per call site (edge) with the count and, in time mode,
 * the self and total time spent in the callee through that site; a call
 * site is file:line:column when the line table has columns, so two calls
 * on one line are told apart. A call of
 * a function to itself is listed once, among the callees, as "(recursive)".
 * Headings are bold and underlined only when colour is on (--color=always,
 * or auto, stdout a terminal and NO_COLOR unset; tool_text.c); otherwise
 * the output is plain text. Strings from the files are printed escaped.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tool.h"
#include "cli/commands.h"
#include "model/profile.h"
#include "read/raw_profile.h"
#include "tool_internal.h"

#define DEFAULT_ROWS 30
#define MAX_NAME_WIDTH 50
#define LOC_MAX 4096

static const char usage[] =
	"usage: vitprof report FILE.vitraw [-n N] [--sort calls|self|total]\n"
	"                      [--flat-only] [--color=auto|always|never]\n"
	"  Prints a gprof-style report: the flat profile, then the call graph of\n"
	"  the hottest functions (callers above, callees below, per call site).\n"
	"  -n, --top N        report the first N functions (default 30, 0: all)\n"
	"  -s, --sort KEY     calls, self or total (default: self in time mode,\n"
	"                     calls otherwise; self and total need time mode)\n"
	"  -F, --flat-only    the flat profile only (also --no-callgraph)\n"
	"  --color WHEN       bold/underlined headings: auto (when stdout is a\n"
	"                     terminal and NO_COLOR is not set, the default),\n"
	"                     always or never\n";

enum sort_key { SORT_DEFAULT, SORT_CALLS, SORT_SELF, SORT_TOTAL };

struct report {
	const struct profile *p;
	enum sort_key key;
	int color;
	uint32_t *rows;             /* instrumented function ids, sorted */
	size_t n_rows;              /* all of them */
	size_t n_shown;             /* the first n_shown are reported */
	uint32_t *index;            /* function id -> [n], 0: not reported */
	uint32_t *in_edges;         /* edge ids by (callee, count desc) */
	size_t *in_start;           /* in_edges of f: [in_start[f], in_start[f+1]) */
	uint32_t *out_edges;        /* edge ids by (caller, count desc) */
	size_t *out_start;
	int name_width;             /* flat profile */
	int graph_width;            /* call graph name column */
	int count_width;
};

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

/* Descending by the sort key, then by the other measures, then by id (the
 * order of `vitprof show`). */
static int row_order(const void *a, const void *b, void *arg)
{
	const struct report *r = arg;
	const struct prof_function *x = &r->p->functions[*(const uint32_t *)a];
	const struct prof_function *y = &r->p->functions[*(const uint32_t *)b];
	int c = 0;

	if (r->key == SORT_SELF)
		c = cmp_u64_desc(x->self_ns, y->self_ns);
	else if (r->key == SORT_TOTAL)
		c = cmp_u64_desc(x->total_ns, y->total_ns);
	if (!c)
		c = cmp_u64_desc(x->calls, y->calls);
	if (!c && r->p->timed)
		c = cmp_u64_desc(x->self_ns, y->self_ns);
	if (!c)
		c = x->id < y->id ? -1 : x->id > y->id;
	return c;
}

/* Edge ids grouped by one end (callee when by_callee, else caller), each
 * group by count descending, then by time, then by id. */
struct edge_order_ctx {
	const struct profile *p;
	int by_callee;
};

static int edge_order(const void *a, const void *b, void *arg)
{
	const struct edge_order_ctx *c = arg;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	const struct prof_edge *x = &c->p->edges[ia], *y = &c->p->edges[ib];
	uint32_t kx = c->by_callee ? x->callee : x->caller;
	uint32_t ky = c->by_callee ? y->callee : y->caller;
	int r;

	if (kx != ky)
		return kx < ky ? -1 : 1;
	r = cmp_u64_desc(x->count, y->count);
	if (!r)
		r = cmp_u64_desc(x->total_ns, y->total_ns);
	if (!r)
		r = ia < ib ? -1 : ia > ib;
	return r;
}

/* Fills ids (n_edges) and start (n_functions + 1) with the edges grouped
 * by one end. */
static void edge_groups(const struct profile *p, int by_callee, uint32_t *ids, size_t *start)
{
	struct edge_order_ctx c = {p, by_callee};
	size_t i, f = 0;

	for (i = 0; i < p->n_edges; i++)
		ids[i] = (uint32_t)i;
	qsort_r(ids, p->n_edges, sizeof *ids, edge_order, &c);
	for (i = 0; i < p->n_edges; i++) {
		uint32_t k = by_callee ? p->edges[ids[i]].callee : p->edges[ids[i]].caller;
		while (f <= k)
			start[f++] = i;
	}
	while (f <= p->n_functions)
		start[f++] = p->n_edges;
}

static void heading_on(const struct report *r)
{
	if (r->color)
		fputs("\033[1m", stdout);
}

static void column_heads_on(const struct report *r)
{
	if (r->color)
		fputs("\033[4m", stdout);
}

static void attr_off(const struct report *r)
{
	if (r->color)
		fputs("\033[0m", stdout);
}

/* "file:line", "file" or "??" into buf. */
static const char *location(char *buf, size_t size, const char *file, unsigned line)
{
	if (!file)
		snprintf(buf, size, "??");
	else if (line)
		snprintf(buf, size, "%s:%u", tool_text(file), line);
	else
		snprintf(buf, size, "%s", tool_text(file));
	return buf;
}

/* A function's definition: location(), or "(scope)" for a scope
 * (vitprof_scope_begin: no code of its own). */
static const char *fn_location(char *buf, size_t size, const struct prof_function *f)
{
	if (f->scope) {
		snprintf(buf, size, "(scope)");
		return buf;
	}
	return location(buf, size, f->file, f->line);
}

/* A call site: "file:line:column" (column from the line table: two calls
 * on one line differ there), "file:line", "file" or "??" into buf. */
static const char *site_location(char *buf, size_t size, const struct prof_edge *e)
{
	if (e->file && e->line && e->column)
		snprintf(buf, size, "%s:%u:%u", tool_text(e->file), e->line, e->column);
	else
		location(buf, size, e->file, e->line);
	return buf;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static double per_call_us(uint64_t ns, uint64_t calls)
{
	return calls ? (double)ns / (double)calls / 1e3 : 0.0;
}

static int digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static int clamp_width(size_t len, int width)
{
	int w = len > MAX_NAME_WIDTH ? MAX_NAME_WIDTH : (int)len;

	return w > width ? w : width;
}

/* Column widths of both parts. */
static void measure(struct report *r)
{
	const struct profile *p = r->p;
	size_t i, k;

	r->name_width = (int)strlen("function");
	r->graph_width = (int)strlen("name") + 4;
	r->count_width = (int)strlen("calls");
	for (i = 0; i < r->n_shown; i++) {
		uint32_t f = r->rows[i];
		const struct prof_function *fn = &p->functions[f];
		/* "name [n]" in the entry's own line, index digits included */
		size_t own = strlen(tool_text(fn->name)) + 3 + (size_t)digits(r->index[f]);

		r->name_width = clamp_width(strlen(tool_text(fn->name)), r->name_width);
		r->graph_width = clamp_width(own, r->graph_width);
		if (digits(fn->calls) > r->count_width)
			r->count_width = digits(fn->calls);
		for (k = r->in_start[f]; k < r->in_start[f + 1]; k++) {
			const struct prof_edge *e = &p->edges[r->in_edges[k]];
			const struct prof_function *c = &p->functions[e->caller];
			size_t len = 4 + strlen(tool_text(c->name)) +
			             (r->index[c->id] ? 3 + (size_t)digits(r->index[c->id]) : 0);
			r->graph_width = clamp_width(len, r->graph_width);
			if (digits(e->count) > r->count_width)
				r->count_width = digits(e->count);
		}
		for (k = r->out_start[f]; k < r->out_start[f + 1]; k++) {
			const struct prof_edge *e = &p->edges[r->out_edges[k]];
			const struct prof_function *c = &p->functions[e->callee];
			size_t len = 4 + strlen(tool_text(c->name)) +
			             (e->callee == f ? strlen(" (recursive)")
			              : r->index[c->id] ? 3 + (size_t)digits(r->index[c->id]) : 0);
			r->graph_width = clamp_width(len, r->graph_width);
			if (digits(e->count) > r->count_width)
				r->count_width = digits(e->count);
		}
	}
}

static void print_header(const struct report *r)
{
	const struct raw_profile *raw = r->p->raw;

	heading_on(r);
	printf("vitprof report: %s", raw->exe_path[0] ? tool_text(raw->exe_path) : "(unknown)");
	attr_off(r);
	printf("\npid %" PRId64 "%s, %s, %s mode, %" PRIu64 " thread%s",
	       raw->pid, raw->flags & VPR_FLAG_FORK_CHILD ? " (fork child)" : "",
	       raw_state_name(raw->state), raw_mode_name(raw->mode), raw->n_threads,
	       tool_s(raw->n_threads));
	if (raw->lost_calls)
		printf(", %" PRIu64 " lost call%s", raw->lost_calls, tool_s(raw->lost_calls));
	putchar('\n');
	print_profile_notes(raw);
}

static void print_flat(const struct report *r)
{
	const struct profile *p = r->p;
	uint64_t sum = 0;
	size_t i;
	char loc[LOC_MAX];
	int cw = r->count_width > 10 ? r->count_width : 10;

	for (i = 0; i < r->n_rows; i++) {
		const struct prof_function *f = &p->functions[r->rows[i]];
		sum += p->timed ? f->self_ns : f->calls;
	}
	heading_on(r);
	printf("\nFlat profile, sorted by %s",
	       r->key == SORT_SELF ? "self time" : r->key == SORT_TOTAL ? "total time"
	                                                                : "calls");
	attr_off(r);
	if (r->n_shown < r->n_rows)
		printf(" (top %zu of %zu function%s)", r->n_shown, r->n_rows, tool_s(r->n_rows));
	printf(":\n\n");
	column_heads_on(r);
	if (p->timed)
		printf("%7s %*s %11s %11s %13s %13s  %-*s  %s", "% self", cw, "calls",
		       "self ms", "total ms", "self us/call", "total us/call",
		       r->name_width, "function", "file:line");
	else
		printf("%7s %*s  %-*s  %s", "% calls", cw, "calls", r->name_width, "function",
		       "file:line");
	attr_off(r);
	putchar('\n');
	for (i = 0; i < r->n_shown; i++) {
		const struct prof_function *f = &p->functions[r->rows[i]];
		uint64_t part = p->timed ? f->self_ns : f->calls;
		double pct = sum ? 100.0 * (double)part / (double)sum : 0.0;

		if (p->timed)
			printf("%7.2f %*" PRIu64 " %11.3f %11.3f %13.3f %13.3f  %-*s  %s\n", pct, cw,
			       f->calls, ms(f->self_ns), ms(f->total_ns),
			       per_call_us(f->self_ns, f->calls), per_call_us(f->total_ns, f->calls),
			       r->name_width, tool_text(f->name),
			       fn_location(loc, sizeof loc, f));
		else
			printf("%7.2f %*" PRIu64 "  %-*s  %s\n", pct, cw, f->calls, r->name_width,
			       tool_text(f->name), fn_location(loc, sizeof loc, f));
	}
	if (r->n_shown < r->n_rows)
		printf("(%zu more function%s; -n 0 shows all)\n", r->n_rows - r->n_shown,
		       tool_s(r->n_rows - r->n_shown));
}

/* One caller or callee line of an entry: count, times, indented name with
 * its [n] (or "(recursive)"), the call site. */
static void print_edge_line(const struct report *r, const struct prof_edge *e,
                            uint32_t other, int recursive)
{
	const struct profile *p = r->p;
	const struct prof_function *o = &p->functions[other];
	char name[LOC_MAX + 32], loc[LOC_MAX];

	if (recursive)
		snprintf(name, sizeof name, "    %s (recursive)", tool_text(o->name));
	else if (r->index[other])
		snprintf(name, sizeof name, "    %s [%" PRIu32 "]", tool_text(o->name),
		         r->index[other]);
	else
		snprintf(name, sizeof name, "    %s", tool_text(o->name));
	printf("%6s %*" PRIu64, "", r->count_width, e->count);
	if (p->timed)
		printf(" %11.3f %11.3f", ms(e->self_ns), ms(e->total_ns));
	printf("  %-*s  %s\n", r->graph_width, name, site_location(loc, sizeof loc, e));
}

static void print_graph(const struct report *r)
{
	const struct profile *p = r->p;
	size_t i, k;
	char name[LOC_MAX + 32], loc[LOC_MAX], idx[24];

	heading_on(r);
	printf("\nCall graph");
	attr_off(r);
	printf(" (callers above each function, callees below; one line per call site;\n"
	       "counts are calls through the site%s):\n\n",
	       p->timed ? ", times those spent in the callee through it" : "");
	column_heads_on(r);
	printf("%-6s %*s", "index", r->count_width, "calls");
	if (p->timed)
		printf(" %11s %11s", "self ms", "total ms");
	printf("  %-*s  %s", r->graph_width, "name", "call site / definition");
	attr_off(r);
	putchar('\n');
	for (i = 0; i < r->n_shown; i++) {
		uint32_t f = r->rows[i];
		const struct prof_function *fn = &p->functions[f];

		if (i)
			puts("-----");
		for (k = r->in_start[f]; k < r->in_start[f + 1]; k++) {
			const struct prof_edge *e = &p->edges[r->in_edges[k]];
			if (e->caller != f)
				print_edge_line(r, e, e->caller, 0);
		}
		snprintf(idx, sizeof idx, "[%" PRIu32 "]", r->index[f]);
		snprintf(name, sizeof name, "%s [%" PRIu32 "]", tool_text(fn->name), r->index[f]);
		printf("%-6s %*" PRIu64, idx, r->count_width, fn->calls);
		if (p->timed)
			printf(" %11.3f %11.3f", ms(fn->self_ns), ms(fn->total_ns));
		printf("  %-*s  %s\n", r->graph_width, name,
		       fn_location(loc, sizeof loc, fn));
		for (k = r->out_start[f]; k < r->out_start[f + 1]; k++) {
			const struct prof_edge *e = &p->edges[r->out_edges[k]];
			print_edge_line(r, e, e->callee, e->callee == f);
		}
	}
}

/* Parses -n's argument: a decimal count. Returns 0 or -1. */
static int parse_count(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end || v > SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* Builds the row order, indexes and edge groups of p into r (freed with
 * report_free()). */
static void report_build(struct report *r, const struct profile *p, size_t top)
{
	size_t i;

	r->p = p;
	if (r->key == SORT_DEFAULT)
		r->key = p->timed ? SORT_SELF : SORT_CALLS;
	r->rows = xcalloc(p->n_functions, sizeof *r->rows);
	for (i = 0; i < p->n_functions; i++)
		if (p->functions[i].instrumented)
			r->rows[r->n_rows++] = (uint32_t)i;
	qsort_r(r->rows, r->n_rows, sizeof *r->rows, row_order, r);
	r->n_shown = top && top < r->n_rows ? top : r->n_rows;
	r->index = xcalloc(p->n_functions, sizeof *r->index);
	for (i = 0; i < r->n_shown; i++)
		r->index[r->rows[i]] = (uint32_t)(i + 1);
	r->in_edges = xcalloc(p->n_edges, sizeof *r->in_edges);
	r->out_edges = xcalloc(p->n_edges, sizeof *r->out_edges);
	r->in_start = xcalloc(p->n_functions + 1, sizeof *r->in_start);
	r->out_start = xcalloc(p->n_functions + 1, sizeof *r->out_start);
	edge_groups(p, 1, r->in_edges, r->in_start);
	edge_groups(p, 0, r->out_edges, r->out_start);
	measure(r);
}

static void report_free(struct report *r)
{
	free(r->rows);
	free(r->index);
	free(r->in_edges);
	free(r->out_edges);
	free(r->in_start);
	free(r->out_start);
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"top", required_argument, NULL, 'n'},
		{"sort", required_argument, NULL, 's'},
		{"flat-only", no_argument, NULL, 'F'},
		{"no-callgraph", no_argument, NULL, 'F'},
		{"color", required_argument, NULL, 'c'},
		{"colour", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct raw_profile raw;
	struct profile prof;
	struct report r;
	size_t top = DEFAULT_ROWS;
	int c, flat_only = 0, color = TOOL_COLOR_AUTO;
	int rc = TOOL_EXIT_OK;

	memset(&r, 0, sizeof r);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:s:Fh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_count(optarg, &top) != 0) {
				tool_error(NULL, "report: -n wants a number of functions, not '%s'",
				           optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 's':
			if (strcmp(optarg, "calls") == 0)
				r.key = SORT_CALLS;
			else if (strcmp(optarg, "self") == 0)
				r.key = SORT_SELF;
			else if (strcmp(optarg, "total") == 0)
				r.key = SORT_TOTAL;
			else {
				tool_error(NULL, "report: --sort wants calls, self or total, not '%s'",
				           optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'F':
			flat_only = 1;
			break;
		case 'c':
			if (tool_color_parse(optarg, &color) != 0) {
				tool_error(NULL, "report: --color wants auto, always or never, not '%s'",
				           optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_usage_error("report", usage, "bad option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1) {
		return tool_usage_error("report", usage, "%s",
		                        argc - optind ? "one raw profile at a time"
		                                      : "which raw profile?");
	}
	r.color = tool_color_enabled(color);
	if (load_profile(argv[optind], 0, &raw, &prof) != 0) {
		rc = TOOL_EXIT_ERROR;
		goto out;
	}
	profile_check_exe_path(&raw);
	if ((r.key == SORT_SELF || r.key == SORT_TOTAL) && !prof.timed) {
		tool_error(argv[optind], "--sort %s needs a time-mode profile with times",
		           r.key == SORT_SELF ? "self" : "total");
		rc = TOOL_EXIT_USAGE;
		goto out;
	}
	report_build(&r, &prof, top);
	print_header(&r);
	print_flat(&r);
	if (!flat_only && r.n_shown)
		print_graph(&r);
	report_free(&r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_error("<stdout>", "write error");
		rc = TOOL_EXIT_ERROR;
	}
out:
	profile_free(&prof);
	raw_profile_free(&raw);
	return rc;
}
