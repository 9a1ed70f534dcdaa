/* SPDX-License-Identifier: MIT */
long dl_work(int n)
{
	long acc = 0;
	int i;

	for (i = 0; i < n; i++)
		acc += i % 5 == 1 ? 7 : 1;
	return acc;
}
