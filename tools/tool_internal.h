/* SPDX-License-Identifier: MIT */
/*
 * tool_internal.h - declarations shared between the files of the offline
 * tool `vitprof` (tools/). One concern per file:
 *
 *   tool_error.c   the one way errors and warnings are printed
 *   raw_read.c     .vitraw reader: validates everything, returns plain data
 *   profile.c      symbolized, aggregated profile (functions, call edges)
 *   json_write.c   streaming JSON writer
 *   cmd_show.c     `vitprof show`    (flat profile as text)
 *   cmd_export.c   `vitprof export`  (the .vitprof JSON document)
 *   cmd_flags.c    `vitprof flags`   (compiler and linker flags)
 *   vitprof.c      main(): dispatch, help, --version
 *
 * Everything here is built into the static library vitprof_tool, which the
 * unit tests link; only vitprof.c (main) is not. Functions return 0 on
 * success and -1 on failure, after reporting the failure with tool_error().
 */
#ifndef VITPROF_TOOL_INTERNAL_H
#define VITPROF_TOOL_INTERNAL_H

#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "symbolizer.h"
#include "vitprof_raw.h"

#define TOOL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

#ifndef VITPROF_VERSION
#define VITPROF_VERSION "0.0.0"
#endif
#define TOOL_PRODUCER "vitprof " VITPROF_VERSION

/* Exit codes of every subcommand. */
#define TOOL_EXIT_OK 0
#define TOOL_EXIT_ERROR 1    /* bad input file, missing binary, write error */
#define TOOL_EXIT_USAGE 2    /* bad command line */

/* ---- tool_error.c ------------------------------------------------------- */

/*
 * Prints one line "vitprof: FILE: MESSAGE" (or "vitprof: MESSAGE" when file
 * is NULL) to stderr, and keeps it for tool_last_error(). The message must
 * not end with a newline.
 */
void tool_error(const char *file, const char *fmt, ...) TOOL_PRINTF(2, 3);

/* A bad command line: "vitprof: CMD: MESSAGE", then the command's usage
 * text, both to stderr. Returns TOOL_EXIT_USAGE. */
int tool_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
	TOOL_PRINTF(3, 4);

/* Same, as "vitprof: FILE: warning: MESSAGE". */
void tool_warn(const char *file, const char *fmt, ...) TOOL_PRINTF(2, 3);

/* The last line tool_error() or tool_warn() produced (without "vitprof: "
 * and without the newline); "" when there was none. For tests. */
const char *tool_last_error(void);

/* mute != 0: keep messages for tool_last_error() but print nothing (tests
 * that provoke thousands of errors). */
void tool_error_mute(int mute);

/* Out of memory in a hash table (uthash): reports and exits 1. */
void tool_oom(void) __attribute__((noreturn));
/* A new string formatted as by printf; out of memory ends the tool. */
char *tool_asprintf(const char *fmt, ...) TOOL_PRINTF(1, 2);

/* An informational line "vitprof: FILE: note: MESSAGE" (what an output left
 * out, and why). */
void tool_note(const char *file, const char *fmt, ...) TOOL_PRINTF(2, 3);

/* "" for 1, "s" otherwise: "%" PRIu64 " call%s", n, tool_s(n). */
static inline const char *tool_s(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- tool_text.c: strings from files in text outputs; colour ------------- */

/*
 * Every string that comes from a file (paths, function and file names) is
 * printed in text outputs escaped as the runtime does: printable ASCII as
 * it is, every other byte and the backslash as \xHH (docs/cli.md,
 * "Strings from files"). tool_error() and tool_warn() escape their whole
 * line.
 */
int tool_text_plain(const char *s);         /* 1: nothing to escape */
/* Escapes s into dst (cap bytes, NUL-terminated, cut if too small);
 * returns the length written. 4 * strlen(s) + 1 bytes always suffice. */
size_t tool_escape(char *dst, size_t cap, const char *s);
/* s escaped: s itself when plain (or NULL), else a buffer of a ring of 8,
 * valid until 8 more calls. */
const char *tool_text(const char *s);
/* The same, but the bytes in keep are left as they are, for formats that
 * escape them their own way (dot and prometheus: "\\\n"). */
const char *tool_text_keep(const char *s, const char *keep);
/* A malloc'd escaped copy of s ("" for NULL). */
char *tool_text_dup(const char *s);
/* Writes s escaped; returns 0 or EOF. */
int tool_put_text(FILE *out, const char *s);

/* --color=WHEN of every command that colours: auto (the default: colour
 * when stdout is a terminal and NO_COLOR is unset or empty), always,
 * never. tool_color_parse returns 0 or -1 (bad WHEN). */
#define TOOL_COLOR_AUTO (-1)
#define TOOL_COLOR_NEVER 0
#define TOOL_COLOR_ALWAYS 1
int tool_color_parse(const char *arg, int *mode);
int tool_color_enabled(int mode);

/* Compares the header's program path with the main module record (id 0):
 * when they differ, one warning naming both (the module record is what is
 * symbolized). */
struct raw_profile;
void tool_check_exe_path(const struct raw_profile *raw);

/*
 * GCC's counter kinds (gcc/gcov-counter.def, GCC 10 to 13): 0 arcs, 1
 * interval, 2 pow2, 3 topn, 4 indirect_call, 5 average, 6 ior, 7
 * time_profiler. GCC 14 adds 8 (conditions), which vitprof does not write.
 */
#define GCOV_KINDS 8u
#define GCOV_KIND_ARCS 0u
#define GCOV_KIND_INTERVAL 1u
#define GCOV_KIND_POW2 2u
#define GCOV_KIND_TOPN 3u
#define GCOV_KIND_INDIRECT 4u
#define GCOV_KIND_AVERAGE 5u
#define GCOV_KIND_IOR 6u
#define GCOV_KIND_TIME 7u
#define GCOV_KINDS_KNOWN 0xffu      /* counter_mask bits vitprof can write */
#define GCOV_TOPN_MAX 32u           /* entries of one topn list (libgcov) */

static inline int gcov_kind_is_topn(unsigned t)
{
	return t == GCOV_KIND_TOPN || t == GCOV_KIND_INDIRECT;
}

/*
 * The counters of one kind t >= 1 of one function, in the form a .gcda
 * holds them: num int64 counters for most kinds; for the topn kinds (3, 4),
 * per site, its run count (negative when merging dropped values), the
 * number of entries n, then n (value, count) pairs. sites is the number of
 * topn sites (n_words alone cannot tell).
 */
struct gcov_values {
	uint32_t n_words;
	uint32_t sites;             /* topn kinds: sites; else 0 */
	int64_t *v;                 /* owned; NULL when n_words == 0 */
};

/* The counters of one function, wherever they came from (a .gcda, or a
 * raw profile's ARCS section and value arena). */
struct gcov_counters {
	uint32_t ident, lineno_checksum, cfg_checksum;
	uint32_t n_arcs;
	uint64_t *arcs;             /* owned by whoever built the array */
	struct gcov_values kinds[GCOV_KINDS];   /* [t] for t >= 1 in the
	                               object's counter_mask; [0] unused */
};

/* ---- gcov_values.c: value-profile counters, as libgcov merges them ------- */

/* Frees the value kinds of f (not f->arcs). */
void gcov_values_free(struct gcov_counters *f);

/* Deep copy of the value kinds of src into dst (whose kinds are
 * overwritten). Returns 0, or -1 when out of memory (dst's kinds empty). */
int gcov_values_copy(struct gcov_counters *dst, const struct gcov_counters *src);

/* Checks that v holds sites topn sites in .gcda form and nothing more:
 * each list at most entries long (GCOV_TOPN_MAX, or more where a merge of
 * racing threads allows), counts not negative. Returns 0, or -1 with the
 * reason in why. */
int gcov_topn_check(const struct gcov_values *v, uint32_t max_entries, char *why,
                    size_t whylen);

/* Counts the sites of a topn record of n_words words (0 when the words are
 * not whole sites: the caller refuses it). */
int gcov_topn_sites(const int64_t *v, uint32_t n_words, uint32_t *sites);

/*
 * Merges kind t of one function as libgcov merges a .gcda into a run's
 * counters: file is what is in the .gcda (the result goes there), run the
 * counters of the process writing it. Arcs and the other additive kinds
 * add, ior ors, the time profiler keeps the earliest non-zero first call,
 * and a topn list is the run's list with the file's values added to it
 * one by one (gcov_topn_add_value: new values appended while fewer than 32,
 * else the smallest entry decremented and replaced); a merge that had to
 * drop a value makes the run count negative, as libgcov does. Counts that
 * would pass the int64 range are refused ("count overflow: ..." in why,
 * file unchanged). Returns 0 or -1.
 */
int gcov_values_merge(unsigned t, struct gcov_values *file, const struct gcov_values *run,
                      char *why, size_t whylen);

/* The name of counter kind t ("interval", "topn", ...). */
const char *gcov_kind_name(unsigned t);

/* ---- raw_read.c: the raw profile, validated ------------------------------ */

struct raw_module {
	uint32_t id;                /* process-wide module id, from 0 */
	uint64_t load_bias;         /* runtime address = ELF vaddr + load_bias */
	uint64_t lo, hi;            /* runtime range [lo, hi) */
	uint8_t build_id_len;       /* 0: the object had no build-id */
	uint8_t build_id[VPR_BUILD_ID_MAX];
	char *path;                 /* owned, NUL-terminated */
};

/* One call edge of one thread shard (runtime addresses, as recorded). */
struct raw_edge {
	uint64_t site;              /* return address in the caller */
	uint64_t fn;                /* callee entry address */
	uint64_t count;
	uint64_t total_ticks;       /* time mode; 0 in count mode */
	uint64_t self_ticks;        /* time mode; 0 in count mode */
};

/* Context modes: one calling-context node of one shard (raw_read.c has
 * checked that parent is 0 or the id of an earlier node of the same shard).
 * Context profiles also get one raw_edge per node (site, fn, count, ticks),
 * so that every command that reads edges works on them. */
struct raw_ctx_node {
	uint64_t shard_id;
	uint64_t id;                /* from 1, unique within the shard */
	uint64_t parent;            /* 0: a root */
	uint64_t fn;                /* callee entry address */
	uint64_t site;              /* call site of the first call */
	uint64_t count;
	uint64_t total_ticks;       /* context+time mode; else 0 */
	uint64_t self_ticks;
};

/* Time mode: one function record of one shard. */
struct raw_function {
	uint64_t fn;                /* entry address */
	uint64_t total_ticks;       /* inclusive ticks of outermost activations */
};

/* One gcov object (compilation unit built with -fprofile-arcs) and its
 * arc counters, as the runtime recorded them. */
struct raw_gcov_object {
	char *gcda_path;            /* gcov_info.filename (owned) */
	uint32_t version, stamp, checksum;
	uint32_t counter_mask;      /* bit t: counter kind t present */
	int has_kinds;              /* the value kinds were recorded (vitprof >= 0.3) */
	uint32_t arcs_mode;         /* VPR_ARCS_IN_PLACE or VPR_ARCS_COPY */
	uint64_t object;            /* its loaded object (vpr_arcs.object); 0 unknown */
	int counts_known;           /* 0: copy mode, never copied (killed) */
	struct gcov_counters *functions;   /* gcov_info order; arcs owned. A
	                               COMDAT copy the linker dropped is all
	                               zero (ident 0, n_arcs 0, arcs NULL) */
	size_t n_functions;
};

struct raw_profile {
	char *file;                 /* path it was read from (owned) */
	uint32_t state;             /* VPR_STATE_* */
	uint32_t mode;              /* VPR_MODE_* */
	uint32_t flags;             /* VPR_FLAG_* */
	uint32_t clock;             /* VPR_CLOCK_* */
	int64_t pid, ppid;
	uint64_t start_realtime_ns, end_realtime_ns;
	uint64_t n_threads;
	uint64_t lost_calls;        /* header + every selected table */
	uint64_t lost_frames;       /* every selected table (time mode) */
	uint64_t lost_sections;
	char host[VPR_HOST_MAX];
	char exe_path[VPR_PATH_MAX];
	/* Tick conversion: ns = ticks * calib_dns / calib_dtick. */
	int time_available;         /* time mode with a usable clock */
	const char *time_note;      /* why time is unavailable (static string) */
	uint64_t calib_dtick, calib_dns;
	uint32_t n_sections;
	uint32_t n_tables;          /* edge tables in the file, live or not */
	uint32_t n_shards;          /* shards with a live table (= tables read) */
	struct raw_module *modules; /* sorted by id, ids unique */
	size_t n_modules;
	struct raw_edge *edges;     /* every occupied edge slot, shard by shard */
	size_t n_edges;
	struct raw_function *functions; /* time mode function records */
	size_t n_functions;
	struct raw_gcov_object *gcov;   /* -fprofile-arcs objects, in order */
	size_t n_gcov;
	uint64_t lost_values;           /* topn entries the arena could not hold */
	uint32_t n_arcs_in_place;       /* ARCS sections of each mode */
	uint32_t n_arcs_copy;
	/* Context modes: every node of every selected table, shard by shard. */
	struct raw_ctx_node *ctx_nodes;
	size_t n_ctx_nodes;
};

/*
 * Reads and validates the raw profile at path into *out (which the caller
 * frees with raw_profile_free(), also after a failure). Every offset, size
 * and count is checked before it is followed; the first problem is reported
 * as one line "vitprof: PATH: <what> at offset 0x..." and -1 is returned. A
 * file still being written (state running) is re-read when it changed while
 * being read. Returns 0 or -1.
 */
int raw_profile_read(const char *path, struct raw_profile *out);

/* Same on a file image in memory (tests); name is used in messages. */
int raw_profile_read_mem(const void *data, size_t size, const char *name,
                         struct raw_profile *out);

void raw_profile_free(struct raw_profile *rp);

/* ticks to nanoseconds (exact 128-bit arithmetic, saturating); 0 when the
 * profile has no usable time. The reader and profile_build() refuse the
 * sums that would saturate, so a profile's times never do. */
uint64_t raw_ticks_to_ns(const struct raw_profile *rp, uint64_t ticks);
/* 1 when ticks convert to ns without saturating (or time is unusable). */
int raw_ticks_fit_ns(const struct raw_profile *rp, uint64_t ticks);

/* "count" / "time", "running" / "exited". */
const char *raw_mode_name(uint32_t mode);
const char *raw_state_name(uint32_t state);

/* ---- profile.c: symbolized and aggregated --------------------------------- */

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

/* ---- gcno_read.c, gcda_read.c: GCC's coverage files --------------------------
 *
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

/* struct gcov_counters is declared above, with the raw profile. */

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

/* For cov_loops.c (cov_solve.c keeps the report's private state): */
/* The report's copy of s, valid until cov_report_free(); NULL for NULL. */
const char *cov_report_intern(struct cov_report *r, const char *s);
/* A new zeroed entry at the end of r->loops. */
struct cov_loop *cov_report_new_loop(struct cov_report *r);
/* Adds the natural loops of fn, whose arcs (fn->arcs order) have the solved
 * counts arc_counts[], to r->loops. (cov_loops.c) */
void cov_loops_add(struct cov_report *r, const struct gcno_function *fn,
                   const uint64_t *arc_counts);

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

/* ---- show_coverage.c: `vitprof show --branches`, `--loops` ---------------- */

/* The top (0: all) lines with branches, by executions, with their bias. */
void show_branches(const struct cov_report *r, size_t top);
/* The top (0: all) loops by iterations, with trips per entry. */
void show_loops(const struct cov_report *r, size_t top);

/* ---- json_write.c ------------------------------------------------------- */

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *out;
	int depth;                  /* open containers */
	int pretty_depth;           /* containers deeper than this are one line */
	int error;                  /* a nesting error or a write error */
	unsigned char has_items[JSON_MAX_DEPTH];
	unsigned char is_object[JSON_MAX_DEPTH];
	int after_key;              /* a key was written, its value is due */
};

/* pretty_depth: members of containers opened at depth < pretty_depth go on
 * their own lines (indented by tabs); 0 writes everything on one line. */
void json_init(struct json_writer *w, FILE *out, int pretty_depth);
void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);   /* NULL: null */
void json_uint(struct json_writer *w, uint64_t v);
void json_int(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, int v);
void json_null(struct json_writer *w);
/* An object member: json_key then the value. */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_uint(struct json_writer *w, const char *key, uint64_t v);
void json_kv_int(struct json_writer *w, const char *key, int64_t v);
void json_kv_bool(struct json_writer *w, const char *key, int v);
/* Ends the document (a newline). Returns 0, or -1 when a container was left
 * open, a value was misplaced, or writing failed. */
int json_finish(struct json_writer *w);

/* Writes s as a JSON string literal, quotes included. */
void json_write_escaped(FILE *out, const char *s);

/* ---- the subcommands ----------------------------------------------------- */

/* Each takes the arguments after the subcommand name (argv[0] is the name)
 * and returns an exit code (TOOL_EXIT_*). */
int cmd_show(int argc, char **argv);
/* cmd_show.c: the "note: ..." lines about a profile's completeness (still
 * running, no times, lost frames or tables) that show and report print. */
void print_profile_notes(const struct raw_profile *raw);
int cmd_export(int argc, char **argv);
int cmd_flags(int argc, char **argv);
int cmd_gcda(int argc, char **argv);     /* cmd_gcda.c */
int cmd_merge(int argc, char **argv);    /* cmd_merge.c */
int cmd_overlap(int argc, char **argv);  /* cmd_overlap.c */

/*
 * The other export formats (docs/export-formats.md). Each returns 0, -1 on
 * a write error (the caller reports it), or -2 after reporting a problem
 * of its own.
 *   export_sample.c      clang's sample-profile text of p, with cov's line
 *                        counts when cov is not NULL
 *   export_link_order.c  a function order for the linker from p's call
 *                        graph (C3): symbols, one per line (lld's
 *                        --symbol-ordering-file), or section names for
 *                        gold's --section-ordering-file
 */
int export_sample_profile(FILE *out, const struct profile *p, struct coverage *cov);
int export_link_order(FILE *out, const struct profile *p, struct coverage *cov);
int export_link_order_gold(FILE *out, const struct profile *p, struct coverage *cov);

/* Call-graph formats (docs/formats-callgraph.md), same return convention:
 *   export_callgrind.c  callgrind's profile format (KCachegrind)
 *   export_dot.c        a Graphviz call graph, cold nodes and edges pruned
 *   export_table.c      csv, and prometheus' text exposition format
 *   export_folded.c     folded stacks of a context-mode profile */
int export_callgrind(FILE *out, const struct profile *p, struct coverage *cov);
int export_dot(FILE *out, const struct profile *p, struct coverage *cov);
int export_csv(FILE *out, const struct profile *p, struct coverage *cov);
int export_prometheus(FILE *out, const struct profile *p, struct coverage *cov);
int export_folded(FILE *out, const struct profile *p, struct coverage *cov);
int cmd_report(int argc, char **argv);      /* cmd_report.c */
int cmd_flamegraph(int argc, char **argv);  /* cmd_flamegraph.c */

/* ---- report / call-graph exports (issue: call graphs and reports) -------- */
/* ---- context mode (issue: call graphs and reports) ------------------------ */
/*
 * export_folded.c: the calling-context tree of a context-mode profile,
 * merged over threads by path (function by function from the root), for
 * the folded export and the SVG flame graph (cmd_flamegraph.c).
 *
 * Node 0 is the synthetic root (name "all"). value is what the flame graph
 * counts for the node's own path: the calls that reached exactly this path
 * (timed false), or their self time in ns (timed true: context,time mode
 * with a usable clock). total is value plus the totals of its children, so
 * nodes[0].total is the sum of every value. Children of a node are linked
 * first_child / next_sibling in ascending name order (0: none).
 */
struct ctx_tree_node {
	const char *name;           /* function name, escaped (tool_text.c), ';' replaced by ':' */
	uint32_t parent;            /* node index; the root's is 0 */
	uint32_t depth;             /* root 0 */
	uint32_t first_child, next_sibling;
	uint64_t key;               /* function id, or 2^32 + address if unknown */
	uint64_t calls;             /* calls that reached exactly this path */
	uint64_t value, total;
};

struct ctx_tree {
	struct ctx_tree_node *nodes;
	size_t n, cap;
	uint32_t max_depth;
	int timed;                  /* values are self ns */
	char **owned;               /* names made here (unknown addresses) */
	size_t n_owned;
};

/* Builds the tree of p (p->raw must be a context-mode profile; otherwise
 * reports that and returns -1). Returns 0 or -1 after reporting; free with
 * ctx_tree_free() either way. */
int ctx_tree_build(struct ctx_tree *t, const struct profile *p);
void ctx_tree_free(struct ctx_tree *t);

/*
 * Bounds on what folded stacks and flame graphs show (docs/export-formats.md,
 * "Pruning"): a path whose total (calls, or ns, of it and everything below
 * it) is under min_share of the root's total is left out with its subtree,
 * as flame-graph tools drop frames too narrow to see; a path deeper than
 * max_depth frames is cut at that depth: below its frame at depth
 * max_depth, one frame "[deeper]" holds the totals of everything deeper
 * (sums are kept). min_share 0 and max_depth 0 keep everything.
 */
#define CTX_MIN_SHARE_DEFAULT 0.001      /* 0.1 % */
#define CTX_MAX_DEPTH_DEFAULT 256u
#define CTX_DEEPER_NAME "[deeper]"

struct ctx_limits {
	double min_share;           /* fraction of the root's total, 0..1 */
	uint32_t max_depth;         /* frames; 0: no limit */
};

struct ctx_pruned {
	uint64_t total;             /* the root's total before */
	size_t small_paths;         /* paths (folded lines) left out */
	uint64_t small_value;       /* and their values */
	size_t deep_paths;          /* paths cut into [deeper] frames */
	uint64_t deep_value;
};

/* Applies l to t (rebuilt in place) and says what it left out in *st. */
void ctx_tree_limit(struct ctx_tree *t, const struct ctx_limits *l, struct ctx_pruned *st);
/* One note line on stderr naming file, what (e.g. "folded") and what was
 * left out, when anything was. */
void ctx_pruned_note(const char *file, const char *what, const struct ctx_tree *t,
                     const struct ctx_pruned *st);
/* Parses --min-share's PCT ("0.1", "0.1%", "0") into *share (a fraction)
 * and --max-depth's N. Return 0 or -1. */
int ctx_parse_min_share(const char *arg, double *share);
int ctx_parse_max_depth(const char *arg, uint32_t *depth);
/* The limits `vitprof export --format folded` applies (cmd_export.c sets
 * them from the command line; the defaults otherwise). */
extern struct ctx_limits export_folded_limits;

/* ---- gcda_write.c (issue: PGO feedback) ---------------------------------- */
/*
 * The .gcda libgcov would write, made offline. The model is a struct
 * gcda_file whose functions[] has one entry per FUNCTION record in
 * gcov_info order, the empty record of a COMDAT copy the linker dropped
 * included (ident 0, n_arcs 0: gcda_slot_empty()). Free with gcda_free().
 */

/* Where serialized bytes go: returns 0, or -1 to stop (the serializer then
 * returns -1). */
typedef int (*gcda_write_fn)(void *ctx, const void *data, size_t len);

/* A growing buffer, for gcda_buffer_write (ctx); data is malloc'd. */
struct gcda_buffer {
	unsigned char *data;
	size_t size, cap;
};
int gcda_buffer_write(void *ctx, const void *data, size_t len);

/* 1 when f stands for an empty FUNCTION record (dropped COMDAT copy). */
int gcda_slot_empty(const struct gcov_counters *f);

/* Writes d as libgcov's write_one_data() does, in this machine's byte order,
 * in the layout of d->version (GCC 10 to 14). Returns 0, or -1 when write
 * failed or the version is unknown (not reported). */
int gcda_serialize(const struct gcda_file *d, gcda_write_fn write, void *ctx);

/* The largest arc counter of o (signed compare, from 0), as libgcov's
 * compute_summary() takes it; sum_max of a run is the largest over every
 * object of the loaded module. */
uint64_t gcda_object_max(const struct raw_gcov_object *o);

/* The .gcda of one run of o: runs 1, sum_max = run_max (32 bits kept, as
 * libgcov writes it). Returns 0, or -1 after reporting (out of memory). */
int gcda_from_object(struct gcda_file *out, const struct raw_gcov_object *o,
                     uint64_t run_max);

/* An existing .gcda as a model (empty FUNCTION records kept in place), read
 * with gcda_read_mem(); one libgcov cannot merge an arcs-only run into (no
 * summary, value-profile counters, other byte order) is refused. Returns 0,
 * or -1 after reporting one line naming the file. */
int gcda_model_read_mem(struct gcda_file *out, const void *data, size_t size,
                        const char *name);
int gcda_model_read(struct gcda_file *out, const char *path);

/* Adds add to acc as libgcov merges a run into an existing file: counters
 * added, runs and sum_max added, a record empty on one side taken from the
 * other. Version, stamp, checksum, number of functions and each function's
 * ident, checksums and number of arcs must be equal, the counter sums must
 * stay within int64 and runs within 32 bits (sum_max keeps its low 32
 * bits, as libgcov); otherwise acc is left unchanged, the reason (one
 * line, no file name; "count overflow: ..." for a sum) is put in why, and
 * -1 is returned. */
int gcda_merge(struct gcda_file *acc, const struct gcda_file *add, char *why, size_t whylen);

/* ---- merge / overlap (cmd_merge.c, cmd_overlap.c, ...) -------------------- */

/*
 * Checked arithmetic on counts read from files (docs/cli.md, "Limits"):
 * a count, time or run number that would overflow is refused, never
 * wrapped or saturated. The limits:
 *   COUNT_MAX       a count or time of a raw profile (uint64 in the file)
 *   DOC_COUNT_MAX   a number of a .vitprof document (jansson's json_int_t)
 *   GCOV_COUNT_MAX  a gcov arc counter (gcov_type is int64)
 * count_add: *acc += v * w when that is at most max; returns 0, or -1 with
 * *acc unchanged. The caller reports, naming the file and the quantity.
 */
#define COUNT_MAX UINT64_MAX
#define DOC_COUNT_MAX ((uint64_t)INT64_MAX)
#define GCOV_COUNT_MAX ((uint64_t)INT64_MAX)

static inline int count_add(uint64_t *acc, uint64_t v, uint64_t w, uint64_t max)
{
	uint64_t p, s;

	if (__builtin_mul_overflow(v, w, &p) || __builtin_add_overflow(*acc, p, &s) || s > max)
		return -1;
	*acc = s;
	return 0;
}

/* "2^64-1", "2^63-1" or the number: how messages name a limit. */
static inline const char *count_limit_name(uint64_t max)
{
	return max == UINT64_MAX ? "2^64-1" : max == (uint64_t)INT64_MAX ? "2^63-1" : "the limit";
}

/*
 * count_add() for a merge that reports later: on overflow *acc is kept
 * and, unless note already holds one, note (cap bytes) describes it as
 * "WHAT: ACC + V x W is past LIMIT", WHAT formatted from fmt and ap.
 */
void count_add_vnoted(char *note, size_t cap, uint64_t *acc, uint64_t v, uint64_t w,
                      uint64_t max, const char *fmt, va_list ap);

/* raw_merge.c: `vitprof merge` of raw profiles, through the merge core the
 * runtime's %m uses (rt/vpr_merge.h: canonical layout, sums by identity,
 * weights, overflow refused; docs/merge.md). */
struct raw_merge;
struct raw_merge *raw_merge_new(void);
/* Reads, validates and adds the raw profile at path with weight w >= 1.
 * A bad file, another program, build or mode, or a sum past its limit
 * ("count overflow: ...") is one line naming path and -1; the merge is
 * then spent (every later call fails). */
int raw_merge_add_file(struct raw_merge *m, const char *path, uint64_t w);
/* Same for a raw profile image in memory; name is used in messages and
 * must outlive the merge. */
int raw_merge_add_mem(struct raw_merge *m, const void *data, size_t size, uint64_t w,
                      const char *name);
/* The merged raw profile image (*data malloc'd, freed by the caller), read
 * back as a self-check. Call once, after the last add. 0 or -1. */
int raw_merge_image(struct raw_merge *m, unsigned char **data, size_t *size);
void raw_merge_free(struct raw_merge *m);

/* The .vitprof document (struct vpdoc, vitprof_read.c, doc_merge.c,
 * doc_profile.c): model/document.h. */
#include "model/document.h"

/* 1: the file at path starts like a raw profile (magic), 0: not (or
 * unreadable: the reader then says why). */
int tool_is_raw_profile(const char *path);

/* Writes a file through a temporary name renamed into place ("-":
 * stdout): write() returns 0, -1 on a write error (reported here, with
 * errno) or -2 after reporting a problem of its own; nothing is left at
 * path unless it returned 0. A path that exists and is not a regular file
 * (/dev/null, a FIFO) is written in place, never replaced. Returns 0 or
 * -1. (tool_write.c) */
int tool_write_file(const char *path, int (*write)(FILE *out, void *arg), void *arg);

/* ---- value_sites.c: value profiles by function and site (show-values) -----
 *
 * The value counters of -fprofile-generate code (kinds 1 to 6) as the
 * .vitprof document and `vitprof show --values` present them: one site per
 * (function, kind, site index). GCC numbers a function's sites of one kind
 * in the order it instruments them; neither the .gcno nor DWARF says which
 * source line a site is on, so a site is keyed by its function (assembler
 * name, file and line of the definition, as the .gcno gives them) and its
 * index (docs/vitprof-format.md, "value_sites").
 */

/* One entry of a topn or indirect_call list. */
struct vpdoc_value {
	int64_t value;              /* topn: the value; indirect_call: the
	                               callee's profile id (0 .. 2^32-1) */
	uint64_t count;
	char *function, *file;      /* indirect_call: the callee, NULL unknown */
	uint64_t line;
};

struct vpdoc_value_site {
	char *function, *file;      /* the function holding the site (file NULL:
	                               unknown) */
	uint64_t line;              /* its first line */
	char *site_file;            /* the site's own line, from the training
	                               object's line table (site_file NULL:
	                               unknown) */
	uint64_t site_line;
	unsigned kind;              /* GCOV_KIND_INTERVAL .. GCOV_KIND_IOR */
	uint64_t site;              /* index among its function's sites of kind */
	/* topn kinds */
	uint64_t total;             /* executions of the site */
	int dropped;                /* a merge dropped or replaced values */
	struct vpdoc_value *values; /* by count, descending, then value */
	size_t n_values;
	/* the other kinds: the site's counters, as libgcov has them */
	int64_t *counters;
	size_t n_counters;
};

/* The largest number of counters one site of a fixed-size kind may have. */
#define VALUE_SITE_COUNTERS_MAX 64u

/* The value sites of every object in c's report (records of one .gcda
 * merged as libgcov merges them), the targets of indirect calls named by
 * the profile ids of every .gcno of c, in canonical order
 * (value_sites_sort). Returns 0, or -1 after reporting; *out (n_out
 * sites) is freed with value_sites_free() either way. */
int value_sites_build(struct coverage *c, struct vpdoc_value_site **out, size_t *n_out);

/* The time profiler's first call of a function of c's report (name, file,
 * line as in cov_report.functions): 1 and *first_call, or 0 when its object
 * had no time profiler. first is built once by value_first_calls(). */
struct value_first_calls;
struct value_first_calls *value_first_calls(struct coverage *c);
int value_first_call(const struct value_first_calls *fc, const char *name,
                     const char *file, uint32_t line, uint64_t *first_call);
size_t value_first_calls_count(const struct value_first_calls *fc);
void value_first_calls_free(struct value_first_calls *fc);

/* Canonical order: file, line, function, kind, site. */
void value_sites_sort(struct vpdoc_value_site *v, size_t n);
/* Writes the "value_sites" member (key and array). */
void value_sites_write(struct json_writer *w, const struct vpdoc_value_site *v, size_t n);
void value_site_free(struct vpdoc_value_site *s);   /* its members */
void value_sites_free(struct vpdoc_value_site *v, size_t n);
/* The kind named name in a document (1 .. 6), or 0. */
unsigned value_kind_by_name(const char *name);

/* show_values.c: `vitprof show --values`: the hottest indirect call sites
 * with their targets, then the topn sites where one value dominates, by
 * executions; top (0: all) rows of each. */
void show_values(const struct vpdoc_value_site *v, size_t n, size_t top);

#endif /* VITPROF_TOOL_INTERNAL_H */
