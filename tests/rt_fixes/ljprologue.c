/* SPDX-License-Identifier: MIT */
/*
 * ljprologue.c - a longjmp out of one callee, then a call with a deeper,
 * equal or shallower prologue (issue 12, item 2).
 *   ljprologue bigger|equal|smaller
 * main calls jumper_X, which longjmps back into main; main then calls
 * worker_X, which calls leaf() (sleeps 20 ms). The frames of the two
 * callees differ only by a 64-byte local array:
 *   bigger:  worker_bigger has the array, jumper_bigger has none
 *   equal:   neither has one (the hooks run at equal stack addresses)
 *   smaller: jumper_smaller has it, worker_smaller has none
 * The truth by construction: main -> jumper_X (1 call, microseconds),
 * main -> worker_X -> leaf (>= 20 ms each), never jumper_X -> worker_X.
 */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NOINLINE __attribute__((noinline))

static jmp_buf env;
static volatile int sink;

NOINLINE void leaf(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	while (nanosleep(&ts, &ts) != 0)
		;
	sink++;
}

NOINLINE void jumper_bigger(void) { longjmp(env, 1); }
NOINLINE void worker_bigger(void)
{
	volatile char buf[64];

	buf[0] = (char)sink;
	leaf();
	buf[63] = buf[0];
	sink += buf[63];
}

NOINLINE void jumper_equal(void) { longjmp(env, 1); }
NOINLINE void worker_equal(void) { leaf(); sink++; }

NOINLINE void jumper_smaller(void)
{
	volatile char buf[64];

	buf[0] = (char)sink;
	buf[63] = buf[0];
	if (buf[63] >= 0 || buf[63] < 0)
		longjmp(env, 1);
}
NOINLINE void worker_smaller(void) { leaf(); sink++; }

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "bigger";
	void (*volatile jumper)(void), (*volatile worker)(void);

	if (strcmp(c, "bigger") == 0) {
		jumper = jumper_bigger;
		worker = worker_bigger;
	} else if (strcmp(c, "equal") == 0) {
		jumper = jumper_equal;
		worker = worker_equal;
	} else if (strcmp(c, "smaller") == 0) {
		jumper = jumper_smaller;
		worker = worker_smaller;
	} else {
		fprintf(stderr, "usage: ljprologue bigger|equal|smaller\n");
		return 2;
	}
	if (setjmp(env) == 0)
		jumper();
	worker();
	printf("sink=%d\n", sink);
	return 0;
}
