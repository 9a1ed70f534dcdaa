/* SPDX-License-Identifier: MIT */
/* static_b.c - e2e sample: a static helper() with the same name as the one
 * in static_a.c; b_entry(n) calls it n times. */
int b_entry(int n);

/* A few lines of padding so that the two helpers are not on the same line. */

static int helper(int x) /* DEF:helper_b */
{
	return x ^ 0x55;
}

int b_entry(int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s -= helper(i); /* SITE:b_helper */
	return s;
}
