/* SPDX-License-Identifier: MIT */
/* names test (C): GCC nested functions. Both outer functions define one
 * called `inner`; GCC names their symbols inner.0 and inner.1 while DWARF
 * calls both `inner`. */
#include <stdio.h>

static int sum_to(int n) // DEF:sum_to
{
	int acc = 0;
	int inner(int k) // DEF:inner_sum
	{
		acc += k;
		return acc;
	}
	for (int i = 0; i < n; i++)
		inner(i);
	return acc;
}

static int prod_to(int n) // DEF:prod_to
{
	int acc = 1;
	int inner(int k) // DEF:inner_prod
	{
		acc *= k;
		return acc;
	}
	for (int i = 1; i <= n; i++)
		inner(i);
	return acc;
}

int main(void) // DEF:main
{
	printf("%d %d\n", sum_to(6), prod_to(4));
	return 0;
}
