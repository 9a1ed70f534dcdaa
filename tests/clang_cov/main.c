/* SPDX-License-Identifier: MIT */
/* clang --coverage sample, first unit: loops, a switch, early returns.
 * Run with an argument "spin" it loops until killed (the SIGKILL test). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clang_cov.h"

static int classify(int x)
{
	if (x < 0)
		return -1;
	if (x == 0)
		return 0;
	switch (x % 5) {
	case 0:
		return 10;
	case 1:
	case 2:
		x += 3;
		/* fall through */
	case 3:
		x *= 2;
		break;
	default:
		break;
	}
	return x > 20 ? 2 : 1;
}

int main(int argc, char **argv)
{
	long total = 0;
	int i, j;

	if (argc > 1 && strcmp(argv[1], "spin") == 0) {
		for (i = 0;; i++) {
			total += classify(i % 41 - 3) + scan(i % 7);
			if (i == 1000) {
				/* The SIGKILL test waits for this file. */
				FILE *f = fopen(argv[2], "w");
				if (f)
					fclose(f);
			}
			if (i > 1000)
				usleep(1000);
		}
	}
	for (i = -3; i < 37; i++)
		total += classify(i);
	for (i = 0; i < 12; i++)
		for (j = 0; j < i; j++) {
			if ((i + j) % 3 == 0)
				continue;
			total += scan(j);
			if (total > 100000)
				break;
		}
	total += argc > 2 ? scan(argc) : 0;
	printf("%ld\n", total);
	return 0;
}
