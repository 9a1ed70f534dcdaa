/* SPDX-License-Identifier: MIT */
/*
 * cmd_merge.c - `vitprof merge [-w WEIGHT,FILE]... [FILE]... -o OUT`: sums
 * profiles of one program (docs/merge.md).
 *
 * Raw inputs only: the result is a raw profile (raw_merge.c, through the
 * merge core rt/vpr_merge.c that the runtime's %m uses) that show, export
 * and gcda read like any run. A .vitprof input, or
 * --format vitprof, or an OUT ending in .vitprof: the result is a .vitprof
 * document (doc_merge.c); raw inputs are then exported first (symbolized,
 * arc counters solved), all-raw inputs after they were merged as raw.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tool.h"
#include "cli/commands.h"
#include "merge/raw_merge.h"
#include "read/raw_profile.h"
#include "tool_internal.h"

static const char usage[] =
	"usage: vitprof merge [-w WEIGHT,FILE]... [FILE]... -o OUT\n"
	"  Sums profiles of the same program: raw profiles (.vitraw) and .vitprof\n"
	"  documents. Build-ids and gcov stamps must agree.\n"
	"  -w, --weighted-input=WEIGHT,FILE\n"
	"                        FILE's counts count WEIGHT times (an integer >= 1;\n"
	"                        other inputs have weight 1)\n"
	"  -o, --output OUT      the merged profile ('-': standard output)\n"
	"  -f, --format FMT      raw (a .vitraw; raw inputs only) or vitprof (a\n"
	"                        .vitprof document). Default: raw when every input is\n"
	"                        raw and OUT does not end in .vitprof, else vitprof\n"
	"  --gcno-dir DIR        where the .gcno files are, for raw inputs merged\n"
	"                        into a .vitprof document\n";

struct input {
	const char *path;
	uint64_t weight;
	int raw;
};

/* "W,FILE" -> weight and path; returns 0 or -1. */
static int parse_weighted(char *arg, struct input *in)
{
	char *comma = strchr(arg, ','), *end;
	unsigned long long w;

	if (!comma || comma == arg || !comma[1])
		return -1;
	errno = 0;
	w = strtoull(arg, &end, 10);
	if (end != comma || errno || w == 0 || arg[0] == '-' || arg[0] == '+')
		return -1;
	in->weight = w;
	in->path = comma + 1;
	return 0;
}

struct image {
	unsigned char *data;
	size_t size;
};

static int write_image(FILE *out, void *arg)
{
	const struct image *im = arg;

	return fwrite(im->data, 1, im->size, out) == im->size ? 0 : -1;
}

static int write_doc(FILE *out, void *arg)
{
	struct vpdoc d;
	int rc;

	doc_merge_result(arg, &d);
	rc = vitprof_write(out, &d);
	document_free(&d);
	return rc;
}

/* All-raw inputs into a .vitprof: merged as raw, then exported once. */
static int raw_then_doc(const struct image *im, struct doc_merge *dm, const char *out,
                        const char *gcno_dir)
{
	struct vpdoc d;
	char *tmp;
	int rc;

	tmp = tool_asprintf("%s.raw.%ld", strcmp(out, "-") ? out : "vitprof-merge",
	                    (long)getpid());
	rc = tool_write_file(tmp, write_image, (void *)im);
	if (rc == 0) {
		rc = load_document(tmp, gcno_dir, &d);
		if (rc == 0)
			rc = doc_merge_add(dm, &d, 1);
		document_free(&d);
	}
	unlink(tmp);
	free(tmp);
	return rc;
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{"weighted-input", required_argument, NULL, 'w'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"gcno-dir", required_argument, NULL, 'g'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *output = NULL, *format = NULL, *gcno_dir = NULL;
	struct input *in;
	size_t n = 0, i;
	int c, all_raw = 1, to_doc, rc = 0;

	in = xcalloc((size_t)argc + 1, sizeof *in);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "w:o:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (parse_weighted(optarg, &in[n]) != 0) {
				tool_error(NULL, "merge: bad weighted input '%s' (want WEIGHT,FILE with "
				           "an integer WEIGHT >= 1)", optarg);
				free(in);
				return TOOL_EXIT_USAGE;
			}
			n++;
			break;
		case 'o':
			output = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'g':
			gcno_dir = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			free(in);
			return TOOL_EXIT_OK;
		default:
			free(in);
			return tool_usage_error("merge", usage, "bad option '%s'", argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++) {
		in[n].path = argv[optind];
		in[n++].weight = 1;
	}
	if (!n || !output) {
		free(in);
		return tool_usage_error("merge", usage, "%s",
		                        !n ? "which profiles?" : "-o OUT is required");
	}
	if (format && strcmp(format, "raw") != 0 && strcmp(format, "vitprof") != 0) {
		tool_error(NULL, "merge: unknown format '%s' (known: raw, vitprof)", format);
		free(in);
		return TOOL_EXIT_USAGE;
	}
	for (i = 0; i < n; i++) {
		if (access(in[i].path, R_OK) != 0) {
			tool_error(in[i].path, "cannot open: %s", strerror(errno));
			free(in);
			return TOOL_EXIT_ERROR;
		}
		in[i].raw = raw_profile_is_raw(in[i].path);
		all_raw &= in[i].raw;
	}
	if (format)
		to_doc = strcmp(format, "vitprof") == 0;
	else
		to_doc = !all_raw || (strlen(output) > 8 &&
		                      strcmp(output + strlen(output) - 8, ".vitprof") == 0);
	if (!to_doc && !all_raw) {
		for (i = 0; in[i].raw; i++)
			;
		tool_error(in[i].path, "a .vitprof document cannot be merged into a raw profile "
		           "(use --format vitprof)");
		free(in);
		return TOOL_EXIT_USAGE;
	}

	if (all_raw) {
		struct raw_merge *rm = raw_merge_new();
		struct image im = {NULL, 0};
		for (i = 0; i < n && rc == 0; i++)
			rc = raw_merge_add_file(rm, in[i].path, in[i].weight);
		if (rc == 0)
			rc = raw_merge_image(rm, &im.data, &im.size);
		if (rc == 0 && !to_doc) {
			rc = tool_write_file(output, write_image, &im);
		} else if (rc == 0) {
			struct doc_merge *dm = doc_merge_new();
			rc = raw_then_doc(&im, dm, output, gcno_dir);
			if (rc == 0)
				rc = tool_write_file(output, write_doc, dm);
			doc_merge_free(dm);
		}
		free(im.data);
		raw_merge_free(rm);
	} else {
		struct doc_merge *dm = doc_merge_new();
		for (i = 0; i < n && rc == 0; i++) {
			struct vpdoc d;
			rc = load_document(in[i].path, gcno_dir, &d);
			if (rc == 0)
				rc = doc_merge_add(dm, &d, in[i].weight);
			document_free(&d);
		}
		if (rc == 0)
			rc = tool_write_file(output, write_doc, dm);
		doc_merge_free(dm);
	}
	free(in);
	if (rc == 0 && strcmp(output, "-") != 0)      /* say what was written */
		fprintf(stderr, "vitprof: wrote %s: %zu profile%s merged, as a %s\n", tool_text(output), n,
		        n == 1 ? "" : "s", to_doc ? ".vitprof document" : "raw profile");
	return rc == 0 ? TOOL_EXIT_OK : TOOL_EXIT_ERROR;
}
