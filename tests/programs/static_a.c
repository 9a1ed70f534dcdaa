/* SPDX-License-Identifier: MIT */
/* static_a.c - e2e sample: a static helper() with the same name as the one
 * in static_b.c; a_entry(n) calls it n times. */
int a_entry(int n);

static int helper(int x) /* DEF:helper_a */
{
	return x * 2 + 1;
}

int a_entry(int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s += helper(i); /* SITE:a_helper */
	return s;
}
