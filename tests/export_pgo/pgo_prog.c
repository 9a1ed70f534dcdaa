/* SPDX-License-Identifier: MIT */
/*
 * pgo_prog.c - the training program of the export_pgo tests
 * (tests/export_pgo.cmake): built by gcc with `vitprof flags`, run, then
 * exported as clang's sample profile (compiled back by clang with
 * -fprofile-sample-use) and as a link order (linked with gold and lld).
 *
 * Functions are written GNU style, the name on the line after the return
 * type: a sample profile's line offsets count from the line of the name
 * (DW_AT_decl_line, clang's DISubprogram line), not from the type's line.
 * Hot and cold functions alternate in the source, so a link order that
 * groups the hot ones differs from the source order.
 *
 * Counts known by construction for N = argv[1] (default 2000):
 *   classify: 10*N calls; mix: ceil(10*N/7) calls (v % 7 == 0 for v in
 *   0..10N-1); collatz: N calls; step_even/step_odd: the Collatz steps of
 *   1..N; cold_*: never called.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pgo_util.h"

static volatile long sink;

void
cold_report(const char *why)
{
	fprintf(stderr, "pgo_prog: %s\n", why);
}

static long
mix(long x)
{
	return (x * 2654435761L) % 1000003;
}

long
step_even(long x)
{
	return x / 2;
}

void
cold_usage(void)
{
	fputs("usage: pgo_prog [N]\n", stderr);
	exit(2);
}

long
step_odd(long x)
{
	return 3 * x + 1;
}

static long (*const steps[2])(long) = { step_even, step_odd };

static long
collatz(long x)
{
	long n = 0;

	while (x != 1) {
		x = steps[x & 1](x);
		n++;
	}
	return n;
}

long
cold_checksum(const long *v, long n)
{
	long i, s = 0;

	for (i = 0; i < n; i++)
		s ^= v[i];
	return s;
}

static long
classify(long v)
{
	if (v % 7 == 0)
		return mix(v);
	if (v < 0)
		cold_report("negative");
	return util_clamp(v + 1, 0, 1000);
}

int
main(int argc, char **argv)
{
	long n = 2000, i;

	if (argc > 2)
		cold_usage();
	if (argc > 1)
		n = atol(argv[1]);
	for (i = 1; i <= n; i++)
		sink += collatz(i);
	for (i = 0; i < 10 * n; i++)
		sink += classify(i);
	printf("sink=%ld\n", (long)sink);
	return 0;
}
