/* SPDX-License-Identifier: MIT */
/* branches.c - if/else chains, switch with fall-through and default, && and
 * ||, goto, early return, the conditional operator: gcov's line counts and
 * branch lists are compared with vitprof's (check_gcov.py). */
#include <stdio.h>
#include <stdlib.h>

static int classify(int x)
{
	if (x < 0)
		return -1;              /* early return */
	else if (x == 0)
		return 0;
	else if (x < 10)
		return 1;
	else
		return 2;
}

static int sw(int x)
{
	int r = 0;

	switch (x % 7) {
	case 0:
		r += 1;
		/* fall through */
	case 1:
		r += 2;
		break;
	case 2:
	case 3:
		r += 3;
		/* fall through */
	case 4:
		r += 4;
		break;
	default:
		r -= 1;
	}
	return r;
}

static int logic(int a, int b, int c)
{
	int r = 0;

	if (a && b)
		r |= 1;
	if (a || c)
		r |= 2;
	if ((a && !b) || (c && a > b))
		r |= 4;
	r += a > b ? a : b;
	return r;
}

static int with_goto(int n)
{
	int i = 0, s = 0;
again:
	s += i;
	if (++i < n)
		goto again;
	if (s > 100)
		goto out;
	s *= 2;
out:
	return s;
}

static int find(const int *v, int n, int key)
{
	for (int i = 0; i < n; i++)
		if (v[i] == key)
			return i;       /* early return from a loop */
	return -1;
}

/* Two functions starting on one line: gcov's "group" functions, whose
 * lines it keeps apart. */
#define MAKE_MAX(n) static int max##n(int x) { if (x > n) return x; return n; }
MAKE_MAX(1) MAKE_MAX(5)

int main(int argc, char **argv)
{
	int v[] = {5, 3, 9, 1, 7}, acc = 0;

	for (int i = -3; i < 20; i++) {
		acc += classify(i);
		acc += sw(i);
		acc += logic(i & 1, i & 2, i & 4);
	}
	acc += with_goto(5) + with_goto(30);
	acc += find(v, 5, 9) + find(v, 5, 4);
	for (int i = 0; i < 8; i++)
		acc += max1(i) + max5(i) * (i & 1 ? max1(-i) : 1);
	if (argc > 5) acc = 0; else acc++;
	printf("%d\n", acc);
	return acc == 12345 ? EXIT_FAILURE : EXIT_SUCCESS;
}
