/* SPDX-License-Identifier: MIT */
/*
 * libone.c - modules test: an instrumented library dlopen()ed by modprog.c.
 * one_a(x) calls one_b(x) once. libtwo.c is the same code under other
 * names of the same lengths, so that both libraries have one layout: a call
 * into libtwo loaded where libone was has libone's addresses.
 */
int one_a(int x);
int one_b(int x);

int one_b(int x)
{
	return x * 3 + 1;
}

int one_a(int x)
{
	return one_b(x) + 1; /* SITE:one_b */
}
