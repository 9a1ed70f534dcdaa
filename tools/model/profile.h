/* SPDX-License-Identifier: MIT */
/*
 * model/profile.h - the symbolized profile every command uses (profile.c):
 * a raw profile's addresses mapped to modules and functions, call edges
 * summed over threads by (caller, callee, call site), times in ns.
 */
#ifndef VITPROF_PROFILE_H
#define VITPROF_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "read/raw_profile.h"
#include "symbolizer.h"

/* The symbolizer calls profile_build() makes; tests substitute their own. */
struct prof_symbolizer {
	struct sym_module *(*open)(const char *path, const uint8_t *build_id,
	                           size_t build_id_len, enum sym_status *status,
	                           char *err, size_t errlen);
	void (*close)(struct sym_module *m);
	int (*lookup_function)(struct sym_module *m, uint64_t vaddr,
	                       struct sym_function *out);
	int (*lookup_location)(struct sym_module *m, uint64_t vaddr,
	                       struct sym_frame *frames, int max_frames);
};

/* The real one (symbolizer.h). */
extern const struct prof_symbolizer prof_symbolizer_default;

#define PROF_MAX_FRAMES 8
#define PROF_MODULE_UNKNOWN (-1)

struct prof_module {
	uint32_t id;                /* raw module id */
	uint32_t canonical;         /* id of the first record with the same
	                               path and build-id (same object) */
	const struct raw_module *raw;
	char build_id_hex[2 * VPR_BUILD_ID_MAX + 1];
	const char *basename;       /* file name part of raw->path */
	struct sym_module *sym;     /* open symbolizer module, or NULL */
	int tried;                  /* sym_module_open() was called (canonical only) */
};

struct prof_function {
	uint32_t id;                /* index in profile.functions */
	int64_t module;             /* canonical module id, PROF_MODULE_UNKNOWN */
	uint64_t address;           /* ELF vaddr of the entry (runtime address
	                               when the module is unknown) */
	const char *name;
	const char *linkage_name;
	const char *file;           /* NULL when unknown */
	unsigned line;              /* 0 when unknown */
	int instrumented;           /* it appeared as a callee in the raw file */
	int scope;                  /* a scope (vitprof_scope_begin, VPR_NAME_FN):
	                               name from the NAMES section, no address */
	uint64_t calls;             /* sum of the counts of edges into it */
	uint64_t self_ticks, total_ticks;
	uint64_t self_ns, total_ns; /* time mode with time available */
};

struct prof_frame {
	const char *function;       /* NULL when unknown */
	const char *file;           /* NULL when unknown */
	unsigned line;              /* 0 when unknown */
	unsigned column;            /* 0 when unknown */
};

struct prof_edge {
	uint32_t caller, callee;    /* function ids */
	uint64_t site;              /* ELF vaddr of the return address in the
	                               caller's module (runtime if unknown) */
	const char *file;           /* call site, innermost frame; NULL unknown */
	unsigned line;
	unsigned column;            /* of the call site; 0 unknown */
	const struct prof_frame *frames; /* inline chain, innermost first, when */
	int n_frames;               /* the call site is in inlined code (>1) */
	uint64_t count;
	uint64_t self_ticks, total_ticks;
	uint64_t self_ns, total_ns;
};

struct prof_string;

struct profile {
	const struct raw_profile *raw;
	int timed;                  /* time mode and time available */
	struct prof_module *modules;        /* same order as raw->modules */
	size_t n_modules;
	struct prof_function *functions;    /* sorted by (module, address); */
	size_t n_functions;                 /* functions[i].id == i */
	struct prof_edge *edges;            /* sorted by (caller, callee, site) */
	size_t n_edges;
	uint32_t *hot;              /* up to PROF_HOT function ids, hottest first */
	size_t n_hot;
	/* private */
	const struct prof_symbolizer *sym;
	struct prof_string *strings;
	void *site_infos;
	void *entry_infos;          /* callee runtime address -> function */
	void *doc;                  /* built from a document: what it keeps */
};

#define PROF_HOT 20

/*
 * Builds the symbolized profile of raw (which must outlive it) into *p:
 * each runtime address is mapped to its module, each module is opened once
 * with sym (NULL: the real symbolizer), and edges are summed over threads by
 * (caller function, callee function, call site). The executable (module 0)
 * missing or not the binary that ran is an error; a missing shared library
 * is a warning (once) and its addresses are named "lib.so+0xOFFSET".
 * Returns 0, or -1 after reporting; free *p with profile_free() either way.
 */
int profile_build(struct profile *p, const struct raw_profile *raw,
                  const struct prof_symbolizer *sym);
void profile_free(struct profile *p);

/* The function whose entry is at runtime address fn, a callee of one of
 * the raw profile's edges (a scope's pseudo-address included); NULL when
 * no edge calls fn. */
const struct prof_function *profile_callee(const struct profile *p, uint64_t fn);
/* qsort_r order of function indices (arg: the profile): hottest first,
 * by self time (timed) or calls, then id. */
int profile_hot_order(const void *a, const void *b, void *arg);
/* qsort order of struct prof_edge: caller, callee, call site. */
int profile_edge_order(const void *a, const void *b);

/* The check profile_build() makes when it opens the executable (module 0)
 * for its symbols, for the commands that use its counters without
 * symbolizing (gcda): the file at the recorded path has the recorded
 * build-id (none recorded: nothing to check). Returns 0, or -1 after
 * reporting "FILE: the program that ran is not the one on disk: PATH: WHY". */
int profile_check_program(const struct raw_profile *raw);

/* Compares the header's program path with the main module record (id 0):
 * when they differ, one warning naming both (the module record is what is
 * symbolized). (profile.c) */
void profile_check_exe_path(const struct raw_profile *raw);

#endif /* VITPROF_PROFILE_H */
