/* SPDX-License-Identifier: MIT */
/*
 * symbolizer.h - address to source for one ELF object, through DWARF
 * (libdwarf) with the ELF symbol tables as the fallback.
 *
 * A module is opened once; opening builds sorted indexes (functions, line
 * rows, inlined ranges) so every lookup is a binary search. Addresses are
 * ELF virtual addresses of the object (runtime address minus load bias).
 * Every string returned points into the module and lives until
 * sym_module_close().
 */
#ifndef VITPROF_SYMBOLIZER_H
#define VITPROF_SYMBOLIZER_H

#include <stddef.h>
#include <stdint.h>

struct sym_module;

/* Outcome of sym_module_open(), also written into *status. */
enum sym_status {
	SYM_OK = 0,
	SYM_ERR_OPEN,          /* file missing or unreadable */
	SYM_ERR_NOT_ELF,       /* not an ELF object, or a corrupt one */
	SYM_ERR_BUILD_ID,      /* build-id differs from the expected one */
	SYM_ERR_DWARF,         /* DWARF present but unreadable (symtab still used) */
};

/*
 * Opens the ELF object at path and indexes it. If build_id_len > 0 the
 * object's NT_GNU_BUILD_ID must equal build_id, otherwise the open fails
 * with SYM_ERR_BUILD_ID ("the binary on disk is not the one that ran").
 * Returns NULL on failure with a one-line reason in err (which names the
 * file) and *status set; err may be NULL. A module whose DWARF cannot be
 * read is still returned (symbol-table names only), with *status ==
 * SYM_ERR_DWARF and the reason in err.
 */
struct sym_module *sym_module_open(const char *path, const uint8_t *build_id,
                                   size_t build_id_len, enum sym_status *status,
                                   char *err, size_t errlen);
void sym_module_close(struct sym_module *m);

/* 1 if the module had usable DWARF, 0 if only symbol tables. */
int sym_module_has_dwarf(const struct sym_module *m);

struct sym_function {
	const char *name;          /* demangled, e.g. "ns::f(int)" or "main" */
	const char *linkage_name;  /* mangled/linker name; == name for C */
	const char *file;          /* file of the definition; NULL if unknown */
	unsigned line;             /* line of the definition; 0 if unknown */
	uint64_t lowpc;            /* entry address (identity within module) */
	uint64_t highpc;           /* one past the end; == lowpc if unknown */
};

/*
 * The out-of-line function whose code contains vaddr (inlined frames are
 * not functions here; see sym_lookup_location). Returns 0 and fills *out,
 * or -1 when no function covers vaddr.
 */
int sym_lookup_function(struct sym_module *m, uint64_t vaddr,
                        struct sym_function *out);

struct sym_frame {
	const char *function;      /* function of this frame; NULL if unknown */
	const char *file;          /* source file; NULL if unknown */
	unsigned line;             /* 0 if unknown */
	unsigned column;           /* 1-based, from the line table (GCC emits
	                              columns by default); 0 if unknown */
};

/*
 * Source location of the instruction at vaddr, innermost frame first: for
 * code inlined from g into f, frames[0] is the line inside g and frames[1]
 * is the line in f where g was inlined. Returns the number of frames written
 * (at most max_frames), or 0 when there is no line information.
 */
int sym_lookup_location(struct sym_module *m, uint64_t vaddr,
                        struct sym_frame *frames, int max_frames);

/*
 * Reads the NT_GNU_BUILD_ID of the ELF object at path into out (capacity
 * cap). Returns its length (> 0), 0 when the object has none, -1 on error.
 */
int sym_read_build_id(const char *path, uint8_t *out, size_t cap);

/*
 * obj_refs.c: the references from code to data symbols in a relocatable
 * x86-64 object (.o, built with -g), each with the source line the
 * object's line table gives the referencing instruction.
 */
struct sym_obj_ref {
	const char *symbol;        /* the data symbol referenced */
	uint64_t symbol_size;      /* its st_size */
	uint64_t offset;           /* byte offset of the target in it */
	const char *file;          /* NULL, line 0: no line-table row there */
	unsigned line;
};
struct sym_obj_refs;

/*
 * Reads the object at path: every reference (relocation of an executable
 * section: R_X86_64_PC32 without a trailing immediate, _32, _32S, _64)
 * whose target lies inside a STT_OBJECT symbol whose name starts with
 * prefix. Returns the set (freed by sym_obj_refs_free), or NULL with a
 * one-line reason naming the file in err (not an x86-64 .o, no .symtab,
 * no .debug_line, a corrupt line table).
 */
struct sym_obj_refs *sym_obj_refs_read(const char *path, const char *prefix,
                                       char *err, size_t errlen);
/* The references, by symbol name then offset; *n their number. Strings
 * live until sym_obj_refs_free(). */
const struct sym_obj_ref *sym_obj_refs_list(const struct sym_obj_refs *r,
                                            size_t *n);
void sym_obj_refs_free(struct sym_obj_refs *r);

#endif /* VITPROF_SYMBOLIZER_H */
