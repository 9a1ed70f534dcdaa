/* SPDX-License-Identifier: MIT */
/*
 * dwarf_internal.h - state shared by the DWARF indexer's files while one
 * module is indexed. Nothing here outlives sym_dwarf_index(): the libdwarf
 * handle is finished before it returns and every string kept is copied
 * into the module's pool first.
 *
 * The files, bottom up (each calls only those before it; the order is
 * checked by tests/layers/symbolizer.spec): dwarf_error.c (the failure
 * report), dwarf_attr.c (one attribute), dwarf_lines.c and dwarf_ranges.c
 * (a unit's line rows, a DIE's code ranges), dwarf_units.c (per unit: file
 * table, base address, line table once), dwarf_decl.c and dwarf_names.c
 * (what a function is called and where), and dwarf_index.c, which walks
 * .debug_info and drives them all.
 *
 * Error convention: functions return 0 or -1. On -1 the reason has been
 * written by dw_fail()/dw_oom() and indexing stops; libdwarf is always
 * given &c->err so it reports errors instead of aborting.
 */
#ifndef VITPROF_DWARF_INTERNAL_H
#define VITPROF_DWARF_INTERNAL_H

#include "symbolizer_internal.h"

#include <dwarf.h>
#include <libdwarf.h>

/* uthash reports allocation failure through hash_oom in the caller. */
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) (hash_oom = 1)
#include <uthash.h>

struct dw_cu {                /* a compilation unit's file table */
	Dwarf_Off off;            /* key: global offset of the unit DIE */
	const char **files;       /* pooled paths, absolute when comp_dir is */
	size_t nfiles;
	unsigned file_base;       /* file number of files[0]: 0 in DWARF 5 */
	Dwarf_Half version;
	Dwarf_Addr base;          /* the unit's DW_AT_low_pc (range lists) */
	int lines_done;           /* its line rows are in the module */
	UT_hash_handle hh;
};

struct dw_declinfo {          /* what a DIE says about its declaration */
	const char *name;         /* DW_AT_name (pooled) */
	const char *linkage;      /* DW_AT_linkage_name (pooled) */
	const char *file;         /* DW_AT_decl_file, resolved */
	unsigned line;            /* DW_AT_decl_line */
	Dwarf_Off ref;            /* the DIE's own DW_AT_abstract_origin (else
	                           * DW_AT_specification); 0 if none, or if the
	                           * DIE's own attributes said everything */
};

struct dw_member;             /* dwarf_names.c: members without a decl_line */

struct dw_fninfo {            /* per DWARF function, m->funcs[nsymfuncs + i] */
	Dwarf_Off die;            /* its DIE */
	Dwarf_Off ref;            /* the DIE's abstract origin / specification */
	const char *unit;         /* DW_AT_name of its unit (pooled), or NULL */
	int has_linkage;          /* DWARF gave a linkage name */
};

struct dw_typedecl {          /* the class/struct/union being walked */
	const char *file;
	unsigned line;
	int set;                  /* inside one, with a file and a line */
};

struct dw_decl;               /* cache entry, dwarf_decl.c */

struct dw_piece {
	Dwarf_Addr lo, hi;
};

struct dw_ctx {
	struct sym_module *m;
	const struct sym_dwarf_guard *guard;
	Dwarf_Debug dbg;
	Dwarf_Error err;
	char *why;                /* reason of failure, whylen bytes */
	size_t whylen;
	struct dw_cu *cus;        /* uthash by off */
	struct dw_decl *decls;    /* uthash by offset of the referenced DIE */
	struct sym_range *ranges; /* scope ranges, for m->dwarf_spans */
	size_t nranges, capranges;
	struct dw_piece *pieces;  /* the current DIE's address ranges */
	size_t npieces, cappieces;
	struct dw_fninfo *fninfo; /* one per DWARF function, in funcs order */
	size_t nfninfo, capfninfo;
	struct dw_member *members;/* uthash by DIE offset */
	struct dw_typedecl in_type; /* the type whose members are walked */
	const char *unit;         /* DW_AT_name of the unit being walked */
};

/* dwarf_error.c: record the failure (what: the step that failed, plus
 * libdwarf's message when c->err is set; only the first reason is kept),
 * free c->err and return -1. */
int dw_fail(struct dw_ctx *c, const char *what);
int dw_oom(struct dw_ctx *c);

/* dwarf_attr.c: one attribute of die. *found says whether it is present
 * with a usable form; values are left untouched when it is not. */
int dw_attr_string(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                   const char **out, int *found);
int dw_attr_udata(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                  Dwarf_Unsigned *out, int *found);
int dw_attr_addr(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                 Dwarf_Addr *out, int *found);
/* A reference to another DIE in .debug_info, as a global offset
 * (references to type units or supplementary files are "not found"). */
int dw_attr_ref(struct dw_ctx *c, Dwarf_Die die, Dwarf_Half at,
                Dwarf_Off *out, int *found);

/* dwarf_lines.c: appends the rows of a unit's line table to the module. */
int dw_lines_add(struct dw_ctx *c, Dwarf_Line_Context lc,
                 const struct dw_cu *cu);

/* dwarf_ranges.c: the code ranges of die (DW_AT_low_pc/high_pc or
 * DW_AT_ranges) that lie in executable sections, into c->pieces, and its
 * entry address (*entry = 0 when it has no code). */
int dw_die_pieces(struct dw_ctx *c, Dwarf_Die die, const struct dw_cu *cu,
                  Dwarf_Addr *entry);

/* dwarf_units.c: the unit record of cu_die, created on first use with its
 * file table; with want_lines, its line rows are added to the module (once). */
int dw_cu_get(struct dw_ctx *c, Dwarf_Die cu_die, int want_lines,
              struct dw_cu **out);
/* The unit record of the unit that contains die (hint: likely that one). */
int dw_cu_of_die(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *hint,
                 struct dw_cu **out);
void dw_cu_free_all(struct dw_ctx *c);

/* The file a DW_AT_decl_file/DW_AT_call_file number (or a line row's
 * file number) names in cu's file table, or NULL. Inline: the line
 * reader, below the units, resolves its rows' files with it. */
static inline const char *dw_cu_file(const struct dw_cu *cu, Dwarf_Unsigned num)
{
	if (!cu || num < cu->file_base || num - cu->file_base >= cu->nfiles)
		return NULL;
	return cu->files[num - cu->file_base];
}

/* dwarf_decl.c: name, linkage name and declaration of die, following
 * DW_AT_abstract_origin / DW_AT_specification for what die lacks. */
int dw_decl(struct dw_ctx *c, Dwarf_Die die, struct dw_cu *cu,
            struct dw_declinfo *out);
/* The cached info of a DIE some other DIE referred to, or NULL. */
const struct dw_declinfo *dw_decl_cached(struct dw_ctx *c, Dwarf_Off off);
void dw_decl_free_all(struct dw_ctx *c);

/* dwarf_names.c: names, files and lines for the functions DWARF says
 * little about (see the file's header comment).
 * dw_member_note: called for each subprogram DIE; remembers one that is a
 * member of c->in_type and has no DW_AT_decl_line (a lambda's operator()).
 * dw_fn_note: records what the naming pass needs of the function just
 * appended to m->funcs (DIE offset, decl info d).
 * dw_names_finish: after every unit was walked and the line rows were
 * finalized: fills missing names, files and lines, adopts the ELF symbol's
 * name where DWARF's is not the function's, then makes every (name, file,
 * line) unique among the module's DWARF functions.
 * All return 0 / -1 (OOM, reported). */
int dw_member_note(struct dw_ctx *c, Dwarf_Die die);
int dw_fn_note(struct dw_ctx *c, Dwarf_Die die, const struct dw_declinfo *d);
int dw_names_finish(struct dw_ctx *c);
void dw_names_free(struct dw_ctx *c);

#endif /* VITPROF_DWARF_INTERNAL_H */
