/* SPDX-License-Identifier: MIT */
/*
 * pgo_main.c - the training program of the .gcda tests (check_gcda.py):
 * reads a word list (the training input) and classifies every word and
 * number many times over; branch-heavy and deterministic.
 *
 *   pgo INPUT [ROUNDS]   prints a checksum
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgo.h"

int main(int argc, char **argv)
{
	static char text[1 << 16];
	unsigned long rounds = argc > 2 ? strtoul(argv[2], NULL, 10) : 20;
	unsigned long long sum = 0;
	size_t n;
	FILE *f;

	if (argc < 2 || !(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: pgo INPUT [ROUNDS]\n");
		return 2;
	}
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	if (n == 0)
		return (int)pgo_cold(argv[1]);   /* never in training: zero counts */
	for (unsigned long r = 0; r < rounds; r++) {
		sum += pgo_scan(text, n);
		sum += pgo_numbers(r * 7919u + 1, 2000);
	}
	printf("%llu\n", sum);
	return 0;
}
