/* SPDX-License-Identifier: MIT */
/*
 * coverage/coverage.h - arc counters as lines, branches and loops: what
 * gcov computes from one object's .gcno and counters (cov_solve.c), the
 * natural loops of a solved flow graph (cov_loops.c), and a raw profile's
 * gcov objects matched with their .gcno files and solved (coverage.c).
 */
#ifndef VITPROF_COVERAGE_H
#define VITPROF_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include "read/gcov_files.h"
#include "read/raw_profile.h"

/* ---- cov_solve.c, cov_loops.c: arc counts, lines, branches, loops ------------
 *
 * What gcov computes from one object's .gcno and counters, done as gcov 12
 * does it (flow solving, line counts with its cycle rule, branch lists in
 * its arc order), plus natural loops from dominators, which gcov lacks.
 * Several objects are added to one report; lines shared by objects (headers)
 * are summed, as `gcov` does when given several files.
 */

struct cov_branch {
	uint64_t count;
	int fallthrough;            /* the arc is the fall-through one */
	int is_throw;               /* exception edge */
	uint32_t group;             /* outcomes of one conditional block share
	                               it: 0, 1, ... in the line's order */
};

struct cov_line {
	const char *file;           /* as the .gcno spells it */
	uint32_t line;
	uint64_t count;             /* gcov's line count */
	int unexecuted_block;       /* some block of the line never ran */
	struct cov_branch *branches;/* gcov --json-format's "branches", in order */
	size_t n_branches;
};

struct cov_function {
	const char *name;           /* assembler name */
	const char *file;
	uint32_t start_line, end_line;
	uint64_t entry_count;       /* count of block 0 (ENTRY) */
	uint64_t exit_count;        /* returns: count of block 1 (EXIT) less
	                               its fake in-arcs (gcov -b "returned") */
	uint32_t blocks, blocks_executed;
};

struct cov_loop {
	const char *function;       /* assembler name of the function */
	const char *file;           /* the header block's line */
	uint32_t line;
	uint64_t entries;           /* arcs into the header from outside */
	uint64_t iterations;        /* sum of back-edge counts */
	uint32_t depth;             /* 1: outermost */
};

struct cov_report {
	struct cov_line *lines;     /* sorted by (file, line), unique */
	size_t n_lines;
	struct cov_function *functions;   /* in the order added */
	size_t n_functions;
	struct cov_loop *loops;     /* sorted by (file, line) */
	size_t n_loops;
	void *priv;                 /* private: accumulation state, strings */
};

void cov_report_init(struct cov_report *r);

/*
 * Adds one object: g its .gcno, counters[] its functions' counters (any
 * order; matched to g's functions by ident). A function of g without
 * counters is an error, as are counters whose checksums or number of arcs
 * differ from g's (the object was rebuilt): reported as one line naming
 * gcno_path and the function, -1 returned and the report left unchanged. A
 * flow graph that cannot be solved or that solves to a negative count is
 * an error too. Strings in the report stay valid until cov_report_free().
 */
int cov_report_add(struct cov_report *r, const struct gcno_file *g,
                   const struct gcov_counters *counters, size_t n_counters);

/*
 * The natural loops of fn, whose arcs (fn->arcs order) have the solved
 * counts arc_counts[]: *out (malloc'd, freed by the caller; NULL when
 * there are none) gets one entry per loop header, whose function and file
 * point into fn's strings (valid while its gcno_file is). Returns the
 * number of loops. (cov_loops.c)
 */
size_t cov_loops_find(const struct gcno_function *fn, const uint64_t *arc_counts,
                      struct cov_loop **out);

/* Sorts and finalizes lines and loops; call once after the last add. */
void cov_report_finish(struct cov_report *r);
void cov_report_free(struct cov_report *r);

/* ---- coverage.c: a raw profile's arc counters as lines, branches, loops -- */

struct cov_object {
	const struct raw_gcov_object *raw;
	char *gcno_path;            /* the .gcno looked for (owned) */
	struct gcno_file *gcno;     /* read, or NULL (owned) */
	int used;                   /* 1: in the report */
};

struct coverage {
	struct cov_report report;
	struct cov_object *objects; /* same order as raw->gcov */
	size_t n_objects;
	size_t n_used;              /* objects in the report */
	/* private */
	int initialized;            /* report was initialized */
	struct { char *rel, *cwd, *abs; } *paths;
	size_t n_paths, cap_paths;
	uint32_t *by_name;
};

/*
 * Builds the coverage of raw into *c: for each gcov object, its .gcno
 * (beside the recorded .gcda path, or found under gcno_dir when not NULL)
 * is read, checked against the run (version, stamp, then each function's
 * checksums) and solved. Objects whose counts are unknown (copy mode,
 * killed before the first copy) are skipped with a warning. Returns 0, or
 * -1 after reporting (missing or mismatched .gcno); free *c with
 * coverage_free() either way.
 */
int coverage_build(struct coverage *c, const struct raw_profile *raw, const char *gcno_dir);
void coverage_free(struct coverage *c);

/* Index in c->report.functions of the function with this assembler name,
 * start line and file name (basename compared; file may be NULL), or -1. */
long coverage_find_function(struct coverage *c, const char *linkage_name,
                            const char *file, unsigned line);

#endif /* VITPROF_COVERAGE_H */
