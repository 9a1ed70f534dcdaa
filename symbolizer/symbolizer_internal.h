/* SPDX-License-Identifier: MIT */
/*
 * symbolizer_internal.h - the module's indexes and the helpers the
 * symbolizer's files share. Not installed, not part of the interface.
 *
 * A module owns every byte it hands out: strings live in its string pool,
 * the indexes are plain arrays sorted once at open. Functions from DWARF and
 * from the ELF symbol tables share one array (struct sym_function, the
 * interface type); "scopes" are the DWARF functions and the inlined
 * subroutines nested in them; "spans" are disjoint address intervals, each
 * naming the innermost scope (or symbol) that covers it.
 *
 * The files, bottom up (each calls only its own layer and those below;
 * tests/layers/symbolizer.spec checks it): strings and bytes (strpool.c,
 * byte_cursor.c); display names and spans (demangle.c, spans.c); the ELF
 * side and the checks made before libdwarf reads anything (build_id.c,
 * elf_text.c, elf_symtab.c, dwarf_precheck.c, dwarf_line_guard.c); the
 * DWARF indexer (dwarf_*.c, its own header dwarf_internal.h, entered
 * through dwarf_index.c); and on top the module (elf_module.c), the
 * queries (lookup.c) and the object-file reader (obj_refs.c).
 */
#ifndef VITPROF_SYMBOLIZER_INTERNAL_H
#define VITPROF_SYMBOLIZER_INTERNAL_H

#include "symbolizer.h"

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

#define SYM_NONE UINT32_MAX

/* --- strpool.c: owned strings ------------------------------------------- */

struct sym_chunk;
struct sym_intern;

struct sym_strpool {
	struct sym_chunk *chunks;    /* arena; freed by sym_strpool_free */
	struct sym_intern *interned; /* uthash index, only while building */
};

/* Copies s (len bytes, NUL added) into the pool, returning the pool's copy;
 * equal strings give the same pointer while the index exists. NULL on OOM. */
const char *sym_str_intern_n(struct sym_strpool *p, const char *s, size_t len);
const char *sym_str_intern(struct sym_strpool *p, const char *s);
/* name if it is absolute or dir is NULL/empty, else "dir/name", with "."
 * and ".." segments and repeated slashes folded away lexically (the
 * spelling the coverage tables use too); pooled. */
const char *sym_str_join_path(struct sym_strpool *p, const char *dir,
                              const char *name);
/* Drops the interning index (strings stay valid). */
void sym_strpool_seal(struct sym_strpool *p);
void sym_strpool_free(struct sym_strpool *p);

/* Makes room for need elements in *arr (capacity *cap, elements of size
 * elsize), doubling. Returns 0, or -1 on overflow/OOM (*arr unchanged). */
int sym_grow(void **arr, size_t *cap, size_t need, size_t elsize);

/* --- byte_cursor.c: untrusted bytes ------------------------------------- */

/* An n-byte unsigned integer (n <= 8) at p in the given byte order (the
 * caller has checked the n bytes are there). */
uint64_t sym_get_uint(const unsigned char *p, unsigned n, int big);

/* A bounded reader of base[off, end) (off <= end). A read that would pass
 * end, or any read once bad is set, sets bad and returns 0 (NULL); the
 * position is then meaningless. A caller may set bad itself (a value it
 * cannot accept), so one test at the end of a structure suffices. */
struct sym_cursor {
	const unsigned char *base;
	size_t off, end;     /* next byte, bound: offsets into base */
	int big;             /* integers are big-endian */
	int bad;
};

/* An n-byte unsigned integer (n <= 8) in k's byte order. */
uint64_t sym_cur_uint(struct sym_cursor *k, unsigned n);
/* An unsigned / signed LEB128 number (bits beyond 64 dropped). */
uint64_t sym_cur_uleb(struct sym_cursor *k);
int64_t sym_cur_sleb(struct sym_cursor *k);
/* Moves past n bytes. */
void sym_cur_skip(struct sym_cursor *k, uint64_t n);
/* The NUL-terminated string at k (pointing into base), moving past its NUL. */
const char *sym_cur_cstr(struct sym_cursor *k);

/* --- obj_refs.c ---------------------------------------------------------- */

struct sym_obj_refs {
	struct sym_obj_ref *v;
	size_t n, cap;
	struct sym_strpool pool;   /* symbol and file names */
};

/* --- demangle.c --------------------------------------------------------- */

/* The pooled display name for a linkage name: the demangled form of a C++
 * ("_Z...") name, else linkage itself. NULL only on OOM. */
const char *sym_display_name(struct sym_strpool *p, const char *linkage);

/* --- spans.c: address intervals -> innermost owner ----------------------- */

struct sym_range {       /* build input: one address piece of an owner */
	uint64_t lo, hi;     /* [lo, hi), lo < hi */
	uint32_t id;         /* owner (scope or function index) */
	uint32_t depth;      /* nesting depth; deeper wins where ranges overlap */
};

struct sym_span {        /* disjoint, sorted by lo */
	uint64_t lo, hi;
	uint32_t id;
};

struct sym_span_index {
	struct sym_span *v;
	size_t n;
};

/* Sorts r (n entries) and flattens it into disjoint spans where each address
 * belongs to the deepest (then latest-starting) range covering it. Replaces
 * out's contents. Returns 0, or -1 on OOM (out left empty). */
int sym_spans_build(struct sym_range *r, size_t n, struct sym_span_index *out);
/* The span containing addr, or NULL. */
const struct sym_span *sym_spans_find(const struct sym_span_index *ix,
                                      uint64_t addr);
void sym_spans_free(struct sym_span_index *ix);

/* --- the module ---------------------------------------------------------- */

struct sym_line {        /* one row of a line table */
	uint64_t addr;
	const char *file;    /* NULL if the row's file index is invalid */
	uint32_t line;       /* 0 if unknown */
	uint32_t column;     /* 1-based; 0 if unknown (the compiler gave none) */
	uint32_t seq;        /* sequence: index of its first row (build only) */
	uint32_t order;      /* position in the tables (build only) */
	uint8_t end;         /* end_sequence: no code from addr on */
};

struct sym_scope {       /* a DWARF function or an inlined subroutine */
	uint32_t parent;     /* enclosing scope, SYM_NONE for a function */
	uint32_t func;       /* index in funcs of the out-of-line function */
	uint32_t depth;      /* 0 for a function */
	uint32_t call_line;  /* inlined: line of the call in the parent */
	const char *name;    /* function name, or the inlined function's */
	const char *call_file;
	uint32_t call_column;/* inlined: column of the call, 0 unknown */
};

struct sym_text {        /* an executable section (or segment) */
	uint64_t lo, hi;
};

struct sym_module {
	char *path;
	int has_dwarf;
	struct sym_strpool strings;

	struct sym_function *funcs;  /* symbol-table functions, then DWARF's */
	size_t nfuncs, capfuncs;
	size_t nsymfuncs;            /* how many of funcs come from symtabs */

	struct sym_scope *scopes;
	size_t nscopes, capscopes;

	struct sym_line *lines;      /* sorted by addr, one row per addr */
	size_t nlines, caplines;

	struct sym_span_index dwarf_spans;  /* id: index into scopes */
	struct sym_span_index symtab_spans; /* id: index into funcs */

	struct sym_text *text;       /* sorted, for rejecting tombstones */
	size_t ntext;
};

/* elf_text.c: m->text = the object's executable sections (else its
 * executable PT_LOAD segments), sorted, overlaps merged. Returns 0, or -1
 * on OOM. */
int sym_text_index(struct sym_module *m, Elf *elf);
/* 1 if addr lies in executable code (or nothing is known: no text). */
int sym_text_contains(const struct sym_module *m, uint64_t addr);

/* build_id.c: the NT_GNU_BUILD_ID of elf into out (cap bytes). Returns its
 * length, 0 when there is none, -1 on error or when cap is too small. */
int sym_elf_build_id(Elf *elf, uint8_t *out, size_t cap);

/* elf_symtab.c: adds the FUNC symbols of .symtab and .dynsym to m->funcs
 * and builds m->symtab_spans. Returns 0, or -1 on OOM. */
int sym_symtab_index(struct sym_module *m, Elf *elf);

/* What the DWARF indexer checks as it goes (dwarf_precheck.c fills it). */
struct sym_dwarf_guard {
	unsigned char *line;   /* the .debug_line bytes, inflated; NULL if none */
	size_t nline;
	int big;               /* big-endian object */
};

/* dwarf_precheck.c: 0 if the DWARF sections of elf (open as fd, its layout
 * checked: every section within the file) are safe to give to libdwarf,
 * with *g filled (free it with sym_dwarf_guard_free), else -1 with the
 * reason in why and *g empty (then the DWARF is skipped). */
int sym_dwarf_precheck(Elf *elf, int fd, struct sym_dwarf_guard *g, char *why,
                       size_t whylen);
void sym_dwarf_guard_free(struct sym_dwarf_guard *g);

/* dwarf_line_guard.c: 0 if the line table header at offset off of g's
 * .debug_line is safe for libdwarf, else -1 with the reason in why. */
int sym_line_header_check(const struct sym_dwarf_guard *g, uint64_t off,
                          char *why, size_t whylen);

/* dwarf_index.c: indexes the DWARF of the object open as fd into funcs,
 * scopes, lines and dwarf_spans, setting m->has_dwarf when there is some;
 * g is what sym_dwarf_precheck() kept. Returns 0 (also when there is no
 * DWARF), or -1 with the reason in why; on -1 the module holds no DWARF
 * data (symbol tables only). */
int sym_dwarf_index(struct sym_module *m, int fd,
                    const struct sym_dwarf_guard *g, char *why, size_t whylen);

/* dwarf_lines.c: sorts m->lines by address keeping, per address, the row
 * that applies (the last one of its sequence; code over an end). */
void sym_lines_finalize(struct sym_module *m);
/* The row that applies at addr, or NULL when addr has no line info. */
const struct sym_line *sym_lines_find(const struct sym_module *m,
                                      uint64_t addr);

#endif /* VITPROF_SYMBOLIZER_INTERNAL_H */
