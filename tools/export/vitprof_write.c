/* SPDX-License-Identifier: MIT */
/*
 * vitprof_write.c - the one writer of the .vitprof document
 * (docs/vitprof-format.md, docs/vitprof.schema.json): the model (struct
 * vpdoc, model/document.h) as JSON, version 3 when it has value profiles,
 * else 2, which older readers read. `vitprof export --format vitprof` and
 * `vitprof merge` both write through it.
 *
 * The writer adds nothing and leaves nothing out that the model holds:
 * arrays in their order, times when program.time_available, inline frames
 * when an edge has some, the five arc-counter arrays when has_gcov, the
 * value sites when there are some. Streamed (json_write.c): the top level
 * and the arrays one item per line, each item on one line.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "tool_internal.h"

/* "count", "time", "context" or "context,time". */
static const char *mode_name(const struct vpdoc_program *p)
{
	if (p->context)
		return p->context == 2 ? "context,time" : "context";
	return p->time_mode ? "time" : "count";
}

static void write_program(struct json_writer *w, const struct vpdoc_program *p)
{
	json_key(w, "program");
	json_begin_object(w);
	json_kv_string(w, "path", p->path ? p->path : "");
	json_kv_int(w, "pid", p->pid);
	json_kv_int(w, "ppid", p->ppid);
	json_kv_string(w, "host", p->host ? p->host : "");
	json_kv_string(w, "mode", mode_name(p));
	json_kv_string(w, "state", p->running ? "running" : "exited");
	json_kv_bool(w, "fork_child", p->fork_child);
	json_kv_uint(w, "threads", p->threads);
	json_kv_uint(w, "start_time_ns", p->start_time_ns);
	json_key(w, "end_time_ns");
	if (p->has_end_time)
		json_uint(w, p->end_time_ns);
	else
		json_null(w);
	json_kv_uint(w, "lost_calls", p->lost_calls);
	json_kv_uint(w, "lost_frames", p->lost_frames);
	json_kv_uint(w, "lost_sections", p->lost_sections);
	json_kv_string(w, "time_unit", "ns");
	json_kv_bool(w, "time_available", p->time_available);
	json_end_object(w);
}

/* An id member: the index, or null. */
static void kv_id(struct json_writer *w, const char *key, uint32_t id)
{
	json_key(w, key);
	if (id == VPDOC_NONE)
		json_null(w);
	else
		json_uint(w, id);
}

static void write_modules(struct json_writer *w, const struct vpdoc *d)
{
	json_key(w, "modules");
	json_begin_array(w);
	for (size_t i = 0; i < d->n_modules; i++) {
		const struct vpdoc_module *m = &d->modules[i];
		json_begin_object(w);
		json_kv_uint(w, "id", m->id);
		json_kv_string(w, "path", m->path);
		json_kv_string(w, "build_id", m->build_id);
		json_kv_uint(w, "load_bias", m->load_bias);
		kv_id(w, "same_as", m->same_as);
		json_end_object(w);
	}
	json_end_array(w);
}

static void write_functions(struct json_writer *w, const struct vpdoc *d)
{
	int timed = d->program.time_available;

	json_key(w, "functions");
	json_begin_array(w);
	for (size_t i = 0; i < d->n_functions; i++) {
		const struct vpdoc_function *f = &d->functions[i];
		json_begin_object(w);
		json_kv_uint(w, "id", i);
		json_kv_string(w, "name", f->name);
		json_kv_string(w, "linkage_name", f->linkage_name);
		json_kv_string(w, "file", f->file);
		json_kv_uint(w, "line", f->line);
		kv_id(w, "module", f->module);
		json_kv_uint(w, "address", f->address);
		json_kv_bool(w, "instrumented", f->instrumented);
		json_kv_uint(w, "calls", f->calls);
		if (timed) {
			json_kv_uint(w, "self_ns", f->self_ns);
			json_kv_uint(w, "total_ns", f->total_ns);
		}
		if (f->has_entry_count)
			json_kv_uint(w, "entry_count", f->entry_count);
		json_end_object(w);
	}
	json_end_array(w);
}

static void write_edges(struct json_writer *w, const struct vpdoc *d)
{
	int timed = d->program.time_available;

	json_key(w, "edges");
	json_begin_array(w);
	for (size_t i = 0; i < d->n_edges; i++) {
		const struct vpdoc_edge *e = &d->edges[i];
		json_begin_object(w);
		json_kv_uint(w, "caller", e->caller);
		json_kv_uint(w, "callee", e->callee);
		json_kv_string(w, "caller_name", d->functions[e->caller].name);
		json_kv_string(w, "callee_name", d->functions[e->callee].name);
		json_kv_string(w, "file", e->file);
		json_kv_uint(w, "line", e->line);
		if (e->column)
			json_kv_uint(w, "column", e->column);
		json_kv_uint(w, "site", e->site);
		json_kv_uint(w, "count", e->count);
		if (timed) {
			json_kv_uint(w, "self_ns", e->self_ns);
			json_kv_uint(w, "total_ns", e->total_ns);
		}
		if (e->n_frames) {
			json_key(w, "inline_frames");
			json_begin_array(w);
			for (size_t k = 0; k < e->n_frames; k++) {
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

static void write_gcov_objects(struct json_writer *w, const struct vpdoc *d)
{
	json_key(w, "gcov_objects");
	json_begin_array(w);
	for (size_t i = 0; i < d->n_gcov_objects; i++) {
		const struct vpdoc_gcov_object *o = &d->gcov_objects[i];
		json_begin_object(w);
		json_kv_string(w, "gcda", o->gcda);
		json_kv_string(w, "gcno", o->gcno);
		json_kv_string(w, "mode", o->in_place ? "in-place" : "copy");
		json_kv_uint(w, "stamp", o->stamp);
		json_kv_uint(w, "functions", o->functions);
		json_kv_bool(w, "counted", o->counted);
		json_end_object(w);
	}
	json_end_array(w);
}

static void write_gcov_functions(struct json_writer *w, const struct vpdoc *d)
{
	json_key(w, "gcov_functions");
	json_begin_array(w);
	for (size_t i = 0; i < d->n_gcov_functions; i++) {
		const struct vpdoc_gcov_function *f = &d->gcov_functions[i];
		json_begin_object(w);
		json_kv_string(w, "name", f->name);
		json_kv_string(w, "file", f->file);
		json_kv_uint(w, "line", f->line);
		json_kv_uint(w, "end_line", f->end_line);
		json_kv_uint(w, "entry_count", f->entry_count);
		json_kv_uint(w, "returns", f->returns);
		json_kv_uint(w, "blocks", f->blocks);
		json_kv_uint(w, "blocks_executed", f->blocks_executed);
		if (f->has_first_call)
			json_kv_uint(w, "first_call", f->first_call);
		kv_id(w, "function", f->function);
		json_end_object(w);
	}
	json_end_array(w);
}

static void write_lines(struct json_writer *w, const struct vpdoc *d)
{
	json_key(w, "lines");
	json_begin_array(w);
	for (size_t i = 0; i < d->n_lines; i++) {
		json_begin_object(w);
		json_kv_string(w, "file", d->lines[i].file);
		json_kv_uint(w, "line", d->lines[i].line);
		json_kv_uint(w, "count", d->lines[i].count);
		json_end_object(w);
	}
	json_end_array(w);
}

static void write_branches(struct json_writer *w, const struct vpdoc *d)
{
	json_key(w, "branches");
	json_begin_array(w);
	for (size_t i = 0; i < d->n_branches; i++) {
		const struct vpdoc_branch *b = &d->branches[i];
		json_begin_object(w);
		json_kv_string(w, "file", b->file);
		json_kv_uint(w, "line", b->line);
		json_key(w, "outcomes");
		json_begin_array(w);
		for (size_t k = 0; k < b->n_outcomes; k++) {
			const struct vpdoc_outcome *u = &b->outcomes[k];
			json_begin_object(w);
			json_kv_uint(w, "count", u->count);
			json_kv_bool(w, "fallthrough", u->fallthrough);
			json_kv_uint(w, "branch", u->branch);
			if (u->is_throw)
				json_kv_bool(w, "throw", 1);
			json_end_object(w);
		}
		json_end_array(w);
		json_end_object(w);
	}
	json_end_array(w);
}

static void write_loops(struct json_writer *w, const struct vpdoc *d)
{
	json_key(w, "loops");
	json_begin_array(w);
	for (size_t i = 0; i < d->n_loops; i++) {
		const struct vpdoc_loop *l = &d->loops[i];
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

int vitprof_write(FILE *out, const struct vpdoc *d)
{
	struct json_writer w;

	json_init(&w, out, 2);
	json_begin_object(&w);
	json_kv_string(&w, "format", "vitprof");
	json_kv_uint(&w, "version", d->has_values ? 3 : 2);
	json_kv_string(&w, "producer", TOOL_PRODUCER);
	write_program(&w, &d->program);
	write_modules(&w, d);
	write_functions(&w, d);
	write_edges(&w, d);
	json_key(&w, "hot_spots");
	json_begin_array(&w);
	for (size_t i = 0; i < d->n_hot; i++)
		json_uint(&w, d->hot[i]);
	json_end_array(&w);
	if (d->has_gcov) {
		write_gcov_objects(&w, d);
		write_gcov_functions(&w, d);
		write_lines(&w, d);
		write_branches(&w, d);
		write_loops(&w, d);
		if (d->n_value_sites)
			value_sites_write(&w, d->value_sites, d->n_value_sites);
	}
	json_end_object(&w);
	return json_finish(&w);
}

int vitprof_write_profile(FILE *out, const struct profile *p, struct coverage *cov)
{
	struct vpdoc d;
	int rc;

	if (document_from_profile(&d, p, cov, p->raw->file) != 0) {
		document_free(&d);
		return -2;
	}
	rc = vitprof_write(out, &d);
	document_free(&d);
	return rc;
}
