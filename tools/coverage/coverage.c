/* SPDX-License-Identifier: MIT */
/*
 * coverage.c - the arc counters of a raw profile turned into lines,
 * branches and loops: finds each gcov object's .gcno, checks that it is
 * the one the program was built from, and feeds both to the solver
 * (cov_solve.c).
 *
 * Where the .gcno is: beside the .gcda path the compiler recorded (the
 * object's directory, `x.gcda` -> `x.gcno`), or, with a directory given,
 * in that directory under the longest tail of the recorded path that
 * exists there (so a build tree copied elsewhere still works).
 *
 * A .gcno is the right one when its stamp and version equal those the
 * running object carried; per-function checksums are checked by the
 * solver. Anything else is an error naming both files: the counts of one
 * build applied to another build's graph would be silent garbage.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tool.h"
#include "coverage/coverage.h"
#include "read/gcov_files.h"
#include "read/gcov_values.h"
#include "read/raw_profile.h"

/* path with its last ".gcda" replaced by ".gcno" (a new string). */
static char *gcno_name(const char *gcda)
{
	size_t n = strlen(gcda);

	if (n > 5 && strcmp(gcda + n - 5, ".gcda") == 0)
		return tool_asprintf("%.*s.gcno", (int)(n - 5), gcda);
	return tool_asprintf("%s.gcno", gcda);
}

/*
 * Where the .gcno of the object that wrote gcda lives. With dir: dir/TAIL
 * for the longest tail of the path (after a '/') that exists, else
 * dir/BASENAME. Returns a new string.
 */
static char *find_gcno(const char *gcda, const char *dir)
{
	char *beside = gcno_name(gcda), *cand;
	const char *tail;

	if (!dir)
		return beside;
	for (tail = beside; tail; tail = strchr(tail + 1, '/')) {
		const char *t = tail[0] == '/' ? tail + 1 : tail;
		if (!*t)
			break;
		cand = tool_asprintf("%s/%s", dir, t);
		if (access(cand, R_OK) == 0) {
			free(beside);
			return cand;
		}
		free(cand);
	}
	tail = strrchr(beside, '/');
	cand = tool_asprintf("%s/%s", dir, tail ? tail + 1 : beside);
	free(beside);
	return cand;
}

/* "B22*" as text, for messages. */
static void version_text(uint32_t v, char out[5])
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned char c = (unsigned char)(v >> (24 - 8 * i));
		out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[4] = '\0';
}

/*
 * dir/rel with "." and ".." components folded away (lexically: the
 * compiler's cwd may no longer exist). A new string.
 */
static char *join_normalized(const char *dir, const char *rel)
{
	char *joined = tool_asprintf("%s/%s", dir, rel), *out, *seg, *save = NULL;
	size_t n = 0;

	out = xmalloc(strlen(joined) + 2);
	for (seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			continue;
		}
		out[n++] = '/';
		memcpy(out + n, seg, strlen(seg));
		n += strlen(seg);
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	free(joined);
	return out;
}

/* The absolute spelling of rel (relative to cwd), made once and kept. */
static const char *absolute(struct coverage *c, const char *cwd, const char *rel)
{
	size_t k;

	if (!rel || rel[0] == '/' || !cwd || !*cwd)
		return rel;
	for (k = 0; k < c->n_paths; k++)
		if (strcmp(c->paths[k].rel, rel) == 0 && strcmp(c->paths[k].cwd, cwd) == 0)
			return c->paths[k].abs;
	if (c->n_paths == c->cap_paths) {
		c->cap_paths = c->cap_paths ? 2 * c->cap_paths : 16;
		c->paths = xrealloc(c->paths, c->cap_paths * sizeof *c->paths);
	}
	c->paths[k].rel = xstrdup(rel);
	c->paths[k].cwd = xstrdup(cwd);
	c->paths[k].abs = join_normalized(cwd, rel);
	c->n_paths++;
	return c->paths[k].abs;
}

/*
 * Makes every relative source path of g absolute against the directory
 * the compiler ran in, so lines from several objects, and the functions
 * DWARF names, agree on one spelling.
 */
static void absolutize(struct coverage *c, struct gcno_file *g)
{
	size_t i, j;

	for (i = 0; i < g->n_functions; i++) {
		struct gcno_function *f = &g->functions[i];
		for (j = 0; j < f->n_locs; j++)
			f->locs[j].file = absolute(c, g->cwd, f->locs[j].file);
		f->source = absolute(c, g->cwd, f->source);
	}
}

/* 1 when two records describe the same compiled object (same build). */
static int same_build(const struct raw_gcov_object *a, const struct raw_gcov_object *b)
{
	size_t k;

	if (a->version != b->version || a->stamp != b->stamp || a->n_functions != b->n_functions)
		return 0;
	for (k = 0; k < a->n_functions; k++) {
		const struct gcov_counters *x = &a->functions[k], *y = &b->functions[k];
		if (x->ident != y->ident || x->lineno_checksum != y->lineno_checksum ||
		    x->cfg_checksum != y->cfg_checksum || x->n_arcs != y->n_arcs)
			return 0;
	}
	return 1;
}

static void free_counters(struct gcov_counters *v, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		free(v[k].arcs);
	free(v);
}

/*
 * The counters of the objects group[0..n) (records of one .gcda: a library
 * loaded again after dlclose, or one object linked into two modules),
 * summed as libgcov would merge them, with the COMDAT copies the linker
 * dropped filled in from g as zeros (as gcov reads their empty records).
 * Returns a new array of group[0]->n_functions entries.
 */
static struct gcov_counters *sum_counters(const struct raw_gcov_object *const *group,
                                          size_t n, const struct gcno_file *g)
{
	const struct raw_gcov_object *o = group[0];
	struct gcov_counters *sum = xcalloc(o->n_functions, sizeof *sum);
	size_t k, m, a;

	for (k = 0; k < o->n_functions; k++) {
		struct gcov_counters *s = &sum[k];
		*s = o->functions[k];
		if (s->ident == 0 && s->n_arcs == 0 && !s->arcs && k < g->n_functions) {
			s->ident = g->functions[k].ident;       /* dropped COMDAT copy */
			s->lineno_checksum = g->functions[k].lineno_checksum;
			s->cfg_checksum = g->functions[k].cfg_checksum;
			s->n_arcs = g->functions[k].n_counters;
		}
		s->arcs = xcalloc(s->n_arcs, sizeof *s->arcs);
		for (m = 0; m < n; m++) {
			const struct gcov_counters *x = &group[m]->functions[k];
			if (!x->arcs)
				continue;
			for (a = 0; a < x->n_arcs && a < s->n_arcs; a++)
				if (__builtin_add_overflow(s->arcs[a], x->arcs[a], &s->arcs[a]))
					s->arcs[a] = UINT64_MAX;
		}
	}
	return sum;
}

/*
 * Reads and checks the .gcno of the objects at indices idx[0..n) of
 * raw->gcov (all naming one .gcda) and adds their summed counts to the
 * report. Objects whose counts are unknown are left out with a warning.
 * Returns 0, or -1 after reporting.
 */
static int add_group(struct coverage *c, const struct raw_profile *raw, const size_t *idx,
                     size_t n, const char *gcno_dir)
{
	const struct raw_gcov_object **group = xcalloc(n, sizeof *group);
	const struct raw_gcov_object *o = &raw->gcov[idx[0]];
	struct cov_object *first = &c->objects[idx[0]];
	struct gcov_counters *sum;
	struct gcno_file *g;
	size_t k, known = 0;
	char want[5], got[5];
	int rc = -1;

	for (k = 0; k < n; k++) {
		struct cov_object *co = &c->objects[idx[k]];
		const struct raw_gcov_object *ok = &raw->gcov[idx[k]];
		co->raw = ok;
		co->gcno_path = find_gcno(ok->gcda_path, gcno_dir);
		if (!same_build(o, ok)) {
			tool_error(raw->file, "two records of %s come from different builds"
			           " (stamps 0x%08" PRIx32 " and 0x%08" PRIx32 ")", o->gcda_path,
			           o->stamp, ok->stamp);
			goto out;
		}
		if (!ok->counts_known)
			tool_warn(raw->file, "the counters of %s were never copied into the profile"
			          " (linked without vitprof_arcs.ld, and the program died before"
			          " exiting): no lines, branches or loops from that run of it",
			          ok->gcda_path);
		else
			group[known++] = ok;
	}
	if (!known) {
		rc = 0;
		goto out;
	}
	g = xcalloc(1, sizeof *g);
	first->gcno = g;
	if (access(first->gcno_path, R_OK) != 0) {
		tool_error(first->gcno_path, "cannot read the notes file of %s (%m); it is"
		           " written beside the object by -ftest-coverage: give its directory"
		           " with --gcno-dir, or --no-coverage to skip lines and branches",
		           o->gcda_path);
		goto out;
	}
	if (gcno_read(first->gcno_path, g) != 0)
		goto out;
	if (g->version != o->version) {
		version_text(g->version, got);
		version_text(o->version, want);
		tool_error(first->gcno_path, "written by gcc version '%s', the program ran code"
		           " from version '%s' (%s): not the build that ran", got, want,
		           raw->file);
		goto out;
	}
	if (g->stamp != o->stamp) {
		tool_error(first->gcno_path, "stamp 0x%08" PRIx32 " differs from the run's 0x%08"
		           PRIx32 " (%s): the source was recompiled since the run; use the"
		           " .gcno of the build that ran", g->stamp, o->stamp, raw->file);
		goto out;
	}
	absolutize(c, g);
	sum = sum_counters(group, known, g);
	rc = cov_report_add(&c->report, g, sum, o->n_functions);
	free_counters(sum, o->n_functions);
	if (rc == 0) {
		for (k = 0; k < n; k++)
			c->objects[idx[k]].used = raw->gcov[idx[k]].counts_known;
		c->n_used++;
	}
out:
	free(group);
	return rc;
}

int coverage_build(struct coverage *c, const struct raw_profile *raw, const char *gcno_dir)
{
	size_t *idx, i, j, n;
	char *done;

	memset(c, 0, sizeof *c);
	cov_report_init(&c->report);
	c->initialized = 1;
	if (!raw->n_gcov)
		return 0;
	c->objects = xcalloc(raw->n_gcov, sizeof *c->objects);
	idx = xcalloc(raw->n_gcov, sizeof *idx);
	done = xcalloc(raw->n_gcov, 1);
	c->n_objects = raw->n_gcov;
	for (i = 0; i < raw->n_gcov; i++) {
		if (done[i])
			continue;
		for (n = 0, j = i; j < raw->n_gcov; j++) {
			if (!done[j] && strcmp(raw->gcov[j].gcda_path, raw->gcov[i].gcda_path) == 0) {
				idx[n++] = j;
				done[j] = 1;
			}
		}
		if (add_group(c, raw, idx, n, gcno_dir) != 0) {
			free(idx);
			free(done);
			return -1;
		}
	}
	free(idx);
	free(done);
	cov_report_finish(&c->report);
	return 0;
}

void coverage_free(struct coverage *c)
{
	size_t i;

	if (c->initialized)
		cov_report_free(&c->report);
	for (i = 0; i < c->n_objects; i++) {
		if (c->objects[i].gcno) {
			gcno_free(c->objects[i].gcno);
			free(c->objects[i].gcno);
		}
		free(c->objects[i].gcno_path);
	}
	free(c->objects);
	for (i = 0; i < c->n_paths; i++) {
		free(c->paths[i].rel);
		free(c->paths[i].cwd);
		free(c->paths[i].abs);
	}
	free(c->paths);
	free(c->by_name);
	memset(c, 0, sizeof *c);
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path ? path : "";
}

static int by_name_order(const void *a, const void *b, void *arg)
{
	const struct cov_function *fs = arg;
	const struct cov_function *x = &fs[*(const uint32_t *)a], *y = &fs[*(const uint32_t *)b];
	int d = strcmp(x->name, y->name);

	if (d)
		return d;
	return x->start_line < y->start_line ? -1 : x->start_line > y->start_line;
}

long coverage_find_function(struct coverage *c, const char *linkage_name,
                            const char *file, unsigned line)
{
	const struct cov_function *fs = c->report.functions;
	size_t lo = 0, hi, i;

	if (!linkage_name || !c->report.n_functions)
		return -1;
	if (!c->by_name) {
		c->by_name = xcalloc(c->report.n_functions, sizeof *c->by_name);
		for (i = 0; i < c->report.n_functions; i++)
			c->by_name[i] = (uint32_t)i;
		qsort_r(c->by_name, c->report.n_functions, sizeof *c->by_name, by_name_order,
		        (void *)fs);
	}
	hi = c->report.n_functions;
	while (lo < hi) {                /* first entry >= (name, line) */
		size_t mid = lo + (hi - lo) / 2;
		const struct cov_function *m = &fs[c->by_name[mid]];
		int d = strcmp(m->name, linkage_name);
		if (d < 0 || (d == 0 && m->start_line < line))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < c->report.n_functions; i++) {
		const struct cov_function *m = &fs[c->by_name[i]];
		if (strcmp(m->name, linkage_name) != 0 || m->start_line != line)
			break;
		if (!file || strcmp(base_name(m->file), base_name(file)) == 0)
			return (long)c->by_name[i];
	}
	return -1;
}
