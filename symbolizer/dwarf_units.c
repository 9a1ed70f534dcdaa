/* SPDX-License-Identifier: MIT */
/*
 * dwarf_units.c - per compilation unit: its file table (the names that
 * DW_AT_decl_file, DW_AT_call_file and line rows refer to, made absolute
 * with DW_AT_comp_dir), its base address, and reading its line table once.
 */
#include "dwarf_internal.h"

#include <stdlib.h>

/*
 * Fills cu->files from the unit's line table header (dwarf_srcfiles gives
 * the names joined with their include directory; relative ones are joined
 * with comp_dir here). Returns 0 / -1.
 */
static int load_files(struct dw_ctx *c, Dwarf_Die cu_die, struct dw_cu *cu,
                      const char *comp_dir)
{
	char **list = NULL;
	Dwarf_Signed n = 0, i;
	int rc, ret = 0;

	rc = dwarf_srcfiles(cu_die, &list, &n, &c->err);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading a unit's file table");
	if (rc != DW_DLV_OK)
		return 0;
	if (n > 0) {
		cu->files = calloc((size_t)n, sizeof *cu->files);
		if (!cu->files)
			ret = dw_oom(c);
	}
	for (i = 0; i < n; i++) {
		if (ret == 0 && list[i]) {
			cu->files[i] = sym_str_join_path(&c->m->strings, comp_dir,
			                                 list[i]);
			if (!cu->files[i])
				ret = dw_oom(c);
		}
		dwarf_dealloc(c->dbg, list[i], DW_DLA_STRING);
	}
	dwarf_dealloc(c->dbg, list, DW_DLA_LIST);
	if (ret == 0)
		cu->nfiles = (size_t)n;
	return ret;
}

/*
 * Checks, before libdwarf reads it, the line table header the unit's
 * DW_AT_stmt_list points at (sym_line_header_check()). Returns 0 / -1.
 */
static int check_line_header(struct dw_ctx *c, Dwarf_Die cu_die)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Off off = 0;
	char why[160];
	int rc;

	rc = dwarf_attr(cu_die, DW_AT_stmt_list, &attr, &c->err);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading a unit's DW_AT_stmt_list");
	if (rc != DW_DLV_OK)
		return 0;
	rc = dwarf_global_formref(attr, &off, &c->err);
	dwarf_dealloc_attribute(attr);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading a unit's DW_AT_stmt_list");
	if (rc == DW_DLV_OK &&
	    sym_line_header_check(c->guard, off, why, sizeof why) < 0)
		return dw_fail(c, why);
	return 0;
}

/*
 * Reads the unit's line table: its version decides how file numbers count
 * (DWARF 5 from 0, before from 1), and with want_lines its rows go into
 * the module. Returns 0 / -1.
 */
static int read_line_table(struct dw_ctx *c, Dwarf_Die cu_die,
                           struct dw_cu *cu, int want_lines)
{
	Dwarf_Line_Context lc = NULL;
	Dwarf_Unsigned version = 0;
	Dwarf_Small tables = 0;
	int rc;

	rc = dwarf_srclines_b(cu_die, &version, &tables, &lc, &c->err);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading a unit's line table");
	if (rc != DW_DLV_OK) {
		cu->lines_done = 1;
		return 0;
	}
	cu->file_base = version >= 5 ? 0 : 1;
	rc = 0;
	if (want_lines) {
		rc = dw_lines_add(c, lc, cu);
		cu->lines_done = 1;
	}
	dwarf_srclines_dealloc_b(lc);
	return rc;
}

int dw_cu_get(struct dw_ctx *c, Dwarf_Die cu_die, int want_lines,
              struct dw_cu **out)
{
	struct dw_cu *cu = NULL;
	Dwarf_Off off = 0;
	Dwarf_Half version = 0, offset_size = 0;
	const char *comp_dir = NULL;
	int found, rc, hash_oom = 0;

	if (dwarf_dieoffset(cu_die, &off, &c->err) != DW_DLV_OK)
		return dw_fail(c, "reading a unit's offset");
	HASH_FIND(hh, c->cus, &off, sizeof off, cu);
	if (cu) {
		*out = cu;
		if (want_lines && !cu->lines_done)
			return read_line_table(c, cu_die, cu, 1);
		return 0;
	}
	cu = calloc(1, sizeof *cu);
	if (!cu)
		return dw_oom(c);
	cu->off = off;
	HASH_ADD(hh, c->cus, off, sizeof cu->off, cu);
	if (hash_oom) {
		free(cu);
		return dw_oom(c);
	}
	*out = cu;

	rc = dwarf_get_version_of_die(cu_die, &version, &offset_size);
	cu->version = rc == DW_DLV_OK ? version : 5;
	cu->file_base = cu->version >= 5 ? 0 : 1;
	rc = dwarf_lowpc(cu_die, &cu->base, &c->err);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading a unit's base address");
	if (rc != DW_DLV_OK)
		cu->base = 0;
	if (dw_attr_string(c, cu_die, DW_AT_comp_dir, &comp_dir, &found) < 0 ||
	    check_line_header(c, cu_die) < 0)
		return -1;
	if (load_files(c, cu_die, cu, found ? comp_dir : NULL) < 0)
		return -1;
	return read_line_table(c, cu_die, cu, want_lines);
}

int dw_cu_of_die(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *hint,
                 struct dw_cu **out)
{
	Dwarf_Off cu_off = 0;
	Dwarf_Die cu_die = NULL;
	struct dw_cu *cu = NULL;
	int rc;

	if (dwarf_CU_dieoffset_given_die(die, &cu_off, &c->err) != DW_DLV_OK)
		return dw_fail(c, "finding the unit of a DIE");
	if (hint && hint->off == cu_off) {
		*out = hint;
		return 0;
	}
	HASH_FIND(hh, c->cus, &cu_off, sizeof cu_off, cu);
	if (cu) {
		*out = cu;
		return 0;
	}
	if (dwarf_offdie_b(c->dbg, cu_off, 1, &cu_die, &c->err) != DW_DLV_OK)
		return dw_fail(c, "reading a unit DIE");
	rc = dw_cu_get(c, cu_die, 0, out);
	dwarf_dealloc_die(cu_die);
	return rc;
}

void dw_cu_free_all(struct dw_ctx *c)
{
	struct dw_cu *cu, *tmp;

	HASH_ITER(hh, c->cus, cu, tmp)
	{
		HASH_DEL(c->cus, cu);
		free(cu->files);
		free(cu);
	}
}
