/* SPDX-License-Identifier: MIT */
/*
 * cmd_flamegraph.c - `vitprof flamegraph [-o OUT.svg] [--title T]
 * [--width PX] FILE.vitraw`: an SVG flame graph of a context-mode profile,
 * drawn by vitprof itself in the layout of flamegraph.pl (no Perl needed).
 *
 * One frame per calling-context path (merged over threads), its width
 * proportional to the path's total (calls in context mode, self plus
 * callees' ns in context,time mode: the same values as the folded export),
 * the root "all" at the bottom, siblings left to right in name order.
 * Every frame is a <g> holding a <title> (the function name, its total and
 * share: the tooltip shown on hover), a <rect> and, when it fits, a <text>
 * label. Colours come from a hash of the name (flamegraph.pl's "hot"
 * palette), so the same input always gives the same file. Frames under
 * --min-share of the total (0.1%: about a pixel at the default width) are
 * left out and paths deeper than --max-depth (256) cut into one [deeper]
 * frame (ctx_tree_limit, said on stderr), and frames narrower than 0.1
 * pixel are left out, as flamegraph.pl does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tool.h"
#include "cli/commands.h"
#include "export/export.h"
#include "model/profile.h"
#include "read/raw_profile.h"
#include "tool_internal.h"

#define FRAME_H 16
#define PAD_X 10
#define PAD_TOP 56               /* title and details line */
#define PAD_BOTTOM 34
#define FONT_SIZE 12
#define FONT_W 0.59              /* average glyph width / font size */
#define MIN_WIDTH 0.1

static const char usage[] =
	"usage: vitprof flamegraph [-o OUT.svg] [--title T] [--width PX]\n"
	"                          [--min-share PCT] [--max-depth N] [--keep-all]\n"
	"                          FILE.vitraw\n"
	"  Draws an SVG flame graph of a profile recorded with VITPROF_MODE=context\n"
	"  (widths: calls) or context,time (widths: time). Hover a frame for its\n"
	"  function name, calls or time, and share.\n"
	"  -o, --output OUT   write OUT (default: standard output)\n"
	"  -t, --title T      the heading (default \"Flame Graph\")\n"
	"  -w, --width PX     image width in pixels (default 1200)\n"
	"  --min-share PCT    leave out frames under PCT% of the total (default\n"
	"                     0.1: about a pixel at the default width)\n"
	"  --max-depth N      cut paths deeper than N frames into one [deeper]\n"
	"                     frame (default 256)\n"
	"  --keep-all         every frame (--min-share 0 --max-depth 0)\n";

/* s as XML character data. Frame names are escaped already (ctx_tree
 * names, tool_text.c); a control character (of --title) becomes '?', since
 * XML 1.0 does not allow them. */
static int xml_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		int rc;
		switch (*s) {
		case '&': rc = fputs("&amp;", out); break;
		case '<': rc = fputs("&lt;", out); break;
		case '>': rc = fputs("&gt;", out); break;
		case '"': rc = fputs("&quot;", out); break;
		case '\'': rc = fputs("&apos;", out); break;
		default:
			rc = putc((unsigned char)*s < 0x20 ? '?' : *s, out);
		}
		if (rc == EOF)
			return -1;
	}
	return 0;
}

/* flamegraph.pl's "hot" palette, from a hash of the name (FNV-1a). */
static void frame_color(const char *name, unsigned *r, unsigned *g, unsigned *b)
{
	uint64_t h = 1469598103934665603ull;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ull;
	*r = 205 + (unsigned)((h >> 8) % 51);
	*g = (unsigned)((h >> 24) % 231);
	*b = (unsigned)((h >> 40) % 56);
}

struct svg {
	FILE *out;
	const struct ctx_tree *t;
	double scale;                /* pixels per unit of value */
	int height;
};

/* One frame at x (pixels), and its children to the right of each other. */
static int draw(const struct svg *s, uint32_t i, double x)
{
	const struct ctx_tree_node *n = &s->t->nodes[i];
	double w = (double)n->total * s->scale, y, cx;
	double share = s->t->nodes[0].total ? 100.0 * (double)n->total /
	               (double)s->t->nodes[0].total : 0;
	unsigned r, g, b;
	size_t fit;
	uint32_t c;
	FILE *out = s->out;

	if (w < MIN_WIDTH)
		return 0;
	y = s->height - PAD_BOTTOM - (double)(n->depth + 1) * FRAME_H;
	frame_color(n->name, &r, &g, &b);
	if (fputs("<g>\n<title>", out) < 0 || xml_text(out, n->name) != 0 ||
	    fprintf(out, " (%" PRIu64 " %s, %.2f%%)</title>", n->total,
	            s->t->timed ? "ns" : (n->total == 1 ? "call" : "calls"), share) < 0 ||
	    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
	            "fill=\"rgb(%u,%u,%u)\" rx=\"2\" ry=\"2\"/>\n", x, y, w, FRAME_H - 1,
	            r, g, b) < 0)
		return -1;
	fit = (size_t)(w / (FONT_SIZE * FONT_W));
	if (fit >= 3) {
		size_t len = strlen(n->name);
		char *label = xstrdup(n->name);
		int rc;

		if (len > fit)
			strcpy(label + fit - 2, "..");
		rc = fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", x + 3, y + FRAME_H - 5) < 0 ||
		     xml_text(out, label) != 0 || fputs("</text>\n", out) < 0;
		free(label);
		if (rc)
			return -1;
	}
	if (fputs("</g>\n", out) < 0)
		return -1;
	cx = x;
	for (c = n->first_child; c; c = s->t->nodes[c].next_sibling) {
		if (draw(s, c, cx) != 0)
			return -1;
		cx += (double)s->t->nodes[c].total * s->scale;
	}
	return 0;
}

static int write_svg(FILE *out, const struct ctx_tree *t, const char *title, int width)
{
	struct svg s;

	s.out = out;
	s.t = t;
	s.height = PAD_TOP + PAD_BOTTOM + (int)(t->max_depth + 1) * FRAME_H;
	s.scale = t->nodes[0].total ? (double)(width - 2 * PAD_X) / (double)t->nodes[0].total : 0;
	if (fprintf(out, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
	            "<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	            "xmlns=\"http://www.w3.org/2000/svg\">\n"
	            "<style type=\"text/css\">text { font-family: Verdana, sans-serif; "
	            "font-size: %dpx; fill: rgb(0,0,0); } rect:hover { stroke: black; "
	            "stroke-width: 0.5; }</style>\n"
	            "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"rgb(248,248,248)\"/>\n"
	            "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" style=\"font-size: 17px\">",
	            width, s.height, width, s.height, FONT_SIZE, width, s.height, width / 2) < 0 ||
	    xml_text(out, title) != 0 ||
	    fprintf(out, "</text>\n<text x=\"%d\" y=\"%d\">%s; hover a frame for its name"
	            "</text>\n", PAD_X, s.height - 12,
	            t->timed ? "width: time (self + callees)" : "width: calls") < 0)
		return -1;
	if (t->nodes[0].total && draw(&s, 0, PAD_X) != 0)
		return -1;
	if (fputs("</svg>\n", out) < 0)
		return -1;
	return ferror(out) ? -1 : 0;
}

struct svg_job {
	const struct ctx_tree *t;
	const char *title;
	int width;
};

static int write_svg_job(FILE *out, void *arg)
{
	const struct svg_job *j = arg;

	return write_svg(out, j->t, j->title, j->width);
}

int cmd_flamegraph(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"title", required_argument, NULL, 't'},
		{"width", required_argument, NULL, 'w'},
		{"min-share", required_argument, NULL, 'm'},
		{"max-depth", required_argument, NULL, 'D'},
		{"keep-all", no_argument, NULL, 'K'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *output = "-", *title = "Flame Graph";
	struct raw_profile raw;
	struct profile prof;
	struct ctx_tree t;
	struct ctx_limits limits = {CTX_MIN_SHARE_DEFAULT, CTX_MAX_DEPTH_DEFAULT};
	struct ctx_pruned st;
	int c, width = 1200, rc = TOOL_EXIT_ERROR;
	char *end;
	long v;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:t:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 't':
			title = optarg;
			break;
		case 'w':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 100 || v > 100000) {
				tool_error(NULL, "flamegraph: bad width '%s' (100 to 100000)", optarg);
				return TOOL_EXIT_USAGE;
			}
			width = (int)v;
			break;
		case 'm':
			if (ctx_parse_min_share(optarg, &limits.min_share) != 0) {
				tool_error(NULL, "flamegraph: --min-share wants a percentage from 0"
				           " to 100, not '%s'", optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'D':
			if (ctx_parse_max_depth(optarg, &limits.max_depth) != 0) {
				tool_error(NULL, "flamegraph: --max-depth wants a number of frames,"
				           " not '%s'", optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'K':
			limits.min_share = 0;
			limits.max_depth = 0;
			break;
		case 'h':
			fputs(usage, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_usage_error("flamegraph", usage, "bad option '%s'",
			                        argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return tool_usage_error("flamegraph", usage, "expected one raw profile");
	memset(&t, 0, sizeof t);
	if (load_profile(argv[optind], LOAD_NEEDS_CONTEXTS, &raw, &prof) == 0 &&
	    (profile_check_exe_path(&raw), ctx_tree_build(&t, &prof) == 0)) {
		struct svg_job j = {&t, title, width};

		ctx_tree_limit(&t, &limits, &st);
		ctx_pruned_note(raw.file, "flamegraph", &t, &st);
		if (tool_write_file(output, write_svg_job, &j) == 0)
			rc = TOOL_EXIT_OK;
	}
	ctx_tree_free(&t);
	profile_free(&prof);
	raw_profile_free(&raw);
	return rc;
}
