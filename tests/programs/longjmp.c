/* SPDX-License-Identifier: MIT */
/*
 * longjmp.c - e2e sample (run in time mode): longjmp out of nested
 * instrumented calls, over and over.
 *   longjmp RA RB D
 *     A: catcher() is called RA times (default 200); each time it runs three
 *        rounds of setjmp + thrower_a(D), where thrower_a -> leaf_a(D) ->
 *        ... -> leaf_a(0) longjmps back into catcher, which then calls
 *        after_catch(). catcher returns normally afterwards.
 *     B: main itself runs RB rounds (default 50) of setjmp + thrower_b(D) ->
 *        leaf_b(D) .. leaf_b(0) -> longjmp back into main, then after_catch().
 *        The skipped frames are closed at the next call (after_catch), which
 *        the runtime sees is not deeper than them.
 *     Then measured() sleeps 30 ms (printing the time it measured itself as
 *     sleep_ns) and tail_work() calls tail_leaf() 1000 times.
 *   D defaults to 8 (leaf_* is entered D + 1 times per round).
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static jmp_buf env_a, env_b;
static volatile long sink;

void leaf_a(int d)
{
	if (d > 0)
		leaf_a(d - 1);
	else if (d == 0)
		longjmp(env_a, 1);
	sink++;
}

void thrower_a(int d)
{
	leaf_a(d);
	sink++;
}

void leaf_b(int d)
{
	if (d > 0)
		leaf_b(d - 1);
	else if (d == 0)
		longjmp(env_b, 1);
	sink++;
}

void thrower_b(int d)
{
	leaf_b(d);
	sink++;
}

void after_catch(void)
{
	sink += 2;
}

void catcher(int d)
{
	volatile int round;

	for (round = 0; round < 3; round++) {
		if (setjmp(env_a) == 0)
			thrower_a(d);
		else
			after_catch();
	}
}

static long long sleep_ns;    /* measured's own measure of its sleep */

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ll + t.tv_nsec;
}

void measured(void)
{
	struct timespec ts = { 0, 30 * 1000 * 1000 };
	long long t0 = now_ns();

	while (nanosleep(&ts, &ts) != 0)
		;
	sleep_ns = now_ns() - t0;
}

void tail_leaf(long i)
{
	sink += i;
}

void tail_work(void)
{
	long i;

	for (i = 0; i < 1000; i++)
		tail_leaf(i);
}

int main(int argc, char **argv)
{
	int ra = argc > 1 ? atoi(argv[1]) : 200;
	int rb = argc > 2 ? atoi(argv[2]) : 50;
	int d = argc > 3 ? atoi(argv[3]) : 8;
	volatile int i;

	for (i = 0; i < ra; i++)
		catcher(d);
	for (i = 0; i < rb; i++) {
		if (setjmp(env_b) == 0)
			thrower_b(d);
		else
			after_catch();
	}
	measured();
	tail_work();
	printf("sink=%ld\nsleep_ns=%lld\n", sink, sleep_ns);
	return 0;
}
