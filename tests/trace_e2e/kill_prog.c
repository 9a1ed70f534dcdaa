/* SPDX-License-Identifier: MIT */
/* kill_prog: runs until killed (check_e2e.py kill). main calls step()
 * forever; step(i) calls a() then b() (which calls c()), and every 50th
 * step also nap() (1 ms asleep): about 200 events per ms. */
#include <time.h>

volatile int sink;

__attribute__((noinline)) static void a(void) { sink++; }
__attribute__((noinline)) static void c(void) { sink++; }
__attribute__((noinline)) static void b(void) { c(); }
__attribute__((noinline)) static void nap(void)
{
	struct timespec ts = { 0, 1000 * 1000 };
	nanosleep(&ts, NULL);
}
__attribute__((noinline)) static void step(unsigned long i)
{
	a();
	b();
	if (i % 50 == 49)
		nap();
}

int main(void)
{
	for (unsigned long i = 0;; i++)
		step(i);
}
