/* SPDX-License-Identifier: MIT */
/*
 * byte_cursor.c - reading untrusted bytes: fixed-size integers in either
 * byte order, LEB128 numbers and NUL-terminated strings through a cursor
 * that checks every read against its bound. The DWARF pre-checks
 * (dwarf_precheck.c, dwarf_line_guard.c) and the object-file line reader
 * (obj_refs.c) read their sections through it.
 */
#include "symbolizer_internal.h"

#include <string.h>

uint64_t sym_get_uint(const unsigned char *p, unsigned n, int big)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
	return v;
}

uint64_t sym_cur_uint(struct sym_cursor *k, unsigned n)
{
	uint64_t v;

	if (k->bad || k->end - k->off < n) {
		k->bad = 1;
		return 0;
	}
	v = sym_get_uint(k->base + k->off, n, k->big);
	k->off += n;
	return v;
}

/* The bits of a LEB128 number at k (beyond 64 dropped); *last = its last
 * byte. Sets k->bad and returns 0 when the bytes end inside it. */
static uint64_t leb(struct sym_cursor *k, unsigned *shift, unsigned char *last)
{
	uint64_t v = 0;

	*shift = 0;
	*last = 0;
	while (!k->bad) {
		unsigned char b;

		if (k->off >= k->end) {
			k->bad = 1;
			break;
		}
		b = k->base[k->off++];
		if (*shift < 64)
			v |= (uint64_t)(b & 0x7f) << *shift;
		*shift += 7;
		*last = b;
		if (!(b & 0x80))
			return v;
	}
	return 0;
}

uint64_t sym_cur_uleb(struct sym_cursor *k)
{
	unsigned shift;
	unsigned char last;

	return leb(k, &shift, &last);
}

int64_t sym_cur_sleb(struct sym_cursor *k)
{
	unsigned shift;
	unsigned char last;
	uint64_t v = leb(k, &shift, &last);

	if (k->bad)
		return 0;
	if (shift < 64 && (last & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

void sym_cur_skip(struct sym_cursor *k, uint64_t n)
{
	if (k->bad || k->end - k->off < n)
		k->bad = 1;
	else
		k->off += (size_t)n;
}

const char *sym_cur_cstr(struct sym_cursor *k)
{
	const unsigned char *nul;
	const char *s;

	if (k->bad || k->off >= k->end ||
	    !(nul = memchr(k->base + k->off, 0, k->end - k->off))) {
		k->bad = 1;
		return NULL;
	}
	s = (const char *)k->base + k->off;
	k->off = (size_t)(nul - k->base) + 1;
	return s;
}
