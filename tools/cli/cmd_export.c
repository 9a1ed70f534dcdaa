/* SPDX-License-Identifier: MIT */
/*
 * cmd_export.c - `vitprof export --format vitprof -o OUT FILE.vitraw`:
 * writes the profile as the .vitprof JSON document (vitprof_write.c; the
 * model: document.c): call counts, call edges and times from the hooks;
 * line counts, branch outcomes, loops and entry counts from the arc
 * counters, when the program had them. A .vitprof document given as FILE
 * is written again in canonical order (doc_merge.c with one input). Other
 * formats: the export_*.c writers. The timeline formats (chrome, perfetto)
 * take trace profiles, several files being the processes of one session,
 * seen through the trace filters (model/trace_view.h) and streamed event by
 * event into the writer (export_chrome.c, export_perfetto.c).
 *
 * A file is written under a temporary name in the same directory and
 * renamed into place when it is complete, so OUT is never left
 * half-written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool_internal.h"

static const char usage[] =
	"usage: vitprof export [--format FMT] [-o OUT] [--gcno-dir DIR] FILE.vitraw\n"
	"                      [--min-share PCT] [--max-depth N] [--keep-all]\n"
	"       vitprof export --format chrome|perfetto [-o OUT] [--tid TID]\n"
	"                      [--depth N] [--filter [-]GLOB] [--min-duration D]\n"
	"                      [--since T] [--until T] TRACE.vitraw...\n"
	"  Writes the profile as a .vitprof JSON document (format version 2, 3\n"
	"  with -fprofile-generate's value profiles), or\n"
	"  in another format.\n"
	"  -f, --format FMT      vitprof (the JSON profile, default), sample-profile\n"
	"                        (clang's sample-profile text), link-order (a\n"
	"                        function order for lld's --symbol-ordering-file),\n"
	"                        link-order-gold (the same as section names, for\n"
	"                        gold's --section-ordering-file), callgrind\n"
	"                        (KCachegrind, callgrind_annotate), dot (Graphviz),\n"
	"                        csv, prometheus (text exposition), folded\n"
	"                        (flame-graph stacks, context mode); of trace\n"
	"                        profiles: chrome (Trace Event JSON: Perfetto UI,\n"
	"                        chrome://tracing, speedscope), perfetto\n"
	"                        (Perfetto's protobuf trace)\n"
	"  -o, --output OUT      output file; '-' for standard output;\n"
	"                        default: FILE with .vitraw replaced by .vitprof\n"
	"  --gcno-dir DIR        look for the .gcno notes files under DIR\n"
	"                        (default: beside each object's recorded .gcda path)\n"
	"  --no-coverage         leave out lines, branches and loops\n"
	"  --min-share PCT       folded: leave out paths under PCT% of the total\n"
	"                        (default 0.1)\n"
	"  --max-depth N         folded: cut paths deeper than N frames into one\n"
	"                        [deeper] frame (default 256)\n"
	"  --keep-all            folded: every path, as deep as it goes (the same\n"
	"                        as --min-share 0 --max-depth 0)\n"
	"  chrome, perfetto: several TRACE files are the processes of one session;\n"
	"  default OUT: the first with .vitraw replaced by .trace.json / .pftrace\n"
	"  --tid TID             only this thread (repeatable)\n"
	"  --depth N             only frames less than N deep (1: the outermost)\n"
	"  --filter GLOB         only calls of matching functions and what they\n"
	"                        call; -GLOB: not those nor what they call\n"
	"                        (repeatable)\n"
	"  --min-duration D      only calls lasting at least D (ns, us, ms, s)\n"
	"  --since T, --until T  only [T, T') from the trace's start (ns, us, ms, s)\n";

/* FILE.vitraw -> FILE + ext; anything else gets ext appended. */
static char *default_output(const char *in, const char *ext)
{
	size_t n = strlen(in);
	char *out = malloc(n + strlen(ext) + 1);

	if (!out)
		return NULL;
	memcpy(out, in, n + 1);
	if (n > 7 && strcmp(in + n - 7, ".vitraw") == 0)
		out[n - 7] = '\0';
	strcat(out, ext);
	return out;
}

typedef int (*export_fn)(FILE *out, const struct profile *p, struct coverage *cov);

struct format {
	const char *name;
	export_fn write;
	const char *extension;      /* of the default output name */
};

static const struct format formats[] = {
	{"vitprof", vitprof_write_profile, ".vitprof"},
	{"sample-profile", export_sample_profile, ".afdo.txt"},
	{"link-order", export_link_order, ".order"},
	{"link-order-gold", export_link_order_gold, ".gold-order"},
	{"callgrind", export_callgrind, ".callgrind"},
	{"dot", export_dot, ".dot"},
	{"csv", export_csv, ".csv"},
	{"prometheus", export_prometheus, ".prom"},
	{"folded", export_folded, ".folded"},
};

/* The timeline formats, of trace profiles. */
struct trace_format {
	const char *name;
	const struct trace_export_ops *ops;
	const char *extension;
};

static const struct trace_format trace_formats[] = {
	{"chrome", &export_chrome_ops, ".trace.json"},
	{"perfetto", &export_perfetto_ops, ".pftrace"},
};

/* The trace filters, as options (their values: TRACE_OPT + index). */
static const char *const trace_options[] = {
	"tid", "depth", "filter", "min-duration", "since", "until",
};
#define TRACE_OPT 0x100

struct trace_job {
	const struct trace_export_ops *ops;
	struct trace_view *v;
};

/*
 * Streams the view's threads, one after the other, each event as the view
 * gives it, into the writer. Returns 0, -1 on a write error, -2 after the
 * view reported bad data.
 */
static int write_trace(FILE *out, void *arg)
{
	const struct trace_job *j = arg;
	const struct trace_view_thread *threads;
	struct trace_event ev;
	size_t i, n;
	void *w = j->ops->open(out, trace_view_start_ns(j->v));
	int rc = 0, r = 0;

	threads = trace_view_threads(j->v, &n);
	for (i = 0; i < n && rc == 0; i++) {
		if (j->ops->thread(w, &threads[i]) != 0) {
			rc = -1;
			break;
		}
		if (trace_view_begin(j->v, i) < 0) {
			rc = -2;
			break;
		}
		while ((r = trace_view_next(j->v, &ev)) == 1) {
			const char *name = ev.name;

			if (!name)
				name = ev.kind == TRACE_ENTER || ev.kind == TRACE_EXIT
				       ? trace_view_fn_name(j->v, &threads[i], ev.fn) : "?";
			if (j->ops->event(w, &ev, name) != 0) {
				rc = -1;
				break;
			}
		}
		if (r < 0)
			rc = -2;
	}
	if (j->ops->close(w) != 0 && rc == 0)
		rc = -1;
	return rc;
}

/* `export --format chrome|perfetto`: the trace profiles files[0..n) (one
 * per process) through filter f, to path. Returns a TOOL_EXIT_* code. */
static int export_trace_files(char **files, size_t n, const char *path,
                              const struct trace_filter *f, const struct trace_format *tf)
{
	struct raw_profile *raws = xcalloc(n, sizeof *raws);
	struct raw_profile **rps = xcalloc(n, sizeof *rps);
	struct trace_job j = {tf->ops, NULL};
	int rc = TOOL_EXIT_ERROR;
	size_t i, read = 0;

	for (; read < n; read++) {
		rps[read] = &raws[read];
		if (raw_profile_read(files[read], &raws[read]) != 0) {
			read++;
			goto out;
		}
	}
	j.v = trace_view_open(rps, n, f);
	if (j.v && tool_write_file(path, write_trace, &j) == 0)
		rc = TOOL_EXIT_OK;
out:
	trace_view_close(j.v);
	for (i = 0; i < read; i++)
		raw_profile_free(&raws[i]);
	free(rps);
	free(raws);
	return rc;
}

struct export_job {
	const struct format *fmt;
	const struct profile *p;
	struct coverage *cov;
};

static int write_export(FILE *out, void *arg)
{
	const struct export_job *j = arg;

	return j->fmt->write(out, j->p, j->cov);
}

/*
 * Writes p to path ("-": stdout) with fmt, through a temporary file. A
 * writer returns -1 on a write error (reported by tool_write_file) or -2
 * after reporting a problem of its own. Returns 0 or -1.
 */
static int write_output(const char *path, const struct format *fmt,
                        const struct profile *p, struct coverage *cov)
{
	struct export_job j = {fmt, p, cov};

	return tool_write_file(path, write_export, &j);
}

static int write_doc(FILE *out, void *arg)
{
	return vitprof_write(out, arg);
}

/* A document exported as a document: written again in canonical order,
 * everything kept (doc_merge.c with one input). Returns 0 or -1. */
static int write_document(const char *path, const struct vpdoc *d)
{
	struct doc_merge *m = doc_merge_new();
	struct vpdoc out;
	int rc = -1;

	if (doc_merge_add(m, d, 1) == 0) {
		doc_merge_result(m, &out);
		rc = tool_write_file(path, write_doc, &out);
		document_free(&out);
	}
	doc_merge_free(m);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"gcno-dir", required_argument, NULL, 'g'},
		{"no-coverage", no_argument, NULL, 'N'},
		{"min-share", required_argument, NULL, 'm'},
		{"max-depth", required_argument, NULL, 'D'},
		{"keep-all", no_argument, NULL, 'K'},
		{"tid", required_argument, NULL, TRACE_OPT + 0},
		{"depth", required_argument, NULL, TRACE_OPT + 1},
		{"filter", required_argument, NULL, TRACE_OPT + 2},
		{"min-duration", required_argument, NULL, TRACE_OPT + 3},
		{"since", required_argument, NULL, TRACE_OPT + 4},
		{"until", required_argument, NULL, TRACE_OPT + 5},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "vitprof", *output = NULL, *gcno_dir = NULL;
	struct raw_profile raw;
	struct profile prof;
	struct coverage cov;
	const struct format *fmt;
	const struct trace_format *tf;
	struct trace_filter filter;
	char *def = NULL;
	int c, rc, no_coverage = 0, n_trace_options = 0;

	optind = 0;
	opterr = 0;
	memset(&filter, 0, sizeof filter);
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		if (c >= TRACE_OPT && c < TRACE_OPT + (int)(sizeof trace_options /
		                                             sizeof trace_options[0])) {
			if (trace_filter_option(&filter, trace_options[c - TRACE_OPT], optarg) != 0) {
				trace_filter_free(&filter);
				return TOOL_EXIT_USAGE;
			}
			n_trace_options++;
			continue;
		}
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'g':
			gcno_dir = optarg;
			break;
		case 'N':
			no_coverage = 1;
			break;
		case 'm':
			if (ctx_parse_min_share(optarg, &export_folded_limits.min_share) != 0) {
				tool_error(NULL, "export: --min-share wants a percentage from 0 to"
				           " 100, not '%s'", optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'D':
			if (ctx_parse_max_depth(optarg, &export_folded_limits.max_depth) != 0) {
				tool_error(NULL, "export: --max-depth wants a number of frames, not"
				           " '%s'", optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'K':
			export_folded_limits.min_share = 0;
			export_folded_limits.max_depth = 0;
			break;
		case 'h':
			trace_filter_free(&filter);
			fputs(usage, stdout);
			return TOOL_EXIT_OK;
		default:
			trace_filter_free(&filter);
			return tool_usage_error("export", usage, "bad option '%s'", argv[optind - 1]);
		}
	}
	for (tf = trace_formats; tf < trace_formats + sizeof trace_formats / sizeof trace_formats[0]; tf++)
		if (strcmp(tf->name, format) == 0)
			break;
	if (tf < trace_formats + sizeof trace_formats / sizeof trace_formats[0]) {
		if (argc - optind < 1) {
			trace_filter_free(&filter);
			return tool_usage_error("export", usage, "which trace profiles?");
		}
		if (!output) {
			output = def = default_output(argv[optind], tf->extension);
			if (!def)
				tool_oom();
		}
		rc = export_trace_files(argv + optind, (size_t)(argc - optind), output, &filter, tf);
		if (rc == TOOL_EXIT_OK && def)
			fprintf(stderr, "vitprof: wrote %s (%s)\n", tool_text(output), tf->name);
		trace_filter_free(&filter);
		free(def);
		return rc;
	}
	trace_filter_free(&filter);
	if (n_trace_options) {
		tool_error(NULL, "export: --tid, --depth, --filter, --min-duration, --since and"
		           " --until filter the timeline formats (chrome, perfetto), not %s", format);
		return TOOL_EXIT_USAGE;
	}
	for (fmt = formats; fmt < formats + sizeof formats / sizeof formats[0]; fmt++)
		if (strcmp(fmt->name, format) == 0)
			break;
	if (fmt == formats + sizeof formats / sizeof formats[0]) {
		tool_error(NULL, "export: unknown format '%s' (known: vitprof, sample-profile,"
		           " link-order, link-order-gold, callgrind, dot, csv, prometheus,"
		           " folded, chrome, perfetto)", format);
		return TOOL_EXIT_USAGE;
	}
	if (argc - optind != 1) {
		return tool_usage_error("export", usage, "%s",
		                        argc - optind ? "one raw profile at a time"
		                                      : "which raw profile?");
	}
	if (!output) {
		output = def = default_output(argv[optind], fmt->extension);
		if (!def)
			tool_oom();
	}
	memset(&cov, 0, sizeof cov);
	rc = TOOL_EXIT_ERROR;
	if (load_profile(argv[optind], fmt->write == export_folded ? LOAD_NEEDS_CONTEXTS : 0,
	                 &raw, &prof) != 0)
		;
	else if (doc_profile_document(&prof))
		/* a document: itself again (vitprof), else without arc counters */
		rc = (fmt->write == vitprof_write_profile
		      ? write_document(output, doc_profile_document(&prof))
		      : write_output(output, fmt, &prof, NULL)) == 0 ? TOOL_EXIT_OK : TOOL_EXIT_ERROR;
	else {
		profile_check_exe_path(&raw);
		rc = (no_coverage || coverage_build(&cov, &raw, gcno_dir) == 0) &&
		     write_output(output, fmt, &prof, no_coverage ? NULL : &cov) == 0
		     ? TOOL_EXIT_OK : TOOL_EXIT_ERROR;
	}
	if (rc == TOOL_EXIT_OK && def)      /* a name the user did not give: say it */
		fprintf(stderr, "vitprof: wrote %s (%s)\n", tool_text(output), fmt->name);
	coverage_free(&cov);
	profile_free(&prof);
	raw_profile_free(&raw);
	free(def);
	return rc;
}
