/* SPDX-License-Identifier: MIT */
/*
 * show_values.c - the text report of `vitprof show --values`: the hottest
 * indirect call sites with their targets and shares, then the most
 * specialized values (topn sites, a divisor or a string operation's size,
 * where one value has at least half the executions), both by executions,
 * from the value sites of value_sites.c.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "model/value_sites.h"
#include "read/gcov_values.h"

static int by_total(const void *a, const void *b)
{
	const struct vpdoc_value_site *x = *(const struct vpdoc_value_site *const *)a;
	const struct vpdoc_value_site *y = *(const struct vpdoc_value_site *const *)b;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return x < y ? -1 : x > y;     /* the canonical order of the array */
}

static double share(uint64_t count, uint64_t total)
{
	return total ? 100.0 * (double)count / (double)total : 0.0;
}

/* "file:line function #site" (the site's own line), or "function
 * (file:line) #site" (the function's, when the site's is unknown),
 * shortened to its last width characters. */
static void print_site(const struct vpdoc_value_site *s, int width)
{
	const char *f = s->site_file ? s->site_file : s->file;
	const char *file = f ? strrchr(f, '/') : NULL;
	char buf[4096];
	int n;

	file = file ? file + 1 : f ? f : "??";
	if (s->site_file)
		n = snprintf(buf, sizeof buf, "%s:%" PRIu64 " %s #%" PRIu64, file, s->site_line,
		             s->function, s->site);
	else
		n = snprintf(buf, sizeof buf, "%s (%s:%" PRIu64 ") #%" PRIu64, s->function, file,
		             s->line, s->site);
	if (n < 0)
		return;
	if (n > width && width > 3)
		printf("...%-*s", width - 3, buf + n - (width - 3));
	else
		printf("%-*s", width, buf);
}

/* The topn sites of kind t, hottest first; those of kind TOPN only when
 * their first value has at least half the executions. */
static const struct vpdoc_value_site **pick(const struct vpdoc_value_site *v, size_t n,
                                            unsigned t, size_t *n_out)
{
	const struct vpdoc_value_site **rows = xcalloc(n, sizeof *rows);
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		const struct vpdoc_value_site *s = &v[i];
		if (s->kind != t || !s->total)
			continue;
		if (t == GCOV_KIND_TOPN &&
		    (!s->n_values || s->values[0].count < s->total - s->total / 2))
			continue;
		rows[m++] = s;
	}
	qsort(rows, m, sizeof *rows, by_total);
	*n_out = m;
	return rows;
}

void show_values(const struct vpdoc_value_site *v, size_t n, size_t top)
{
	const struct vpdoc_value_site **rows;
	size_t m, i, k;

	rows = pick(v, n, GCOV_KIND_INDIRECT, &m);
	printf("indirect calls: %zu sites, by executions (site: its file:line, its function"
	       " and its index there; without the training object, the function's line)\n", m);
	printf("%14s  %-44s  %s\n", "executions", "site", "targets: share (calls)");
	for (i = 0; i < m && (!top || i < top); i++) {
		const struct vpdoc_value_site *s = rows[i];
		uint64_t rest = s->total;
		printf("%14" PRIu64 "  ", s->total);
		print_site(s, 44);
		putchar(' ');
		for (k = 0; k < s->n_values; k++) {
			const struct vpdoc_value *e = &s->values[k];
			if (e->function)
				printf(" %s", e->function);
			else
				printf(" id:0x%08" PRIx64, (uint64_t)e->value);
			printf(" %.1f%% (%" PRIu64 ")%s", share(e->count, s->total), e->count,
			       k + 1 < s->n_values ? "," : "");
			rest = e->count < rest ? rest - e->count : 0;
		}
		if (rest)
			printf("%s other %.1f%% (%" PRIu64 ")", s->n_values ? "," : "",
			       share(rest, s->total), rest);
		if (s->dropped)
			printf(" [values dropped]");
		putchar('\n');
	}
	if (top && m > top)
		printf("(%zu more; -n 0 shows all)\n", m - top);
	free(rows);

	putchar('\n');
	rows = pick(v, n, GCOV_KIND_TOPN, &m);
	printf("specialized values: %zu sites where one value has at least half the"
	       " executions (divisors, string operation sizes), by executions\n", m);
	printf("%14s %6s %20s  %s\n", "executions", "share", "value", "site");
	for (i = 0; i < m && (!top || i < top); i++) {
		const struct vpdoc_value_site *s = rows[i];
		printf("%14" PRIu64 " %5.1f%% %20" PRId64 "  ", s->total,
		       share(s->values[0].count, s->total), s->values[0].value);
		print_site(s, 0);
		if (s->n_values > 1)
			printf("  next: %" PRId64 " %.1f%%", s->values[1].value,
			       share(s->values[1].count, s->total));
		if (s->dropped)
			printf(" [values dropped]");
		putchar('\n');
	}
	if (top && m > top)
		printf("(%zu more; -n 0 shows all)\n", m - top);
	free(rows);
}
