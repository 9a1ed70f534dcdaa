/* SPDX-License-Identifier: MIT */
/*
 * export_table.c - the flat profile as a table (docs/formats-callgraph.md):
 *
 *   `--format csv`: RFC 4180 CSV (CRLF line ends, a header row, fields that
 *   hold a comma, a double quote, CR or LF quoted with "" for "), one row
 *   per function, in the profile's order (id):
 *
 *       id,name,linkage_name,file,line,module,address,calls,self_ns,total_ns,entry_count
 *
 *   Unknown values are empty fields: file, line (0), module, self_ns and
 *   total_ns (count mode), entry_count (no arc counters for the function).
 *
 *   `--format prometheus`: Prometheus' text exposition format (0.0.4), one
 *   counter series per function and file:
 *
 *       vitprof_function_calls_total{function="fib",file="/src/fib.c"} 177
 *
 *   and in time mode vitprof_function_self_seconds_total and
 *   vitprof_function_seconds_total (inclusive). Label values are escaped
 *   as the format says (\\, \", \n); file is "" when unknown. Functions
 *   with the same name and file (GCC clones) are one series, summed, since
 *   a series is identified by its labels. Series are sorted by labels.
 *
 * Both return 0, or -1 on a write error (not reported).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "coverage/coverage.h"
#include "export/export.h"
#include "model/profile.h"

/* ---- csv ------------------------------------------------------------------ */

/* s escaped (tool_text.c), then quoted when it holds ',' or '"'. */
static void csv_field(FILE *out, const char *s)
{
	if (!s)
		return;
	s = tool_text(s);
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

int export_csv(FILE *out, const struct profile *p, struct coverage *cov)
{
	size_t i;

	if (cov && !cov->n_used)
		cov = NULL;
	fputs("id,name,linkage_name,file,line,module,address,calls,self_ns,total_ns,"
	      "entry_count\r\n", out);
	for (i = 0; i < p->n_functions; i++) {
		const struct prof_function *f = &p->functions[i];
		long k = cov ? coverage_find_function(cov, f->linkage_name, f->file, f->line) : -1;

		fprintf(out, "%" PRIu32 ",", f->id);
		csv_field(out, f->name);
		fputc(',', out);
		csv_field(out, f->linkage_name);
		fputc(',', out);
		csv_field(out, f->file);
		fputc(',', out);
		if (f->line)
			fprintf(out, "%u", f->line);
		fputc(',', out);
		if (f->module != PROF_MODULE_UNKNOWN)
			fprintf(out, "%" PRId64, f->module);
		fprintf(out, ",%" PRIu64 ",%" PRIu64 ",", f->address, f->calls);
		if (p->timed)
			fprintf(out, "%" PRIu64 ",%" PRIu64, f->self_ns, f->total_ns);
		else
			fputc(',', out);
		fputc(',', out);
		if (k >= 0)
			fprintf(out, "%" PRIu64, cov->report.functions[k].entry_count);
		fputs("\r\n", out);
	}
	return ferror(out) ? -1 : 0;
}

/* ---- prometheus --------------------------------------------------------- */

/* One series: the functions of one (name, file), summed. */
struct prom_series {
	const char *function;
	const char *file;           /* "" when unknown */
	uint64_t calls, self_ns, total_ns;
};

static int cmp_series(const void *a, const void *b)
{
	const struct prom_series *x = a, *y = b;
	int c = strcmp(x->function, y->function);

	return c ? c : strcmp(x->file, y->file);
}

/* A label value: control characters as \xHH (tool_text.c: ESC is the
 * text "\x1b"), then \, " and newline escaped as the format says. */
static void prom_label(FILE *out, const char *s)
{
	for (s = tool_text_keep(s, "\\\n"); *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

/* ns as seconds, exactly: "S.NNNNNNNNN". */
static void prom_seconds(FILE *out, uint64_t ns)
{
	fprintf(out, "%" PRIu64 ".%09" PRIu64, ns / 1000000000u, ns % 1000000000u);
}

enum prom_value { PROM_CALLS, PROM_SELF, PROM_TOTAL };

static void prom_metric(FILE *out, const struct prom_series *s, size_t n,
                        const char *name, const char *help, enum prom_value v)
{
	size_t i;

	fprintf(out, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (i = 0; i < n; i++) {
		fprintf(out, "%s{function=\"", name);
		prom_label(out, s[i].function);
		fputs("\",file=\"", out);
		prom_label(out, s[i].file);
		fputs("\"} ", out);
		if (v == PROM_CALLS)
			fprintf(out, "%" PRIu64, s[i].calls);
		else
			prom_seconds(out, v == PROM_SELF ? s[i].self_ns : s[i].total_ns);
		fputc('\n', out);
	}
}

int export_prometheus(FILE *out, const struct profile *p, struct coverage *cov)
{
	struct prom_series *s = xcalloc(p->n_functions, sizeof *s);
	size_t i, n = 0;

	(void)cov;
	for (i = 0; i < p->n_functions; i++) {
		const struct prof_function *f = &p->functions[i];
		s[i].function = f->name;
		s[i].file = f->file ? f->file : "";
		s[i].calls = f->calls;
		s[i].self_ns = f->self_ns;
		s[i].total_ns = f->total_ns;
	}
	qsort(s, p->n_functions, sizeof *s, cmp_series);
	for (i = 0; i < p->n_functions; i++) {
		if (n && cmp_series(&s[n - 1], &s[i]) == 0) {
			/* calls and self_ns: parts of sums the raw reader bounds */
			s[n - 1].calls += s[i].calls;
			s[n - 1].self_ns += s[i].self_ns;
			if (count_add(&s[n - 1].total_ns, s[i].total_ns, 1, COUNT_MAX) != 0) {
				tool_error(p->raw->file, "prometheus: count overflow: the inclusive"
				           " time of the functions %s (%s) sums past 2^64-1 ns",
				           s[i].function, s[i].file);
				free(s);
				return -2;
			}
		} else {
			s[n++] = s[i];
		}
	}
	prom_metric(out, s, n, "vitprof_function_calls_total",
	            "Calls into the function (exact, from the instrumentation hooks).",
	            PROM_CALLS);
	if (p->timed) {
		prom_metric(out, s, n, "vitprof_function_self_seconds_total",
		            "Time spent in the function itself, callees excluded.", PROM_SELF);
		prom_metric(out, s, n, "vitprof_function_seconds_total",
		            "Time spent in the function, callees included.", PROM_TOTAL);
	}
	free(s);
	return ferror(out) ? -1 : 0;
}
