/* SPDX-License-Identifier: MIT */
/* pgo_work.c - the branches of the training program (pgo_main.c). */
#include "pgo.h"

static int classify(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return 1;
	if (c >= 'A' && c <= 'Z')
		return 2;
	if (c >= '0' && c <= '9')
		return 3;
	if (c == ' ' || c == '\n' || c == '\t')
		return 0;
	return 4;
}

unsigned long pgo_scan(const char *s, size_t n)
{
	unsigned long words = 0, upper = 0, digits = 0, other = 0;
	int prev = 0;

	for (size_t i = 0; i < n; i++) {
		int k = classify((unsigned char)s[i]);

		switch (k) {
		case 1:
			if (prev == 0)
				words++;
			break;
		case 2:
			upper++;
			if (prev == 0)
				words++;
			break;
		case 3:
			digits++;
			break;
		case 4:
			other++;
			break;
		default:
			break;
		}
		prev = k;
	}
	return words * 3 + upper * 5 + digits * 7 + other * 11;
}

unsigned long pgo_unused(unsigned long x)
{
	return x % 3 ? x * 5 : x / 3;
}

unsigned long pgo_numbers(unsigned long seed, unsigned n)
{
	unsigned long acc = 0, x = seed;

	for (unsigned i = 0; i < n; i++) {
		x = x * 6364136223846793005ul + 1442695040888963407ul;
		if ((x >> 60) == 0)
			acc += pgo_unused(x);
		else if ((x >> 33) & 1)
			acc += x >> 40;
		else
			acc ^= x >> 20;
	}
	return acc;
}

/* Never called in training (empty input): its counters stay zero, which
 * libgcov writes as a negative length and no payload. */
unsigned long pgo_cold(const char *why)
{
	unsigned long h = 5381;

	while (*why)
		h = h * 33 + (unsigned char)*why++;
	return h & 1 ? 3 : 4;
}
