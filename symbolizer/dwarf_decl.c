/* SPDX-License-Identifier: MIT */
/*
 * dwarf_decl.c - what a function DIE is called and where it was declared.
 * Concrete DIEs often say little themselves: an out-of-line copy of an
 * inline function or an inlined call names its DW_AT_abstract_origin, a
 * C++ member definition its DW_AT_specification. Those referenced DIEs are
 * shared by many, so their answers are cached by offset.
 */
#include "dwarf_internal.h"

#include <stdlib.h>

#define MAX_HOPS 8 /* reference chains are short; corrupt ones may loop */

struct dw_decl {
	Dwarf_Off off; /* key: offset of the referenced DIE */
	struct dw_declinfo info;
	UT_hash_handle hh;
};

/* Pools s into *dst unless *dst is already set. Returns 0 / -1. */
static int keep_string(struct dw_ctx *c, const char **dst, const char *s)
{
	if (*dst)
		return 0;
	*dst = sym_str_intern(&c->m->strings, s);
	return *dst ? 0 : dw_oom(c);
}

/* Fills the fields of out that are still empty from die's own attributes. */
static int own_attrs(struct dw_ctx *c, Dwarf_Die die, const struct dw_cu *cu,
                     struct dw_declinfo *out)
{
	const char *s = NULL;
	Dwarf_Unsigned v = 0;
	int found;

	if (!out->name) {
		if (dw_attr_string(c, die, DW_AT_name, &s, &found) < 0 ||
		    (found && keep_string(c, &out->name, s) < 0))
			return -1;
	}
	if (!out->linkage) {
		if (dw_attr_string(c, die, DW_AT_linkage_name, &s, &found) < 0)
			return -1;
		if (!found &&
		    dw_attr_string(c, die, DW_AT_MIPS_linkage_name, &s, &found) < 0)
			return -1;
		if (found && keep_string(c, &out->linkage, s) < 0)
			return -1;
	}
	if (!out->file) {
		if (dw_attr_udata(c, die, DW_AT_decl_file, &v, &found) < 0)
			return -1;
		if (found)
			out->file = dw_cu_file(cu, v);
	}
	if (!out->line) {
		if (dw_attr_udata(c, die, DW_AT_decl_line, &v, &found) < 0)
			return -1;
		if (found && v <= UINT32_MAX)
			out->line = (unsigned)v;
	}
	return 0;
}

static int resolve(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *cu,
                   struct dw_declinfo *out, int hops);

/*
 * The (cached) declaration info of the DIE at off, in the unit that holds
 * it. *info points into the cache. Returns 0 / -1.
 */
static int referenced(struct dw_ctx *c, Dwarf_Off off, struct dw_cu *hint,
                      int hops, const struct dw_declinfo **info)
{
	struct dw_decl *d = NULL, *dup = NULL;
	struct dw_cu *cu = NULL;
	Dwarf_Die die = NULL;
	int ret, hash_oom = 0;

	HASH_FIND(hh, c->decls, &off, sizeof off, d);
	if (d) {
		*info = &d->info;
		return 0;
	}
	d = calloc(1, sizeof *d);
	if (!d)
		return dw_oom(c);
	d->off = off;
	if (dwarf_offdie_b(c->dbg, off, 1, &die, &c->err) != DW_DLV_OK) {
		free(d);
		return dw_fail(c, "following a DIE reference");
	}
	ret = dw_cu_of_die(c, die, hint, &cu);
	if (ret == 0)
		ret = resolve(c, die, cu, &d->info, hops + 1);
	dwarf_dealloc_die(die);
	if (ret < 0) {
		free(d);
		return -1;
	}
	HASH_FIND(hh, c->decls, &off, sizeof off, dup);
	if (dup) { /* added meanwhile, by a reference loop */
		free(d);
		*info = &dup->info;
		return 0;
	}
	HASH_ADD(hh, c->decls, off, sizeof d->off, d);
	if (hash_oom) {
		free(d);
		return dw_oom(c);
	}
	*info = &d->info;
	return 0;
}

/* own_attrs, then whatever is missing from the abstract origin or the
 * specification (and so on, MAX_HOPS deep). */
static int resolve(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *cu,
                   struct dw_declinfo *out, int hops)
{
	const struct dw_declinfo *ref = NULL;
	Dwarf_Off off = 0;
	int found = 0;

	if (own_attrs(c, die, cu, out) < 0)
		return -1;
	if ((out->name && out->linkage && out->file && out->line) ||
	    hops >= MAX_HOPS)
		return 0;
	if (dw_attr_ref(c, die, DW_AT_abstract_origin, &off, &found) < 0)
		return -1;
	if (!found && dw_attr_ref(c, die, DW_AT_specification, &off, &found) < 0)
		return -1;
	if (!found)
		return 0;
	if (!out->ref)
		out->ref = off;
	if (referenced(c, off, cu, hops, &ref) < 0)
		return -1;
	if (!out->name)
		out->name = ref->name;
	if (!out->linkage)
		out->linkage = ref->linkage;
	if (!out->file)
		out->file = ref->file;
	if (!out->line)
		out->line = ref->line;
	return 0;
}

int dw_decl(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *cu,
            struct dw_declinfo *out)
{
	*out = (struct dw_declinfo){0};
	return resolve(c, die, cu, out, 0);
}

const struct dw_declinfo *dw_decl_cached(struct dw_ctx *c, Dwarf_Off off)
{
	struct dw_decl *d = NULL;

	HASH_FIND(hh, c->decls, &off, sizeof off, d);
	return d ? &d->info : NULL;
}

void dw_decl_free_all(struct dw_ctx *c)
{
	struct dw_decl *d, *tmp;

	HASH_ITER(hh, c->decls, d, tmp)
	{
		HASH_DEL(c->decls, d);
		free(d);
	}
}
