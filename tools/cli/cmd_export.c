/* SPDX-License-Identifier: MIT */
/*
 * cmd_export.c - `vitprof export --format vitprof -o OUT FILE.vitraw`:
 * writes the profile as the .vitprof JSON document (vitprof_write.c; the
 * model: document.c): call counts, call edges and times from the hooks;
 * line counts, branch outcomes, loops and entry counts from the arc
 * counters, when the program had them. A .vitprof document given as FILE
 * is written again in canonical order (doc_merge.c with one input). Other
 * formats: the export_*.c writers.
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
	"                        (flame-graph stacks, context mode)\n"
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
	"                        as --min-share 0 --max-depth 0)\n";

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
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "vitprof", *output = NULL, *gcno_dir = NULL;
	struct raw_profile raw;
	struct profile prof;
	struct coverage cov;
	const struct format *fmt;
	char *def = NULL;
	int c, rc, no_coverage = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
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
			fputs(usage, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_usage_error("export", usage, "bad option '%s'", argv[optind - 1]);
		}
	}
	for (fmt = formats; fmt < formats + sizeof formats / sizeof formats[0]; fmt++)
		if (strcmp(fmt->name, format) == 0)
			break;
	if (fmt == formats + sizeof formats / sizeof formats[0]) {
		tool_error(NULL, "export: unknown format '%s' (known: vitprof, sample-profile,"
		           " link-order, link-order-gold, callgrind, dot, csv, prometheus,"
		           " folded)", format);
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
