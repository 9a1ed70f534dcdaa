/* SPDX-License-Identifier: MIT */
/*
 * dwarf_lines.c - the line tables: rows collected per unit, then one
 * address-sorted array where each row applies from its address up to the
 * next row's (an end_sequence row means "no code here").
 */
#include "dwarf_internal.h"

#include <stdlib.h>

/*
 * Drops the rows of the sequence starting at index start unless the
 * sequence begins in executable code (sequences of code the linker
 * discarded are relocated to address 0 or -1, over the real code).
 */
static void close_sequence(struct sym_module *m, size_t start)
{
	if (start < m->nlines && !sym_text_contains(m, m->lines[start].addr))
		m->nlines = start;
}

int dw_lines_add(struct dw_ctx *c, Dwarf_Line_Context lc,
                 const struct dw_cu *cu)
{
	struct sym_module *m = c->m;
	Dwarf_Line *rows = NULL;
	Dwarf_Signed n = 0, i;
	size_t seq_start = m->nlines;
	int in_seq = 0;

	if (dwarf_srclines_from_linecontext(lc, &rows, &n, &c->err) == DW_DLV_ERROR)
		return dw_fail(c, "reading line table rows");
	if (n <= 0)
		return 0;
	if (sym_grow((void **)&m->lines, &m->caplines, m->nlines + (size_t)n,
	             sizeof *m->lines) < 0)
		return dw_oom(c);
	for (i = 0; i < n; i++) {
		Dwarf_Addr addr = 0;
		Dwarf_Unsigned line = 0, file = 0, column = 0;
		Dwarf_Bool end = 0;
		struct sym_line *r;

		if (dwarf_lineaddr(rows[i], &addr, &c->err) == DW_DLV_ERROR ||
		    dwarf_lineno(rows[i], &line, &c->err) == DW_DLV_ERROR ||
		    dwarf_line_srcfileno(rows[i], &file, &c->err) == DW_DLV_ERROR ||
		    dwarf_lineendsequence(rows[i], &end, &c->err) == DW_DLV_ERROR ||
		    dwarf_lineoff_b(rows[i], &column, &c->err) == DW_DLV_ERROR)
			return dw_fail(c, "reading a line table row");
		if (!in_seq) {
			seq_start = m->nlines;
			in_seq = 1;
		}
		r = &m->lines[m->nlines];
		r->addr = addr;
		r->file = dw_cu_file(cu, file);
		r->line = line > UINT32_MAX ? 0 : (uint32_t)line;
		r->column = column > UINT32_MAX ? 0 : (uint32_t)column;
		r->seq = (uint32_t)seq_start;
		r->order = (uint32_t)m->nlines;
		r->end = end ? 1 : 0;
		m->nlines++;
		if (end) {
			close_sequence(m, seq_start);
			in_seq = 0;
		}
	}
	if (in_seq) { /* a truncated sequence: its last row ends it */
		m->lines[m->nlines - 1].end = 1;
		close_sequence(m, seq_start);
	}
	return 0;
}

/* By address, then sequence, then table order. */
static int cmp_line(const void *a, const void *b)
{
	const struct sym_line *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * The row that applies at the address of the rows [i, j): each sequence's
 * last row there (as addr2line keeps it: an end row after code at the same
 * address ends that code), and among sequences, code wins over an end (one
 * sequence may start where another stops), the later table's code over
 * the earlier's.
 */
static size_t pick_row(const struct sym_line *v, size_t i, size_t j)
{
	size_t k, code = j, end = j;

	for (k = i; k < j; k++) {
		if (k + 1 < j && v[k + 1].seq == v[k].seq)
			continue; /* not the last of its sequence here */
		if (!v[k].end)
			code = k;
		else if (end == j)
			end = k;
	}
	return code != j ? code : end;
}

/* Sorts the rows and keeps one per address; consecutive rows saying the
 * same thing are merged. */
void sym_lines_finalize(struct sym_module *m)
{
	size_t i, j, n = 0;

	if (m->nlines == 0)
		return;
	qsort(m->lines, m->nlines, sizeof *m->lines, cmp_line);
	for (i = 0; i < m->nlines; i = j) {
		const struct sym_line *r;

		for (j = i + 1; j < m->nlines && m->lines[j].addr == m->lines[i].addr; j++)
			;
		r = &m->lines[pick_row(m->lines, i, j)];
		if (n && m->lines[n - 1].end == r->end &&
		    m->lines[n - 1].file == r->file && m->lines[n - 1].line == r->line &&
		    m->lines[n - 1].column == r->column)
			continue;
		m->lines[n++] = *r;
	}
	m->nlines = n;
}

const struct sym_line *sym_lines_find(const struct sym_module *m,
                                      uint64_t addr)
{
	size_t lo = 0, hi = m->nlines;

	while (lo < hi) { /* first row with addr > the address */
		size_t mid = lo + (hi - lo) / 2;
		if (m->lines[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || m->lines[lo - 1].end)
		return NULL;
	return &m->lines[lo - 1];
}
