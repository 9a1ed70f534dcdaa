/* SPDX-License-Identifier: MIT */
/*
 * cgprog.c - e2e sample compared with callgrind (built with -O2 -fno-inline):
 * recursion, mutual recursion, calls through function pointers, a qsort()
 * comparator (called from inside libc), static functions and loops.
 *   cgprog [N]   N scales the work (default 40)
 * Every function defined here is listed in check_callgrind.py.
 */
#include <stdio.h>
#include <stdlib.h>

static volatile long sink;

long ackermann(long m, long n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

static int ping(int n);

static int pong(int n)
{
	return n <= 0 ? 0 : 1 + ping(n - 1);
}

static int ping(int n)
{
	return n <= 0 ? 0 : 2 + pong(n - 1);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

long shape_circle(long r)
{
	return 3 * r * r;
}

long shape_square(long r)
{
	return r * r;
}

long shape_line(long r)
{
	return r;
}

static long (*const shapes[3])(long) = { shape_circle, shape_square, shape_line };

long area_sum(long n)
{
	long i, s = 0;

	for (i = 0; i < n; i++)
		s += shapes[(i + i / 5) % 3](i);
	return s;
}

static unsigned long lcg(unsigned long *state)
{
	*state = *state * 6364136223846793005ul + 1442695040888963407ul;
	return *state >> 33;
}

void sort_some(long n)
{
	long *v = malloc((size_t)n * sizeof *v);
	unsigned long st = 12345;
	long i;

	if (!v)
		exit(2);
	for (i = 0; i < n; i++)
		v[i] = (long)(lcg(&st) % 1000);
	qsort(v, (size_t)n, sizeof *v, cmp_long);
	sink += v[n / 2];
	free(v);
}

static long collatz_len(long x)
{
	long len = 1;

	while (x != 1) {
		x = (x & 1) ? 3 * x + 1 : x / 2;
		len++;
	}
	return len;
}

long collatz_max(long n)
{
	long i, best = 0;

	for (i = 1; i <= n; i++) {
		long l = collatz_len(i);
		if (l > best)
			best = l;
	}
	return best;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 40;

	sink += ackermann(2, n / 4);
	sink += ping((int)n * 3);
	sink += pong((int)n);
	sink += area_sum(n * 50);
	sort_some(n * 20);
	sink += collatz_max(n * 10);
	printf("sink=%ld\n", sink);
	return 0;
}
