/* SPDX-License-Identifier: MIT */
/*
 * values.c - every counter kind GCC's -fprofile-generate emits, with the
 * values each site sees known by construction (argv[1] chooses a variant,
 * so that two runs merge different lists):
 *   interval, pow2  unsigned division and modulo by a variable
 *   topn            divisions by variables (more than 32 distinct divisors
 *                   at one site, so lists fill and values are replaced), a
 *                   variable-size memcpy/memset
 *   indirect_call   calls through a table of function pointers, one target
 *                   hot, and calls into a shared library (libvals.so)
 *   average, ior    the string operations' sizes and alignments
 *   time_profiler   the order of first calls (the library's own clock)
 * Modes (argv[1], one letter so that every mode leaves the stack alike):
 * "a", "b" (other values), "k" (as "a", then die_now(): die.c, not
 * instrumented, calls libgcov's __gcov_dump() and SIGKILLs the process, so
 * libgcov has written its .gcda and vitprof's counters are in the mapped
 * file, both for the same instant), "f" (as "a" in a child, then "b" in
 * the parent), "t" (as "a" then "b" in two threads one after the other),
 * "d" (as "a", then dlopen libdlmod, call, dlclose, twice), "e" (as "a",
 * then exec itself as "b"). The string
 * operations' buffers are at a fixed address, so the alignments profiled
 * are the same under any runtime and in any thread; with ASLR off
 * (setarch -R) the rest is too.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int lib_work(int n);                 /* libvals.so */
void die_now(void);                  /* die.c */
int lib_apply(int (*fn)(int), int x);

typedef int (*op_fn)(int);
__attribute__((noinline)) static int inc(int x) { return x + 1; }
__attribute__((noinline)) static int dbl(int x) { return x * 2; }
__attribute__((noinline)) static int neg(int x) { return -x; }
static op_fn table[3] = {inc, dbl, neg};

volatile long sink;

__attribute__((noinline)) long divide(long a, long b) { return a / b + a % b; }
__attribute__((noinline)) unsigned long udivide(unsigned long a, unsigned long b)
{
	return a / b + a % b;
}
__attribute__((noinline)) int classify(int k)
{
	switch (k) {
	case 0: return 3;
	case 1: return 7;
	case 2: return 11;
	case 3: return 13;
	default: return 1;
	}
}
__attribute__((noinline)) void copy(char *d, const char *s, size_t n)
{
	memcpy(d, s, n);
	memset(d + n, 0, n);
}
__attribute__((noinline)) int call(int i, int x) { return table[i](x); }
/* Sites where one value dominates: what -fprofile-use specializes. */
__attribute__((noinline)) long divide_hot(long a, long b) { return a / b; }
__attribute__((noinline)) void copy_hot(char *d, const char *s, size_t n)
{
	memcpy(d, s, n);
}

#define FIXED_AREA ((void *)0x400000000000ul)
static char *area;

static void work(int variant)
{
	char *buf = area, *src = area + 4096;
	long acc = 0;
	int i;

	memset(src, 'x', 256);
	for (i = 0; i < 2000; i++) {
		/* 48 distinct divisors in variant 0, other ones in variant 1 */
		long d = variant ? (i % 40) + 30 : (i % 48) + 1;
		acc += divide(i + 1000, d);
		acc += (long)udivide((unsigned long)i + 7, variant ? 16 : (unsigned long)(i % 5) + 1);
		acc += classify(i % (variant ? 7 : 5));
		acc += call(i % 10 == 0 ? 1 + variant : 0, i);
		copy(buf, src, (size_t)((i % 4) * 8 + 8 + variant * 64));
		acc += divide_hot(i + 5, i % 100 == 99 ? 3 : 7);
		copy_hot(buf + 1024, src, i % 100 == 99 ? 16 : 64);
	}
	acc += lib_work(variant ? 300 : 100);
	acc += lib_apply(dbl, 5) + lib_apply(inc, 6);
	sink = acc;
}

static void *thread_main(void *arg)
{
	work((int)(long)arg);
	return NULL;
}

static void dl_round(const char *path)
{
	void *h = dlopen(path, RTLD_NOW);
	int (*f)(int);

	if (!h)
		exit(3);
	f = (int (*)(int))dlsym(h, "dl_work");
	sink = f ? f(50) : 0;
	dlclose(h);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "a";

	area = mmap(FIXED_AREA, 8192, PROT_READ | PROT_WRITE,
	            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (area != FIXED_AREA)
		return 2;

	if (strcmp(mode, "f") == 0) {
		pid_t pid = fork();
		int st;
		if (pid == 0) {
			work(0);
			return 0;
		}
		waitpid(pid, &st, 0);
		work(1);
		return 0;
	}
	if (strcmp(mode, "t") == 0) {
		pthread_t t;
		pthread_create(&t, NULL, thread_main, (void *)0L);
		pthread_join(t, NULL);
		pthread_create(&t, NULL, thread_main, (void *)1L);
		pthread_join(t, NULL);
		return 0;
	}
	if (strcmp(mode, "e") == 0) {
		char *again[] = {argv[0], "b", NULL};
		work(0);
		execv("/proc/self/exe", again);   /* libgcov: __gcov_execv */
		return 4;
	}
	if (strcmp(mode, "d") == 0) {
		work(0);
		dl_round(argc > 2 ? argv[2] : "./libdlmod.so");
		dl_round(argc > 2 ? argv[2] : "./libdlmod.so");
		return 0;
	}
	work(strcmp(mode, "b") == 0);
	if (strcmp(mode, "k") == 0)
		die_now();
	return 0;
}
