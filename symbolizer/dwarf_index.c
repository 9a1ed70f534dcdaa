/* SPDX-License-Identifier: MIT */
/*
 * dwarf_index.c - walks every unit of .debug_info once: each unit's line
 * table goes into the line index; each DW_TAG_subprogram with code becomes
 * a function (and a root scope), each DW_TAG_inlined_subroutine with code a
 * scope nested in the one that contains it. At the end the scope ranges are
 * flattened into dwarf_spans and libdwarf is finished. Any libdwarf error
 * drops all DWARF data: the module then answers from its symbol tables.
 */
#include "dwarf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 512 /* DIE nesting; deeper (corrupt) trees are cut */

/* Adds c->pieces as ranges of scope at depth. Returns 0 / -1. */
static int add_ranges(struct dw_ctx *c, uint32_t scope, uint32_t depth)
{
	size_t i;

	if (sym_grow((void **)&c->ranges, &c->capranges,
	             c->nranges + c->npieces, sizeof *c->ranges) < 0)
		return dw_oom(c);
	for (i = 0; i < c->npieces; i++)
		c->ranges[c->nranges++] = (struct sym_range){
			c->pieces[i].lo, c->pieces[i].hi, scope, depth};
	return 0;
}

/* Appends a scope, its index in *idx. Returns 0 / -1. */
static int add_scope(struct dw_ctx *c, const struct sym_scope *s, uint32_t *idx)
{
	struct sym_module *m = c->m;

	if (m->nscopes >= SYM_NONE ||
	    sym_grow((void **)&m->scopes, &m->capscopes, m->nscopes + 1,
	             sizeof *m->scopes) < 0)
		return dw_oom(c);
	*idx = (uint32_t)m->nscopes;
	m->scopes[m->nscopes++] = *s;
	return 0;
}

/* The name shown for a declaration: the demangled linkage name when there
 * is one (C++), else DW_AT_name; NULL if neither. */
static int display_name(struct dw_ctx *c, const struct dw_declinfo *d,
                        const char **out)
{
	*out = NULL;
	if (d->linkage) {
		*out = sym_display_name(&c->m->strings, d->linkage);
		if (!*out)
			return dw_oom(c);
	} else {
		*out = d->name;
	}
	return 0;
}

static int walk_children(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *cu,
                         uint32_t scope, unsigned depth);

/*
 * A subprogram with code becomes a function: its entry is its low_pc (or
 * the first range of a split function), its extent the piece holding the
 * entry; every piece (e.g. "f.cold") maps to it.
 */
static int visit_subprogram(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *cu,
                            unsigned depth)
{
	struct sym_module *m = c->m;
	struct sym_function *f;
	struct dw_declinfo d;
	Dwarf_Addr entry = 0;
	const char *name;
	uint32_t scope;
	size_t i;

	if (dw_die_pieces(c, die, cu, &entry) < 0)
		return -1;
	if (c->npieces == 0) /* a declaration or abstract instance */
		return walk_children(c, die, cu, SYM_NONE, depth + 1);
	if (add_scope(c, &(struct sym_scope){SYM_NONE, (uint32_t)m->nfuncs, 0, 0,
	                                     NULL, NULL, 0},
	              &scope) < 0 ||
	    add_ranges(c, scope, 0) < 0)
		return -1;
	if (sym_grow((void **)&m->funcs, &m->capfuncs, m->nfuncs + 1,
	             sizeof *m->funcs) < 0)
		return dw_oom(c);
	f = &m->funcs[m->nfuncs];
	*f = (struct sym_function){.lowpc = entry, .highpc = entry};
	for (i = 0; i < c->npieces; i++)
		if (entry >= c->pieces[i].lo && entry < c->pieces[i].hi)
			f->highpc = c->pieces[i].hi;
	m->nfuncs++;
	if (dw_decl(c, die, cu, &d) < 0 || display_name(c, &d, &name) < 0 ||
	    dw_fn_note(c, die, &d) < 0)
		return -1;
	f = &m->funcs[m->nfuncs - 1];
	f->name = name;
	f->linkage_name = d.linkage ? d.linkage : d.name;
	f->file = d.file;
	f->line = d.line;
	return walk_children(c, die, cu, scope, depth + 1);
}

/* An inlined call with code becomes a scope inside the current one, named
 * after the inlined function, remembering the call's file and line. */
static int visit_inlined(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *cu,
                         uint32_t parent, unsigned depth)
{
	struct sym_module *m = c->m;
	struct sym_scope s = {.parent = parent};
	struct dw_declinfo d;
	Dwarf_Unsigned v = 0;
	Dwarf_Addr entry = 0;
	uint32_t scope;
	int found;

	if (parent == SYM_NONE) /* inside an abstract instance: no code */
		return 0;
	if (dw_die_pieces(c, die, cu, &entry) < 0)
		return -1;
	if (c->npieces == 0)
		return walk_children(c, die, cu, parent, depth + 1);
	s.func = m->scopes[parent].func;
	s.depth = m->scopes[parent].depth + 1;
	if (add_scope(c, &s, &scope) < 0 || add_ranges(c, scope, s.depth) < 0)
		return -1;
	if (dw_decl(c, die, cu, &d) < 0 || display_name(c, &d, &s.name) < 0)
		return -1;
	if (dw_attr_udata(c, die, DW_AT_call_file, &v, &found) < 0)
		return -1;
	if (found)
		s.call_file = dw_cu_file(cu, v);
	if (dw_attr_udata(c, die, DW_AT_call_line, &v, &found) < 0)
		return -1;
	if (found && v <= UINT32_MAX)
		s.call_line = (uint32_t)v;
	if (dw_attr_udata(c, die, DW_AT_call_column, &v, &found) < 0)
		return -1;
	if (found && v <= UINT32_MAX)
		s.call_column = (uint32_t)v;
	m->scopes[scope] = s;
	return walk_children(c, die, cu, scope, depth + 1);
}

/* Walks the members of a class, struct or union with c->in_type set to
 * its declaration (the place of a lambda's closure type). */
static int visit_type(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *cu,
                      uint32_t scope, unsigned depth)
{
	struct dw_typedecl t = {0};
	Dwarf_Unsigned v = 0;
	int found = 0;

	if (dw_attr_udata(c, die, DW_AT_decl_file, &v, &found) < 0)
		return -1;
	if (found)
		t.file = dw_cu_file(cu, v);
	if (dw_attr_udata(c, die, DW_AT_decl_line, &v, &found) < 0)
		return -1;
	if (found && v <= UINT32_MAX)
		t.line = (unsigned)v;
	t.set = t.file && t.line;
	c->in_type = t;
	return walk_children(c, die, cu, scope, depth + 1);
}

/* Dispatches one DIE on its tag; tags that cannot hold code are skipped.
 * c->in_type describes die's parent; it is restored on return. */
static int visit(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *cu,
                 uint32_t scope, unsigned depth)
{
	struct dw_typedecl outer = c->in_type;
	Dwarf_Half tag = 0;
	int rc = 0;

	if (dwarf_tag(die, &tag, &c->err) != DW_DLV_OK)
		return dw_fail(c, "reading a DIE tag");
	switch (tag) {
	case DW_TAG_subprogram:
		if (dw_member_note(c, die) < 0)
			return -1;
		c->in_type.set = 0;
		rc = visit_subprogram(c, die, cu, depth);
		break;
	case DW_TAG_inlined_subroutine:
		c->in_type.set = 0;
		rc = visit_inlined(c, die, cu, scope, depth);
		break;
	case DW_TAG_lexical_block:
	case DW_TAG_try_block:
	case DW_TAG_catch_block:
	case DW_TAG_namespace:
	case DW_TAG_module:
		c->in_type.set = 0;
		rc = walk_children(c, die, cu, scope, depth + 1);
		break;
	case DW_TAG_class_type:
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		rc = visit_type(c, die, cu, scope, depth);
		break;
	default:
		break;
	}
	c->in_type = outer;
	return rc;
}

/* *off = the offset of die, which must lie past after. Returns 0 / -1. */
static int next_offset(struct dw_ctx *c, Dwarf_Die die, Dwarf_Off after,
                       Dwarf_Off *off)
{
	if (dwarf_dieoffset(die, off, &c->err) != DW_DLV_OK)
		return dw_fail(c, "reading a DIE offset");
	if (*off <= after)
		return dw_fail(c, "DIE tree loops back (corrupt DW_AT_sibling)");
	return 0;
}

/*
 * Visits every child of die, freeing each DIE once its subtree is done.
 * Children come after their parent and each sibling after the previous
 * one, so the walk ends even when corrupt sibling links point backwards.
 */
static int walk_children(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *cu,
                         uint32_t scope, unsigned depth)
{
	Dwarf_Die child = NULL, next = NULL;
	Dwarf_Off off = 0;
	int rc;

	if (depth > MAX_DEPTH)
		return 0;
	if (dwarf_dieoffset(die, &off, &c->err) != DW_DLV_OK)
		return dw_fail(c, "reading a DIE offset");
	rc = dwarf_child(die, &child, &c->err);
	if (rc == DW_DLV_ERROR)
		return dw_fail(c, "reading a DIE's children");
	while (rc == DW_DLV_OK) {
		if (next_offset(c, child, off, &off) < 0 ||
		    visit(c, child, cu, scope, depth) < 0) {
			dwarf_dealloc_die(child);
			return -1;
		}
		rc = dwarf_siblingof_b(c->dbg, child, 1, &next, &c->err);
		dwarf_dealloc_die(child);
		if (rc == DW_DLV_ERROR)
			return dw_fail(c, "reading a DIE's sibling");
		child = next;
	}
	return 0;
}

/* c->unit = the DW_AT_name of cu_die (pooled), NULL without one. */
static int unit_name(struct dw_ctx *c, Dwarf_Die cu_die)
{
	const char *s = NULL;
	int found = 0;

	c->unit = NULL;
	if (dw_attr_string(c, cu_die, DW_AT_name, &s, &found) < 0)
		return -1;
	if (found && !(c->unit = sym_str_intern(&c->m->strings, s)))
		return dw_oom(c);
	return 0;
}

/* Every unit of .debug_info: its lines, then its functions. *units counts
 * the compilation units seen. */
static int index_units(struct dw_ctx *c, size_t *units)
{
	for (;;) {
		Dwarf_Half version = 0, type = 0, tag = 0;
		Dwarf_Unsigned next = 0;
		Dwarf_Die cu_die = NULL;
		struct dw_cu *cu = NULL;
		int rc;

		rc = dwarf_next_cu_header_d(c->dbg, 1, NULL, &version, NULL, NULL,
		                            NULL, NULL, NULL, NULL, &next, &type,
		                            &c->err);
		if (rc == DW_DLV_NO_ENTRY)
			return 0;
		if (rc != DW_DLV_OK)
			return dw_fail(c, "reading a unit header");
		rc = dwarf_siblingof_b(c->dbg, NULL, 1, &cu_die, &c->err);
		if (rc == DW_DLV_ERROR)
			return dw_fail(c, "reading a unit DIE");
		if (rc != DW_DLV_OK)
			continue;
		rc = dwarf_tag(cu_die, &tag, &c->err);
		if (rc != DW_DLV_OK)
			rc = dw_fail(c, "reading a unit DIE's tag");
		else if (tag != DW_TAG_compile_unit && tag != DW_TAG_partial_unit)
			rc = 0; /* type units hold no code */
		else if ((rc = dw_cu_get(c, cu_die, 1, &cu)) == 0 &&
		         (rc = unit_name(c, cu_die)) == 0) {
			rc = walk_children(c, cu_die, cu, SYM_NONE, 1);
			(*units)++;
		}
		dwarf_dealloc_die(cu_die);
		if (rc < 0)
			return -1;
	}
}

/* Forgets every DWARF-derived entry (after a failure). */
static void drop_dwarf(struct sym_module *m)
{
	m->nfuncs = m->nsymfuncs;
	free(m->scopes);
	m->scopes = NULL;
	m->nscopes = m->capscopes = 0;
	free(m->lines);
	m->lines = NULL;
	m->nlines = m->caplines = 0;
	sym_spans_free(&m->dwarf_spans);
	m->has_dwarf = 0;
}

int sym_dwarf_index(struct sym_module *m, int fd,
                    const struct sym_dwarf_guard *g, char *why, size_t whylen)
{
	struct dw_ctx c = {.m = m, .guard = g, .why = why, .whylen = whylen};
	size_t units = 0;
	int rc, ret;

	why[0] = '\0';
	rc = dwarf_init_b(fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &c.dbg,
	                  &c.err);
	if (rc == DW_DLV_NO_ENTRY)
		return 0;
	if (rc != DW_DLV_OK) {
		snprintf(why, whylen, "opening the DWARF: %s",
		         c.err ? dwarf_errmsg(c.err) : "unknown error");
		if (c.err)
			dwarf_dealloc(NULL, c.err, DW_DLA_ERROR);
		return -1;
	}
	ret = index_units(&c, &units);
	if (ret == 0)
		sym_lines_finalize(m);
	if (ret == 0 && dw_names_finish(&c) < 0)
		ret = -1;
	if (ret == 0 && sym_spans_build(c.ranges, c.nranges, &m->dwarf_spans) < 0)
		ret = dw_oom(&c);
	if (ret == 0)
		m->has_dwarf = units > 0;
	dw_cu_free_all(&c);
	dw_names_free(&c);
	dw_decl_free_all(&c);
	free(c.ranges);
	free(c.pieces);
	if (c.err)
		dwarf_dealloc_error(c.dbg, c.err);
	c.err = NULL;
	if (dwarf_finish(c.dbg, &c.err) != DW_DLV_OK && c.err)
		dwarf_dealloc(NULL, c.err, DW_DLA_ERROR);
	if (ret < 0)
		drop_dwarf(m);
	return ret;
}
