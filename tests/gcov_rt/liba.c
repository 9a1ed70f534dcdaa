/* SPDX-License-Identifier: MIT */
long a_work(int n)
{
	long acc = 0;
	int i;

	for (i = 0; i < n; i++)
		acc += i % 3 ? i : -i;
	return acc;
}
