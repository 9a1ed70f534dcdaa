/* SPDX-License-Identifier: MIT */
/*
 * read/gcov_files.h - GCC's coverage files: the .gcno notes (the
 * compiler's flow graphs, gcno_read.c) and the .gcda counters libgcov
 * writes (gcda_read.c), read through one bounds-checked cursor (gcov_io.c).
 * clang's layout of the same files is read/gcov_llvm.h's.
 */
#ifndef VITPROF_GCOV_FILES_H
#define VITPROF_GCOV_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "base/tool.h"
#include "read/gcov_values.h"

/*
 * Readers for the .gcno notes (the compiler's flow graphs) and the .gcda
 * counters libgcov writes, for GCC 10 to 14 (the layout is chosen from the
 * version word; ../shared/reference/gcc12-gcov.md). Like raw_read.c they
 * trust nothing: every length is checked against the bytes left, and the
 * first problem is reported as one line "vitprof: PATH: WHAT at offset
 * 0x..." before -1 is returned. Byte-swapped files are read too.
 */

#define GCOV_ARC_ON_TREE 1u        /* not instrumented: count is solved */
#define GCOV_ARC_FAKE 2u           /* call that may not return / setjmp */
#define GCOV_ARC_FALLTHROUGH 4u

/* GCC's version word: 'B','2','2','*' is 12.2. Returns the major (10..14),
 * or 0 when the word is not a version this reader knows. (gcov_io.c) */
unsigned gcov_version_major(uint32_t version);

/* gcov_io.c: a bounds-checked cursor over a .gcno/.gcda image. Reads stop
 * at end (a record's end, or size); the first problem is kept in err as
 * "WHAT at offset 0x..." and every later call fails. */
struct gcov_cursor {
	const unsigned char *data;
	size_t size;
	size_t pos;
	size_t end;
	int swapped;                /* the writer had the other byte order */
	unsigned major;             /* GCC major version: the layout */
	char err[768];
};

/* Keeps the first problem; returns -1. */
int gcov_bad(struct gcov_cursor *c, size_t off, const char *fmt, ...) TOOL_PRINTF(3, 4);
int gcov_get_u32(struct gcov_cursor *c, uint32_t *v);
/* An int64 as GCC writes it: low word, then high word. */
int gcov_get_u64(struct gcov_cursor *c, uint64_t *v);
/* A record length in bytes (GCC >= 12 counts bytes, earlier ones words). */
size_t gcov_record_bytes(const struct gcov_cursor *c, uint32_t length);
/* Magic (either byte order), version (sets c->major), stamp and, from GCC
 * 12 on, checksum (else 0). kind names the file type in messages. */
int gcov_read_header(struct gcov_cursor *c, uint32_t magic, const char *kind,
                     uint32_t *version, uint32_t *stamp, uint32_t *checksum);

struct gcno_arc {
	uint32_t src, dst;          /* block indices */
	uint32_t flags;             /* GCOV_ARC_* */
};

/* One (file, line) a block's code comes from, in .gcno order. */
struct gcno_location {
	const char *file;           /* owned by the gcno_file's string pool */
	uint32_t line;
};

struct gcno_block {
	struct gcno_location *locs; /* into gcno_function.locs */
	uint32_t n_locs;
};

struct gcno_function {
	uint32_t ident, lineno_checksum, cfg_checksum;
	const char *name;           /* assembler (mangled) name */
	int artificial;
	const char *source;         /* file of the definition */
	uint32_t start_line, start_column, end_line, end_column;
	uint32_t n_blocks;          /* block 0 is ENTRY, block 1 EXIT */
	struct gcno_block *blocks;
	struct gcno_arc *arcs;      /* every ARCS record, in file order */
	size_t n_arcs;
	uint32_t n_counters;        /* arcs without GCOV_ARC_ON_TREE */
	struct gcno_location *locs; /* all blocks' locations */
	size_t n_locs;
};

struct gcno_file {
	char *path;                 /* as given to gcno_read (owned) */
	uint32_t version, stamp, checksum;
	const char *cwd;            /* compilation directory (GCC >= 9) */
	struct gcno_function *functions;
	size_t n_functions;
	void *pool;                 /* private: strings */
};

int gcno_read(const char *path, struct gcno_file *out);
int gcno_read_mem(const void *data, size_t size, const char *name,
                  struct gcno_file *out);
void gcno_free(struct gcno_file *g);

/* The whole file at path in a malloc'd buffer (*data, freed by the caller;
 * *size bytes). Returns 0, or -1 after reporting. (gcno_read.c) */
int gcov_file_load(const char *path, unsigned char **data, size_t *size);

struct gcda_file {
	char *path;
	uint32_t version, stamp, checksum;
	uint32_t counter_mask;      /* bit t: every function has kind t; 0 = arcs */
	uint32_t runs, sum_max;     /* OBJECT_SUMMARY; has_summary says if seen */
	int has_summary;
	struct gcov_counters *functions;   /* in file order */
	size_t n_functions;
};

int gcda_read(const char *path, struct gcda_file *out);
int gcda_read_mem(const void *data, size_t size, const char *name,
                  struct gcda_file *out);
void gcda_free(struct gcda_file *d);

#endif /* VITPROF_GCOV_FILES_H */
