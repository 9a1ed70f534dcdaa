/* SPDX-License-Identifier: MIT */
/* libvals.c - a shared library with value sites and first calls of its own
 * (libgcov numbers them with the library's own clock), called directly and
 * through function pointers passed in from the executable. */
#include <string.h>

__attribute__((noinline)) static long lib_div(long a, long b) { return a / b; }
__attribute__((noinline)) static int lib_sq(int x) { return x * x; }
__attribute__((noinline)) static int lib_cube(int x) { return x * x * x; }
static int (*lib_ops[2])(int) = {lib_sq, lib_cube};

int lib_work(int n)
{
	/* the executable's fixed area (values.c): same alignments everywhere */
	char *a = (char *)0x400000000000ul + 6144, *b = a + 1024;
	long acc = 0;

	memset(b, 1, 128);
	for (int i = 0; i < n; i++) {
		acc += lib_div(i + 100, (i % 9) + 1);
		acc += lib_ops[i % 7 == 0](i);
		memcpy(a, b, (size_t)(i % 3) * 16 + 16);
	}
	return (int)acc + a[0];
}

int lib_apply(int (*fn)(int), int x)
{
	return fn(x);        /* an indirect call into the executable */
}
