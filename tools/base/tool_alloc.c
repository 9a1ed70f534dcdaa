/* SPDX-License-Identifier: MIT */
/*
 * tool_alloc.c - the tool's one rule for memory (base/tool.h): an
 * allocation that fails ends the tool with one line "vitprof: out of
 * memory" and exit status 1, so no caller handles NULL. It sits below the
 * error reporting (tool_error.c escapes through tool_text.c, which
 * allocates), so tool_oom() prints its fixed line itself.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"

void tool_oom(void)
{
	fflush(stdout);
	fputs("vitprof: out of memory\n", stderr);
	exit(TOOL_EXIT_ERROR);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		tool_oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		tool_oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		tool_oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		tool_oom();
	return xrealloc(p, bytes);
}

char *xstrdup(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		tool_oom();
	return d;
}

char *tool_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		tool_oom();
	return s;
}
