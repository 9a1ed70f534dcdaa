/* SPDX-License-Identifier: MIT */
/*
 * exitpaths.c - e2e sample: the two ways a program ends.
 *   exitpaths exit N     level1 -> level2 -> ... -> level5, which calls
 *                        exit(7) after count_me() has run N times at every
 *                        level on the way down.
 *   exitpaths return N   the same descent, returning normally; main
 *                        returns 3.
 * In both, an atexit handler calls in_atexit() 5 times; main calls
 * count_me() N times first. N defaults to 100.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long sink;
static int do_exit;
static long n_calls = 100;

void count_me(long i)
{
	sink += i;
}

void in_atexit(int i)
{
	sink += i;
}

static void at_exit_handler(void)
{
	int i;

	for (i = 0; i < 5; i++)
		in_atexit(i);
	printf("atexit sink=%ld\n", sink);
}

static void loop(void)
{
	long i;

	for (i = 0; i < n_calls; i++)
		count_me(i);
}

void level5(void)
{
	loop();
	if (do_exit) {
		printf("exiting from level5\n");
		exit(7);
	}
}

void level4(void) { loop(); level5(); }
void level3(void) { loop(); level4(); }
void level2(void) { loop(); level3(); }
void level1(void) { loop(); level2(); }

int main(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "exit") != 0 && strcmp(argv[1], "return") != 0)) {
		fprintf(stderr, "usage: exitpaths exit|return [N]\n");
		return 2;
	}
	do_exit = strcmp(argv[1], "exit") == 0;
	if (argc > 2)
		n_calls = atol(argv[2]);
	atexit(at_exit_handler);
	loop();
	level1();
	printf("returning from main\n");
	return 3;
}
