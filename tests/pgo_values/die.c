/* SPDX-License-Identifier: MIT */
/* die.c - not instrumented: libgcov's __gcov_dump() (under vitprof's
 * runtime: nothing to do, the counters are the mapped file), then SIGKILL.
 * values.c "k" calls it, so no instrumented code runs between the dump and
 * the kill and both runtimes' profiles stand for the same instant. */
#include <signal.h>

void __gcov_dump(void);

void die_now(void)
{
	__gcov_dump();
	raise(SIGKILL);
}
