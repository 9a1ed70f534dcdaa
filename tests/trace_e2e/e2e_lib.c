/* SPDX-License-Identifier: MIT */
/* A shared library of the trace_e2e programs: lib_outer() calls
 * lib_inner() twice. */
#include "e2e_lib.h"

__attribute__((noinline)) static int lib_inner(int x)
{
	return x * 3 + 1;
}

int lib_outer(int x)
{
	return lib_inner(x) + lib_inner(x + 1);
}
