/* SPDX-License-Identifier: MIT */
/*
 * branchy.c - a branch-heavy workload for the arc-counter benchmark
 * (bench/arcs.py): Collatz trajectories (data-dependent if/else in a
 * while loop), a switch-driven tokenizer state machine, and insertion
 * sort of pseudo-random arrays. Small functions, many conditional
 * branches per instruction: the worst case for edge counters.
 *
 *   branchy [SCALE]   prints a checksum (the same for every build)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t collatz_steps(uint64_t n)
{
	uint64_t steps = 0;

	while (n != 1) {
		if (n & 1)
			n = 3 * n + 1;
		else
			n >>= 1;
		steps++;
	}
	return steps;
}

enum state { SPACE, WORD, NUMBER, PUNCT };

static unsigned tokens(const unsigned char *s, size_t n)
{
	enum state st = SPACE;
	unsigned count = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		enum state next;

		if (c == ' ' || c == '\n')
			next = SPACE;
		else if (c >= '0' && c <= '9')
			next = st == WORD ? WORD : NUMBER;
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
			next = WORD;
		else
			next = PUNCT;
		switch (next) {
		case SPACE:
			break;
		case WORD:
		case NUMBER:
			if (st != next)
				count++;
			break;
		case PUNCT:
			count++;
			break;
		}
		st = next;
	}
	return count;
}

static void insertion_sort(uint32_t *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static uint32_t rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

int main(int argc, char **argv)
{
	static const char alphabet[] = "abc xyz_09 (+) ;\nQ7";
	int scale = argc > 1 ? atoi(argv[1]) : 1;
	unsigned char text[4096];
	uint32_t v[256], seed = 12345;
	uint64_t sum = 0;
	int r;
	size_t i;

	for (r = 0; r < scale; r++) {
		for (i = 1; i < 60000; i++)
			sum += collatz_steps(i);
		for (i = 0; i < sizeof text; i++)
			text[i] = (unsigned char)alphabet[rng(&seed) % (sizeof alphabet - 1)];
		for (i = 0; i < 100; i++)
			sum += tokens(text, sizeof text);
		for (i = 0; i < 40; i++) {
			size_t k;
			for (k = 0; k < 256; k++)
				v[k] = rng(&seed);
			insertion_sort(v, 256);
			sum += v[i];
		}
	}
	printf("%llu\n", (unsigned long long)sum);
	return 0;
}
