/* SPDX-License-Identifier: MIT */
/*
 * dwarf_line_guard.c - reads a DWARF 5 line table header the way libdwarf
 * will, before libdwarf does, and refuses the one libdwarf cannot read
 * safely: a file entry whose directory index equals the directory count.
 * libdwarf bounds that index with the 1-based rule of DWARF 2-4
 * (index <= count) and would then read directories[count], past its
 * array. Headers of DWARF 2-4 are left to libdwarf, whose bound is right
 * for them.
 */
#include "symbolizer_internal.h"

#include <dwarf.h>
#include <stdio.h>

/*
 * Reads one attribute value of form, returning it when it is a constant
 * (the directory index), 0 otherwise. Each form read here takes at least
 * one byte, so a loop over entries ends with the header.
 */
static uint64_t rd_form(struct sym_cursor *r, unsigned osz, uint64_t form)
{
	switch (form) {
	case DW_FORM_string:
		(void)sym_cur_cstr(r);
		return 0;
	case DW_FORM_line_strp:
	case DW_FORM_strp:
	case DW_FORM_strp_sup:
	case DW_FORM_sec_offset:
		sym_cur_skip(r, osz);
		return 0;
	case DW_FORM_strx:
	case DW_FORM_udata:
		return sym_cur_uleb(r);
	case DW_FORM_sdata:
		(void)sym_cur_uleb(r); /* same length as an unsigned LEB128 */
		return 0;
	case DW_FORM_strx1:
	case DW_FORM_data1:
		return sym_cur_uint(r, 1);
	case DW_FORM_strx2:
	case DW_FORM_data2:
		return sym_cur_uint(r, 2);
	case DW_FORM_strx3:
		return sym_cur_uint(r, 3);
	case DW_FORM_strx4:
	case DW_FORM_data4:
		return sym_cur_uint(r, 4);
	case DW_FORM_data8:
		return sym_cur_uint(r, 8);
	case DW_FORM_data16:
		sym_cur_skip(r, 16);
		return 0;
	case DW_FORM_block:
		sym_cur_skip(r, sym_cur_uleb(r));
		return 0;
	case DW_FORM_block1:
		sym_cur_skip(r, sym_cur_uint(r, 1));
		return 0;
	case DW_FORM_block2:
		sym_cur_skip(r, sym_cur_uint(r, 2));
		return 0;
	case DW_FORM_block4:
		sym_cur_skip(r, sym_cur_uint(r, 4));
		return 0;
	default:
		r->bad = 1;
		return 0;
	}
}

struct entry_format {
	uint64_t content, form;
};

#define MAX_FORMATS 255 /* the format count is one byte */

/*
 * Reads an entry format list, then the entries of it, their number into
 * *count. With dirs != NULL (the file entries), each
 * DW_LNCT_directory_index must be below *dirs. Returns 0 (r->bad set if the
 * bytes ran out or a form is unknown), or -1 with the index in *bad_index.
 */
static int rd_entries(struct sym_cursor *r, unsigned osz, const uint64_t *dirs, uint64_t *count,
                      uint64_t *bad_index)
{
	struct entry_format fmt[MAX_FORMATS];
	unsigned nfmt, i;
	uint64_t e;

	nfmt = (unsigned)sym_cur_uint(r, 1);
	for (i = 0; i < nfmt && !r->bad; i++) {
		fmt[i].content = sym_cur_uleb(r);
		fmt[i].form = sym_cur_uleb(r);
	}
	*count = sym_cur_uleb(r);
	for (e = 0; e < *count && nfmt && !r->bad; e++)
		for (i = 0; i < nfmt && !r->bad; i++) {
			uint64_t v = rd_form(r, osz, fmt[i].form);
			if (dirs && fmt[i].content == DW_LNCT_directory_index &&
			    !r->bad && v >= *dirs) {
				*bad_index = v;
				return -1;
			}
		}
	return 0;
}

int sym_line_header_check(const struct sym_dwarf_guard *g, uint64_t off,
                          char *why, size_t whylen)
{
	struct sym_cursor r;
	uint64_t len, hdr_len, ndirs, nfiles, bad_index = 0;
	unsigned version, opcode_base, osz = 4;

	if (!g->line || off >= g->nline)
		return 0; /* libdwarf refuses it by itself */
	r = (struct sym_cursor){g->line, (size_t)off, g->nline, g->big, 0};
	len = sym_cur_uint(&r, 4);
	if (len == 0xffffffffu) {
		len = sym_cur_uint(&r, 8);
		osz = 8;
	}
	if (!r.bad && len < r.end - r.off)
		r.end = r.off + (size_t)len;
	version = (unsigned)sym_cur_uint(&r, 2);
	if (r.bad || version != 5)
		return 0; /* too short, or DWARF 2-4 (checked right by libdwarf),
		             or a version libdwarf refuses */
	sym_cur_skip(&r, 2);               /* address size, segment selector size */
	hdr_len = sym_cur_uint(&r, osz);
	if (!r.bad && hdr_len < r.end - r.off)
		r.end = r.off + (size_t)hdr_len;
	sym_cur_skip(&r, 5); /* min_inst_length, max_ops, default_is_stmt,
	                        line_base, line_range */
	opcode_base = (unsigned)sym_cur_uint(&r, 1);
	sym_cur_skip(&r, opcode_base ? opcode_base - 1 : 0);
	(void)rd_entries(&r, osz, NULL, &ndirs, NULL);
	if (rd_entries(&r, osz, &ndirs, &nfiles, &bad_index) < 0) {
		snprintf(why, whylen,
		         "line table at 0x%llx: a file names directory %llu of %llu",
		         (unsigned long long)off, (unsigned long long)bad_index,
		         (unsigned long long)ndirs);
		return -1;
	}
	if (r.bad) {
		snprintf(why, whylen,
		         "line table at 0x%llx: unreadable DWARF 5 header",
		         (unsigned long long)off);
		return -1;
	}
	return 0;
}
