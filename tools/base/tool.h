/* SPDX-License-Identifier: MIT */
/*
 * base/tool.h - what every file of the offline tool `vitprof` (tools/)
 * shares: exit codes, the one way errors are reported (tool_error.c),
 * memory (tool_alloc.c), strings from files in text outputs and colour
 * (tool_text.c), files written through a temporary name (tool_write.c),
 * and checked arithmetic on counts read from files.
 *
 * Functions return 0 on success and -1 on failure, after reporting the
 * failure with tool_error().
 *
 * Out of memory: an allocation that fails ends the tool, through
 * tool_oom() (one line "vitprof: out of memory", exit 1). Every file
 * allocates with xmalloc(), xcalloc(), xrealloc(), xreallocarray(),
 * xstrdup() and tool_asprintf() (or, in a uthash table, with
 * `#define uthash_fatal(msg) tool_oom()`), so no caller checks for NULL
 * and -1 from a reader always means bad input, never a failed malloc.
 */
#ifndef VITPROF_TOOL_H
#define VITPROF_TOOL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TOOL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

#ifndef VITPROF_VERSION
#define VITPROF_VERSION "0.0.0"
#endif
#define TOOL_PRODUCER "vitprof " VITPROF_VERSION

/* Exit codes of every subcommand. */
#define TOOL_EXIT_OK 0
#define TOOL_EXIT_ERROR 1    /* bad input file, missing binary, write error */
#define TOOL_EXIT_USAGE 2    /* bad command line */

/* ---- tool_alloc.c: memory ------------------------------------------------ */

/* Reports "vitprof: out of memory" and exits TOOL_EXIT_ERROR. */
void tool_oom(void) __attribute__((noreturn));

/* malloc, calloc, realloc and strdup that never return NULL: failure ends
 * the tool (tool_oom()). A size or count of 0 allocates a minimal block,
 * never NULL; xcalloc and xreallocarray treat n * size past SIZE_MAX as
 * out of memory. xstrdup(NULL) is NULL. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

/* A new string formatted as by printf; out of memory ends the tool. */
char *tool_asprintf(const char *fmt, ...) TOOL_PRINTF(1, 2);

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

/* ---- tool_write.c -------------------------------------------------------- */

/* Writes a file through a temporary name renamed into place ("-":
 * stdout): write() returns 0, -1 on a write error (reported here, with
 * errno) or -2 after reporting a problem of its own; nothing is left at
 * path unless it returned 0. A path that exists and is not a regular file
 * (/dev/null, a FIFO) is written in place, never replaced. Returns 0 or
 * -1. */
int tool_write_file(const char *path, int (*write)(FILE *out, void *arg), void *arg);

/* ---- checked counts (count_add_vnoted in tool_error.c) ----------------------
 *
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

#endif /* VITPROF_TOOL_H */
