/* SPDX-License-Identifier: MIT */
/*
 * libtwo.c - modules test: libone.c under other names of the same lengths
 * (two_x calls two_y once), so that both libraries have one layout: a call
 * into libtwo loaded where libone was has the addresses of a call into
 * libone.
 */
int two_x(int x);
int two_y(int x);

int two_y(int x)
{
	return x * 3 + 1;
}

int two_x(int x)
{
	return two_y(x) + 1; /* SITE:two_y */
}
