/* SPDX-License-Identifier: MIT */
/*
 * ctxdeep.c - a recursion DEPTH levels deep, as an interpreter makes one
 * (bench/ctx_depth.py): each level of eval() calls HELPERS distinct leaf
 * functions, then call_fn(), which calls eval() one level deeper. In
 * context mode every level is a new calling context for eval, call_fn and
 * each helper: 2 + HELPERS nodes per level, one path each.
 *
 *   ctxdeep DEPTH HELPERS(0..4)
 */
#include <stdlib.h>

volatile int sink;

__attribute__((noinline)) static void h0(void) { sink++; }
__attribute__((noinline)) static void h1(void) { sink++; }
__attribute__((noinline)) static void h2(void) { sink++; }
__attribute__((noinline)) static void h3(void) { sink++; }

static int helpers;
static void eval(int d);

__attribute__((noinline)) static void call_fn(int d) { eval(d); }

__attribute__((noinline)) static void eval(int d)
{
	if (helpers > 0) h0();
	if (helpers > 1) h1();
	if (helpers > 2) h2();
	if (helpers > 3) h3();
	if (d > 1)
		call_fn(d - 1);
}

int main(int argc, char **argv)
{
	int depth = argc > 1 ? atoi(argv[1]) : 1000;

	helpers = argc > 2 ? atoi(argv[2]) : 0;
	eval(depth);
	return 0;
}
