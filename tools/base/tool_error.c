/* SPDX-License-Identifier: MIT */
/*
 * tool_error.c - the one way the tool reports: one line on stderr,
 * "vitprof: FILE: MESSAGE", so that scripts and people see which file is
 * wrong and why. The line is escaped (tool_text.c): a name or path quoted
 * from a file cannot put a control character or a second line on the
 * terminal. The last line is kept for the unit tests.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/tool.h"

static char last[2048];
static int muted;

static void report(const char *file, const char *kind, const char *fmt, va_list ap)
{
	char msg[1536], line[2048];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (file)
		snprintf(line, sizeof line, "%s: %s%s", file, kind, msg);
	else
		snprintf(line, sizeof line, "%s%s", kind, msg);
	/* Messages quote paths and names from files: escaped, one line. */
	tool_escape(last, sizeof last, line);
	if (!muted) {
		fflush(stdout);
		fprintf(stderr, "vitprof: %s\n", last);
	}
}

void tool_error(const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(file, "", fmt, ap);
	va_end(ap);
}

void tool_warn(const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(file, "warning: ", fmt, ap);
	va_end(ap);
}

void tool_note(const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(file, "note: ", fmt, ap);
	va_end(ap);
}

const char *tool_last_error(void)
{
	return last;
}

void tool_error_mute(int mute)
{
	muted = mute;
}

void count_add_vnoted(char *note, size_t cap, uint64_t *acc, uint64_t v, uint64_t w,
                      uint64_t max, const char *fmt, va_list ap)
{
	char what[400];

	if (count_add(acc, v, w, max) == 0 || note[0])
		return;
	vsnprintf(what, sizeof what, fmt, ap);
	snprintf(note, cap, "%s: %" PRIu64 " + %" PRIu64 " x %" PRIu64 " is past %s",
	         what, *acc, v, w, count_limit_name(max));
}

int tool_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	tool_error(NULL, "%s: %s", cmd, what);
	fputs(usage, stderr);
	return TOOL_EXIT_USAGE;
}
