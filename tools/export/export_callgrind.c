/* SPDX-License-Identifier: MIT */
/*
 * export_callgrind.c - `vitprof export --format callgrind`: the profile in
 * valgrind's callgrind profile format (docs/formats-callgraph.md), which
 * KCachegrind and callgrind_annotate read:
 *
 *     events: Calls [Time_ns]
 *     ob=(1) /path/prog         the function's module
 *     fl=(1) /path/prog.c       the file of its definition ("???" unknown)
 *     fn=(1) fib
 *     12 177 [self_ns]          definition line: entries [self time]
 *     cfl=(1)                   for each call edge (caller, callee, site):
 *     cfn=(1)
 *     calls=88 12               edge count, callee's definition line
 *     18 88 [total_ns]          call-site line: the edge's count [time]
 *
 * Event Calls is the number of entries into a function (its self cost is
 * our `calls`); on a call line it is the number of calls that line made (an
 * edge profile knows nothing deeper, so it is not an inclusive subtree
 * count). Time_ns, in time mode, is self time on the definition line and the
 * edge's inclusive time on the call line, as callgrind has it. Names and
 * files are compressed ("(id) name" once, "(id)" after). Two functions of
 * one name in one file (GCC clones) get " [0xADDRESS]" appended so the
 * readers, which key functions by file and name, keep them apart. Names
 * and paths (cmd:, ob=, fl=, fn=, fi=) are written escaped: bytes other
 * than printable ASCII, and the backslash, as \xHH (tool_text.c).
 *
 * export_callgrind() returns 0, or -1 on a write error (not reported).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "coverage/coverage.h"
#include "export/export.h"
#include "model/profile.h"
#include "read/raw_profile.h"

struct cg_state {
	FILE *out;
	const struct profile *p;
	char *file_done;            /* per function: its file id was written */
	char *name_done;            /* per function: its name id was written */
	uint32_t *file_id;          /* per function: compressed file id */
	char *ob_done;              /* per module */
	char **names;               /* per function: the name written */
};

static const char *fn_file(const struct prof_function *f)
{
	return f->file ? f->file : "???";
}

/* Writes s escaped (tool_text.c): a name ends at the end of the line, and
 * no control character from a file reaches a terminal that shows it. */
static void put_name(FILE *out, const char *s)
{
	tool_put_text(out, s);
}

static const struct profile *sort_profile;

static int cmp_by_name_file(const void *a, const void *b)
{
	const struct prof_function *x = &sort_profile->functions[*(const uint32_t *)a];
	const struct prof_function *y = &sort_profile->functions[*(const uint32_t *)b];
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(fn_file(x), fn_file(y));
}

/* names[i]: the function's name, made unique within its file. */
static char **unique_names(const struct profile *p)
{
	char **names = xcalloc(p->n_functions, sizeof *names);
	uint32_t *order = xcalloc(p->n_functions, sizeof *order);
	size_t i;

	for (i = 0; i < p->n_functions; i++)
		order[i] = (uint32_t)i;
	sort_profile = p;
	qsort(order, p->n_functions, sizeof *order, cmp_by_name_file);
	for (i = 0; i < p->n_functions; i++) {
		const struct prof_function *f = &p->functions[order[i]];
		int dup = (i > 0 && cmp_by_name_file(&order[i - 1], &order[i]) == 0) ||
		          (i + 1 < p->n_functions &&
		           cmp_by_name_file(&order[i], &order[i + 1]) == 0);
		names[order[i]] = dup ? tool_asprintf("%s [0x%" PRIx64 "]", f->name, f->address)
		                      : xstrdup(f->name);
	}
	free(order);
	return names;
}

/* "fl=(id) file" the first time, "fl=(id)" after; key is a function id
 * whose file is meant (files are numbered by their first function). */
static uint32_t file_ref(struct cg_state *s, const char *key, uint32_t fn)
{
	const struct profile *p = s->p;
	uint32_t id = s->file_id[fn];

	fprintf(s->out, "%s=(%" PRIu32 ")", key, id);
	if (!s->file_done[id - 1]) {
		s->file_done[id - 1] = 1;
		fputc(' ', s->out);
		put_name(s->out, fn_file(&p->functions[fn]));
	}
	fputc('\n', s->out);
	return id;
}

static void name_ref(struct cg_state *s, const char *key, uint32_t fn)
{
	fprintf(s->out, "%s=(%" PRIu32 ")", key, fn + 1);
	if (!s->name_done[fn]) {
		s->name_done[fn] = 1;
		fputc(' ', s->out);
		put_name(s->out, s->names[fn]);
	}
	fputc('\n', s->out);
}

static void object_ref(struct cg_state *s, const char *key, uint32_t fn)
{
	const struct profile *p = s->p;
	const struct prof_function *f = &p->functions[fn];
	size_t m;

	if (f->module == PROF_MODULE_UNKNOWN) {
		fprintf(s->out, "%s=(%zu) ???\n", key, p->n_modules + 1);
		return;
	}
	for (m = 0; m < p->n_modules; m++)
		if (p->modules[m].id == (uint64_t)f->module)
			break;
	if (m == p->n_modules) {
		fprintf(s->out, "%s=???\n", key);
		return;
	}
	fprintf(s->out, "%s=(%zu)", key, m + 1);
	if (!s->ob_done[m]) {
		s->ob_done[m] = 1;
		fputc(' ', s->out);
		put_name(s->out, p->modules[m].raw->path);
	}
	fputc('\n', s->out);
}

/* file_id[i]: one id per distinct file, in order of first use. */
static void number_files(struct cg_state *s)
{
	const struct profile *p = s->p;
	uint32_t next = 1;
	size_t i, k;

	for (i = 0; i < p->n_functions; i++) {
		const char *fi = fn_file(&p->functions[i]);
		s->file_id[i] = 0;
		/* Functions are sorted by (module, address), so a file's
		 * functions are mostly together: look back a little only. A file
		 * met again later gets a second id, which readers merge by name. */
		for (k = i; k-- > 0 && i - k <= 64;)
			if (strcmp(fn_file(&p->functions[k]), fi) == 0) {
				s->file_id[i] = s->file_id[k];
				break;
			}
		if (!s->file_id[i])
			s->file_id[i] = next++;
	}
}

int export_callgrind(FILE *out, const struct profile *p, struct coverage *cov)
{
	const struct raw_profile *raw = p->raw;
	struct cg_state s;
	uint64_t total_calls = 0, total_ns = 0;
	size_t i, e, n = p->n_functions ? p->n_functions : 1;

	(void)cov;
	memset(&s, 0, sizeof s);
	s.out = out;
	s.p = p;
	s.file_done = xcalloc(n, 1);
	s.name_done = xcalloc(n, 1);
	s.file_id = xcalloc(n, sizeof *s.file_id);
	s.ob_done = xcalloc(p->n_modules + 1, 1);
	s.names = unique_names(p);
	number_files(&s);
	for (i = 0; i < p->n_functions; i++) {
		total_calls += p->functions[i].calls;
		total_ns += p->functions[i].self_ns;
	}

	fprintf(out, "# callgrind format\n");
	fprintf(out, "version: 1\n");
	fprintf(out, "creator: %s\n", TOOL_PRODUCER);
	fprintf(out, "pid: %" PRId64 "\n", raw->pid);
	fprintf(out, "cmd: ");
	put_name(out, raw->exe_path);
	fprintf(out, "\npart: 1\n\n");
	fprintf(out, "positions: line\n");
	if (p->timed) {
		fprintf(out, "event: Calls : Calls into the function (exact)\n");
		fprintf(out, "event: Time_ns : Time (ns)\n");
		fprintf(out, "events: Calls Time_ns\n");
	} else {
		fprintf(out, "event: Calls : Calls into the function (exact)\n");
		fprintf(out, "events: Calls\n");
	}
	fprintf(out, "summary: %" PRIu64, total_calls);
	if (p->timed)
		fprintf(out, " %" PRIu64, total_ns);
	fprintf(out, "\n");

	/* Edges are sorted by caller: walk both arrays together. */
	for (i = 0, e = 0; i < p->n_functions; i++) {
		const struct prof_function *f = &p->functions[i];
		uint32_t fl;

		fputc('\n', out);
		object_ref(&s, "ob", (uint32_t)i);
		fl = file_ref(&s, "fl", (uint32_t)i);
		name_ref(&s, "fn", (uint32_t)i);
		fprintf(out, "%u %" PRIu64, f->line, f->calls);
		if (p->timed)
			fprintf(out, " %" PRIu64, f->self_ns);
		fputc('\n', out);
		for (; e < p->n_edges && p->edges[e].caller == i; e++) {
			const struct prof_edge *ed = &p->edges[e];
			const struct prof_function *callee = &p->functions[ed->callee];
			int other_file = ed->file && strcmp(ed->file, fn_file(f)) != 0;

			if (other_file) { /* inlined code: the call site's file */
				fputs("fi=", out);
				put_name(out, ed->file);
				fputc('\n', out);
			}
			if (callee->module != f->module)
				object_ref(&s, "cob", ed->callee);
			file_ref(&s, "cfi", ed->callee);
			name_ref(&s, "cfn", ed->callee);
			fprintf(out, "calls=%" PRIu64 " %u\n", ed->count, callee->line);
			fprintf(out, "%u %" PRIu64, ed->file ? ed->line : 0, ed->count);
			if (p->timed)
				fprintf(out, " %" PRIu64, ed->total_ns);
			fputc('\n', out);
			if (other_file)
				fprintf(out, "fe=(%" PRIu32 ")\n", fl);
		}
	}
	fprintf(out, "\ntotals: %" PRIu64, total_calls);
	if (p->timed)
		fprintf(out, " %" PRIu64, total_ns);
	fputc('\n', out);

	for (i = 0; i < p->n_functions; i++)
		free(s.names[i]);
	free(s.names);
	free(s.file_done);
	free(s.name_done);
	free(s.file_id);
	free(s.ob_done);
	return ferror(out) ? -1 : 0;
}
