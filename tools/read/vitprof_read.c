/* SPDX-License-Identifier: MIT */
/*
 * vitprof_read.c - reads a .vitprof document (format version 2 or 3) into
 * the document model (struct vpdoc, model/document.h), for `vitprof merge`,
 * `vitprof overlap` and the commands that read a document as a profile.
 *
 * Parsing is jansson's (a small, well-kept library in Debian): a JSON parser
 * written here would be one more parser to fuzz and maintain. On top of it
 * this file checks what the tool relies on: format and version, the type of
 * every member read, required members, and every id reference (functions[i]
 * is i, callers, callees, modules, same_as, hot spots, gcov functions). The
 * first problem is reported as one line "vitprof: FILE: WHAT" naming the
 * array element and member. Unknown members are ignored.
 *
 * jansson's integers are int64: a count above 2^63-1 is refused ("integer
 * out of range"), and a merge refuses a sum past it (doc_merge.c).
 *
 * Bad input returns -1 after its one line; allocation failure exits
 * (tool_oom()).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* json_write.c's json_string() and json_null() have jansson's names: this
 * file uses jansson's, so the writer's are declared under other names. */
#define json_string tool_json_string_unused
#define json_null tool_json_null_unused
#include "tool_internal.h"
#undef json_string
#undef json_null
#include <jansson.h>

struct rd {
	const char *name;
	char where[96];             /* the element being read, for messages */
	int failed;
};

static int fail(struct rd *r, const char *fmt, ...) TOOL_PRINTF(2, 3);

static int fail(struct rd *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (r->failed)
		return -1;
	r->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (r->where[0])
		tool_error(r->name, "%s: %s", r->where, msg);
	else
		tool_error(r->name, "%s", msg);
	return -1;
}

static char *dup_str(const char *s)
{
	char *d = strdup(s);

	if (!d)
		tool_oom();
	return d;
}

static json_t *member(struct rd *r, json_t *obj, const char *key, int required)
{
	json_t *v = json_object_get(obj, key);

	if (!v && required)
		fail(r, "missing member '%s'", key);
	return v;
}

/* An unsigned integer member; null_ok: null gives *null_seen = 1. */
static int get_uint(struct rd *r, json_t *obj, const char *key, uint64_t *out)
{
	json_t *v = member(r, obj, key, 1);
	json_int_t i;

	if (!v)
		return -1;
	if (!json_is_integer(v))
		return fail(r, "'%s' is not an integer", key);
	i = json_integer_value(v);
	if (i < 0)
		return fail(r, "'%s' is negative", key);
	*out = (uint64_t)i;
	return 0;
}

static int get_opt_uint(struct rd *r, json_t *obj, const char *key, uint64_t *out, int *present)
{
	*present = 0;
	*out = 0;
	if (!json_object_get(obj, key))
		return 0;
	*present = 1;
	return get_uint(r, obj, key, out);
}

static int get_int(struct rd *r, json_t *obj, const char *key, int64_t *out)
{
	json_t *v = member(r, obj, key, 1);

	if (!v)
		return -1;
	if (!json_is_integer(v))
		return fail(r, "'%s' is not an integer", key);
	*out = json_integer_value(v);
	return 0;
}

static int get_bool(struct rd *r, json_t *obj, const char *key, int *out)
{
	json_t *v = member(r, obj, key, 1);

	if (!v)
		return -1;
	if (!json_is_boolean(v))
		return fail(r, "'%s' is not a boolean", key);
	*out = json_is_true(v);
	return 0;
}

/* A string member (null_ok: null gives NULL). */
static int get_str(struct rd *r, json_t *obj, const char *key, int null_ok, char **out)
{
	json_t *v = member(r, obj, key, 1);

	*out = NULL;
	if (!v)
		return -1;
	if (json_is_null(v) && null_ok)
		return 0;
	if (!json_is_string(v))
		return fail(r, "'%s' is not a string%s", key, null_ok ? " or null" : "");
	*out = dup_str(json_string_value(v));
	return 0;
}

/* An id member: an integer below limit, or null when null_ok. */
static int get_id(struct rd *r, json_t *obj, const char *key, size_t limit, int null_ok,
                  uint32_t *out)
{
	json_t *v = member(r, obj, key, 1);
	json_int_t i;

	*out = VPDOC_NONE;
	if (!v)
		return -1;
	if (json_is_null(v) && null_ok)
		return 0;
	if (!json_is_integer(v))
		return fail(r, "'%s' is not an id", key);
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i >= limit)
		return fail(r, "'%s' %lld refers to nothing (%zu items)", key, (long long)i, limit);
	*out = (uint32_t)i;
	return 0;
}

/* The array member key (required unless optional), its length in *n and
 * a zeroed array of n elements of size sz in *items. */
static json_t *get_array(struct rd *r, json_t *obj, const char *key, int required,
                         size_t sz, void **items, size_t *n)
{
	json_t *v = member(r, obj, key, required);

	*items = NULL;
	*n = 0;
	if (!v)
		return NULL;
	if (!json_is_array(v)) {
		fail(r, "'%s' is not an array", key);
		return NULL;
	}
	*n = json_array_size(v);
	*items = calloc(*n ? *n : 1, sz);
	if (!*items)
		tool_oom();
	return v;
}

static json_t *element(struct rd *r, json_t *arr, const char *key, size_t i)
{
	json_t *e = json_array_get(arr, i);

	snprintf(r->where, sizeof r->where, "%s[%zu]", key, i);
	if (!json_is_object(e)) {
		fail(r, "not an object");
		return NULL;
	}
	return e;
}

static int read_program(struct rd *r, json_t *root, struct vpdoc *d)
{
	struct vpdoc_program *p = &d->program;
	json_t *o = member(r, root, "program", 1), *end;
	char *mode = NULL, *state = NULL;
	int rc;

	if (!o)
		return -1;
	snprintf(r->where, sizeof r->where, "program");
	if (!json_is_object(o))
		return fail(r, "not an object");
	rc = get_str(r, o, "path", 0, &p->path) | get_int(r, o, "pid", &p->pid) |
	     get_int(r, o, "ppid", &p->ppid) | get_str(r, o, "host", 0, &p->host) |
	     get_str(r, o, "mode", 0, &mode) | get_str(r, o, "state", 0, &state) |
	     get_bool(r, o, "fork_child", &p->fork_child) |
	     get_uint(r, o, "threads", &p->threads) |
	     get_uint(r, o, "start_time_ns", &p->start_time_ns) |
	     get_uint(r, o, "lost_calls", &p->lost_calls) |
	     get_uint(r, o, "lost_frames", &p->lost_frames) |
	     get_uint(r, o, "lost_sections", &p->lost_sections) |
	     get_bool(r, o, "time_available", &p->time_available);
	if (rc == 0) {
		end = member(r, o, "end_time_ns", 1);
		if (!end)
			rc = -1;
		else if (!json_is_null(end)) {
			p->has_end_time = 1;
			rc = get_uint(r, o, "end_time_ns", &p->end_time_ns);
		}
	}
	if (rc == 0 && strcmp(mode, "count") != 0 && strcmp(mode, "time") != 0 &&
	    strcmp(mode, "context") != 0 && strcmp(mode, "context,time") != 0)
		rc = fail(r, "unknown mode '%s'", mode);
	if (rc == 0 && strcmp(state, "exited") != 0 && strcmp(state, "running") != 0)
		rc = fail(r, "unknown state '%s'", state);
	if (rc == 0) {
		p->time_mode = strcmp(mode, "time") == 0;
		p->context = strcmp(mode, "context") == 0 ? 1 : strcmp(mode, "context,time") == 0 ? 2 : 0;
		p->running = strcmp(state, "running") == 0;
		if (p->pid < 1 || p->ppid < 0)
			rc = fail(r, "pid %lld or ppid %lld out of range", (long long)p->pid,
			          (long long)p->ppid);
	}
	free(mode);
	free(state);
	return rc ? -1 : 0;
}

static int read_modules(struct rd *r, json_t *root, struct vpdoc *d)
{
	json_t *a = get_array(r, root, "modules", 1, sizeof *d->modules,
	                      (void **)&d->modules, &d->n_modules), *e;
	size_t i;
	uint64_t id;

	if (!a)
		return -1;
	for (i = 0; i < d->n_modules; i++) {
		struct vpdoc_module *m = &d->modules[i];
		if (!(e = element(r, a, "modules", i)))
			return -1;
		if (get_uint(r, e, "id", &id) || get_str(r, e, "path", 0, &m->path) ||
		    get_str(r, e, "build_id", 1, &m->build_id) ||
		    get_uint(r, e, "load_bias", &m->load_bias) ||
		    get_id(r, e, "same_as", d->n_modules, 1, &m->same_as))
			return -1;
		if (id != i)
			return fail(r, "id %llu is not its index", (unsigned long long)id);
		m->id = (uint32_t)i;
	}
	return 0;
}

static int read_functions(struct rd *r, json_t *root, struct vpdoc *d)
{
	json_t *a = get_array(r, root, "functions", 1, sizeof *d->functions,
	                      (void **)&d->functions, &d->n_functions), *e;
	size_t i;
	uint64_t id;
	int present;

	if (!a)
		return -1;
	for (i = 0; i < d->n_functions; i++) {
		struct vpdoc_function *f = &d->functions[i];
		if (!(e = element(r, a, "functions", i)))
			return -1;
		if (get_uint(r, e, "id", &id) || get_str(r, e, "name", 0, &f->name) ||
		    get_str(r, e, "linkage_name", 0, &f->linkage_name) ||
		    get_str(r, e, "file", 1, &f->file) || get_uint(r, e, "line", &f->line) ||
		    get_id(r, e, "module", d->n_modules, 1, &f->module) ||
		    get_uint(r, e, "address", &f->address) ||
		    get_bool(r, e, "instrumented", &f->instrumented) ||
		    get_uint(r, e, "calls", &f->calls) ||
		    get_opt_uint(r, e, "self_ns", &f->self_ns, &present) ||
		    get_opt_uint(r, e, "total_ns", &f->total_ns, &present) ||
		    get_opt_uint(r, e, "entry_count", &f->entry_count, &f->has_entry_count))
			return -1;
		if (id != i)
			return fail(r, "id %llu is not its index", (unsigned long long)id);
	}
	return 0;
}

static int read_frames(struct rd *r, json_t *e, struct vpdoc_edge *x)
{
	json_t *a = json_object_get(e, "inline_frames"), *f;
	size_t i;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return fail(r, "'inline_frames' is not an array");
	x->n_frames = json_array_size(a);
	x->frames = calloc(x->n_frames ? x->n_frames : 1, sizeof *x->frames);
	if (!x->frames)
		tool_oom();
	for (i = 0; i < x->n_frames; i++) {
		f = json_array_get(a, i);
		if (!json_is_object(f))
			return fail(r, "inline_frames[%zu] is not an object", i);
		if (get_str(r, f, "function", 1, &x->frames[i].function) ||
		    get_str(r, f, "file", 1, &x->frames[i].file) ||
		    get_uint(r, f, "line", &x->frames[i].line))
			return -1;
	}
	return 0;
}

static int read_edges(struct rd *r, json_t *root, struct vpdoc *d)
{
	json_t *a = get_array(r, root, "edges", 1, sizeof *d->edges, (void **)&d->edges,
	                      &d->n_edges), *e;
	size_t i;
	int present;

	if (!a)
		return -1;
	for (i = 0; i < d->n_edges; i++) {
		struct vpdoc_edge *x = &d->edges[i];
		if (!(e = element(r, a, "edges", i)))
			return -1;
		if (get_id(r, e, "caller", d->n_functions, 0, &x->caller) ||
		    get_id(r, e, "callee", d->n_functions, 0, &x->callee) ||
		    get_str(r, e, "file", 1, &x->file) || get_uint(r, e, "line", &x->line) ||
		    get_uint(r, e, "site", &x->site) || get_uint(r, e, "count", &x->count) ||
		    get_opt_uint(r, e, "column", &x->column, &present) ||
		    get_opt_uint(r, e, "self_ns", &x->self_ns, &present) ||
		    get_opt_uint(r, e, "total_ns", &x->total_ns, &present) ||
		    read_frames(r, e, x))
			return -1;
	}
	return 0;
}

static int read_hot(struct rd *r, json_t *root, struct vpdoc *d)
{
	json_t *a = get_array(r, root, "hot_spots", 1, sizeof *d->hot, (void **)&d->hot,
	                      &d->n_hot), *v;
	size_t i;

	if (!a)
		return -1;
	snprintf(r->where, sizeof r->where, "hot_spots");
	for (i = 0; i < d->n_hot; i++) {
		v = json_array_get(a, i);
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    (uint64_t)json_integer_value(v) >= d->n_functions)
			return fail(r, "item %zu is not a function id", i);
		d->hot[i] = (uint32_t)json_integer_value(v);
	}
	return 0;
}

static int read_gcov(struct rd *r, json_t *root, struct vpdoc *d)
{
	static const char *const names[] = {"gcov_objects", "gcov_functions", "lines",
	                                    "branches", "loops"};
	json_t *a, *e, *oc;
	size_t i, k, present = 0;
	char *mode = NULL;

	for (i = 0; i < 5; i++)
		present += json_object_get(root, names[i]) != NULL;
	if (!present)
		return 0;
	if (present != 5)
		return fail(r, "the arc-counter arrays (gcov_objects, gcov_functions, lines, "
		            "branches, loops) must be present together");
	d->has_gcov = 1;
	a = get_array(r, root, "gcov_objects", 1, sizeof *d->gcov_objects,
	              (void **)&d->gcov_objects, &d->n_gcov_objects);
	if (!a)
		return -1;
	for (i = 0; i < d->n_gcov_objects; i++) {
		struct vpdoc_gcov_object *o = &d->gcov_objects[i];
		if (!(e = element(r, a, "gcov_objects", i)))
			return -1;
		if (get_str(r, e, "gcda", 0, &o->gcda) || get_str(r, e, "gcno", 0, &o->gcno) ||
		    get_str(r, e, "mode", 0, &mode) || get_uint(r, e, "stamp", &o->stamp) ||
		    get_uint(r, e, "functions", &o->functions) ||
		    get_bool(r, e, "counted", &o->counted))
			return free(mode), -1;
		o->in_place = strcmp(mode, "in-place") == 0;
		if (!o->in_place && strcmp(mode, "copy") != 0) {
			fail(r, "unknown mode '%s'", mode);
			free(mode);
			return -1;
		}
		free(mode);
		mode = NULL;
	}
	a = get_array(r, root, "gcov_functions", 1, sizeof *d->gcov_functions,
	              (void **)&d->gcov_functions, &d->n_gcov_functions);
	if (!a)
		return -1;
	for (i = 0; i < d->n_gcov_functions; i++) {
		struct vpdoc_gcov_function *f = &d->gcov_functions[i];
		if (!(e = element(r, a, "gcov_functions", i)))
			return -1;
		if (get_str(r, e, "name", 0, &f->name) || get_str(r, e, "file", 1, &f->file) ||
		    get_uint(r, e, "line", &f->line) || get_uint(r, e, "end_line", &f->end_line) ||
		    get_uint(r, e, "entry_count", &f->entry_count) ||
		    get_uint(r, e, "returns", &f->returns) || get_uint(r, e, "blocks", &f->blocks) ||
		    get_uint(r, e, "blocks_executed", &f->blocks_executed) ||
		    get_id(r, e, "function", d->n_functions, 1, &f->function) ||
		    get_opt_uint(r, e, "first_call", &f->first_call, &f->has_first_call))
			return -1;
	}
	a = get_array(r, root, "lines", 1, sizeof *d->lines, (void **)&d->lines, &d->n_lines);
	if (!a)
		return -1;
	for (i = 0; i < d->n_lines; i++) {
		if (!(e = element(r, a, "lines", i)))
			return -1;
		if (get_str(r, e, "file", 0, &d->lines[i].file) ||
		    get_uint(r, e, "line", &d->lines[i].line) ||
		    get_uint(r, e, "count", &d->lines[i].count))
			return -1;
	}
	a = get_array(r, root, "branches", 1, sizeof *d->branches, (void **)&d->branches,
	              &d->n_branches);
	if (!a)
		return -1;
	for (i = 0; i < d->n_branches; i++) {
		struct vpdoc_branch *b = &d->branches[i];
		if (!(e = element(r, a, "branches", i)))
			return -1;
		if (get_str(r, e, "file", 0, &b->file) || get_uint(r, e, "line", &b->line))
			return -1;
		oc = get_array(r, e, "outcomes", 1, sizeof *b->outcomes, (void **)&b->outcomes,
		               &b->n_outcomes);
		if (!oc)
			return -1;
		for (k = 0; k < b->n_outcomes; k++) {
			json_t *x = json_array_get(oc, k), *t;
			struct vpdoc_outcome *u = &b->outcomes[k];
			if (!json_is_object(x))
				return fail(r, "outcomes[%zu] is not an object", k);
			if (get_uint(r, x, "count", &u->count) ||
			    get_bool(r, x, "fallthrough", &u->fallthrough) ||
			    get_uint(r, x, "branch", &u->branch))
				return -1;
			t = json_object_get(x, "throw");
			if (t && !json_is_boolean(t))
				return fail(r, "outcomes[%zu]: 'throw' is not a boolean", k);
			u->is_throw = t && json_is_true(t);
		}
	}
	a = get_array(r, root, "loops", 1, sizeof *d->loops, (void **)&d->loops, &d->n_loops);
	if (!a)
		return -1;
	for (i = 0; i < d->n_loops; i++) {
		struct vpdoc_loop *l = &d->loops[i];
		if (!(e = element(r, a, "loops", i)))
			return -1;
		if (get_str(r, e, "function", 0, &l->function) ||
		    get_str(r, e, "file", 1, &l->file) || get_uint(r, e, "line", &l->line) ||
		    get_uint(r, e, "depth", &l->depth) || get_uint(r, e, "entries", &l->entries) ||
		    get_uint(r, e, "iterations", &l->iterations))
			return -1;
	}
	return 0;
}

/* A topn site's list: values (kind topn) or targets (indirect_call). */
static int read_value_list(struct rd *r, json_t *e, struct vpdoc_value_site *s)
{
	int indirect = s->kind == GCOV_KIND_INDIRECT;
	const char *key = indirect ? "targets" : "values";
	json_t *a = get_array(r, e, key, 1, sizeof *s->values, (void **)&s->values,
	                      &s->n_values);
	uint64_t id;

	if (!a)
		return -1;
	for (size_t k = 0; k < s->n_values; k++) {
		json_t *x = json_array_get(a, k);
		struct vpdoc_value *v = &s->values[k];
		if (!json_is_object(x))
			return fail(r, "%s[%zu] is not an object", key, k);
		if (get_uint(r, x, "count", &v->count))
			return -1;
		if (!indirect) {
			if (get_int(r, x, "value", &v->value))
				return -1;
			continue;
		}
		if (get_uint(r, x, "profile_id", &id) || get_str(r, x, "function", 1, &v->function) ||
		    get_str(r, x, "file", 1, &v->file) || get_uint(r, x, "line", &v->line))
			return -1;
		if (id > UINT32_MAX)
			return fail(r, "%s[%zu]: profile_id %" PRIu64 " is past 2^32-1", key, k, id);
		v->value = (int64_t)id;
	}
	return 0;
}

/* value_sites (version 3): the value profiles by function and site. */
static int read_value_sites(struct rd *r, json_t *root, struct vpdoc *d)
{
	json_t *a = get_array(r, root, "value_sites", 0, sizeof *d->value_sites,
	                      (void **)&d->value_sites, &d->n_value_sites);
	json_t *e, *c;
	char *kind = NULL;

	if (!a)
		return r->failed ? -1 : 0;
	if (!d->has_gcov)
		return fail(r, "value_sites without the arc-counter arrays");
	for (size_t i = 0; i < d->n_value_sites; i++) {
		struct vpdoc_value_site *s = &d->value_sites[i];
		if (!(e = element(r, a, "value_sites", i)))
			return -1;
		if (get_str(r, e, "function", 0, &s->function) ||
		    get_str(r, e, "file", 1, &s->file) || get_uint(r, e, "line", &s->line) ||
		    get_str(r, e, "kind", 0, &kind) || get_uint(r, e, "site", &s->site))
			return free(kind), -1;
		if (json_object_get(e, "site_file") &&
		    (get_str(r, e, "site_file", 1, &s->site_file) ||
		     (s->site_file && get_uint(r, e, "site_line", &s->site_line))))
			return free(kind), -1;
		s->kind = gcov_kind_by_name(kind);
		if (!s->kind) {
			fail(r, "unknown kind '%s'", kind);
			free(kind);
			return -1;
		}
		free(kind);
		kind = NULL;
		if (gcov_kind_is_topn(s->kind)) {
			if (get_uint(r, e, "total", &s->total) || get_bool(r, e, "dropped", &s->dropped) ||
			    read_value_list(r, e, s))
				return -1;
			continue;
		}
		c = get_array(r, e, "counters", 1, sizeof *s->counters, (void **)&s->counters,
		              &s->n_counters);
		if (!c)
			return -1;
		if (!s->n_counters || s->n_counters > VALUE_SITE_COUNTERS_MAX)
			return fail(r, "%zu counters (1 to %u)", s->n_counters,
			            VALUE_SITE_COUNTERS_MAX);
		for (size_t k = 0; k < s->n_counters; k++) {
			json_t *x = json_array_get(c, k);
			if (!json_is_integer(x))
				return fail(r, "counters[%zu] is not an integer", k);
			s->counters[k] = json_integer_value(x);
		}
	}
	return 0;
}

int vitprof_read_mem(const void *data, size_t size, const char *name, struct vpdoc *d)
{
	struct rd r = {name, "", 0};
	json_error_t err;
	json_t *root, *v;
	int rc = -1;

	memset(d, 0, sizeof *d);
	d->name = dup_str(name);
	root = json_loadb(data, size, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		if (json_error_code(&err) == json_error_out_of_memory)
			tool_oom();
		if (json_error_code(&err) == json_error_numeric_overflow)
			tool_error(name, "integer out of range at line %d column %d: a .vitprof"
			           " document's integers are read up to 2^63-1", err.line, err.column);
		else
			tool_error(name, "invalid JSON at line %d column %d: %s", err.line,
			           err.column, err.text);
		return -1;
	}
	if (!json_is_object(root)) {
		tool_error(name, "not a vitprof profile (not a JSON object)");
		goto out;
	}
	v = json_object_get(root, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), "vitprof") != 0) {
		tool_error(name, "not a vitprof profile (no \"format\": \"vitprof\")");
		goto out;
	}
	v = json_object_get(root, "version");
	if (!json_is_integer(v)) {
		tool_error(name, "no format version");
		goto out;
	}
	if (json_integer_value(v) != 2 && json_integer_value(v) != 3) {
		tool_error(name, "profile format version %lld, this vitprof reads versions 2"
		           " and 3",
		           (long long)json_integer_value(v));
		goto out;
	}
	if (read_program(&r, root, d) || read_modules(&r, root, d) ||
	    read_functions(&r, root, d) || read_edges(&r, root, d) || read_hot(&r, root, d) ||
	    read_gcov(&r, root, d) || read_value_sites(&r, root, d))
		goto out;
	d->has_values = d->n_value_sites != 0;
	for (size_t i = 0; i < d->n_gcov_functions; i++)
		d->has_values |= d->gcov_functions[i].has_first_call;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int vitprof_read(const char *path, struct vpdoc *d)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t size = 0, cap = 0, n;
	int rc;

	memset(d, 0, sizeof *d);
	if (!f) {
		tool_error(path, "cannot open: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		if (size == cap) {
			char *p = realloc(buf, cap = cap ? cap * 2 : 1 << 16);
			if (!p)
				tool_oom();
			buf = p;
		}
		n = fread(buf + size, 1, cap - size, f);
		size += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		tool_error(path, "cannot read: %s", strerror(errno));
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	if (size == 0) {
		free(buf);
		tool_error(path, "empty file: not a vitprof profile");
		return -1;
	}
	rc = vitprof_read_mem(buf, size, path, d);
	free(buf);
	return rc;
}

int vitprof_read_is_document(const char *path)
{
	FILE *f = fopen(path, "rb");
	int c;

	if (!f)
		return 0;
	while ((c = getc(f)) != EOF && isspace(c))
		;
	fclose(f);
	return c == '{';
}
