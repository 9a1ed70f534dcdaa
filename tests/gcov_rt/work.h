/* SPDX-License-Identifier: MIT */
/* Three distinct pieces of work, so a test can tell which process ran what. */
static __attribute__((unused)) long work_a(int n)
{
	long acc = 0;
	int i;

	for (i = 0; i < n; i++)
		acc += i % 7 == 0 ? i : (i % 2 ? -1 : 2);
	return acc;
}

static __attribute__((unused)) long work_b(int n)
{
	long acc = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (i % 11 == 0)
			acc += 3;
		else if (i % 13 == 0)
			acc -= 5;
	}
	return acc;
}

static __attribute__((unused)) long work_c(int n)
{
	long acc = 1;
	int i;

	for (i = 1; i < n; i++)
		acc = (acc * 31 + (i & 3 ? i : -i)) % 1000003;
	return acc;
}
