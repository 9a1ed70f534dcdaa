/* SPDX-License-Identifier: MIT */
/*
 * recprog.c - counts known by construction for the context-mode merge and
 * the overlap tests (tests/merge_ctx/check_merge_ctx.py simulates it):
 * main calls rec(4, w) for w = 0 .. N-1 (N = argv[1], default 16); rec
 * calls itself from two sites, site A when bit 0 of w is set, site B
 * otherwise, shifting w each level; then main calls leaf from two sites,
 * 3 and 5 times. With w = 0 first, every calling-context path of rec is
 * first reached through site B: a context profile's first-call site is
 * not the per-site truth. The SITE_* comments mark the call sites' lines.
 */
#include <stdlib.h>

#define NOINLINE __attribute__((noinline))

volatile int sink;

NOINLINE void leaf(void)
{
	sink++;
}

NOINLINE int rec(int depth, unsigned w)
{
	if (depth == 0)
		return 0;
	if (w & 1u)
		return rec(depth - 1, w >> 1) + 1;     /* SITE_A */
	return rec(depth - 1, w >> 1) + 2;         /* SITE_B */
}

int main(int argc, char **argv)
{
	unsigned w, n = argc > 1 ? (unsigned)atoi(argv[1]) : 16u;
	int i;

	for (w = 0; w < n; w++)
		sink += rec(4, w);                     /* SITE_MAIN_REC */
	for (i = 0; i < 3; i++)
		leaf();                                /* SITE_LEAF3 */
	for (i = 0; i < 5; i++)
		leaf();                                /* SITE_LEAF5 */
	return 0;
}
