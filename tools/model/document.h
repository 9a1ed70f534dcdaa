/* SPDX-License-Identifier: MIT */
/*
 * document.h - the .vitprof document: its in-memory model (struct vpdoc),
 * its reader (vitprof_read.c), the document merge (doc_merge.c), its
 * writer, the profile built from a document (doc_profile.c) and the
 * loaders of a raw profile or a document.
 */
#ifndef VITPROF_TOOL_DOCUMENT_H
#define VITPROF_TOOL_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct profile;
struct raw_profile;
struct coverage;

/*
 * The model: the data of one .vitprof document (docs/vitprof-format.md),
 * whatever built it: the reader (vitprof_read.c, from JSON), a raw profile
 * with its symbols and solved arc counters (document_from_profile()) or a
 * merge (doc_merge_result()). The one writer (vitprof_write.c) writes it
 * as it is: arrays in their order, ids as indices into them. Counts are
 * uint64; a document that is read back holds at most DOC_COUNT_MAX
 * (jansson's integers), which document_check() checks. Every string and
 * array is owned by the document (document_free()).
 */
#define VPDOC_NONE UINT32_MAX      /* a null id */
struct vpdoc_value_site;    /* value_sites.c's section of tool_internal.h */

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
	uint32_t id;                /* its index; a raw profile's record id */
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
	int has_values;             /* value profiles (sites or first calls):
	                               written as version 3, else version 2 */
};

/* document.c: frees what d owns; d is zeroed. */
void document_free(struct vpdoc *d);

/*
 * document.c: the document of a symbolized raw profile p (named name in
 * messages) into *d: its program, modules, functions, edges and hot spots,
 * and the lines, branches, loops and value profiles of cov when it is not
 * NULL and has objects (entry counts when it has used objects). Strings
 * are held as a document holds them (valid UTF-8; a byte that is not
 * becomes U+FFFD). Returns 0, or -1 after reporting (value counters that
 * cannot be read as sites); free *d with document_free() either way.
 */
int document_from_profile(struct vpdoc *d, const struct profile *p, struct coverage *cov,
                          const char *name);

/* document.c: 0 when d reads back as it is (every id an index of its
 * array, every count at most DOC_COUNT_MAX); else -1 and why (cap bytes:
 * "WHERE: WHAT", no file name). */
int document_check(const struct vpdoc *d, char *why, size_t cap);

/* vitprof_read.c: reads the .vitprof document (format version 2 or 3) at
 * path (or in memory, named name) into *d with jansson, checked (types,
 * required members, every id reference; a count past DOC_COUNT_MAX or
 * negative is refused). *d is freed with document_free(), also after a
 * failure. The first problem is reported as one line "vitprof: NAME: WHAT"
 * and -1 returned; allocation failure exits (tool_oom()). */
int vitprof_read(const char *path, struct vpdoc *d);
int vitprof_read_mem(const void *data, size_t size, const char *name, struct vpdoc *d);
/* 1 when the file at path starts (after white space) with '{'. */
int vitprof_read_is_document(const char *path);

/* vitprof_write.c: writes d as a .vitprof document (version 3 when
 * d->has_values, else 2). Returns 0 or -1 (write error, not reported). */
int vitprof_write(FILE *out, const struct vpdoc *d);
/* The document of p and cov (document_from_profile()) written. Returns 0,
 * -1 (write error, not reported) or -2 after reporting (value counters
 * that cannot be read as sites). */
int vitprof_write_profile(FILE *out, const struct profile *p, struct coverage *cov);

/* load.c: loads path, a raw profile (symbolized and solved, as `vitprof
 * export` would write it; gcno_dir as there) or a .vitprof document, into
 * *d (freed with document_free() either way). Returns 0 or -1 after
 * reporting. */
int load_document(const char *path, const char *gcno_dir, struct vpdoc *d);

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
/* The merged document in canonical order into *d (owned by the caller:
 * document_free()). Call after the last add, not on a spent merge. */
void doc_merge_result(struct doc_merge *m, struct vpdoc *d);
void doc_merge_free(struct doc_merge *m);

/*
 * load.c: reads path and builds its profile with the real symbolizer (both
 * freed by the caller either way). path is a raw profile or a .vitprof
 * document (told apart by content: a document starts with '{'), whose
 * profile doc_profile.c builds. needs: what the command needs beyond
 * functions and edges; a document, which lacks it, is refused in one line
 * "FILE: a .vitprof document keeps no ...". Returns 0 or -1 after
 * reporting.
 */
#define LOAD_NEEDS_CONTEXTS 1u      /* calling contexts (flamegraph, folded) */
#define LOAD_NEEDS_ARCS 2u          /* arc counters and .gcno (show --branches) */
int load_profile(const char *path, unsigned needs, struct raw_profile *raw,
                 struct profile *prof);

/*
 * doc_profile.c: the profile of document d (which it takes over, leaving
 * *d empty) and its stand-in raw profile, named path (freed with
 * profile_free() and raw_profile_free()).
 */
void doc_profile_build(struct profile *p, struct raw_profile *raw, struct vpdoc *d,
                       const char *path);
/* The document p was built from, or NULL (a raw profile). */
const struct vpdoc *doc_profile_document(const struct profile *p);

/* What a profile built from something else than a raw profile keeps
 * (struct profile.doc points to it): profile_free() calls release(). */
struct profile_keep {
	void (*release)(struct profile_keep *keep);
};

#endif /* VITPROF_TOOL_DOCUMENT_H */
