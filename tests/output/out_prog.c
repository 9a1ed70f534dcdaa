/* SPDX-License-Identifier: MIT */
/*
 * out_prog.c - the program of the output tests (check_output.py), built
 * with -g -O0 -finstrument-functions. Known by construction:
 *
 *   main -> hot      HOT_CALLS calls
 *   main -> cold     1 call
 *   main -> twice    1 call; twice -> leaf twice, from two call sites on
 *                    one line (told apart by their columns)
 *   main -> rec      1 call; rec -> rec, argv[1] frames deep (default 300)
 *   main -> odd      1 call; odd is defined under a #line whose file name
 *                    holds terminal escape sequences
 *   main -> rel      1 call; rel is defined under a #line whose relative
 *                    file name has "." and ".." segments
 */
#include <stdlib.h>

#define HOT_CALLS 10000

volatile int sink;

__attribute__((noinline)) static void hot(void) { sink++; }
__attribute__((noinline)) static void cold(void) { sink--; }
__attribute__((noinline)) static int leaf(int x) { return x + sink; }
__attribute__((noinline)) static int twice(int x) { return leaf(x) * leaf(x + 1); } /* line 23 */
__attribute__((noinline)) static int rec(int d) { return d > 1 ? rec(d - 1) + 1 : 1; }
int odd(int x);
int rel(int x);

int main(int argc, char **argv)
{
	int depth = argc > 1 ? atoi(argv[1]) : 300, i;

	for (i = 0; i < HOT_CALLS; i++)
		hot();
	cold();
	sink += twice(3);
	sink += rec(depth);
	sink += odd(2);
	sink += rel(3);
	return 0;
}

#line 7 "odd\033]0;pwned\007\033[2J.c"
int odd(int x) { return 2 * x; }

#line 50 "./sub/../relpath.c"
int rel(int x) { return 3 * x; }
