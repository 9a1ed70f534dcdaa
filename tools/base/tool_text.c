/* SPDX-License-Identifier: MIT */
/*
 * tool_text.c - how text outputs show strings that come from files, and
 * the one colour rule of every command that colours.
 *
 * A string read from a profile, a binary's DWARF or a .gcno (program and
 * module paths, function and file names) is untrusted: a crafted file could
 * hold a terminal escape sequence ("\x1b]0;title\x07", "\x1b[2J") that a
 * text output would otherwise send to the user's terminal. Text outputs
 * (show, report, callgrind, folded, dot, csv, prometheus, messages) print
 * such strings escaped as the runtime does (rt_append_escaped): printable
 * ASCII as it is, any other byte (control characters, DEL, bytes >= 0x80)
 * and the backslash as \xHH. Strings without such bytes, the usual case,
 * are printed unchanged. JSON output escapes by its own rules (json_write.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tool.h"

static int plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

/* plain_byte, or one of keep (bytes the output format escapes itself). */
static int kept_byte(unsigned char c, const char *keep)
{
	return plain_byte(c) || (c && keep && strchr(keep, c));
}

int tool_text_plain(const char *s)
{
	for (; *s; s++)
		if (!plain_byte((unsigned char)*s))
			return 0;
	return 1;
}

static size_t escape_keep(char *dst, size_t cap, const char *s, const char *keep);

size_t tool_escape(char *dst, size_t cap, const char *s)
{
	return escape_keep(dst, cap, s, NULL);
}

static size_t escape_keep(char *dst, size_t cap, const char *s, const char *keep)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	if (!cap)
		return 0;
	for (; *p; p++) {
		if (kept_byte(*p, keep)) {
			if (n + 1 >= cap)
				break;
			dst[n++] = (char)*p;
		} else {
			if (n + 4 >= cap)
				break;
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[*p >> 4];
			dst[n++] = hex[*p & 15];
		}
	}
	dst[n] = '\0';
	return n;
}

char *tool_text_dup(const char *s)
{
	size_t cap;
	char *d;

	if (!s)
		s = "";
	cap = 4 * strlen(s) + 1;
	d = xmalloc(cap);
	tool_escape(d, cap, s);
	return d;
}

/* A ring of buffers, so that one printf can show several strings. */
#define TEXT_RING 8

const char *tool_text(const char *s)
{
	return tool_text_keep(s, NULL);
}

const char *tool_text_keep(const char *s, const char *keep)
{
	static char *ring[TEXT_RING];
	static size_t ring_cap[TEXT_RING];
	static unsigned next;
	const char *c;
	size_t need;
	unsigned k;

	if (!s)
		return s;
	for (c = s; *c && kept_byte((unsigned char)*c, keep); c++)
		;
	if (!*c)
		return s;
	need = 4 * strlen(s) + 1;
	k = next++ % TEXT_RING;
	if (ring_cap[k] < need) {
		char *b = xrealloc(ring[k], need);
		ring[k] = b;
		ring_cap[k] = need;
	}
	escape_keep(ring[k], need, s, keep);
	return ring[k];
}

int tool_put_text(FILE *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (plain_byte(c)) {
			if (putc(c, out) == EOF)
				return EOF;
		} else if (fprintf(out, "\\x%c%c", hex[c >> 4], hex[c & 15]) < 0) {
			return EOF;
		}
	}
	return 0;
}

/* ---- colour ---------------------------------------------------------------- */

int tool_color_parse(const char *arg, int *mode)
{
	if (strcmp(arg, "auto") == 0)
		*mode = TOOL_COLOR_AUTO;
	else if (strcmp(arg, "always") == 0)
		*mode = TOOL_COLOR_ALWAYS;
	else if (strcmp(arg, "never") == 0)
		*mode = TOOL_COLOR_NEVER;
	else
		return -1;
	return 0;
}

int tool_color_enabled(int mode)
{
	const char *no_color;

	if (mode != TOOL_COLOR_AUTO)
		return mode == TOOL_COLOR_ALWAYS;
	no_color = getenv("NO_COLOR");
	if (no_color && *no_color)
		return 0;
	return isatty(STDOUT_FILENO);
}
