// SPDX-License-Identifier: MIT
#include <cstdio>
#include <cstdlib>
#include "comdat.h"

int unit_b(int n)
{
	int m = 0;
	for (int i = n; i > 1; i = shared_step(i))
		m = shared_max(m, i);
	return m;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? std::atoi(argv[1]) : 100;
	std::printf("%d %d\n", unit_a(n), unit_b(n));
	return 0;
}
