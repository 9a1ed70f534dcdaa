/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int lib_twice(int x);

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10, i, s = 0;

	for (i = 0; i < n; i++)
		s += lib_twice(i);
	printf("%d %.3f\n", s, cos(n));
	return 0;
}
