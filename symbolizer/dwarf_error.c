/* SPDX-License-Identifier: MIT */
/*
 * dwarf_error.c - the DWARF indexer's failure report, the bottom of its
 * files: every other dwarf_*.c file ends a failed step through dw_fail()
 * or dw_oom(), which keep the first reason and return -1 (the convention
 * of dwarf_internal.h).
 */
#include "dwarf_internal.h"

#include <stdio.h>

int dw_fail(struct dw_ctx *c, const char *what)
{
	if (c->why[0] == '\0') {
		if (c->err)
			snprintf(c->why, c->whylen, "%s: %s", what,
			         dwarf_errmsg(c->err));
		else
			snprintf(c->why, c->whylen, "%s", what);
	}
	if (c->err) {
		dwarf_dealloc_error(c->dbg, c->err);
		c->err = NULL;
	}
	return -1;
}

int dw_oom(struct dw_ctx *c)
{
	return dw_fail(c, "out of memory");
}
