/* SPDX-License-Identifier: MIT */
/* loops.c - loops with trip counts known by construction. A comment
 * "LOOP(entries, iterations)" on the line gcov attaches a loop's header to
 * gives the values vitprof must find at -O0; check_gcov.py also compares
 * every line and branch with gcov. */
#include <stdio.h>

volatile int sink;

static int counted(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)     /* LOOP(3, 30) */
		s += i;
	return s;
}

static int one_line(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++) s += i; /* LOOP(2, 12) */
	return s;
}

static int nested(int n, int m)
{
	int s = 0;

	for (int i = 0; i < n; i++) {           /* LOOP(1, 6) */
		if (i == 4)
			continue;
		for (int j = 0; j < m; j++) {   /* LOOP(5, 15) */
			if (j == 3)
				break;
			s += i * j;
		}
	}
	return s;
}

static int dowhile(int n)
{
	int s = 0, i = 0;

	do {
		s += i;
	} while (++i < n);      /* LOOP(2, 7) */
	return s;
}

static int whiles(int n)
{
	int s = 0;

	while (n > 0) {         /* LOOP(1, 8) */
		s += n;
		n -= 1;
	}
	return s;
}

int main(void)
{
	int acc = 0;

	for (int k = 0; k < 3; k++)     /* LOOP(1, 3) */
		acc += counted(10);
	acc += one_line(5) + one_line(7);
	acc += nested(6, 4);
	acc += dowhile(3) + dowhile(6);
	acc += whiles(8);
	for (int a = 0; a < 3; a++) for (int b = 0; b < 4; b++) sink = a + b; /* LOOP(1, 3) LOOP(3, 12) */
	printf("%d\n", acc);
	return 0;
}
