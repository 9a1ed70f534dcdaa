/* SPDX-License-Identifier: MIT */
/*
 * document.c - the .vitprof document model (struct vpdoc, model/document.h):
 * built from a symbolized raw profile and its solved arc counters, checked
 * for what a reader accepts, freed.
 *
 * document_from_profile() holds what `vitprof export` writes of a raw
 * profile: functions, edges and hot spots in the profile's order, module
 * ids as the raw records have them, the coverage report's lines, branches
 * and loops in its order, the value sites in canonical order. Strings are
 * copied as a JSON document holds them (a byte that is not valid UTF-8 is
 * U+FFFD, as json_write.c writes it), so the model equals what reading its
 * JSON back gives.
 *
 * Allocation failure exits (tool_oom()).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tool_internal.h"

/* A copy of s as a document holds it (NULL stays NULL). */
static char *text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *d, *o;
	int n;

	if (!s)
		return NULL;
	d = o = malloc(3 * strlen(s) + 1);  /* a bad byte grows to 3 */
	if (!d)
		tool_oom();
	while (*p) {
		if (*p < 0x80) {
			*o++ = (char)*p++;
		} else if ((n = json_utf8_len(p)) > 0) {
			memcpy(o, p, (size_t)n);
			o += n;
			p += n;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	*o = '\0';
	return d;
}

void document_free(struct vpdoc *d)
{
	size_t i, k;

	for (i = 0; i < d->n_modules; i++) {
		free(d->modules[i].path);
		free(d->modules[i].build_id);
	}
	for (i = 0; i < d->n_functions; i++) {
		free(d->functions[i].name);
		free(d->functions[i].linkage_name);
		free(d->functions[i].file);
	}
	for (i = 0; i < d->n_edges; i++) {
		free(d->edges[i].file);
		for (k = 0; k < d->edges[i].n_frames; k++) {
			free(d->edges[i].frames[k].function);
			free(d->edges[i].frames[k].file);
		}
		free(d->edges[i].frames);
	}
	for (i = 0; i < d->n_gcov_objects; i++) {
		free(d->gcov_objects[i].gcda);
		free(d->gcov_objects[i].gcno);
	}
	for (i = 0; i < d->n_gcov_functions; i++) {
		free(d->gcov_functions[i].name);
		free(d->gcov_functions[i].file);
	}
	for (i = 0; i < d->n_lines; i++)
		free(d->lines[i].file);
	for (i = 0; i < d->n_branches; i++) {
		free(d->branches[i].file);
		free(d->branches[i].outcomes);
	}
	for (i = 0; i < d->n_loops; i++) {
		free(d->loops[i].function);
		free(d->loops[i].file);
	}
	free(d->modules);
	free(d->functions);
	free(d->edges);
	free(d->hot);
	free(d->gcov_objects);
	value_sites_free(d->value_sites, d->n_value_sites);
	free(d->gcov_functions);
	free(d->lines);
	free(d->branches);
	free(d->loops);
	free(d->program.path);
	free(d->program.host);
	free(d->name);
	memset(d, 0, sizeof *d);
}

/* ---- from a symbolized raw profile ----------------------------------------- */

static void program_from_profile(struct vpdoc_program *pg, const struct profile *p)
{
	const struct raw_profile *raw = p->raw;

	pg->path = text(raw->exe_path);
	pg->host = text(raw->host);
	pg->pid = raw->pid;
	pg->ppid = raw->ppid;
	/* a trace's aggregates are a time-mode profile's (trace_aggregate()) */
	pg->time_mode = raw->mode == VPR_MODE_TIME || raw->mode == VPR_MODE_TRACE;
	pg->context = raw->mode == VPR_MODE_CONTEXT ? 1 : raw->mode == VPR_MODE_CONTEXT_TIME ? 2 : 0;
	pg->running = raw->state != VPR_STATE_EXITED;
	pg->fork_child = (raw->flags & VPR_FLAG_FORK_CHILD) != 0;
	pg->threads = raw->n_threads;
	pg->start_time_ns = raw->start_realtime_ns;
	pg->has_end_time = raw->end_realtime_ns != 0;
	pg->end_time_ns = raw->end_realtime_ns;
	pg->lost_calls = raw->lost_calls;
	pg->lost_frames = raw->lost_frames;
	pg->lost_sections = raw->lost_sections;
	pg->time_available = p->timed;
}

static void functions_from_profile(struct vpdoc *d, const struct profile *p,
                                   struct coverage *cov)
{
	size_t i;

	d->functions = xcalloc(p->n_functions, sizeof *d->functions);
	d->n_functions = p->n_functions;
	for (i = 0; i < p->n_functions; i++) {
		const struct prof_function *f = &p->functions[i];
		struct vpdoc_function *x = &d->functions[i];

		x->name = text(f->name);
		x->linkage_name = text(f->linkage_name);
		x->file = text(f->file);
		x->line = f->line;
		x->module = f->module == PROF_MODULE_UNKNOWN ? VPDOC_NONE : (uint32_t)f->module;
		/* a scope's pseudo-address does not fit a document's integers:
		 * its name id stands for it (no module, no file) */
		x->address = f->scope ? f->address & ~VPR_NAME_FN_BASE : f->address;
		x->instrumented = f->instrumented;
		x->calls = f->calls;
		if (p->timed) {
			x->self_ns = f->self_ns;
			x->total_ns = f->total_ns;
		}
		if (cov) {
			long k = coverage_find_function(cov, f->linkage_name, f->file, f->line);
			if (k >= 0) {
				x->has_entry_count = 1;
				x->entry_count = cov->report.functions[k].entry_count;
			}
		}
	}
}

static void edges_from_profile(struct vpdoc *d, const struct profile *p)
{
	size_t i;
	int k;

	d->edges = xcalloc(p->n_edges, sizeof *d->edges);
	d->n_edges = p->n_edges;
	for (i = 0; i < p->n_edges; i++) {
		const struct prof_edge *e = &p->edges[i];
		struct vpdoc_edge *x = &d->edges[i];

		x->caller = e->caller;
		x->callee = e->callee;
		x->file = text(e->file);
		x->line = e->line;
		x->column = e->column;
		x->site = e->site;
		x->count = e->count;
		if (p->timed) {
			x->self_ns = e->self_ns;
			x->total_ns = e->total_ns;
		}
		if (e->n_frames > 1) {       /* one frame is the call site itself */
			x->frames = xcalloc((size_t)e->n_frames, sizeof *x->frames);
			x->n_frames = (size_t)e->n_frames;
			for (k = 0; k < e->n_frames; k++) {
				x->frames[k].function = text(e->frames[k].function);
				x->frames[k].file = text(e->frames[k].file);
				x->frames[k].line = e->frames[k].line;
			}
		}
	}
}

/* Every function of the arc-counted objects; `function` joins functions[]. */
static void gcov_functions_from(struct vpdoc *d, const struct profile *p, struct coverage *cov,
                                const struct value_first_calls *fc)
{
	const struct cov_report *r = &cov->report;
	size_t i;

	d->gcov_functions = xcalloc(r->n_functions, sizeof *d->gcov_functions);
	d->n_gcov_functions = r->n_functions;
	for (i = 0; i < r->n_functions; i++)
		d->gcov_functions[i].function = VPDOC_NONE;
	for (i = 0; i < p->n_functions; i++) {
		const struct prof_function *f = &p->functions[i];
		long k = coverage_find_function(cov, f->linkage_name, f->file, f->line);
		if (k >= 0 && d->gcov_functions[k].function == VPDOC_NONE)
			d->gcov_functions[k].function = (uint32_t)i;
	}
	for (i = 0; i < r->n_functions; i++) {
		const struct cov_function *f = &r->functions[i];
		struct vpdoc_gcov_function *x = &d->gcov_functions[i];

		x->name = text(f->name);
		x->file = text(f->file);
		x->line = f->start_line;
		x->end_line = f->end_line;
		x->entry_count = f->entry_count;
		x->returns = f->exit_count;
		x->blocks = f->blocks;
		x->blocks_executed = f->blocks_executed;
		x->has_first_call = value_first_call(fc, f->name, f->file, f->start_line,
		                                     &x->first_call);
	}
}

static void coverage_from(struct vpdoc *d, const struct coverage *cov)
{
	const struct cov_report *r = &cov->report;
	size_t i, k, n;

	d->has_gcov = 1;
	d->gcov_objects = xcalloc(cov->n_objects, sizeof *d->gcov_objects);
	d->n_gcov_objects = cov->n_objects;
	for (i = 0; i < cov->n_objects; i++) {
		const struct cov_object *o = &cov->objects[i];
		struct vpdoc_gcov_object *x = &d->gcov_objects[i];

		x->gcda = text(o->raw->gcda_path);
		x->gcno = text(o->gcno_path);
		x->in_place = o->raw->arcs_mode == VPR_ARCS_IN_PLACE;
		x->stamp = o->raw->stamp;
		x->functions = o->raw->n_functions;
		x->counted = o->used;
	}
	d->lines = xcalloc(r->n_lines, sizeof *d->lines);
	d->n_lines = r->n_lines;
	for (i = n = 0; i < r->n_lines; i++) {
		d->lines[i].file = text(r->lines[i].file);
		d->lines[i].line = r->lines[i].line;
		d->lines[i].count = r->lines[i].count;
		n += r->lines[i].n_branches != 0;
	}
	d->branches = xcalloc(n, sizeof *d->branches);
	for (i = 0; i < r->n_lines; i++) {
		const struct cov_line *l = &r->lines[i];
		struct vpdoc_branch *b;

		if (!l->n_branches)
			continue;
		b = &d->branches[d->n_branches++];
		b->file = text(l->file);
		b->line = l->line;
		b->outcomes = xcalloc(l->n_branches, sizeof *b->outcomes);
		b->n_outcomes = l->n_branches;
		for (k = 0; k < l->n_branches; k++) {
			b->outcomes[k].count = l->branches[k].count;
			b->outcomes[k].fallthrough = l->branches[k].fallthrough;
			b->outcomes[k].branch = l->branches[k].group;
			b->outcomes[k].is_throw = l->branches[k].is_throw;
		}
	}
	d->loops = xcalloc(r->n_loops, sizeof *d->loops);
	d->n_loops = r->n_loops;
	for (i = 0; i < r->n_loops; i++) {
		const struct cov_loop *l = &r->loops[i];
		struct vpdoc_loop *x = &d->loops[i];

		x->function = text(l->function);
		x->file = text(l->file);
		x->line = l->line;
		x->depth = l->depth;
		x->entries = l->entries;
		x->iterations = l->iterations;
	}
}

/* The value sites' strings as a document holds them. */
static void value_sites_as_text(struct vpdoc_value_site *v, size_t n)
{
	char **s[4];
	size_t i, k, j;

	for (i = 0; i < n; i++) {
		s[0] = &v[i].function;
		s[1] = &v[i].file;
		s[2] = &v[i].site_file;
		for (j = 0; j < 3; j++) {
			char *t = text(*s[j]);
			free(*s[j]);
			*s[j] = t;
		}
		for (k = 0; k < v[i].n_values; k++) {
			s[0] = &v[i].values[k].function;
			s[1] = &v[i].values[k].file;
			for (j = 0; j < 2; j++) {
				char *t = text(*s[j]);
				free(*s[j]);
				*s[j] = t;
			}
		}
	}
}

int document_from_profile(struct vpdoc *d, const struct profile *p, struct coverage *cov,
                          const char *name)
{
	struct value_first_calls *fc = NULL;
	size_t i;

	memset(d, 0, sizeof *d);
	d->name = text(name);
	if (cov && cov->n_objects) {
		if (value_sites_build(cov, &d->value_sites, &d->n_value_sites) != 0)
			return -1;
		value_sites_as_text(d->value_sites, d->n_value_sites);
		fc = value_first_calls(cov);
	}
	program_from_profile(&d->program, p);
	d->modules = xcalloc(p->n_modules, sizeof *d->modules);
	d->n_modules = p->n_modules;
	for (i = 0; i < p->n_modules; i++) {
		const struct prof_module *m = &p->modules[i];
		struct vpdoc_module *x = &d->modules[i];

		x->id = m->id;
		x->path = text(m->raw->path);
		x->build_id = m->build_id_hex[0] ? text(m->build_id_hex) : NULL;
		x->load_bias = m->raw->load_bias;
		x->same_as = m->canonical != m->id ? m->canonical : VPDOC_NONE;
	}
	functions_from_profile(d, p, cov && cov->n_used ? cov : NULL);
	edges_from_profile(d, p);
	d->hot = xcalloc(p->n_hot, sizeof *d->hot);
	d->n_hot = p->n_hot;
	if (p->n_hot)
		memcpy(d->hot, p->hot, p->n_hot * sizeof *d->hot);
	if (fc) {
		coverage_from(d, cov);
		gcov_functions_from(d, p, cov, fc);
	}
	d->has_values = d->n_value_sites || value_first_calls_count(fc);
	value_first_calls_free(fc);
	return 0;
}

/* ---- what a reader accepts --------------------------------------------------- */

struct check {
	char *why;
	size_t cap;
	int failed;
};

static void fail(struct check *c, const char *fmt, ...) TOOL_PRINTF(2, 3);

static void fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;
	c->failed = 1;
	va_start(ap, fmt);
	vsnprintf(c->why, c->cap, fmt, ap);
	va_end(ap);
}

/* v at most DOC_COUNT_MAX, else the failure names where[i] and key. */
static void count(struct check *c, const char *where, size_t i, const char *key, uint64_t v)
{
	if (v > DOC_COUNT_MAX)
		fail(c, "integer out of range: %s[%zu] '%s' is %" PRIu64 ": a .vitprof document's"
		     " integers are read up to 2^63-1", where, i, key, v);
}

static void id_of(struct check *c, const char *where, size_t i, const char *key, uint32_t id,
                  size_t limit)
{
	if (id != VPDOC_NONE && id >= limit)
		fail(c, "%s[%zu]: '%s' %" PRIu32 " refers to nothing (%zu items)", where, i, key, id,
		     limit);
}

static void check_program(struct check *c, const struct vpdoc_program *p)
{
	const uint64_t v[] = {p->threads, p->start_time_ns, p->end_time_ns, p->lost_calls,
	                      p->lost_frames, p->lost_sections};
	static const char *const key[] = {"threads", "start_time_ns", "end_time_ns",
	                                  "lost_calls", "lost_frames", "lost_sections"};

	for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
		if (v[k] > DOC_COUNT_MAX)
			fail(c, "integer out of range: program '%s' is %" PRIu64 ": a .vitprof"
			     " document's integers are read up to 2^63-1", key[k], v[k]);
}

static void check_values(struct check *c, const struct vpdoc *d)
{
	for (size_t i = 0; i < d->n_value_sites; i++) {
		const struct vpdoc_value_site *s = &d->value_sites[i];

		count(c, "value_sites", i, "line", s->line);
		count(c, "value_sites", i, "site_line", s->site_line);
		count(c, "value_sites", i, "site", s->site);
		count(c, "value_sites", i, "total", s->total);
		for (size_t k = 0; k < s->n_values; k++) {
			if (s->kind == GCOV_KIND_INDIRECT && (uint64_t)s->values[k].value > UINT32_MAX)
				fail(c, "value_sites[%zu]: targets[%zu]: profile_id %" PRIu64
				     " is past 2^32-1", i, k, (uint64_t)s->values[k].value);
			count(c, "value_sites", i, "count", s->values[k].count);
			count(c, "value_sites", i, "line", s->values[k].line);
		}
	}
}

int document_check(const struct vpdoc *d, char *why, size_t cap)
{
	struct check c = {why, cap, 0};
	size_t i, k;

	check_program(&c, &d->program);
	for (i = 0; i < d->n_modules; i++) {
		if (d->modules[i].id != i)
			fail(&c, "modules[%zu]: id %" PRIu32 " is not its index", i, d->modules[i].id);
		count(&c, "modules", i, "load_bias", d->modules[i].load_bias);
		id_of(&c, "modules", i, "same_as", d->modules[i].same_as, d->n_modules);
	}
	for (i = 0; i < d->n_functions; i++) {
		const struct vpdoc_function *f = &d->functions[i];

		count(&c, "functions", i, "line", f->line);
		id_of(&c, "functions", i, "module", f->module, d->n_modules);
		count(&c, "functions", i, "address", f->address);
		count(&c, "functions", i, "calls", f->calls);
		count(&c, "functions", i, "self_ns", f->self_ns);
		count(&c, "functions", i, "total_ns", f->total_ns);
		count(&c, "functions", i, "entry_count", f->entry_count);
	}
	for (i = 0; i < d->n_edges; i++) {
		const struct vpdoc_edge *e = &d->edges[i];

		id_of(&c, "edges", i, "caller", e->caller, d->n_functions);
		id_of(&c, "edges", i, "callee", e->callee, d->n_functions);
		count(&c, "edges", i, "line", e->line);
		count(&c, "edges", i, "column", e->column);
		count(&c, "edges", i, "site", e->site);
		count(&c, "edges", i, "count", e->count);
		count(&c, "edges", i, "self_ns", e->self_ns);
		count(&c, "edges", i, "total_ns", e->total_ns);
		for (k = 0; k < e->n_frames; k++)
			count(&c, "edges", i, "inline_frames line", e->frames[k].line);
	}
	for (i = 0; i < d->n_gcov_objects; i++) {
		count(&c, "gcov_objects", i, "stamp", d->gcov_objects[i].stamp);
		count(&c, "gcov_objects", i, "functions", d->gcov_objects[i].functions);
	}
	for (i = 0; i < d->n_gcov_functions; i++) {
		const struct vpdoc_gcov_function *f = &d->gcov_functions[i];

		count(&c, "gcov_functions", i, "entry_count", f->entry_count);
		count(&c, "gcov_functions", i, "returns", f->returns);
		count(&c, "gcov_functions", i, "first_call", f->first_call);
		id_of(&c, "gcov_functions", i, "function", f->function, d->n_functions);
	}
	for (i = 0; i < d->n_lines; i++)
		count(&c, "lines", i, "count", d->lines[i].count);
	for (i = 0; i < d->n_branches; i++)
		for (k = 0; k < d->branches[i].n_outcomes; k++)
			count(&c, "branches", i, "count", d->branches[i].outcomes[k].count);
	for (i = 0; i < d->n_loops; i++) {
		count(&c, "loops", i, "entries", d->loops[i].entries);
		count(&c, "loops", i, "iterations", d->loops[i].iterations);
	}
	check_values(&c, d);
	return c.failed ? -1 : 0;
}
