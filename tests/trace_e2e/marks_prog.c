/* SPDX-License-Identifier: MIT */
/* marks_prog: the marks API in trace mode (check_e2e.py marks). The main
 * thread names itself "e2e-main" (vitprof_thread_name), opens scope
 * "phase" tagged "big" around work() (which calls leaf() twice), records
 * instant "checkpoint" and counter "queue" = 1 inside it, then calls
 * blockfn() twice (each a VITPROF_SCOPE("block") around leaf()) with
 * counter "queue" = 2 and 3 after them. A worker thread names itself
 * "e2e-worker" with pthread_setname_np, opens scope "wscope" (no tag)
 * around three leaf() calls and records instant "wdone". */
#define _GNU_SOURCE
#include <pthread.h>
#include "vitprof.h"

volatile int sink;

__attribute__((noinline)) static void leaf(void) { sink++; }
__attribute__((noinline)) static void work(void) { leaf(); leaf(); }
__attribute__((noinline)) static void blockfn(void)
{
	VITPROF_SCOPE("block");
	leaf();
}

__attribute__((noinline)) static void *worker(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "e2e-worker");
	vitprof_scope_begin("wscope", NULL);
	leaf();
	leaf();
	leaf();
	vitprof_scope_end("wscope");
	vitprof_instant("wdone");
	return NULL;
}

int main(void)
{
	pthread_t t;

	vitprof_thread_name("e2e-main");
	vitprof_scope_begin("phase", "big");
	work();
	vitprof_instant("checkpoint");
	vitprof_counter("queue", 1);
	vitprof_scope_end("phase");
	blockfn();
	vitprof_counter("queue", 2);
	blockfn();
	vitprof_counter("queue", 3);
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 1;
	pthread_join(t, NULL);
	return 0;
}
