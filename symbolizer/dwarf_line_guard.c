/* SPDX-License-Identifier: MIT */
/*
 * dwarf_line_guard.c - reads a DWARF 5 line table header the way libdwarf
 * will, before libdwarf does, to refuse the one it cannot survive: a file
 * entry whose directory index equals the directory count. libdwarf
 * 20210528 checks the index with the 1-based bound of DWARF 2-4
 * (index <= count) and then reads directories[count], past its array
 * (tests/fuzz/regressions/symbolizer/line-v5-dir-index-one-past-end).
 * Headers of DWARF 2-4 are left to libdwarf, whose check is right there.
 */
#include "symbolizer_internal.h"

#include <dwarf.h>
#include <stdio.h>

struct reader {
	const unsigned char *p, *end;
	int big;
	unsigned offset_size;  /* 4 or 8 (DWARF64) */
	int bad;               /* read past end, or a form not understood */
};

static uint64_t rd_uint(struct reader *r, unsigned n)
{
	uint64_t v;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return 0;
	}
	v = sym_get_uint(r->p, n, r->big);
	r->p += n;
	return v;
}

static uint64_t rd_uleb(struct reader *r)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (!r->bad) {
		unsigned char b;

		if (r->p == r->end) {
			r->bad = 1;
			break;
		}
		b = *r->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return v;
	}
	return 0;
}

static void rd_skip(struct reader *r, uint64_t n)
{
	if (r->bad || (uint64_t)(r->end - r->p) < n)
		r->bad = 1;
	else
		r->p += n;
}

/*
 * Reads one attribute value of form, returning it when it is a constant
 * (the directory index), 0 otherwise. Each form read here takes at least
 * one byte, so a loop over entries ends with the header.
 */
static uint64_t rd_form(struct reader *r, uint64_t form)
{
	const unsigned char *nul;

	switch (form) {
	case DW_FORM_string:
		for (nul = r->p; nul < r->end && *nul; nul++)
			;
		rd_skip(r, (uint64_t)(nul - r->p) + 1);
		return 0;
	case DW_FORM_line_strp:
	case DW_FORM_strp:
	case DW_FORM_strp_sup:
	case DW_FORM_sec_offset:
		rd_skip(r, r->offset_size);
		return 0;
	case DW_FORM_strx:
	case DW_FORM_udata:
		return rd_uleb(r);
	case DW_FORM_sdata:
		(void)rd_uleb(r); /* same length as an unsigned LEB128 */
		return 0;
	case DW_FORM_strx1:
	case DW_FORM_data1:
		return rd_uint(r, 1);
	case DW_FORM_strx2:
	case DW_FORM_data2:
		return rd_uint(r, 2);
	case DW_FORM_strx3:
		return rd_uint(r, 3);
	case DW_FORM_strx4:
	case DW_FORM_data4:
		return rd_uint(r, 4);
	case DW_FORM_data8:
		return rd_uint(r, 8);
	case DW_FORM_data16:
		rd_skip(r, 16);
		return 0;
	case DW_FORM_block:
		rd_skip(r, rd_uleb(r));
		return 0;
	case DW_FORM_block1:
		rd_skip(r, rd_uint(r, 1));
		return 0;
	case DW_FORM_block2:
		rd_skip(r, rd_uint(r, 2));
		return 0;
	case DW_FORM_block4:
		rd_skip(r, rd_uint(r, 4));
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
static int rd_entries(struct reader *r, const uint64_t *dirs, uint64_t *count,
                      uint64_t *bad_index)
{
	struct entry_format fmt[MAX_FORMATS];
	unsigned nfmt, i;
	uint64_t e;

	nfmt = (unsigned)rd_uint(r, 1);
	for (i = 0; i < nfmt && !r->bad; i++) {
		fmt[i].content = rd_uleb(r);
		fmt[i].form = rd_uleb(r);
	}
	*count = rd_uleb(r);
	for (e = 0; e < *count && nfmt && !r->bad; e++)
		for (i = 0; i < nfmt && !r->bad; i++) {
			uint64_t v = rd_form(r, fmt[i].form);
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
	struct reader r;
	uint64_t len, hdr_len, ndirs, nfiles, bad_index = 0;
	unsigned version, opcode_base;

	if (!g->line || off >= g->nline)
		return 0; /* libdwarf refuses it by itself */
	r = (struct reader){g->line + off, g->line + g->nline, g->big, 4, 0};
	len = rd_uint(&r, 4);
	if (len == 0xffffffffu) {
		len = rd_uint(&r, 8);
		r.offset_size = 8;
	}
	if (!r.bad && len < (uint64_t)(r.end - r.p))
		r.end = r.p + len;
	version = (unsigned)rd_uint(&r, 2);
	if (r.bad || version != 5)
		return 0; /* too short, or DWARF 2-4 (checked right by libdwarf),
		             or a version libdwarf refuses */
	rd_skip(&r, 2);                    /* address size, segment selector size */
	hdr_len = rd_uint(&r, r.offset_size);
	if (!r.bad && hdr_len < (uint64_t)(r.end - r.p))
		r.end = r.p + hdr_len;
	rd_skip(&r, 5); /* min_inst_length, max_ops, default_is_stmt,
	                   line_base, line_range */
	opcode_base = (unsigned)rd_uint(&r, 1);
	rd_skip(&r, opcode_base ? opcode_base - 1 : 0);
	(void)rd_entries(&r, NULL, &ndirs, NULL);
	if (rd_entries(&r, &ndirs, &nfiles, &bad_index) < 0) {
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
