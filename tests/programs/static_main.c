/* SPDX-License-Identifier: MIT */
/*
 * static_main.c - e2e sample: two translation units (static_a.c,
 * static_b.c) each with its own `static int helper()`.
 *   static_same_name [A [B]]   a_entry(A) (default 123), b_entry(B) (4567)
 */
#include <stdio.h>
#include <stdlib.h>

int a_entry(int n);
int b_entry(int n);

int main(int argc, char **argv)
{
	int a = argc > 1 ? atoi(argv[1]) : 123;
	int b = argc > 2 ? atoi(argv[2]) : 4567;

	printf("%d %d\n", a_entry(a), b_entry(b));
	return 0;
}
