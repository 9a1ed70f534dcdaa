/* SPDX-License-Identifier: MIT */
/*
 * dwarf_ranges.c - the code addresses of a DIE: DW_AT_low_pc with
 * DW_AT_high_pc (an address, or since DWARF 4 an offset from low_pc), or
 * DW_AT_ranges (.debug_rnglists in DWARF 5, .debug_ranges before), where
 * functions split into hot and cold parts keep their pieces.
 */
#include "dwarf_internal.h"

/* Adds [lo, hi) to c->pieces when it is non-empty. Returns 0 / -1. */
static int add_piece(struct dw_ctx *c, Dwarf_Addr lo, Dwarf_Addr hi)
{
	if (hi <= lo)
		return 0;
	if (sym_grow((void **)&c->pieces, &c->cappieces, c->npieces + 1,
	             sizeof *c->pieces) < 0)
		return dw_oom(c);
	c->pieces[c->npieces++] = (struct dw_piece){lo, hi};
	return 0;
}

/* The value of a DW_AT_ranges attribute: an index (DW_FORM_rnglistx), an
 * offset (DW_FORM_sec_offset) or, before DWARF 4, a constant. */
static int ranges_value(struct dw_ctx *c, Dwarf_Attribute attr, Dwarf_Half form,
                        Dwarf_Unsigned *v)
{
	Dwarf_Off off = 0;
	int rc;

	if (form == DW_FORM_sec_offset) {
		rc = dwarf_global_formref(attr, &off, &c->err);
		*v = off;
	} else {
		rc = dwarf_formudata(attr, v, &c->err);
	}
	if (rc != DW_DLV_OK)
		return dw_fail(c, "reading DW_AT_ranges");
	return 0;
}

/* DWARF 5: the entries of a .debug_rnglists list, already resolved by
 * libdwarf to [start, end) ("cooked") against the unit's base address. */
static int rnglist_pieces(struct dw_ctx *c, Dwarf_Attribute attr,
                          Dwarf_Half form, Dwarf_Unsigned value)
{
	Dwarf_Rnglists_Head head = NULL;
	Dwarf_Unsigned count = 0, goff = 0, i;
	int ret = 0;

	if (dwarf_rnglists_get_rle_head(attr, form, value, &head, &count, &goff,
	                                &c->err) != DW_DLV_OK)
		return dw_fail(c, "reading a .debug_rnglists list");
	for (i = 0; i < count && ret == 0; i++) {
		unsigned len = 0, code = 0;
		Dwarf_Unsigned raw1, raw2, lo = 0, hi = 0;
		Dwarf_Bool no_addr = 0;

		if (dwarf_get_rnglists_entry_fields_a(head, i, &len, &code, &raw1,
		                                      &raw2, &no_addr, &lo, &hi,
		                                      &c->err) != DW_DLV_OK) {
			ret = dw_fail(c, "reading a .debug_rnglists entry");
			break;
		}
		switch (code) {
		case DW_RLE_offset_pair:
		case DW_RLE_startx_endx:
		case DW_RLE_startx_length:
		case DW_RLE_start_end:
		case DW_RLE_start_length:
			if (!no_addr)
				ret = add_piece(c, lo, hi);
			break;
		default: /* end of list, base address selection */
			break;
		}
	}
	dwarf_dealloc_rnglists_head(head);
	return ret;
}

/* DWARF 2-4: a .debug_ranges list of offsets from the unit's base address,
 * which base address selection entries change. */
static int ranges_pieces(struct dw_ctx *c, Dwarf_Die die, const struct dw_cu *cu,
                         Dwarf_Unsigned off)
{
	Dwarf_Ranges *list = NULL;
	Dwarf_Signed n = 0, i;
	Dwarf_Unsigned bytes = 0;
	Dwarf_Off real = 0;
	Dwarf_Addr base = cu ? cu->base : 0;
	int ret = 0;

	if (dwarf_get_ranges_b(c->dbg, off, die, &real, &list, &n, &bytes,
	                       &c->err) != DW_DLV_OK)
		return dw_fail(c, "reading a .debug_ranges list");
	for (i = 0; i < n && ret == 0; i++) {
		if (list[i].dwr_type == DW_RANGES_END)
			break;
		if (list[i].dwr_type == DW_RANGES_ADDRESS_SELECTION)
			base = list[i].dwr_addr2;
		else
			ret = add_piece(c, base + list[i].dwr_addr1,
			                base + list[i].dwr_addr2);
	}
	dwarf_ranges_dealloc(c->dbg, list, n);
	return ret;
}

/* The pieces listed by die's DW_AT_ranges, if it has one. */
static int die_ranges(struct dw_ctx *c, Dwarf_Die die, const struct dw_cu *cu)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Half form = 0;
	Dwarf_Unsigned value = 0;
	int rc, ret;

	rc = dwarf_attr(die, DW_AT_ranges, &attr, &c->err);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading DW_AT_ranges");
	if (rc != DW_DLV_OK)
		return 0;
	if (dwarf_whatform(attr, &form, &c->err) != DW_DLV_OK)
		ret = dw_fail(c, "reading the form of DW_AT_ranges");
	else
		ret = ranges_value(c, attr, form, &value);
	if (ret == 0) {
		if ((cu && cu->version >= 5) || form == DW_FORM_rnglistx)
			ret = rnglist_pieces(c, attr, form, value);
		else
			ret = ranges_pieces(c, die, cu, value);
	}
	dwarf_dealloc_attribute(attr);
	return ret;
}

int dw_die_pieces(struct dw_ctx *c, Dwarf_Die die, const struct dw_cu *cu,
                  Dwarf_Addr *entry)
{
	Dwarf_Addr lo = 0, hv = 0, first;
	Dwarf_Half form = 0;
	enum Dwarf_Form_Class cls = DW_FORM_CLASS_UNKNOWN;
	size_t i, n;
	int rc, found = 0;

	c->npieces = 0;
	*entry = 0;
	rc = dwarf_lowpc(die, &lo, &c->err);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading DW_AT_low_pc");
	if (rc == DW_DLV_OK) {
		rc = dwarf_highpc_b(die, &hv, &form, &cls, &c->err);
		if (rc == DW_DLV_ERROR)
			return dw_fail(c, "reading DW_AT_high_pc");
		if (rc == DW_DLV_OK) {
			Dwarf_Addr hi = cls == DW_FORM_CLASS_CONSTANT ? lo + hv : hv;
			if (hi > lo && add_piece(c, lo, hi) < 0)
				return -1;
		}
		first = lo;
	} else {
		if (die_ranges(c, die, cu) < 0)
			return -1;
		if (c->npieces == 0)
			return 0;
		/* GCC lists the entry (hot) part of a split function first. */
		first = c->pieces[0].lo;
		if (dw_attr_addr(c, die, DW_AT_entry_pc, &lo, &found) < 0)
			return -1;
		if (found)
			first = lo;
	}
	/* Keep what lies in code: discarded sections come back as 0 or -1. */
	for (i = 0, n = 0; i < c->npieces; i++)
		if (sym_text_contains(c->m, c->pieces[i].lo))
			c->pieces[n++] = c->pieces[i];
	c->npieces = n;
	if (n)
		*entry = first;
	return 0;
}
