/* SPDX-License-Identifier: MIT */
/* overflow.coverage: main calls step() n times here, and run_b() calls it
 * n times in the other object. */
#include <stdio.h>
#include <stdlib.h>
#include "covsum.h"
unsigned run_b(unsigned n);
int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 1000, s = 0;
	for (unsigned i = 0; i < n; i++)
		s += step(i);
	s += run_b(n);
	printf("%u\n", s);
	return 0;
}
