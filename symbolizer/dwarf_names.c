/* SPDX-License-Identifier: MIT */
/*
 * dwarf_names.c - what each DWARF function is called and where it is, for
 * the functions whose DIE says little: a C++ lambda's operator() (DWARF
 * name "operator()", no linkage name, no decl_file/decl_line), a static
 * C++ function or template instance (no linkage name), a dynamic
 * initializer (_GLOBAL__sub_I_*, __static_initialization_and_destruction_0:
 * artificial, no declaration), a GCC nested function ("inner" for the
 * symbol inner.0). The rules, run once every unit has been walked:
 *
 *  - file and line: the DIE's own decl_file/decl_line, else those of the
 *    DIEs it names through DW_AT_abstract_origin / DW_AT_specification
 *    (dwarf_decl.c); else those of the class/struct/union the DIE, or one
 *    of those, is a member of (a lambda's closure type is declared where
 *    the lambda is written); else the line row at the function's entry.
 *  - name: when DWARF gives no linkage name and the ELF symbol at the
 *    function's entry is a C++ mangled name or DWARF's name plus a ".N"
 *    suffix (and names the same thing), the symbol is the linkage name and
 *    its demangled form the name, as `nm -C` and gcov show them.
 *  - no two functions of the module (distinct entries) share (name, file,
 *    line): where they would, each takes the name of its ELF symbol if that
 *    differs, then " [copy in UNIT]" (the basename of its compilation unit:
 *    a header's static inline function copied into several units), then
 *    " #N" (N-th by address), whichever first makes them distinct.
 */
#define _GNU_SOURCE /* qsort_r, memmem */
#include "dwarf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HOPS 8 /* as in dwarf_decl.c */

struct dw_member {
	Dwarf_Off off; /* key: a subprogram DIE inside a type */
	const char *file;
	unsigned line;
	UT_hash_handle hh;
};

int dw_member_note(struct dw_ctx *c, Dwarf_Die die)
{
	struct dw_member *e = NULL;
	Dwarf_Unsigned v = 0;
	Dwarf_Off off = 0;
	int found = 0, hash_oom = 0;

	if (!c->in_type.set)
		return 0;
	if (dw_attr_udata(c, die, DW_AT_decl_line, &v, &found) < 0)
		return -1;
	if (found && v)
		return 0;
	if (dwarf_dieoffset(die, &off, &c->err) != DW_DLV_OK)
		return dw_fail(c, "reading a DIE offset");
	HASH_FIND(hh, c->members, &off, sizeof off, e);
	if (e)
		return 0;
	if (!(e = calloc(1, sizeof *e)))
		return dw_oom(c);
	*e = (struct dw_member){.off = off, .file = c->in_type.file,
	                        .line = c->in_type.line};
	HASH_ADD(hh, c->members, off, sizeof e->off, e);
	if (hash_oom) {
		free(e);
		return dw_oom(c);
	}
	return 0;
}

int dw_fn_note(struct dw_ctx *c, Dwarf_Die die, const struct dw_declinfo *d)
{
	struct dw_fninfo *fi;

	if (sym_grow((void **)&c->fninfo, &c->capfninfo, c->nfninfo + 1,
	             sizeof *c->fninfo) < 0)
		return dw_oom(c);
	fi = &c->fninfo[c->nfninfo];
	*fi = (struct dw_fninfo){.ref = d->ref, .unit = c->unit,
	                         .has_linkage = d->linkage != NULL};
	if (dwarf_dieoffset(die, &fi->die, &c->err) != DW_DLV_OK)
		return dw_fail(c, "reading a DIE offset");
	c->nfninfo++;
	return 0;
}

/* The type declaration f's DIE (or one it refers to) is a member of. */
static const struct dw_member *member_decl(struct dw_ctx *c,
                                           const struct dw_fninfo *fi)
{
	Dwarf_Off off = fi->die, ref = fi->ref;
	int hops;

	for (hops = 0; hops < MAX_HOPS; hops++) {
		const struct dw_declinfo *d;
		struct dw_member *e = NULL;

		HASH_FIND(hh, c->members, &off, sizeof off, e);
		if (e)
			return e;
		if (!ref)
			break;
		off = ref;
		d = dw_decl_cached(c, off);
		ref = d ? d->ref : 0;
	}
	return NULL;
}

/* Fills f's missing file and line from its type's declaration, else from
 * the line row at its entry. */
static void fill_place(struct dw_ctx *c, struct sym_function *f,
                       const struct dw_fninfo *fi)
{
	const struct dw_member *e;
	const struct sym_line *row;

	if (f->file && f->line)
		return;
	if ((e = member_decl(c, fi)) != NULL) {
		if (!f->file)
			f->file = e->file;
		if (!f->line)
			f->line = e->line;
		return;
	}
	row = sym_lines_find(c->m, f->lowpc);
	if (row && row->file && row->line) {
		if (!f->file)
			f->file = row->file;
		if (!f->line)
			f->line = row->line;
	}
}

/* The ELF symbol that starts at addr, or NULL. */
static const struct sym_function *symbol_at(const struct sym_module *m,
                                            uint64_t addr)
{
	const struct sym_span *s = sym_spans_find(&m->symtab_spans, addr);

	if (!s || m->funcs[s->id].lowpc != addr)
		return NULL;
	return &m->funcs[s->id];
}

/* 1 if the symbol sym is a more precise name of the function DWARF calls
 * dwname: a mangled name whose demangled form mentions dwname (up to its
 * template arguments), or dwname plus a ".N" suffix (GCC's nested
 * functions and local clones). */
static int symbol_names_it(const struct sym_function *sym, const char *dwname)
{
	size_t n = strcspn(dwname, "<");

	if (strncmp(sym->linkage_name, "_Z", 2) == 0) {
		if (n == 0)
			n = strlen(dwname);
		return memmem(sym->name, strlen(sym->name), dwname, n) != NULL;
	}
	n = strlen(dwname);
	return strncmp(sym->linkage_name, dwname, n) == 0 &&
	       sym->linkage_name[n] == '.' && sym->linkage_name[n + 1] != '\0';
}

/* Names the functions without one, and adopts the ELF symbol's name where
 * DWARF's says less (see the header comment). */
static int fill_names(struct dw_ctx *c)
{
	struct sym_module *m = c->m;
	size_t i;

	for (i = m->nsymfuncs; i < m->nfuncs; i++) {
		struct sym_function *f = &m->funcs[i];
		const struct dw_fninfo *fi = &c->fninfo[i - m->nsymfuncs];
		const struct sym_function *sym = symbol_at(m, f->lowpc);
		const struct sym_span *s;

		if (!f->name) {
			s = sym_spans_find(&m->symtab_spans, f->lowpc);
			if (s) {
				f->name = m->funcs[s->id].name;
				f->linkage_name = m->funcs[s->id].linkage_name;
			} else if (!(f->name = f->linkage_name =
			                     sym_str_intern(&m->strings, "??"))) {
				return dw_oom(c);
			}
		} else if (!fi->has_linkage && sym && symbol_names_it(sym, f->name)) {
			f->name = sym->name;
			f->linkage_name = sym->linkage_name;
		}
		fill_place(c, f, fi);
	}
	return 0;
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return strcmp(a, b);
}

/* Orders function indices by (name, file, line, entry). */
static int cmp_key(const void *a, const void *b, void *arg)
{
	const struct sym_function *fs = arg;
	const struct sym_function *x = &fs[*(const size_t *)a];
	const struct sym_function *y = &fs[*(const size_t *)b];
	int d;

	if ((d = strcmp_null(x->name, y->name)) != 0 ||
	    (d = strcmp_null(x->file, y->file)) != 0)
		return d;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->lowpc != y->lowpc)
		return x->lowpc < y->lowpc ? -1 : 1;
	return 0;
}

static int same_key(const struct sym_function *x, const struct sym_function *y)
{
	return strcmp_null(x->name, y->name) == 0 &&
	       strcmp_null(x->file, y->file) == 0 && x->line == y->line;
}

/* Renames f by the rule of level (0: its ELF symbol, 1: its unit, 2: its
 * rank in the group). Returns 0 / -1. */
static int rename_fn(struct dw_ctx *c, size_t i, int level, unsigned rank)
{
	struct sym_module *m = c->m;
	struct sym_function *f = &m->funcs[i];
	const char *unit = c->fninfo[i - m->nsymfuncs].unit;
	const struct sym_function *sym;
	const char *slash;
	char *buf;
	size_t len;

	if (level == 0) {
		sym = symbol_at(m, f->lowpc);
		if (sym && strcmp(sym->name, f->name) != 0) {
			f->name = sym->name;
			f->linkage_name = sym->linkage_name;
		}
		return 0;
	}
	if (level == 1 && !unit)
		return 0;
	if (level == 1 && (slash = strrchr(unit, '/')) != NULL)
		unit = slash + 1;
	len = strlen(f->name) + (level == 1 ? strlen(unit) : 0) + 32;
	if (!(buf = malloc(len)))
		return dw_oom(c);
	if (level == 1)
		snprintf(buf, len, "%s [copy in %s]", f->name, unit);
	else
		snprintf(buf, len, "%s #%u", f->name, rank);
	f->name = sym_str_intern(&m->strings, buf);
	free(buf);
	return f->name ? 0 : dw_oom(c);
}

/* Makes (name, file, line) unique among the DWARF functions with distinct
 * entries (two DIEs of one entry are one function). */
static int disambiguate(struct dw_ctx *c)
{
	struct sym_module *m = c->m;
	size_t n = m->nfuncs - m->nsymfuncs, i, j, k;
	size_t *ix;
	int level, ret = 0;

	if (n < 2)
		return 0;
	if (!(ix = malloc(n * sizeof *ix)))
		return dw_oom(c);
	for (level = 0; level < 3 && ret == 0; level++) {
		int clashes = 0;

		for (i = 0; i < n; i++)
			ix[i] = m->nsymfuncs + i;
		qsort_r(ix, n, sizeof *ix, cmp_key, m->funcs);
		for (i = 0; i < n && ret == 0; i = j) {
			unsigned rank = 0;
			uint64_t prev;

			for (j = i + 1; j < n && same_key(&m->funcs[ix[i]], &m->funcs[ix[j]]); j++)
				;
			if (m->funcs[ix[i]].lowpc == m->funcs[ix[j - 1]].lowpc)
				continue; /* one function (sorted by entry last) */
			clashes = 1;
			prev = m->funcs[ix[i]].lowpc;
			rank = 1;
			for (k = i; k < j && ret == 0; k++) {
				if (m->funcs[ix[k]].lowpc != prev) {
					prev = m->funcs[ix[k]].lowpc;
					rank++;
				}
				ret = rename_fn(c, ix[k], level, rank);
			}
		}
		if (!clashes)
			break;
	}
	free(ix);
	return ret;
}

int dw_names_finish(struct dw_ctx *c)
{
	struct sym_module *m = c->m;
	size_t i;

	if (c->nfninfo != m->nfuncs - m->nsymfuncs)
		return dw_fail(c, "internal error: function records out of step");
	if (fill_names(c) < 0 || disambiguate(c) < 0)
		return -1;
	for (i = 0; i < m->nscopes; i++)
		if (m->scopes[i].parent == SYM_NONE)
			m->scopes[i].name = m->funcs[m->scopes[i].func].name;
	return 0;
}

void dw_names_free(struct dw_ctx *c)
{
	struct dw_member *e, *tmp;

	HASH_ITER(hh, c->members, e, tmp)
	{
		HASH_DEL(c->members, e);
		free(e);
	}
	free(c->fninfo);
	c->fninfo = NULL;
	c->nfninfo = c->capfninfo = 0;
}
