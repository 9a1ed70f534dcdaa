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

#include "tool_internal.h"

static char *str_printf(const char *fmt, ...) TOOL_PRINTF(1, 2);
static char *str_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		tool_oom();
	return s;
}

/* path with its last ".gcda" replaced by ".gcno" (a new string). */
static char *gcno_name(const char *gcda)
{
	size_t n = strlen(gcda);

	if (n > 5 && strcmp(gcda + n - 5, ".gcda") == 0)
		return str_printf("%.*s.gcno", (int)(n - 5), gcda);
	return str_printf("%s.gcno", gcda);
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
		cand = str_printf("%s/%s", dir, t);
		if (access(cand, R_OK) == 0) {
			free(beside);
			return cand;
		}
		free(cand);
	}
	tail = strrchr(beside, '/');
	cand = str_printf("%s/%s", dir, tail ? tail + 1 : beside);
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
	char *joined = str_printf("%s/%s", dir, rel), *out, *seg, *save = NULL;
	size_t n = 0;

	out = malloc(strlen(joined) + 2);
	if (!out)
		tool_oom();
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
		c->paths = realloc(c->paths, c->cap_paths * sizeof *c->paths);
		if (!c->paths)
			tool_oom();
	}
	c->paths[k].rel = strdup(rel);
	c->paths[k].cwd = strdup(cwd);
	if (!c->paths[k].rel || !c->paths[k].cwd)
		tool_oom();
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

/*
 * Reads and checks the .gcno of one recorded object and adds it to the
 * report. Returns 0, or -1 after reporting.
 */
static int add_object(struct coverage *c, const struct raw_gcov_object *o,
                      const char *gcno_dir, const char *raw_name)
{
	struct cov_object *co = &c->objects[c->n_objects];
	struct gcno_file *g;
	char want[5], got[5];

	memset(co, 0, sizeof *co);
	co->raw = o;
	co->gcno_path = find_gcno(o->gcda_path, gcno_dir);
	c->n_objects++;
	if (!o->counts_known) {
		tool_warn(raw_name, "the counters of %s were never copied into the profile"
		          " (linked without vitprof_arcs.ld, and the program died before"
		          " exiting): no lines, branches or loops for it", o->gcda_path);
		return 0;
	}
	g = calloc(1, sizeof *g);
	if (!g)
		tool_oom();
	co->gcno = g;
	if (access(co->gcno_path, R_OK) != 0) {
		tool_error(co->gcno_path, "cannot read the notes file of %s (%m); it is"
		           " written beside the object by -ftest-coverage: give its directory"
		           " with --gcno-dir, or --no-coverage to skip lines and branches",
		           o->gcda_path);
		return -1;
	}
	if (gcno_read(co->gcno_path, g) != 0)
		return -1;
	if (g->version != o->version) {
		version_text(g->version, got);
		version_text(o->version, want);
		tool_error(co->gcno_path, "written by gcc version '%s', the program ran code"
		           " from version '%s' (%s): not the build that ran", got, want,
		           raw_name);
		return -1;
	}
	if (g->stamp != o->stamp) {
		tool_error(co->gcno_path, "stamp 0x%08" PRIx32 " differs from the run's 0x%08"
		           PRIx32 " (%s): the source was recompiled since the run; use the"
		           " .gcno of the build that ran", g->stamp, o->stamp, raw_name);
		return -1;
	}
	absolutize(c, g);
	if (cov_report_add(&c->report, g, o->functions, o->n_functions) != 0)
		return -1;
	co->used = 1;
	c->n_used++;
	return 0;
}

int coverage_build(struct coverage *c, const struct raw_profile *raw, const char *gcno_dir)
{
	size_t i;

	memset(c, 0, sizeof *c);
	cov_report_init(&c->report);
	c->initialized = 1;
	if (!raw->n_gcov)
		return 0;
	c->objects = calloc(raw->n_gcov, sizeof *c->objects);
	if (!c->objects)
		tool_oom();
	for (i = 0; i < raw->n_gcov; i++)
		if (add_object(c, &raw->gcov[i], gcno_dir, raw->file) != 0)
			return -1;
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
		c->by_name = malloc(c->report.n_functions * sizeof *c->by_name);
		if (!c->by_name)
			tool_oom();
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
