/* SPDX-License-Identifier: MIT */
/*
 * trace_prog.c - programs of the trace_rt tests (check_trace_rt.py), built
 * with -finstrument-functions. Each case's call sequence is known by
 * construction; check_trace_rt.py rebuilds it and compares the events.
 *
 *   seq                 a fixed little call tree (expected_seq() there)
 *   loop N              main -> N x (step -> leaf, and every 4th step
 *                       -> odd -> leaf), then prints "done"
 *   forever             the loop without end (SIGKILL tests); prints
 *                       "ready" after the first 1000 steps
 *   threads T N         T threads named "w<i>", each: N x leaf
 *   longjmp R D         R x (catcher -> thrower -> D nested dive ->
 *                       longjmp to catcher), then after_jump
 *   signal N            N steps while SIGALRM (every 100 us) runs
 *                       handler -> sig_leaf
 *   deep N              recursion N deep (on a thread with a large stack)
 *   fork                fork; the child runs child_work and execs
 *                       "exec N" (itself) with execv; the parent waits
 *   exec N              N x leaf (the exec'd image)
 *   marks               (TRACE_RT_INTERNAL: linked with the static
 *                       runtime, calling rt_trace_mark/rt_trace_set)
 *                       instants, a counter, a tag, stop and start
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static volatile unsigned long sink;

NOINLINE void leaf(void)
{
	sink++;
}

NOINLINE void odd(void)
{
	leaf();
}

NOINLINE void step(unsigned long i)
{
	leaf();
	if (i % 4 == 0)
		odd();
}

NOINLINE void b(void)
{
	leaf();
}

NOINLINE void a(int n)
{
	int i;

	for (i = 0; i < n; i++)
		b();
}

NOINLINE unsigned rec(unsigned n)
{
	return n ? rec(n - 1) + 1 : 0;
}

static void case_seq(void)
{
	a(2);          /* a -> b -> leaf, twice */
	rec(3);        /* rec x 4 nested */
	a(0);
	leaf();
}

static void case_loop(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		step(i);
	printf("done\n");
}

static void case_forever(void)
{
	unsigned long i;

	for (i = 0;; i++) {
		step(i);
		if (i == 1000) {
			printf("ready\n");
			fflush(stdout);
		}
	}
}

struct worker {
	pthread_t t;
	int i;
	unsigned long n;
};

NOINLINE void *work(void *arg)
{
	struct worker *w = arg;
	char name[16];
	unsigned long i;

	snprintf(name, sizeof name, "w%d", w->i);
	pthread_setname_np(pthread_self(), name);
	for (i = 0; i < w->n; i++)
		leaf();
	return NULL;
}

static void case_threads(int t, unsigned long n)
{
	struct worker *w = calloc((size_t)t, sizeof *w);
	int i;

	for (i = 0; i < t; i++) {
		w[i].i = i;
		w[i].n = n;
		pthread_create(&w[i].t, NULL, work, &w[i]);
	}
	for (i = 0; i < t; i++)
		pthread_join(w[i].t, NULL);
	free(w);
	printf("joined %d\n", t);
}

static jmp_buf jb;

static volatile int jump = 1;

NOINLINE void dive(int d)
{
	if (d > 1)
		dive(d - 1);
	else if (jump)
		longjmp(jb, 1);
}

NOINLINE void thrower(int d)
{
	dive(d);
}

NOINLINE void catcher(int d)
{
	if (setjmp(jb) == 0)
		thrower(d);
}

NOINLINE void after_jump(void)
{
	leaf();
}

static void case_longjmp(int r, int d)
{
	int i;

	for (i = 0; i < r; i++) {
		catcher(d);
		after_jump();
	}
}

static volatile sig_atomic_t n_signals;

NOINLINE void sig_leaf(void)
{
	sink++;
}

NOINLINE void handler(int sig)
{
	(void)sig;
	n_signals++;
	sig_leaf();
}

static void case_signal(unsigned long n)
{
	struct itimerval it = {{0, 100}, {0, 100}};
	unsigned long i;

	signal(SIGALRM, handler);
	setitimer(ITIMER_REAL, &it, NULL);
	for (i = 0; i < n; i++)
		step(i);
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	printf("signals %d\n", (int)n_signals);
}

static void *deep_thread(void *arg)
{
	rec((unsigned)(unsigned long)arg);
	return NULL;
}

static void case_deep(unsigned long n)
{
	pthread_attr_t at;
	pthread_t t;

	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, (size_t)1 << 30);
	if (pthread_create(&t, &at, deep_thread, (void *)n) != 0) {
		perror("pthread_create");
		exit(2);
	}
	pthread_join(t, NULL);
	printf("deep %lu\n", n);
}

NOINLINE void child_work(void)
{
	leaf();
	leaf();
}

NOINLINE void forker(const char *self)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		char *argv[] = {(char *)self, "exec", "3", NULL};
		child_work();
		execv(self, argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	leaf();
	printf("child %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

#ifdef TRACE_RT_INTERNAL
#include <stdint.h>
/* rt/rt_internal.h's, hidden in the runtime but linked statically here. */
void rt_trace_mark(unsigned kind, uint32_t name_id, int64_t value);
void rt_trace_set(int on);

NOINLINE void tagged(void)
{
	rt_trace_mark(3, 9, 0);         /* VPR_TEV_TAG */
	leaf();
}

NOINLINE void stopper(void)
{
	rt_trace_set(0);
	leaf();                         /* not recorded */
}

static void case_marks(void)
{
	a(1);
	rt_trace_mark(1, 7, 0);         /* VPR_TEV_INSTANT */
	rt_trace_mark(2, 8, -5);        /* VPR_TEV_COUNTER */
	rt_trace_mark(2, 8, 1LL << 40);
	tagged();
	stopper();                      /* its EXIT is recorded */
	a(1);                           /* counted, not recorded */
	rt_trace_mark(1, 7, 0);         /* not recorded */
	rt_trace_set(1);
	leaf();
}
#endif

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 0) : 0;
	unsigned long m = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;

	if (strcmp(c, "seq") == 0)
		case_seq();
	else if (strcmp(c, "loop") == 0)
		case_loop(n);
	else if (strcmp(c, "forever") == 0)
		case_forever();
	else if (strcmp(c, "threads") == 0)
		case_threads((int)n, m);
	else if (strcmp(c, "longjmp") == 0)
		case_longjmp((int)n, (int)m);
	else if (strcmp(c, "signal") == 0)
		case_signal(n);
	else if (strcmp(c, "deep") == 0)
		case_deep(n);
	else if (strcmp(c, "fork") == 0)
		forker(argv[0]);
#ifdef TRACE_RT_INTERNAL
	else if (strcmp(c, "marks") == 0)
		case_marks();
#endif
	else if (strcmp(c, "exec") == 0)
		while (n--)
			leaf();
	else
		return 2;
	return 0;
}
