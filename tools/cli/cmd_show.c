/* SPDX-License-Identifier: MIT */
/*
 * cmd_show.c - `vitprof show FILE.vitraw [-n N] [--sort calls|self|total]
 * [--branches] [--loops] [--color=WHEN]`: the flat profile as text, like
 * gprof's: a totals line (calls into how many functions, and the self time
 * in time mode), then one line per instrumented function with its calls,
 * its share of the total (calls; self time in time mode), in time mode its
 * self and total time, hottest first, then its definition's file:line.
 * Strings from the files are printed escaped (tool_text.c). With
 * --branches or --loops, the hottest branches or loops instead
 * (show_coverage.c), from the arc counters.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "cli/commands.h"
#include "coverage/coverage.h"
#include "model/profile.h"
#include "model/value_sites.h"
#include "read/raw_profile.h"
#include "tool_internal.h"

#define DEFAULT_ROWS 30
#define MAX_NAME_WIDTH 40

static const char usage[] =
	"usage: vitprof show FILE.vitraw [-n N] [--sort calls|self|total]\n"
	"                    [--branches] [--loops] [--values] [--gcno-dir DIR]\n"
	"                    [--color=auto|always|never]\n"
	"  Prints the flat profile: calls per function (and self and total time\n"
	"  in time mode), hottest first.\n"
	"  -n, --top N       show the first N rows (default 30, 0: all);\n"
	"      --limit N     the same\n"
	"  -s, --sort KEY    calls, self or total (default: self in time mode,\n"
	"                    calls otherwise; self and total need time mode)\n"
	"  -b, --branches    the hottest branches and their bias instead\n"
	"  -l, --loops       the hottest loops and their trips per entry instead\n"
	"  -V, --values      -fprofile-generate's value profiles instead: the\n"
	"                    hottest indirect call sites with their targets, and\n"
	"                    the sites where one value dominates (divisors, sizes)\n"
	"  --gcno-dir DIR    where the .gcno files are (default: beside each\n"
	"                    object's recorded .gcda path)\n"
	"  --color WHEN      underlined column heads: auto (when stdout is a\n"
	"                    terminal and NO_COLOR is not set, the default),\n"
	"                    always or never\n";

/* Column heads underlined when colour is on (--color). */
struct show_color {
	const char *on, *off;
};

enum sort_key { SORT_DEFAULT, SORT_CALLS, SORT_SELF, SORT_TOTAL };

struct sort_ctx {
	const struct profile *p;
	enum sort_key key;
};

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

/* Descending by the sort key, then by the other measures, then by id. */
static int row_order(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	const struct prof_function *x = &c->p->functions[*(const uint32_t *)a];
	const struct prof_function *y = &c->p->functions[*(const uint32_t *)b];
	int r = 0;

	switch (c->key) {
	case SORT_SELF:
		r = cmp_u64_desc(x->self_ns, y->self_ns);
		break;
	case SORT_TOTAL:
		r = cmp_u64_desc(x->total_ns, y->total_ns);
		break;
	default:
		break;
	}
	if (!r)
		r = cmp_u64_desc(x->calls, y->calls);
	if (!r && c->p->timed)
		r = cmp_u64_desc(x->self_ns, y->self_ns);
	if (!r)
		r = x->id < y->id ? -1 : x->id > y->id;
	return r;
}

/* Trace mode: what the timeline lacks (lost events, calls counted but not
 * recorded on it); the counts and times shown are the timeline's. */
static void print_trace_notes(const struct raw_profile *raw)
{
	const struct raw_trace *tr = raw->trace;
	uint64_t lost = 0, counted = 0, seen = 0;
	size_t i, k;

	/* the header's count is the sum of the threads' (unless the program
	 * died before adding the last ones) */
	for (i = 0; i < tr->n_tables; i++) {
		if (count_add(&lost, tr->tables[i].lost_events, 1, COUNT_MAX) != 0)
			lost = COUNT_MAX;
		for (k = 0; k < tr->tables[i].n_ids; k++)
			if (count_add(&counted, tr->tables[i].ids[k].count, 1, COUNT_MAX) != 0)
				counted = COUNT_MAX;
	}
	if (tr->lost_events > lost)
		lost = tr->lost_events;
	if (tr->aggregated)
		for (i = 0; i < raw->n_edges; i++)
			seen += raw->edges[i].count;
	if (lost)
		printf("note: %" PRIu64 " trace events could not be recorded (VITPROF_TRACE_MAX"
		       " reached or no room in the file); the timeline misses them\n", lost);
	if (tr->aggregated && counted > seen)
		printf("note: %" PRIu64 " of %" PRIu64 " calls counted are not on the timeline"
		       " (filtered at record time, tracing stopped or events lost): calls and"
		       " times here are the timeline's\n", counted - seen, counted);
}

void print_profile_notes(const struct raw_profile *raw)
{
	if (raw->state == VPR_STATE_RUNNING)
		printf("note: the program was still running or died without exiting;"
		       " counts are those written so far\n");
	if ((raw->mode == VPR_MODE_TIME || raw->mode == VPR_MODE_TRACE) && !raw->time_available)
		printf("note: times unavailable: %s\n", raw->time_note ? raw->time_note : "no clock");
	if (raw->lost_frames)
		printf("note: %" PRIu64 " returns could not be timed (lost frames)\n",
		       raw->lost_frames);
	if (raw->lost_sections)
		printf("note: %" PRIu64 " sections (count tables, module records or arc"
		       " counters) could not be put in the file; what they held is missing\n",
		       raw->lost_sections);
	if (raw->trace)
		print_trace_notes(raw);
	if (raw->lost_values)
		printf("note: %" PRIu64 " value-profile entries (topn and indirect-call values)"
		       " found the value arena full (VITPROF_VALUES_MAX) and are lost\n",
		       raw->lost_values);
}

static void print_header(const struct profile *p)
{
	const struct raw_profile *raw = p->raw;

	printf("program %s, pid %" PRId64 "%s, %s, %s mode, %" PRIu64 " thread%s",
	       raw->exe_path[0] ? tool_text(raw->exe_path) : "(unknown)", raw->pid,
	       raw->flags & VPR_FLAG_FORK_CHILD ? " (fork child)" : "",
	       raw_state_name(raw->state), raw_mode_name(raw->mode), raw->n_threads,
	       tool_s(raw->n_threads));
	if (raw->lost_calls)
		printf(", %" PRIu64 " lost call%s", raw->lost_calls, tool_s(raw->lost_calls));
	putchar('\n');
	print_profile_notes(raw);
	if (raw->n_gcov) {
		size_t i, in_place = 0;
		for (i = 0; i < raw->n_gcov; i++)
			in_place += raw->gcov[i].arcs_mode == VPR_ARCS_IN_PLACE;
		printf("arc counters: %zu object%s (%zu mapped in place, %zu copied at exit);"
		       " see --branches and --loops\n", raw->n_gcov, raw->n_gcov == 1 ? "" : "s",
		       in_place, raw->n_gcov - in_place);
	}
}

static void print_location(const struct prof_function *f)
{
	if (f->scope)
		fputs("(scope)", stdout);
	else if (!f->file)
		fputs("??", stdout);
	else if (f->line)
		printf("%s:%u", tool_text(f->file), f->line);
	else
		fputs(tool_text(f->file), stdout);
}

/* The totals line: calls (and self time) over every instrumented function
 * (rows[0, n)), the denominators of the share column. */
static void print_totals(const struct profile *p, const uint32_t *rows, size_t n,
                         uint64_t *calls, uint64_t *self_ns)
{
	size_t i;

	*calls = *self_ns = 0;
	for (i = 0; i < n; i++) {
		*calls += p->functions[rows[i]].calls;
		*self_ns += p->functions[rows[i]].self_ns;
	}
	printf("total: %" PRIu64 " call%s into %zu function%s", *calls, tool_s(*calls), n,
	       tool_s(n));
	if (p->timed)
		printf(", %.3f ms of self time", (double)*self_ns / 1e6);
	putchar('\n');
}

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* Prints the table of the first n_shown of rows (function ids, n in all). */
static void print_rows(const struct profile *p, const struct show_color *col,
                       const uint32_t *rows, size_t n_shown, size_t n)
{
	int width = (int)strlen("function");
	uint64_t calls, self_ns;
	size_t i;

	print_totals(p, rows, n, &calls, &self_ns);
	for (i = 0; i < n_shown; i++) {
		int len = (int)strlen(tool_text(p->functions[rows[i]].name));
		if (len > width)
			width = len > MAX_NAME_WIDTH ? MAX_NAME_WIDTH : len;
	}
	fputs(col->on, stdout);
	if (p->timed)
		printf("%14s %7s %11s %11s %13s  %-*s  %s", "calls", "% self", "self ms",
		       "total ms", "self/call us", width, "function", "file:line");
	else
		printf("%14s  %7s  %-*s  %s", "calls", "% calls", width, "function", "file:line");
	fputs(col->off, stdout);
	putchar('\n');
	for (i = 0; i < n_shown; i++) {
		const struct prof_function *f = &p->functions[rows[i]];
		if (p->timed)
			printf("%14" PRIu64 " %7.2f %11.3f %11.3f %13.3f  %-*s  ", f->calls,
			       share(f->self_ns, self_ns), (double)f->self_ns / 1e6,
			       (double)f->total_ns / 1e6,
			       f->calls ? (double)f->self_ns / (double)f->calls / 1e3 : 0.0,
			       width, tool_text(f->name));
		else
			printf("%14" PRIu64 "  %7.2f  %-*s  ", f->calls, share(f->calls, calls), width,
			       tool_text(f->name));
		print_location(f);
		putchar('\n');
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

/* --branches / --loops: the header, then the requested reports. Frees raw
 * and prof. Returns the exit code. */
static int show_coverage_reports(struct raw_profile *raw, struct profile *prof,
                                 const char *gcno_dir, int branches, int loops,
                                 int values, size_t top)
{
	struct vpdoc_value_site *sites = NULL;
	size_t n_sites = 0;
	struct coverage cov;
	int rc = TOOL_EXIT_ERROR;

	if (!raw->n_gcov) {
		tool_error(raw->file, "no arc counters in this profile: build with the flags"
		           " of `vitprof flags` (-fprofile-arcs -ftest-coverage) for branches"
		           " and loops");
		goto out;
	}
	if (coverage_build(&cov, raw, gcno_dir) != 0 ||
	    (values && value_sites_build(&cov, &sites, &n_sites) != 0)) {
		value_sites_free(sites, n_sites);
		coverage_free(&cov);
		goto out;
	}
	if (values && !n_sites && !(raw->gcov[0].counter_mask & ~1u)) {
		tool_error(raw->file, "no value profiles in this profile: build with"
		           " -fprofile-generate -ftest-coverage for --values");
		value_sites_free(sites, n_sites);
		coverage_free(&cov);
		goto out;
	}
	print_header(prof);
	if (branches)
		show_branches(&cov.report, top);
	if (branches && loops)
		putchar('\n');
	if (loops)
		show_loops(&cov.report, top);
	if ((branches || loops) && values)
		putchar('\n');
	if (values)
		show_values(sites, n_sites, top);
	value_sites_free(sites, n_sites);
	coverage_free(&cov);
	rc = TOOL_EXIT_OK;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_error("<stdout>", "write error");
		rc = TOOL_EXIT_ERROR;
	}
out:
	profile_free(prof);
	raw_profile_free(raw);
	return rc;
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{"top", required_argument, NULL, 'n'},
		{"sort", required_argument, NULL, 's'},
		{"branches", no_argument, NULL, 'b'},
		{"loops", no_argument, NULL, 'l'},
		{"values", no_argument, NULL, 'V'},
		{"limit", required_argument, NULL, 'n'},
		{"gcno-dir", required_argument, NULL, 'g'},
		{"color", required_argument, NULL, 'c'},
		{"colour", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct raw_profile raw;
	struct profile prof;
	struct sort_ctx ctx = {NULL, SORT_DEFAULT};
	size_t top = DEFAULT_ROWS, n = 0, i;
	uint32_t *rows;
	int c, branches = 0, loops = 0, values = 0, color = TOOL_COLOR_AUTO;
	struct show_color col = {"", ""};
	const char *gcno_dir = NULL;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:s:blVh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_count(optarg, &top) != 0) {
				tool_error(NULL, "show: -n wants a number of functions, not '%s'", optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 's':
			if (strcmp(optarg, "calls") == 0)
				ctx.key = SORT_CALLS;
			else if (strcmp(optarg, "self") == 0)
				ctx.key = SORT_SELF;
			else if (strcmp(optarg, "total") == 0)
				ctx.key = SORT_TOTAL;
			else {
				tool_error(NULL, "show: --sort wants calls, self or total, not '%s'",
				           optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'b':
			branches = 1;
			break;
		case 'l':
			loops = 1;
			break;
		case 'V':
			values = 1;
			break;
		case 'g':
			gcno_dir = optarg;
			break;
		case 'c':
			if (tool_color_parse(optarg, &color) != 0) {
				tool_error(NULL, "show: --color wants auto, always or never, not '%s'",
				           optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_usage_error("show", usage, "bad option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1) {
		return tool_usage_error("show", usage, "%s",
		                        argc - optind ? "one raw profile at a time"
		                                      : "which raw profile?");
	}
	if (load_profile(argv[optind], branches || loops || values ? LOAD_NEEDS_ARCS : 0,
	                            &raw, &prof) != 0) {
		profile_free(&prof);
		raw_profile_free(&raw);
		return TOOL_EXIT_ERROR;
	}
	profile_check_exe_path(&raw);
	if (tool_color_enabled(color)) {
		col.on = "\033[4m";
		col.off = "\033[0m";
	}
	if (branches || loops || values)
		return show_coverage_reports(&raw, &prof, gcno_dir, branches, loops, values, top);
	if ((ctx.key == SORT_SELF || ctx.key == SORT_TOTAL) && !prof.timed) {
		tool_error(argv[optind], "--sort %s needs a time-mode profile with times",
		           ctx.key == SORT_SELF ? "self" : "total");
		profile_free(&prof);
		raw_profile_free(&raw);
		return TOOL_EXIT_USAGE;
	}
	if (ctx.key == SORT_DEFAULT)
		ctx.key = prof.timed ? SORT_SELF : SORT_CALLS;
	ctx.p = &prof;
	rows = xcalloc(prof.n_functions, sizeof *rows);
	for (i = 0; i < prof.n_functions; i++)
		if (prof.functions[i].instrumented)
			rows[n++] = (uint32_t)i;
	qsort_r(rows, n, sizeof *rows, row_order, &ctx);
	print_header(&prof);
	print_rows(&prof, &col, rows, top && top < n ? top : n, n);
	if (top && top < n)
		printf("(%zu more function%s; -n 0 shows all)\n", n - top, tool_s(n - top));
	free(rows);
	profile_free(&prof);
	raw_profile_free(&raw);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_error("<stdout>", "write error");
		return TOOL_EXIT_ERROR;
	}
	return TOOL_EXIT_OK;
}
