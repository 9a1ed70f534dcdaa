/* SPDX-License-Identifier: MIT */
/* shared_main.c - drives shared_a.c and shared_b.c (shared.h). */
#include <stdio.h>

int shared_a(int n);
int shared_b(int n);

int main(void)
{
	int acc = 0;

	for (int k = 0; k < 5; k++)
		acc += shared_a(k) + shared_b(k);
	printf("%d\n", acc);
	return 0;
}
