/* SPDX-License-Identifier: MIT */
/*
 * branchy.c - every kind of control flow gcov tells apart, for the
 * arc-counter end-to-end test (tests/e2e/check_arcs.py): if/else chains,
 * switch with fall-through and default, && and ||, goto, early return,
 * nested loops with break and continue, do/while, a loop on one line,
 * setjmp/longjmp, and exit(), which never returns.
 *
 * Loop counts known by construction (N = argv[1], default 1000):
 *   sum_to(k) for k = 0..9:   entries 10, iterations 0+1+...+9 = 45
 *   grid(4, 5) called 3 times: outer entries 3, iterations 12;
 *                              inner entries 12, iterations 60
 *   countdown(): do/while, entries 1, iterations 9 (10 passes)
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf env;
static volatile int sink;

static int classify(int x)
{
	if (x < 0)
		return -1;
	else if (x == 0)
		return 0;
	else if (x < 10)
		sink++;
	else
		sink += 2;
	return 1;
}

static int pick(int x)
{
	switch (x % 5) {
	case 0:
		sink++;
		/* fall through */
	case 1:
		sink++;
		break;
	case 2:
		return 2;
	default:
		sink--;
	}
	return 0;
}

static int logic(int a, int b, int c)
{
	if ((a && b) || c)
		return 1;
	return 0;
}

static int search(const int *v, int n, int key)
{
	int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			if (j == i)
				continue;
			if (v[i] + v[j] == key)
				goto found;
			if (v[j] > key)
				break;
		}
	}
	return -1;
found:
	return i;
}

static int sum_to(int k)
{
	int s = 0, i;

	for (i = 0; i < k; i++)
		s += i;
	return s;
}

static int grid(int rows, int cols)
{
	int r, c, s = 0;

	for (r = 0; r < rows; r++)
		for (c = 0; c < cols; c++)
			s += r * c;
	return s;
}

static int countdown(void)
{
	int k = 10, passes = 0;

	do {
		passes++;
	} while (--k > 0);
	return passes;
}

static int one_line(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }

static void jumper(int k)
{
	if (k % 3 == 0)
		longjmp(env, k + 1);
	sink++;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	int v[8] = {1, 2, 3, 4, 5, 6, 7, 100};
	volatile int i, total = 0;

	for (i = -3; i < n; i++) {
		total += classify(i);
		total += pick(i);
		total += logic(i & 1, i & 2, i & 4);
	}
	for (i = 0; i < 10; i++)
		total += sum_to(i);
	for (i = 0; i < 3; i++)
		total += grid(4, 5);
	total += countdown();
	total += one_line(n);
	for (i = 0; i < 30; i++)
		total += search(v, 8, i);
	for (i = 0; i < 12; i++) {
		if (setjmp(env) == 0)
			jumper(i);
		else
			total++;
	}
	printf("total %d sink %d\n", total, sink);
	fflush(stdout);
	exit(total == 0);
}
