/* SPDX-License-Identifier: MIT */
/*
 * A high-resolution timer fires every 20 us while the main loop makes calls;
 * the handler calls an instrumented function. Signals often land inside a
 * hook: those handler calls must be counted as lost, all others counted,
 * and the program's own counts stay exact. Prints "handled N".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile sig_atomic_t handled;
static volatile long sink;

__attribute__((noinline)) void in_handler(void)
{
	sink++;
}

static void on_prof(int sig)
{
	(void)sig;
	handled++;
	in_handler();
}

__attribute__((noinline)) long work(long x)
{
	return x * 3 + 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000000, i, s = 0;
	struct sigaction sa;
	struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM};
	struct itimerspec it = {{0, 20000}, {0, 20000}}, off = {{0, 0}, {0, 0}};
	timer_t timer;

	sa.sa_handler = on_prof;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0)
		return 2;
	timer_settime(timer, 0, &it, NULL);
	for (i = 0; i < n; i++)
		s += work(i);
	timer_settime(timer, 0, &off, NULL);
	printf("handled %d\n", (int)handled);
	return s == 0;
}
