/* SPDX-License-Identifier: MIT */
/*
 * rt_log.c - the lines the runtime may print, with write(2) only: the
 * verbose log (VITPROF_VERBOSE) and the one report of a loss. Untrusted
 * text is printed escaped and cut (rt_append_escaped), never used as a
 * format.
 */
#define _GNU_SOURCE
#include <string.h>
#include <unistd.h>

#include "rt_internal.h"

/* Writes s[0, n) to stderr, as far as it goes. */
void rt_write_stderr(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(2, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Prints "vitprof: a b\n" when VITPROF_VERBOSE is set (b escaped). */
void rt_log(const char *a, const char *b)
{
	char line[4 * RT_PRINT_MAX + 256];
	size_t n;

	if (!rt_g.verbose)
		return;
	n = rt_append(line, 0, 200, "vitprof: ");
	n = rt_append(line, n, 200, a);
	if (b) {
		n = rt_append(line, n, 201, " ");
		n = rt_append_escaped(line, n, sizeof line - 1, b);
	}
	line[n++] = '\n';
	rt_write_stderr(line, n);
}

/*
 * The runtime's only unsolicited output: the first time it cannot record,
 * one line naming the file (escaped, rt_append_escaped) and the reason.
 * Later losses are only counted.
 */
void rt_report_once_why(const char *what, const char *path, const char *why)
{
	char line[4 * RT_PRINT_MAX + 512];
	size_t n;

	if (__atomic_exchange_n(&rt_g.reported, 1, __ATOMIC_ACQ_REL))
		return;
	n = rt_append(line, 0, 160, "vitprof: ");
	n = rt_append(line, n, 160, what);
	n = rt_append(line, n, 170, " '");
	n = rt_append_escaped(line, n, n + 4 * RT_PRINT_MAX + 4, path);
	n = rt_append(line, n, sizeof line - 60, "': ");
	n = rt_append(line, n, sizeof line - 60, why ? why : "error");
	n = rt_append(line, n, sizeof line - 1, "; calls not in the file are lost (counted)");
	line[n++] = '\n';
	rt_write_stderr(line, n);
}

void rt_report_once(const char *what, const char *path, int err)
{
	rt_report_once_why(what, path, strerrordesc_np(err));
}
