/* SPDX-License-Identifier: MIT */
/*
 * show_coverage.c - the text reports of `vitprof show --branches` and
 * `--loops`: the hottest branches with their bias, the hottest loops with
 * their trips per entry, from the solved arc counts (coverage.c).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "coverage/coverage.h"

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

static int cmp_place(const char *fa, uint32_t la, const char *fb, uint32_t lb)
{
	int d = strcmp(fa ? fa : "", fb ? fb : "");
	return d ? d : la < lb ? -1 : la > lb;
}

/* One conditional branch: the outcomes of one block on one line. */
struct branch_row {
	const struct cov_line *line;
	size_t first, n;            /* its outcomes in line->branches */
	uint64_t total, most;
};

static int branch_order(const void *a, const void *b)
{
	const struct branch_row *x = a, *y = b;
	int d = cmp_u64_desc(x->total, y->total);

	if (!d)
		d = cmp_place(x->line->file, x->line->line, y->line->file, y->line->line);
	return d ? d : x->first < y->first ? -1 : x->first > y->first;
}

/* "file:line", shortened to its last width characters. */
static void print_place(const char *file, uint32_t line, int width)
{
	char buf[4096];
	int n = snprintf(buf, sizeof buf, "%s:%" PRIu32, file ? file : "??", line);

	if (n < 0)
		return;
	if (n > width && width > 3)
		printf("...%-*s", width - 3, buf + n - (width - 3));
	else
		printf("%-*s", width, buf);
}

void show_branches(const struct cov_report *r, size_t top)
{
	struct branch_row *rows = NULL;
	size_t n = 0, cap = 0, i, k;

	for (i = 0; i < r->n_lines; i++) {
		const struct cov_line *l = &r->lines[i];
		for (k = 0; k < l->n_branches; k++) {
			const struct cov_branch *b = &l->branches[k];
			struct branch_row *row;
			if (k == 0 || b->group != l->branches[k - 1].group) {
				if (n == cap) {
					cap = cap ? 2 * cap : 256;
					rows = xrealloc(rows, cap * sizeof *rows);
				}
				rows[n++] = (struct branch_row){l, k, 0, 0, 0};
			}
			row = &rows[n - 1];
			row->n++;
			row->total += b->count;
			if (b->count > row->most)
				row->most = b->count;
		}
	}
	if (n)
		qsort(rows, n, sizeof *rows, branch_order);
	printf("branches: %zu conditional branches, by executions\n", n);
	printf("%14s %6s  %-40s  %s\n", "executions", "bias", "file:line",
	       "outcomes in gcov's order (f: fall-through, t: throw)");
	for (i = 0; i < n && (!top || i < top); i++) {
		const struct branch_row *row = &rows[i];
		printf("%14" PRIu64 " ", row->total);
		if (row->total)
			printf("%5.1f%%  ", 100.0 * (double)row->most / (double)row->total);
		else
			printf("%6s  ", "-");
		print_place(row->line->file, row->line->line, 40);
		putchar(' ');
		for (k = row->first; k < row->first + row->n; k++) {
			const struct cov_branch *b = &row->line->branches[k];
			printf(" %" PRIu64 "%s%s", b->count, b->fallthrough ? "f" : "",
			       b->is_throw ? "t" : "");
		}
		putchar('\n');
	}
	if (top && n > top)
		printf("(%zu more; -n 0 shows all)\n", n - top);
	free(rows);
}

static int loop_order(const void *a, const void *b)
{
	const struct cov_loop *x = *(const struct cov_loop *const *)a;
	const struct cov_loop *y = *(const struct cov_loop *const *)b;
	int d = cmp_u64_desc(x->iterations, y->iterations);

	if (!d)
		d = cmp_u64_desc(x->entries, y->entries);
	return d ? d : cmp_place(x->file, x->line, y->file, y->line);
}

void show_loops(const struct cov_report *r, size_t top)
{
	const struct cov_loop **rows = xcalloc(r->n_loops, sizeof *rows);
	size_t i;

	for (i = 0; i < r->n_loops; i++)
		rows[i] = &r->loops[i];
	qsort(rows, r->n_loops, sizeof *rows, loop_order);
	printf("loops: %zu, by iterations (back-edge executions)\n", r->n_loops);
	printf("%14s %12s %12s %5s  %-40s  %s\n", "iterations", "entries", "trips/entry",
	       "depth", "header file:line", "function");
	for (i = 0; i < r->n_loops && (!top || i < top); i++) {
		const struct cov_loop *l = rows[i];
		printf("%14" PRIu64 " %12" PRIu64 " ", l->iterations, l->entries);
		if (l->entries)
			printf("%12.2f ", (double)l->iterations / (double)l->entries);
		else
			printf("%12s ", "-");
		printf("%5" PRIu32 "  ", l->depth);
		print_place(l->file, l->line, 40);
		printf("  %s\n", l->function ? l->function : "??");
	}
	if (top && r->n_loops > top)
		printf("(%zu more; -n 0 shows all)\n", r->n_loops - top);
	free(rows);
}
