/* SPDX-License-Identifier: MIT */
/*
 * marksprog - the marks API of vitprof.h in known patterns, built with
 * -finstrument-functions (tests/marks/check_marks.py checks the profile):
 *   early       (constructor, not instrumented) scope "early" once, before
 *               the runtime started
 *   phase_loop  scope "phase" (tag "tagA") 7 times, leaf() inside each
 *   nested      scopes "outer" > "inner" > leaf(), 3 times
 *   sleepy      scope "sleepy" around nap() (a 30 ms sleep)
 *   guarded     VITPROF_SCOPE("guard"): 3 early returns, 2 through leaf2()
 *   lj_parent   lj_mid opens scope "ljscope", lj_deep longjmps to
 *               lj_parent, which then calls after()
 *   instants    vitprof_instant("tick") 5 times
 *   names       thread names "mainthr" and, in a thread, "worker-1"
 * It checks the return values and errno itself (exit 1 on a mismatch).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vitprof.h"

static volatile int sink;
static jmp_buf env;
static int failures;

#define EXPECT(cond)                                                          \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "marksprog: %s:%d: %s\n", __FILE__,   \
			        __LINE__, #cond);                             \
			failures++;                                           \
		}                                                             \
	} while (0)

__attribute__((constructor, no_instrument_function)) static void early(void)
{
	EXPECT(vitprof_scope_begin("early", NULL) == 0);
	EXPECT(vitprof_scope_end("early") == 0);
}

__attribute__((noinline)) static void leaf(void) { sink++; }
__attribute__((noinline)) static void leaf2(void) { sink += 2; }
__attribute__((noinline)) static void after(void) { sink += 3; }

__attribute__((noinline)) static void phase_loop(void)
{
	int i;

	for (i = 0; i < 7; i++) {
		errno = 1234;
		EXPECT(vitprof_scope_begin("phase", "tagA") == 0);
		EXPECT(errno == 1234);
		leaf();
		EXPECT(vitprof_scope_end("phase") == 0);
		EXPECT(errno == 1234);
	}
}

__attribute__((noinline)) static void nested(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		vitprof_scope_begin("outer", NULL);
		vitprof_scope_begin("inner", NULL);
		leaf();
		vitprof_scope_end("inner");
		vitprof_scope_end("outer");
	}
}

__attribute__((noinline)) static void nap(void)
{
	struct timespec ts = {0, 30 * 1000 * 1000};
	nanosleep(&ts, NULL);
}

__attribute__((noinline)) static void sleepy(void)
{
	vitprof_scope_begin("sleepy", NULL);
	nap();
	vitprof_scope_end("sleepy");
}

__attribute__((noinline)) static int guarded(int early_return)
{
	VITPROF_SCOPE("guard");
	if (early_return)
		return 1;
	leaf2();
	return 0;
}

__attribute__((noinline)) static void guard_loop(void)
{
	int i;

	for (i = 0; i < 5; i++)
		sink += guarded(i < 3);
	after();
}

__attribute__((noinline)) static void lj_deep(void)
{
	longjmp(env, 1);
}

__attribute__((noinline)) static void lj_mid(void)
{
	vitprof_scope_begin("ljscope", NULL);
	lj_deep();
	vitprof_scope_end("ljscope");    /* never reached */
}

__attribute__((noinline)) static void lj_parent(void)
{
	if (setjmp(env) == 0)
		lj_mid();
	after();
}

__attribute__((noinline)) static void instants(void)
{
	int i;

	for (i = 0; i < 5; i++)
		EXPECT(vitprof_instant("tick") == 0);
	EXPECT(vitprof_counter("level", 42) == 0);
}

static void *worker(void *arg)
{
	(void)arg;
	EXPECT(vitprof_thread_name("worker-1") == 0);
	leaf();
	return NULL;
}

__attribute__((noinline)) static void mismatched(void)
{
	const char *mode = getenv("VITPROF_MODE");
	int stacked = mode && (strcmp(mode, "time") == 0 || strncmp(mode, "context", 7) == 0);

	/* Only modes with a shadow stack know which scopes are open. */
	errno = 0;
	EXPECT(vitprof_scope_end("never-opened") == (stacked ? -1 : 0));
	EXPECT(vitprof_scope_begin(NULL, NULL) == -1 && errno == EINVAL);
}

int main(void)
{
	pthread_t t;

	EXPECT(vitprof_thread_name("mainthr") == 0);
	EXPECT(vitprof_thread_name("mainthr") == 0);   /* recorded once */
	phase_loop();
	nested();
	sleepy();
	guard_loop();
	lj_parent();
	instants();
	mismatched();
	EXPECT(vitprof_trace_stop() == 0 && vitprof_trace_start() == 0);
	if (pthread_create(&t, NULL, worker, NULL) == 0)
		pthread_join(t, NULL);
	return failures ? 1 : 0;
}
