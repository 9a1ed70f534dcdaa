/* SPDX-License-Identifier: MIT */
/*
 * tool_internal.h - the .vitprof document: its model (struct vpdoc), read
 * and checked with jansson (read/vitprof_read.c), built into a profile
 * (model/doc_profile.c), merged (merge/doc_merge.c) and written
 * (cli/cmd_export.c), and the loading of a profile from either a raw
 * profile or a document (model/profile.c, doc_profile.c).
 *
 * It includes every module header of the tool, so that a file including
 * it sees all of tools/. The modules, bottom first (each header says what
 * its module is; a layer calls only its own and the layers below:
 * tests/layers/tools.spec):
 *
 *   base/tool.h           exit codes, errors, memory, text, atomic writes
 *   base/json_write.h     streaming JSON writer
 *   read/gcov_values.h    gcov counters of one function, libgcov's merge
 *   read/raw_profile.h    the raw profile (.vitraw), validated
 *   read/gcov_files.h     .gcno and .gcda readers, read/gcov_llvm.h clang's
 *   coverage/coverage.h   arc counters to lines, branches and loops
 *   model/profile.h       the symbolized profile
 *   model/value_sites.h   value profiles by function and site
 *   merge/raw_merge.h     sums of raw profiles
 *   export/export.h       export formats; export/raw_write.h and
 *                         export/gcda_write.h write .vitraw and .gcda files
 *   cli/commands.h        the subcommands, called by main (cli/vitprof.c)
 *
 * A file that defines its own xcalloc()/xstrdup() includes this header
 * first: TOOL_LOCAL_XALLOC then leaves base/tool.h's declarations out.
 */
#ifndef VITPROF_TOOL_INTERNAL_H
#define VITPROF_TOOL_INTERNAL_H

#ifndef VITPROF_TOOL_H
#define TOOL_LOCAL_XALLOC
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/json_write.h"
#include "base/tool.h"
#include "cli/commands.h"
#include "coverage/coverage.h"
#include "export/export.h"
#include "export/gcda_write.h"
#include "export/raw_write.h"
#include "merge/raw_merge.h"
#include "model/profile.h"
#include "model/value_sites.h"
#include "read/gcov_files.h"
#include "read/gcov_values.h"
#include "read/raw_profile.h"

/* vitprof_read.c: a .vitprof document (format version 2 or 3), read with jansson
 * and checked (types, required members, every id reference). Counts are
 * unsigned and at most DOC_COUNT_MAX (jansson's integers); a larger or
 * negative one is refused. */
#define VPDOC_NONE UINT32_MAX      /* a null id */

struct vpdoc_program {
	char *path, *host;
	int64_t pid, ppid;
	int time_mode;              /* mode "time" */
	int context;                /* mode "context" 1, "context,time" 2, else 0 */
	int running;                /* state "running" */
	int fork_child;
	uint64_t threads, start_time_ns, end_time_ns;
	int has_end_time;           /* end_time_ns not null */
	uint64_t lost_calls, lost_frames, lost_sections;
	int time_available;
};

struct vpdoc_module {
	char *path, *build_id;      /* build_id NULL: none */
	uint64_t load_bias;
	uint32_t same_as;           /* VPDOC_NONE: null */
};

struct vpdoc_function {
	char *name, *linkage_name, *file;  /* file NULL: unknown */
	uint64_t line, address;
	uint32_t module;            /* VPDOC_NONE: null */
	int instrumented;
	uint64_t calls, self_ns, total_ns;
	int has_entry_count;
	uint64_t entry_count;
};

struct vpdoc_frame {
	char *function, *file;      /* NULL: unknown */
	uint64_t line;
};

struct vpdoc_edge {
	uint32_t caller, callee;
	char *file;
	uint64_t line, column, site, count, self_ns, total_ns; /* column: 0 absent */
	struct vpdoc_frame *frames; /* inline_frames, NULL when absent */
	size_t n_frames;
};

struct vpdoc_gcov_object {
	char *gcda, *gcno;
	int in_place;
	uint64_t stamp, functions;
	int counted;
};

struct vpdoc_gcov_function {
	char *name, *file;
	uint64_t line, end_line, entry_count, returns, blocks, blocks_executed;
	uint32_t function;          /* VPDOC_NONE: null */
	int has_first_call;         /* version 3: the time profiler's first_call */
	uint64_t first_call;        /* 0: never called */
};

struct vpdoc_line {
	char *file;
	uint64_t line, count;
};

struct vpdoc_outcome {
	uint64_t count, branch;
	int fallthrough, is_throw;
};

struct vpdoc_branch {
	char *file;
	uint64_t line;
	struct vpdoc_outcome *outcomes;
	size_t n_outcomes;
};

struct vpdoc_loop {
	char *function, *file;
	uint64_t line, depth, entries, iterations;
};

struct vpdoc {
	char *name;                 /* file it came from, for messages */
	struct vpdoc_program program;
	struct vpdoc_module *modules;       size_t n_modules;
	struct vpdoc_function *functions;   size_t n_functions;
	struct vpdoc_edge *edges;           size_t n_edges;
	uint32_t *hot;                      size_t n_hot;
	int has_gcov;               /* the five arc-counter arrays are present */
	struct vpdoc_gcov_object *gcov_objects;     size_t n_gcov_objects;
	struct vpdoc_gcov_function *gcov_functions; size_t n_gcov_functions;
	struct vpdoc_line *lines;           size_t n_lines;
	struct vpdoc_branch *branches;      size_t n_branches;
	struct vpdoc_loop *loops;           size_t n_loops;
	struct vpdoc_value_site *value_sites; size_t n_value_sites; /* version 3 */
};

/* Reads the .vitprof document at path (or in memory, named name) into *d
 * (freed with vpdoc_free(), also after a failure). The first problem is
 * reported as one line "vitprof: NAME: WHAT" and -1 returned. */
int vpdoc_read(const char *path, struct vpdoc *d);
int vpdoc_read_mem(const void *data, size_t size, const char *name, struct vpdoc *d);
void vpdoc_free(struct vpdoc *d);

/* Loads path, a raw profile (symbolized and solved, as `vitprof export`
 * would write it; gcno_dir as there) or a .vitprof document, into *d.
 * Returns 0 or -1 after reporting. (vitprof_read.c) */
int vpdoc_load_any(const char *path, const char *gcno_dir, struct vpdoc *d);

/* doc_merge.c: sums .vitprof documents by identity (function: module
 * build-id or path, name, file, line; edge: caller, callee, file, line,
 * site; lines, branches, loops, gcov functions by source position). */
struct doc_merge;
struct doc_merge *doc_merge_new(void);
/* Adds d with weight w >= 1; a different executable or a mismatching
 * module, gcov object or branch layout, or a context-mode document among
 * count/time ones (or the other way round) is refused (reported, -1, the merge
 * unchanged). A sum past DOC_COUNT_MAX is refused too ("count overflow"),
 * after which the merge is spent (every later add fails; do not write
 * it). */
int doc_merge_add(struct doc_merge *m, const struct vpdoc *d, uint64_t w);
/* Writes the merged document in canonical order. Returns 0 or -1 (write
 * error, not reported). */
int doc_merge_write(struct doc_merge *m, FILE *out);
void doc_merge_free(struct doc_merge *m);

/* cmd_export.c: writes the .vitprof JSON document of p, with the lines,
 * branches, loops and value profiles of cov when it is not NULL and has
 * objects. Returns 0, -1 (write error, not reported) or -2 after reporting
 * (value counters that cannot be read as sites). */
struct coverage;
int export_vitprof_json(FILE *out, const struct profile *p, struct coverage *cov);

/* Reads path and builds its profile with the real symbolizer (both freed by
 * the caller either way). path is a raw profile or a .vitprof document
 * (told apart by content: a document starts with '{'), whose profile
 * doc_profile.c builds. Returns 0 or -1 after reporting. */
int tool_load_profile(const char *path, struct raw_profile *raw,
                      struct profile *prof);

/* doc_profile.c: the same, for a command that needs more than functions and
 * edges: a document, which lacks what needs names, is refused in one line
 * "FILE: a .vitprof document keeps no ...". */
#define TOOL_NEEDS_CONTEXTS 1u      /* calling contexts (flamegraph, folded) */
#define TOOL_NEEDS_ARCS 2u          /* arc counters and .gcno (show --branches) */
int tool_load_profile_needs(const char *path, unsigned needs, struct raw_profile *raw,
                            struct profile *prof);
/* 1 when the file at path starts (after white space) with '{'. */
int tool_is_document(const char *path);
/* The document p was built from, or NULL (a raw profile). */
struct vpdoc;
const struct vpdoc *profile_document(const struct profile *p);
/* Frees what a profile built from a document keeps (profile_free()). */
void profile_doc_free(void *keep);

#endif /* VITPROF_TOOL_INTERNAL_H */
