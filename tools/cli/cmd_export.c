/* SPDX-License-Identifier: MIT */
/*
 * cmd_export.c - `vitprof export --format vitprof -o OUT FILE.vitraw`:
 * writes the profile as the .vitprof JSON document, version 2 (3 with
 * value profiles: value_sites.c)
 * (docs/vitprof-format.md, docs/vitprof.schema.json): call counts, call
 * edges and times from the hooks; line counts, branch outcomes, loops and
 * entry counts from the arc counters, when the program had them.
 *
 * The document is streamed (json_write.c). A file is written under a
 * temporary name in the same directory and renamed into place when it is
 * complete, so OUT is never left half-written.
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

static void write_program(struct json_writer *w, const struct profile *p)
{
	const struct raw_profile *raw = p->raw;

	json_key(w, "program");
	json_begin_object(w);
	json_kv_string(w, "path", raw->exe_path);
	json_kv_int(w, "pid", raw->pid);
	json_kv_int(w, "ppid", raw->ppid);
	json_kv_string(w, "host", raw->host);
	json_kv_string(w, "mode", raw_mode_name(raw->mode));
	json_kv_string(w, "state", raw_state_name(raw->state));
	json_kv_bool(w, "fork_child", (raw->flags & VPR_FLAG_FORK_CHILD) != 0);
	json_kv_uint(w, "threads", raw->n_threads);
	json_kv_uint(w, "start_time_ns", raw->start_realtime_ns);
	json_key(w, "end_time_ns");
	if (raw->end_realtime_ns)
		json_uint(w, raw->end_realtime_ns);
	else
		json_null(w);
	json_kv_uint(w, "lost_calls", raw->lost_calls);
	json_kv_uint(w, "lost_frames", raw->lost_frames);
	json_kv_uint(w, "lost_sections", raw->lost_sections);
	json_kv_string(w, "time_unit", "ns");
	json_kv_bool(w, "time_available", p->timed);
	json_end_object(w);
}

static void write_modules(struct json_writer *w, const struct profile *p)
{
	size_t i;

	json_key(w, "modules");
	json_begin_array(w);
	for (i = 0; i < p->n_modules; i++) {
		const struct prof_module *m = &p->modules[i];
		json_begin_object(w);
		json_kv_uint(w, "id", m->id);
		json_kv_string(w, "path", m->raw->path);
		json_kv_string(w, "build_id", m->build_id_hex[0] ? m->build_id_hex : NULL);
		json_kv_uint(w, "load_bias", m->raw->load_bias);
		json_key(w, "same_as");
		if (m->canonical != m->id)
			json_uint(w, m->canonical);
		else
			json_null(w);
		json_end_object(w);
	}
	json_end_array(w);
}

static void write_functions(struct json_writer *w, const struct profile *p,
                            struct coverage *cov)
{
	size_t i;

	json_key(w, "functions");
	json_begin_array(w);
	for (i = 0; i < p->n_functions; i++) {
		const struct prof_function *f = &p->functions[i];
		json_begin_object(w);
		json_kv_uint(w, "id", f->id);
		json_kv_string(w, "name", f->name);
		json_kv_string(w, "linkage_name", f->linkage_name);
		json_kv_string(w, "file", f->file);
		json_kv_uint(w, "line", f->line);
		json_key(w, "module");
		if (f->module == PROF_MODULE_UNKNOWN)
			json_null(w);
		else
			json_uint(w, (uint64_t)f->module);
		json_kv_uint(w, "address", f->address);
		json_kv_bool(w, "instrumented", f->instrumented);
		json_kv_uint(w, "calls", f->calls);
		if (p->timed) {
			json_kv_uint(w, "self_ns", f->self_ns);
			json_kv_uint(w, "total_ns", f->total_ns);
		}
		if (cov) {
			long k = coverage_find_function(cov, f->linkage_name, f->file, f->line);
			if (k >= 0)
				json_kv_uint(w, "entry_count", cov->report.functions[k].entry_count);
		}
		json_end_object(w);
	}
	json_end_array(w);
}

static void write_edges(struct json_writer *w, const struct profile *p)
{
	size_t i;
	int k;

	json_key(w, "edges");
	json_begin_array(w);
	for (i = 0; i < p->n_edges; i++) {
		const struct prof_edge *e = &p->edges[i];
		json_begin_object(w);
		json_kv_uint(w, "caller", e->caller);
		json_kv_uint(w, "callee", e->callee);
		json_kv_string(w, "caller_name", p->functions[e->caller].name);
		json_kv_string(w, "callee_name", p->functions[e->callee].name);
		json_kv_string(w, "file", e->file);
		json_kv_uint(w, "line", e->line);
		if (e->column)
			json_kv_uint(w, "column", e->column);
		json_kv_uint(w, "site", e->site);
		json_kv_uint(w, "count", e->count);
		if (p->timed) {
			json_kv_uint(w, "self_ns", e->self_ns);
			json_kv_uint(w, "total_ns", e->total_ns);
		}
		if (e->n_frames > 1) {
			json_key(w, "inline_frames");
			json_begin_array(w);
			for (k = 0; k < e->n_frames; k++) {
				json_begin_object(w);
				json_kv_string(w, "function", e->frames[k].function);
				json_kv_string(w, "file", e->frames[k].file);
				json_kv_uint(w, "line", e->frames[k].line);
				json_end_object(w);
			}
			json_end_array(w);
		}
		json_end_object(w);
	}
	json_end_array(w);
}

static const char *arcs_mode_name(uint32_t mode)
{
	return mode == VPR_ARCS_IN_PLACE ? "in-place" : "copy";
}

static void write_gcov_objects(struct json_writer *w, const struct coverage *cov)
{
	size_t i;

	json_key(w, "gcov_objects");
	json_begin_array(w);
	for (i = 0; i < cov->n_objects; i++) {
		const struct cov_object *o = &cov->objects[i];
		json_begin_object(w);
		json_kv_string(w, "gcda", o->raw->gcda_path);
		json_kv_string(w, "gcno", o->gcno_path);
		json_kv_string(w, "mode", arcs_mode_name(o->raw->arcs_mode));
		json_kv_uint(w, "stamp", o->raw->stamp);
		json_kv_uint(w, "functions", o->raw->n_functions);
		json_kv_bool(w, "counted", o->used);
		json_end_object(w);
	}
	json_end_array(w);
}

/* Every function of the arc-counted objects; `function` joins functions[]. */
static void write_gcov_functions(struct json_writer *w, const struct profile *p,
                                 struct coverage *cov, const struct value_first_calls *fc)
{
	const struct cov_report *r = &cov->report;
	uint64_t first_call;
	long *join = calloc(r->n_functions ? r->n_functions : 1, sizeof *join);
	size_t i;

	if (!join)
		tool_oom();
	for (i = 0; i < r->n_functions; i++)
		join[i] = -1;
	for (i = 0; i < p->n_functions; i++) {
		const struct prof_function *f = &p->functions[i];
		long k = coverage_find_function(cov, f->linkage_name, f->file, f->line);
		if (k >= 0 && join[k] < 0)
			join[k] = (long)i;
	}
	json_key(w, "gcov_functions");
	json_begin_array(w);
	for (i = 0; i < r->n_functions; i++) {
		const struct cov_function *f = &r->functions[i];
		json_begin_object(w);
		json_kv_string(w, "name", f->name);
		json_kv_string(w, "file", f->file);
		json_kv_uint(w, "line", f->start_line);
		json_kv_uint(w, "end_line", f->end_line);
		json_kv_uint(w, "entry_count", f->entry_count);
		json_kv_uint(w, "returns", f->exit_count);
		json_kv_uint(w, "blocks", f->blocks);
		json_kv_uint(w, "blocks_executed", f->blocks_executed);
		if (value_first_call(fc, f->name, f->file, f->start_line, &first_call))
			json_kv_uint(w, "first_call", first_call);
		json_key(w, "function");
		if (join[i] >= 0)
			json_uint(w, (uint64_t)join[i]);
		else
			json_null(w);
		json_end_object(w);
	}
	json_end_array(w);
	free(join);
}

static void write_lines(struct json_writer *w, const struct cov_report *r)
{
	size_t i;

	json_key(w, "lines");
	json_begin_array(w);
	for (i = 0; i < r->n_lines; i++) {
		json_begin_object(w);
		json_kv_string(w, "file", r->lines[i].file);
		json_kv_uint(w, "line", r->lines[i].line);
		json_kv_uint(w, "count", r->lines[i].count);
		json_end_object(w);
	}
	json_end_array(w);
}

static void write_branches(struct json_writer *w, const struct cov_report *r)
{
	size_t i, k;

	json_key(w, "branches");
	json_begin_array(w);
	for (i = 0; i < r->n_lines; i++) {
		const struct cov_line *l = &r->lines[i];
		if (!l->n_branches)
			continue;
		json_begin_object(w);
		json_kv_string(w, "file", l->file);
		json_kv_uint(w, "line", l->line);
		json_key(w, "outcomes");
		json_begin_array(w);
		for (k = 0; k < l->n_branches; k++) {
			json_begin_object(w);
			json_kv_uint(w, "count", l->branches[k].count);
			json_kv_bool(w, "fallthrough", l->branches[k].fallthrough);
			json_kv_uint(w, "branch", l->branches[k].group);
			if (l->branches[k].is_throw)
				json_kv_bool(w, "throw", 1);
			json_end_object(w);
		}
		json_end_array(w);
		json_end_object(w);
	}
	json_end_array(w);
}

static void write_loops(struct json_writer *w, const struct cov_report *r)
{
	size_t i;

	json_key(w, "loops");
	json_begin_array(w);
	for (i = 0; i < r->n_loops; i++) {
		const struct cov_loop *l = &r->loops[i];
		json_begin_object(w);
		json_kv_string(w, "function", l->function);
		json_kv_string(w, "file", l->file);
		json_kv_uint(w, "line", l->line);
		json_kv_uint(w, "depth", l->depth);
		json_kv_uint(w, "entries", l->entries);
		json_kv_uint(w, "iterations", l->iterations);
		json_end_object(w);
	}
	json_end_array(w);
}

int export_vitprof_json(FILE *out, const struct profile *p, struct coverage *cov)
{
	struct vpdoc_value_site *sites = NULL;
	struct value_first_calls *fc = NULL;
	struct json_writer w;
	size_t i, n_sites = 0;
	int rc;

	if (cov && cov->n_objects) {
		if (value_sites_build(cov, &sites, &n_sites) != 0) {
			value_sites_free(sites, n_sites);
			return -2;
		}
		fc = value_first_calls(cov);
	}

	/* Top level and arrays one item per line; each item on one line. */
	json_init(&w, out, 2);
	json_begin_object(&w);
	json_key(&w, "format");
	json_string(&w, "vitprof");
	/* version 3: the document has value profiles (sites or first calls);
	 * else version 2, which older readers read */
	json_key(&w, "version");
	json_uint(&w, n_sites || value_first_calls_count(fc) ? 3 : 2);
	json_key(&w, "producer");
	json_string(&w, TOOL_PRODUCER);
	write_program(&w, p);
	write_modules(&w, p);
	write_functions(&w, p, cov && cov->n_used ? cov : NULL);
	write_edges(&w, p);
	json_key(&w, "hot_spots");
	json_begin_array(&w);
	for (i = 0; i < p->n_hot; i++)
		json_uint(&w, p->hot[i]);
	json_end_array(&w);
	if (cov && cov->n_objects) {
		write_gcov_objects(&w, cov);
		write_gcov_functions(&w, p, cov, fc);
		write_lines(&w, &cov->report);
		write_branches(&w, &cov->report);
		write_loops(&w, &cov->report);
		if (n_sites)
			value_sites_write(&w, sites, n_sites);
	}
	json_end_object(&w);
	rc = json_finish(&w);
	value_sites_free(sites, n_sites);
	value_first_calls_free(fc);
	return rc;
}

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
	{"vitprof", export_vitprof_json, ".vitprof"},
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
	return doc_merge_write(arg, out);
}

/* A document exported as a document: written again in canonical order,
 * everything kept (doc_merge.c with one input). Returns 0 or -1. */
static int write_document(const char *path, const struct vpdoc *d)
{
	struct doc_merge *m = doc_merge_new();
	int rc;

	if (!m)
		tool_oom();
	rc = doc_merge_add(m, d, 1) == 0 && tool_write_file(path, write_doc, m) == 0 ? 0 : -1;
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
	if (tool_load_profile_needs(argv[optind], fmt->write == export_folded
	                            ? TOOL_NEEDS_CONTEXTS : 0, &raw, &prof) != 0)
		;
	else if (profile_document(&prof))
		/* a document: itself again (vitprof), else without arc counters */
		rc = (fmt->write == export_vitprof_json
		      ? write_document(output, profile_document(&prof))
		      : write_output(output, fmt, &prof, NULL)) == 0 ? TOOL_EXIT_OK : TOOL_EXIT_ERROR;
	else {
		tool_check_exe_path(&raw);
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
