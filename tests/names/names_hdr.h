/* SPDX-License-Identifier: MIT */
/* names test: a static inline function defined in a header, so each unit
 * that calls it gets its own out-of-line copy: two functions with one
 * source name, file and line. */
#ifndef NAMES_HDR_H
#define NAMES_HDR_H

static inline int hdr_helper(int x) // DEF:hdr_helper
{
	return x * 3 + 1;
}

int b_entry(int n);
extern int b_global;

#endif
