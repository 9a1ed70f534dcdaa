/* SPDX-License-Identifier: MIT */
/*
 * dwarf_attr.c - reading one attribute of a DIE with libdwarf, freeing the
 * attribute descriptor it allocates.
 */
#include "dwarf_internal.h"

/* *attr = the attribute, or NULL when die lacks it. Returns 0 / -1. */
static int get_attr(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                    Dwarf_Attribute *attr)
{
	int rc = dwarf_attr(die, at, attr, &c->err);

	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading an attribute");
	if (rc != DW_DLV_OK)
		*attr = NULL;
	return 0;
}

int dw_attr_string(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                   const char **out, int *found)
{
	Dwarf_Attribute attr;
	char *s = NULL;
	int rc;

	*found = 0;
	if (get_attr(c, die, at, &attr) < 0)
		return -1;
	if (!attr)
		return 0;
	rc = dwarf_formstring(attr, &s, &c->err);
	dwarf_dealloc_attribute(attr);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading a string attribute");
	if (rc == DW_DLV_OK && s) {
		*out = s;
		*found = 1;
	}
	return 0;
}

int dw_attr_udata(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                  Dwarf_Unsigned *out, int *found)
{
	Dwarf_Attribute attr;
	Dwarf_Unsigned v = 0;
	Dwarf_Signed sv = 0;
	Dwarf_Half form = 0;
	int rc;

	*found = 0;
	if (get_attr(c, die, at, &attr) < 0)
		return -1;
	if (!attr)
		return 0;
	rc = dwarf_whatform(attr, &form, &c->err);
	if (rc == DW_DLV_OK && form == DW_FORM_implicit_const) {
		/* DWARF 5 constants in the abbreviation (GCC's decl_file):
		 * this libdwarf reads them only as signed. */
		rc = dwarf_formsdata(attr, &sv, &c->err);
		if (rc == DW_DLV_OK && sv < 0)
			rc = DW_DLV_NO_ENTRY;
		v = (Dwarf_Unsigned)sv;
	} else if (rc == DW_DLV_OK) {
		rc = dwarf_formudata(attr, &v, &c->err);
	}
	dwarf_dealloc_attribute(attr);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading a constant attribute");
	if (rc == DW_DLV_OK) {
		*out = v;
		*found = 1;
	}
	return 0;
}

int dw_attr_addr(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                 Dwarf_Addr *out, int *found)
{
	Dwarf_Attribute attr;
	Dwarf_Half form = 0;
	Dwarf_Addr v = 0;
	int rc;

	*found = 0;
	if (get_attr(c, die, at, &attr) < 0)
		return -1;
	if (!attr)
		return 0;
	rc = dwarf_whatform(attr, &form, &c->err);
	if (rc == DW_DLV_OK && form != DW_FORM_addr &&
	    !dwarf_addr_form_is_indexed(form)) {
		dwarf_dealloc_attribute(attr); /* not an address: ignore */
		return 0;
	}
	if (rc == DW_DLV_OK)
		rc = dwarf_formaddr(attr, &v, &c->err);
	dwarf_dealloc_attribute(attr);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading an address attribute");
	if (rc == DW_DLV_OK) {
		*out = v;
		*found = 1;
	}
	return 0;
}

int dw_attr_ref(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                Dwarf_Off *out, int *found)
{
	Dwarf_Attribute attr;
	Dwarf_Half form = 0;
	Dwarf_Off off = 0;
	int rc;

	*found = 0;
	if (get_attr(c, die, at, &attr) < 0)
		return -1;
	if (!attr)
		return 0;
	rc = dwarf_whatform(attr, &form, &c->err);
	if (rc == DW_DLV_OK) {
		switch (form) {
		case DW_FORM_ref1:
		case DW_FORM_ref2:
		case DW_FORM_ref4:
		case DW_FORM_ref8:
		case DW_FORM_ref_udata:
		case DW_FORM_ref_addr:
			rc = dwarf_global_formref(attr, &off, &c->err);
			break;
		default: /* DW_FORM_ref_sig8, DW_FORM_GNU_ref_alt, ...: not here */
			rc = DW_DLV_NO_ENTRY;
			break;
		}
	}
	dwarf_dealloc_attribute(attr);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading a reference attribute");
	if (rc == DW_DLV_OK) {
		*out = off;
		*found = 1;
	}
	return 0;
}
