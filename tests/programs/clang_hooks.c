/* SPDX-License-Identifier: MIT */
/*
 * clang_hooks.c - call counts known by construction, for clang's two hooks
 * flags (tests/e2e/check_clang_hooks.py): main calls f exactly 1000 times,
 * f calls g on its first 37 calls only, and f uses h, a static function
 * that is always inlined. With -finstrument-functions (hooks inserted
 * before inlining) h is counted 1000 times from f; with
 * -finstrument-functions-after-inlining it has no hook and is absent.
 */
#include <stdio.h>

#define F_CALLS 1000
#define G_CALLS 37

static volatile int sink;

__attribute__((noinline)) int g(int x)
{
	sink += x;
	return x + 1;
}

static inline __attribute__((always_inline)) int h(int x)
{
	return x * 3 + sink;
}

__attribute__((noinline)) int f(int i)
{
	int r = h(i); /* SITE:f_h */

	if (i < G_CALLS)
		r += g(i); /* SITE:f_g */
	return r;
}

int main(void)
{
	long sum = 0;

	for (int i = 0; i < F_CALLS; i++)
		sum += f(i); /* SITE:main_f */
	printf("%ld\n", sum);
	return 0;
}
