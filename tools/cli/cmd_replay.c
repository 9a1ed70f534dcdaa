/* SPDX-License-Identifier: MIT */
/*
 * cmd_replay.c - `vitprof replay [options] FILE...`: the timeline of trace
 * profiles (VITPROF_MODE=trace; several files: processes of one session)
 * as text, one line per call, like `uftrace replay` (docs/trace.md, "Reading"
 * shows an example). A call with no calls inside it in the view is one
 * line `fn();` with its duration; another is `fn() {`, its calls, then a
 * closing line with the duration and a comment naming fn. Scopes read
 * `scope NAME {`. Instant events and counters (NAME = VALUE) are comment
 * lines. A frame's tag is a comment after its opening. The TID column is there when
 * the view has several threads; the threads' events are interleaved by
 * time (CLOCK_MONOTONIC ns, so that processes line up). --time shows the
 * time from the trace start of each line instead of the duration. A call
 * cut by the view (begun before the trace or --since, still open at its
 * end or at --until) is marked "cut".
 *
 * The filters are trace_view.c's (--tid, --depth, --filter, --min-duration,
 * --since, --until). Memory: each thread's open frames, a chunk per thread
 * and two events of lookahead; the events are streamed.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "cli/commands.h"
#include "model/trace_view.h"
#include "read/raw_profile.h"

static const char usage[] =
	"usage: vitprof replay [--tid TID] [--depth N] [-F|--filter GLOB]\n"
	"                      [--min-duration D] [--since T] [--until T] [--time]\n"
	"                      FILE.vitraw...\n"
	"  Prints the timeline of trace profiles (VITPROF_MODE=trace), one line per\n"
	"  call with its duration and nesting, like `uftrace replay`. Several\n"
	"  files: the processes of one trace session, interleaved by time.\n"
	"  --tid TID          only thread TID (repeatable)\n"
	"  --depth N          only calls nested less than N deep in the view\n"
	"  -F, --filter GLOB  only calls of functions matching GLOB and what they\n"
	"                     call; -GLOB: not those nor what they call (repeatable)\n"
	"  --min-duration D   only calls lasting at least D (ns, us, ms or s)\n"
	"  --since T          from T after the trace start (ns, us, ms or s)\n"
	"  --until T          up to T after the trace start; calls crossing either\n"
	"                     edge are cut at it\n"
	"  --time             a TIMESTAMP column (seconds from the trace start)\n"
	"                     instead of DURATION\n";

/* One thread's walk with two events of lookahead. */
struct lane {
	struct trace_walk *w;
	const struct trace_view_thread *t;
	struct trace_event ev[2];
	int n;                      /* events held (0 at the end) */
	int done;
};

/* Reads the lane's lookahead up to two events. Returns 0 or -1. */
static int lane_fill(struct lane *l)
{
	while (!l->done && l->n < 2) {
		int r = trace_walk_next(l->w, &l->ev[l->n]);
		if (r < 0)
			return -1;
		if (r == 0)
			l->done = 1;
		else
			l->n++;
	}
	return 0;
}

/* Drops the lane's first k events. */
static void lane_drop(struct lane *l, int k)
{
	if (k == 1 && l->n == 2)
		l->ev[0] = l->ev[1];
	l->n -= k;
}

struct out {
	struct trace_view *v;
	int tid_column;             /* 2: several processes, "pid/tid" */
	int time_column;
	uint64_t start_ns;
};

/* The left columns: DURATION (or blank) or TIMESTAMP, then [TID] |. */
static void columns(const struct out *o, const struct trace_view_thread *t, int has_dur,
                    uint64_t dur, uint64_t ns)
{
	if (o->time_column) {
		uint64_t rel = ns >= o->start_ns ? ns - o->start_ns : 0;
		printf("%6" PRIu64 ".%09" PRIu64 " ", rel / 1000000000u, rel % 1000000000u);
	} else if (!has_dur) {
		fputs("            ", stdout);
	} else {
		/* thousandths of the unit, rounded: exact in us (ns) */
		uint64_t div = dur < 1000000 ? 1 : dur < 1000000000 ? 1000 : 1000000;
		uint64_t k = dur / div + (dur % div >= (div + 1) / 2 && div > 1);
		printf("%4" PRIu64 ".%03" PRIu64 " %s ", k / 1000, k % 1000,
		       dur < 1000000 ? "us" : dur < 1000000000 ? "ms" : " s");
	}
	if (o->tid_column == 2) {
		char id[48];
		snprintf(id, sizeof id, "%" PRId64 "/%" PRIu64, t->pid, t->tid);
		printf("[%13s] ", id);
	} else if (o->tid_column) {
		printf("[%6" PRIu64 "] ", t->tid);
	}
	fputs("| ", stdout);
}

static void indent(uint32_t depth)
{
	static const char spaces[] = "                                                                ";

	for (; depth > 32; depth -= 32)
		fwrite(spaces, 1, 64, stdout);
	fwrite(spaces, 1, 2 * depth, stdout);
}

/* "scope NAME" or "NAME()" of fn. */
static void call_name(const struct out *o, const struct trace_view_thread *t, uint64_t fn,
                      int open_paren)
{
	const char *name = tool_text(trace_view_fn_name(o->v, t, fn));

	if (VPR_IS_NAME_FN(fn))
		printf("scope %s", name);
	else
		printf("%s%s", name, open_paren ? "()" : "");
}

/* Prints the lane's next line (one event, or an ENTER and its EXIT). */
static void print_next(const struct out *o, struct lane *l)
{
	const struct trace_event *e = &l->ev[0];

	switch (e->kind) {
	case TRACE_ENTER:
		if (l->n == 2 && l->ev[1].kind == TRACE_EXIT && l->ev[1].depth == e->depth) {
			const struct trace_event *x = &l->ev[1];
			columns(o, l->t, 1, x->ns - e->ns, e->ns);
			indent(e->depth);
			call_name(o, l->t, e->fn, 1);
			putchar(';');
			if (e->tag)
				printf(" /* tag: %s */", tool_text(e->tag));
			if (e->synthetic || x->synthetic)
				fputs(" /* cut */", stdout);
			putchar('\n');
			lane_drop(l, 2);
			return;
		}
		columns(o, l->t, 0, 0, e->ns);
		indent(e->depth);
		call_name(o, l->t, e->fn, 1);
		fputs(" {", stdout);
		if (e->tag)
			printf(" /* tag: %s */", tool_text(e->tag));
		if (e->synthetic)
			fputs(" /* cut */", stdout);
		putchar('\n');
		break;
	case TRACE_EXIT:           /* replay_run() prints those */
		break;
	case TRACE_INSTANT:
		columns(o, l->t, 0, 0, e->ns);
		indent(e->depth);
		printf("/* %s */\n", tool_text(e->name));
		break;
	case TRACE_COUNTER:
		columns(o, l->t, 0, 0, e->ns);
		indent(e->depth);
		printf("/* %s = %" PRId64 " */\n", tool_text(e->name), e->value);
		break;
	}
	lane_drop(l, 1);
}

/* ENTER times of each lane's open frames (for the closing lines). */
struct starts {
	uint64_t *v;
	size_t n, cap;
};

static int replay_run(struct trace_view *v, int time_column)
{
	size_t n_threads, i;
	const struct trace_view_thread *th = trace_view_threads(v, &n_threads);
	struct lane *lanes = xcalloc(n_threads ? n_threads : 1, sizeof *lanes);
	struct starts *st = xcalloc(n_threads ? n_threads : 1, sizeof *st);
	struct out o = {v, n_threads > 1, time_column, trace_view_start_ns(v)};
	int rc = 0;

	for (i = 0; i < n_threads && rc == 0; i++) {
		lanes[i].t = &th[i];
		lanes[i].w = trace_view_walk(v, i);
		if (!lanes[i].w || lane_fill(&lanes[i]) != 0)
			rc = -1;
	}
	for (i = 1; i < n_threads; i++)
		if (th[i].pid != th[0].pid)
			o.tid_column = 2;
	if (rc == 0)
		printf("%-*s%s  FUNCTION\n", time_column ? 17 : 12,
		       time_column ? "#   TIMESTAMP" : "# DURATION",
		       o.tid_column == 2 ? "        PID/TID " : o.tid_column ? "    TID  " : "");
	while (rc == 0) {
		struct lane *l = NULL;
		struct trace_event *e;
		struct starts *s;

		for (i = 0; i < n_threads; i++)
			if (lanes[i].n && (!l || lanes[i].ev[0].ns < l->ev[0].ns))
				l = &lanes[i];
		if (!l)
			break;
		e = &l->ev[0];
		s = &st[l - lanes];
		if (e->kind == TRACE_ENTER && !(l->n == 2 && l->ev[1].kind == TRACE_EXIT &&
		                                l->ev[1].depth == e->depth)) {
			if (s->n == s->cap) {
				s->cap = s->cap ? 2 * s->cap : 64;
				s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
			}
			s->v[s->n++] = e->ns;
		}
		if (e->kind == TRACE_EXIT) {
			uint64_t t0 = s->n ? s->v[--s->n] : e->ns;
			columns(&o, l->t, 1, e->ns - t0, e->ns);
			indent(e->depth);
			fputs("} /* ", stdout);
			call_name(&o, l->t, e->fn, 0);
			fputs(e->synthetic ? ", cut */\n" : " */\n", stdout);
			lane_drop(l, 1);
		} else {
			print_next(&o, l);
		}
		if (lane_fill(l) != 0)
			rc = -1;
	}
	for (i = 0; i < n_threads; i++) {
		trace_walk_close(lanes[i].w);
		free(st[i].v);
	}
	free(lanes);
	free(st);
	return rc;
}

int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tid", required_argument, NULL, 'T'},
		{"depth", required_argument, NULL, 'D'},
		{"filter", required_argument, NULL, 'F'},
		{"min-duration", required_argument, NULL, 'M'},
		{"since", required_argument, NULL, 'S'},
		{"until", required_argument, NULL, 'U'},
		{"time", no_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static char outbuf[1 << 16];
	struct trace_filter f;
	struct raw_profile *rps = NULL, **ptrs = NULL;
	struct trace_view *v = NULL;
	int c, time_column = 0, rc = TOOL_EXIT_ERROR, n_files, i, n_read = 0;

	memset(&f, 0, sizeof f);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+F:h", opts, NULL)) != -1) {
		const char *name = NULL;
		switch (c) {
		case 'T': name = "tid"; break;
		case 'D': name = "depth"; break;
		case 'F': name = "filter"; break;
		case 'M': name = "min-duration"; break;
		case 'S': name = "since"; break;
		case 'U': name = "until"; break;
		case 't':
			time_column = 1;
			continue;
		case 'h':
			fputs(usage, stdout);
			trace_filter_free(&f);
			return TOOL_EXIT_OK;
		default:
			trace_filter_free(&f);
			return tool_usage_error("replay", usage, "bad option '%s'", argv[optind - 1]);
		}
		if (trace_filter_option(&f, name, optarg) != 0) {
			trace_filter_free(&f);
			return tool_usage_error("replay", usage, "bad --%s", name);
		}
	}
	if (f.until_ns && f.until_ns <= f.since_ns) {
		trace_filter_free(&f);
		return tool_usage_error("replay", usage, "--until must be after --since");
	}
	n_files = argc - optind;
	if (n_files < 1) {
		trace_filter_free(&f);
		return tool_usage_error("replay", usage, "expected one or more trace profiles");
	}
	rps = xcalloc((size_t)n_files, sizeof *rps);
	ptrs = xcalloc((size_t)n_files, sizeof *ptrs);
	for (i = 0; i < n_files; i++) {
		ptrs[i] = &rps[i];
		n_read = i + 1;
		if (raw_profile_read(argv[optind + i], &rps[i]) != 0)
			goto out;
		if (rps[i].mode != VPR_MODE_TRACE) {
			tool_error(rps[i].file, "a %s-mode profile has no timeline: `vitprof replay`"
			           " reads profiles recorded with VITPROF_MODE=trace",
			           raw_mode_name(rps[i].mode));
			goto out;
		}
	}
	v = trace_view_open(ptrs, (size_t)n_files, &f);
	if (!v)
		goto out;
	{
		size_t nt;
		trace_view_threads(v, &nt);
		if (nt == 0 && f.n_tids)
			tool_warn(NULL, "replay: no thread of the trace has the --tid given");
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	if (replay_run(v, time_column) == 0)
		rc = TOOL_EXIT_OK;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_error(NULL, "replay: cannot write the output");
		rc = TOOL_EXIT_ERROR;
	}
out:
	trace_view_close(v);
	for (i = 0; i < n_read; i++)
		raw_profile_free(&rps[i]);
	free(rps);
	free(ptrs);
	trace_filter_free(&f);
	return rc;
}
