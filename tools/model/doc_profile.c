/* SPDX-License-Identifier: MIT */
/*
 * doc_profile.c - the profile model every reading command uses (struct
 * raw_profile + struct profile, tool_internal.h) built from a .vitprof
 * document (a `vitprof merge` or `vitprof export` output) instead of a raw
 * profile, so that show, report, export and flamegraph take both.
 *
 * A document is already symbolized and summed over threads: its functions
 * and edges become the profile's as they are (ids kept, names, files,
 * lines, ELF addresses, counts and ns), its modules the raw modules (no
 * runtime ranges: lo = hi = 0), its program the raw header. Times are in
 * ns, so the stand-in raw profile converts one tick to one ns.
 *
 * What a document does not keep: calling contexts (context mode), arc
 * counters and the .gcno paths to solve them again (its lines, branches
 * and loops are the solved ones). A command that needs them says so in
 * one line (load_profile(), load.c).
 *
 * The profile owns the document (struct doc_keep, released by
 * profile_free() through struct profile_keep). Allocation failure exits
 * (tool_oom()).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "tool_internal.h"

/* What the profile keeps of the document: its strings. */
struct doc_keep {
	struct profile_keep keep;   /* first: profile_free() releases it */
	struct vpdoc doc;
	struct prof_frame **frames; /* per edge, NULL when none */
	size_t n_frames;
};

static int hex_digit(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The document's build-id text into m (nothing when it is not hex). */
static void build_id_parse(struct raw_module *m, const char *hex)
{
	size_t n = hex ? strlen(hex) : 0, k;

	if (!n || n % 2 || n / 2 > VPR_BUILD_ID_MAX)
		return;
	for (k = 0; k < n / 2; k++) {
		int hi = hex_digit(hex[2 * k]), lo = hex_digit(hex[2 * k + 1]);
		if (hi < 0 || lo < 0)
			return;
		m->build_id[k] = (uint8_t)(hi << 4 | lo);
	}
	m->build_id_len = (uint8_t)(n / 2);
}

static void raw_from_doc(struct raw_profile *raw, const struct vpdoc *d, const char *path)
{
	const struct vpdoc_program *pg = &d->program;
	size_t i;

	memset(raw, 0, sizeof *raw);
	raw->file = xstrdup(path);
	raw->state = pg->running ? VPR_STATE_RUNNING : VPR_STATE_EXITED;
	raw->mode = pg->time_mode ? VPR_MODE_TIME : VPR_MODE_COUNT;
	raw->flags = pg->fork_child ? VPR_FLAG_FORK_CHILD : 0;
	raw->clock = 0;
	raw->pid = pg->pid;
	raw->ppid = pg->ppid;
	raw->start_realtime_ns = pg->start_time_ns;
	raw->end_realtime_ns = pg->has_end_time ? pg->end_time_ns : 0;
	raw->n_threads = pg->threads;
	raw->lost_calls = pg->lost_calls;
	raw->lost_frames = pg->lost_frames;
	raw->lost_sections = pg->lost_sections;
	snprintf(raw->host, sizeof raw->host, "%s", pg->host ? pg->host : "");
	snprintf(raw->exe_path, sizeof raw->exe_path, "%s", pg->path ? pg->path : "");
	raw->time_available = pg->time_mode && pg->time_available;
	raw->time_note = pg->time_mode && !pg->time_available
	                 ? "the document says times were unavailable" : NULL;
	raw->calib_dtick = raw->calib_dns = 1;       /* ticks are ns */
	raw->modules = xcalloc(d->n_modules, sizeof *raw->modules);
	raw->n_modules = d->n_modules;
	for (i = 0; i < d->n_modules; i++) {
		struct raw_module *m = &raw->modules[i];

		m->id = (uint32_t)i;
		m->load_bias = d->modules[i].load_bias;
		m->path = xstrdup(d->modules[i].path);
		build_id_parse(m, d->modules[i].build_id);
	}
}

/* Builds p (and its stand-in raw) from d, which p takes over. */
static void profile_from_doc(struct profile *p, struct raw_profile *raw, struct doc_keep *k)
{
	const struct vpdoc *d = &k->doc;
	uint32_t *all;
	size_t i, n = 0;

	p->raw = raw;
	p->timed = raw->time_available;
	p->sym = &prof_symbolizer_default;
	p->doc = k;
	p->modules = xcalloc(d->n_modules, sizeof *p->modules);
	p->n_modules = d->n_modules;
	for (i = 0; i < d->n_modules; i++) {
		struct prof_module *m = &p->modules[i];
		const struct raw_module *r = &raw->modules[i];
		const char *slash = strrchr(r->path, '/');

		m->id = (uint32_t)i;
		m->canonical = d->modules[i].same_as != VPDOC_NONE ? d->modules[i].same_as
		                                                   : (uint32_t)i;
		m->raw = r;
		m->basename = slash && slash[1] ? slash + 1 : r->path;
		m->tried = 1;           /* never opened: the names are the document's */
		for (unsigned b = 0; b < r->build_id_len; b++)
			snprintf(m->build_id_hex + 2 * b, 3, "%02x", r->build_id[b]);
	}
	p->functions = xcalloc(d->n_functions, sizeof *p->functions);
	p->n_functions = d->n_functions;
	for (i = 0; i < d->n_functions; i++) {
		const struct vpdoc_function *df = &d->functions[i];
		struct prof_function *f = &p->functions[i];

		f->id = (uint32_t)i;
		f->module = df->module == VPDOC_NONE ? PROF_MODULE_UNKNOWN
		            : (int64_t)p->modules[df->module].canonical;
		f->address = df->address;
		f->name = df->name;
		f->linkage_name = df->linkage_name ? df->linkage_name : df->name;
		f->file = df->file;
		f->line = df->line > UINT32_MAX ? 0 : (unsigned)df->line;
		f->instrumented = df->instrumented;
		f->calls = df->calls;
		f->self_ticks = f->self_ns = p->timed ? df->self_ns : 0;
		f->total_ticks = f->total_ns = p->timed ? df->total_ns : 0;
	}
	p->edges = xcalloc(d->n_edges, sizeof *p->edges);
	p->n_edges = d->n_edges;
	k->frames = xcalloc(d->n_edges, sizeof *k->frames);
	k->n_frames = d->n_edges;
	for (i = 0; i < d->n_edges; i++) {
		const struct vpdoc_edge *de = &d->edges[i];
		struct prof_edge *e = &p->edges[i];

		e->caller = de->caller;
		e->callee = de->callee;
		e->site = de->site;
		e->file = de->file;
		e->line = de->line > UINT32_MAX ? 0 : (unsigned)de->line;
		e->column = de->column > UINT32_MAX ? 0 : (unsigned)de->column;
		e->count = de->count;
		e->self_ticks = e->self_ns = p->timed ? de->self_ns : 0;
		e->total_ticks = e->total_ns = p->timed ? de->total_ns : 0;
		if (de->n_frames > 1) {
			struct prof_frame *fr = xcalloc(de->n_frames, sizeof *fr);
			size_t j, nf = de->n_frames > PROF_MAX_FRAMES ? PROF_MAX_FRAMES
			                                              : de->n_frames;

			for (j = 0; j < nf; j++) {
				fr[j].function = de->frames[j].function;
				fr[j].file = de->frames[j].file;
				fr[j].line = de->frames[j].line > UINT32_MAX
				             ? 0 : (unsigned)de->frames[j].line;
			}
			k->frames[i] = fr;
			e->frames = fr;
			e->n_frames = (int)nf;
		}
	}
	if (p->n_edges)
		qsort(p->edges, p->n_edges, sizeof *p->edges, profile_edge_order);
	all = xcalloc(p->n_functions, sizeof *all);
	for (i = 0; i < p->n_functions; i++)
		if (p->timed ? p->functions[i].self_ns > 0 : p->functions[i].calls > 0)
			all[n++] = (uint32_t)i;
	qsort_r(all, n, sizeof *all, profile_hot_order, p);
	p->hot = all;
	p->n_hot = n < PROF_HOT ? n : PROF_HOT;
}

const struct vpdoc *doc_profile_document(const struct profile *p)
{
	return p->doc ? &((const struct doc_keep *)p->doc)->doc : NULL;
}

static void doc_keep_release(struct profile_keep *keep)
{
	struct doc_keep *k = (struct doc_keep *)keep;
	size_t i;

	for (i = 0; i < k->n_frames; i++)
		free(k->frames[i]);
	free(k->frames);
	document_free(&k->doc);
	free(k);
}

void doc_profile_build(struct profile *p, struct raw_profile *raw, struct vpdoc *d,
                       const char *path)
{
	struct doc_keep *k = xcalloc(1, sizeof *k);

	k->keep.release = doc_keep_release;
	k->doc = *d;
	memset(d, 0, sizeof *d);
	memset(p, 0, sizeof *p);
	raw_from_doc(raw, &k->doc, path);
	profile_from_doc(p, raw, k);
}
