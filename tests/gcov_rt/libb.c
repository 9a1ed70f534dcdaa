/* SPDX-License-Identifier: MIT */
static int odd(int i)
{
	return i & 1;
}

long b_work(int n)
{
	long acc = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (odd(i))
			acc += 2;
		else if (i % 4 == 0)
			acc -= 1;
	}
	return acc;
}
