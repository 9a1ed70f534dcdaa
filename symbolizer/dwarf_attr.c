/* SPDX-License-Identifier: MIT */
/*
 * dwarf_attr.c - reading one attribute of a DIE with libdwarf as a string,
 * an unsigned constant, an address or a reference, freeing the attribute
 * descriptor it allocates. A form that does not hold the kind asked for
 * reads as "not found", a libdwarf error fails the step (dw_fail()).
 */
#include "dwarf_internal.h"

enum attr_kind { ATTR_STRING, ATTR_UDATA, ATTR_ADDR, ATTR_REF };

union attr_value {
	const char *s;
	Dwarf_Unsigned u;
	Dwarf_Addr addr;
	Dwarf_Off off;
};

/* What failed, for dw_fail(), by kind. */
static const char *const attr_what[] = {
	[ATTR_STRING] = "reading a string attribute",
	[ATTR_UDATA] = "reading a constant attribute",
	[ATTR_ADDR] = "reading an address attribute",
	[ATTR_REF] = "reading a reference attribute",
};

/* The value of attr (form form) as kind into *v: DW_DLV_OK, DW_DLV_NO_ENTRY
 * when its form does not hold that kind of value, or DW_DLV_ERROR. */
static int form_value(struct dw_ctx *c, Dwarf_Attribute attr, Dwarf_Half form,
                      enum attr_kind kind, union attr_value *v)
{
	Dwarf_Signed sv = 0;
	char *s = NULL;
	int rc;

	switch (kind) {
	case ATTR_STRING:
		rc = dwarf_formstring(attr, &s, &c->err);
		if (rc == DW_DLV_OK && !s)
			rc = DW_DLV_NO_ENTRY;
		v->s = s;
		return rc;
	case ATTR_UDATA:
		if (form != DW_FORM_implicit_const)
			return dwarf_formudata(attr, &v->u, &c->err);
		/* DWARF 5 constants in the abbreviation (GCC's decl_file):
		 * this libdwarf reads them only as signed. */
		rc = dwarf_formsdata(attr, &sv, &c->err);
		if (rc == DW_DLV_OK && sv < 0)
			rc = DW_DLV_NO_ENTRY;
		v->u = (Dwarf_Unsigned)sv;
		return rc;
	case ATTR_ADDR:
		if (form != DW_FORM_addr && !dwarf_addr_form_is_indexed(form))
			return DW_DLV_NO_ENTRY; /* not an address: ignore */
		return dwarf_formaddr(attr, &v->addr, &c->err);
	case ATTR_REF:
		switch (form) {
		case DW_FORM_ref1:
		case DW_FORM_ref2:
		case DW_FORM_ref4:
		case DW_FORM_ref8:
		case DW_FORM_ref_udata:
		case DW_FORM_ref_addr:
			return dwarf_global_formref(attr, &v->off, &c->err);
		default: /* DW_FORM_ref_sig8, DW_FORM_GNU_ref_alt, ...: not here */
			return DW_DLV_NO_ENTRY;
		}
	}
	return DW_DLV_NO_ENTRY;
}

/* Attribute at of die as kind into *v, *found = 1 when present with a
 * usable form. Frees the attribute descriptor. Returns 0 / -1. */
static int read_attr(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                     enum attr_kind kind, union attr_value *v, int *found)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Half form = 0;
	int rc;

	*found = 0;
	rc = dwarf_attr(die, at, &attr, &c->err);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading an attribute");
	if (rc != DW_DLV_OK)
		return 0;
	if (kind != ATTR_STRING)
		rc = dwarf_whatform(attr, &form, &c->err);
	if (rc == DW_DLV_OK)
		rc = form_value(c, attr, form, kind, v);
	dwarf_dealloc_attribute(attr);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, attr_what[kind]);
	*found = rc == DW_DLV_OK;
	return 0;
}

int dw_attr_string(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                   const char **out, int *found)
{
	union attr_value v;

	if (read_attr(c, die, at, ATTR_STRING, &v, found) < 0)
		return -1;
	if (*found)
		*out = v.s;
	return 0;
}

int dw_attr_udata(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                  Dwarf_Unsigned *out, int *found)
{
	union attr_value v;

	if (read_attr(c, die, at, ATTR_UDATA, &v, found) < 0)
		return -1;
	if (*found)
		*out = v.u;
	return 0;
}

int dw_attr_addr(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                 Dwarf_Addr *out, int *found)
{
	union attr_value v;

	if (read_attr(c, die, at, ATTR_ADDR, &v, found) < 0)
		return -1;
	if (*found)
		*out = v.addr;
	return 0;
}

int dw_attr_ref(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                Dwarf_Off *out, int *found)
{
	union attr_value v;

	if (read_attr(c, die, at, ATTR_REF, &v, found) < 0)
		return -1;
	if (*found)
		*out = v.off;
	return 0;
}
