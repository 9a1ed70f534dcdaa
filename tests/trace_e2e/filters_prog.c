/* SPDX-License-Identifier: MIT */
/* filters_prog: a known call structure for the record-time filters
 * (check_e2e.py filters). main calls, in order:
 *   keep_a() x3      each calls leaf() x2
 *   drop_b() x2      each calls leaf() x1
 *   lib_outer() x4   (libvpe2elib.so) each calls lib_inner() x2
 *   deep1() x1       deep1 -> deep2 -> deep3 -> deep4
 *   slow() x1        sleeps 30 ms;  fast() x5  returns at once
 *   start_here() x1  calls leaf() x1
 *   vitprof_trace_stop(); hidden() x3; vitprof_trace_start(); shown() x2
 */
#include <time.h>
#include "vitprof.h"
#include "e2e_lib.h"

volatile int sink;

__attribute__((noinline)) static void leaf(void) { sink++; }
__attribute__((noinline)) static void keep_a(void) { leaf(); leaf(); }
__attribute__((noinline)) static void drop_b(void) { leaf(); }
__attribute__((noinline)) static void deep4(void) { sink++; }
__attribute__((noinline)) static void deep3(void) { deep4(); }
__attribute__((noinline)) static void deep2(void) { deep3(); }
__attribute__((noinline)) static void deep1(void) { deep2(); }
__attribute__((noinline)) static void fast(void) { sink++; }
__attribute__((noinline)) static void slow(void)
{
	struct timespec ts = { 0, 30 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}
__attribute__((noinline)) static void start_here(void) { leaf(); }
__attribute__((noinline)) static void hidden(void) { sink++; }
__attribute__((noinline)) static void shown(void) { sink++; }

int main(void)
{
	int i;

	for (i = 0; i < 3; i++)
		keep_a();
	for (i = 0; i < 2; i++)
		drop_b();
	for (i = 0; i < 4; i++)
		sink += lib_outer(i);
	deep1();
	slow();
	for (i = 0; i < 5; i++)
		fast();
	start_here();
	vitprof_trace_stop();
	for (i = 0; i < 3; i++)
		hidden();
	vitprof_trace_start();
	for (i = 0; i < 2; i++)
		shown();
	return 0;
}
