/* SPDX-License-Identifier: MIT */
/*
 * pgo_plugin.c - the plugin pgo_main.c dlopen()s: built with `vitprof flags
 * --compile --pgo` and linked with nothing, so every __gcov_* symbol it
 * needs (value profilers, merge functions, the indirect-call pair) must
 * come from the program that loads it.
 */
static long square(long x)
{
	return x * x;
}

static long negate(long x)
{
	return -x;
}

long (*volatile plugin_ops[2])(long) = {square, negate};

long plugin_work(int n)
{
	long sum = 0;

	for (int i = 1; i <= n; i++)
		sum += plugin_ops[i % 3 == 0](i) / (i % 9 + 1) + (unsigned)i % (unsigned)(i % 6 + 2);
	return sum;
}
