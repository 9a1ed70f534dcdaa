/* SPDX-License-Identifier: MIT */
/*
 * value_sites.c - the value profiles of -fprofile-generate code, by
 * function and site: what the .vitprof document's "value_sites" and
 * `vitprof show --values` present.
 *
 * The counters come from the raw profile (struct raw_gcov_object, .gcda
 * form); the functions they belong to from the .gcno that coverage.c read
 * and checked (same stamp; per-function checksums checked by the solver).
 * Records of one .gcda (a library loaded twice) are merged as libgcov
 * merges them (gcov_values_merge). The target of an indirect call is the
 * callee's profile id, which GCC writes as the function's ident in the
 * .gcno; it is named from every .gcno of the profile, and left unnamed
 * when no function or more than one has that ident.
 *
 * Where a site is in its function is not in the .gcno (blocks and lines,
 * not value sites), so sites are keyed by function and index. The site's
 * own line comes from the training build's object, beside the .gcda
 * (<dir>/<base>.gcda <-> <dir>/<base>.o): GCC's code passes the address
 * of the site's first counter in __gcov<kind>.<function> to the profiler,
 * and the object's line table gives that instruction's line
 * (symbolizer/obj_refs.c). No object, no DWARF, or counter arrays that do
 * not match the record (another build): no site lines for that object,
 * one warning.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_write.h"
#include "base/tool.h"
#include "coverage/coverage.h"
#include "model/value_sites.h"
#include "read/gcov_files.h"
#include "read/gcov_values.h"
#include "read/raw_profile.h"
#include "symbolizer.h"

/* Counters per site of the fixed-size kinds (GCC 10 to 13): interval is
 * only used with 2 steps (unsigned modulo: quotient 0, 1, larger,
 * negative), pow2 (not a power of 2, power of 2), average (sum, count),
 * ior (the or of the values). */
static uint32_t site_width(unsigned t)
{
	switch (t) {
	case GCOV_KIND_INTERVAL: return 4;
	case GCOV_KIND_POW2: return 2;
	case GCOV_KIND_AVERAGE: return 2;
	case GCOV_KIND_IOR: return 1;
	default: return 0;
	}
}

/* Counters per site in the object's arrays (GCC 10 to 13): the topn
 * kinds keep a total, a count and a pointer to their value list there. */
static uint32_t object_site_width(unsigned t)
{
	return gcov_kind_is_topn(t) ? 3 : site_width(t);
}

/* ---- profile id -> function ---------------------------------------------- */

struct ident_entry {
	uint32_t ident;
	int ambiguous;
	const struct gcno_function *fn;
};

static int ident_order(const void *a, const void *b)
{
	const struct ident_entry *x = a, *y = b;

	return x->ident < y->ident ? -1 : x->ident > y->ident;
}

static int same_function(const struct gcno_function *a, const struct gcno_function *b)
{
	return strcmp(a->name, b->name) == 0 &&
	       strcmp(a->source ? a->source : "", b->source ? b->source : "") == 0 &&
	       a->start_line == b->start_line;
}

/* Every function of every .gcno of c, sorted by ident, one entry per ident
 * (ambiguous set when two different functions share it). */
static struct ident_entry *ident_table(const struct coverage *c, size_t *n_out)
{
	struct ident_entry *t;
	size_t n = 0, i, k, u = 0;

	for (i = 0; i < c->n_objects; i++)
		if (c->objects[i].gcno)
			n += c->objects[i].gcno->n_functions;
	t = xcalloc(n, sizeof *t);
	n = 0;
	for (i = 0; i < c->n_objects; i++) {
		const struct gcno_file *g = c->objects[i].gcno;
		for (k = 0; g && k < g->n_functions; k++)
			t[n++] = (struct ident_entry){g->functions[k].ident, 0, &g->functions[k]};
	}
	qsort(t, n, sizeof *t, ident_order);
	for (i = 0; i < n; i++) {
		if (u && t[u - 1].ident == t[i].ident) {
			if (!same_function(t[u - 1].fn, t[i].fn))
				t[u - 1].ambiguous = 1;
			continue;
		}
		t[u++] = t[i];
	}
	*n_out = u;
	return t;
}

static const struct gcno_function *ident_find(const struct ident_entry *t, size_t n,
                                              int64_t value)
{
	struct ident_entry key, *e;

	if (value < 0 || value > (int64_t)UINT32_MAX)
		return NULL;
	key.ident = (uint32_t)value;
	e = bsearch(&key, t, n, sizeof *t, ident_order);
	return e && !e->ambiguous ? e->fn : NULL;
}

/* ---- sites --------------------------------------------------------------- */

struct site_list {
	struct vpdoc_value_site *v;
	size_t n, cap;
};

static struct vpdoc_value_site *new_site(struct site_list *l, const struct gcno_function *fn,
                                         unsigned t, uint64_t index)
{
	struct vpdoc_value_site *s;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	s = &l->v[l->n++];
	memset(s, 0, sizeof *s);
	s->function = xstrdup(fn->name);
	s->file = xstrdup(fn->source);
	s->line = fn->start_line;
	s->kind = t;
	s->site = index;
	return s;
}

static int value_order(const void *a, const void *b)
{
	const struct vpdoc_value *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->value < y->value ? -1 : x->value > y->value;
}

/* The topn sites of kind t of fn from v (.gcda form, checked by the
 * reader). Returns 0, or -1 when the words are not whole sites. */
static int add_topn(struct site_list *l, const struct gcno_function *fn, unsigned t,
                    const struct gcov_values *v, const struct ident_entry *ids, size_t n_ids)
{
	uint32_t i = 0, site = 0;

	while (i < v->n_words) {
		struct vpdoc_value_site *s;
		int64_t total, n;

		if (v->n_words - i < 2)
			return -1;
		total = v->v[i];
		n = v->v[i + 1];
		if (n < 0 || (uint64_t)n > (v->n_words - i - 2) / 2)
			return -1;
		s = new_site(l, fn, t, site++);
		s->dropped = total < 0;
		s->total = total < 0 ? -(uint64_t)total : (uint64_t)total;
		s->values = xcalloc((size_t)n, sizeof *s->values);
		s->n_values = (size_t)n;
		for (int64_t j = 0; j < n; j++) {
			struct vpdoc_value *e = &s->values[j];
			const struct gcno_function *callee;
			e->value = v->v[i + 2 + 2 * j];
			e->count = v->v[i + 3 + 2 * j] < 0 ? 0 : (uint64_t)v->v[i + 3 + 2 * j];
			if (t == GCOV_KIND_INDIRECT &&
			    (callee = ident_find(ids, n_ids, e->value)) != NULL) {
				e->function = xstrdup(callee->name);
				e->file = xstrdup(callee->source);
				e->line = callee->start_line;
			}
		}
		qsort(s->values, s->n_values, sizeof *s->values, value_order);
		i += 2 + 2 * (uint32_t)n;
	}
	return 0;
}

static void add_fixed(struct site_list *l, const struct gcno_function *fn, unsigned t,
                      const struct gcov_values *v)
{
	uint32_t w = site_width(t), i;

	/* counters that do not split evenly into sites: one site with all */
	if (!w || v->n_words % w || v->n_words / w > UINT32_MAX)
		w = v->n_words;
	for (i = 0; i + w <= v->n_words && w; i += w) {
		struct vpdoc_value_site *s = new_site(l, fn, t, i / w);
		s->counters = xcalloc(w, sizeof *s->counters);
		memcpy(s->counters, v->v + i, w * sizeof *s->counters);
		s->n_counters = w;
	}
}

/* A deep copy of one kind's counters into dst (empty before). */
static void copy_kind(struct gcov_values *dst, const struct gcov_values *src)
{
	*dst = *src;
	dst->v = NULL;
	if (src->n_words) {
		dst->v = xcalloc(src->n_words, sizeof *dst->v);
		memcpy(dst->v, src->v, src->n_words * sizeof *dst->v);
	}
}

/* The value kinds of the records of one .gcda (group[0..n)), merged into
 * acc (n_functions entries, kinds owned) as libgcov merges them. Returns
 * 0, or -1 after reporting. */
static int merge_group(const struct raw_gcov_object *const *group, size_t n,
                       struct gcov_counters *acc)
{
	const struct raw_gcov_object *o = group[0];
	char why[256];

	for (size_t k = 0; k < o->n_functions; k++)
		for (unsigned t = 1; t < GCOV_KINDS; t++) {
			if (!(o->counter_mask & (1u << t)))
				continue;
			copy_kind(&acc[k].kinds[t], &o->functions[k].kinds[t]);
			for (size_t m = 1; m < n; m++) {
				const struct gcov_values *r = &group[m]->functions[k].kinds[t];
				if (!r->n_words)
					continue;
				if (!acc[k].kinds[t].n_words) {
					copy_kind(&acc[k].kinds[t], r);
					continue;
				}
				if (gcov_values_merge(t, &acc[k].kinds[t], r, why, sizeof why) != 0) {
					tool_error(o->gcda_path, "function %zu: %s values of two records:"
					           " %s", k, gcov_kind_name(t), why);
					return -1;
				}
			}
		}
	return 0;
}

/* Calls each(g, o, merged counters, arg) for every object group of c
 * with value kinds (o: its first record); stops at the first -1. */
typedef int (*group_fn)(const struct gcno_file *g, const struct raw_gcov_object *o,
                        const struct gcov_counters *acc, void *arg);

static int for_each_group(struct coverage *c, group_fn each, void *arg)
{
	const struct raw_gcov_object **group;
	size_t i, j, n;
	int rc = 0;

	group = xcalloc(c->n_objects, sizeof *group);
	for (i = 0; i < c->n_objects && rc == 0; i++) {
		const struct cov_object *first = &c->objects[i];
		struct gcov_counters *acc;
		if (!first->gcno || !first->raw || !(first->raw->counter_mask & ~1u))
			continue;
		n = 0;
		for (j = i; j < c->n_objects; j++) {
			const struct cov_object *x = &c->objects[j];
			if (x->raw && x->used && x->raw->has_kinds && x->raw->counts_known &&
			    strcmp(x->raw->gcda_path, first->raw->gcda_path) == 0)
				group[n++] = x->raw;
		}
		if (!n)
			continue;
		acc = xcalloc(group[0]->n_functions, sizeof *acc);
		rc = merge_group(group, n, acc);
		if (rc == 0)
			rc = each(first->gcno, group[0], acc, arg);
		for (j = 0; j < group[0]->n_functions; j++)
			gcov_values_free(&acc[j]);
		free(acc);
	}
	free(group);
	return rc;
}

/* The .gcno function of counters f (index k in gcov_info order), or NULL
 * for a dropped COMDAT copy or an ident the .gcno lacks. */
static const struct gcno_function *gcno_function_of(const struct gcno_file *g, size_t k,
                                                    const struct gcov_counters *f)
{
	if (f->ident == 0 && f->n_arcs == 0 && !f->arcs)
		return NULL;
	if (k < g->n_functions && g->functions[k].ident == f->ident)
		return &g->functions[k];
	for (size_t i = 0; i < g->n_functions; i++)
		if (g->functions[i].ident == f->ident)
			return &g->functions[i];
	return NULL;
}

struct build_ctx {
	struct site_list l;
	struct ident_entry *ids;
	size_t n_ids;
};

/* ---- site lines from the training object --------------------------------- */

/* The object beside the .gcda: path minus ".gcda", plus ".o"; NULL when
 * gcda does not end in ".gcda". */
static char *object_path(const char *gcda)
{
	size_t n = strlen(gcda);
	char *o;

	if (n < 5 || strcmp(gcda + n - 5, ".gcda") != 0)
		return NULL;
	o = xcalloc(n + 1, 1);
	memcpy(o, gcda, n - 5);
	memcpy(o + n - 5, ".o", 3);
	return o;
}

/* The references to symbol name: [*first, *first + count). */
static size_t refs_of(const struct sym_obj_ref *v, size_t n, const char *name,
                      size_t *first)
{
	size_t lo = 0, hi = n, k;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v[mid].symbol, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < n && strcmp(v[k].symbol, name) == 0; k++)
		;
	*first = lo;
	return k - lo;
}

/* The sites l->v[from..l->n) of kind t of fn: their lines from refs (the
 * first reference, in the object's relocation order, with a line). 0, or
 * -1 when the object's counter array for them is not their size. */
static int site_lines(const struct sym_obj_refs *refs, struct site_list *l, size_t from,
                      const struct gcno_function *fn, unsigned t)
{
	uint64_t bytes = 8 * (uint64_t)object_site_width(t);
	const struct sym_obj_ref *v;
	size_t n, first, count;
	char name[512];

	if (from == l->n || !bytes)
		return 0;
	v = sym_obj_refs_list(refs, &n);
	snprintf(name, sizeof name, "__gcov%u.%s", t, fn->name);
	if (!(count = refs_of(v, n, name, &first)))
		return 0;
	if (v[first].symbol_size != (l->n - from) * bytes)
		return -1;
	for (size_t i = from; i < l->n; i++) {
		struct vpdoc_value_site *s = &l->v[i];
		for (size_t k = first; k < first + count; k++)
			if (v[k].offset == s->site * bytes && v[k].file) {
				s->site_file = xstrdup(v[k].file);
				s->site_line = v[k].line;
				break;
			}
	}
	return 0;
}

/* Drops the lines of the sites l->v[from..l->n). */
static void drop_site_lines(struct site_list *l, size_t from)
{
	for (size_t i = from; i < l->n; i++) {
		free(l->v[i].site_file);
		l->v[i].site_file = NULL;
		l->v[i].site_line = 0;
	}
}

static int build_group(const struct gcno_file *g, const struct raw_gcov_object *o,
                       const struct gcov_counters *acc, void *arg)
{
	struct build_ctx *b = arg;
	size_t group_from = b->l.n;
	char *obj = object_path(o->gcda_path);
	struct sym_obj_refs *refs = NULL;
	char why[512];
	int mismatch = 0, rc = 0;

	if (obj && !(refs = sym_obj_refs_read(obj, "__gcov", why, sizeof why)))
		tool_warn(NULL, "value sites without their lines: %s", why);
	for (size_t k = 0; k < o->n_functions && rc == 0; k++) {
		const struct gcno_function *fn = gcno_function_of(g, k, &o->functions[k]);
		if (!fn)
			continue;
		for (unsigned t = GCOV_KIND_INTERVAL; t <= GCOV_KIND_IOR; t++) {
			const struct gcov_values *v = &acc[k].kinds[t];
			size_t from = b->l.n;
			if (!(o->counter_mask & (1u << t)) || !v->n_words)
				continue;
			if (!gcov_kind_is_topn(t))
				add_fixed(&b->l, fn, t, v);
			else if (add_topn(&b->l, fn, t, v, b->ids, b->n_ids) != 0) {
				tool_error(g->path, "function %s: %s counters are not whole sites",
				           fn->name, gcov_kind_name(t));
				rc = -1;
				break;
			}
			if (refs && !mismatch && site_lines(refs, &b->l, from, fn, t) != 0)
				mismatch = 1;
		}
	}
	if (mismatch) {
		tool_warn(obj, "value sites without their lines: the object's counter arrays"
		          " are not the profile's (another build?)");
		drop_site_lines(&b->l, group_from);
	}
	sym_obj_refs_free(refs);
	free(obj);
	return rc;
}

int value_sites_build(struct coverage *c, struct vpdoc_value_site **out, size_t *n_out)
{
	struct build_ctx b;
	int rc;

	memset(&b, 0, sizeof b);
	b.ids = ident_table(c, &b.n_ids);
	rc = for_each_group(c, build_group, &b);
	free(b.ids);
	value_sites_sort(b.l.v, b.l.n);
	*out = b.l.v;
	*n_out = b.l.n;
	return rc;
}

/* ---- first calls --------------------------------------------------------- */

struct first_call {
	const char *name, *file;    /* borrowed from the .gcno */
	uint32_t line;
	uint64_t value;
};

struct value_first_calls {
	struct first_call *v;
	size_t n, cap;
};

static int first_order(const void *a, const void *b)
{
	const struct first_call *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	if (!d)
		d = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	return d ? d : x->line < y->line ? -1 : x->line > y->line;
}

static int first_group(const struct gcno_file *g, const struct raw_gcov_object *o,
                       const struct gcov_counters *acc, void *arg)
{
	struct value_first_calls *fc = arg;

	if (!(o->counter_mask & (1u << GCOV_KIND_TIME)))
		return 0;
	for (size_t k = 0; k < o->n_functions; k++) {
		const struct gcno_function *fn = gcno_function_of(g, k, &o->functions[k]);
		const struct gcov_values *v = &acc[k].kinds[GCOV_KIND_TIME];
		if (!fn || v->n_words != 1)
			continue;
		if (fc->n == fc->cap) {
			fc->cap = fc->cap ? 2 * fc->cap : 64;
			fc->v = xrealloc(fc->v, fc->cap * sizeof *fc->v);
		}
		fc->v[fc->n++] = (struct first_call){fn->name, fn->source, fn->start_line,
		                                     v->v[0] < 0 ? 0 : (uint64_t)v->v[0]};
	}
	return 0;
}

struct value_first_calls *value_first_calls(struct coverage *c)
{
	struct value_first_calls *fc = xcalloc(1, sizeof *fc);

	for_each_group(c, first_group, fc);
	if (fc->n)
		qsort(fc->v, fc->n, sizeof *fc->v, first_order);
	return fc;
}

int value_first_call(const struct value_first_calls *fc, const char *name, const char *file,
                     uint32_t line, uint64_t *first_call)
{
	struct first_call key = {name, file, line, 0}, *e;

	if (!fc || !fc->n)
		return 0;
	e = bsearch(&key, fc->v, fc->n, sizeof *fc->v, first_order);
	if (!e)
		return 0;
	*first_call = e->value;
	return 1;
}

size_t value_first_calls_count(const struct value_first_calls *fc)
{
	return fc ? fc->n : 0;
}

void value_first_calls_free(struct value_first_calls *fc)
{
	if (!fc)
		return;
	free(fc->v);
	free(fc);
}

/* ---- order, JSON, free ---------------------------------------------------- */

static int site_order(const void *a, const void *b)
{
	const struct vpdoc_value_site *x = a, *y = b;
	int d;

	if (!x->file || !y->file)
		d = !x->file && !y->file ? 0 : !x->file ? -1 : 1;
	else
		d = strcmp(x->file, y->file);
	if (d)
		return d;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if ((d = strcmp(x->function, y->function)) != 0)
		return d;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->site < y->site ? -1 : x->site > y->site;
}

void value_sites_sort(struct vpdoc_value_site *v, size_t n)
{
	if (n)
		qsort(v, n, sizeof *v, site_order);
}

void value_sites_write(struct json_writer *w, const struct vpdoc_value_site *v, size_t n)
{
	json_key(w, "value_sites");
	json_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		const struct vpdoc_value_site *s = &v[i];
		json_begin_object(w);
		json_kv_string(w, "function", s->function);
		json_kv_string(w, "file", s->file);
		json_kv_uint(w, "line", s->line);
		json_kv_string(w, "site_file", s->site_file);
		json_key(w, "site_line");
		if (s->site_file)
			json_uint(w, s->site_line);
		else
			json_null(w);
		json_kv_string(w, "kind", gcov_kind_name(s->kind));
		json_kv_uint(w, "site", s->site);
		if (gcov_kind_is_topn(s->kind)) {
			json_kv_uint(w, "total", s->total);
			json_kv_bool(w, "dropped", s->dropped);
			json_key(w, s->kind == GCOV_KIND_INDIRECT ? "targets" : "values");
			json_begin_array(w);
			for (size_t k = 0; k < s->n_values; k++) {
				const struct vpdoc_value *e = &s->values[k];
				json_begin_object(w);
				if (s->kind == GCOV_KIND_INDIRECT) {
					json_kv_uint(w, "profile_id", (uint64_t)e->value);
					json_kv_string(w, "function", e->function);
					json_kv_string(w, "file", e->file);
					json_kv_uint(w, "line", e->line);
				} else {
					json_kv_int(w, "value", e->value);
				}
				json_kv_uint(w, "count", e->count);
				json_end_object(w);
			}
			json_end_array(w);
		} else {
			json_key(w, "counters");
			json_begin_array(w);
			for (size_t k = 0; k < s->n_counters; k++)
				json_int(w, s->counters[k]);
			json_end_array(w);
		}
		json_end_object(w);
	}
	json_end_array(w);
}

void value_site_free(struct vpdoc_value_site *s)
{
	for (size_t k = 0; k < s->n_values; k++) {
		free(s->values[k].function);
		free(s->values[k].file);
	}
	free(s->values);
	free(s->counters);
	free(s->function);
	free(s->file);
	free(s->site_file);
	memset(s, 0, sizeof *s);
}

void value_sites_free(struct vpdoc_value_site *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		value_site_free(&v[i]);
	free(v);
}
