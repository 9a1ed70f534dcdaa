/* SPDX-License-Identifier: MIT */
/*
 * rt_util.c - string helpers usable anywhere in the runtime, hooks and
 * signal handlers included: no malloc, no stdio, no state, no lock.
 */
#include <string.h>

#include "rt_internal.h"

/*
 * Appends s to line[0, n) (capacity cap), as the runtime prints untrusted
 * text (paths, environment values): at most RT_PRINT_MAX bytes of it, then
 * "..."; printable ASCII as it is, any other byte (control characters,
 * newlines, escape sequences, bytes >= 0x80) and the backslash as \xHH.
 * Never writes past cap - 1 and keeps line NUL-terminated. Returns the new
 * length.
 */
size_t rt_append_escaped(char *line, size_t n, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	if (n >= cap)
		return n;
	for (i = 0; p[i] && i < RT_PRINT_MAX; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			if (n + 1 >= cap)
				break;
			line[n++] = (char)p[i];
		} else {
			if (n + 4 >= cap)
				break;
			line[n++] = '\\';
			line[n++] = 'x';
			line[n++] = hex[p[i] >> 4];
			line[n++] = hex[p[i] & 15];
		}
	}
	if (p[i] && n + 3 < cap) {
		memcpy(line + n, "...", 3);
		n += 3;
	}
	line[n] = '\0';
	return n;
}

/*
 * Appends trusted text s to line[0, n) within capacity cap (cut if need
 * be; line stays NUL-terminated). Returns the new length.
 */
size_t rt_append(char *line, size_t n, size_t cap, const char *s)
{
	size_t len = strlen(s);

	if (n >= cap)
		return n;
	if (len > cap - 1 - n)
		len = cap - 1 - n;
	memcpy(line + n, s, len);
	line[n + len] = '\0';
	return n + len;
}

/* Copies src into dst[0, cap) (cut, NUL-terminated when cap > 0). Returns
 * strlen(src). */
size_t rt_strlcpy(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);

	if (cap) {
		size_t c = n < cap - 1 ? n : cap - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

size_t rt_u64_to_dec(char *out, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}
