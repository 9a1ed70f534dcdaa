/* SPDX-License-Identifier: MIT */
/*
 * demangle.c - display names for linkage names, through the C++ runtime's
 * demangler (libstdc++'s __cxa_demangle, linked as stdc++).
 */
#include "symbolizer_internal.h"

#include <stdlib.h>
#include <string.h>

/* From the Itanium C++ ABI; libstdc++ provides it. */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

const char *sym_display_name(struct sym_strpool *p, const char *linkage)
{
	char *d;
	const char *r;
	int status = -1;

	if (strncmp(linkage, "_Z", 2) != 0)
		return sym_str_intern(p, linkage);
	d = __cxa_demangle(linkage, NULL, NULL, &status);
	if (status != 0 || !d) {
		free(d);
		return sym_str_intern(p, linkage);
	}
	r = sym_str_intern(p, d);
	free(d);
	return r;
}
